"""``checker annotate report.docx -o report.checked.docx``: Word review comments.

The output is the input document with one comment (author "checker") anchored
on each flagged span; nothing else changes. Diagnostics point into the plain
text the docx reader extracted (one body paragraph or table cell per line), so
each line is mapped back to the element it came from with the reader's own
record (``Document.source_map``, resolved by ``readers.docx.line_elements``),
and every line's text is compared with that element's text: on any mismatch
the command refuses rather than anchor a comment on the wrong words.

Within a line, characters are aligned with the document's runs (the reader
collapses whitespace, drops control characters and joins soft line breaks, so
only non-space characters are anchors). A comment anchored inside a run needs
a run boundary there: the run is split in two, both halves keeping the run's
properties (``w:rPr`` is copied). All splits are made from the end of the
document backwards, so earlier positions stay valid while later ones are cut.
"""
from __future__ import annotations

import copy
import hashlib
import io
import os
import unicodedata
from dataclasses import dataclass, field

from .diagnostics import SEVERITY_ZH, Diagnostic
from .document import Document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
AUTHOR = "checker"
INITIALS = "CK"


class AnnotateError(Exception):
    """The document cannot be annotated; the message says why (in Chinese)."""


@dataclass
class AnnotateResult:
    path: str
    output: str
    comments: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- the reader's lines


def _tag(node) -> str:
    return node.tag if isinstance(node.tag, str) else ""


def _units(root, doc: Document) -> list[tuple[object, str]]:
    """(element, its text as the reader writes it) for every line of ``doc``, in
    order: a ``w:p`` for a body paragraph, a ``w:tc`` for a table cell (located
    by the reader's ``Document.source_map``; None where it does not fit)."""
    from .readers import docx as rd
    from .readers._layout import clean_line

    return [(el, clean_line(rd.paragraph_text(el)) if el is not None else None)
            for el in rd.line_elements(root, doc.source_map)]


# --------------------------------------------------------------------------- characters <-> runs


@dataclass
class _Ch:
    ch: str
    atom: object | None  # the w:t / w:tab / w:sym … element holding the character (None: synthetic)
    off: int = 0  # index inside a w:t


def _raw(el) -> list[_Ch]:
    """The characters of an element as the reader's ``element_text`` produces
    them, each with the run child it comes from."""
    from .readers.docx import text_pieces

    out: list[_Ch] = []
    for text, node in text_pieces(el):
        parent = node.getparent() if node is not None else None
        atom = node if parent is not None and _tag(parent) == W + "r" else None
        out.extend(_Ch(c, atom, i) for i, c in enumerate(text))
    return out


def _ignorable(c: str) -> bool:
    """Characters the reader may drop or turn into (collapsed) spaces."""
    return c.isspace() or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp", "Cs", "Co", "Cn") \
        or c in "\ufffe\uffff"


def _align(line: str, raw: list[_Ch]) -> list[int | None]:
    """For each character of ``line``, the index in ``raw`` it was taken from;
    None for spaces (which may have been inserted or collapsed)."""
    out: list[int | None] = []
    j = 0
    for ch in line:
        if ch == " " or _ignorable(ch):
            out.append(None)
            continue
        while j < len(raw) and raw[j].ch != ch:
            if not _ignorable(raw[j].ch):
                return []
            j += 1
        if j >= len(raw):
            return []
        out.append(j)
        j += 1
    if any(not _ignorable(raw[k].ch) for k in range(j, len(raw))):
        return []
    return out


def _new(tag: str, **attrs):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    return OxmlElement(tag, attrs={qn(k): v for k, v in attrs.items()})


def _split_t(t, off: int):
    """Split a ``w:t`` before ``off``; returns the new element with the tail."""
    text = t.text or ""
    new = copy.deepcopy(t)
    t.text, new.text = text[:off], text[off:]
    t.set(XML_SPACE, "preserve")
    new.set(XML_SPACE, "preserve")
    t.addnext(new)
    return new


def _split_run_before(child):
    """Make ``child`` the first content of its run (splitting the run, rPr copied);
    returns the run that now starts with it."""
    r = child.getparent()
    kids = list(r)
    idx = kids.index(child)
    if all(_tag(k) == W + "rPr" for k in kids[:idx]):
        return r
    r2 = copy.deepcopy(r)
    for k in list(r2)[:idx]:
        if _tag(k) != W + "rPr":
            r2.remove(k)
    for k in kids[idx:]:
        r.remove(k)
    r.addnext(r2)
    return r2


