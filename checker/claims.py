"""Claims: the numbers the narrative states about the tables.

``extract_claims(doc)`` reads the prose paragraphs and returns every figure that
talks about a table quantity (received applications, 予以公开, 行政复议 …) as a
``NarrativeClaim`` with the cell(s) it should equal. What phrase means which
cell is data, in ``rules/claims.yaml``; this module only knows the grammar:

- a quantity phrase before the number (``予以公开12件``) or right after it
  (``5条属于政府信息不存在``), the nearest one winning;
- lists joined by 及/和/、 (``予以公开及部分公开120件`` = sum), followed by
  ``分别为`` (one number each) or ``均为`` (each equal);
- ``其中`` continuations: results (维持/纠正…) take the 行政复议/行政诉讼 topic of
  the sentence, column words (自然人…) the 表三 row of the sentence;
- percentages (``占41.2%``), zero claims (``未发生行政复议``), completion claims
  (``全部按时完成答复``) and universal claims (``均获维持``).

A figure that cannot be tied to one quantity is returned with ``target=None``
(unresolved) when its clause is about applications, reviews or lawsuits, and
dropped otherwise. Figures about another year, differences (``增加5件``) and
approximations (``5500余条``) are never claims.
"""
from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field
from itertools import product

from .document import Document
from .resources import load_yaml

HARD = "，,；;：:。！？!?（）()【】[]|\n"
WINDOW = 80  # no claim phrase is longer: bounds the work on text without punctuation
_SENT_END = re.compile(r"[。！？!?]")
_PAGE_NO = re.compile(r"^(?:[-—–－]\s*\d+\s*[-—–－]|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$")
_LEAD_YEAR = re.compile(r"(?:19|20)\d{2}年度?[，,]?")


# --------------------------------------------------------------------------- spec

@dataclass
class Quantity:
    id: str
    label: str
    patterns: list[re.Pattern]
    cells: list[list[str]]
    topic: str | None = None
    by_topic: dict[str, list[list[str]]] | None = None
    result: str | None = None
    strict: bool = True
    unit: str = "count"
    not_after: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    topic_label: str | None = None  # how later phrases name this topic (行政规范性文件)
    weak: bool = False  # a generic verb (答复) that yields to a specific phrase in the same clause

    @property
    def table(self) -> str:
        alts = self.cells or next(iter((self.by_topic or {}).values()), [])
        return alts[0][0].split("/", 1)[0] if alts and alts[0] else ""


@dataclass
class Spec:
    quantities: list[Quantity]
    by_id: dict[str, Quantity]
    count_units: list[str]
    money_units: list[str]
    columns: dict[str, list[str]]
    conj: re.Pattern
    fill_max: int
    filler: re.Pattern
    respectively: re.Pattern
    each: re.Pattern
    hints: list[str]
    exclude: list[str]
    delta_before: re.Pattern
    approx_before: re.Pattern
    approx_after: re.Pattern
    time_markers: dict[str, re.Pattern]
    zero_claims: list[dict]
    completion: dict
    universal: list[dict]
    percent: dict
    topic_quantities: dict[str, Quantity]
    column_applied: re.Pattern
    units_by_table: dict[str, list[str]]
    context: dict[str, list[str]]
    includes_carried: re.Pattern
    totals: dict


def _compile(ps) -> list[re.Pattern]:
    return [re.compile(p) for p in ps or []]


@functools.lru_cache(maxsize=4)
def load_spec(rel: str = "claims.yaml") -> Spec:
    data = load_yaml(rel)
    qs = []
    for q in data["quantities"]:
        qs.append(Quantity(
            id=q["id"], label=q.get("label", q["id"]), patterns=_compile(q["patterns"]),
            cells=[list(a) for a in q.get("cells", [])], topic=q.get("topic"),
            by_topic={k: [list(a) for a in v] for k, v in (q.get("by_topic") or {}).items()} or None,
            result=q.get("result"), strict=q.get("strict", True), unit=q.get("unit", "count"),
            not_after=list(q.get("not_after", [])), allow=list(q.get("allow", [])),
            topic_label=q.get("topic_label"),
            weak=bool(q.get("weak", False)),
        ))
    tm = {k: re.compile(v) for k, v in data["time_markers"].items()}
    zero = []
    for z in data.get("zero_claims", []):
        zero.append({**z, "patterns": _compile(z["patterns"])})
    comp = dict(data["completion_claims"])
    comp["patterns"] = _compile(comp["patterns"])
    uni = [{**u, "patterns": _compile(u["patterns"])} for u in data.get("universal_claims", [])]
    pct = dict(data["percent"])
    pct["requires_before"] = re.compile(pct["requires_before"])
    pct["bases"] = [{"pattern": re.compile(b["pattern"]), "quantity": b["quantity"]} for b in pct["bases"]]
    by_id = {q.id: q for q in qs}
    return Spec(
        quantities=qs, by_id=by_id, count_units=list(data["count_units"]), money_units=list(data["money_units"]),
        columns=dict(data["columns"]), conj=re.compile(data["conjunctions"]), fill_max=int(data["fill_max"]),
        filler=re.compile(data["filler"]),
        respectively=re.compile(data["respectively"]), each=re.compile(data["each"]),
        hints=list(data["hints"]), exclude=list(data["exclude"]),
        delta_before=re.compile(data["delta_before"]), approx_before=re.compile(data["approx_before"]),
        approx_after=re.compile(data["approx_after"]), time_markers=tm, zero_claims=zero, completion=comp,
        universal=uni, percent=pct,
        topic_quantities={q.topic: q for q in qs if q.topic and q.topic != "row"},
        column_applied=re.compile(data["column_applied"]),
        units_by_table={k: list(v) for k, v in data["units_by_table"].items()},
        context={k: list(v) for k, v in data["context"].items()},
        includes_carried=re.compile(data["includes_carried"]),
        totals={"words": re.compile(data["totals"]["words"]), "combos": data["totals"]["combos"]},
    )


