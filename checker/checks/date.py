"""Dates in the narrative: malformed, impossible, the statistical period, ranges.

Dates are read from prose blocks (see ``checker.prose``), so that a date broken
over two lines of a PDF is seen whole; spaces between digits and 年/月/日 (as PDF
text layers produce them) are accepted everywhere.
"""
from __future__ import annotations

import bisect
import calendar
import datetime as _dt

import regex

from ..engine import Context, rule
from ..prose import Block, blocks, inside, url_spans
from ..nlp import sentences

_S = r"[ \t\u3000]*"
# One date-ish expression, well formed or not. Named groups per form (regex allows reuse).
_DATE = regex.compile(
    rf"(?P<full>(?<![\d.])(?P<y>(?:19|20)\d{{2}}){_S}年{_S}(?P<m>\d{{1,2}}){_S}月{_S}(?P<d>\d{{1,2}}){_S}[日号])"
    rf"|(?P<yue>(?<![\d.])(?P<y>(?:19|20)\d{{2}}){_S}月{_S}(?P<m>\d{{1,2}}){_S}月(?:{_S}(?P<d>\d{{1,2}}){_S}[日号])?)"
    rf"|(?P<nomonth>(?<![\d.])(?P<y>(?:19|20)\d{{2}}){_S}月{_S}(?P<d>\d{{1,2}}){_S}[日号])"
    rf"|(?P<glued>(?<![\d.])(?P<y>(?:19|20)\d{{2}})(?P<m>0?[1-9]|1[0-2]){_S}月(?:{_S}(?P<d>\d{{1,2}}){_S}[日号])?)"
    rf"|(?P<ym>(?<![\d.])(?P<y>(?:19|20)\d{{2}}){_S}年{_S}(?P<m>\d{{1,2}}){_S}月(?!{_S}\d))"
    rf"|(?P<yonly_m>(?<![\d.])(?P<y>(?:19|20)\d{{2}}){_S}月(?!{_S}\d))"
    rf"|(?P<md>(?<![\d.年])(?P<m>\d{{1,2}}){_S}月{_S}(?P<d>\d{{1,2}}){_S}[日号])",
    regex.V0,
)
_CONNECT = regex.compile(rf"^{_S}(?:起|开始)?{_S}(?:至|到|—{{1,2}}|－|-|~|～|－){_S}$")
_PERIOD_KW = regex.compile(r"统计(?:期限|周期|时限|时段|区间|时间|期间|年度|期)|所列数据[^。；]{0,12}(?:时间|期间|期限|周期|范围)"
                           r"|数据(?:的)?(?:统计)?(?:起止|截止)?(?:时间|期间|期限)(?:为|是|自|从)")
_DOT_DATE = regex.compile(r"(?<![\d.．/])((?:19|20)\d{2})([./])(\d{1,2})\2(\d{1,2})(?![\d.．/])")
_SHORT_YEAR = regex.compile(rf"(?<![\d.．〔\[【（(’'\-/])(\d{{2}}){_S}年{_S}(\d{{1,2}}){_S}月")
_SHORT_YEAR_BLOCK = regex.compile(r"(?:近|前|后|多|约|这|那|余|几|第|去|每|满|了|用|过|逾|达|共|整|超|历时|为期|长达|以来|连续|累计)$")


class DateMention:
    __slots__ = ("form", "start", "end", "y", "m", "d", "text")

    def __init__(self, m: regex.Match):
        self.form = next(k for k in ("full", "yue", "nomonth", "glued", "ym", "yonly_m", "md") if m.group(k))
        self.start, self.end = m.span()
        self.text = m.group(0)

        def num(name):
            v = m.group(name)
            return int(v) if v else None

        self.y, self.m, self.d = num("y"), num("m"), num("d")

    @property
    def malformed(self) -> bool:
        return self.form in ("yue", "nomonth", "glued", "yonly_m")


def mentions(text: str) -> list[DateMention]:
    urls = url_spans(text)
    return [DateMention(m) for m in _DATE.finditer(text) if not inside(urls, m.start(), m.end())]