def _cut(c: _Ch, before: bool) -> None:
    """Put a run boundary just before (or just after) character ``c``."""
    atom = c.atom
    if before:
        if _tag(atom) == W + "t" and c.off > 0:
            atom = _split_t(atom, c.off)
        _split_run_before(atom)
    else:
        if _tag(atom) == W + "t" and c.off + 1 < len(atom.text or ""):
            _split_t(atom, c.off + 1)
        nxt = atom.getnext()
        if nxt is not None:
            _split_run_before(nxt)


def _story(el):
    """The nearest text box or the body containing an element (comment ranges stay inside one)."""
    n = el.getparent()
    while n is not None and _tag(n) not in (W + "txbxContent", W + "body"):
        n = n.getparent()
    return n


# --------------------------------------------------------------------------- annotate


def comment_text(d: Diagnostic, doc: Document) -> str:
    """What the comment says: severity and message, the expected form, the rule."""
    lines = [f"【{SEVERITY_ZH.get(d.severity, d.severity)}】{d.message}"]
    if d.fix and d.fix.edits:
        e = d.fix.edits[0]
        old = doc.text[e.start:e.end]
        if not e.replacement:
            lines.append(f"建议：删除“{old}”")
        elif not old:
            lines.append(f"建议：插入“{e.replacement}”")
        else:
            lines.append(f"应为：“{e.replacement}”" + ("" if d.fix.safe else "（需人工确认）"))
    if d.location:
        lines.append(f"位置：{d.location}")
    lines.append(f"规则：{d.rule}")
    return "\n".join(lines)


