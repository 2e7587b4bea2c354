"""PDF (pdfplumber): the text layer as paragraphs, and the ruled tables.

- Paragraphs: the lines of the text layer outside tables, re-joined where the
  PDF wrapped a paragraph at the page width (also across page breaks). A line
  ends a paragraph when it stops short of the right margin, when the next line
  is indented, starts a heading (``一、`` ``（一）`` ``1.``) or has another font
  size, or — in documents without first-line indents — when it ends a sentence.
- Spaces that extraction puts next to Chinese characters (``2023 年``,
  ``总 计``) are removed; page numbers (``- 1 -``, ``第1页``) and running
  headers/footers are dropped.
- Tables: pdfplumber's ruled-table finder; full-width one-cell rows of prose
  at a table's edge (text painted on filled boxes) are given back to the text;
  one-column "tables" (frames) are ignored; the grid is rebuilt from the cell boxes (row/col/rowspan/colspan); a
  cell missing a border at the top of a page is recovered from its text; a
  table that continues at the top of the next page (same left/right edges,
  compatible columns) is merged into one grid, and label cells cut by the page
  break are re-joined.
- Tables drawn without rules: their rows stay lines of text (columns
  separated by one space) and are described like whitespace-separated rows
  of a text file (cells inside the line).
- No text layer (a scan) → ``ReaderError`` "扫描件…没有文本层"; a password →
  ``ReaderError`` naming the encryption; broken files → a clear reason.
"""
from __future__ import annotations

import io
import logging
import re
import statistics
import zlib
from dataclasses import dataclass, field

from . import ReaderError, reader
from ._layout import RawCell, TextBuilder, clean_line, is_cjk, join_fragments, squeeze_cjk_spaces

# pdfminer logs every broken stream as a warning; the reader reports what matters itself
logging.getLogger("pdfminer").setLevel(logging.ERROR)
logging.getLogger("pdfplumber").setLevel(logging.ERROR)  # e.g. "[WARNING] Metadata key … could not be parsed"

MAX_PAGES = 500
MAX_STREAM_BYTES = 128 * 1024 * 1024  # one inflated stream; a page's content is a few MB at most


class _BoundedZlib:
    """Stands in for the ``zlib`` module inside pdfminer, which inflates every stream whole:
    a 300 KB PDF can hold a stream that inflates to gigabytes. A stream over
    MAX_STREAM_BYTES is refused; otherwise the real ``zlib.decompress`` runs (same
    result, same errors)."""

    error = zlib.error

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def decompress(data, *args, **kwargs):
        probe = zlib.decompressobj()
        try:
            out = probe.decompress(data, MAX_STREAM_BYTES + 1)
        except zlib.error:
            out = b""
        if len(out) > MAX_STREAM_BYTES:
            raise ReaderError(f"PDF 中的压缩数据解压后超过 {MAX_STREAM_BYTES // 1048576} MB，疑似压缩炸弹，已拒绝读取")
        del out
        return zlib.decompress(data, *args, **kwargs)


def _bound_pdfminer_streams() -> None:
    try:
        import pdfminer.pdftypes as pdftypes
    except ImportError:  # pragma: no cover
        return
    if getattr(pdftypes, "zlib", None) is zlib:
        pdftypes.zlib = _BoundedZlib()


_bound_pdfminer_streams()
PAGE_STRIDE = 100000.0  # virtual y offset per page, to merge tables across pages
TOL = 3.0

_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~―一]\s*\d{1,4}\s*[-—–－~―一]|\d{1,4}|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十]{1,3}\s*[）)]|\d{1,2}\s*[、.．](?!\d)"
    r"|[（(]\s*\d{1,2}\s*[）)]|第[一二三四五六七八九十百]+[章节条部分]|附件|附表)"
)
_SENTENCE_END = tuple("。！？；!?;")
_NUMERIC = re.compile(r"^[-+−－]?[\d０-９][\d０-９,，.．]*%?$")


# ---------------------------------------------------------------------------
# tables


@dataclass
class PCell:
    x0: float
    x1: float
    top: float  # virtual: page * PAGE_STRIDE + top
    bottom: float
    text: str