def ranges(text: str, ms: list[DateMention]):
    """Pairs of consecutive mentions joined by 至/到/—/～ (optionally 起…止)."""
    for a, b in zip(ms, ms[1:]):
        if _CONNECT.match(text[a.end:b.start]):
            yield a, b


def _known_year(ctx: Context) -> int | None:
    return ctx.doc.report.year


def _canonical_period(y: int) -> tuple[str, str]:
    return f"{y}年1月1日", f"{y}年12月31日"


def _period_sentences(block: Block):
    """(start, end) of sentences in the block that state the statistical period."""
    for s, e in sentences(block.text):
        if _PERIOD_KW.search(block.text, s, e):
            yield s, e


def _valid(y: int | None, m: int, d: int) -> bool:
    if not 1 <= m <= 12 or d < 1:
        return False
    if m == 2 and y is None:
        return d <= 29
    return d <= calendar.monthrange(y or 2001, m)[1]


@rule(
    "date.malformed",
    severity="error",
    summary="日期格式错误，如“2020月1日”“20201月”（缺“年”或年月粘连）",
    wrong=["本报告所列数据的统计期限，自2020月1日起至12月31日止。", "20201月起开展政务公开专项检查。"],
    right=["本报告所列数据的统计期限，自2020年1月1日起至2020年12月31日止。", "2021年1月起开展政务公开专项检查。",
           "依据国办公开办函〔2021〕30号要求编制。"],
    fixable=True,
)
def malformed(ctx: Context):
    """检查内容：正文中四位年份后缺少“年”（“2020月1日”）、年份与月份粘连（“20201月”）等写法错误的日期。
    原因：日期是年报的关键信息，缺字或粘连的日期含义不明，发布后十分显眼。
    修复：若错误日期位于统计期限语句中且报告年度已知，将整个期限改为“YYYY年1月1日起至YYYY年12月31日”
    （安全修复）；“20201月”这类仅年月粘连的，补上“年”（安全修复）；其余只提示，不自动修改。"""
    year = _known_year(ctx)
    for b in blocks(ctx.doc):
        ms = mentions(b.text)
        if not any(m.malformed for m in ms):
            continue
        periods = list(_period_sentences(b))
        done: set[int] = set()
        for a, c in ranges(b.text, ms):
            if not (a.malformed or c.malformed):
                continue
            if not any(s <= a.start and c.end <= e for s, e in periods):
                continue
            y = year or a.y or c.y
            if y is None:
                continue
            start_txt, end_txt = _canonical_period(y)
            middle = b.text[a.end:c.start].strip()
            repl = f"{start_txt}{middle}{end_txt}"
            bad = a if a.malformed else c
            s, e = b.doc_span(a.start, c.end)
            ctx.report(s, e,
                       f"日期格式错误：“{bad.text}”{_what_is_wrong(bad)}；统计期限应为“{start_txt}至{end_txt}”",
                       replacement=repl, safe=True)
            done.update((id(a), id(c)))
        for m in ms:
            if not m.malformed or id(m) in done:
                continue
            s, e = b.doc_span(m.start, m.end)
            if m.form == "glued" and m.d is None and len(str(m.y)) == 4:
                digits = b.text[m.start:m.end]
                fixed = f"{m.y}年{m.m}月"
                # only when the digits split one way: 20201月 (not 202011月: 2020年11月 or 2020年1月?)
                if len(regex.sub(r"\D", "", digits)) == 5:
                    ctx.report(s, e, f"日期格式错误：“{m.text}”年份与月份粘连，应为“{fixed}”", replacement=fixed)
                    continue
            ctx.report(s, e, f"日期格式错误：“{m.text}”{_what_is_wrong(m)}，请补全为“YYYY年M月D日”")


def _what_is_wrong(m: DateMention) -> str:
    if m.form == "nomonth":
        return "年份后缺少“年”和月份"
    if m.form == "yue":
        return "年份后的“年”误作“月”"
    if m.form == "yonly_m":
        return "年份后缺少“年”"
    if m.form == "glued":
        return "年份与月份之间缺少“年”"
    return "格式不规范"


