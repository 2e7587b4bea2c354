"""Shared output side of the structured readers (docx, html, pdf).

A structured reader walks its source in document order and hands paragraphs
and tables to ``TextBuilder``, which writes one paragraph or one table cell per
line of ``Document.text`` and records each table as a ``Grid`` whose cells know
their span in that text. A merged cell is written once, at its top-left
position; an empty cell is an empty line (zero-length span). A reader may give
each paragraph and cell a ``source`` locator; they become ``Document.source_map``.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..decoding import split_line_ends
from ..document import Document, Grid, GridCell

# Characters that must never reach Document.text: other line separators and
# control characters would make ``str.splitlines`` and LineIndex disagree.
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff\ufffe\uffff]")
MAX_GRID_AREA = 300_000  # cells × spans of one table; hostile spans beyond this are refused
_SPACES = re.compile(r"[ \t\u00a0\u3000\u2000-\u200b\u202f\u205f]+")


def is_cjk(ch: str) -> bool:
    """Han characters and full-width / CJK punctuation (no spaces around them in Chinese text)."""
    if not ch:
        return False
    o = ord(ch)
    return (
        0x4E00 <= o <= 0x9FFF
        or 0x3400 <= o <= 0x4DBF
        or 0x20000 <= o <= 0x2FFFF
        or 0xF900 <= o <= 0xFAFF
        or 0x3000 <= o <= 0x303F  # CJK punctuation
        or 0xFF01 <= o <= 0xFF60  # full-width forms
        or 0xFFE0 <= o <= 0xFFEE
        or ch in "“”‘’…—·"
    )


def clean_line(text: str) -> str:
    """One line of output text: control characters dropped, runs of spaces
    collapsed, no leading or trailing whitespace, no line breaks."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    text = _BAD_CHARS.sub(lambda m: " " if m.group() in "\x0b\x0c\x1c\x1d\x1e\x1f\x85\u2028\u2029" else "", text)
    if "\n" in text:
        text = join_fragments(text.split("\n"))
    return _SPACES.sub(" ", text).strip()


def join_fragments(parts: list[str]) -> str:
    """Join pieces of one label or paragraph that were broken over lines.

    Between two CJK characters nothing is inserted; between two Latin/digit
    characters one space is kept (``2023`` / ``年`` joins as ``2023年``)."""
    out = ""
    for part in parts:
        part = _SPACES.sub(" ", part).strip()
        if not part:
            continue
        if (out and not is_cjk(out[-1]) and not is_cjk(part[0])
                and out[-1] not in "-/._=?&:#@（(" and part[0] not in "-/._=?&#@)）,;:%"):
            out += " " + part
        else:
            out += part
    return out


_CJK_GAP = re.compile(r"(?<=\S) +(?=\S)")


def squeeze_cjk_spaces(text: str) -> str:
    """Remove spaces next to CJK characters (PDF extraction inserts them for
    justified or letter-spaced text: ``总 计``, ``2023 年``, ``号 ， 邮 编``)."""

    def repl(m: re.Match) -> str:
        a = text[m.start() - 1]
        b = text[m.end()]
        return "" if is_cjk(a) or is_cjk(b) else " "

    return _CJK_GAP.sub(repl, text)


def is_blank_cell(text: str) -> bool:
    return not text or all(unicodedata.category(c).startswith("Z") or c.isspace() for c in text)


