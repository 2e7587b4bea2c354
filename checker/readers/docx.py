"""Word (.docx): body paragraphs and tables in document order.

The body XML is walked iteratively (no recursion, so hostile nesting cannot
exhaust the stack). Paragraph text includes runs inside hyperlinks, inserted
revisions, smart tags and content controls; deleted revisions, field codes and
the fallback copies of drawings are skipped. Headers, footers, footnotes and
comments live in other parts of the package and are ignored.

Merged cells are de-duplicated: ``gridSpan`` becomes a colspan, a ``vMerge``
continuation extends the rowspan of the cell above, and each merged cell is
written once at its top-left position.

This module owns the walk: the Document keeps, per line, the path of the
element it was read from (``Document.source_map``), and ``line_elements`` turns
those paths back into elements of a parsed body for ``--fix`` and
``checker annotate``, so nothing else re-implements the traversal.
"""
from __future__ import annotations

import io
import re
import zipfile

from . import ReaderError, reader
from ._layout import RawCell, TextBuilder, join_fragments, normalise_spans

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

# Limits against zip bombs and absurd packages (declared sizes are checked
# before anything is decompressed; zipfile never inflates past them).
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_MEMBERS = 10000
MAX_RATIO = 200  # uncompressed / compressed for the main document part

_TEXT_TAGS = {W + "t": None, W + "tab": " ", W + "br": "\n", W + "cr": "\n", W + "noBreakHyphen": "-",
              W + "softHyphen": "", W + "sym": None}
_SKIP_TAGS = {W + "delText", W + "instrText", W + "del", W + "moveFrom", W + "rPr", W + "pPr",
              W + "fldData", MC + "Fallback", W + "commentReference", W + "footnoteReference",
              W + "endnoteReference", "{urn:schemas-microsoft-com:vml}textpath"}


def _check_package(data: bytes) -> None:
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ReaderError("这是旧版 Word（.doc）格式或加密的文档，不是 .docx；请另存为 .docx 后再检查")
    if not data.startswith(b"PK"):
        raise ReaderError("文件不是有效的 Word 文档（.docx 应为 zip 压缩包），可能已损坏或扩展名有误")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ReaderError("Word 文档已损坏或不完整（zip 结构无法读取）") from None
    except Exception as e:  # noqa: BLE001 - hostile archives raise odd errors
        raise ReaderError(f"Word 文档已损坏（{type(e).__name__}）") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ReaderError(f"Word 文档内部文件过多（{len(infos)} 个），疑似恶意压缩包，已拒绝读取")
        total = 0
        names = set()
        for info in infos:
            names.add(info.filename)
            total += info.file_size
            if info.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise ReaderError(
                    f"Word 文档解压后过大（{info.filename} 声明 {info.file_size / 1048576:.0f} MB），"
                    "疑似压缩炸弹，已拒绝读取"
                )
            if info.flag_bits & 0x1:
                raise ReaderError("Word 文档已加密，无法读取")
        if "word/document.xml" not in names and not any(n.endswith("document.xml") for n in names):
            raise ReaderError("压缩包中没有 Word 正文（word/document.xml），不是有效的 .docx 文件")
        main = next((i for i in infos if i.filename == "word/document.xml"), None)
        if main is not None and main.compress_size and main.file_size / max(main.compress_size, 1) > MAX_RATIO \
                and main.file_size > 20 * 1024 * 1024:
            raise ReaderError("Word 文档正文的压缩比异常，疑似压缩炸弹，已拒绝读取")


def _open(data: bytes):
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_package(data)
    try:
        return docx.Document(io.BytesIO(data))
    except PackageNotFoundError:
        raise ReaderError("不是有效的 Word 文档（缺少 Word 正文部件）") from None
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile):
        raise ReaderError("Word 文档已损坏或不完整，无法解压") from None
    except KeyError as e:
        raise ReaderError(f"Word 文档缺少必要部件（{e}），可能已损坏") from None
    except Exception as e:  # noqa: BLE001 - lxml / zlib / python-docx errors on broken files
        name = type(e).__name__
        if "XMLSyntax" in name or "Parse" in name:
            raise ReaderError("Word 文档的 XML 内容已损坏，无法解析") from None
        if name in ("error", "BadGzipFile") or "zlib" in str(type(e)):
            raise ReaderError("Word 文档已损坏，压缩数据无法解开") from None
        if isinstance(e, ValueError) and "content type" in str(e):
            raise ReaderError("不是 Word 文档（.docx）：压缩包的内容类型不对，可能是模板或其他 Office 文件") from None
        raise ReaderError(f"Word 文档无法打开（{name}），可能已损坏") from None


