"""Applying fixes safely: ``checker lint --fix`` and ``--diff``.

- Only fixes marked safe are applied. Fixes are taken in diagnostic order; a fix
  that overlaps one already taken is left for the next run (``--fix`` again).
- Text files are written back with their own encoding, BOM and line ends
  (``decoding.encode``), atomically (temporary file in the same folder, then
  rename; permissions kept; a symlink is followed, not replaced), and only if
  the bytes on disk are still those that were linted (sha256) and the decoded
  text encodes back to exactly those bytes.
- .docx: each edit is applied to the ``w:t`` text of the runs of the paragraph
  it falls in, so the runs keep their formatting. The paragraph is the one the
  reader took the line from (``readers.docx.line_elements``: the paragraph
  itself, or the one paragraph of a table cell or text box that holds all the
  line's text); an edit that cannot be placed exactly (text not found, a
  tab/break/field inside the span, or runs of different formatting) is not
  applied, with a Chinese reason.
- .html/.pdf: refused (“不支持自动修复该格式”).
"""
from __future__ import annotations

import difflib
import hashlib
import os
import sys
import tempfile
from dataclasses import dataclass, field

from .diagnostics import Diagnostic, Edit

UNSUPPORTED = "不支持自动修复该格式"


def atomic_write_bytes(path: str, data: bytes) -> None:
    """Write via a temporary file in the same directory and rename over the target."""
    if os.path.islink(path):
        path = os.path.realpath(path)
    d = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".checker-", suffix=".tmp", dir=d)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            mode = os.stat(path).st_mode & 0o7777
        except FileNotFoundError:  # a new file: the usual permissions under the umask
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# --------------------------------------------------------------------------- selection


def _conflict(a: Edit, b: Edit) -> bool:
    if a.start < b.end and b.start < a.end:
        return True
    return a.start == b.start  # two edits at one point (e.g. insertions): order is ambiguous


def select_fixes(diagnostics: list[Diagnostic], text: str) -> tuple[list[Diagnostic], list[Diagnostic], list[Edit]]:
    """(applied, deferred, edits): safe fixes in order, skipping those that overlap one taken.

    A fix identical to one already taken counts as applied (its problem is solved by it)."""
    taken: list[Edit] = []
    taken_sets: list[tuple] = []
    applied: list[Diagnostic] = []
    deferred: list[Diagnostic] = []
    for d in diagnostics:
        if not (d.fix and d.fix.safe and d.fix.edits):
            continue
        edits = sorted(d.fix.edits, key=lambda e: (e.start, e.end))
        if any(not (0 <= e.start <= e.end <= len(text)) for e in edits):
            continue
        if all(text[e.start:e.end] == e.replacement for e in edits):
            continue  # a no-op
        sig = tuple((e.start, e.end, e.replacement) for e in edits)
        if sig in taken_sets:
            applied.append(d)
            continue
        if any(_conflict(a, b) for a in edits for b in taken) or any(
                _conflict(a, b) for i, a in enumerate(edits) for b in edits[i + 1:]):
            deferred.append(d)
            continue
        taken += edits
        taken_sets.append(sig)
        applied.append(d)
    taken.sort(key=lambda e: (e.start, e.end))
    return applied, deferred, taken


def apply_edits(text: str, edits: list[Edit]) -> str:
    out = []
    pos = 0
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        out.append(text[pos:e.start])
        out.append(e.replacement)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)


def adjust_line_ends(text: str, line_ends: list[str], edits: list[Edit]) -> list[str]:
    """The original terminators of the lines after ``edits`` (an edit may remove or add ``\\n``)."""
    if not line_ends:
        return line_ends
    dominant = max(("\n", "\r\n", "\r"), key=line_ends.count)
    ends = list(line_ends)
    # apply from the right so that line numbers to the left stay valid
    for e in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        first = text.count("\n", 0, e.start)  # index of the line the edit starts on
        removed = text.count("\n", e.start, e.end)
        added = e.replacement.count("\n")
        if removed == added:
            continue
        own = ends[first] if first < len(ends) else ""
        term = own or dominant  # new breaks take the terminator of the line they split
        ends[first:first + removed] = [term] * added
    return ends


# --------------------------------------------------------------------------- plans