@dataclass
class PTable:
    page: int
    x0: float
    x1: float
    top: float  # page coordinates
    bottom: float
    cells: list[PCell] = field(default_factory=list)
    xs: list[float] = field(default_factory=list)  # column boundaries


def _cluster(values: list[float], tol: float = TOL) -> list[float]:
    vals = sorted(values)
    out: list[list[float]] = []
    for v in vals:
        if out and v - out[-1][-1] <= tol:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(g) / len(g) for g in out]


def _index(bounds: list[float], v: float) -> int:
    best = 0
    bd = abs(bounds[0] - v)
    for i, b in enumerate(bounds):
        d = abs(b - v)
        if d < bd:
            best, bd = i, d
    return best


def _chars_text(chars: list[dict]) -> str:
    """Text of a group of chars: lines by position, joined as one label."""
    if not chars:
        return ""
    from pdfplumber.utils import extract_text

    try:
        raw = extract_text(chars, x_tolerance=1.5, y_tolerance=3)
    except Exception:  # noqa: BLE001
        raw = "".join(c.get("text", "") for c in chars)
    lines = [squeeze_cjk_spaces(clean_line(line)) for line in raw.split("\n")]
    return join_fragments(lines)


def _prose_row(text: str) -> bool:
    """A full-width one-cell row that is text around a table, not part of it
    (some PDFs paint every text line on a filled box that looks like a cell)."""
    t = text.replace(" ", "")
    return (not t or len(t) > 30 or bool(re.search(r"[。；！？，]", t))
            or bool(re.match(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])", t)))


def _page_tables(page, page_no: int, chars: list[dict]) -> tuple[list[PTable], list[tuple]]:
    """Ruled tables on a page, as cell boxes with text; and their bboxes."""
    try:
        found = page.find_tables()
    except Exception:  # noqa: BLE001 - geometry errors on odd pages
        return [], []
    tables: list[PTable] = []
    bboxes = []
    for t in found:
        boxes = [c for c in t.cells if c and c[2] - c[0] > 1 and c[3] - c[1] > 1]
        if len(boxes) < 2:
            continue
        xs = _cluster([b[0] for b in boxes] + [b[2] for b in boxes])
        ys = _cluster([b[1] for b in boxes] + [b[3] for b in boxes])
        if len(xs) < 3 or len(ys) < 2:
            continue  # one column: a frame around text, not a table
        x0, top, x1, bottom = t.bbox
        inside = [c for c in chars if x0 - 1 <= (c["x0"] + c["x1"]) / 2 <= x1 + 1
                  and top - 1 <= (c["top"] + c["bottom"]) / 2 <= bottom + 1]
        # grid positions covered by cells: (box, r0, c0, r1, c1)
        grid_boxes = []
        covered: set[tuple[int, int]] = set()
        for b in boxes:
            c0, c1 = _index(xs, b[0]), _index(xs, b[2])
            r0, r1 = _index(ys, b[1]), _index(ys, b[3])
            if c1 <= c0 or r1 <= r0:
                continue
            grid_boxes.append((b, r0, c0, r1, c1))
            for r in range(r0, r1):
                for k in range(c0, c1):
                    covered.add((r, k))
        # regions inside the table with text but no cell (a border missing at a page top)
        for r in range(len(ys) - 1):
            for k in range(len(xs) - 1):
                if (r, k) in covered:
                    continue
                b = (xs[k], ys[r], xs[k + 1], ys[r + 1])
                if any(b[0] <= (c["x0"] + c["x1"]) / 2 <= b[2] and b[1] <= (c["top"] + c["bottom"]) / 2 <= b[3]
                       for c in inside):
                    grid_boxes.append((b, r, k, r + 1, k + 1))
        cells_chars: dict[int, list[dict]] = {i: [] for i in range(len(grid_boxes))}
        for ch in inside:
            cx = (ch["x0"] + ch["x1"]) / 2
            cy = (ch["top"] + ch["bottom"]) / 2
            for i, gb in enumerate(grid_boxes):
                b = gb[0]
                if b[0] - 0.5 <= cx <= b[2] + 0.5 and b[1] - 0.5 <= cy <= b[3] + 0.5:
                    cells_chars[i].append(ch)
                    break
        texts = [_chars_text(cells_chars[i]) for i in range(len(grid_boxes))]
        # trim full-width one-cell rows of prose at the top and bottom
        ncols = len(xs) - 1
        by_row: dict[int, list[int]] = {}
        for i, gb in enumerate(grid_boxes):
            by_row.setdefault(gb[1], []).append(i)
        rows = sorted(by_row)
        drop: set[int] = set()

        def trimmable(r):
            ids = by_row[r]
            if len(ids) != 1:
                return False
            gb = grid_boxes[ids[0]]
            return gb[2] == 0 and gb[4] == ncols and gb[3] - gb[1] == 1 and _prose_row(texts[ids[0]])

        lo, hi = 0, len(rows) - 1
        while lo <= hi and trimmable(rows[lo]):
            drop.update(by_row[rows[lo]])
            lo += 1
        while hi >= lo and trimmable(rows[hi]):
            drop.update(by_row[rows[hi]])
            hi -= 1
        keep = [i for i in range(len(grid_boxes)) if i not in drop]
        if sum(1 for i in keep if texts[i]) < 2:
            continue
        kx = _cluster([grid_boxes[i][0][0] for i in keep] + [grid_boxes[i][0][2] for i in keep])
        if len(kx) < 3:
            continue
        bx0 = min(grid_boxes[i][0][0] for i in keep)
        bx1 = max(grid_boxes[i][0][2] for i in keep)
        btop = min(grid_boxes[i][0][1] for i in keep)
        bbot = max(grid_boxes[i][0][3] for i in keep)
        pt = PTable(page=page_no, x0=bx0, x1=bx1, top=btop, bottom=bbot, xs=kx)
        off = page_no * PAGE_STRIDE
        for i in keep:
            b = grid_boxes[i][0]
            pt.cells.append(PCell(b[0], b[2], b[1] + off, b[3] + off, texts[i]))
        tables.append(pt)
        bboxes.append((bx0, btop, bx1, bbot))
    return tables, bboxes


def _compatible(prev: PTable, nxt: PTable) -> bool:
    """Does ``nxt`` (top of a page) continue ``prev`` (bottom of the page before)?"""
    if abs(prev.x0 - nxt.x0) > 6 or abs(prev.x1 - nxt.x1) > 6:
        return False
    if len(prev.xs) == len(nxt.xs):
        return True
    # the continuation's column boundaries are a subset of the previous ones (or the reverse)
    small, big = (nxt.xs, prev.xs) if len(nxt.xs) < len(prev.xs) else (prev.xs, nxt.xs)
    return all(any(abs(s - b) <= 4 for b in big) for s in small)


_LABEL_START = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[）)]"
                          r"|\d{1,2}\s*[.．、]|第[一二三四五六七八九十]+)")


