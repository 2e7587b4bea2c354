"""Recognise 表二/表三/表四 in any layout and give every cell its canonical key.

One recogniser serves every input format. The document is first turned into a
stream of *physical rows* of *tokens*:

- a line of plain text is one physical row; it is split on whitespace (tab rows,
  PDF text layers: ``一、本年新收… 21 0 0 0 0 0 21``), and a Markdown pipe row is
  split on ``|``; a whitespace-only line that contains a tab is one blank cell
  (the flattened web text of the example, one cell per line, tab-indented);
- a grid delivered by a structured reader (``doc.grids``: docx, html, pdf,
  Markdown tables) is used instead of the lines it covers: one physical row per
  grid row, one token per cell (a blank cell is a blank token).

A token is a *value* (number, blank, ``—``/``-``/``无``) or a *text* (a label or
a fragment of one). Value tokens are grouped into *runs*: the values of one
physical row that follow its last label, or a sequence of one-value lines (one
cell per line). A run's label is the text of its own physical row; in the
one-cell-per-line layout it is all the text since the previous run (so labels
broken over lines — ``（三）不予`` / ``公开`` — and vertical headers — ``结`` ``果``
``维`` ``持`` — are simply joined).

Each table is then matched against the template (``rules/templates/*.yaml``):
a run whose label names a row is an *anchor*; runs without a usable label are
assigned, in order, to the template rows missing between two anchors, but only
when their number matches exactly (group subtotal rows and the 2021
sub-items of （六） make several row sequences possible; exactly one must fit).
Anything else — a row with the wrong number of values, an ambiguous gap, a
missing data row in 表四 — is recorded in ``doc.table_issues`` with a Chinese
reason (reported as ``structure.table-unrecognised``) and the uncertain cells
are left out rather than guessed.

Cell spans: a cell's span is its token's span in ``doc.text``. A blank cell has
a zero-length span at the place of the blank (after the tab of a tab-only line,
inside the empty pipe cell, or at the empty grid cell's line); it is never the
row label's span.

Locations (``Cell.location``): ``表三 第r行 第c列`` counts the data area only —
rows in template order among the rows the report prints (第1行 = 一、本年新收…),
columns among the value columns (自然人 = 第1列 … 总计 = 第7列); 表四 is one row
of 15 columns; 表二 counts rows and value columns within each 第二十条 item.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from ..document import Cell, Document, Table
from .templates import (
    ItemSpec,
    ParsedValue,
    RowSpec,
    TableSpec,
    Template,
    find_markers,
    load_template,
    marker_weight,
    norm,
    templates,
    parse_value,
    template_for_year,
)

# ---------------------------------------------------------------------------
# tokens and physical rows


@dataclass
class Tok:
    text: str
    start: int
    end: int
    pv: ParsedValue | None  # None: a text token

    @property
    def is_value(self) -> bool:
        return self.pv is not None

    @property
    def is_num(self) -> bool:
        return self.pv is not None and self.pv.kind == "num"

    @property
    def is_blank(self) -> bool:
        return self.pv is not None and self.pv.kind == "blank"


@dataclass
class PRow:
    toks: list[Tok]
    start: int
    end: int
    prose: bool = False  # a narrative line: ends label accumulation, never part of a table
    grid: bool = False

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.toks if not t.is_value)

    @property
    def ntext(self) -> str:
        n = self.__dict__.get("_ntext")
        if n is None:
            t = self.text
            n = self.__dict__["_ntext"] = norm(t) if t else ""
        return n

    @property
    def squeezed(self) -> str:
        """The row's text without spaces (a cheap pre-check before ``ntext``)."""
        return "".join(self.text.split())


MAX_LABEL = 400  # characters of accumulated label text that matching looks at
MAX_REGION_ROWS = 3000  # a real table has a few hundred physical rows (lines) at most
_WS_SPLIT = re.compile(r"[^\s\u3000\u00a0]+")
_PIPE_SEP = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_PAGE_NO = re.compile(r"^(?:[-—–－]\s*\d{1,3}\s*[-—–－]|第\s*\d{1,3}\s*页(?:\s*[，,/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$")
_THOUSANDS_TAIL = re.compile(r"^0\d\d$")