@dataclass
class FilePlan:
    result: object  # FileResult
    applied: list[Diagnostic] = field(default_factory=list)
    deferred: list[Diagnostic] = field(default_factory=list)  # overlapping: for the next run
    skipped: list[tuple[Diagnostic, str]] = field(default_factory=list)  # cannot be applied here, with why
    old_text: str = ""
    new_text: str = ""
    data: bytes | None = None  # the new bytes of the file
    refusal: str | None = None
    label: str = ""  # shown in the diff header (e.g. extracted text of .docx)

    @property
    def changed(self) -> bool:
        return self.refusal is None and self.data is not None and self.new_text != self.old_text


class _Refuse(Exception):
    pass


def _read_checked(path: str, expected: str | None) -> bytes:
    """The file's bytes, if they are still those that were linted; else raises _Refuse."""
    if expected is None:
        raise _Refuse("不知道检查时的文件内容，为安全起见不写入")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise _Refuse(f"无法读取文件：{e.strerror or e}") from None
    if hashlib.sha256(data).hexdigest() != expected:
        raise _Refuse("文件在检查之后已被修改，未写入；请重新检查后再修复")
    return data


def plan_file(result) -> FilePlan | None:
    """What --fix would do to one file; None when it has no safe fix."""
    doc = result.doc
    if result.error or doc is None:
        return None
    applied, deferred, edits = select_fixes(result.diagnostics, doc.text)
    if not applied:
        return None
    plan = FilePlan(result, applied, deferred, old_text=doc.text)
    try:
        if doc.format in ("txt", "md"):
            plan.new_text = apply_edits(doc.text, edits)
            plan.data = _plan_text(doc, edits, plan.new_text)
        elif doc.format == "docx":
            plan.label = "（提取的文本）"
            plan.data, plan.applied, plan.skipped = _plan_docx(doc, applied)
            plan.new_text = apply_edits(doc.text, [e for d in plan.applied for e in d.fix.edits])
            if not plan.applied:
                plan.data = None
        else:
            raise _Refuse(f"{UNSUPPORTED}（.{doc.format}），请在原文件中手工修改")
    except _Refuse as e:
        plan.refusal = str(e)
        plan.applied = []
    return plan


def _plan_text(doc, edits: list[Edit], new_text: str) -> bytes:
    from .decoding import encode

    raw = _read_checked(doc.path, doc.raw_bytes_hash)
    enc = doc.encoding or "utf-8"
    try:
        if encode(doc.text, enc, doc.bom, doc.line_ends) != raw:
            raise _Refuse(f"文件内容无法按原编码（{enc}）无损写回，为安全起见不写入")
        return encode(new_text, enc, doc.bom, adjust_line_ends(doc.text, doc.line_ends, edits))
    except (UnicodeError, LookupError):
        raise _Refuse(f"修复后的文字无法用原编码（{enc}）保存，未写入") from None


# --------------------------------------------------------------------------- .docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_SPECIAL = {f"{{{W}}}tab": "\t", f"{{{W}}}br": "\n", f"{{{W}}}cr": "\n", f"{{{W}}}noBreakHyphen": "-",
            f"{{{W}}}ptab": "\t", f"{{{W}}}sym": "\ufffc"}
_HIDDEN = {f"{{{W}}}del", f"{{{W}}}moveFrom", f"{{{MC}}}Fallback"}  # text the reader leaves out


@dataclass
class _Seg:
    elem: object  # the w:t element, or a special element (not editable)
    start: int
    end: int
    editable: bool


def _paragraph_segments(p) -> tuple[str, list[_Seg]]:
    """The raw text of a w:p (its own runs, not nested paragraphs) and where each piece comes from."""
    segs: list[_Seg] = []
    parts: list[str] = []
    pos = 0
    wp = f"{{{W}}}p"
    wt = f"{{{W}}}t"
    for el in p.iter(wt, *_SPECIAL):
        hidden = False
        for anc in el.iterancestors():
            if anc is p:
                break
            if anc.tag == wp or anc.tag in _HIDDEN:
                hidden = True
                break
        if hidden:
            continue
        s = (el.text or "") if el.tag == wt else _SPECIAL[el.tag]
        segs.append(_Seg(el, pos, pos + len(s), el.tag == wt))
        parts.append(s)
        pos += len(s)
    return "".join(parts), segs


def _nows(s: str) -> str:
    return "".join(s.split())


