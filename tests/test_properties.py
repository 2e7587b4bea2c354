"""Property-based tests (hypothesis): for arbitrary text and report-like text,

- lint never raises and no rule hits an internal error (rule exceptions become notes);
- every reported range lies inside the text, its slice is the reported text, and
  line/column agree with the offset;
- applying all safe fixes removes those diagnostics, never touches text outside the
  edits, and reaches a fixpoint where applying the fixes again changes nothing;
- decoding, line-end handling and the readers never fail other than with a clear error.

Example counts are modest here; bench/fuzz.py is the long run.
"""
from __future__ import annotations

import json
import random
import string

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checker.config import Config
from checker.decoding import DecodeError, decode, encode, join_line_ends, split_line_ends
from checker.fixes import apply_edits, select_fixes
from checker.formats.json_format import to_dict
from checker.linter import lint_document
from checker.readers import document_from_text
from conftest import CORPORA, SEED

SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                     HealthCheck.filter_too_much])


def _fragments() -> list[str]:
    lines: list[str] = []
    for p in [SEED, *sorted((CORPORA / "reports").glob("*.txt"))[:6]]:
        from checker.decoding import decode

        lines += [x for x in decode(p.read_bytes()).text.splitlines() if x.strip()]
    return lines


FRAGMENTS = _fragments()
# characters that rules care about: Chinese punctuation, digits, brackets, quotes, spaces
SPICE = list("，。、；：？！“”‘’（）《》〈〉【】…—-0123456789０１２３４５６７８９年月日件项个是涉及的了 \t\u3000") + \
    ["一是", "二是", "三是", "截止", "2020年", "（一）", "一、", "\n", "\r\n", "\r", "\ufeff", "\u200b", "\x00"]


@st.composite
def report_like(draw) -> str:
    """Lines of real reports, shuffled, duplicated, cut and spiced with the characters rules look at."""
    n = draw(st.integers(1, 40))
    lines = [draw(st.sampled_from(FRAGMENTS)) for _ in range(n)]
    rnd = random.Random(draw(st.integers(0, 2 ** 32)))
    out = []
    for line in lines:
        op = rnd.random()
        if op < 0.15 and len(line) > 4:  # double a word
            i = rnd.randrange(len(line) - 2)
            k = rnd.randint(1, 3)
            line = line[:i + k] + line[i:i + k] + line[i + k:]
        elif op < 0.3:  # insert spice
            i = rnd.randrange(len(line) + 1)
            line = line[:i] + rnd.choice(SPICE) + line[i:]
        elif op < 0.4 and len(line) > 2:  # cut
            line = line[: rnd.randrange(len(line))]
        elif op < 0.45:  # paste the line twice (duplicate paragraph)
            out.append(line)
        out.append(line)
    sep = draw(st.sampled_from(["\n", "\r\n", "\n\n"]))
    return sep.join(out) + draw(st.sampled_from(["", "\n"]))


FIXABLE = ["涉及涉及", "。。", "，，", "公开公开", "申请申请", "依据(条例)规定", ",", "：:", "截止2023年底"]


@st.composite
def with_fixable(draw) -> str:
    """Report-like text with one to three planted problems that have safe fixes."""
    text = draw(report_like())
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        text = text[:i] + "本机关" + draw(st.sampled_from(FIXABLE)) + "工作。" + text[i:]
    return text


ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400)
CJKISH = st.lists(st.sampled_from(SPICE + list("政府信息公开申请答复办理情况本机关单位报告工作年度")),
                  max_size=200).map("".join)
TEXTS = st.one_of(ANY_TEXT, CJKISH, report_like())


def check_result(text: str):
    doc = document_from_text(text, "prop.txt")
    res = lint_document(doc, Config(rule_timeout=60))
    bad = [n for n in res.notes if "内部错误" in n or "越界" in n]
    assert not bad, bad
    t = doc.text
    n = len(t)
    lines = t.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    data = to_dict([res])
    json.dumps(data, ensure_ascii=False)
    for d, dj in zip(res.diagnostics, data["files"][0]["diagnostics"]):
        assert 0 <= d.start <= d.end <= n, (d.rule, d.start, d.end, n)
        assert dj["text"] == t[d.start:d.end]
        for key, off in (("start", d.start), ("end", d.end)):
            pos = dj["range"][key]
            assert pos["offset"] == off
            assert starts[pos["line"] - 1] + pos["column"] - 1 == off, (d.rule, key, pos)
        for r in d.related:
            assert 0 <= r.start <= r.end <= n
        if d.fix:
            for e in d.fix.edits:
                assert 0 <= e.start <= e.end <= n
    return doc, res