def _split(text: str, base: int) -> list[Tok]:
    """Whitespace-separated tokens of a cell or line; ``14 069`` (千分空) stays one number."""
    toks: list[Tok] = []
    for m in _WS_SPLIT.finditer(text):
        part = m.group()
        s, e = base + m.start(), base + m.end()
        if toks and toks[-1].is_num and _THOUSANDS_TAIL.match(part) and "." not in toks[-1].text:
            prev = toks[-1]
            merged = text[prev.start - base: e - base]
            pv = parse_value(merged.replace(" ", ",").replace("\u3000", ","))
            if pv is not None and pv.kind == "num":
                toks[-1] = Tok(merged, prev.start, e, pv)
                continue
        toks.append(Tok(part, s, e, parse_value(part)))
    return toks


def _is_prose(s: str) -> bool:
    return bool(re.search(r"[。！？；;]", s)) or len(s) > 60


_ANCHOR_HINT = re.compile(r"二\s*十\s*条|信\s*息\s*内\s*容|勾\s*稽|申\s*请\s*人\s*情\s*况|本\s*年\s*新\s*收|行\s*政\s*复\s*议")


def table_window(text: str) -> tuple[int, int] | None:
    """The part of the text that can hold the tables: from the line of the first
    table label to ``MAX_REGION_ROWS`` lines after the line of the last one (so a
    huge document is not tokenised line by line). None when there is no table label."""
    first = last = None
    for m in _ANCHOR_HINT.finditer(text):
        if first is None:
            first = m.start()
        last = m.end()
    if first is None:
        return None
    start = text.rfind("\n", 0, first) + 1

    def forward(pos: int, lines: int) -> int:
        for _ in range(lines):
            nl = text.find("\n", pos + 1)
            if nl < 0:
                return len(text)
            pos = nl
        return pos

    return start, min(forward(last, MAX_REGION_ROWS), forward(start, 4 * MAX_REGION_ROWS))


def tokenise(doc: Document, start: int = 0, end: int | None = None) -> list[PRow]:
    """The physical rows of ``doc.text[start:end]`` (whole lines; see the module docstring)."""
    text = doc.text
    n = len(text) if end is None else min(end, len(text))
    grids = sorted((g for g in doc.grids if g.end >= start and g.start <= n), key=lambda g: g.start)
    rows: list[PRow] = []
    gi = 0
    pos = start
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0 or nl > n:
            nl = n
        # grids first: their lines are replaced by the grid's cells
        while gi < len(grids) and grids[gi].end < pos:
            gi += 1
        if gi < len(grids) and grids[gi].start <= nl and pos <= grids[gi].end:
            g = grids[gi]
            rows.extend(_grid_rows(g))
            gi += 1
            # skip every line the grid covers, up to the end of the line of its last cell
            after = text.find("\n", max(g.end, pos))
            pos = (after + 1) if after >= 0 else len(text) + 1
            continue
        rows.extend(_line_rows(text[pos:nl], pos))
        pos = nl + 1
    return rows


def _grid_rows(g) -> list[PRow]:
    out = []
    by_row: dict[int, list] = {}
    for c in g.cells:
        by_row.setdefault(c.row, []).append(c)
    for r in sorted(by_row):
        toks: list[Tok] = []
        for c in sorted(by_row[r], key=lambda c: c.col):
            if not c.text.strip():
                toks.append(Tok("", c.start, c.start, parse_value("")))
            else:
                toks.extend(_split(c.text, c.start))
        if toks:
            out.append(PRow(toks, toks[0].start, toks[-1].end, grid=True))
    return out


def _line_rows(line: str, base: int) -> list[PRow]:
    stripped = line.strip(" \t\u3000\u00a0\ufeff\r")
    if not stripped:
        if "\t" in line:  # a tab-only line: one blank cell
            p = base + len(line)
            return [PRow([Tok("", p, p, parse_value(""))], p, p)]
        return []
    lead = len(line) - len(line.lstrip(" \t\u3000\u00a0\ufeff\r"))
    start = base + lead
    if stripped.startswith("|") or (stripped.endswith("|") and stripped.count("|") >= 2):
        if _PIPE_SEP.match(stripped):
            return []
        return [_pipe_row(line, base)]
    if _PAGE_NO.match(stripped):
        return []
    if _is_prose(stripped):
        return [PRow([Tok(stripped, start, start + len(stripped), None)], start, start + len(stripped), prose=True)]
    toks = _split(line, base)
    return [PRow(toks, toks[0].start, toks[-1].end)] if toks else []


