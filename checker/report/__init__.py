"""What is specific to annual reports: title and metadata, sections, tables.

``analyze(doc)`` runs after every reader and fills ``doc.paragraphs`` (with
their kinds), ``doc.sections``, ``doc.tables`` and ``doc.report``.
"""
from __future__ import annotations

from ..document import Document, split_paragraphs
from .structure import classify_paragraphs, find_metadata, find_sections


def analyze(doc: Document) -> Document:
    if not doc.paragraphs:
        doc.paragraphs = split_paragraphs(doc.text)
    find_metadata(doc)
    find_sections(doc)
    try:
        from .tables import recognise_tables
    except ModuleNotFoundError as e:  # table recognition not available
        if e.name != f"{__name__}.tables":
            raise
    else:
        recognise_tables(doc)
    classify_paragraphs(doc)
    return doc