def _merge(prev: PTable, nxt: PTable) -> PTable:
    """Append ``nxt``'s cells to ``prev``; re-join label cells cut by the page break.

    In the continuation's first row, a label cell that has another label to
    its right (a group label such as ``三、本年度办理结果`` or ``（四）无法提供``)
    and sits exactly below a label cell of the previous page's last row is the
    rest of that cell when it is blank or does not start a new item."""
    first_top = min(c.top for c in nxt.cells)
    first_row = sorted((c for c in nxt.cells if abs(c.top - first_top) <= TOL), key=lambda c: c.x0)
    last_bottom = max(c.bottom for c in prev.cells)

    def numeric(c):
        return bool(_NUMERIC.match(c.text.replace(" ", "")))

    first_num = next((i for i, c in enumerate(first_row) if numeric(c)), len(first_row))
    labels = first_row[:first_num]
    drop = set()
    for i, c in enumerate(labels):
        if not any(d.text for d in labels[i + 1:]):
            continue  # the row's own label (or nothing to its right): never merged
        if c.text and _LABEL_START.match(c.text):
            continue
        above = [p for p in prev.cells if abs(p.bottom - last_bottom) <= TOL
                 and abs(p.x0 - c.x0) <= 4 and abs(p.x1 - c.x1) <= 4]
        if len(above) == 1 and above[0].text and not numeric(above[0]):
            above[0].bottom = c.bottom
            if c.text:
                above[0].text = join_fragments([above[0].text, c.text])
            drop.add(id(c))
    merged = PTable(page=nxt.page, x0=prev.x0, x1=prev.x1, top=prev.top, bottom=nxt.bottom,
                    cells=prev.cells + [c for c in nxt.cells if id(c) not in drop],
                    xs=_cluster(prev.xs + nxt.xs, 4))
    return merged


