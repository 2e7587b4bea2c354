"""The document model every reader produces and every rule reads.

Positions are 0-based character offsets into ``Document.text``: the decoded
plain text with line ends normalised to ``\\n`` (the original terminators are
kept in ``Document.line_ends`` so that fixes can be written back byte-faithfully).
``LineIndex`` is the one place that turns offsets into 1-based line/column.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Iterator


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in Unicode code points
    offset: int  # 0-based

    def to_json(self) -> dict:
        return {"line": self.line, "column": self.column, "offset": self.offset}


class LineIndex:
    """Offset <-> (line, column) for a text whose lines end with ``\\n``."""

    def __init__(self, text: str):
        self.length = len(text)
        starts = [0]
        find = text.find
        i = find("\n")
        while i >= 0:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self.starts = starts

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def position(self, offset: int) -> Position:
        offset = max(0, min(offset, self.length))
        line = bisect.bisect_right(self.starts, offset) - 1
        return Position(line + 1, offset - self.starts[line] + 1, offset)

    def offset(self, line: int, column: int) -> int:
        """Offset of a 1-based line/column (clamped to the text)."""
        if line < 1:
            return 0
        if line > len(self.starts):
            return self.length
        return min(self.starts[line - 1] + max(column, 1) - 1, self.line_end(line))

    def line_start(self, line: int) -> int:
        return self.starts[line - 1]

    def line_end(self, line: int) -> int:
        """Offset of the end of a 1-based line, excluding its ``\\n``."""
        if line < len(self.starts):
            return self.starts[line] - 1
        return self.length


@dataclass
class Paragraph:
    """One line of the plain text that carries content.

    kind: ``title`` (report title lines), ``heading`` (一、/（一） headings),
    ``prose`` (narrative), ``table`` (a table cell or table label line).
    Prose rules look only at ``prose`` paragraphs.
    """

    start: int
    end: int
    text: str
    kind: str = "prose"
    section: int | None = None  # 1..6 when inside a recognised section

    @property
    def is_prose(self) -> bool:
        return self.kind == "prose"


@dataclass
class Section:
    number: int  # 1..6 for 一..六
    title: str  # title as written
    canonical: str  # canonical title from the template
    heading_start: int
    heading_end: int
    start: int  # first offset of the section (its heading)
    end: int  # end of the section's body


@dataclass
class GridCell:
    """A cell of a table as a reader found it (before recognition against a template).

    Readers with real tables (docx, html, pdf, Markdown pipe tables) write each
    cell on its own line of ``Document.text`` (row-major; a merged cell once, at
    its top-left position) and describe the grid here."""

    text: str  # the cell's text as written in Document.text (may be '')
    start: int
    end: int
    row: int  # 0-based
    col: int  # 0-based, in the expanded grid
    rowspan: int = 1
    colspan: int = 1


@dataclass
class Grid:
    cells: list[GridCell]
    start: int  # offset of the first cell line
    end: int  # end of the last cell line
    caption: str | None = None  # text just before the table, if any


@dataclass
class Cell:
    """A recognised table cell. ``key`` is ``表名/行/列`` with the template's labels,
    e.g. ``表三/（四）无法提供/1.本机关不掌握相关政府信息/总计``."""

    key: str
    table: str
    row: str
    col: str
    raw: str  # the text as found ('' when the cell is blank)
    value: float | int | None  # parsed value; None when not a number
    start: int
    end: int
    note: str | None = None  # e.g. "空白按0计"
    location: str | None = None  # human-readable, e.g. "表三 第5行 第8列"


@dataclass
class Table:
    name: str  # 表二 / 表三 / 表四
    template: str | None  # "2019" / "2021" when recognised
    start: int
    end: int
    cells: dict[str, Cell] = field(default_factory=dict)

    def get(self, key: str) -> Cell | None:
        return self.cells.get(key)


@dataclass
class ReportMeta:
    unit: str | None = None
    unit_kind: str | None = None  # 乡/镇/街道/县区政府/部门/...
    year: int | None = None
    template: str | None = None  # template the tables use ("2019"/"2021")
    expected_template: str | None = None  # template the year asks for
    title_start: int | None = None
    title_end: int | None = None

    def to_json(self) -> dict:
        return {"unit": self.unit, "year": self.year, "template": self.template}


@dataclass
class Document:
    path: str
    format: str  # txt, md, docx, html, pdf
    text: str
    encoding: str | None = None
    bom: bool = False
    line_ends: list[str] = field(default_factory=list)  # original terminator of each line
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    grids: list[Grid] = field(default_factory=list)  # raw tables from structured readers
    table_issues: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, reason) unrecognised
    report: ReportMeta = field(default_factory=ReportMeta)
    raw_bytes_hash: str | None = None  # sha256 of the file when read, for safe writes
    # Per line of ``text``, a picklable locator of where the reader found it, or None when the reader
    # keeps none. .docx: the child-index path from w:body to the w:p (paragraph) or w:tc (table cell);
    # ``readers.docx.line_elements`` turns it back into elements (used by --fix and `checker annotate`).
    source_map: list | None = None
    _index: LineIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text)
        return self._index

    def position(self, offset: int) -> Position:
        return self.index.position(offset)

    def line_text(self, line: int) -> str:
        return self.text[self.index.line_start(line): self.index.line_end(line)]

    def prose(self) -> Iterator[Paragraph]:
        return (p for p in self.paragraphs if p.kind == "prose")

    def table(self, name: str) -> Table | None:
        for t in self.tables:
            if t.name == name:
                return t
        return None

    def cell(self, key: str) -> Cell | None:
        name = key.split("/", 1)[0]
        t = self.table(name)
        return t.get(key) if t else None

    def paragraph_at(self, offset: int) -> Paragraph | None:
        starts = [p.start for p in self.paragraphs]
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and self.paragraphs[i].start <= offset <= self.paragraphs[i].end:
            return self.paragraphs[i]
        return None


def split_paragraphs(text: str) -> list[Paragraph]:
    """One paragraph per non-blank line; spans exclude surrounding whitespace."""
    out: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip(" \t\u3000\u00a0\ufeff\r")
        if stripped:
            lead = len(line) - len(line.lstrip(" \t\u3000\u00a0\ufeff\r"))
            start = pos + lead
            out.append(Paragraph(start, start + len(stripped), stripped))
        pos += len(line) + 1
    return out
