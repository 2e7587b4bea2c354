"""``structure.*``: the six sections, the three tables and the template version.

Sections come from ``doc.sections`` (found by ``report/structure.py`` against
``rules/templates/sections.yaml``), tables and template from the table
recogniser (``report/tables.py``). Rules that judge a whole report (missing
section, missing table) only run on documents that look like an annual report:
a report year and at least three of the six sections.
"""
from __future__ import annotations

import re

from ..diagnostics import Related
from ..document import Document
from ..engine import rule
from ..report.structure import norm_label, section_titles
from ..report.templates import find_markers, load_template, templates

_ORD = "一二三四五六七八九十"
_HEAD = re.compile(r"^([一二三四五六七八九十]{1,3})\s*[、.．，,]\s*(.*)$")
_TABLE_SECTION = {"表二": 2, "表三": 3, "表四": 4}
_TABLE_TITLE = {"表二": "主动公开政府信息情况", "表三": "收到和处理政府信息公开申请情况",
                "表四": "政府信息公开行政复议、行政诉讼情况"}


def _canonical(num: int) -> str:
    return next(s["title"] for s in section_titles() if s["number"] == num)


def _looks_like_report(doc: Document) -> bool:
    return doc.report.year is not None and len({s.number for s in doc.sections}) >= 3


def _ordinal(n: int) -> str:
    return _ORD[n - 1] if 1 <= n <= 10 else str(n)


_REPORT = "某某市某某局2023年政府信息公开工作年度报告\n"
_S1 = "一、总体情况\n本局认真贯彻落实《条例》。\n"
_S2 = "二、主动公开政府信息情况\n本年主动公开政府信息120条。\n"
_S3 = "三、收到和处理政府信息公开申请情况\n本年收到申请2件。\n"
_S4 = "四、政府信息公开行政复议、行政诉讼情况\n本年未发生行政复议、行政诉讼。\n"
_S5 = "五、存在的主要问题及改进情况\n公开内容还不够丰富。\n"
_S6 = "六、其他需要报告的事项\n本年度未收取信息处理费。\n"


@rule(
    "structure.missing-section",
    severity="warning",
    summary="年度报告缺少模板规定的部分",
    wrong=[_REPORT + _S1 + _S2 + _S3 + _S4 + _S6],
    right=[_REPORT + _S1 + _S2 + _S3 + _S4 + _S5 + _S6],
)
def missing_section(ctx):
    """检查内容：年度报告是否具备《条例》第五十条和统一格式规定的六个部分：一、总体情况；
    二、主动公开政府信息情况；三、收到和处理政府信息公开申请情况；四、政府信息公开行政复议、行政诉讼情况；
    五、存在的主要问题及改进情况；六、其他需要报告的事项。标题的常见变体（见 rules/templates/sections.yaml）也算。

    原因：统一格式要求六个部分齐全，缺少某一部分（例如“存在的主要问题及改进情况”）是年报评估中的常见扣分项。
    只检查像年度报告的文档（识别出年度且至少有三个部分标题）。

    修复：按模板补写缺少的部分（无自动修复）。
    """
    doc = ctx.doc
    if not _looks_like_report(doc):
        return
    present = {s.number for s in doc.sections}
    for n in range(1, 7):
        if n in present:
            continue
        after = [s for s in doc.sections if s.number > n]
        if after:
            nxt = after[0]
            where = f"，应位于“{nxt.title}”之前"
            s, e = nxt.heading_start, nxt.heading_end
        else:
            last = doc.sections[-1]
            where = f"，应位于“{last.title}”之后"
            s, e = last.heading_start, last.heading_end
        ctx.report(s, e, f"缺少第{_ordinal(n)}部分“{_canonical(n)}”{where}")


@rule(
    "structure.section-order",
    severity="warning",
    summary="年度报告各部分的顺序与模板不符",
    wrong=[_REPORT + _S1 + _S2 + _S4 + _S3 + _S5 + _S6],
    right=[_REPORT + _S1 + _S2 + _S3 + _S4 + _S5 + _S6],
)
def section_order(ctx):
    """检查内容：六个部分是否按模板顺序出现（总体情况、主动公开、依申请公开、复议诉讼、问题及改进、其他事项）。

    原因：统一格式规定了固定的顺序，便于读者和评估方对照；顺序颠倒通常是拼接其他材料时出错。

    修复：按模板顺序调整各部分（无自动修复）。
    """
    doc = ctx.doc
    highest = None
    seen = set()
    for s in doc.sections:
        if s.number in seen:
            continue
        seen.add(s.number)
        if highest is not None and s.number < highest.number:
            ctx.report(s.heading_start, s.heading_end,
                       f"第{_ordinal(s.number)}部分“{_canonical(s.number)}”出现在"
                       f"第{_ordinal(highest.number)}部分“{_canonical(highest.number)}”之后，顺序与模板不符",
                       related=[Related(f"第{_ordinal(highest.number)}部分在此", highest.heading_start,
                                        highest.heading_end)])
        if highest is None or s.number > highest.number:
            highest = s


