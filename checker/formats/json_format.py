"""``--format json``: the output contract (schema in checker/schema/output.schema.json)."""
from __future__ import annotations

import json

from .. import __version__
from ..diagnostics import Diagnostic
from . import FormatOptions, formatter
from .positions import range_json

SCHEMA_VERSION = 1


def diagnostic_json(d: Diagnostic, doc) -> dict:
    out = {
        "rule": d.rule,
        "category": d.category,
        "severity": d.severity,
        "message": d.message,
        "range": range_json(doc, d.start, d.end),
    }
    if doc is not None:
        out["text"] = doc.text[d.start:d.end]
    if d.location:
        out["location"] = d.location
    if d.related:
        out["related"] = [
            {"message": r.message, "range": range_json(doc, r.start, r.end), **({"path": r.path} if r.path else {})}
            for r in d.related
        ]
    if d.fix and d.fix.edits:
        first = d.fix.edits[0]
        out["fix"] = {
            "replacement": first.replacement,
            "range": range_json(doc, first.start, first.end),
            "safe": d.fix.safe,
        }
        if len(d.fix.edits) > 1:
            out["fix"]["edits"] = [{"replacement": e.replacement, "range": range_json(doc, e.start, e.end)}
                                   for e in d.fix.edits]
    return out


def to_dict(results, opts: FormatOptions | None = None) -> dict:
    files = []
    errors = warnings = infos = 0
    for r in results:
        doc = r.doc
        diags = [diagnostic_json(d, doc) for d in r.diagnostics]
        for d in r.diagnostics:
            if d.severity == "error":
                errors += 1
            elif d.severity == "warning":
                warnings += 1
            else:
                infos += 1
        files.append({
            "path": r.path,
            "format": r.format,
            "encoding": r.encoding,
            "report": doc.report.to_json() if doc is not None else None,
            "diagnostics": diags,
            "claims": [
                {"text": c.text, "range": range_json(doc, c.start, c.end), "cell": c.cell,
                 "narrative_value": c.narrative_value, "table_value": c.table_value, "status": c.status,
                 **({"note": c.note} if c.note else {})}
                for c in r.claims
            ],
            "error": r.error,
        })
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "checker", "version": __version__},
        "files": files,
        "summary": {"files": len(results), "errors": errors, "warnings": warnings, "infos": infos,
                    "unreadable": sum(1 for r in results if r.error)},
    }


@formatter("json")
def format_json(results, opts: FormatOptions | None = None) -> str:
    return json.dumps(to_dict(results, opts), ensure_ascii=False, indent=2) + "\n"