# --------------------------------------------------------------------------- claims

@dataclass
class Target:
    """What a figure should equal: the sum of the cells of the first alternative found."""

    label: str
    alternatives: list[list[str]]
    strict: bool = True
    unit: str = "count"
    base: "Target | None" = None  # the natural base of a percentage (行政复议 for 结果维持)


@dataclass
class PercentSpec:
    part: Target
    bases: list[Target]
    decimals: int


@dataclass
class NarrativeClaim:
    kind: str  # count / zero / universal / completion / percent
    text: str
    start: int  # offsets in doc.text
    end: int
    value: float | int | None
    target: Target | None  # None: unresolved
    reason: str | None = None  # why unresolved
    percent: PercentSpec | None = None
    decimals: int = 0  # decimals written in the narrative (money)


# --------------------------------------------------------------------------- blocks

@dataclass
class Block:
    """Prose joined across broken lines, without whitespace; ``offs[i]`` is the doc offset of ``text[i]``."""

    text: str
    offs: list[int]
    heading: str = ""  # the last heading before the block (context: （二）依申请公开情况)

    def span(self, i: int, j: int) -> tuple[int, int]:
        j = max(j, i + 1)
        return self.offs[i], self.offs[j - 1] + 1


_RUN = re.compile(r"[^\s\u3000\u00a0\ufeff]+")


def blocks(doc: Document) -> list[Block]:
    out: list[Block] = []
    parts: list[str] = []
    offs: list[int] = []
    last = ""  # last character kept
    prev_prose = False
    prev_open = False
    heading = ""

    def flush():
        nonlocal last
        if parts:
            out.append(Block("".join(parts), list(offs), heading))
        parts.clear()
        offs.clear()
        last = ""

    for p in doc.paragraphs:
        if p.kind != "prose":
            flush()
            prev_prose = False
            if p.kind == "heading":
                heading = p.text
            continue
        if _PAGE_NO.match(p.text.strip()):
            continue  # page numbers between the lines of a PDF paragraph
        if not (prev_prose and prev_open):
            flush()
        for m in _RUN.finditer(p.text):
            run = m.group()
            a = p.start + m.start()
            if last.isdigit() and run[0].isdigit():  # "10 1": two numbers, not 101
                parts.append("|")
                offs.append(a - 1)
            parts.append(run)
            offs.extend(range(a, a + len(run)))
            last = run[-1]
        stripped = p.text.rstrip()
        prev_prose = True
        prev_open = bool(stripped) and stripped[-1] not in "。！？!?：:；;"
        if not prev_open:
            flush()
    flush()
    return out


# --------------------------------------------------------------------------- numbers

_AR = re.compile(r"(?<![\d.．A-Za-z])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(万|亿)?(?=(万元|元|件|条|起|宗|例|份|个|项|%|％))")
_AR_UNIT = re.compile(r"万元|元|件|条|起|宗|例|份|个|项|%|％")
_CN = re.compile(r"([零〇一二两三四五六七八九十百千万]+)(件|条|起|宗|例|份|个|项)")
_CN_BAD_BEFORE = "第每逐这那哪某单唯同统"
_CN_BAD_AFTER = ("件事", "条龙", "条心", "个人", "项项", "件件", "条条", "个个")


@dataclass
class Token:
    start: int  # block index of the first digit
    end: int  # block index after the unit
    num_end: int  # block index after the number (before the unit)
    value: float | int
    unit: str  # 件 … / 万元 / 元 / %
    cn: bool
    decimals: int = 0

    @property
    def kind(self) -> str:
        if self.unit in ("%", "％"):
            return "percent"
        if self.unit in ("万元", "元"):
            return "money"
        return "count"