@rule(
    "structure.section-title",
    severity="info",
    summary="部分标题与模板的标准标题不一致",
    fixable=True,
    wrong=["五、工作中存在的问题及改进措施\n公开内容还不够丰富。"],
    right=["五、存在的主要问题及改进情况\n公开内容还不够丰富。", "五、政府信息公开工作存在的主要问题及改进情况\n公开内容还不够丰富。"],
)
def section_title(ctx):
    """检查内容：六个部分的标题是否使用模板的标准写法或常见的规范变体
    （如“政府信息公开行政复议和行政诉讼情况”“政府信息公开工作存在的主要问题及改进情况”）。
    只检查序号与模板一致、按关键词识别出的标题。

    原因：统一格式给出了固定标题，自拟标题不影响内容，但不利于对照检查，属于文风提示。

    修复：改为模板标题（不安全修复：自拟标题有时包含需要保留的信息，应人工确认）。
    """
    for s in ctx.doc.sections:
        m = _HEAD.match(s.title.strip())
        if not m or m.group(1) != _ordinal(s.number):
            continue
        title = norm_label(m.group(2)).rstrip("。：:")
        sec = next(x for x in section_titles() if x["number"] == s.number)
        names = [sec["title"], *sec.get("variants", [])]
        if any(title == norm_label(n) for n in names):
            continue
        ctx.report(s.heading_start, s.heading_end,
                   f"部分标题“{m.group(2).strip()}”与模板不一致，模板为“{_ordinal(s.number)}、{sec['title']}”",
                   replacement=f"{_ordinal(s.number)}、{sec['title']}", safe=False)


def template_markers(doc: Document) -> list[tuple[str, str, int, int]]:
    """Template-specific labels inside the recognised tables (and the spans the
    recogniser could not resolve): (template id, label, start, end)."""
    spans = [(t.start, t.end) for t in doc.tables] + [(s, e) for s, e, _ in doc.table_issues]
    hits = []
    seen = set()
    for a, b in sorted(spans):
        for tid, label, s, e in find_markers(doc.text[a:b]):
            if (a + s) in seen:
                continue
            seen.add(a + s)
            hits.append((tid, label, a + s, a + e))
    return sorted(hits, key=lambda h: h[2])


@rule(
    "structure.template-mismatch",
    severity="error",
    summary="表格使用的模板与报告年度不符",
    wrong=["某某局2023年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n"
           "规章 0 0 0\n规范性文件 1 1 5"],
    right=["某某局2023年政府信息公开工作年度报告\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n"
           "规章 0 0 0\n行政规范性文件 1 0 5"],
)
def template_mismatch(ctx):
    """检查内容：表格的栏目是否属于该年度应使用的格式。2019、2020年度报告使用
    《政府信息公开工作年度报告格式（试行）》（国办公开办函〔2019〕60号），2021年度起使用
    修订后的格式（国办公开办函〔2021〕30号）。例如2021年度以后的报告中出现“本年新制作数量”
    “上一年项目数量”“第二十条第（九）项”“采购总金额”等2019版栏目，说明套用了旧模板（T2-4）。

    原因：新格式调整了表二的栏目（制发/废止/现行有效件数、本年处理决定数量、收费金额），删除了
    政府集中采购一项，表三（六）其他处理增加了三个子项。用错模板的数据无法汇总，属于格式错误。

    修复：按该年度应使用的格式重新填写表格（无自动修复）。
    """
    doc = ctx.doc
    year = doc.report.year
    if year is None:
        return
    expected = doc.report.expected_template
    if expected is None:
        return
    _single_other_row(ctx, expected)
    foreign = [h for h in template_markers(doc) if h[0] != expected]
    if not foreign:
        return
    exp = load_template(expected)
    by_tpl: dict[str, list] = {}
    for h in foreign:
        by_tpl.setdefault(h[0], []).append(h)
    for tid, hs in by_tpl.items():
        other = templates()[tid]
        labels = list(dict.fromkeys(h[1] for h in hs))
        first = hs[0]
        shown = "".join(f"“{x}”" for x in labels)
        ctx.report(first[2], first[3],
                   f"{year}年度报告应使用{exp.name}（{exp.notice}），但表格中出现了{other.name}的栏目{shown}",
                   related=[Related(f"{other.name}的栏目“{h[1]}”", h[2], h[3]) for h in hs[1:20]])


_OTHER = re.compile(r"[（(]\s*六\s*[）)]\s*其\s*他\s*处\s*理|其\s*他\s*处\s*理")


def _single_other_row(ctx, expected: str) -> None:
    """A 2021+ 表三 whose （六）其他处理 is one row, as in the 2019 format."""
    t = ctx.doc.table("表三")
    if t is None or expected != "2021":
        return
    spec = load_template(expected).tables["表三"]
    items = spec.group_items("（六）其他处理")
    if not items or any(c.row.startswith("（六）其他处理/") for c in t.cells.values()):
        return
    first = t.get("表三/（六）其他处理/自然人")
    if first is None:
        return
    before = [c.end for c in t.cells.values() if c.end <= first.start]
    lo = max(before) if before else t.start
    m = None
    for m in _OTHER.finditer(ctx.doc.text, lo, first.start):
        pass
    s, e = (first.start, first.end) if m is None else (m.start(), m.end())
    ctx.report(s, e,
               f"{ctx.doc.report.year}年度报告应使用{load_template(expected).name}，其表三“（六）其他处理”分为"
               + "、".join(f"“{it.label}”" for it in items)
               + "三个子项，表中只有一行（2019版格式）")


