"""``--format github``: GitHub Actions workflow commands, one annotation per diagnostic.

    ::error file=年报.txt,line=435,col=132,endLine=435,endColumn=136,title=typo.common（…）::“现定时限”应为“规定时限”

Severities map to ``error``/``warning``/``notice``. Escaping follows the
Actions toolkit: in the message ``%``, CR and LF are percent-encoded; in
properties also ``:`` and ``,``.
"""
from __future__ import annotations

import os

from . import FormatOptions, formatter

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def _path(path: str) -> str:
    """Paths relative to the working directory (the checkout), with forward slashes."""
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            path = rel
    path = path.replace(os.sep, "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def command(kind: str, message: str, **props) -> str:
    ps = ",".join(f"{k}={escape_property(str(v))}" for k, v in props.items() if v is not None)
    return f"::{kind}{' ' + ps if ps else ''}::{escape_data(message)}"


@formatter("github")
def format_github(results, opts: FormatOptions | None = None) -> str:
    from .sarif import rule_metas

    metas = rule_metas(results, opts) if any(r.diagnostics for r in results) else {}
    out: list[str] = []
    for r in results:
        path = _path(r.path)
        if r.error:
            out.append(command("error", f"无法检查：{r.error}", file=path, title="checker：无法检查"))
            continue
        doc = r.doc
        for d in r.diagnostics:
            s, e = doc.position(d.start), doc.position(d.end)
            meta = metas.get(d.rule)
            title = f"{d.rule}（{meta.summary}）" if meta else d.rule
            msg = d.message
            if d.location:
                msg += f"\n位置：{d.location}"
            if d.fix and d.fix.edits:
                e0 = d.fix.edits[0]
                old = doc.text[e0.start:e0.end]
                what = f"删除“{old}”" if not e0.replacement else f"“{old}”改为“{e0.replacement}”"
                msg += f"\n修复：{what}" + ("（可用 checker lint --fix 自动修复）" if d.fix.safe else "（需人工确认）")
            out.append(command(COMMANDS[d.severity], msg, file=path, line=s.line, col=s.column,
                               endLine=e.line, endColumn=e.column, title=title))
    return "\n".join(out) + ("\n" if out else "")
