"""Repeated paragraphs and sentences (copy and paste), exact or nearly exact.

Sentences are compared after removing whitespace and punctuation, with
rapidfuzz's normalised similarity; consecutive repeated sentences are reported
together, on the later copy, with the earlier copy as related information.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..diagnostics import Related
from ..engine import Context, rule
from ..prose import Block, blocks
from ..nlp import sentences

from rapidfuzz import fuzz, process

_NORM = re.compile(r"[\W_]+")  # everything but letters, digits and Han
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def normalise(text: str) -> str:
    """Text without whitespace and punctuation (letters, digits and Han kept)."""
    return _NORM.sub("", text)


@dataclass
class Sent:
    block: Block
    bi: int  # index of the block
    s: int  # block offsets
    e: int
    norm: str
    digits: tuple[str, ...]


def _sentences(ctx: Context, min_chars: int) -> list[Sent]:
    out = []
    for bi, b in enumerate(blocks(ctx.doc)):
        for s, e in sentences(b.text):
            n = normalise(b.text[s:e])
            if len(n) < min_chars:
                continue
            out.append(Sent(b, bi, s, e, n, tuple(_DIGITS.findall(b.text[s:e]))))
    return out


def _similar(a: Sent, b: Sent, threshold: float) -> float | None:
    if a.norm == b.norm:
        return 100.0
    # sentences that differ only in their figures are parallel statements, not copies
    if a.digits != b.digits:
        return None
    la, lb = len(a.norm), len(b.norm)
    short = min(la, lb) / max(la, lb)
    if short >= 0.6 and fuzz.partial_ratio(a.norm, b.norm) >= max(threshold, 95):
        return 100.0  # one sentence copied into a longer one
    if short < threshold / 100 - 0.1:
        return None
    score = fuzz.ratio(a.norm, b.norm)
    return score if score >= threshold else None


@rule(
    "duplicate.text",
    severity="warning",
    summary="段落或句子重复（复制粘贴），包括只改了个别字词的近似重复",
    wrong=["在主动公开的信息中，政府网站的信息更新为动态更新，即产生政府信息及时上传。其中最常用最受百姓欢迎的是政务微信，"
           "快速、方便、直接，受到地区百姓的普遍欢迎。\n\n政府网站的信息更新为动态更新，即产生政府信息及时上传。"
           "其中最常用最受百姓欢迎的是政务微信，及时、准确受到地区百姓的普遍欢迎。"],
    right=["本年度共收到政府信息公开申请6件，全部按时完成答复。\n\n本年度共收到政府信息公开申请8件，全部按时完成答复。",
           "一是加强组织领导。\n\n二是加强组织协调。"],
    options={"threshold": 85, "min_chars": 20},
)
def text(ctx: Context):
    """检查内容：正文中重复出现的句子或段落（去掉空白和标点后比较，相似度达到阈值即视为重复），
    包括只改动个别字词的近似重复。连续重复的几句合并为一条，报告在后出现的位置，并指出先出现的位置。
    标题、表格、很短的套话句（默认少于20字）不检查；只是数字不同的句子（如分别说明行政复议、行政诉讼
    情况的平行句）不算重复。
    原因：年报常从上年报告或其他部分复制内容，重复段落说明内容未认真撰写（“内容雷同、敷衍塞责”）。
    修复：删除或改写重复内容，无法自动修复。
    选项：threshold（相似度阈值，0—100，默认85）；min_chars（参与比较的句子最少字数，默认20）。"""
    threshold = float(ctx.options.get("threshold", 85))
    min_chars = int(ctx.options.get("min_chars", 20))
    sents = _sentences(ctx, min_chars)
    # for every sentence, its earliest earlier near-copy
    match: dict[int, tuple[int, float]] = {}
    exact: dict[str, int] = {}
    norms = [x.norm for x in sents]
    for j, b in enumerate(sents):
        ctx.remaining()
        if b.norm in exact:
            match[j] = (exact[b.norm], 100.0)
            continue
        exact[b.norm] = j
        if j == 0:
            continue
        cands = process.extract(b.norm, norms[:j], scorer=fuzz.ratio, score_cutoff=threshold, limit=None)
        # a sentence copied into (or out of) a longer one
        cands += [c for c in process.extract(b.norm, norms[:j], scorer=fuzz.partial_ratio,
                                             score_cutoff=max(threshold, 95), limit=None)
                  if min(len(b.norm), len(norms[c[2]])) / max(len(b.norm), len(norms[c[2]])) >= 0.6]
        for _, sc, i in sorted(cands, key=lambda c: c[2]):
            a = sents[i]
            if a.bi == b.bi and a.e > b.s:
                continue
            if _similar(a, b, threshold) is not None:
                match[j] = (i, sc)
                break
    # a run of copied sentences: the neighbours of a copy are compared with the neighbours of
    # its source at a lower threshold (an edited sentence inside a pasted passage)
    relaxed = max(0.0, threshold - 15)
    changed = True
    while changed:
        changed = False
        for j, (i, _) in sorted(match.items()):
            for dj in (1, -1):
                jj, ii = j + dj, i + dj
                if jj in match or not (0 <= ii < len(sents)) or not (0 <= jj < len(sents)) or ii >= jj:
                    continue
                if sents[jj].bi != sents[j].bi or sents[ii].bi != sents[i].bi:
                    continue
                if sents[ii].digits != sents[jj].digits:
                    continue
                sc = fuzz.ratio(sents[ii].norm, sents[jj].norm)
                if sc >= relaxed:
                    match[jj] = (ii, sc)
                    changed = True
    # group consecutive repeated sentences of one block whose copies are consecutive too
    j = 0
    while j < len(sents):
        if j not in match:
            j += 1
            continue
        run = [j]
        while (run[-1] + 1 in match and sents[run[-1] + 1].bi == sents[j].bi
               and match[run[-1] + 1][0] == match[run[-1]][0] + 1):
            run.append(run[-1] + 1)
        first, last = sents[run[0]], sents[run[-1]]
        src0, src1 = sents[match[run[0]][0]], sents[match[run[-1]][0]]
        s, e = first.block.doc_span(first.s, last.e)
        rs, re_ = src0.block.doc_span(src0.s, src1.e)
        line = ctx.doc.position(rs).line
        whole = first.s == 0 and last.e >= len(first.block.text.rstrip()) - 1
        exact_all = all(match[k][1] == 100.0 for k in run)
        what = "本段" if whole else (f"这{len(run)}句" if len(run) > 1 else "这句")
        how = "与" if exact_all else "与"
        kind = "完全相同" if exact_all else "几乎相同（仅个别字词不同）"
        ctx.report(s, e, f"{what}{how}第{line}行的内容{kind}，疑为重复粘贴，请删除或改写",
                   related=[Related("先出现的内容", rs, re_)])
        j = run[-1] + 1