_FULL_TABLES = (
    "某某局2023年政府信息公开工作年度报告\n一、总体情况\n本局认真贯彻落实《条例》。\n"
    "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n"
    "三、收到和处理政府信息公开申请情况\n申请人情况\n一、本年新收政府信息公开申请数量 2 0 0 0 0 0 2\n"
    "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
)


@rule(
    "structure.missing-table",
    severity="warning",
    summary="年度报告缺少模板规定的统计表",
    wrong=[_REPORT + _S1 + _S2 + _S3 + _S4 + _S5 + _S6],
    right=[_FULL_TABLES + _S5 + _S6],
)
def missing_table(ctx):
    """检查内容：年度报告的第二、三、四部分是否有统一格式规定的统计表：表二“主动公开政府信息情况”
    （第二十条第（一）（五）（六）（八）项）、表三“收到和处理政府信息公开申请情况”、
    表四“政府信息公开行政复议、行政诉讼情况”。只检查像年度报告的文档。

    原因：统一格式要求以固定表格报告这三部分数据，用文字代替表格或漏掉表格都不符合格式，
    也使数据无法核对。若表格存在但无法识别，会另行报告 structure.table-unrecognised。

    修复：按统一格式补充表格（无自动修复）。
    """
    doc = ctx.doc
    if not _looks_like_report(doc):
        return
    have = {t.name for t in doc.tables}
    tried = {m.split("：", 1)[0] for _, _, m in doc.table_issues}
    for name, num in _TABLE_SECTION.items():
        if name in have or name in tried:
            continue
        sec = next((s for s in doc.sections if s.number == num), None)
        if sec is not None:
            s, e = sec.heading_start, sec.heading_end
        elif doc.report.title_start is not None:
            s, e = doc.report.title_start, doc.report.title_end
        else:
            s, e = doc.sections[0].heading_start, doc.sections[0].heading_end
        ctx.report(s, e, f"没有找到{name}“{_TABLE_TITLE[name]}”：统一格式要求以表格报告这部分数据")


_FEE = re.compile(r"信息处理费|处理费|收费|收取.{0,6}费|费用")


@rule(
    "structure.fee-statement",
    severity="warning",
    summary="2021年度起的报告第六部分没有说明信息处理费收取情况",
    wrong=["某某局2023年政府信息公开工作年度报告\n六、其他需要报告的事项\n无。"],
    right=["某某局2023年政府信息公开工作年度报告\n六、其他需要报告的事项\n本年度未收取信息处理费。",
           "某某局2020年政府信息公开工作年度报告\n六、其他需要报告的事项\n无。"],
)
def fee_statement(ctx):
    """检查内容：2021年度及以后的报告，第六部分“其他需要报告的事项”是否说明了信息处理费的收取情况
    （发出收费通知的件数和总金额、实际收取的总金额；未收取也应写明，如“本年度未收取信息处理费”）。

    原因：《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）自2021年1月1日起施行，
    2021版年报格式要求在第六部分报告收费情况。只写“无”或只写其他事项，属于内容缺项。

    修复：在第六部分补充信息处理费的收取情况（无自动修复）。
    """
    doc = ctx.doc
    if doc.report.year is None or doc.report.year < 2021:
        return
    for s in doc.sections:
        if s.number != 6:
            continue
        body = doc.text[s.heading_end:s.end]
        if _FEE.search(body):
            return
        ctx.report(s.heading_start, s.heading_end,
                   "第六部分没有说明信息处理费的收取情况；2021年度起应报告发出收费通知的件数、金额和实际收取金额"
                   "（未收取的写明“本年度未收取信息处理费”）")
        return


@rule(
    "structure.table-unrecognised",
    severity="warning",
    summary="表格的一部分无法可靠识别，未参与核对",
    wrong=["申请人情况\n一、本年新收政府信息公开申请数量 6 0 0 0 0 6"],
    right=["申请人情况\n一、本年新收政府信息公开申请数量 6 0 0 0 0 0 6"],
)
def table_unrecognised(ctx):
    """检查内容：表二、表三、表四中无法可靠对应到模板行列的部分，例如一行的数值个数与模板列数不符、
    几行数据缺少行标签而无法确定各是哪一行、表四的数值不是15个。

    原因：为避免误报，识别器不猜测这些单元格，它们不参与勾稽关系核对；请人工核对该处表格，
    或检查报告是否漏填、多填了单元格。`checker tables 文件` 可查看已识别的表格。

    修复：人工核对该处表格；若报告确有漏填或多填，按模板改正（无自动修复）。
    """
    for s, e, msg in ctx.doc.table_issues:
        ctx.report(s, e, f"{msg}；这部分表格未参与核对")
