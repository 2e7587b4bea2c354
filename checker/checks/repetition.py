"""Doubled phrases found on characters, complementing the token rule ``repetition.word``.

jieba does not always cut a doubled word into two equal tokens (“资金资金分配” becomes
资金 + 资金分配), and a word doubled across the line break of a wrapped PDF paragraph
is in two paragraphs. This rule reads prose blocks character by character: a run of
two to six Han characters immediately repeated, where the run is a dictionary word
(or two characters straddling a word boundary: 办结率为率为, 二是二是).
What ``repetition.word`` already reports (two equal adjacent tokens in one line) is
left to it.
"""
from __future__ import annotations

import functools

import regex

from ..diagnostics import Edit, Fix
from ..engine import Context, rule
from ..prose import blocks
from ..resources import load_yaml

_DOUBLED = regex.compile(r"(\p{Han}{2,6}?)\1")
_NUMERALS = set("〇零一二三四五六七八九十百千万亿两")


@functools.lru_cache(maxsize=1)
def _allow() -> frozenset[str]:
    try:
        pack = load_yaml("packs/repetition.yaml")
        for r in pack.get("rules") or []:
            if r.get("id") == "repetition.word":
                return frozenset(r.get("allow") or [])
    except (OSError, KeyError, TypeError):
        pass
    return frozenset()


def _is_word(w: str) -> bool:
    from ..nlp import is_word

    return is_word(w)


def _stray_bigram(w: str) -> bool:
    """Two characters that are not a dictionary word but doubled all the same: the double
    straddles a word boundary (办结率为率为 is 办结率 + 为, typed twice from 率) or is an
    ordinal (二是二是). Reduplication patterns that are correct Chinese are not: 一X一X
    (一张一张), X着X着 (说着说着), X了X了."""
    if len(w) != 2:
        return False
    if w[0] == "一" and w[1] != "是":
        return False
    return w[1] not in "着了"


_SENTENCE_END = regex.compile(r"[。！？；!?;\n]")


def _window(text: str, a: int, z: int, limit: int = 5000, reach: int = 500) -> tuple[int, str]:
    """The text to segment around [a, z): the whole paragraph when short; in a long one
    (a report on a single line) the sentence around the span, so that each match does
    not re-segment megabytes (jieba cuts at punctuation, so the tokens are the same)."""
    if len(text) <= limit:
        return 0, text
    ws = max(0, a - reach)
    for mm in _SENTENCE_END.finditer(text, ws, a):
        ws = mm.end()
    mm = _SENTENCE_END.search(text, z, min(len(text), z + reach))
    we = mm.start() if mm else min(len(text), z + reach)
    return ws, text[ws:we]


def _token_rule_covers(b, s: int, e: int) -> bool:
    """True when repetition.word reports this: both halves are whole, equal tokens in one line."""
    from ..nlp import tokenize

    mid = (s + e) // 2
    for p in b.paragraphs:
        ps, pe = b.doc_span(s, e)
        if not (p.start <= ps and pe <= p.end):
            continue
        a, m, z = ps - p.start, b.doc_offset(mid) - p.start, pe - p.start
        base, piece = _window(p.text, a, z)
        starts = {t.start + base: t for t in tokenize(piece)}
        t1, t2 = starts.get(a), starts.get(m)
        return bool(t1 and t2 and t1.end + base == m and t2.end + base == z)
    return False


@rule(
    "repetition.phrase",
    severity="error",
    summary="词语误重复（按字检查，含跨行的重复），如“资金资金分配”",
    wrong=["2023年上海市科技计划资金资金分配结果信息已公开。", "加快推进政务信息信息化建设。",
           "依申请公开按时办结率为率为100%。"],
    right=["2023年上海市科技计划资金分配结果信息已公开。", "对问题一个一个地研究解决。", "二〇二〇年政务公开工作要点。",
           "研究研究再决定。", "窗口人员说着说着就把政策讲明白了。"],
    fixable=True,
)
def phrase(ctx: Context):
    """检查内容：两到六个汉字组成的词语紧接着原样重复一次（如“资金资金”“政务政务”），
    包括分词未能切开的情形、PDF 换行处的重复和跨越词边界的两字重复（“办结率为率为”“二是二是”）；数字（“二〇二〇”）和“一个一个”“研究研究”等合法叠用不算。
    分词已能识别的（由 repetition.word 报告）不重复报告。
    原因：复制粘贴或输入法连击造成的重复，发布后十分显眼。
    修复：删去重复的一次（安全修复）。"""
    allow = _allow()
    for b in blocks(ctx.doc):
        last_end = -1
        for m in _DOUBLED.finditer(b.text, overlapped=True):
            w = m.group(1)
            if m.start() < last_end:
                continue
            if w + w in allow or set(w) <= _NUMERALS or len(set(w)) == 1:
                continue
            if not _is_word(w) and not _stray_bigram(w):
                continue
            if _token_rule_covers(b, m.start(), m.end()):
                continue
            last_end = m.end()
            s, e = b.doc_span(m.start(), m.end())
            ds, de = b.doc_span(m.start() + len(w), m.end())
            safe = "\n" not in ctx.doc.text[ds:de]
            ctx.report(s, e, f"“{w}{w}”中“{w}”重复，应删去一个", fix=Fix([Edit(ds, de, "")], safe=safe))
