"""Narrative text as rules want to read it: logical paragraphs ("blocks") of prose.

Readers give one line per paragraph for structured formats (docx, html), but text
taken from a PDF (or Markdown converted from one) wraps a paragraph over several
lines and may put a page footer (``- 3 -``) in the middle of it. A *block* joins
consecutive ``prose`` lines back into the paragraph they came from, so that a date
or a quotation broken over two lines is seen whole, and keeps a map from every
character of the joined text to its offset in ``Document.text`` so that
diagnostics point at the original place.

Lines are joined when no blank line separates them and the earlier line does not
end a sentence (。！？：；). Page-number lines between two such lines are skipped.
Headings, titles and table lines are never part of a block.
"""
from __future__ import annotations

import bisect

import re
from dataclasses import dataclass, field

from .document import Document, Paragraph

_PAGE_MARK = re.compile(r"^[-－—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?[-－—–\s]*(?:共\s*\d+\s*页)?$")
_HARD_END = re.compile(r"[。！？!?：:；;]\s*[”’）)」』]*\s*$")
_WRAPPED_FORMATS = {"txt", "md", "pdf", "text", "markdown"}


@dataclass
class Block:
    """A logical paragraph: the joined text of one or more prose lines."""

    text: str
    offsets: list[int]  # doc offset of each character of ``text``
    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def start(self) -> int:
        return self.paragraphs[0].start

    @property
    def end(self) -> int:
        return self.paragraphs[-1].end

    @property
    def section(self) -> int | None:
        return self.paragraphs[0].section

    def doc_span(self, s: int, e: int) -> tuple[int, int]:
        """Doc offsets of the block-text span [s, e)."""
        if not self.offsets:
            return self.start, self.start
        s = max(0, min(s, len(self.offsets) - 1))
        if e <= s:
            return self.offsets[s], self.offsets[s]
        return self.offsets[s], self.offsets[min(e, len(self.offsets)) - 1] + 1

    def doc_offset(self, i: int) -> int:
        if i >= len(self.offsets):
            return self.end
        return self.offsets[i]


def is_page_mark(text: str) -> bool:
    return bool(_PAGE_MARK.match(text.strip()))


def _blank_between(doc: Document, a: Paragraph, b: Paragraph) -> bool:
    return doc.text.count("\n", a.end, b.start) > 1


def blocks(doc: Document, kinds: tuple[str, ...] = ("prose",)) -> list[Block]:
    """The document's prose as blocks (cached on the document per ``kinds``)."""
    cache = doc.__dict__.setdefault("_narrative_blocks", {})
    key = (kinds, len(doc.paragraphs), len(doc.text))
    if key in cache:
        return cache[key]
    join_lines = (doc.format or "txt").lower() in _WRAPPED_FORMATS
    out: list[Block] = []
    cur: list[Paragraph] = []
    pending_marks = False

    def flush():
        if cur:
            text = "".join(p.text for p in cur)
            offs: list[int] = []
            for p in cur:
                offs.extend(range(p.start, p.start + len(p.text)))
            out.append(Block(text, offs, list(cur)))
            cur.clear()

    for p in doc.paragraphs:
        if p.kind not in kinds:
            if p.kind == "prose" and cur and is_page_mark(p.text):
                pending_marks = True
                continue
            flush()
            pending_marks = False
            continue
        if is_page_mark(p.text):
            if cur:
                pending_marks = True
            continue
        if cur and join_lines and not _HARD_END.search(cur[-1].text) and (
                pending_marks or not _blank_between(doc, cur[-1], p)) and cur[-1].section == p.section:
            cur.append(p)
        else:
            flush()
            cur.append(p)
        pending_marks = False
    flush()
    cache[key] = out
    return out


def sentences_of(block: Block, semicolons: bool = False) -> list[tuple[int, int]]:
    from .nlp import sentences

    return sentences(block.text, semicolons=semicolons)


_URL = re.compile(r"(?:https?://|ftp://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+|"
                  r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}|"
                  r"(?<![A-Za-z0-9\-])[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.(?:gov|com|org|net|edu)(?:\.cn)?"
                  r"(?:/[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]*)?")


class SortedSpans(list):
    """Spans sorted by start and not overlapping: ``inside`` bisects instead of scanning."""

    _starts: list[int] | None = None


def url_spans(text: str) -> list[tuple[int, int]]:
    """Spans of URLs, e-mail addresses and bare domain names in ``text``."""
    # (the look-behinds start each match at the beginning of a run of URL characters:
    # without them a long run of letters is tried from every position, quadratically)
    spans = SortedSpans()
    for m in _URL.finditer(text):
        s, e = m.span()
        # a URL does not end with sentence punctuation or a closing bracket it did not open
        while e > s and text[e - 1] in ".,;:!?)]":
            if text[e - 1] == ")" and "(" in text[s:e - 1]:
                break
            e -= 1
        spans.append((s, e))
    return spans


def inside(spans: list[tuple[int, int]], s: int, e: int | None = None) -> bool:
    e = s + 1 if e is None else e
    if isinstance(spans, SortedSpans):  # logarithmic: a long line has thousands of URLs
        if spans._starts is None or len(spans._starts) != len(spans):
            spans._starts = [a for a, _ in spans]
        i = bisect.bisect_right(spans._starts, s) - 1
        return i >= 0 and e <= spans[i][1]
    return any(a <= s and e <= b for a, b in spans)