def _pipe_row(line: str, base: int) -> PRow:
    toks: list[Tok] = []
    bars = [i for i, ch in enumerate(line) if ch == "|" and (i == 0 or line[i - 1] != "\\")]
    s = line.strip()
    lead = line.index(s[0])
    if not s.startswith("|"):
        bars = [lead - 1] + bars
    if not s.endswith("|"):
        bars = bars + [len(line.rstrip())]
    for a, b in zip(bars, bars[1:]):
        cell = line[a + 1: b]
        if cell.strip():
            toks.extend(_split(cell, base + a + 1))
        else:
            p = base + a + 1 + (1 if cell.startswith(" ") else 0)
            toks.append(Tok("", p, p, parse_value("")))
    start = toks[0].start if toks else base
    end = toks[-1].end if toks else base
    return PRow(toks, start, end)


# ---------------------------------------------------------------------------
# runs


@dataclass
class Run:
    values: list[Tok]
    label: list[Tok]  # text tokens naming the run (same physical row, or preceding lines in one-cell-per-line)
    single: bool = False  # built from one-value lines

    @property
    def label_text(self) -> str:
        return "".join(t.text for t in self.label)

    @property
    def start(self) -> int:
        toks = self.label + self.values
        return min(t.start for t in toks)

    @property
    def end(self) -> int:
        return max(t.end for t in self.label + self.values)


def build_runs(rows: list[PRow]) -> list[Run]:
    runs: list[Run] = []
    pending: list[Tok] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if row.prose:
            pending = []
            i += 1
            continue
        if len(row.toks) == 1 and row.toks[0].is_value and not row.grid:
            vals = []
            while i < len(rows) and not rows[i].prose and not rows[i].grid and len(rows[i].toks) == 1 \
                    and rows[i].toks[0].is_value:
                vals.append(rows[i].toks[0])
                i += 1
            if any(v.is_num or v.pv.kind == "dash" for v in vals):
                runs.append(Run(vals, pending, single=True))
                pending = []
            continue
        toks = row.toks
        last_text = max((k for k, t in enumerate(toks) if not t.is_value), default=-1)
        values = toks[last_text + 1:]
        texts = [t for t in toks[: last_text + 1] if not t.is_value]
        if values and (any(not v.is_blank for v in values) or texts):
            runs.append(Run(values, texts))
            pending = []
        else:
            pending.extend(texts)
        i += 1
    return runs


def chunk(values: list[Tok], n: int, labelled: bool) -> list[list[Tok]] | None:
    """Split a run into rows of ``n`` values, or None when the values do not make
    whole rows.

    Blanks at either end may be placeholders rather than values: empty label
    columns of a grid row (（六）其他处理 without a sub-label), merged cells of
    the next row in one-cell-per-line text, padding of Markdown rows. The split
    with the fewest rows that keeps every non-blank value wins; on a tie, the one
    that drops fewer leading blanks (a blank right after a label is a value)."""
    vals = list(values)
    core_end = len(vals)
    while core_end > 0 and vals[core_end - 1].is_blank:
        core_end -= 1
    if core_end == 0:  # only blanks: a blank row when it has a label
        return [vals[:n]] if len(vals) >= n and labelled else None
    lead = 0
    while lead < core_end and vals[lead].is_blank:
        lead += 1
    best = None
    for drop in range(0, lead + 1):
        core = core_end - drop
        k = -(-core // n)
        if len(vals) - drop >= k * n and (best is None or k < best[0]):
            best = (k, drop)
    if best is None:
        return None
    k, drop = best
    rest = vals[drop: drop + k * n]
    return [rest[j * n:(j + 1) * n] for j in range(k)]


# ---------------------------------------------------------------------------
# label matching


def _fuzzy_ratio(a: str, b: str) -> float:
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b)