def _line_paragraphs(doc, root) -> dict[int, tuple[str, list[_Seg]]]:
    """Map the start offset of each line of the extracted text to the segments of its paragraph.

    The paragraph is one of the w:p the reader read the line from (a body
    paragraph with the text boxes it holds, or a table cell) whose own text is
    the line's, whitespace aside (the reader trims and collapses spaces). Lines
    without one (a table cell of several non-empty paragraphs, a paragraph with
    an automatic number) stay unmapped, and fixes there are not applied."""
    from .readers.docx import line_elements

    lines = doc.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    sources = line_elements(root, doc.source_map)
    mapping: dict[int, tuple[str, list[_Seg]]] = {}
    if len(sources) != len(lines):
        return mapping
    line_start = 0
    for line, el in zip(lines, sources):
        k = _nows(line)
        if k and el is not None:
            for p in el.iter(f"{{{W}}}p"):
                seg = _paragraph_segments(p)
                if _nows(seg[0]) == k:
                    mapping[line_start] = seg
                    break
        line_start += len(line) + 1
    return mapping


def _char_map(raw: str, line: str) -> list[int] | None:
    """For each character of the extracted ``line``, its index in the paragraph's ``raw`` text
    (the reader only drops, trims and collapses whitespace); None when they do not align."""
    out: list[int] = []
    i = 0
    for ch in line:
        while i < len(raw) and raw[i] != ch and not (ch.isspace() and raw[i].isspace()):
            if not raw[i].isspace():
                return None
            i += 1
        if i >= len(raw):
            return None
        out.append(i)
        i += 1
    if any(not c.isspace() for c in raw[i:]):
        return None
    return out


def _rpr_key(t_elem) -> bytes:
    from lxml import etree

    run = t_elem.getparent()
    rpr = run.find(f"{{{W}}}rPr") if run is not None else None
    return etree.tostring(rpr) if rpr is not None else b""


def _plan_docx(doc, applied: list[Diagnostic]) -> tuple[bytes, list[Diagnostic], list[tuple[Diagnostic, str]]]:
    """Place each fix in the runs of its paragraph; returns (new file, fixes placed, fixes skipped with why)."""
    import io
    import zipfile

    from lxml import etree

    raw = _read_checked(doc.path, doc.raw_bytes_hash)
    try:
        zin = zipfile.ZipFile(io.BytesIO(raw))
        xml = zin.read("word/document.xml")
        root = etree.fromstring(xml, parser=etree.XMLParser(remove_blank_text=False, resolve_entities=False,
                                                            huge_tree=True))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        raise _Refuse("无法解析 .docx 的正文（word/document.xml），未修改") from None
    mapping = _line_paragraphs(doc, root)
    char_maps: dict[int, list[int] | None] = {}

    placed: list[tuple[int, int, int, str]] = []  # (line start, raw start, raw end, replacement)
    ok: list[Diagnostic] = []
    skipped: list[tuple[Diagnostic, str]] = []
    for d in applied:
        try:
            items = [_place(doc, e, mapping, char_maps) for e in d.fix.edits]
        except _Refuse as why:
            skipped.append((d, str(why)))
            continue
        placed += items
        ok.append(d)
    if not ok:
        return raw, ok, skipped
    # right to left within each paragraph, so that earlier positions stay valid
    for ls, rs, re_, repl in sorted(placed, key=lambda x: (x[0], x[1], x[2]), reverse=True):
        _apply_in_runs(mapping[ls][1], rs, re_, repl)
    new_xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = new_xml if info.filename == "word/document.xml" else zin.read(info.filename)
            zout.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue(), ok, skipped


def _place(doc, e: Edit, mapping, char_maps) -> tuple[int, int, int, str]:
    """Where an edit of the extracted text goes in the .docx: (line start, raw start, raw end, replacement)."""
    ls = doc.text.rfind("\n", 0, e.start) + 1
    le = doc.text.find("\n", ls)
    le = len(doc.text) if le < 0 else le
    if e.end > le or ls not in mapping:
        raise _Refuse("找不到这段文字在 .docx 中所在的段落（可能在多段落的表格单元格或文本框中）")
    if ls not in char_maps:
        char_maps[ls] = _char_map(mapping[ls][0], doc.text[ls:le])
    cmap = char_maps[ls]
    if cmap is None:
        raise _Refuse("提取的文本与 .docx 段落对应不上")
    a, b = e.start - ls, e.end - ls
    ptext, segs = mapping[ls]
    if a == b:
        rs = cmap[a] if a < len(cmap) else (cmap[-1] + 1 if cmap else 0)
        re_ = rs
    else:
        rs, re_ = cmap[a], cmap[b - 1] + 1
        if ptext[rs:re_] != doc.text[e.start:e.end]:
            raise _Refuse("修改范围内的空白在 .docx 中写法不同")
    if rs == re_:
        if not any(s.editable and s.start <= rs <= s.end for s in segs):
            raise _Refuse("插入点不在文字中")
    else:
        touched = [s for s in segs if s.start < re_ and rs < s.end]
        if not touched or any(not s.editable for s in touched):
            raise _Refuse("修改范围含有制表符、换行或符号")
        if len({_rpr_key(s.elem) for s in touched}) > 1:
            raise _Refuse("修改范围跨越了格式不同的文字")
    return ls, rs, re_, e.replacement


