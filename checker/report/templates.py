"""The annual-report templates (2019 and 2021), loaded from ``rules/templates/*.yaml``.

The YAML files are the single source of truth for table labels, value types and
arithmetic identities; this module turns them into small immutable objects and
provides the label normalisation and cell-value parsing that the table
recogniser (``tables.py``) and the table rules share.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from ..resources import load_yaml

TEMPLATE_IDS = ("2019", "2021")

# ---------------------------------------------------------------------------
# label normalisation


_QUOTES = re.compile(r"[“”\"'‘’「」『』]")
_SPACE = re.compile(r"\s+")
_ORD_DIGIT = re.compile(r"(?<![\d.])(\d{1,2})[、,.](?=\D)")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.,]|\([一二三四五六七八九十]{1,3}\)|\d{1,2}[.、,]|\(\d{1,2}\))")


def norm(s: str) -> str:
    """Normalise a label for matching: NFKC (full-width digits and brackets to
    ASCII), no spaces, no quotes, ``1、``/``1．`` → ``1.``."""
    s = unicodedata.normalize("NFKC", s or "")
    s = _SPACE.sub("", s)
    s = _QUOTES.sub("", s)
    s = s.replace("〔", "(").replace("〕", ")").replace("【", "(").replace("】", ")")
    s = _ORD_DIGIT.sub(r"\1.", s)
    return s


def strip_ordinal(s: str) -> str:
    """``(三)不予公开`` → ``不予公开``; ``1.属于国家秘密`` → ``属于国家秘密`` (normalised input)."""
    return _ORDINAL.sub("", s, count=1)


# ---------------------------------------------------------------------------
# cell values

_DASHES = {"-", "--", "—", "——", "–", "―", "－", "/", "／", "\\", "无", "空", "×", "x", "X", "*", "—/—"}
_NUMBER = re.compile(
    r"^(?P<sign>[+\-−])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?P<unit>万元|元|件|条|个|项|次|人|宗|家|%)?$"
)


@dataclass(frozen=True)
class ParsedValue:
    kind: str  # num / blank / dash
    value: int | float
    notes: tuple[str, ...] = ()
    decimals: int = 0
    unit: str | None = None
    negative: bool = False


@functools.lru_cache(maxsize=8192)
def parse_value(raw: str) -> ParsedValue | None:
    """Parse a table cell. None when the text is not a value (a label, a sentence)."""
    if raw and raw.isascii() and raw.isdigit():  # the common case, fast
        return ParsedValue("num", int(raw))
    s = (raw or "").strip().strip("\u3000\u00a0")
    if not s or all(unicodedata.category(c).startswith("Z") or c.isspace() for c in s):
        return ParsedValue("blank", 0, ("空白，按0计",))
    t = unicodedata.normalize("NFKC", s).replace(" ", "")
    if t in _DASHES:
        return ParsedValue("dash", 0, (f"“{s}”按0计",))
    m = _NUMBER.match(t)
    if not m:
        return None
    notes = []
    if t != s.replace(" ", "") and any(unicodedata.normalize("NFKC", c) != c and c.isdigit() for c in s):
        notes.append("全角数字")
    ip = m.group("int")
    if "," in ip:
        notes.append("含千分位分隔符")
        ip = ip.replace(",", "")
    frac = m.group("frac")
    unit = m.group("unit")
    if unit:
        notes.append(f"含单位“{unit}”")
    neg = m.group("sign") in ("-", "−")
    if frac is not None:
        v: int | float = float(f"{ip}.{frac}")
    else:
        v = int(ip)
    if neg:
        v = -v
    return ParsedValue("num", v, tuple(notes), len(frac or ""), unit, neg)


# ---------------------------------------------------------------------------
# template objects


@dataclass(frozen=True)
class ColSpec:
    label: str
    type: str = "count"  # count / change / amount
    unit: str | None = None
    decimals: int | None = None
    variants: tuple[str, ...] = ()
    group: str | None = None

    @property
    def patterns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(norm(x) for x in (self.label, *self.variants)))


@dataclass(frozen=True)
class RowSpec:
    key: str  # row part of the cell key, e.g. "（三）不予公开/1.属于国家秘密"
    label: str  # the label as printed, e.g. "1.属于国家秘密"
    patterns: tuple[str, ...]  # normalised, most specific first
    group: str | None = None  # parent group label for items
    is_group: bool = False  # a group header (（三）不予公开): data only when the report prints a subtotal
    data: bool = True  # False for pure headings (三、本年度办理结果)
    item: str | None = None  # 表二: the 第二十条 item this row belongs to


@dataclass(frozen=True)
class ItemSpec:
    label: str
    columns: tuple[ColSpec, ...]
    rows: tuple[RowSpec, ...]

    @property
    def patterns(self) -> tuple[str, ...]:
        return (norm(self.label),)


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    section: int
    columns: tuple[ColSpec, ...] = ()
    rows: tuple[RowSpec, ...] = ()
    items: tuple[ItemSpec, ...] = ()
    anchors: tuple[str, ...] = ()
    header: str | None = None

    def row(self, key: str) -> RowSpec | None:
        for r in self.all_rows():
            if r.key == key:
                return r
        return None

    def all_rows(self) -> tuple[RowSpec, ...]:
        if self.items:
            return tuple(r for it in self.items for r in it.rows)
        return self.rows

    def group_items(self, group: str) -> tuple[RowSpec, ...]:
        return tuple(r for r in self.rows if r.group == group)

    def column(self, label: str, item: str | None = None) -> ColSpec | None:
        cols = self.columns
        if item is not None:
            cols = next((it.columns for it in self.items if it.label == item), ())
        return next((c for c in cols if c.label == label), None)


@dataclass(frozen=True)
class Identity:
    id: str
    rule: str
    table: str
    each: str  # column / row
    cell: str
    terms: tuple[tuple[int, str], ...]  # (sign, row or column label); ("group-items",) handled by caller
    text: str
    kind: str = "sum"  # sum / le
    item: str | None = None


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    notice: str
    year_from: int
    year_to: int | None
    sections: tuple[dict, ...]
    markers: tuple[str, ...]  # column labels only this template uses
    tables: dict = field(default_factory=dict)  # name -> TableSpec
    identities: tuple[Identity, ...] = ()
    item_markers: tuple[str, ...] = ()  # row/item labels only this template uses

    def covers(self, year: int) -> bool:
        return year >= self.year_from and (self.year_to is None or year <= self.year_to)


def _row_patterns(label: str, variants=()) -> tuple[str, ...]:
    pats = []
    for x in (label, *variants):
        n = norm(x)
        pats.append(n)
    for x in (label, *variants):
        core = strip_ordinal(norm(x))
        if len(core) >= 4:
            pats.append(core)
    return tuple(dict.fromkeys(pats))


def _cols(data) -> tuple[ColSpec, ...]:
    return tuple(
        ColSpec(label=c["label"], type=c.get("type", "count"), unit=c.get("unit"), decimals=c.get("decimals"),
                variants=tuple(c.get("variants", ())), group=c.get("group"))
        for c in data
    )


def _table(name: str, data: dict) -> TableSpec:
    if "items" in data:
        items = []
        for it in data["items"]:
            rows = tuple(
                RowSpec(key=r["label"], label=r["label"], patterns=_row_patterns(r["label"], r.get("variants", ())),
                        item=it["label"])
                for r in it["rows"]
            )
            items.append(ItemSpec(label=it["label"], columns=_cols(it["columns"]), rows=rows))
        return TableSpec(name=name, title=data["title"], section=data["section"], items=tuple(items),
                         anchors=tuple(data.get("anchors", ())))
    rows: list[RowSpec] = []
    for r in data["rows"]:
        lab = r["label"]
        if "items" in r:
            rows.append(RowSpec(key=lab, label=lab, patterns=_row_patterns(lab, r.get("variants", ())), is_group=True))
            for sub in r["items"]:
                rows.append(RowSpec(key=f"{lab}/{sub}", label=sub, patterns=_row_patterns(sub), group=lab))
        else:
            rows.append(RowSpec(key=lab, label=lab, patterns=_row_patterns(lab, r.get("variants", ())),
                                data=r.get("data", True)))
    return TableSpec(name=name, title=data["title"], section=data["section"], columns=_cols(data["columns"]),
                     rows=tuple(rows), anchors=tuple(data.get("anchors", ())), header=data.get("header"))


def _terms(raw) -> tuple[tuple[int, str], ...]:
    out = []
    for t in raw:
        t = str(t)
        if t.startswith("-"):
            out.append((-1, t[1:]))
        elif t.startswith("+"):
            out.append((1, t[1:]))
        else:
            out.append((1, t))
    return tuple(out)


@functools.lru_cache(maxsize=None)
def load_template(tid: str) -> Template:
    data = load_yaml(f"templates/{tid}.yaml")
    years = data.get("years", {})
    tables = {name: _table(name, t) for name, t in data["tables"].items()}
    idents = tuple(
        Identity(id=i["id"], rule=i["rule"], table=i["table"], each=i.get("each", "column"), cell=i["cell"],
                 terms=_terms(i["terms"]), text=i.get("text", ""), kind=i.get("kind", "sum"), item=i.get("item"))
        for i in data.get("identities", ())
    )
    return Template(id=str(data["id"]), name=data["name"], notice=data.get("notice", ""),
                    year_from=int(years.get("from", 0)), year_to=years.get("to"),
                    sections=tuple(data.get("sections", ())), markers=tuple(data.get("markers", ())),
                    tables=tables, identities=idents, item_markers=tuple(data.get("item_markers", ())))


def templates() -> dict[str, Template]:
    return {t: load_template(t) for t in TEMPLATE_IDS}


def template_for_year(year: int | None) -> Template | None:
    if year is None:
        return None
    for t in templates().values():
        if t.covers(year):
            return t
    return None


def column_spec(table: str, template_id: str | None, col: str, item: str | None = None) -> ColSpec | None:
    """The column's spec in the given template, or in the other template when the
    report mixes them (a 2019 表二 item in a 2021 report)."""
    order = [template_id] if template_id in TEMPLATE_IDS else []
    order += [t for t in TEMPLATE_IDS if t not in order]
    for tid in order:
        spec = load_template(tid).tables.get(table)
        if spec is None:
            continue
        c = spec.column(col, item if spec.items else None)
        if c is not None:
            return c
    return None


def marker_weight(template_id: str, marker: str) -> int:
    """2 for a column label, 1 for a row or item label (template detection)."""
    return 2 if marker in load_template(template_id).markers else 1


@functools.lru_cache(maxsize=1)
def _marker_patterns() -> tuple[tuple[str, str, str], ...]:
    cands = []
    for t in templates().values():
        for m in (*t.markers, *t.item_markers):
            cands.append((t.id, m, norm(m)))
    cands.sort(key=lambda c: -len(c[2]))
    return tuple(c for c in cands if c[2])


def find_markers(text: str) -> list[tuple[str, str, int, int]]:
    """Template-specific labels in ``text`` (already a table region): a list of
    (template id, marker as written in the YAML, start, end) with offsets into
    ``text``. Longer markers win over markers they contain."""
    cands = _marker_patterns()
    whole = norm(text)
    if not any(p in whole for _, _, p in cands):
        return []
    hits: list[tuple[str, str, int, int]] = []
    taken: list[tuple[int, int]] = []
    # map normalised text back to offsets
    ntext, back = norm_with_map(text)
    for tid, m, pat in cands:
        i = ntext.find(pat)
        while i >= 0:
            j = i + len(pat)
            if not any(a < j and i < b for a, b in taken):
                taken.append((i, j))
                hits.append((tid, m, back[i], back[j - 1] + 1))
            i = ntext.find(pat, j)
    hits.sort(key=lambda h: h[2])
    return hits


def norm_with_map(text: str) -> tuple[str, list[int]]:
    """``norm`` applied character by character, with the source offset of every
    output character (ordinal fix-ups like ``1、`` → ``1.`` keep lengths)."""
    out = []
    back = []
    for i, ch in enumerate(text):
        n = unicodedata.normalize("NFKC", ch)
        if not n or n.isspace() or _QUOTES.fullmatch(n[:1] or "x"):
            continue
        n = n.replace("〔", "(").replace("〕", ")").replace("【", "(").replace("】", ")")
        for c in n:
            if c.isspace():
                continue
            out.append(c)
            back.append(i)
    s = "".join(out)
    s2 = _ORD_DIGIT.sub(r"\1.", s)
    if len(s2) != len(s):  # cannot happen (same length substitution), keep safe
        return s, back
    return s2, back
