"""Style advice for official prose (info level)."""
from __future__ import annotations

import regex

from ..diagnostics import Related
from ..engine import Context, rule
from ..prose import blocks

_MEASURE = "件|条|个|份|宗|起|项|次"
_SUBJECTS = {
    "政府信息公开申请": regex.compile(
        rf"申请[ \t]*(?P<n>\d+)[ \t]*(?P<q>{_MEASURE})(?![\p{{Han}}]{{0,2}}(?:信息|文件|政府信息))"
        rf"|(?P<n>\d+)[ \t]*(?P<q>{_MEASURE})(?:政府信息公开|信息公开|依申请公开)?申请(?!人)"),
    "行政复议": regex.compile(rf"行政复议(?:案件)?[ \t]*(?P<n>\d+)[ \t]*(?P<q>{_MEASURE})|(?P<n>\d+)[ \t]*(?P<q>{_MEASURE})行政复议"),
    "行政诉讼": regex.compile(rf"行政诉讼(?:案件)?[ \t]*(?P<n>\d+)[ \t]*(?P<q>{_MEASURE})|(?P<n>\d+)[ \t]*(?P<q>{_MEASURE})行政诉讼"),
}


@rule(
    "style.measure-word",
    severity="info",
    summary="同一事物前后用了不同的量词，如申请先说“6件”后说“6条”",
    wrong=["本单位共收到政府信息公开申请6件，全部按时完成答复。答复情况，6条申请信息，全部按要求答复。",
           "发生行政复议2件。其中1起维持原行政行为。行政复议1起尚未审结。"],
    right=["本单位共收到政府信息公开申请6件，全部按时完成答复，其中1件予以公开。",
           "主动公开政府信息265条，制发文件13件。"],
)
def measure_word(ctx: Context):
    """检查内容：政府信息公开申请、行政复议、行政诉讼的件数在正文中前后用了不同的量词（如“申请6件”与“6条申请”）。
    原因：同一事物的计量单位应当统一（表三、表四按“件”统计），混用显得不严谨（提示级）。
    修复：统一为首次使用的量词，无法自动修复。"""
    for subject, rx in _SUBJECTS.items():
        first: tuple[str, int, int] | None = None
        for b in blocks(ctx.doc):
            for m in rx.finditer(b.text):
                q = m.group("q")
                s, e = b.doc_span(m.start(), m.end())
                if first is None:
                    first = (q, s, e)
                    continue
                if q != first[0]:
                    ctx.report(s, e, f"{subject}前文用“{first[0]}”计数，此处用“{q}”，建议统一为“{first[0]}”",
                               related=[Related(f"前文用“{first[0]}”", first[1], first[2])])