def _arabic_value(s: str) -> float | int:
    s = s.replace(",", "")
    return float(s) if "." in s else int(s)


def tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _AR.finditer(text):
        # characters like 年/月/号 are excluded by the unit look-ahead
        if m.start() > 0 and text[m.start() - 1] in "第":
            continue
        intpart, frac, mult = m.group(1), m.group(2) or "", m.group(3)
        um = _AR_UNIT.match(text, m.end())
        unit = um.group(0)
        val = _arabic_value(intpart + frac)
        dec = len(frac) - 1 if frac else 0
        if mult == "万" and unit == "元":
            unit = "万元"
        elif mult:
            if unit in ("万元", "元", "%", "％"):
                continue
            val = val * (10000 if mult == "万" else 100000000)
            if isinstance(val, float) and val.is_integer():
                val = int(val)
        out.append(Token(m.start(), um.end(), m.end(), val, unit, False, dec))
    for m in _CN.finditer(text):
        s = m.group(1)
        if m.start() > 0 and text[m.start() - 1] in _CN_BAD_BEFORE:
            continue
        if any(text.startswith(b, m.end() - 1) for b in _CN_BAD_AFTER):
            continue
        if s in ("万",) or s.startswith("万"):
            continue
        try:
            import cn2an

            val = cn2an.cn2an(s, "normal")
        except Exception:
            continue
        if isinstance(val, float) and val.is_integer():
            val = int(val)
        out.append(Token(m.start(), m.end(), m.end() - 1, val, m.group(2), True))
    out.sort(key=lambda t: t.start)
    return out