@settings(max_examples=150, **SETTINGS)
@given(TEXTS)
def test_lint_never_raises_and_ranges_are_exact(text):
    check_result(text)


def apply_safe(text: str, res) -> tuple[str, list, list]:
    applied, _deferred, edits = select_fixes(res.diagnostics, text)
    return apply_edits(text, edits), applied, edits


@settings(max_examples=100, **SETTINGS)
@given(with_fixable())
def test_safe_fixes_remove_their_diagnostics_and_reach_a_fixpoint(text):
    doc, res = check_result(text)
    t0 = doc.text
    fixed, applied, edits = apply_safe(t0, res)
    assume(applied)
    # text outside the edits is untouched
    pos = shift = 0
    for e in edits:
        assert fixed[pos + shift:e.start + shift] == t0[pos:e.start]
        shift += len(e.replacement) - (e.end - e.start)
        pos = e.end
    assert fixed[pos + shift:] == t0[pos:]
    # the fixed problems are gone: no diagnostic of the same rule on the same original text
    # at the place the edit went to
    doc1, res1 = check_result(fixed)
    after = {(d.rule, d.start, doc1.text[d.start:d.end]) for d in res1.diagnostics}
    for d in applied:
        first = min(d.fix.edits, key=lambda e: e.start)
        delta = sum(len(e.replacement) - (e.end - e.start) for e in edits if e.end <= first.start)
        assert (d.rule, d.start + delta, t0[d.start:d.end]) not in after, (d.rule, d.message)
    # repeated application converges, and at the fixpoint a further round is a no-op
    cur, cur_res = fixed, res1
    for _ in range(6):
        nxt, more, _ = apply_safe(cur, cur_res)
        if not more:
            break
        cur = nxt
        _, cur_res = check_result(cur)
    else:
        pytest.fail("safe fixes did not converge")
    assert apply_safe(cur, cur_res)[0] == cur


@settings(max_examples=200, **SETTINGS)
@given(st.text(max_size=300))
def test_line_ends_round_trip(text):
    norm, ends = split_line_ends(text)
    assert "\r" not in norm
    assert len(ends) == norm.count("\n") + 1
    assert join_line_ends(norm, ends) == text


@settings(max_examples=200, **SETTINGS)
@given(st.text(st.characters(exclude_categories=("Cs", "Cc"), include_characters="\n\r\t"), min_size=1, max_size=300),
       st.sampled_from(["utf-8", "gb18030", "utf-16-le", "utf-16-be"]), st.booleans())
def test_decode_round_trip(text, enc, bom):
    assume(text.strip() and not text.startswith("\ufeff"))
    norm, ends = split_line_ends(text)
    try:
        raw = encode(norm, enc, bom, ends)
    except UnicodeEncodeError:
        assume(False)
    try:
        d = decode(raw)
    except DecodeError as e:  # acceptable only as a clear error
        assert any("\u4e00" <= c <= "\u9fff" for c in str(e))
        return
    if d.encoding == enc or enc == "utf-8":
        # recognised (UTF-8 always is): exactly what was written, line ends included
        assert d.text == norm and d.line_ends == ends


@settings(max_examples=300, **SETTINGS)
@given(st.binary(max_size=2000))
def test_decode_arbitrary_bytes_only_raises_decode_error(data):
    try:
        d = decode(data)
    except DecodeError as e:
        assert any("\u4e00" <= c <= "\u9fff" for c in str(e))
    else:
        assert isinstance(d.text, str) and "\r" not in d.text


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".docx", ".pdf"])
@settings(max_examples=40, **SETTINGS)
@given(data=st.binary(max_size=3000), prefix=st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.4\n", b"<html><body>"]))
def test_readers_on_arbitrary_bytes(tmp_path_factory, suffix, data, prefix):
    from checker.readers import ReaderError, read_document, supported_suffixes

    if suffix not in supported_suffixes():
        pytest.skip(f"no {suffix} reader")
    p = tmp_path_factory.mktemp("r") / f"x{suffix}"
    p.write_bytes(prefix + data)
    try:
        doc = read_document(str(p))
    except ReaderError as e:
        assert any("\u4e00" <= c <= "\u9fff" for c in str(e)) and "内部错误" not in str(e)
    else:
        res = lint_document(doc, Config(rule_timeout=60))
        assert not [n for n in res.notes if "内部错误" in n], res.notes


def test_report_like_strategy_is_report_like():
    """The generator really produces report text (so the properties above test something)."""
    assert len(FRAGMENTS) > 100
    assert sum("。" in f for f in FRAGMENTS) > 50
    assert sum(any(c in string.digits for c in f) for f in FRAGMENTS) > 20