def _apply_in_runs(segs: list[_Seg], rs: int, re_: int, repl: str) -> None:
    """Replace raw [rs, re_) of a paragraph: the replacement goes into the first w:t touched
    (keeping its run's formatting); the rest of the span is cut from the following ones."""
    if rs == re_:
        s = next(s for s in segs if s.editable and s.start <= rs <= s.end)
        t = s.elem.text or ""
        _set_text(s.elem, t[:rs - s.start] + repl + t[rs - s.start:])
        return
    touched = [s for s in segs if s.start < re_ and rs < s.end]
    for i, s in enumerate(touched):
        t = s.elem.text or ""
        a, b = max(rs, s.start) - s.start, min(re_, s.end) - s.start
        _set_text(s.elem, t[:a] + (repl if i == 0 else "") + t[b:])


def _set_text(t_elem, text: str) -> None:
    t_elem.text = text
    if text != text.strip():
        t_elem.set(XML_SPACE, "preserve")


# --------------------------------------------------------------------------- running


def unified_diff(plan: FilePlan) -> str:
    path = plan.result.path.replace(os.sep, "/").lstrip("/")
    a = plan.old_text.splitlines(keepends=True)
    b = plan.new_text.splitlines(keepends=True)
    lines = list(difflib.unified_diff(a, b, fromfile=f"a/{path}{plan.label}", tofile=f"b/{path}{plan.label}"))
    out = []
    for ln in lines:
        out.append(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n")
    return "".join(out)


def run_fixes(results, write: bool, show_diff: bool, relint=None, out=None, err=None) -> int:
    """Apply (``write``) or show (``show_diff``) the safe fixes of ``results``.

    With ``write``, each fixed file is linted again with ``relint(path)`` (when
    given) and its result replaced in ``results``; without it, the fixed
    diagnostics are dropped. Returns 1 when ``show_diff`` found something to
    change, else 0. Messages go to ``err`` (stderr), the diff to ``out`` (stdout)."""
    out = out or sys.stdout
    err = err or sys.stderr
    any_diff = False
    fixed_total = 0
    fixed_files = 0
    deferred_total = 0
    for i, r in enumerate(results):
        plan = plan_file(r)
        if plan is None:
            continue
        if plan.refusal:
            print(f"{r.path}: 未自动修复：{plan.refusal}", file=err)
            continue
        for d, why in plan.skipped:
            pos = r.doc.position(d.start)
            print(f"{r.path}:{pos.line}:{pos.column}: 未自动修复“{r.doc.text[d.start:d.end]}”（{d.rule}）：{why}，"
                  "请在原文件中手工修改", file=err)
        if not plan.changed:
            continue
        if show_diff:
            out.write(unified_diff(plan))
            any_diff = True
        if write:
            try:
                _read_checked(r.path, r.doc.raw_bytes_hash)  # once more, right before writing
                atomic_write_bytes(r.path, plan.data)
            except _Refuse as e:
                print(f"{r.path}: 未自动修复：{e}", file=err)
                continue
            except OSError as e:
                print(f"{r.path}: 未自动修复：无法写入（{e.strerror or e}）", file=err)
                continue
            fixed_total += len(plan.applied)
            fixed_files += 1
            deferred_total += len(plan.deferred)
            if relint is not None:
                results[i] = relint(r.path)
            else:
                gone = {id(d) for d in plan.applied}
                r.diagnostics = [d for d in r.diagnostics if id(d) not in gone]
    if show_diff:
        out.flush()
    if write:
        if fixed_total:
            msg = f"已自动修复 {fixed_total} 个问题（{fixed_files} 个文件）。"
            if deferred_total:
                msg += f"另有 {deferred_total} 处修复与已应用的修复重叠，请再次运行 --fix。"
            print(msg, file=err)
        else:
            print("没有应用任何自动修复。", file=err)
    return 1 if any_diff else 0
