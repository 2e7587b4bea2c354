"""structure.*: sections, tables and the template version of a report."""
from __future__ import annotations

import re

import pytest

from checker.config import Config, Overrides
from checker.linter import lint_document
from checker.readers import document_from_text
from conftest import CORPORA, SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


def _lint(text: str, select: str = "structure", path: str = "r.txt"):
    doc = document_from_text(text, path)
    return doc, lint_document(doc, Overrides(select=tuple(select.split(","))).apply(Config()))


def _line(doc, d) -> int:
    return doc.position(d.start).line


def test_seed_structure_is_clean():
    doc, res = _lint(SEED_TEXT)
    assert [s.number for s in doc.sections] == [1, 2, 3, 4, 5, 6]
    assert res.diagnostics == []


def test_template_vs_year_mismatch():
    """The 2020 example relabelled as a 2023 report still uses the 2019 表二 labels."""
    text = SEED_TEXT.replace("2020年政府信息公开工作年度报告", "2023年政府信息公开工作年度报告", 1)
    doc, res = _lint(text)
    assert doc.report.year == 2023
    assert doc.report.template == "2019" and doc.report.expected_template == "2021"
    d, six = [d for d in res.diagnostics if d.rule == "structure.template-mismatch"]
    assert d.severity == "error" and six.severity == "error"
    assert doc.text[six.start:six.end] == "（六）其他处理"
    assert doc.text[d.start:d.end] == "本年新制作数量" and _line(doc, d) == 38
    for label in ("本年新制作数量", "上一年项目数量", "第二十条第（九）项", "采购总金额"):
        assert label in d.message
    assert "国办公开办函〔2021〕30号" in d.message
    related = {doc.text[r.start:r.end] for r in d.related}
    assert {"第二十条第（九）项", "上一年项目数量", "政府集中采购"} <= related
    # the 2023 report has no 信息处理费 statement in its section 六
    assert [x.rule for x in res.diagnostics if x.rule != "structure.template-mismatch"] == ["structure.fee-statement"]


def test_2021_report_with_2019_leftover_item():
    text = ("某某区人民政府2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第（一）项\n"
            "信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n行政规范性文件 3 2 19\n"
            "第二十条第（九）项\n信息内容 采购项目数量 采购总金额（万元）\n政府集中采购 74 3851.2\n")
    doc, res = _lint(text, "structure,table")
    assert doc.report.template == "2021"
    assert doc.cell("表二/第二十条第（九）项/政府集中采购/采购总金额").value == 3851.2
    (d,) = res.diagnostics
    assert d.rule == "structure.template-mismatch" and doc.text[d.start:d.end] == "第二十条第（九）项"


def test_2020_report_with_2021_labels_is_also_a_mismatch():
    text = ("某某镇人民政府2020年政府信息公开工作年度报告\n第二十条第（一）项\n"
            "信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n")
    doc, res = _lint(text)
    (d,) = res.diagnostics
    assert d.rule == "structure.template-mismatch" and "2019版格式" in d.message


def _remove_section(text: str, number: str, upto: str) -> str:
    a = text.index(f"\n{number}、")
    b = text.index(f"\n{upto}、", a + 1)
    return text[:a] + text[b:]


def test_missing_section():
    text = _remove_section(SEED_TEXT, "五", "六")
    doc, res = _lint(text)
    (d,) = res.diagnostics
    assert d.rule == "structure.missing-section" and d.severity == "warning"
    assert "第五部分“存在的主要问题及改进情况”" in d.message
    assert doc.text[d.start:d.end] == "六、其他需要报告的事项"


def test_missing_table_when_section_has_only_prose():
    a = SEED_TEXT.index("\n四、政府信息公开行政复议")
    b = SEED_TEXT.index("\n五、存在的主要问题")
    text = SEED_TEXT[:a] + "\n四、政府信息公开行政复议、行政诉讼情况\n本年度未发生行政复议和行政诉讼。\n" + SEED_TEXT[b:]
    doc, res = _lint(text)
    (d,) = res.diagnostics
    assert d.rule == "structure.missing-table" and "表四" in d.message
    assert doc.text[d.start:d.end].startswith("四、政府信息公开行政复议")