def _fmt(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


# --------------------------------------------------------------------------- matching

@dataclass
class KMatch:
    start: int
    end: int
    q: Quantity


def _focus(text: str, ranges: list[tuple[int, int]]) -> tuple[str, list[int], list[int]]:
    """The given sentences joined by 。 (which no pattern crosses), with where each piece starts."""
    pieces, fstarts, tstarts, pos = [], [], [], 0
    for a, b in ranges:
        pieces.append(text[a:b])
        fstarts.append(pos)
        tstarts.append(a)
        pos += b - a + 1
    return "。".join(pieces), fstarts, tstarts


def _keyword_matches(spec: Spec, text: str, ranges: list[tuple[int, int]] | None = None) -> list[KMatch]:
    out = []
    if ranges is None:
        ranges = [(0, len(text))]
    focus, fstarts, tstarts = _focus(text, ranges)
    for q in spec.quantities:
        for p in q.patterns:
            for m in p.finditer(focus):
                if m.end() > m.start():
                    i = bisect.bisect_right(fstarts, m.start()) - 1
                    d = tstarts[i] - fstarts[i]
                    out.append(KMatch(m.start() + d, m.end() + d, q))
    # drop matches that lie inside a longer match (答复 inside 同意公开答复); equal spans are kept
    out.sort(key=lambda k: (k.start, -k.end))
    keep = []
    best: KMatch | None = None  # the match seen so far that reaches furthest right
    for a in out:
        if best is not None and best.end >= a.end and (best.end - best.start) > (a.end - a.start):
            continue
        keep.append(a)
        if best is None or a.end > best.end:
            best = a
    keep.sort(key=lambda k: (k.start, k.end))
    return keep


def _cols_for(spec: Spec, window: str) -> list[str] | None:
    best = None
    for phrase in sorted(spec.columns, key=len, reverse=True):
        i = window.rfind(phrase)
        if i >= 0 and (best is None or i > best[0]):
            best = (i, spec.columns[phrase])
    return best[1] if best else None


def _expand(alts: list[list[str]], cols: list[str] | None, result: str | None = None) -> list[list[str]]:
    out = []
    for alt in alts:
        keys = []
        for k in alt:
            if result is not None:
                k = k.replace("{result}", result)
            if "{col}" in k:
                keys.extend(k.replace("{col}", c) for c in (cols or ["总计"]))
            else:
                keys.append(k)
        out.append(keys)
    return out


def _sum_targets(targets: list[Target]) -> Target:
    alts = [sum(combo, []) for combo in product(*[t.alternatives for t in targets])]
    return Target("＋".join(t.label for t in targets), alts, all(t.strict for t in targets), targets[0].unit)


class _Extractor:
    def __init__(self, doc: Document, spec: Spec):
        self.doc = doc
        self.spec = spec
        self.year = doc.report.year
        self.claims: list[NarrativeClaim] = []

    # -- helpers on one block
    def run(self, tick=None) -> list[NarrativeClaim]:
        for b in blocks(self.doc):
            if tick is not None:
                tick()
            self.block(b)
        self.claims.sort(key=lambda c: (c.start, c.end))
        return self.claims

    def _sentences(self, text: str) -> list[tuple[int, int]]:
        out, s = [], 0
        for m in _SENT_END.finditer(text):
            out.append((s, m.end()))
            s = m.end()
        if s < len(text):
            out.append((s, len(text)))
        return out

    def _hard_before(self, text: str, i: int, lo: int) -> int:
        lo = max(lo, 0)
        j = i - 1
        while j >= lo and text[j] not in HARD:
            j -= 1
        return j + 1

    def _hard_after(self, text: str, i: int, hi: int) -> int:
        j = i
        while j < hi and text[j] not in HARD:
            j += 1
        return j

    def _markers(self, text: str, kms: list[KMatch], ranges: list[tuple[int, int]]) -> None:
        """Time markers of a block (上年结转 / 结转下年度 are quantities, not markers)."""
        covered = bytearray(len(text) + 1)
        for k in kms:
            covered[k.start:k.end] = b"\x01" * (k.end - k.start)
        marks = []
        focus, fstarts, tstarts = _focus(text, ranges)
        for kind, pat in self.spec.time_markers.items():
            for m in pat.finditer(focus):
                i = bisect.bisect_right(fstarts, m.start()) - 1
                at = m.start() + tstarts[i] - fstarts[i]
                if not covered[at]:
                    marks.append((at, kind, m.group(1) if kind == "year" else None))
        marks.sort()
        self._marks = marks
        self._mark_starts = [m[0] for m in marks]

    def _out_of_scope(self, text: str, s0: int, pos: int, kms: list[KMatch]) -> bool:
        """True when the nearest time marker before ``pos`` in the sentence is not the report year."""
        i = bisect.bisect_left(self._mark_starts, pos) - 1
        if i < 0 or self._marks[i][0] < s0:
            return False
        last = self._marks[i]
        kind = last[1]
        if kind in ("previous", "next"):
            return True
        if kind == "year" and self.year is not None:
            return int(last[2]) != self.year
        return False

    def _claim(self, b: Block, i: int, j: int, **kw) -> NarrativeClaim:
        s, e = b.span(i, j)
        c = NarrativeClaim(text=b.text[i:j].replace("|", " "), start=s, end=e, **kw)
        self.claims.append(c)
        self.block_claims.append(c)
        return c

    # -- one block
    def block(self, b: Block) -> None:
        text = b.text
        spec = self.spec
        toks = tokens(text)
        sents = self._sentences(text)
        # the zero / completion / universal phrases, found once; their sentences need keywords too
        self._special = {"zero": [], "completion": [], "universal": []}
        for z in spec.zero_claims:
            for p in z["patterns"]:
                self._special["zero"].extend((z, m) for m in p.finditer(text))
        for p in spec.completion["patterns"]:
            self._special["completion"].extend(p.finditer(text))
        for u in spec.universal:
            for p in u["patterns"]:
                self._special["universal"].extend((u, m) for m in p.finditer(text))
        hot = {t.start for t in toks}
        hot.update(m.start() for _, m in self._special["zero"])
        hot.update(m.start() for m in self._special["completion"])
        hot.update(m.start() for _, m in self._special["universal"])
        hot_sorted = sorted(hot)
        ranges = [(a, b_) for a, b_ in sents
                  if bisect.bisect_left(hot_sorted, a) < bisect.bisect_left(hot_sorted, b_)]
        kms = _keyword_matches(spec, text, ranges)
        self.block_claims = []
        self._markers(text, kms, ranges)
        kstarts = [k.start for k in kms]
        tstarts = [t.start for t in toks]
        for s0, s1 in ranges:
            st = toks[bisect.bisect_left(tstarts, s0):bisect.bisect_left(tstarts, s1)]
            sk = kms[bisect.bisect_left(kstarts, s0):bisect.bisect_left(kstarts, s1)]
            if st:
                self.sentence(b, s0, s1, st, sk)
        has_carry_out = any(c.target and c.target.label == spec.by_id["carried_out"].label and c.kind == "count"
                            for c in self.block_claims)
        self.special(b, kms, has_carry_out)

    def sentence(self, b: Block, s0: int, s1: int, toks: list[Token], kms: list[KMatch]) -> None:
        text = b.text
        spec = self.spec
        consumed: set[int] = set()
        last_row: tuple[Quantity, int] | None = None  # last 表三 row quantity claimed in the sentence
        last_count: tuple[NarrativeClaim, Token] | None = None
        sent_rows: list[tuple[str, Target]] = []  # single-quantity claims since the last 共计
        prev_end = s0
        for ti, tok in enumerate(toks):
            if ti in consumed:
                prev_end = tok.end
                continue
            ws = max(self._hard_before(text, tok.start, max(s0, tok.start - WINDOW)), prev_end)
            after_end = self._hard_after(text, tok.end, min(s1, tok.end + WINDOW))
            if ti + 1 < len(toks):
                after_end = min(after_end, toks[ti + 1].start)
            before = text[ws:tok.start]
            prev_end_saved = prev_end
            prev_end = tok.end
            if tok.kind == "percent":
                self.percent(b, tok, ws, before, last_count, prev_end_saved, kms, s0)
                continue
            # never claims: approximations, differences, other years
            if spec.approx_before.search(before) or spec.approx_after.match(text, tok.end):
                continue
            if spec.delta_before.search(text[max(ws, tok.start - 8):tok.start]):
                continue
            if self._out_of_scope(text, s0, tok.start, kms):
                continue
            found = self.find_before(text, ws, tok, kms)
            terms: list[KMatch]
            mode = "single"
            span_start = ws
            span_end = tok.end
            if found and found[1] == "\x00ambiguous":
                self.maybe_unresolved(b, tok, ws, after_end, "该数字可对应表格中的多项，无法确定")
                continue
            if found:
                terms, filler = found
                span_start = terms[0].start
                if len(terms) > 1:
                    if spec.respectively.search(filler):
                        mode = "respectively"
                    elif spec.each.search(filler):
                        mode = "each"
                    else:
                        mode = "sum"
            else:
                am = self.find_after(text, tok, after_end, kms)
                if am is not None and self._names_next(text, tok, am, toks, ti):
                    # 予以公开105件、部份公开21件、不予公开20件: 不予公开 names the next figure;
                    # this one's own phrase (部份公开, a typo) was not recognised
                    if not tok.cn and tok.kind == "count" and not any(w in text[ws:am.end] for w in spec.exclude):
                        self._claim(b, ws, tok.end, kind="count", value=tok.value, target=None,
                                    reason="数字前的说法未能识别（可能有错别字），无法确定对应表格中的哪一项")
                    continue
                terms = [am] if am else []
                span_start = ws
                ym = _LEAD_YEAR.match(text, ws, tok.start)
                if ym:  # "2024年市科委有1件……行政复议": the claim starts after the year
                    span_start = ym.end()
                if am:
                    span_end = self._hard_after(text, tok.end, s1)
                    if ti + 1 < len(toks):
                        span_end = min(span_end, toks[ti + 1].start)
            if found:  # extend the span over 共/其中/全年… written right before the phrase
                span_start = max(ws, self._prefix_start(text, ws, span_start))
            window = text[ws:tok.start]
            cols = _cols_for(spec, window)
            if not terms:
                tot = self.total(window, sent_rows)
                if tot is not None and tok.kind == "count" and not tok.cn:
                    c = self._claim(b, ws, tok.end, kind="count", value=tok.value, target=tot)
                    sent_rows.clear()
                    last_count = (c, tok)
                    continue
                row_q = last_row[0] if last_row is not None else None
                if cols and row_q is None and spec.column_applied.search(window):
                    row_q = spec.by_id["received"]
                if cols and row_q is not None and tok.kind == "count" and not tok.cn:
                    q = row_q
                    tgt = Target(f"{q.label}（{'、'.join(cols)}）", _expand(q.cells, cols), q.strict)
                    c = self._claim(b, ws, tok.end, kind="count", value=tok.value, target=tgt)
                    last_count = (c, tok)
                    continue
                self.maybe_unresolved(b, tok, ws, after_end, "未能确定该数字对应表格中的哪一项")
                continue
            # quantity-specific exclusions (主动公开, 延期答复 …)
            qs = [k.q for k in terms]
            ctx = text[ws:terms[0].start]
            if any(w in ctx for q in qs for w in q.not_after):
                continue
            ctx_all = text[ws:after_end]
            if any(w in ctx_all for w in spec.exclude if not any(w in q.allow for q in qs)) \
                    and not any(q.table == "表二" for q in qs):
                continue
            if any(not self._unit_ok(q, tok) for q in qs):
                continue
            need = [w for q in qs for w in self.spec.context.get(q.table, [])]
            if need and not any(w in (text[s0:s1] if not found else text) + b.heading for w in need):
                continue  # 予以公开12项 in a paragraph that is not about applications
            if mode == "respectively":
                self.respectively(b, text, terms, toks, ti, consumed, s0, s1, cols, kms)
                continue
            targets = []
            reason = None
            for k in terms:
                t, why = self.target(k, tok.start, kms, s0, cols)
                if t is None:
                    reason = why
                    break
                targets.append(t)
            if reason is not None:
                if tok.cn:
                    continue
                self._claim(b, span_start, span_end, kind="count", value=tok.value, target=None, reason=reason)
                continue
            if mode == "each":
                for t in targets:
                    self._claim(b, span_start, span_end, kind="count", value=tok.value, target=t,
                                decimals=tok.decimals)
                continue
            tgt = targets[0] if len(targets) == 1 else _sum_targets(targets)
            if (len(terms) == 1 and terms[0].q.id == "carried_in" and last_count is not None
                    and last_count[0].target is not None and last_count[0].target.label == spec.by_id["received"].label
                    and spec.includes_carried.search(text[last_count[1].end:tok.start])):
                # 共收到申请37件（含上年结转2件）: the first figure includes the carried-over ones
                prev = last_count[0]
                prev.target = _sum_targets([prev.target, tgt])
                prev.target.label = "本年新收申请＋上年结转申请"
            c = self._claim(b, span_start, span_end, kind="count", value=tok.value, target=tgt, decimals=tok.decimals)
            last_count = (c, tok)
            if len(terms) == 1 and terms[0].q.topic == "row":
                last_row = (terms[0].q, tok.start)
            if len(terms) == 1 and not cols:
                sent_rows.append((terms[0].q.id, tgt))

    def total(self, window: str, rows: list[tuple[str, Target]]) -> Target | None:
        """“新收22件，上年结转2件，共计24件”: a 共计 after figures that add up to a table quantity."""
        t = self.spec.totals
        if not rows or not t["words"].fullmatch(window):
            return None
        ids = [qid for qid, _ in rows]
        if len(set(ids)) != len(ids):
            return None
        for combo in t["combos"]:
            if set(ids) <= set(combo["of"]) and (combo.get("all") is False or set(ids) == set(combo["of"])) \
                    and len(ids) >= 2:
                tg = _sum_targets([tg for _, tg in rows])
                tg.label = combo["label"] if set(ids) == set(combo["of"]) else tg.label
                return tg
        return None

    def _prefix_start(self, text: str, ws: int, i: int) -> int:
        for p in ("其中", "共计", "总计", "合计", "累计", "全年共", "全年", "共", "均", "另有", "有"):
            if text.startswith(p, i - len(p)) and i - len(p) >= ws:
                return i - len(p)
        return i

    def _unit_ok(self, q: Quantity, tok: Token) -> bool:
        if q.unit == "money":
            return tok.unit == "万元"
        units = self.spec.units_by_table.get(q.table)
        return tok.kind == "count" and (units is None or tok.unit in units)

    def find_before(self, text: str, ws: int, tok: Token, kms: list[KMatch]):
        cands = [k for k in kms if ws <= k.start and k.end <= tok.start]
        if not cands:
            return None
        maxend = max(k.end for k in cands)
        lastc = [k for k in cands if k.end == maxend]
        longest = max(k.end - k.start for k in lastc)
        lastc = [k for k in lastc if k.end - k.start == longest]
        if len({k.q.id for k in lastc}) > 1:
            return [lastc[0]], "\x00ambiguous"
        last = lastc[0]
        if last.q.weak:
            strong = [k for k in cands if not k.q.weak and k.end <= last.start
                      and not self.spec.conj.fullmatch(text[k.end:last.start] or "x")]
            if strong:
                last = max(strong, key=lambda k: (k.end, k.end - k.start))
        filler = text[last.end:tok.start]
        if len(filler) > self.spec.fill_max or not self.spec.filler.fullmatch(filler):
            return None  # 依申请公开答复不规范的有3件: 答复 is not what is counted
        # 因信息不存在无法提供4件: the specific reason wins over its group
        children = [k for k in cands if k.q.id.startswith(last.q.id + ".")]
        if children:
            child = max(children, key=lambda k: (k.end, k.end - k.start))
            if not any(c.q.id != child.q.id and c.start == child.start and c.end == child.end for c in children):
                return [child], filler
        terms = [last]
        cur = last
        while True:
            prev = [k for k in cands if k.end <= cur.start]
            if not prev:
                break
            pk = max(prev, key=lambda k: (k.end, k.end - k.start))
            gap = text[pk.end:cur.start]
            if gap and self.spec.conj.fullmatch(gap):
                terms.insert(0, pk)
                cur = pk
            else:
                break
        return terms, filler

    def _names_next(self, text: str, tok: Token, k: KMatch, toks: list[Token], ti: int) -> bool:
        """A phrase after a figure that belongs to the next item of an enumeration: set off by
        “、”, or written right before the next figure (“……21件、不予公开20件”)."""
        if "、" in text[tok.end:k.start]:
            return True
        if ti + 1 < len(toks):
            gap = text[k.end:toks[ti + 1].start]
            return bool(self.spec.filler.fullmatch(gap)) and len(gap) <= self.spec.fill_max
        return False

    def find_after(self, text: str, tok: Token, after_end: int, kms: list[KMatch]) -> KMatch | None:
        cands = [k for k in kms if tok.end <= k.start and k.end <= after_end]
        if not cands:
            return None
        k = min(cands, key=lambda k: (k.start, -(k.end - k.start)))
        if k.start - tok.end > self.spec.fill_max:
            return None
        same = [c for c in cands if c.start == k.start and c.end == k.end and c.q.id != k.q.id]
        return None if same else k

    def topic_at(self, kms: list[KMatch], s0: int, pos: int, allowed) -> str | None:
        topics = [k for k in kms if s0 <= k.start and k.end <= pos and k.q.topic in allowed]
        return max(topics, key=lambda k: k.end).q.topic if topics else None

    def target(self, k: KMatch, pos: int, kms: list[KMatch], s0: int, cols) -> tuple[Target | None, str | None]:
        q = k.q
        if q.by_topic:
            topic = self.topic_at(kms, s0, k.start, q.by_topic)
            if topic is None:
                names = "、".join(self.spec.topic_quantities[t].topic_label or self.spec.topic_quantities[t].label
                                 for t in q.by_topic)
                return None, f"“{q.label}”未说明所指对象（{names}）"
            tq = self.spec.topic_quantities[topic]
            label = f"{tq.topic_label or tq.label}{q.label}"
            base = Target(tq.label, _expand(tq.cells, None), True)
            return Target(label, _expand(q.by_topic[topic], None, q.result), q.strict, q.unit, base), None
        return Target(q.label if not cols or not any("{col}" in c for a in q.cells for c in a)
                      else f"{q.label}（{'、'.join(cols)}）", _expand(q.cells, cols), q.strict, q.unit), None

    def maybe_unresolved(self, b: Block, tok: Token, ws: int, after_end: int, reason: str) -> None:
        if tok.cn or tok.kind != "count":
            return
        ctx = b.text[ws:after_end]
        if not any(h in ctx for h in self.spec.hints):
            return
        if any(w in ctx for w in self.spec.exclude):
            return
        self._claim(b, ws, after_end, kind="count", value=tok.value, target=None, reason=reason)

    def respectively(self, b, text, terms, toks, ti, consumed, s0, s1, cols, kms) -> None:
        group = [toks[ti]]
        j = ti + 1
        while len(group) < len(terms) and j < len(toks):
            gap = text[group[-1].end:toks[j].start]
            if not re.fullmatch(r"[、，,和及与]?", gap):
                break
            group.append(toks[j])
            j += 1
        start = terms[0].start
        end = group[-1].end
        if len(group) != len(terms):
            self._claim(b, start, end, kind="count", value=toks[ti].value, target=None,
                        reason="“分别为”前后的项数与数字个数不一致")
            return
        for k in range(ti + 1, j):
            consumed.add(k)
        for term, tok in zip(terms, group):
            t, why = self.target(term, tok.start, kms, s0, cols)
            self._claim(b, start, end, kind="count", value=tok.value, target=t, reason=why,
                        decimals=tok.decimals)

    # -- percentages
    def percent(self, b: Block, tok: Token, ws: int, before: str, last_count, prev_end: int, kms, s0) -> None:
        spec = self.spec
        pc = spec.percent
        m = None
        for mm in pc["requires_before"].finditer(before):
            m = mm
        if m is None or tok.value > 100:
            return
        if self._out_of_scope(b.text, s0, tok.start, kms):
            return
        text = b.text
        occ = ws + m.start()  # position of 占
        base_text = text[ws + m.end():tok.start]
        if "分别" in before or spec.delta_before.search(text[max(ws, tok.start - 8):tok.start]):
            return
        # the part: a phrase before 占 in this clause, or the figure just before
        part = None
        found = self.find_before(text, ws, Token(occ, occ, occ, 0, "", False), kms)
        if found and found[1] != "\x00ambiguous":
            terms = found[0]
            tg = [self.target(k, occ, kms, s0, None)[0] for k in terms]
            if all(tg):
                part = tg[0] if len(tg) == 1 else _sum_targets(tg)
        start = ws
        if part is None and last_count is not None and re.fullmatch(r"(?:其中|分别|约|均)?", text[ws:occ]):
            c, ptok = last_count
            if ptok.end <= tok.start and ptok.end >= prev_end and c.target is not None and c.kind == "count":
                part = c.target
                start = self._locate(b, c.start)
        if part is None:
            return
        bases = []
        for bdef in pc["bases"]:
            if base_text and bdef["pattern"].search(base_text):
                bases = [bdef["quantity"]]
                break
        btargets = []
        if not bases:
            if part.base is not None:
                btargets = [part.base]
            elif base_text and any(h in base_text for h in ("复议", "诉讼", "主动")):
                return
            else:
                bases = list(pc["default_bases"])
        elif part.base is not None:
            return  # 行政复议结果 as a share of applications: not a table ratio
        for qid in bases:
            q = spec.by_id[qid]
            btargets.append(Target(q.label, _expand(q.cells, None), True))
        self._claim(b, start, tok.end, kind="percent", value=tok.value, target=part,
                    percent=PercentSpec(part, btargets, tok.decimals))

    def _locate(self, b: Block, doc_off: int) -> int:
        i = bisect.bisect_left(b.offs, doc_off)
        return i if i < len(b.offs) else 0

    # -- zero, completion and universal claims
    def special(self, b: Block, kms: list[KMatch], has_carry_out: bool) -> None:
        """Zero claims (未发生行政复议), completion claims (全部按时完成答复), universal claims (均获维持)."""
        text = b.text
        spec = self.spec
        sents = self._sentences(text)
        sstarts = [a for a, _ in sents]
        kstarts = [k.start for k in kms]

        def sent_of(i):
            j = bisect.bisect_right(sstarts, i) - 1
            return sents[j] if j >= 0 else (0, len(text))

        seen = set()
        for z, m in self._special["zero"]:
            s0, _ = sent_of(m.start())
            if self._out_of_scope(text, s0, m.start(), kms) or (m.start(), m.end()) in seen:
                continue
            seen.add((m.start(), m.end()))
            qids = []
            if "topics" in z and "topics" in m.groupdict():
                t = m.group("topics")
                qids = [qid for word, qid in z["topics"].items() if word in t]
            qids += z.get("quantities", [])
            for qid in qids:
                q = spec.by_id[qid]
                self._claim(b, m.start(), m.end(), kind="zero", value=0,
                            target=Target(q.label, _expand(q.cells, None), True))

        comp = spec.completion
        self.block_claims.sort(key=lambda c: c.start)
        claim_starts = [c.start for c in self.block_claims]
        taken = bytearray(len(text) + 1)
        for m in self._special["completion"]:
            if any(taken[m.start():m.end()]):
                continue  # one completion claim per phrase, whichever pattern found it
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
            s0, s1 = sent_of(m.start())
            sent = text[s0:s1]
            if comp["requires"] not in sent or re.search(comp["not_with"], sent):
                continue
            if self._out_of_scope(text, s0, m.start(), kms):
                continue
            clause0 = self._hard_before(text, m.start(), s0)
            lo = bisect.bisect_left(claim_starts, b.offs[s0])
            hi = bisect.bisect_left(claim_starts, b.offs[m.start()])
            before = [c for c in self.block_claims[lo:hi] if c.kind == "count" and c.target is not None
                      and c.end <= b.offs[m.start()]]
            if "结转" in text[clause0:m.start()] or (
                    before and before[-1].target.label == spec.by_id["carried_in"].label
                    and not any(ch in HARD for ch in text[self._locate(b, before[-1].end - 1):m.start()])):
                continue  # 上年结转的2件已全部办结: about the carried-over ones only
            q = spec.by_id[comp["quantity"]]
            tgt = Target(q.label, _expand(q.cells, None), True)
            if has_carry_out:
                self._claim(b, m.start(), m.end(), kind="completion", value=0, target=None,
                            reason="同段另有结转下年度的数字，不按“全部办结”核对")
            else:
                self._claim(b, m.start(), m.end(), kind="completion", value=0, target=tgt)

        allowed = spec.by_id["result.upheld"].by_topic
        for u, m in self._special["universal"]:
            s0, _ = sent_of(m.start())
            if self._out_of_scope(text, s0, m.start(), kms):
                continue
            clause0 = max(s0, text.rfind("；", s0, m.start()) + 1, text.rfind(";", s0, m.start()) + 1)
            topics = []
            for k in kms[bisect.bisect_left(kstarts, clause0):bisect.bisect_left(kstarts, m.start())]:
                if k.end <= m.start() and k.q.topic in allowed and k.q.topic not in topics:
                    topics.append(k.q.topic)
            if not topics:
                continue  # 均获维持 of what? not about the tables
            for topic in topics:
                cells = []
                for res in u["zero_results"]:
                    cells.extend(_expand(allowed[topic], None, res)[0])
                label = f"{spec.topic_quantities[topic].label}{'、'.join(u['zero_results'])}"
                self._claim(b, m.start(), m.end(), kind="universal", value=0, target=Target(label, [cells], True))


def extract_claims(doc: Document, spec: Spec | None = None, tick=None) -> list[NarrativeClaim]:
    """Every narrative figure about a table quantity (cached on the document).

    ``tick`` is called once per paragraph block (the rule passes ``ctx.remaining`` so that
    the engine's time limit can stop the extraction)."""
    cached = getattr(doc, "_claims_cache", None)
    if cached is not None and cached[0] == len(doc.text) and spec is None:
        return cached[1]
    res = _Extractor(doc, spec or load_spec()).run(tick)
    if spec is None:
        try:
            doc._claims_cache = (len(doc.text), res)  # type: ignore[attr-defined]
        except AttributeError:
            pass
    return res
