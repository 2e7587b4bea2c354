"""``--format concise``: one line per diagnostic, ``path:line:col: severity [rule] message``.

The shape editors' "errorformat"/problem matchers and grep understand; the
message is kept on one line (line breaks inside it become spaces).
"""
from __future__ import annotations

from . import FormatOptions, formatter


def _one_line(s: str) -> str:
    return " ".join(s.replace("\r", "\n").split("\n")).strip()


@formatter("concise")
def format_concise(results, opts: FormatOptions | None = None) -> str:
    out: list[str] = []
    total = 0
    unreadable = 0
    for r in results:
        if r.error:
            unreadable += 1
            out.append(f"{r.path}: error 无法检查：{_one_line(r.error)}")
            continue
        for d in r.diagnostics:
            total += 1
            pos = r.doc.position(d.start) if r.doc is not None else None
            where = f"{pos.line}:{pos.column}" if pos else "1:1"
            out.append(f"{r.path}:{where}: {d.severity} [{d.rule}] {_one_line(d.message)}")
    if total or unreadable:
        tail = f"共 {total} 个问题"
        if unreadable:
            tail += f"，{unreadable} 个文件无法读取"
        out.append(tail + "。")
    return "\n".join(out) + ("\n" if out else "")