def annotate_bytes(data: bytes, doc: Document, diagnostics: list[Diagnostic]) -> tuple[bytes, int]:
    """Return (the .docx with one comment per diagnostic, number of comments)."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - the reader already accepted it; be safe anyway
        raise AnnotateError(f"Word 文档无法打开（{type(e).__name__}）") from None
    units = _units(document.element, doc)
    lines = doc.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(units) != len(lines):
        raise AnnotateError(f"Word 文档的段落与提取的文本行数不一致（{len(units)} 与 {len(lines)}），未写入批注")
    raws: list[list[_Ch]] = []
    maps: list[list[int | None]] = []
    for n, ((el, text), line) in enumerate(zip(units, lines), 1):
        if text != line:
            raise AnnotateError(f"第{n}行与 Word 文档的内容对不上（“{line[:30]}”），未写入批注")
        raw = _raw(el)
        m = _align(line, raw)
        if line.strip() and not m:
            raise AnnotateError(f"第{n}行无法与 Word 文档中的文字逐字对应（“{line[:30]}”），未写入批注")
        raws.append(raw)
        maps.append(m)

    idx = doc.index

    def chars(start: int, end: int) -> list[tuple[int, int]]:
        """(unit, raw index) of the anchorable characters of [start, end)."""
        out = []
        first = idx.position(start).line
        last = idx.position(max(start, end - 1)).line if end > start else first
        for ln in range(first, min(last, len(lines)) + 1):
            ls = idx.line_start(ln)
            m = maps[ln - 1]
            for k in range(max(start, ls) - ls, min(end - ls, len(m))):
                j = m[k]
                if j is not None and raws[ln - 1][j].atom is not None:
                    out.append((ln - 1, j))
        return out

    # plan: for each diagnostic a range (first char, last char) or a point (before/after a char, or a unit)
    plans = []
    cuts: set[tuple[int, int, int]] = set()  # (unit, raw index, 0=before / 1=after)
    for d in diagnostics:
        cs = chars(d.start, d.end) if d.end > d.start else []
        if cs:
            a, b = cs[0], cs[-1]
            if _story(raws[a[0]][a[1]].atom) is not _story(raws[b[0]][b[1]].atom):
                b = max((c for c in cs if c[0] == a[0]), default=a)
            plans.append(("range", a, b))
            cuts.add((*a, 0))
            cuts.add((*b, 1))
            continue
        ln = min(idx.position(d.start).line, len(lines)) if lines else 1
        ls = idx.line_start(ln)
        after = chars(d.start, idx.line_end(ln))
        before = chars(ls, d.start)
        if after:
            plans.append(("point-before", after[0], None))
            cuts.add((*after[0], 0))
        elif before:
            plans.append(("point-after", before[-1], None))
            cuts.add((*before[-1], 1))
        else:
            el = units[ln - 1][0] if units else None
            p = el if el is not None and _tag(el) == W + "p" else (el.find(".//" + W + "p") if el is not None else None)
            plans.append(("unit", p, None) if p is not None else ("none", None, None))
    # cut from the end backwards: what is before a cut keeps its elements and offsets
    for u, j, side in sorted(cuts, key=lambda c: (c[0], c[1] + c[2], c[2]), reverse=True):
        _cut(raws[u][j], before=side == 0)
    # re-read the characters: same text, new runs
    for u, (el, _t) in enumerate(units):
        fresh = _raw(el)
        if [c.ch for c in fresh] != [c.ch for c in raws[u]]:
            raise AnnotateError("内部错误：拆分文字块后文本发生变化，未写入批注")
        raws[u] = fresh

    def run_of(pos):
        return raws[pos[0]][pos[1]].atom.getparent()

    n = 0
    for d, (kind, a, b) in zip(diagnostics, plans):
        if kind == "none":  # nowhere to anchor it (cannot happen with the reader's output)
            continue
        comment = document.comments.add_comment(text=comment_text(d, doc), author=AUTHOR, initials=INITIALS)
        cid = str(comment.comment_id)
        start, end, ref = _markers(cid)
        if kind == "range":
            run_of(a).addprevious(start)
            last = run_of(b)
            last.addnext(ref)
            last.addnext(end)
        elif kind == "point-before":
            r = run_of(a)
            r.addprevious(start)
            r.addprevious(end)
            r.addprevious(ref)
        elif kind == "point-after":
            r = run_of(a)
            r.addnext(ref)
            r.addnext(end)
            r.addnext(start)
        else:  # an empty paragraph or cell: a point comment at its end
            a.append(start)
            a.append(end)
            a.append(ref)
        n += 1
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue(), n


def _markers(cid: str):
    start = _new("w:commentRangeStart", **{"w:id": cid})
    end = _new("w:commentRangeEnd", **{"w:id": cid})
    ref = _new("w:r")
    rpr = _new("w:rPr")
    rpr.append(_new("w:rStyle", **{"w:val": "CommentReference"}))
    ref.append(rpr)
    ref.append(_new("w:commentReference", **{"w:id": cid}))
    return start, end, ref


def annotate_file(path: str, output: str, overrides=None, config_path: str | None = None) -> AnnotateResult:
    """Lint a .docx and write a copy with review comments to ``output``."""
    from .config import config_for
    from .fixes import atomic_write_bytes
    from .linter import lint_document
    from .readers import ReaderError, read_document

    if os.path.splitext(path)[1].lower() != ".docx":
        raise AnnotateError("只能给 Word 文档（.docx）添加批注")
    if os.path.splitext(output)[1].lower() != ".docx":
        raise AnnotateError("输出文件的扩展名应为 .docx")
    if os.path.exists(output) and os.path.exists(path) and os.path.samefile(path, output) \
            or os.path.abspath(output) == os.path.abspath(path):
        raise AnnotateError("输出文件不能是输入文件本身（原文件不会被修改），请用 -o 指定另一个文件")
    cfg = config_for(path, config_path)
    if overrides:
        cfg = overrides.apply(cfg)
    try:
        doc = read_document(path, cfg.max_file_size)
    except ReaderError as e:
        raise AnnotateError(str(e)) from None
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise AnnotateError(f"无法读取文件：{e.strerror or e}") from None
    if doc.raw_bytes_hash and hashlib.sha256(data).hexdigest() != doc.raw_bytes_hash:
        raise AnnotateError("文件在检查过程中被修改，请重试")
    res = lint_document(doc, cfg)
    out, n = annotate_bytes(data, doc, res.diagnostics)
    atomic_write_bytes(output, out)
    return AnnotateResult(path=path, output=output, comments=n, diagnostics=res.diagnostics, notes=res.notes)
