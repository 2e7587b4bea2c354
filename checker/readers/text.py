"""Plain text and Markdown: decode (UTF-8/UTF-16/GB18030), keep positions.

The text stays the file's text. Tables written as rows on lines are described
in ``Document.grids`` with each cell's span inside its line:

- Markdown pipe tables (a block of ``|`` lines with a ``|---|`` separator row;
  separator rows are not grid rows; cells are trimmed, an empty cell is a
  zero-length span just after its left pipe);
- whitespace/tab-separated rows: tab-separated fields, fields separated by two
  or more spaces, or a label followed by numbers separated by single spaces
  (``一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21``), in blocks of at least
  two rows (or one row with three or more numbers), with a header row of short
  words directly above the numbers.

Rows and columns are numbered in reading order; plain-text rows carry no
rowspan/colspan (a merged label is simply absent from the rows below it).
"""
from __future__ import annotations

import os
import re

from ..decoding import DecodeError, decode
from ..document import Document, Grid, GridCell
from . import ReaderError, reader

_SEP_ROW = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_NUM = re.compile(r"^[-+−－]?[\d０-９]+(?:[,，][\d０-９]{3})*(?:[.．][\d０-９]+)?%?$")
_TRIM = " \t\u3000\u00a0\ufeff\r"
_SENTENCE = re.compile(r"[。！？!?；;]")
MAX_GRID_LINES = 20000  # a pathological file does not get a grid per line


@reader(".txt", ".md", ".markdown", ".text")
def read_text(path: str, data: bytes) -> Document:
    if not data.strip():
        raise ReaderError("文件为空")
    try:
        d = decode(data)
    except DecodeError as e:
        raise ReaderError(str(e)) from None
    if not d.text.strip():
        raise ReaderError("文件为空")
    fmt = "md" if os.path.splitext(path)[1].lower() in (".md", ".markdown") else "txt"
    doc = Document(path=path, format=fmt, text=d.text, encoding=d.encoding, bom=d.bom, line_ends=d.line_ends)
    try:
        doc.grids = find_text_grids(d.text)
    except RecursionError:  # never: everything below is iterative
        doc.grids = []
    return doc


def _lines(text: str):
    """(start offset, line text) for each line."""
    pos = 0
    for line in text.split("\n"):
        yield pos, line
        pos += len(line) + 1


def _trimmed(line: str, a: int, b: int) -> tuple[int, int]:
    """Span [a, b) of line without surrounding blanks (zero-length at a if blank)."""
    while a < b and line[a] in _TRIM:
        a += 1
    while b > a and line[b - 1] in _TRIM:
        b -= 1
    return a, b


def pipe_cells(line: str) -> list[tuple[int, int]]:
    """Cell spans (within the line) of a Markdown pipe-table row."""
    pipes = []
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if ch == "\\" and i + 1 < n:
            i += 2
            continue
        if ch == "|":
            pipes.append(i)
        i += 1
    if not pipes:
        return []
    bounds = []
    lead = line[: pipes[0]].strip(_TRIM)
    if lead:
        bounds.append((0, pipes[0]))
    for a, b in zip(pipes, pipes[1:]):
        bounds.append((a + 1, b))
    tail = line[pipes[-1] + 1:].strip(_TRIM)
    if tail:
        bounds.append((pipes[-1] + 1, len(line)))
    out = []
    for a, b in bounds:
        s, e = _trimmed(line, a, b)
        out.append((s, e) if s < e else (a, a))
    return out


def _is_num(tok: str) -> bool:
    return bool(_NUM.match(tok))


def row_fields(line: str) -> list[tuple[int, int]] | None:
    """Fields of a whitespace/tab-separated table row, or None."""
    s, e = _trimmed(line, 0, len(line))
    if e - s < 2 or len(line) > 400:
        return None
    body = line[s:e]
    if "|" in body:
        return None
    spans: list[tuple[int, int]] = []
    if "\t" in body:
        pos = s
        for part in body.split("\t"):
            a, b = _trimmed(line, pos, pos + len(part))
            spans.append((a, b) if a < b else (pos, pos))
            pos += len(part) + 1
    else:
        for m in re.finditer(r"\S+(?:[ \u3000](?![ \u3000])\S+)*", body):
            spans.append((s + m.start(), s + m.end()))
        if len(spans) < 2:
            # single spaces only: a label followed by numbers
            toks = [(s + m.start(), s + m.end()) for m in re.finditer(r"\S+", body)]
            k = len(toks)
            while k > 0 and _is_num(line[toks[k - 1][0]: toks[k - 1][1]]):
                k -= 1
            nums = toks[k:]
            if not nums:
                # a header row of short words: 信息内容 本年制发件数 本年废止件数 现行有效件数
                words = [line[a:b] for a, b in toks]
                if len(words) >= 3 and all(len(w) <= 12 and not any(ch.isdigit() for ch in w) for w in words):
                    return toks
                return None
            if k == 0:
                return nums if len(nums) >= 2 else None
            label = (toks[0][0], toks[k - 1][1])
            return [label, *nums]
        # two-space separated fields: a field may itself be "label 1 2 3" with single spaces
    if len(spans) < 2:
        return None
    return spans