def match_label(label: str, rows: list[RowSpec]) -> tuple[RowSpec | None, str]:
    """The row a label names, and the text after the matched label (for 表二 sub-rows).

    The match that ends last wins (in one-cell-per-line text the label carries
    the headers and group labels before it); a longer pattern wins a tie. When the
    tail after the last exact match is a numbered item, a fuzzy match on it
    (ratio ≥ 80, same item number, unique best) is preferred, so that
    ``2.其他法律行政止公开`` (a character dropped) still finds its row."""
    L = norm(label[-MAX_LABEL:])
    if not L:
        return None, ""
    best = None  # (end, len, row)
    for r in rows:
        for p in r.patterns:
            i = L.rfind(p)
            if i >= 0:
                cand = (i + len(p), len(p), r)
                if best is None or cand[:2] > best[:2]:
                    best = cand
    tail_from = best[0] if best else 0
    tail = L[tail_from:]
    m = re.search(r"(\d{1,2})\.(\D{3,})$", tail) or re.search(r"(\d{1,2})\.(\D{3,})", tail)
    if m:
        num = m.group(1)
        seg = m.group(0)
        scored = []
        for r in rows:
            p = r.patterns[0]
            if p.startswith(num + "."):
                scored.append((_fuzzy_ratio(seg[: len(p) + 2], p), r))
                scored.append((_fuzzy_ratio(seg, p), r))
        scored.sort(key=lambda x: -x[0])
        if scored and scored[0][0] >= 80:
            top = scored[0]
            rivals = [s for s in scored if s[1] is not top[1] and s[0] >= top[0] - 5]
            if not rivals:
                return top[1], ""
    if best is None:
        return None, ""
    return best[2], L[best[0]:]


# ---------------------------------------------------------------------------
# regions


def _heading_stops(doc: Document) -> list[int]:
    return sorted(s.heading_start for s in doc.sections)


def _find_anchor(rows: list[PRow], pred, start: int = 0) -> int | None:
    for i in range(start, len(rows)):
        r = rows[i]
        if not r.prose and pred(r):
            return i
    return None


def _t2_anchor(r: PRow) -> bool:
    q = r.squeezed
    if "二十条" in q:
        return "第二十条第" in r.ntext
    return q.startswith("信息内容") and len(q) <= 40


def _t3_anchor(r: PRow) -> bool:
    q = r.squeezed
    if "勾稽" not in q and "申请人" not in q and "本年新收" not in q:
        return False
    t = r.ntext
    return "勾稽关系" in t or t.startswith("申请人情况") or "本年新收政府信息公开申请数量" in t


def _t4_anchor(r: PRow) -> bool:
    if not r.toks or r.toks[0].is_value or "复议" not in r.toks[0].text:
        return False
    return norm(r.toks[0].text) in ("行政复议", "行政复议行政诉讼")


def find_regions(doc: Document, rows: list[PRow]) -> dict[str, tuple[int, int]]:
    """Row-index ranges [first, stop) of 表二, 表三 and 表四."""
    a2 = _find_anchor(rows, _t2_anchor)
    a3 = _find_anchor(rows, _t3_anchor)
    a4 = _find_anchor(rows, _t4_anchor, a3 + 1 if a3 is not None else (a2 + 1 if a2 is not None else 0))
    stops = _heading_stops(doc)
    anchors = {"表二": a2, "表三": a3, "表四": a4}
    out = {}
    for name, a in anchors.items():
        if a is None:
            continue
        stop = len(rows)
        for other, b in anchors.items():
            if other != name and b is not None and b > a:
                stop = min(stop, b)
        astart = rows[a].start
        for h in stops:
            if h > astart:
                # a section heading after the anchor ends the region
                for k in range(a + 1, stop):
                    if rows[k].start >= h:
                        stop = k
                        break
                break
        out[name] = (a, min(stop, a + MAX_REGION_ROWS))
    return out


# ---------------------------------------------------------------------------
# table builders


MAX_ISSUES = 20  # per table: a hostile or garbled table does not flood the output


class Builder:
    def __init__(self, doc: Document, name: str, template: Template):
        self.doc = doc
        self.name = name
        self.template = template
        self.cells: dict[str, Cell] = {}
        self.issues: list[tuple[int, int, str]] = []

    def issue(self, start: int, end: int, reason: str):
        if len(self.issues) < MAX_ISSUES:
            self.issues.append((start, end, f"{self.name}：{reason}"))
        elif len(self.issues) == MAX_ISSUES:
            self.issues.append((start, end, f"{self.name}：此后还有更多无法识别的部分，不再逐一列出"))

    def add(self, row_key: str, col_label: str, tok: Tok, location: str):
        key = f"{self.name}/{row_key}/{col_label}"
        pv = tok.pv
        value = pv.value if pv is not None else None
        note = "；".join(pv.notes) if pv is not None and pv.notes else None
        self.cells[key] = Cell(key=key, table=self.name, row=row_key, col=col_label, raw=tok.text, value=value,
                               start=tok.start, end=tok.end, note=note, location=location)

    def table(self, start: int, end: int) -> Table:
        return Table(name=self.name, template=self.template.id, start=start, end=end, cells=self.cells)


