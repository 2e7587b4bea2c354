"""Title, unit, year, the six sections and the kind of each paragraph."""
from __future__ import annotations

import bisect
import functools
import re

from ..document import Document, Section
from ..resources import load_yaml

CN_DIGITS = "一二三四五六七八九十"
_HEADING_L1 = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．，,]\s*(\S.*)$")
_HEADING_L2 = re.compile(r"^[（(]([一二三四五六七八九十]{1,3})[）)]\s*[、.．]?\s*(.*)$")
_HEADING_L3 = re.compile(r"^(\d{1,2})\s*[.．、]\s*(\S.*)$")
_TITLE_RE = re.compile(r"(\d{4})\s*年\s*度?\s*(.*?)政府信息公开(工作)?\s*年\s*度\s*报\s*告")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_WS = re.compile(r"[\s\u3000\u00a0]+")
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+")


@functools.lru_cache(maxsize=1)
def section_titles() -> list[dict]:
    return load_yaml("templates/sections.yaml")["sections"]


def norm_label(s: str) -> str:
    """Normalise a label for matching: no spaces, full-width brackets, no quotes."""
    s = _WS.sub("", s)
    s = s.replace("(", "（").replace(")", "）").replace("“", "").replace("”", "").replace('"', "")
    return s


def cn_number(s: str) -> int | None:
    vals = {c: i + 1 for i, c in enumerate(CN_DIGITS)}
    if not s or any(c not in vals for c in s):
        return None
    if len(s) == 1:
        return vals[s]
    if s[0] == "十":
        return 10 + (vals[s[1]] if len(s) > 1 else 0)
    if len(s) == 2 and s[1] == "十":
        return vals[s[0]] * 10
    if len(s) == 3 and s[1] == "十":
        return vals[s[0]] * 10 + vals[s[2]]
    return None


def md_heading_prefix(text: str) -> int:
    """Length of a leading Markdown heading mark (``## ``), 0 if there is none."""
    m = _MD_HEADING.match(text)
    return m.end() if m else 0


def strip_md_heading(text: str) -> str:
    return text[md_heading_prefix(text):]


def heading_level(text: str) -> int | None:
    """1 for 一、, 2 for （一）, 3 for 1. — only for short lines without a sentence end
    (a leading Markdown heading mark ``## `` is ignored)."""
    t = strip_md_heading(text).strip()
    if len(t) > 40 or "。" in t[:-1]:
        return None
    if _HEADING_L1.match(t):
        return 1
    if _HEADING_L2.match(t):
        return 2
    if _HEADING_L3.match(t) and not re.match(r"^\d+\s*[.．]\s*\d", t):
        return 3
    return None


def match_section(title: str) -> int | None:
    """The section number (1..6) whose title or accepted variant this is."""
    t = norm_label(title).rstrip("。：:")
    for sec in section_titles():
        names = [sec["title"], *sec.get("variants", [])]
        if any(t == norm_label(n) for n in names):
            return sec["number"]
    for sec in section_titles():
        for kw in sec.get("keywords", []):
            if all(k in t for k in kw.split("+")):
                return sec["number"]
    return None


def find_metadata(doc: Document) -> None:
    """Unit and year from the title lines at the top of the document."""
    head = [p for p in doc.paragraphs[:8]]
    joined = ""
    spans = []
    for p in head:
        text = strip_md_heading(p.text)
        if _HEADING_L1.match(text) or len(text) > 60:
            break
        joined += text
        spans.append(p)
        m = _TITLE_RE.search(_WS.sub("", joined))
        if m:
            rep = doc.report
            rep.year = int(m.group(1))
            unit = m.group(2).strip()
            if not unit:
                # the unit stands on a line of its own before the title
                before = _WS.sub("", joined[: joined.find(m.group(1))]) if m.group(1) in joined else ""
                unit = before
            rep.unit = unit or None
            rep.title_start = spans[0].start
            rep.title_end = p.end
            for q in spans:
                q.kind = "title"
            break
    if doc.report.year is None:
        # no standard title: the first year in the first lines
        for p in doc.paragraphs[:5]:
            m = _YEAR_RE.search(p.text)
            if m and "报告" in p.text:
                doc.report.year = int(m.group(1))
                break
    year = doc.report.year
    if year:
        doc.report.expected_template = "2019" if year <= 2020 else "2021"
    if doc.report.unit:
        doc.report.unit_kind = unit_kind(doc.report.unit)


def unit_kind(unit: str) -> str | None:
    kinds = load_yaml("templates/unit-kinds.yaml")["kinds"]
    for k in kinds:
        for suf in k["suffixes"]:
            if unit.endswith(suf):
                return k["kind"]
    return None


def find_sections(doc: Document) -> None:
    """Top-level 一、…六、 headings that match the template's section titles."""
    found: list[tuple[int, object]] = []
    for p in doc.paragraphs:
        if p.kind == "title":
            continue
        text = strip_md_heading(p.text)
        m = _HEADING_L1.match(text)
        if not m or len(text) > 40:
            continue
        num = match_section(m.group(2))
        if num is None:
            continue
        found.append((num, p, text))
    sections = []
    for i, (num, p, text) in enumerate(found):
        end = found[i + 1][1].start - 1 if i + 1 < len(found) else len(doc.text)
        sections.append(
            Section(
                number=num,
                title=text,
                canonical=next(s["title"] for s in section_titles() if s["number"] == num),
                heading_start=p.start,
                heading_end=p.end,
                start=p.start,
                end=max(end, p.end),
            )
        )
        p.kind = "heading"
    doc.sections = sections
    # sections are sorted and disjoint: bisect (a long file has thousands of them)
    starts = [s.start for s in sections]
    for p in doc.paragraphs:
        i = bisect.bisect_right(starts, p.start) - 1
        if i >= 0 and p.start <= sections[i].end:
            p.section = sections[i].number


def classify_paragraphs(doc: Document) -> None:
    """Mark headings and table lines so that prose rules see only narrative."""
    # recognised tables, and every grid a reader found (a cell is never prose)
    spans = sorted([(t.start, t.end) for t in doc.tables] + [(g.start, g.end) for g in doc.grids])
    for p in doc.paragraphs:
        if p.kind in ("title", "heading", "table"):
            continue
        if any(s <= p.start and p.end <= e for s, e in spans):
            p.kind = "table"
            continue
        if heading_level(p.text):
            p.kind = "heading"
            continue
        if p.section in (2, 3, 4) and not doc.tables and _looks_like_cell(p.text):
            p.kind = "table"


def _looks_like_cell(text: str) -> bool:
    return len(text) <= 40 and not re.search(r"[。；！？]", text)