def test_sections_out_of_order():
    a = SEED_TEXT.index("\n五、存在的主要问题")
    b = SEED_TEXT.index("\n六、其他需要报告")
    five = SEED_TEXT[a:b]
    four_at = SEED_TEXT.index("\n四、政府信息公开行政复议")
    text = SEED_TEXT[:four_at] + five + SEED_TEXT[four_at:a] + SEED_TEXT[b:]
    doc, res = _lint(text)
    rules = [d.rule for d in res.diagnostics]
    assert rules == ["structure.section-order"]
    assert doc.text[res.diagnostics[0].start:res.diagnostics[0].end].startswith("四、")


def test_nonstandard_title_is_info_and_variants_are_accepted():
    doc, res = _lint(SEED_TEXT.replace("五、存在的主要问题及改进情况", "五、工作中存在的问题及改进措施"))
    (d,) = res.diagnostics
    assert d.rule == "structure.section-title" and d.severity == "info"
    assert "存在的主要问题及改进情况" in d.message
    for variant in ("四、政府信息公开行政复议和行政诉讼情况", "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况"):
        _, res = _lint(SEED_TEXT.replace("四、政府信息公开行政复议、行政诉讼情况", variant))
        assert res.diagnostics == [], variant


@pytest.mark.parametrize("body,fires", [
    ("无。", True),
    ("本单位严格落实政务公开工作要点。", True),
    ("本年度未收取信息处理费。", False),
    ("2023年，本机关未发生政府信息公开收费事项。", False),
    ("本年度发出收费通知0件，实际收取费用0元。", False),
])
def test_fee_statement(body, fires):
    text = ("某某局2023年政府信息公开工作年度报告\n一、总体情况\n正文。\n五、存在的主要问题及改进情况\n正文。\n"
            f"六、其他需要报告的事项\n{body}\n")
    doc, res = _lint(text, "structure.fee-statement")
    assert bool(res.diagnostics) is fires
    if fires:
        assert doc.text[res.diagnostics[0].start:res.diagnostics[0].end] == "六、其他需要报告的事项"


def test_table_unrecognised_carries_the_reason():
    text = SEED_TEXT.replace("\t（七）总计\n\t6\n", "\t（七）总计\n\t6\n\t9\n", 1)
    doc, res = _lint(text)
    (d,) = res.diagnostics
    assert d.rule == "structure.table-unrecognised" and d.severity == "warning"
    assert "（七）总计" in d.message and "8个单元格" in d.message
    assert doc.cell("表三/（七）总计/总计") is None  # not guessed
    assert doc.cell("表三/四、结转下年度继续办理/总计") is not None  # the rest still recognised


@pytest.mark.parametrize("path", sorted((CORPORA / "layouts").glob("*.txt")) + [SEED])
def test_report_metadata(path):
    doc = document_from_text(path.read_text(encoding="utf-8"), str(path))
    year = doc.report.year
    assert doc.report.expected_template == ("2019" if year <= 2020 else "2021")
    assert doc.report.template == doc.report.expected_template
    assert re.search(r"(政府|局|委|办)$", doc.report.unit or "")


def test_2021_report_with_single_other_row():
    """（六）其他处理 printed as one row (2019 format) in a 2021+ report."""
    lines = SEED_TEXT.replace("2020年政府信息公开工作年度报告", "2022年政府信息公开工作年度报告", 1)
    lines = lines.replace("本年新制作数量", "本年制发件数").replace("本年新公开数量", "本年废止件数")
    lines = lines.replace("对外公开总数量", "现行有效件数")
    doc, res = _lint(lines, "structure.template-mismatch")
    hits = [d for d in res.diagnostics if "（六）其他处理" in d.message and "三个子项" in d.message]
    assert len(hits) == 1
    assert doc.text[hits[0].start:hits[0].end] == "（六）其他处理" and _line(doc, hits[0]) == 354
    # the same table in a 2020 report is correct
    _, res = _lint(SEED_TEXT, "structure.template-mismatch")
    assert res.diagnostics == []