@dataclass
class RawCell:
    """A table cell in expanded-grid coordinates, before it is written out."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    source: object = None  # where the reader found it (carried to ``Document.source_map``)


class TextBuilder:
    """Accumulates lines and grids; ``document()`` builds the Document."""

    def __init__(self):
        self.lines: list[str] = []
        self.sources: list = []  # per line: the reader's locator of its source, or None
        self.offset = 0
        self.grids: list[Grid] = []
        self.last_paragraph: str | None = None

    def _line(self, text: str, source=None) -> tuple[int, int]:
        start = self.offset
        self.lines.append(text)
        self.sources.append(source)
        self.offset += len(text) + 1
        return start, start + len(text)

    def paragraph(self, text: str, source=None) -> None:
        text = clean_line(text)
        if not text:
            return
        self._line(text, source)
        self.last_paragraph = text

    def table(self, cells: list[RawCell]) -> Grid | None:
        """Write a table's cells row-major, one per line, and record the grid.

        Cells must not overlap; a table with no non-blank cell is dropped."""
        cells = [c for c in cells if c.rowspan >= 1 and c.colspan >= 1]
        if not any(clean_line(c.text) for c in cells):
            return None
        cells = compact(cells)
        out: list[GridCell] = []
        first = None
        for c in sorted(cells, key=lambda c: (c.row, c.col)):
            text = clean_line(c.text)
            start, end = self._line(text, c.source)
            if first is None:
                first = start
            out.append(GridCell(text=text, start=start, end=end, row=c.row, col=c.col,
                                rowspan=c.rowspan, colspan=c.colspan))
        grid = Grid(cells=out, start=first or 0, end=out[-1].end, caption=self.last_paragraph)
        self.grids.append(grid)
        self.last_paragraph = None
        return grid

    def text(self) -> str:
        return "\n".join(self.lines) + ("\n" if self.lines else "")

    def document(self, path: str, fmt: str, encoding: str | None = None) -> Document:
        text = self.text()
        norm, ends = split_line_ends(text)
        sources = self.sources if any(s is not None for s in self.sources) else None
        return Document(path=path, format=fmt, text=norm, encoding=encoding, line_ends=ends, grids=self.grids,
                        source_map=sources)


def normalise_spans(cells: list[RawCell]) -> list[RawCell]:
    """Clip spans so that no two cells overlap (hostile or sloppy markup).

    Cells are taken in row-major order of their top-left corner; a cell whose
    top-left is already covered is dropped, and spans are shortened to stop at
    the first covered position."""
    taken: set[tuple[int, int]] = set()
    out: list[RawCell] = []
    if sum(c.rowspan * c.colspan for c in cells) > MAX_GRID_AREA:
        from . import ReaderError

        raise ReaderError("文档中的表格过大（合并单元格的行列跨度异常），已拒绝读取")
    for c in sorted(cells, key=lambda c: (c.row, c.col)):
        if (c.row, c.col) in taken:
            continue
        cs = 1
        while cs < c.colspan and (c.row, c.col + cs) not in taken:
            cs += 1
        rs = 1
        while rs < c.rowspan and all((c.row + rs, c.col + k) not in taken for k in range(cs)):
            rs += 1
        for r in range(c.row, c.row + rs):
            for k in range(c.col, c.col + cs):
                taken.add((r, k))
        out.append(RawCell(c.row, c.col, c.text, rs, cs, c.source))
    return out


def compact(cells: list[RawCell]) -> list[RawCell]:
    """Remove grid rows/columns in which no cell starts (they exist only inside
    spans), shortening the spans that cross them, so the grid starts at 0,0."""
    if not cells:
        return cells
    cells = [RawCell(c.row, c.col, c.text, c.rowspan, c.colspan, c.source) for c in cells]
    for axis in ("col", "row"):
        span = axis + "span"
        starts = {getattr(c, axis) for c in cells}
        end = max(getattr(c, axis) + getattr(c, span) for c in cells)
        shift = [0] * (end + 1)
        removed = 0
        for k in range(end + 1):
            shift[k] = removed
            if k not in starts:
                removed += 1
        for c in cells:
            a = getattr(c, axis)
            b = a + getattr(c, span)  # exclusive
            new_a = a - shift[a]
            new_b = b - shift[b] if b <= end else b - removed
            setattr(c, axis, new_a)
            setattr(c, span, max(1, new_b - new_a))
    return cells