def _grid(pt: PTable) -> list[RawCell]:
    xs = _cluster([c.x0 for c in pt.cells] + [c.x1 for c in pt.cells], 4)
    ys = _cluster([c.top for c in pt.cells] + [c.bottom for c in pt.cells], TOL)
    cells = []
    for c in pt.cells:
        c0, c1 = _index(xs, c.x0), _index(xs, c.x1)
        r0, r1 = _index(ys, c.top), _index(ys, c.bottom)
        if c1 <= c0 or r1 <= r0:
            continue
        cells.append(RawCell(r0, c0, c.text, r1 - r0, c1 - c0))
    from ._layout import normalise_spans

    return normalise_spans(cells)


# ---------------------------------------------------------------------------
# text lines and paragraphs


@dataclass
class PLine:
    page: int
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    lead_w: float = 0.0  # width of the leading non-CJK word (a URL or number that could not fit above)


def _page_lines(page, page_no: int, chars: list[dict], table_boxes: list[tuple]) -> list[PLine]:
    def outside(c):
        cx = (c["x0"] + c["x1"]) / 2
        cy = (c["top"] + c["bottom"]) / 2
        return not any(b[0] - 1 <= cx <= b[2] + 1 and b[1] - 1 <= cy <= b[3] + 1 for b in table_boxes)

    keep = [c for c in chars if outside(c)]
    if not keep:
        return []
    from pdfplumber.utils import cluster_objects

    lines: list[PLine] = []
    for group in cluster_objects(keep, lambda c: (c["top"] + c["bottom"]) / 2, 3):
        group = sorted(group, key=lambda c: c["x0"])
        text = _line_text(group)
        if not text:
            continue
        sizes = [c.get("size", 0) for c in group if c.get("text", "").strip()]
        lead = []
        for c in group:
            t = c.get("text", "")
            if not t or t.isspace() or is_cjk(t[0]) or (lead and c["x0"] - lead[-1]["x1"] > 0.25 * max(c.get("size", 10), 1)):
                break
            lead.append(c)
        lead_w = lead[-1]["x1"] - lead[0]["x0"] if len(lead) >= 4 else 0.0
        lines.append(PLine(page_no, text, min(c["x0"] for c in group), max(c["x1"] for c in group),
                           min(c["top"] for c in group), max(c["bottom"] for c in group),
                           statistics.median(sizes) if sizes else 0, lead_w))
    lines.sort(key=lambda ln: ln.top)
    return lines


_HARD_GAP = "\ue000"  # placeholder for a column-sized gap while small gaps are squeezed


def _line_text(chars: list[dict]) -> str:
    """Chars of one line, left to right, with a space where there is a visible
    gap. Small gaps next to Chinese characters are letter-spacing and go; a
    gap wider than one character separates columns (``规章  0  0  0`` of a
    table without rules) and stays a space."""
    out = []
    prev = None
    for c in chars:
        t = c.get("text", "")
        if not t or t == _HARD_GAP:
            continue
        if prev is not None:
            gap = c["x0"] - prev["x1"]
            size = max(prev.get("size", 10), 1)
            if gap > 1.0 * size:
                out.append(_HARD_GAP)
            elif gap > 0.25 * size:
                out.append(" ")
        out.append(t)
        prev = c
    text = squeeze_cjk_spaces(clean_line("".join(out)))
    return re.sub(r" ?\ue000 ?", " ", text).strip()