@rule(
    "date.impossible",
    severity="error",
    summary="不存在的日期，如“2月30日”“13月”“4月31日”",
    wrong=["2020年2月30日召开政务公开工作会议。", "于2020年13月完成目录调整。", "4月31日前完成年度报告编制。"],
    right=["2020年2月29日召开政务公开工作会议。", "2021年2月28日前完成年度报告编制。", "4月30日前完成年度报告编制。"],
)
def impossible(ctx: Context):
    """检查内容：月份不在1—12之间、日期超过当月天数（闰年按报告中的年份计算）的日期。
    原因：不存在的日期说明录入有误，读者无法判断真实时间。
    修复：核对原始材料后改正，无法自动修复。"""
    for b in blocks(ctx.doc):
        for m in mentions(b.text):
            if m.m is None:
                continue
            if m.m < 1 or m.m > 12:
                if m.form in ("full", "ym", "md", "glued", "yue"):
                    s, e = b.doc_span(m.start, m.end)
                    ctx.report(s, e, f"日期不存在：“{m.text.strip()}”中月份为{m.m}，月份应在1—12之间")
                continue
            if m.d is None:
                continue
            if not _valid(m.y, m.m, m.d):
                s, e = b.doc_span(m.start, m.end)
                last = calendar.monthrange(m.y or 2001, m.m)[1] if m.m != 2 or m.y else 29
                ctx.report(s, e, f"日期不存在：{m.m}月只有{last}天，“{m.text.strip()}”有误")


@rule(
    "date.period",
    severity="error",
    summary="统计期限与报告年度不符（应为该年1月1日至12月31日）",
    wrong=["2020年政府信息公开工作年度报告\n本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。",
           "2020年政府信息公开工作年度报告\n本报告中所列数据统计期限为2020年1月1日至2020年11月30日。"],
    right=["2020年政府信息公开工作年度报告\n本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。",
           "2025年政府信息公开工作年度报告\n本报告中所列数据统计期限为2025年1月1日至12月31日。",
           "2020年政府信息公开工作年度报告\n2021年1月1日至3月31日开展政务公开专项检查。"],
    fixable=True,
)
def period(ctx: Context):
    """检查内容：说明“统计期限/统计周期”的句子中的起止日期，应为报告年度的1月1日至12月31日。
    原因：年报统计的是一个自然年度（《政府信息公开条例》第五十条；地方标准中的“上一年度1月1日至12月31日”）；
    期限写错多为套用上年报告未改。
    修复：改为“YYYY年1月1日至YYYY年12月31日”（不安全修复：也可能是标题年份有误，需人工确认）。"""
    year = _known_year(ctx)
    for b in blocks(ctx.doc):
        ms = mentions(b.text)
        if len(ms) < 2:
            continue
        rs = list(ranges(b.text, ms))
        starts = [a.start for a, _ in rs]
        for s0, e0 in _period_sentences(b):
            # only the ranges that start inside the sentence (not all of the block's, per sentence)
            for a, c in rs[bisect.bisect_left(starts, s0):bisect.bisect_right(starts, e0)]:
                if not (s0 <= a.start and c.end <= e0) or a.malformed or c.malformed:
                    continue
                if a.y is None:
                    continue
                start = (a.y, a.m, a.d or 1)
                cy = c.y if c.y is not None else a.y
                if c.m is None:
                    continue
                end_d = c.d if c.d is not None else calendar.monthrange(cy, c.m)[1] if 1 <= c.m <= 12 else 31
                end = (cy, c.m, end_d)
                y = year or a.y
                if start == (y, 1, 1) and end == (y, 12, 31):
                    continue
                if year is None and start[1:] == (1, 1) and end[1:] == (12, 31) and cy == a.y:
                    continue
                st, en = _canonical_period(y)
                s, e = b.doc_span(a.start, c.end)
                middle = b.text[a.end:c.start].strip()
                what = f"报告年度为{year}年，" if year else ""
                ctx.report(s, e, f"统计期限“{b.text[a.start:c.end]}”有误：{what}统计期限应为“{st}至{en}”",
                           replacement=f"{st}{middle}{en}", safe=False)


