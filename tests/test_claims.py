"""Claims: narrative figures tied to table cells (checker/claims.py, checks/crosscheck.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from checker.claims import extract_claims, tokens
from checker.checks.crosscheck import resolve_target
from checker.config import Config, Overrides
from checker.document import Cell, Table
from checker.linter import lint_document
from checker.readers import document_from_text
from conftest import CORPORA, ROOT, SEED

CASES = yaml.safe_load((ROOT / "tests" / "cases" / "claims.yaml").read_text(encoding="utf-8"))["cases"]
ABBR = {"T2:": "表二/", "T3:": "表三/", "T4:": "表四/"}

T3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T3_ROWS_COMMON = [
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（二）部分公开",
    "（三）不予公开/1.属于国家秘密", "（三）不予公开/2.其他法律行政法规禁止公开", "（三）不予公开/3.危及“三安全一稳定”",
    "（三）不予公开/4.保护第三方合法权益", "（三）不予公开/5.属于三类内部事务信息", "（三）不予公开/6.属于四类过程性信息",
    "（三）不予公开/7.属于行政执法案卷", "（三）不予公开/8.属于行政查询事项",
    "（四）无法提供/1.本机关不掌握相关政府信息", "（四）无法提供/2.没有现成信息需要另行制作",
    "（四）无法提供/3.补正后申请内容仍不明确",
    "（五）不予处理/1.信访举报投诉类申请", "（五）不予处理/2.重复申请", "（五）不予处理/3.要求提供公开出版物",
    "（五）不予处理/4.无正当理由大量反复申请", "（五）不予处理/5.要求行政机关确认或重新出具已获取信息",
]
T3_OTHER_2021 = [
    "（六）其他处理/1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
    "（六）其他处理/2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
    "（六）其他处理/3.其他",
]
T4_COLS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T2_2021 = {
    "第二十条第（一）项/规章": ["本年制发件数", "本年废止件数", "现行有效件数"],
    "第二十条第（一）项/行政规范性文件": ["本年制发件数", "本年废止件数", "现行有效件数"],
    "第二十条第（五）项/行政许可": ["本年处理决定数量"],
    "第二十条第（六）项/行政处罚": ["本年处理决定数量"],
    "第二十条第（六）项/行政强制": ["本年处理决定数量"],
    "第二十条第（八）项/行政事业性收费": ["本年收费金额（单位：万元）"],
}
T2_2019 = {
    "第二十条第（一）项/规章": ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
    "第二十条第（一）项/规范性文件": ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
    "第二十条第（五）项/行政许可": ["上一年项目数量", "本年增/减", "处理决定数量"],
    "第二十条第（六）项/行政处罚": ["上一年项目数量", "本年增/减", "处理决定数量"],
    "第二十条第（六）项/行政强制": ["上一年项目数量", "本年增/减", "处理决定数量"],
}


def all_keys(template: str = "2021") -> list[str]:
    rows = T3_ROWS_COMMON + (T3_OTHER_2021 if template == "2021" else ["（六）其他处理"])
    rows += ["（七）总计", "四、结转下年度继续办理"]
    keys = [f"表三/{r}/{c}" for r in rows for c in T3_COLS]
    for grp in ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"):
        keys += [f"表四/{grp}/{c}" for c in T4_COLS]
    t2 = T2_2021 if template == "2021" else T2_2019
    keys += [f"表二/{r}/{c}" for r, cols in t2.items() for c in cols]
    return keys


def make_doc(prose: str, values: dict[str, object] | None = None, template: str = "2021", year: int = 2024,
             default=0, keys: list[str] | None = None):
    """A report whose tables are built by hand: ``values`` overrides cells (default ``default``).

    The table is appended after the prose as ``key<TAB>value`` lines and the cells point at
    the values, so diagnostics can be related to them."""
    values = dict(values or {})
    keys = keys if keys is not None else all_keys(template)
    head = f"测试市{year}年政府信息公开工作年度报告\n\n一、总体情况\n（二）依申请公开情况\n{prose}\n\n"
    lines = []
    for k in keys:
        v = values.get(k, default)
        lines.append(f"{k}\t{'' if v is None else v}")
    text = head + "\n".join(lines) + "\n"
    doc = document_from_text(text, "<claims>.txt")
    tables: dict[str, Table] = {}
    pos = len(head)
    for k, line in zip(keys, lines):
        name = k.split("/", 1)[0]
        vstart = pos + len(k) + 1
        raw = line[len(k) + 1:]
        try:
            val = float(raw) if "." in raw else int(raw)
        except ValueError:
            val = None
        parts = k.split("/")
        t = tables.setdefault(name, Table(name, template, pos, pos))
        t.cells[k] = Cell(k, name, "/".join(parts[1:-1]), parts[-1], raw, val, vstart, vstart + len(raw))
        t.end = pos + len(line)
        pos += len(line) + 1
    doc.tables = list(tables.values())
    for p in doc.paragraphs:
        if p.start >= len(head):
            p.kind = "table"
    doc.report.year = year
    return doc


def expand(cell: str) -> list[str]:
    out = []
    for part in cell.split("+"):
        for a, full in ABBR.items():
            if part.startswith(a):
                part = full + part[len(a):]
        out.append(part)
    return out


def lint(doc, select="crosscheck.mismatch,crosscheck.percentage"):
    return lint_document(doc, Overrides(select=tuple(select.split(","))).apply(Config()))


# --------------------------------------------------------------------------- phrasings

def test_enough_phrasings():
    n = sum(max(1, len(c["claims"])) for c in CASES)
    assert len(CASES) >= 40 and n >= 60


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:24] for c in CASES])
def test_phrasing_is_tied_to_the_right_cell(case):
    doc = make_doc(case["text"], template=case.get("template", "2021"))
    got = extract_claims(doc)
    want = case["claims"]
    assert len(got) == len(want), [(c.text, c.value, c.target and c.target.label, c.reason) for c in got]
    for c, w in zip(got, want):
        assert c.kind == w.get("kind", "count"), (c.text, c.kind)
        assert c.value == w["value"], (c.text, c.value)
        # the claim lies inside the paragraph and its text is what the paragraph says there
        assert doc.text[c.start:c.end].replace("\n", "").replace(" ", "") == c.text.replace(" ", "")
        if w.get("unresolved"):
            assert c.target is None, (c.text, c.target)
            continue
        assert c.target is not None, (c.text, c.reason)
        target = c.percent.part if c.percent else c.target
        found, why = resolve_target(doc, target)
        assert found is not None, (c.text, why)
        assert found[0] == expand(w["cell"]), c.text


# --------------------------------------------------------------------------- numbers

def test_numbers_in_both_scripts():
    vals = [(t.value, t.unit) for t in tokens("收到申请十二件，两件，一百零五件，1,234件，3.5万元，41.2%，2024年，第3件")]
    assert vals == [(12, "件"), (2, "件"), (105, "件"), (1234, "件"), (3.5, "万元"), (41.2, "%")]


def test_line_broken_pdf_text_is_joined():
    doc = make_doc("政府信息公开行政复议 351\n件，其中结果维\n持 72 件。")
    got = [(c.value, c.target.label) for c in extract_claims(doc)]
    assert got == [(351, "行政复议"), (72, "行政复议结果维持")]
    c = extract_claims(doc)[1]
    assert doc.position(c.start).line == 6 and doc.position(c.end).line == 7


def test_page_number_lines_inside_a_paragraph_are_skipped():
    doc = make_doc("2024 年全区受理政府信息公开申请\n- 1 -\n21 件，均在法定期限答复。")
    assert [(c.value, c.target.label) for c in extract_claims(doc)] == [(21, "本年新收申请"), (0, "结转下年度继续办理")]


# --------------------------------------------------------------------------- ledger

R = "表三/一、本年新收政府信息公开申请数量/总计"


def test_verified_claim_gives_no_diagnostic():
    res = lint(make_doc("本年度共收到政府信息公开申请35件。", {R: 35}))
    assert not res.diagnostics
    assert [(c.status, c.cell, c.narrative_value, c.table_value) for c in res.claims] == [("verified", R, 35, 35)]


def test_mismatch_arabic_reports_both_values_at_the_narrative_span():
    doc = make_doc("本年度共收到政府信息公开申请35件。", {R: 37})
    res = lint(doc)
    [d] = res.diagnostics
    assert d.rule == "crosscheck.mismatch" and d.severity == "error"
    assert doc.text[d.start:d.end] == "共收到政府信息公开申请35件"
    assert "35" in d.message and "37" in d.message and "一、本年新收政府信息公开申请数量" in d.message
    [rel] = d.related
    assert doc.text[rel.start:rel.end] == "37"
    assert res.claims[0].status == "mismatch"


def test_mismatch_chinese_numeral():
    res = lint(make_doc("全年受理政府信息公开申请十二件。", {R: 13}))
    [d] = res.diagnostics
    assert "12" in d.message and "13" in d.message


def test_combined_quantity_is_the_sum_of_both_cells():
    vals = {"表三/（一）予以公开/总计": 118, "表三/（二）部分公开/总计": 5}
    res = lint(make_doc("予以公开及部分公开123件。", vals))
    assert not res.diagnostics and res.claims[0].status == "verified"
    assert res.claims[0].cell == "表三/（一）予以公开/总计+表三/（二）部分公开/总计"
    res = lint(make_doc("予以公开及部分公开120件。", vals))
    [d] = res.diagnostics
    assert "120" in d.message and "123" in d.message and len(d.related) == 2


def test_group_row_is_used_when_the_table_prints_one():
    keys = all_keys() + ["表三/（三）不予公开/总计"]
    doc = make_doc("不予公开2件。", {"表三/（三）不予公开/总计": 2}, keys=keys)
    res = lint(doc)
    assert [(c.status, c.cell) for c in res.claims] == [("verified", "表三/（三）不予公开/总计")]


def test_zero_claim_mismatch():
    res = lint(make_doc("本年度未发生行政复议。", {"表四/行政复议/总计": 1, "表四/行政复议/尚未审结": 1}))
    [d] = res.diagnostics
    assert "行政复议" in d.message and "1" in d.message


def test_completion_claim_mismatch_and_verified():
    k = "表三/四、结转下年度继续办理/总计"
    res = lint(make_doc("共收到政府信息公开申请6件，全部按时完成答复。", {R: 6, k: 2}))
    [d] = res.diagnostics
    assert "结转下年度继续办理" in d.message
    res = lint(make_doc("共收到政府信息公开申请6件，全部按时完成答复。", {R: 6}))
    assert not res.diagnostics and {c.status for c in res.claims} == {"verified"}


def test_universal_claim_mismatch():
    vals = {"表四/行政复议/总计": 4, "表四/行政复议/结果维持": 3, "表四/行政复议/尚未审结": 1}
    res = lint(make_doc("行政复议4件，均获维持。", vals))
    [d] = res.diagnostics
    assert "均获维持" in d.message
    assert [c.status for c in res.claims] == ["verified", "mismatch"]


def test_percentage_rounding_and_truncation():
    vals = {"表三/（一）予以公开/总计": 7, "表三/（七）总计/总计": 17}  # 41.176…%
    for stated in ("41.2", "41.1", "41.18", "41.17", "41"):
        res = lint(make_doc(f"予以公开7件，占{stated}%。", vals))
        assert not res.diagnostics, stated
    res = lint(make_doc("予以公开7件，占43.5%。", vals))
    [d] = res.diagnostics
    assert d.rule == "crosscheck.percentage" and "43.5" in d.message and "41.18" in d.message


def test_percentage_with_named_base():
    vals = {"表三/（一）予以公开/总计": 6, R: 20, "表三/（七）总计/总计": 12}
    assert not lint(make_doc("予以公开6件，占收到申请总数的30%。", vals)).diagnostics
    assert lint(make_doc("予以公开6件，占收到申请总数的50%。", vals)).diagnostics


def test_loose_quantity_mismatch_is_only_unresolved():
    k = "表二/第二十条第（五）项/行政许可/本年处理决定数量"
    res = lint(make_doc("梳理行政许可事项87项。", {k: 447228}))
    assert not res.diagnostics and res.claims[0].status == "unresolved"
    res = lint(make_doc("作出行政许可决定447228件。", {k: 447228}))
    assert res.claims[0].status == "verified"


def test_blank_cell_and_missing_table_are_unresolved():
    k = "表三/四、结转下年度继续办理/总计"
    res = lint(make_doc("转下一年度办理答复的有1件。", {k: None}))
    assert not res.diagnostics and res.claims[0].status == "unresolved"
    doc = make_doc("本年度共收到政府信息公开申请35件。")
    doc.tables = []
    res = lint(doc)
    assert not res.diagnostics and res.claims[0].status == "unresolved" and res.claims[0].note


def test_money_tolerates_the_written_precision():
    k = "表二/第二十条第（八）项/行政事业性收费/本年收费金额（单位：万元）"
    assert lint(make_doc("行政事业性收费7730.28万元。", {k: 7730.28})).claims[0].status == "verified"
    assert lint(make_doc("行政事业性收费7730万元。", {k: 7730.28})).claims[0].status == "verified"
    assert lint(make_doc("行政事业性收费7731.28万元。", {k: 7730.28})).diagnostics


def test_other_year_sentence_is_not_compared():
    res = lint(make_doc("2023年共收到政府信息公开申请30件。2024年共收到政府信息公开申请35件。", {R: 35}))
    assert [(c.narrative_value, c.status) for c in res.claims] == [(35, "verified")]


def test_column_claims():
    vals = {R: 35, "表三/一、本年新收政府信息公开申请数量/自然人": 30,
            "表三/一、本年新收政府信息公开申请数量/商业企业": 5}
    res = lint(make_doc("共收到申请35件，其中自然人申请30件，法人或其他组织申请5件。", vals))
    assert [c.status for c in res.claims] == ["verified"] * 3


# --------------------------------------------------------------------------- end to end

def _has_tables(doc) -> bool:
    return doc.table("表三") is not None and doc.table("表三").cells


def test_example_report_claims_are_verified():
    from checker.readers import read_document

    doc = read_document(str(SEED))
    if not _has_tables(doc):
        pytest.skip("table recognition not available yet")
    res = lint(doc)
    assert not res.diagnostics
    expected = json.loads((CORPORA / "heizhuanghu-2020.expected.json").read_text(encoding="utf-8"))["claims"]
    got = {(doc.position(c.start).line, c.cell, c.narrative_value, c.status) for c in res.claims}
    for e in expected:
        assert (e["line"], e["cell"], e["value"], e["status"]) in got, e


FIXTURES = sorted((CORPORA / "claims").glob("*.txt"))


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_planted_mismatches_are_found_at_their_line(path: Path):
    from checker.readers import read_document

    doc = read_document(str(path))
    if not _has_tables(doc):
        pytest.skip("table recognition not available yet")
    exp = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    res = lint(doc)
    found = sorted((doc.position(d.start).line, d.severity, doc.text[d.start:d.end]) for d in res.diagnostics)
    want = sorted((d["lines"][0], d["severity"], d["text"]) for d in exp["defects"] if d["category"] == "crosscheck")
    assert found == want, [(doc.position(d.start).line, d.message) for d in res.diagnostics]
    got = {(doc.position(c.start).line, c.cell, c.narrative_value, c.status) for c in res.claims}
    for e in exp.get("claims", []):
        assert (e["line"], e["cell"], e["value"], e["status"]) in got, e


REAL_EXPECTED = sorted((CORPORA / "real-expected").glob("*.expected.json"))


@pytest.mark.real
@pytest.mark.parametrize("exp_path", REAL_EXPECTED, ids=[p.stem for p in REAL_EXPECTED])
def test_real_report_ledger_matches_the_reviewed_one(exp_path: Path):
    from conftest import REAL
    from checker.readers import read_document

    exp = json.loads(exp_path.read_text(encoding="utf-8"))
    src = REAL / exp["file"]
    if not src.exists() or "claims" not in exp:
        pytest.skip("real report not available")
    doc = read_document(str(src))
    res = lint(doc)
    got = sorted((c.text, c.cell, c.narrative_value, c.status) for c in res.claims)
    want = sorted((c["text"], c["cell"], c["value"], c["status"]) for c in exp["claims"])
    assert got == want
    # every mismatch reported is one recorded as a real inconsistency of the report
    found = [doc.text[d.start:d.end] for d in res.diagnostics]
    recorded = [d.get("find", d.get("text", "")) for d in exp["defects"] if d["category"] == "crosscheck"]
    assert len(found) == len(recorded), (found, recorded)
    for f in found:
        assert any(r in f or f in r for r in recorded), f


def test_cli_json_and_text_ledger():
    """End to end: the JSON ``claims`` of the example and the ``--show-claims`` listing."""
    from conftest import lint_json, run_cli

    data, _ = lint_json(str(SEED), "--select", "crosscheck")
    [f] = data["files"]
    if not f["claims"] or all(c["status"] == "unresolved" for c in f["claims"]):
        pytest.skip("table recognition not available yet")
    assert not f["diagnostics"]
    verified = {(c["range"]["start"]["line"], c["cell"]) for c in f["claims"] if c["status"] == "verified"}
    assert (16, "表三/一、本年新收政府信息公开申请数量/总计") in verified
    assert (16, "表三/四、结转下年度继续办理/总计") in verified
    p = run_cli("lint", str(CORPORA / "claims" / "qingshan-baishi-2023.txt"), "--select", "crosscheck",
                "--show-claims", env={"NO_COLOR": "1"})
    assert p.returncode == 1
    assert "正文数据核对（9 项：一致 6，不一致 3，未能对应 0）" in p.stdout
    assert "✗ 不一致 “均获维持”" in p.stdout