def _local(tag) -> str:
    return tag if isinstance(tag, str) else ""


def _sym_char(node) -> str:
    """The character of a ``w:sym``; symbol fonts map into the private use area:
    real characters only."""
    try:
        code = int(node.get(W + "char") or "", 16)
        return chr(code) if code >= 0x20 and not 0xE000 <= code <= 0xF8FF else ""
    except ValueError:  # not hex, or beyond Unicode
        return ""


def text_pieces(el):
    """The text of a paragraph-like element in reading order, iteratively, as
    ``(text, element)`` pieces: ``element`` is the ``w:t``/``w:tab``/``w:sym``…
    the piece comes from, or None for the ``\\n`` that ends a nested paragraph
    or cell. Deleted text, field codes and drawing fallbacks are skipped."""
    stack = [(el, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            yield "\n", None
            continue
        tag = _local(node.tag)
        if tag in _SKIP_TAGS:
            continue
        if tag == W + "t":
            yield node.text or "", node
        elif tag == W + "sym":
            yield _sym_char(node), node
        elif tag in _TEXT_TAGS:
            yield _TEXT_TAGS[tag], node
        else:
            if node is not el and tag in (W + "p", W + "tc"):
                stack.append((node, True))
            stack.extend((child, False) for child in reversed(list(node)))


def element_text(el) -> str:
    """Text of a paragraph-like element (``text_pieces`` joined). Paragraph breaks
    inside (a cell with several paragraphs, a nested table) come out as ``\\n``."""
    return "".join(t for t, _ in text_pieces(el))


def paragraph_text(p) -> str:
    """A paragraph on one line: soft breaks joined like wrapped lines."""
    return join_fragments(element_text(p).split("\n"))


def cell_text(tc) -> str:
    """All paragraphs of a cell (and of tables nested in it) joined on one line:
    a label must stay on one line (``商业`` / ``企业`` → ``商业企业``)."""
    return join_fragments(element_text(tc).split("\n"))


def _int_attr(el, name: str, default: int = 0) -> int:
    if el is None:
        return default
    v = el.get(W + name)
    try:
        return int(v) if v is not None else default
    except ValueError:
        return default


_WRAPPERS = (W + "sdt", W + "sdtContent", W + "customXml")


def _children(node, tag: str, through: tuple[str, ...] = _WRAPPERS) -> list:
    """The ``tag`` children of ``node``, looking through content controls and custom XML."""
    out = []
    stack = list(reversed(list(node)))
    while stack:
        child = stack.pop()
        t = _local(child.tag)
        if t == tag:
            out.append(child)
        elif t in through:
            stack.extend(reversed(list(child)))
    return out


def _row_cells(tr):
    """The w:tc of a row (smart tags looked through as well)."""
    return _children(tr, W + "tc", _WRAPPERS + (W + "smartTag",))


def _table_rows(tbl):
    return _children(tbl, W + "tr")


def table_cells(tbl) -> list[RawCell]:
    """Expanded-grid cells of a w:tbl with gridSpan/vMerge resolved (``source``: the w:tc)."""
    cells: list[RawCell] = []
    owner: dict[tuple[int, int], RawCell] = {}  # (row, col) -> cell covering it
    for r, tr in enumerate(_table_rows(tbl)):
        trpr = tr.find(W + "trPr")
        col = _int_attr(trpr.find(W + "gridBefore") if trpr is not None else None, "val", 0)
        for tc in _row_cells(tr):
            tcpr = tc.find(W + "tcPr")
            span = 1
            vmerge = None
            hmerge = None
            if tcpr is not None:
                span = max(1, min(_int_attr(tcpr.find(W + "gridSpan"), "val", 1), 1000))
                vm = tcpr.find(W + "vMerge")
                if vm is not None:
                    vmerge = vm.get(W + "val") or "continue"
                hm = tcpr.find(W + "hMerge")
                if hm is not None:
                    hmerge = hm.get(W + "val") or "continue"
            if hmerge == "continue":
                # legacy horizontal merge: widen the cell to the left
                left = owner.get((r, col - 1))
                if left is not None and left.row == r:
                    left.colspan += span
                    for k in range(col, col + span):
                        owner[(r, k)] = left
                    col += span
                    continue
            if vmerge == "continue":
                above = owner.get((r - 1, col))
                if above is not None and above.col == col:
                    if above.row + above.rowspan == r:
                        above.rowspan += 1
                    for k in range(above.col, above.col + above.colspan):
                        owner[(r, k)] = above
                    col += span
                    continue
            cell = RawCell(row=r, col=col, text=cell_text(tc), colspan=span, source=tc)
            cells.append(cell)
            for k in range(col, col + span):
                owner[(r, k)] = cell
            col += span
    return normalise_spans(cells)


_CN = "零一二三四五六七八九"


def _chinese_counting(n: int) -> str:
    if n <= 0 or n >= 100:
        return str(n)
    if n < 10:
        return _CN[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN[tens]) + "十" + (_CN[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for v, r in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
                 (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= v:
            out += r
            n -= v
    return out


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "ideographTraditional", "taiwaneseCounting",
               "japaneseCounting", "chineseLegalSimplified", "ideographLegalTraditional"):
        return _chinese_counting(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalEnclosedCircle" and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt in ("lowerLetter", "upperLetter") and n >= 1:
        ch = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return ch.upper() if fmt == "upperLetter" else ch
    if fmt in ("lowerRoman", "upperRoman") and n >= 1:
        r = _roman(n)
        return r.upper() if fmt == "upperRoman" else r
    return str(n)


class Numbering:
    """Automatic paragraph numbers (``一、`` ``（一）`` ``1.`` typed by Word, not
    in the text runs): rendered from numbering.xml so headings read as printed."""

    def __init__(self, part_element):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}  # numId -> ilvl -> (fmt, lvlText, start)
        self.counters: dict[str, list[int]] = {}
        if part_element is None:
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in part_element.iter(W + "abstractNum"):
            abstract[an.get(W + "abstractNumId")] = self._levels(an)
        for num in part_element.iter(W + "num"):
            aid = num.find(W + "abstractNumId")
            levels = dict(abstract.get(aid.get(W + "val") if aid is not None else None, {}))
            for ov in num.iter(W + "lvlOverride"):
                ilvl = _int_attr(ov, "ilvl", 0)
                lvl = ov.find(W + "lvl")
                if lvl is not None:
                    levels.update(self._levels(ov))
                so = ov.find(W + "startOverride")
                if so is not None and ilvl in levels:
                    fmt, text, _ = levels[ilvl]
                    levels[ilvl] = (fmt, text, _int_attr(so, "val", 1))
            self.levels[num.get(W + "numId")] = levels

    @staticmethod
    def _levels(el) -> dict[int, tuple[str, str, int]]:
        out = {}
        for lvl in el.iter(W + "lvl"):
            fmt_el = lvl.find(W + "numFmt")
            text_el = lvl.find(W + "lvlText")
            out[_int_attr(lvl, "ilvl", 0)] = (
                fmt_el.get(W + "val", "decimal") if fmt_el is not None else "decimal",
                text_el.get(W + "val", "") if text_el is not None else "",
                _int_attr(lvl.find(W + "start"), "val", 1),
            )
        return out

    def label(self, p) -> str:
        ppr = p.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        if numpr is None:
            return ""
        nid_el = numpr.find(W + "numId")
        nid = nid_el.get(W + "val") if nid_el is not None else None
        ilvl = max(0, min(_int_attr(numpr.find(W + "ilvl"), "val", 0), 8))
        levels = self.levels.get(nid)
        if not levels or ilvl not in levels:
            return ""
        counters = self.counters.setdefault(nid, [0] * 9)
        for k in range(9):
            if k < ilvl and counters[k] == 0 and k in levels:
                counters[k] = levels[k][2]
        counters[ilvl] = counters[ilvl] + 1 if counters[ilvl] else levels[ilvl][2]
        for k in range(ilvl + 1, 9):
            counters[k] = 0
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none") or not text:
            return ""

        def sub(m):
            k = int(m.group(1)) - 1
            if k not in levels:
                return ""
            return _format_number(counters[k] or levels[k][2], levels[k][0])

        return re.sub(r"%([1-9])", sub, text)


def _path_below(top, el) -> tuple[int, ...]:
    """Child indices leading from ``top`` down to its descendant ``el``."""
    out = []
    while el is not top:
        parent = el.getparent()
        out.append(parent.index(el))
        el = parent
    return tuple(reversed(out))


def walk_body(body, out: TextBuilder, numbering: Numbering | None = None) -> None:
    """Paragraphs and tables of the body in document order. Each line's source
    is the child-index path from ``body`` to its w:p or (table cell) w:tc."""

    def push(node, path):
        stack.extend((child, path + (i,)) for i, child in reversed(list(enumerate(node))))

    stack: list = []
    push(body, ())
    while stack:
        node, path = stack.pop()
        tag = _local(node.tag)
        if tag == W + "p":
            text = paragraph_text(node)
            if numbering is not None and text.strip():
                text = numbering.label(node) + text
            out.paragraph(text, path)
        elif tag == W + "tbl":
            cells = table_cells(node)
            if _is_layout_table(cells):
                # a one-column frame around content: read its paragraphs as text
                for tr in reversed(_table_rows(node)):
                    for tc in reversed(_row_cells(tr)):
                        push(tc, path + _path_below(node, tc))
                continue
            for c in cells:
                c.source = path + _path_below(node, c.source)
            out.table(cells)
        elif tag in _WRAPPERS + (W + "smartTag", W + "ins", W + "moveTo"):
            push(node, path)
        elif tag == MC + "AlternateContent":
            choice = node.find(MC + "Choice")
            if choice is not None:
                push(choice, path + (node.index(choice),))


def line_elements(root, source_map: list | None = None) -> list:
    """For each line of the text ``read_docx`` extracts, the element it was read
    from: the w:p of a paragraph, or the w:tc of a table cell (all its paragraphs
    on one line). ``root`` is the w:document or w:body of a parsed
    word/document.xml (python-docx's ``Document.element`` or plain lxml);
    ``source_map`` is the reader's ``Document.source_map`` for this file; without
    it the body is walked here as the reader walks it. A path that does not fit
    this tree gives None."""
    body = root if _local(root.tag) == W + "body" else root.find(W + "body")
    if body is None:
        return []
    if source_map is None:
        out = TextBuilder()
        walk_body(body, out)
        source_map = out.sources
    found = []
    for path in source_map:
        el = body
        try:
            for i in path:
                el = el[i]
        except (IndexError, TypeError):
            el = None
        found.append(el if el is not None and _local(el.tag) in (W + "p", W + "tc") else None)
    return found


def _is_layout_table(cells: list[RawCell]) -> bool:
    """A single-column table whose cells hold whole paragraphs (a text frame)."""
    if not cells:
        return False
    width = max(c.col + c.colspan for c in cells) - min(c.col for c in cells)
    return width == 1 and len(cells) <= 3 and any(len(c.text) > 80 for c in cells)


@reader(".docx")
def read_docx(path: str, data: bytes):
    if not data.strip(b"\x00 \t\r\n"):
        raise ReaderError("文件为空")
    d = _open(data)
    out = TextBuilder()
    try:
        body = d.element.body
    except Exception:  # noqa: BLE001
        raise ReaderError("Word 文档没有正文") from None
    if body is None:
        raise ReaderError("Word 文档没有正文")
    try:
        numbering = Numbering(d.part.numbering_part.element)
    except Exception:  # noqa: BLE001 - no numbering part, or a broken one
        numbering = None
    walk_body(body, out, numbering)
    if not out.lines:
        raise ReaderError("Word 文档中没有文字内容")
    return out.document(path, "docx", encoding="utf-8")