@rule(
    "date.range-order",
    severity="error",
    summary="日期范围的结束早于开始",
    wrong=["2020年3月1日至2020年2月1日开展专项检查。", "自2020年10月1日起至2019年12月31日止。"],
    right=["2020年2月1日至2020年3月1日开展专项检查。", "2020年12月1日至2021年1月31日开展专项检查。"],
)
def range_order(ctx: Context):
    """检查内容：“A至B”“A—B”形式的日期范围中，B早于A（两端都写明年份时才检查）。
    原因：起止颠倒说明日期录入有误。
    修复：核对后改正，无法自动修复。"""
    for b in blocks(ctx.doc):
        ms = mentions(b.text)
        for a, c in ranges(b.text, ms):
            if a.malformed or c.malformed or a.y is None or c.y is None or a.m is None or c.m is None:
                continue
            if not (1 <= a.m <= 12 and 1 <= c.m <= 12):
                continue
            if (c.y, c.m, c.d or 31) < (a.y, a.m, a.d or 1):
                s, e = b.doc_span(a.start, c.end)
                ctx.report(s, e, f"日期范围有误：结束日期“{c.text.strip()}”早于开始日期“{a.text.strip()}”")


@rule(
    "date.format",
    severity="warning",
    summary="正文中用“2020.1.1”“2020/1/1”表示日期，应写作“2020年1月1日”",
    wrong=["于2020.3.15召开政务公开工作会议。", "统计期限为2020/1/1至2020/12/31。"],
    right=["于2020年3月15日召开政务公开工作会议。", "主动公开率达99.5%，较上年提高0.3个百分点。",
           "详见http://www.example.gov.cn/2020.1.1/index.html。"],
    fixable=True,
)
def dot_format(ctx: Context):
    """检查内容：正文中以圆点或斜线分隔的年月日（“2020.1.1”“2020/1/1”），网址中的不算。
    原因：GB/T 15835—2011《出版物上数字用法》规定年月日按“2020年1月1日”书写（或完整的“2020-01-01”），
    公文正文不用“2020.1.1”。
    修复：改为“YYYY年M月D日”（安全修复）。"""
    for b in blocks(ctx.doc):
        urls = url_spans(b.text)
        for m in _DOT_DATE.finditer(b.text):
            if inside(urls, m.start(), m.end()):
                continue
            y, mo, d = int(m.group(1)), int(m.group(3)), int(m.group(4))
            if not _valid(y, mo, d):
                continue
            s, e = b.doc_span(m.start(), m.end())
            fixed = f"{y}年{mo}月{d}日"
            ctx.report(s, e, f"日期“{m.group(0)}”应写作“{fixed}”", replacement=fixed)


@rule(
    "date.short-year",
    severity="warning",
    summary="年份只写两位，如“20年1月”，应写全“2020年1月”",
    wrong=["20年1月起施行新的依申请公开办理流程。", "自19年12月起开展专项整治。"],
    right=["2020年1月起施行新的依申请公开办理流程。", "近20年1月份的数据保持稳定。", "依据〔2021〕30号文件要求。"],
    fixable=True,
)
def short_year(ctx: Context):
    """检查内容：“20年1月”这类只写后两位的年份（后面紧跟月份时才判断为年份）。
    原因：GB/T 15835—2011 第5.1.4条：年份不能简写，“2020年”不能写作“20年”。
    修复：补全为四位年份（安全修复，按21世纪补全）。"""
    year = _known_year(ctx) or _dt.date.today().year
    for b in blocks(ctx.doc):
        urls = url_spans(b.text)
        for m in _SHORT_YEAR.finditer(b.text):
            if inside(urls, m.start(), m.end()):
                continue
            yy, mo = int(m.group(1)), int(m.group(2))
            full = 2000 + yy
            if not (year - 15 <= full <= year + 2) or not 1 <= mo <= 12:
                continue
            if _SHORT_YEAR_BLOCK.search(b.text, max(0, m.start() - 4), m.start()):
                continue
            s, e = b.doc_span(m.start(1), m.end(1))
            ctx.report(s, e, f"年份“{m.group(1)}年”应写全为“{full}年”", replacement=str(full))