def _label_of(run: Run) -> str:
    return _short(run.label_text)


def _short(label: str, n: int = 40) -> str:
    """A label for a message: whitespace removed, at most ``n`` characters (its end)."""
    label = "".join(label.split())
    return label if len(label) <= n else "…" + label[-n:]


def recognise_t3(doc: Document, rows: list[PRow], tpl: Template) -> tuple[Table | None, list]:
    spec: TableSpec = tpl.tables["表三"]
    b = Builder(doc, "表三", tpl)
    runs = build_runs(rows)
    ncol = len(spec.columns)
    order = [r for r in spec.rows if r.data]
    index = {r.key: i for i, r in enumerate(order)}
    # entries: (run, chunk, row or None, label text)
    entries: list[list] = []
    for k, run in enumerate(runs):
        row = None
        if run.label:
            row, _ = match_label(run.label_text, order)
        if all(v.is_blank for v in run.values) and row is None:
            continue  # blank cells of a header row
        chunks = chunk(run.values, ncol, bool(run.label))
        if chunks is None:
            nv = sum(1 for v in run.values if not v.is_blank)
            what = f"“{_label_of(run)}”" if run.label else "一行"
            reason = f"{what}有{len(run.values)}个单元格（{nv}个数值），应为{ncol}列，无法确定各值所属的列"
            # a lone number on a line of its own, just before a complete row, is a stray
            # fragment of extraction (e.g. a label's number); it does not block the rows around it
            stray = run.single and len(run.values) == 1 and k + 1 < len(runs) and not runs[k + 1].single
            entries.append([run, None, None, "stray" if stray else "bad", reason])
            continue
        for j, ch in enumerate(chunks):
            entries.append([run, ch, row if j == 0 else None, "ok", None])
    # anchors must come in template order
    last = -1
    for e in entries:
        if e[2] is not None:
            i = index[e[2].key]
            if i <= last:
                e[4] = f"行“{e[2].label}”重复出现或顺序与模板不符"
                e[2] = None
                e[3] = "bad"
            else:
                last = i
    anchors = [(-1, -1)] + [(k, index[e[2].key]) for k, e in enumerate(entries) if e[2] is not None] + \
              [(len(entries), len(order))]
    assigned: list[tuple[RowSpec, list[Tok]]] = []
    for (ka, ia), (kb, ib) in zip(anchors, anchors[1:]):
        if ka >= 0:
            assigned.append((entries[ka][2], entries[ka][1]))
        gap = entries[ka + 1: kb]
        bad = [e for e in gap if e[3] == "bad"]
        strays = [e for e in gap if e[3] == "stray"]
        gap = [e for e in gap if e[3] not in ("bad", "stray")]
        for e in bad:
            b.issue(e[0].start, e[0].end, e[4])
        if not gap:
            continue
        if bad:
            continue  # do not guess around a broken row
        gap_rows = order[ia + 1: ib]
        seqs = _row_sequences(gap_rows, spec, len(gap))
        if len(seqs) == 1:
            for e, r in zip(gap, seqs[0]):
                assigned.append((r, e[1]))
        else:
            for e in strays:
                b.issue(e[0].start, e[0].end, e[4])
            s = min(e[0].start for e in gap)
            t = max(e[0].end for e in gap)
            names = "、".join(f"“{r.label}”" for r in gap_rows[:4]) + ("等" if len(gap_rows) > 4 else "")
            if not gap_rows:
                b.issue(s, t, f"有{len(gap)}行数据无法对应到模板中的任何行")
            else:
                b.issue(s, t, f"有{len(gap)}行数据缺少可识别的行标签，无法确定它们对应{names}中的哪些行")
    if not assigned:
        return None, b.issues
    assigned.sort(key=lambda a: index[a[0].key])
    for rno, (r, ch) in enumerate(assigned, 1):
        for cno, (col, tok) in enumerate(zip(spec.columns, ch), 1):
            b.add(r.key, col.label, tok, f"表三 第{rno}行 第{cno}列")
    toks = [t for _, ch in assigned for t in ch]
    start = rows[0].start
    end = max(t.end for t in toks)
    return b.table(start, end), b.issues