def _drop_running_lines(pages: list[list[PLine]], heights: list[float]) -> list[list[PLine]]:
    """Page numbers and headers/footers repeated on most pages."""
    zone_counts: dict[str, int] = {}
    for lines, h in zip(pages, heights):
        seen = set()
        for ln in lines:
            if ln.top < 0.1 * h or ln.bottom > 0.9 * h:
                key = re.sub(r"\d+", "#", ln.text)
                if key not in seen:
                    seen.add(key)
                    zone_counts[key] = zone_counts.get(key, 0) + 1
    repeated = {k for k, n in zone_counts.items() if len(pages) >= 3 and n >= max(3, 0.6 * len(pages))}
    out = []
    for lines, h in zip(pages, heights):
        kept = []
        for ln in lines:
            in_margin = ln.top < 0.12 * h or ln.bottom > 0.88 * h
            compact = ln.text.replace(" ", "")
            if in_margin and _PAGE_NUMBER.match(compact):
                continue
            if in_margin and re.sub(r"\d+", "#", ln.text) in repeated:
                continue
            kept.append(ln)
        out.append(kept)
    return out


@dataclass
class Metrics:
    left: float
    right: float
    charw: float
    indent_style: bool
    gap: float


def _metrics(lines: list[PLine]) -> Metrics:
    if not lines:
        return Metrics(0, 0, 10, False, 10)
    sizes = [ln.size for ln in lines if ln.size > 0]
    charw = statistics.median(sizes) if sizes else 10.0
    x0s = sorted(ln.x0 for ln in lines)
    x1s = sorted(ln.x1 for ln in lines)
    # the body's left edge: the most common start among lines (rounded)
    counts: dict[int, int] = {}
    for x in x0s:
        counts[round(x)] = counts.get(round(x), 0) + 1
    left = min((x for x, n in counts.items() if n >= max(2, 0.2 * max(counts.values()))), default=round(x0s[0]))
    right = x1s[int(0.9 * (len(x1s) - 1))]
    indented = sum(1 for x in x0s if left + 1.2 * charw <= x <= left + 3.5 * charw)
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:]) if a.page == b.page and b.top > a.bottom]
    gap = statistics.median(gaps) if gaps else charw
    return Metrics(float(left), right, charw, indented >= 2, gap)


def _continues(prev: PLine, nxt: PLine, m: Metrics) -> bool:
    """Is ``nxt`` the wrapped continuation of ``prev``'s paragraph?"""
    if _HEADING_START.match(nxt.text):
        return False
    if prev.size and nxt.size and abs(prev.size - nxt.size) > 1.0:
        return False
    if prev.x1 < m.right - 2.0 * m.charw and not (nxt.lead_w and prev.x1 + nxt.lead_w + m.charw > m.right):
        return False  # the line stops short (and the next line's first word would have fitted): paragraph end
    if nxt.x0 > m.left + 1.2 * m.charw:
        return False  # next line indented: new paragraph (or centred)
    if prev.x0 > m.left + 4 * m.charw and prev.x0 - m.left > (m.right - prev.x1) + m.charw:
        return False  # prev is centred (title)
    if prev.page == nxt.page and nxt.top - prev.bottom > max(m.gap * 1.8, m.gap + 0.6 * m.charw):
        return False  # paragraph spacing
    if not m.indent_style and prev.text.endswith(_SENTENCE_END):
        return False
    return True


# ---------------------------------------------------------------------------


def _open(data: bytes):
    import pdfplumber

    if not data.lstrip()[:1024].find(b"%PDF") >= 0:
        raise ReaderError("文件不是有效的 PDF（缺少 %PDF 文件头），可能已损坏或扩展名有误")
    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - pdfminer raises many kinds
        inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e
        if isinstance(inner, ReaderError):
            raise inner from None
        name = type(inner).__name__
        if "Password" in name or "Encrypt" in name or "encrypt" in str(inner).lower():
            raise ReaderError("PDF 已加密（需要密码才能打开），无法读取；请提供未加密的版本") from None
        if "Syntax" in name or "EOF" in name or "Malformed" in name or "Type" in name:
            raise ReaderError("PDF 文件已损坏或不完整，无法解析") from None
        raise ReaderError(f"PDF 无法打开（{name}），可能已损坏") from None


def _page_chars(page) -> list[dict]:
    """The page's visible, non-blank characters."""
    return [c for c in page.chars if c.get("text", "") and not c["text"].isspace()]


