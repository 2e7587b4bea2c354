"""A saved government web page (.html/.htm): the article body, its paragraphs and tables.

- Encoding: BOM, then ``<meta charset>`` / ``http-equiv`` in the head, then
  strict UTF-8, then GB18030 (a superset of GBK/GB2312), then detection.
- The article body is the first of the usual CMS containers (``#zoom``,
  ``.article-content``, ``.TRS_Editor`` …) that holds real Chinese text, else
  the element that directly holds the most Chinese text. Scripts, styles,
  navigation, headers, footers and forms are dropped.
- The page title (``<h1>``/``.title`` or ``<title>``) is written first when the
  body does not start with it, so that the unit and year can be found.
- Tables: ``rowspan``/``colspan`` resolved into a grid; ``&nbsp;``-only cells are
  empty; ``<br>`` and paragraphs inside a cell are joined so that a label stays
  on one line. One-column tables and tables that wrap other tables are page
  layout, read as ordinary flow.
- Everything is iterative: 5000-deep nesting neither crashes nor recurses.
"""
from __future__ import annotations

import codecs
import re
import weakref

from . import ReaderError, reader
from ._layout import RawCell, TextBuilder, clean_line, join_fragments, normalise_spans

DROP_TAGS = {"script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "button",
             "select", "option", "textarea", "iframe", "object", "embed", "svg", "canvas", "head", "title",
             "meta", "link", "map", "audio", "video", "input"}
BLOCK_TAGS = {"p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol",
              "dl", "dt", "dd", "blockquote", "pre", "center", "address", "figure", "figcaption", "hr",
              "body", "html", "tr", "td", "th", "caption", "fieldset", "legend", "details", "summary"}
ARTICLE_SELECTORS = ("#zoom", ".TRS_Editor", ".article-content", "#UCAP-CONTENT", ".Custom_UnionStyle",
                     ".view.TRS_UEDITOR", ".trs_editor_view", "#content", ".article_content", ".article-body",
                     ".content", "article", ".zw", "#zw", ".wzcon", ".pages_content", ".main-txt", "#mainText")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_NAV_CLASS = re.compile(r"(^|[\s_-])(nav|menu|breadcrumb|crumb|footer|header|sidebar|share|toolbar|"
                        r"pagination|position|location|dqwz|bottom|topbar|copyright)([\s_-]|$)", re.I)
MAX_SPAN = 1000