def _row_kind(line: str, spans: list[tuple[int, int]]) -> str | None:
    """'num' for a data row, 'head' for a row of short labels, None otherwise."""
    texts = [line[a:b] for a, b in spans]
    if any(_SENTENCE.search(t) for t in texts) or any(len(t) > 60 for t in texts):
        return None
    nums = sum(1 for t in texts if _is_num(t))
    if nums:
        labels = [t for t in texts if t and not _is_num(t)]
        if len(labels) > 3:
            return None
        return "num"
    if len(texts) >= 2 and all(len(t) <= 16 for t in texts):
        return "head"
    return None


def find_text_grids(text: str) -> list[Grid]:
    lines = list(_lines(text))
    grids: list[Grid] = []
    used: set[int] = set()
    # 1. Markdown pipe tables
    i = 0
    n = len(lines)
    while i < n:
        if "|" not in lines[i][1] or not lines[i][1].strip(_TRIM):
            i += 1
            continue
        j = i
        while j < n and "|" in lines[j][1] and lines[j][1].strip(_TRIM):
            j += 1
        block = lines[i:j]
        if j - i >= 2 and any(_SEP_ROW.match(ln) and "-" in ln for _, ln in block):
            cells = []
            row = 0
            for k, (pos, ln) in enumerate(block):
                used.add(i + k)
                if _SEP_ROW.match(ln) and "-" in ln:
                    continue
                for col, (a, b) in enumerate(pipe_cells(ln)):
                    cells.append(GridCell(text=ln[a:b], start=pos + a, end=pos + b, row=row, col=col))
                row += 1
            if cells:
                grids.append(Grid(cells=cells, start=cells[0].start, end=cells[-1].end,
                                  caption=_caption(lines, i, used)))
        i = j
    # 2. whitespace/tab-separated rows
    rows: list[tuple[int, list[tuple[int, int]], str]] = []  # (line no, spans, kind)
    for k, (pos, ln) in enumerate(lines):
        if k in used or len(rows) > MAX_GRID_LINES:
            continue
        spans = row_fields(ln)
        if not spans:
            continue
        kind = _row_kind(ln, spans)
        if kind:
            rows.append((k, spans, kind))
    blocks: list[list[tuple[int, list[tuple[int, int]], str]]] = []
    for r in rows:
        # consecutive lines form a block; a header row after data rows starts a new table
        if blocks and blocks[-1][-1][0] == r[0] - 1 and not (r[2] == "head" and blocks[-1][-1][2] == "num"):
            blocks[-1].append(r)
        else:
            blocks.append([r])
    for block in blocks:
        # header rows only directly above data rows; drop leading/trailing header-only runs otherwise
        while block and block[-1][2] == "head":
            block.pop()
        if not block:
            continue
        nums = [r for r in block if r[2] == "num"]
        if len(block) < 2 and not (nums and sum(1 for a, b in nums[0][1]
                                               if _is_num(lines[nums[0][0]][1][a:b])) >= 3):
            continue
        cells = []
        for row, (k, spans, _) in enumerate(block):
            pos, ln = lines[k]
            for col, (a, b) in enumerate(spans):
                cells.append(GridCell(text=ln[a:b], start=pos + a, end=pos + b, row=row, col=col))
            used.add(k)
        grids.append(Grid(cells=cells, start=cells[0].start, end=cells[-1].end,
                          caption=_caption(lines, block[0][0], used)))
    grids.sort(key=lambda g: g.start)
    return grids


def _caption(lines, first: int, used: set[int]) -> str | None:
    k = first - 1
    while k >= 0 and not lines[k][1].strip(_TRIM):
        k -= 1
    if k < 0 or k in used:
        return None
    t = lines[k][1].strip(_TRIM)
    return t if len(t) <= 80 else None