def _row_sequences(gap_rows: list[RowSpec], spec: TableSpec, n: int) -> list[list[RowSpec]]:
    """Row sequences that ``n`` unlabelled data rows between two anchors can be.

    Plain rows are always printed; a group whose header lies in the gap may be
    printed as its items (the default), as its subtotal row only, or as both."""
    options: list[list[list[RowSpec]]] = []
    k = 0
    while k < len(gap_rows):
        r = gap_rows[k]
        if r.is_group:
            items = []
            k += 1
            while k < len(gap_rows) and gap_rows[k].group == r.key:
                items.append(gap_rows[k])
                k += 1
            complete = len(items) == len(spec.group_items(r.key))
            if not items:
                opts = [[r], []]
            elif complete:
                opts = [items, [r], [r] + items]
            else:  # other items of the group are labelled elsewhere: it is printed item by item
                opts = [items, [r] + items]
            options.append(opts)
            continue
        options.append([[r]])
        k += 1
    seqs = []
    for combo in itertools.islice(itertools.product(*options), 5000):
        seq = [x for part in combo for x in part]
        if len(seq) == n and seq not in seqs:
            seqs.append(seq)
    return seqs


def recognise_t4(doc: Document, rows: list[PRow], tpl: Template) -> tuple[Table | None, list]:
    spec: TableSpec = tpl.tables["表四"]
    b = Builder(doc, "表四", tpl)
    runs = build_runs(rows)
    ncol = len(spec.columns)
    total = ncol * len(spec.rows)
    runs = [r for r in runs if any(not v.is_blank for v in r.values)]
    if not runs:
        b.issue(rows[0].start, rows[-1].end, "找不到行政复议、行政诉讼的数据行")
        return None, b.issues
    assigned: list[tuple[RowSpec, list[Tok]]] = []
    first = runs[0]
    ch = chunk(first.values, total, True)
    if ch is not None and len(ch) == 1:
        for k, r in enumerate(spec.rows):
            assigned.append((r, ch[0][k * ncol:(k + 1) * ncol]))
    else:
        # one row per group, each named by its label
        labelled = {}
        for run in runs[: len(spec.rows)]:
            c = chunk(run.values, ncol, True)
            r, _ = match_label(run.label_text, list(spec.rows)) if run.label else (None, "")
            if c is None or len(c) != 1 or r is None or r.key in labelled:
                labelled = None
                break
            labelled[r.key] = c[0]
        if labelled and len(labelled) == len(spec.rows):
            for r in spec.rows:
                assigned.append((r, labelled[r.key]))
        else:
            nv = sum(1 for v in first.values if not v.is_blank)
            b.issue(first.start, first.end,
                    f"数据行有{len(first.values)}个单元格（{nv}个数值），应为{total}个（行政复议、未经复议直接起诉、"
                    "复议后起诉各5列），无法确定各值所属的列")
            return None, b.issues
    for r, vals in assigned:
        for cno, (col, tok) in enumerate(zip(spec.columns, vals), 1):
            off = spec.rows.index(r) * ncol
            b.add(r.key, col.label, tok, f"表四 第1行 第{off + cno}列")
    toks = [t for _, v in assigned for t in v]
    return b.table(rows[0].start, max(t.end for t in toks)), b.issues


_SUBLABEL = re.compile(r"^[\u4e00-\u9fff]{2,20}$")