@reader(".pdf")
def read_pdf(path: str, data: bytes):
    if not data.strip():
        raise ReaderError("文件为空")
    pdf = _open(data)
    try:
        return _read(pdf, path)
    except ReaderError:
        raise
    except RecursionError:
        raise ReaderError("PDF 结构嵌套过深，无法解析") from None
    except Exception as e:  # noqa: BLE001 - broken streams surface while reading pages
        inner = e.args[0] if e.args and isinstance(e.args[0], BaseException) else e
        if isinstance(inner, ReaderError):  # e.g. the stream limit, wrapped by pdfplumber
            raise inner from None
        name = type(inner).__name__
        if "Password" in name or "Encrypt" in name:
            raise ReaderError("PDF 已加密（需要密码才能打开），无法读取；请提供未加密的版本") from None
        raise ReaderError(f"PDF 内容无法解析（{name}），文件可能已损坏") from None
    finally:
        try:
            pdf.close()
        except Exception:  # noqa: BLE001
            pass


def _read(pdf, path: str):
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise ReaderError(f"PDF 页数过多（{len(pages)} 页，上限 {MAX_PAGES} 页）")
    if not pages:
        raise ReaderError("PDF 没有页面")
    all_lines: list[list[PLine]] = []
    all_tables: list[list[PTable]] = []
    heights = []
    n_chars = 0
    n_cid = 0
    n_images = 0
    for i, page in enumerate(pages):
        chars = _page_chars(page)
        n_chars += len(chars)
        n_cid += sum(1 for c in chars if c["text"].startswith("(cid:"))
        n_images += len(page.images)
        if chars:
            tables, boxes = _page_tables(page, i, chars)
            lines = _page_lines(page, i, chars, boxes)
        else:
            tables, lines = [], []
        all_tables.append(tables)
        all_lines.append(lines)
        heights.append(float(page.height))
        page.flush_cache()
    if n_chars < 10:
        if n_images:
            raise ReaderError("这是扫描件（页面是图片），PDF 没有文本层，无法提取文字；请提供可复制文字的 PDF、Word 或网页版本")
        raise ReaderError("PDF 没有文本层（没有可提取的文字），可能是扫描件或空白文档")
    if n_cid > 0.3 * n_chars:
        raise ReaderError("PDF 的字体缺少字符映射（提取出的是 (cid:…) 编码），无法得到正确文字；请提供 Word 或网页版本")
    all_lines = _drop_running_lines(all_lines, heights)
    metrics = _metrics([ln for lines in all_lines for ln in lines])

    # one stream of elements in reading order: ("line", PLine) / ("table", PTable)
    stream: list[tuple[str, object]] = []
    for lines, tables in zip(all_lines, all_tables):
        items = [(ln.top, "line", ln) for ln in lines] + [(t.top, "table", t) for t in tables]
        items.sort(key=lambda it: it[0])
        for _, kind, obj in items:
            if kind == "table" and stream and stream[-1][0] == "table":
                prev = stream[-1][1]
                if prev.page == obj.page - 1 and _compatible(prev, obj):
                    stream[-1] = ("table", _merge(prev, obj))
                    continue
            stream.append((kind, obj))

    out = TextBuilder()
    para: list[str] = []
    last: PLine | None = None
    for kind, obj in stream:
        if kind == "line":
            if last is not None and _continues(last, obj, metrics):
                para.append(obj.text)
            else:
                if para:
                    out.paragraph(join_fragments(para))
                para = [obj.text]
            last = obj
        else:
            if para:
                out.paragraph(join_fragments(para))
            para = []
            last = None
            out.table(_grid(obj))
    if para:
        out.paragraph(join_fragments(para))
    if not out.lines:
        raise ReaderError("PDF 没有文本层（没有可提取的文字），可能是扫描件")
    doc = out.document(path, "pdf", encoding=None)
    # tables drawn without rules come out as rows of text (``规章 0 0 0``):
    # describe them like whitespace-separated rows of a text file
    from .text import find_text_grids

    ruled = [(g.start, g.end) for g in doc.grids]
    extra = [g for g in find_text_grids(doc.text)
             if not any(a <= g.end and g.start <= b for a, b in ruled)]
    if extra:
        doc.grids = sorted(doc.grids + extra, key=lambda g: g.start)
    return doc
