"""``--format text`` (default): rustc/ruff-style diagnostics with the source line underlined."""
from __future__ import annotations

import unicodedata

from ..diagnostics import SEVERITY_ZH
from . import FormatOptions, formatter

COLORS = {"error": "\033[1;31m", "warning": "\033[1;33m", "info": "\033[1;36m", "dim": "\033[2m",
          "bold": "\033[1m", "blue": "\033[1;34m", "green": "\033[32m", "reset": "\033[0m"}
WINDOW = 70  # display columns of source shown around a span


def width(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _c(opts: FormatOptions, key: str, s: str) -> str:
    return f"{COLORS[key]}{s}{COLORS['reset']}" if opts.color else s


def _snippet(doc, start: int, end: int) -> tuple[int, str, str]:
    """(line number, visible source, underline) for a span, windowed on long lines."""
    pos = doc.position(start)
    line_no = pos.line
    # Only a window of the line is ever shown: never copy a whole (maybe megabytes long) line
    # per diagnostic, and underline at most WINDOW characters of a long span.
    line_start, line_end = doc.index.line_start(line_no), doc.index.line_end(line_no)
    end = min(end, start + WINDOW)
    ls = max(line_start, start - WINDOW)
    line = doc.text[ls:min(line_end, end + WINDOW)]
    cut_left, cut_right = ls > line_start, ls + len(line) < line_end
    s = start - ls
    e = min(end - ls, len(line)) if end - ls <= len(line) else len(line)
    e = max(e, s + 1) if s < len(line) else s
    # window: keep WINDOW columns around the span
    left, right = s, e
    while left > 0 and width(line[left - 1:e]) < WINDOW // 2 + width(line[s:e]) // 2:
        left -= 1
    while right < len(line) and width(line[left:right + 1]) < WINDOW:
        right += 1
    prefix = "…" if left > 0 or cut_left else ""
    suffix = "…" if right < len(line) or cut_right else ""
    visible = prefix + line[left:right].replace("\t", " ") + suffix
    pad = width(prefix) + width(line[left:s].replace("\t", " "))
    marks = max(1, width(line[s:e]))
    return line_no, visible, " " * pad + "^" * marks


@formatter("text")
def format_text(results, opts: FormatOptions | None = None) -> str:
    opts = opts or FormatOptions()
    out: list[str] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    fixable = 0
    for r in results:
        if r.error:
            out.append(f"{_c(opts, 'bold', r.path)}: {_c(opts, 'error', '无法检查')}: {r.error}")
            continue
        doc = r.doc
        for d in r.diagnostics:
            counts[d.severity] += 1
            pos = doc.position(d.start)
            head = (f"{_c(opts, 'bold', f'{r.path}:{pos.line}:{pos.column}')}: "
                    f"{_c(opts, d.severity, d.severity)} [{d.rule}] {d.message}")
            out.append(head)
            line_no, visible, marks = _snippet(doc, d.start, d.end)
            gutter = " " * len(str(line_no))
            out.append(_c(opts, "blue", f"{gutter} |"))
            out.append(_c(opts, "blue", f"{line_no} |") + f" {visible}")
            out.append(_c(opts, "blue", f"{gutter} |") + " " + _c(opts, d.severity, marks))
            if d.location:
                out.append(_c(opts, "blue", f"{gutter} =") + f" 位置：{d.location}")
            for rel in d.related:
                rp = doc.position(rel.start)
                out.append(_c(opts, "blue", f"{gutter} =") + f" 相关：{rel.path or r.path}:{rp.line}:{rp.column}: "
                           f"{rel.message}")
            if d.fix and d.fix.edits and opts.show_fixes:
                e0 = d.fix.edits[0]
                old = doc.text[e0.start:e0.end]
                what = f"删除“{old}”" if not e0.replacement else f"“{old}”改为“{e0.replacement}”"
                tag = "可用 --fix 自动修复" if d.fix.safe else "建议修改（不安全，需人工确认）"
                out.append(_c(opts, "blue", f"{gutter} =") + f" {_c(opts, 'green', '修复')}：{what}（{tag}）")
                if d.fix.safe:
                    fixable += 1
            out.append("")
        if opts.show_claims and r.claims:
            st = {k: sum(1 for c in r.claims if c.status == k) for k in ("verified", "mismatch", "unresolved")}
            out.append(_c(opts, "bold", f"{r.path}: 正文数据核对（{len(r.claims)} 项：一致 {st['verified']}，"
                                        f"不一致 {st['mismatch']}，未能对应 {st['unresolved']}）"))
            mark = {"verified": "✓ 一致", "mismatch": "✗ 不一致", "unresolved": "? 未能对应"}
            for c in r.claims:
                pos = doc.position(c.start)
                tv = "—" if c.table_value is None else _num(c.table_value)
                nv = "—" if c.narrative_value is None else _num(c.narrative_value)
                line = (f"  {pos.line}:{pos.column} {mark.get(c.status, c.status)} “{c.text}” 正文 {nv}"
                        f" / 表格 {tv}  {_cell_label(c.cell)}")
                if c.note:
                    line += f"（{c.note}）"
                out.append(line.rstrip())
            out.append("")
    files = len(results)
    unreadable = sum(1 for r in results if r.error)
    total = sum(counts.values())
    if total == 0 and not unreadable:
        out.append(_c(opts, "green", f"未发现问题（检查了 {files} 个文件）。"))
    else:
        parts = [f"{counts['error']} 个错误", f"{counts['warning']} 个警告", f"{counts['info']} 个提示"]
        line = f"共发现 {total} 个问题（{'，'.join(parts)}），检查了 {files} 个文件"
        if unreadable:
            line += f"，其中 {unreadable} 个无法读取"
        line += "。"
        if fixable:
            line += f"其中 {fixable} 个可用 --fix 自动修复。"
        out.append(_c(opts, "bold", line))
        by_cat = _by_category(results)
        if by_cat:
            out.append("按类别统计：")
            out.extend(f"  {c}" for c in by_cat)
    return "\n".join(out) + "\n"


def _by_category(results) -> list[str]:
    """One ``类别（中文名） N：错误 a，警告 b`` entry per category, most frequent first."""
    from ..diagnostics import CATEGORIES

    cats: dict[str, dict[str, int]] = {}
    for r in results:
        for d in r.diagnostics:
            c = cats.setdefault(d.category, {"error": 0, "warning": 0, "info": 0})
            c[d.severity] = c.get(d.severity, 0) + 1
    out = []
    for cat, c in sorted(cats.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        parts = "，".join(f"{SEVERITY_ZH[s]} {n}" for s, n in c.items() if n)
        name = CATEGORIES.get(cat)
        label = f"{cat}（{name}）" if name else cat
        out.append(f"{label} {sum(c.values())}：{parts}")
    return out


def _cell_label(cell: str | None) -> str:
    """A claim's cell expression, shortened when it sums many cells."""
    if not cell:
        return ""
    keys = cell.split("+")
    if len(keys) <= 2:
        return " + ".join(keys)
    import os.path

    prefix = os.path.commonprefix(keys)
    prefix = prefix[: prefix.rfind("/") + 1] if "/" in prefix else ""
    return f"{prefix}…（{len(keys)} 个单元格之和）"


def _num(v) -> str:
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