def decode_html(data: bytes) -> tuple[str, str]:
    """Bytes of a page -> (text, encoding)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace"), enc
    if b"\x00" in data[:4096]:
        from ..decoding import DecodeError, detect_and_decode

        try:
            text, enc, _ = detect_and_decode(data)
            return text, enc
        except DecodeError as e:
            raise ReaderError(str(e)) from None
    m = _META_CHARSET.search(data[:8192])
    if m:
        declared = m.group(1).decode("ascii", "ignore").lower()
        enc = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
               "cp936": "gb18030", "utf8": "utf-8"}.get(declared, declared)
        try:
            codecs.lookup(enc)
        except LookupError:
            enc = None
        if enc:
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                pass  # the declaration lies; detect below
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return data.decode("utf-8", errors="replace"), "utf-8"
    return str(best), best.encoding


def _is_tag(node) -> bool:
    return getattr(node, "name", None) is not None


def _classes(node) -> str:
    cls = node.attrs.get("class") if hasattr(node, "attrs") else None
    if isinstance(cls, list):
        cls = " ".join(cls)
    return f"{cls or ''} {node.attrs.get('id') or ''}" if hasattr(node, "attrs") else ""


def _hidden(node) -> bool:
    style = (node.attrs.get("style") or "") if hasattr(node, "attrs") else ""
    if isinstance(style, list):
        style = " ".join(style)
    s = style.replace(" ", "").lower()
    return "display:none" in s or "visibility:hidden" in s or node.attrs.get("hidden") is not None


def _dropped(node, inside_article: bool) -> bool:
    name = node.name
    if name in DROP_TAGS:
        return True
    if _hidden(node):
        return True
    if not inside_article and name in ("div", "ul", "section") and _NAV_CLASS.search(_classes(node)):
        return True
    return False


def _strings(root, inside_article: bool = True):
    """Text strings under root, iteratively, skipping dropped subtrees and comments."""
    from bs4 import Comment, Declaration, Doctype, ProcessingInstruction

    stack = [root]
    while stack:
        node = stack.pop()
        if _is_tag(node):
            if node is not root and _dropped(node, inside_article):
                continue
            stack.extend(reversed(node.contents))
        elif not isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
            yield node, str(node)


_SIMPLE_SELECTOR = re.compile(r"^(?:#([\w-]+)|((?:\.[\w-]+)+)|([a-z][a-z0-9]*))$", re.I)
_index_cache: list = [lambda: None, None]  # (weak reference to the soup, index) of the last page


def _class_list(el) -> list[str]:
    cls = el.attrs.get("class")
    return cls.split() if isinstance(cls, str) else list(cls or [])


def _select(soup, sel: str, limit: int) -> list:
    """``soup.select`` for the simple selectors used here (``#id``, ``.a.b``, ``tag``), from
    one walk of the tree shared by all of them: soupsieve visits every element for each
    selector (about 1 ms per element per selector, minutes on a large page)."""
    m = _SIMPLE_SELECTOR.match(sel)
    if m is None:
        return soup.select(sel, limit=limit)
    if _index_cache[0]() is not soup:
        by_id: dict[str, list] = {}
        by_class: dict[str, list] = {}
        by_tag: dict[str, list] = {}
        for el in soup.descendants:
            if not _is_tag(el):
                continue
            by_tag.setdefault(el.name, []).append(el)
            ident = el.attrs.get("id")
            if isinstance(ident, str):
                by_id.setdefault(ident, []).append(el)
            for c in set(_class_list(el)):
                by_class.setdefault(c, []).append(el)
        _index_cache[0], _index_cache[1] = weakref.ref(soup), (by_id, by_class, by_tag)
    by_id, by_class, by_tag = _index_cache[1]
    if m.group(1):
        return by_id.get(m.group(1), [])[:limit]
    if m.group(3):
        return by_tag.get(m.group(3).lower(), [])[:limit]
    wanted = m.group(2).lstrip(".").split(".")
    out = []
    for el in by_class.get(wanted[0], []):
        if all(c in _class_list(el) for c in wanted[1:]):
            out.append(el)
            if len(out) >= limit:
                break
    return out


def find_article(soup):
    """The element that holds the report."""
    best_sel = None
    for sel in ARTICLE_SELECTORS:
        try:
            found = _select(soup, sel, 5)
        except Exception:  # noqa: BLE001 - soupsieve on odd trees
            continue
        for el in found:
            n = sum(len(_CJK.findall(s)) for _, s in _strings(el))
            if n >= 100:
                best_sel = el
                break
        if best_sel is not None:
            break
    if best_sel is not None:
        return best_sel
    # the container that directly holds the most Chinese text (credited to the
    # nearest block ancestor of each string's paragraph), widened while it holds
    # less than 70% of the Chinese text outside navigation
    scores: dict[int, int] = {}
    elements: dict[int, object] = {}
    body = soup.body or soup
    for node, s in _strings(body, inside_article=False):
        n = len(_CJK.findall(s))
        if not n:
            continue
        parent = node.parent
        # climb out of inline elements and the paragraph itself
        steps = 0
        while parent is not None and parent is not body and (
                parent.name not in ("div", "td", "article", "section", "main", "body") or steps == 0 and parent.name == "p"):
            parent = parent.parent
            steps += 1
            if steps > 3:
                break
        if parent is None:
            continue
        key = id(parent)
        elements[key] = parent
        scores[key] = scores.get(key, 0) + n
    if not scores:
        return body
    key = max(scores, key=scores.get)
    el = elements[key]
    total = sum(scores.values())
    if scores[key] >= 0.7 * total:
        return el
    # Chinese text held by each ancestor (one walk up per scored element)
    held: dict[int, int] = {}
    for k, v in scores.items():
        p = elements[k]
        while p is not None and p is not soup:
            held[id(p)] = held.get(id(p), 0) + v
            p = p.parent
    while held.get(id(el), 0) < 0.7 * total and el is not body and el.parent is not None and el.parent is not soup:
        el = el.parent
    return el


def _is_descendant(node, ancestor) -> bool:
    p = node
    steps = 0
    while p is not None and steps < 100000:
        if p is ancestor:
            return True
        p = p.parent
        steps += 1
    return False


class _Flow:
    """Turns a DOM subtree into paragraphs and tables, iteratively."""

    def __init__(self, out: TextBuilder):
        self.out = out
        self.buf: list[str] = []

    def flush(self):
        if self.buf:
            self.out.paragraph("".join(self.buf))
            self.buf = []

    def run(self, root):
        from bs4 import Comment, Declaration, Doctype, ProcessingInstruction

        stack = [(root, False)]
        while stack:
            node, closing = stack.pop()
            if closing:
                self.flush()
                continue
            if not _is_tag(node):
                if isinstance(node, (Comment, Declaration, Doctype, ProcessingInstruction)):
                    continue
                # source line breaks: dropped between Chinese characters, a space otherwise (clean_line)
                self.buf.append(str(node))
                continue
            if node is not root and _dropped(node, True):
                continue
            name = node.name
            if name == "br":
                self.flush()
                continue
            if name == "table":
                cells = table_cells(node)
                if cells is None:  # layout table: read as flow
                    stack.append((node, True))
                    for row in reversed(_rows(node)):
                        for cell in reversed(_row_cells(row)):
                            stack.append((cell, True))
                            stack.extend((c, False) for c in reversed(cell.contents))
                    self.flush()
                    continue
                self.flush()
                self.out.table(cells)
                continue
            if name in BLOCK_TAGS:
                self.flush()
                stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.contents))
        self.flush()


def _direct(node, names: set[str], through: set[str]):
    """Descendants of node with a tag in names, looking only through tags in
    ``through`` (so a nested table's rows are not taken)."""
    out = []
    stack = list(reversed(node.contents))
    while stack:
        n = stack.pop()
        if not _is_tag(n):
            continue
        if n.name in names:
            out.append(n)
        elif n.name in through:
            stack.extend(reversed(n.contents))
    return out


def _rows(table):
    return _direct(table, {"tr"}, {"thead", "tbody", "tfoot", "form", "div", "span", "font"})


def _row_cells(tr):
    return _direct(tr, {"td", "th"}, {"form", "div", "span", "font"})


def _int(v, default=1) -> int:
    if isinstance(v, list):
        v = v[0] if v else None
    try:
        n = int(str(v).strip().rstrip(";"))
    except (TypeError, ValueError):
        return default
    return max(1, min(n, MAX_SPAN))


def html_cell_text(cell) -> str:
    """A cell's text on one line: ``<br>``/``<p>`` inside a label are joined."""
    parts: list[str] = []
    cur: list[str] = []
    stack = [(cell, False)]
    while stack:
        node, closing = stack.pop()
        if closing:
            parts.append("".join(cur))
            cur = []
            continue
        if not _is_tag(node):
            from bs4 import Comment

            if not isinstance(node, Comment):
                cur.append(str(node))
            continue
        if node is not cell and _dropped(node, True):
            continue
        if node.name == "br":
            parts.append("".join(cur))
            cur = []
            continue
        if node is not cell and node.name in BLOCK_TAGS | {"table"}:
            parts.append("".join(cur))
            cur = []
            stack.append((node, True))
        stack.extend((c, False) for c in reversed(node.contents))
    parts.append("".join(cur))
    return join_fragments([clean_line(p) for p in parts])


def table_cells(table) -> list[RawCell] | None:
    """The grid of a data table, or None for a layout table."""
    rows = _rows(table)
    if not rows:
        return None
    # a table that wraps another table, or a single column of long text, is layout
    for tr in rows:
        for td in _row_cells(tr):
            if td.find("table") is not None:
                return None
    cells: list[RawCell] = []
    taken: set[tuple[int, int]] = set()
    budget = 300_000
    for r, tr in enumerate(rows):
        col = 0
        for td in _row_cells(tr):
            while (r, col) in taken:
                col += 1
            rs = _int(td.attrs.get("rowspan"))
            cs = min(_int(td.attrs.get("colspan")), 100)
            if rs > len(rows) - r:
                rs = max(1, len(rows) - r)  # rowspan past the end of the table
            cells.append(RawCell(r, col, html_cell_text(td), rs, cs))
            budget -= rs * cs
            if budget < 0:
                raise ReaderError("网页中的表格过大（合并单元格的行列跨度异常），已拒绝读取")
            for i in range(r, r + rs):
                for k in range(col, col + cs):
                    taken.add((i, k))
            col += cs
    if not cells:
        return None
    width = max(c.col + c.colspan for c in cells)
    if width == 1 and (len(cells) <= 2 or any(len(c.text) > 100 for c in cells)):
        return None
    return normalise_spans(cells)


def _page_title(soup, article) -> str | None:
    """The report's title when the article body does not carry it."""
    for sel in ("h1", ".title", ".article-title", "#title", "h2", ".tit", "#ivs_title"):
        try:
            els = _select(soup, sel, 3)
        except Exception:  # noqa: BLE001
            continue
        for el in els:
            if _is_descendant(el, article):
                continue
            t = clean_line(" ".join(s for _, s in _strings(el)))
            if "报告" in t and len(t) <= 80:
                return t
    if soup.title is not None:
        t = clean_line(soup.title.get_text(" "))
        # drop a site name after a separator: "…年度报告_某某市人民政府"
        t = re.split(r"\s*[_|｜]\s*|\s+-\s+", t)[0]
        if "报告" in t and len(t) <= 80:
            return t
    return None


@reader(".html", ".htm", ".xhtml", ".shtml")
def read_html(path: str, data: bytes):
    if not data.strip():
        raise ReaderError("文件为空")
    text, enc = decode_html(data)
    from bs4 import BeautifulSoup

    try:
        soup = BeautifulSoup(text, "lxml")
    except Exception as e:  # noqa: BLE001 - parser failures on garbage
        raise ReaderError(f"网页无法解析（{type(e).__name__}）") from None
    article = find_article(soup)
    out = TextBuilder()
    title = _page_title(soup, article)
    if title:
        first = ""
        for _, s in _strings(article):
            first += s
            if len(first.strip()) > 200:
                break
        compact_first = re.sub(r"\s+", "", first)
        if re.sub(r"\s+", "", title)[:12] not in compact_first:
            out.paragraph(title)
    _Flow(out).run(article)
    if not out.lines:
        raise ReaderError("网页中没有找到正文文字（可能是空页面、只有脚本或需要浏览器渲染的页面）")
    return out.document(path, "html", encoding=enc)