def recognise_t2(doc: Document, rows: list[PRow], tpl: Template) -> tuple[Table | None, list]:
    spec: TableSpec = tpl.tables["表二"]
    b = Builder(doc, "表二", tpl)
    runs = build_runs(rows)
    # items of the other template (第二十条第（九）项 in a 2021 report) are recognised too,
    # with their own columns, so that structure.template-mismatch can point at them
    all_items = list(spec.items)
    for other in templates().values():
        if other.id != tpl.id:
            all_items += [it for it in other.tables["表二"].items if it.label not in {x.label for x in all_items}]
    all_rows = [r for it in all_items for r in it.rows]
    all_rows = [r for k, r in enumerate(all_rows) if all(r.key != q.key for q in all_rows[:k])]
    items = {it.label: it for it in all_items}
    item_pats = [(norm(it.label), it) for it in all_items]
    current: ItemSpec | None = None
    parent: RowSpec | None = None
    got: list[tuple[ItemSpec, str, list[Tok]]] = []
    seen_keys = set()
    for run in runs:
        label = run.label_text[-MAX_LABEL:]
        L = norm(label)
        # the latest item heading named in the label text sets the current item
        best = None
        for p, it in item_pats:
            i = L.rfind(p)
            if i >= 0 and (best is None or i > best[0]):
                best = (i, it)
        if best:
            current = best[1]
            parent = None
        row, rest = match_label(label, all_rows) if label else (None, "")
        row_key = None
        if row is not None:
            current = items[row.item]
            if rest and _SUBLABEL.match(rest) and not _is_column_text(rest, current):
                row_key = f"{row.key}/{rest}"
                parent = row
            else:
                row_key = row.key
                parent = None
        elif label and current is not None:
            tail = L[best[0] + len(norm(current.label)):] if best else L
            tail = _strip_headers(tail, current)
            if tail and _SUBLABEL.match(tail):
                row_key = f"{parent.key}/{tail}" if parent is not None else tail
        if row_key is None or current is None:
            if any(v.is_num for v in run.values):
                what = f"“{_short(label)}”" if label else "一行数据"
                b.issue(run.start, run.end, f"{what}无法对应到表二的任何一项")
            continue
        n = len(current.columns)
        ch = chunk(run.values, n, True)
        if ch is None or len(ch) != 1:
            nv = sum(1 for v in run.values if not v.is_blank)
            b.issue(run.start, run.end,
                    f"“{current.label}”的“{_short(row_key)}”有{len(run.values)}个单元格（{nv}个数值），应为{n}列")
            continue
        if (current.label, row_key) in seen_keys:
            b.issue(run.start, run.end, f"“{current.label}”的“{_short(row_key)}”重复出现")
            continue
        seen_keys.add((current.label, row_key))
        got.append((current, row_key, ch[0]))
    if not got:
        return None, b.issues
    # template order within items; extra rows after the template rows of their item
    item_order = {it.label: k for k, it in enumerate(all_items)}

    def rank(g):
        it, key, _ = g
        base = key.split("/", 1)[0]
        idx = next((k for k, r in enumerate(it.rows) if r.key == base), len(it.rows))
        return item_order[it.label], idx
    got.sort(key=rank)
    counters: dict[str, int] = {}
    for it, key, vals in got:
        counters[it.label] = counters.get(it.label, 0) + 1
        for cno, (col, tok) in enumerate(zip(it.columns, vals), 1):
            b.add(f"{it.label}/{key}", col.label, tok, f"表二 {it.label} 第{counters[it.label]}行 第{cno}列")
    toks = [t for _, _, v in got for t in v]
    return b.table(rows[0].start, max(t.end for t in toks)), b.issues


_HEADER_WORDS = ("信息内容",)


def _is_column_text(s: str, item: ItemSpec) -> bool:
    return any(p in s for c in item.columns for p in c.patterns) or s in _HEADER_WORDS


def _strip_headers(s: str, item: ItemSpec) -> str:
    for w in _HEADER_WORDS:
        s = s.replace(w, "")
    for c in item.columns:
        for p in c.patterns:
            s = s.replace(p, "")
    return s


# ---------------------------------------------------------------------------
# template detection and the entry point


def detect_template(doc: Document, rows: list[PRow], regions: dict[str, tuple[int, int]]) -> tuple[str | None, list]:
    """The template the tables use, from template-specific labels, and the marker hits."""
    hits = []
    for name, (a, stop) in regions.items():
        for r in rows[a:stop]:
            if r.prose:
                continue
            for t in r.toks:
                if t.is_value:
                    continue
                for tid, m, s, e in find_markers(t.text):
                    hits.append((tid, m, t.start + s, t.start + e))
        # labels broken over cells (one cell per line): look at the joined text too
    counts = {}
    for tid, m, *_ in hits:
        counts[tid] = counts.get(tid, 0) + marker_weight(tid, m)
    if not counts:
        return None, hits
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        exp = doc.report.expected_template
        return (exp if exp in counts else ranked[0][0]), hits
    return ranked[0][0], hits


def recognise_tables(doc: Document) -> None:
    """Fill ``doc.tables``, ``doc.table_issues`` and ``doc.report.template``."""
    window = table_window(doc.text)
    if window is None:
        doc.tables, doc.table_issues = [], []
        if doc.report.expected_template is None and doc.report.year:
            t = template_for_year(doc.report.year)
            doc.report.expected_template = t.id if t else None
        return
    rows = tokenise(doc, *window)
    regions = find_regions(doc, rows)
    tid, _hits = detect_template(doc, rows, regions)
    doc.report.template = tid
    if doc.report.expected_template is None and doc.report.year:
        t = template_for_year(doc.report.year)
        doc.report.expected_template = t.id if t else None
    use = tid or doc.report.expected_template or "2021"
    tpl = load_template(use)
    tables: list[Table] = []
    issues: list[tuple[int, int, str]] = []
    for name, fn in (("表二", recognise_t2), ("表三", recognise_t3), ("表四", recognise_t4)):
        if name not in regions:
            continue
        a, stop = regions[name]
        region = rows[a:stop]
        if not region:
            continue
        table, iss = fn(doc, region, tpl)
        issues.extend(iss)
        if table is not None:
            tables.append(table)
        elif not iss:
            issues.append((region[0].start, region[-1].end, f"{name}：找到了表格的开头，但没有识别出任何数据行"))
    doc.tables = tables
    doc.table_issues = issues


