"""Offsets -> JSON ranges. The only place formatters turn offsets into line/column."""
from __future__ import annotations

from ..document import Document


def range_json(doc: Document | None, start: int, end: int) -> dict:
    if doc is None:
        return {"start": {"line": 1, "column": 1, "offset": start}, "end": {"line": 1, "column": 1, "offset": end}}
    return {"start": doc.position(start).to_json(), "end": doc.position(end).to_json()}