# ---------------------------------------------------------------------------
# export (checker tables)


def tables_json(doc: Document) -> dict:
    def pos(off):
        return doc.position(off).to_json()

    out = {
        "path": doc.path,
        "format": doc.format,
        "report": {"unit": doc.report.unit, "year": doc.report.year, "template": doc.report.template,
                   "expected_template": doc.report.expected_template},
        "tables": [],
        "issues": [{"message": m, "range": {"start": pos(s), "end": pos(e)}} for s, e, m in doc.table_issues],
    }
    for t in doc.tables:
        out["tables"].append({
            "name": t.name,
            "template": t.template,
            "range": {"start": pos(t.start), "end": pos(t.end)},
            "cells": [
                {"key": c.key, "row": c.row, "col": c.col, "value": c.value, "raw": c.raw, "note": c.note,
                 "location": c.location, "range": {"start": pos(c.start), "end": pos(c.end)}}
                for c in t.cells.values()
            ],
        })
    return out


def tables_csv(doc: Document) -> str:
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["table", "row", "col", "value", "raw", "line", "column", "location", "note", "key"])
    for t in doc.tables:
        for c in t.cells.values():
            p = doc.position(c.start)
            w.writerow([t.name, c.row, c.col, "" if c.value is None else c.value, c.raw, p.line, p.column,
                        c.location or "", c.note or "", c.key])
    return buf.getvalue()


def _fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e15 else str(v)
    return str(v)


def tables_markdown(doc: Document) -> str:
    lines = []
    rep = doc.report
    lines.append(f"# {doc.path}")
    lines.append("")
    lines.append(f"- 单位：{rep.unit or '未识别'}；年度：{rep.year or '未识别'}；表格模板：{rep.template or '未识别'}；"
                 f"该年度应使用：{rep.expected_template or '未知'}")
    lines.append("")
    for t in doc.tables:
        lines.append(f"## {t.name}（{t.template}版）")
        lines.append("")
        rows: dict[str, dict[str, Cell]] = {}
        cols: list[str] = []
        for c in t.cells.values():
            rows.setdefault(c.row, {})[c.col] = c
            if c.col not in cols:
                cols.append(c.col)
        if t.name == "表二":
            groups: dict[str, list[str]] = {}
            for r in rows:
                groups.setdefault(r.split("/", 1)[0], []).append(r)
            for item, rs in groups.items():
                icols = [c for c in cols if any(c in rows[r] for r in rs)]
                lines.append(f"### {item}")
                lines.append("")
                lines.append("| 信息内容 | " + " | ".join(icols) + " |")
                lines.append("|---" * (len(icols) + 1) + "|")
                for r in rs:
                    lines.append(f"| {r.split('/', 1)[1]} | " + " | ".join(_cell_md(doc, rows[r].get(c)) for c in icols) + " |")
                lines.append("")
            continue
        lines.append("| 行 | " + " | ".join(cols) + " |")
        lines.append("|---" * (len(cols) + 1) + "|")
        for r, cs in rows.items():
            lines.append(f"| {r} | " + " | ".join(_cell_md(doc, cs.get(c)) for c in cols) + " |")
        lines.append("")
    if doc.table_issues:
        lines.append("## 未能确定的部分")
        lines.append("")
        for s, e, m in doc.table_issues:
            p = doc.position(s)
            lines.append(f"- 第{p.line}行第{p.column}列：{m}")
        lines.append("")
    if not doc.tables and not doc.table_issues:
        lines.append("（没有识别出表格）")
        lines.append("")
    return "\n".join(lines)


def _cell_md(doc: Document, c: Cell | None) -> str:
    if c is None:
        return ""
    p = doc.position(c.start)
    v = _fmt(c.value) if c.raw.strip() else "（空）"
    return f"{v} ({p.line}:{p.column})"
