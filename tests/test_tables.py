"""Table recognition (表二/表三/表四) in every layout, and the table.* rules."""
from __future__ import annotations

import json

import pytest

from checker.config import Config, Overrides
from checker.document import Grid, GridCell
from checker.linter import lint_document
from checker.readers import document_from_text, read_document, supported_suffixes
from checker.report import analyze
from checker.report.tables import tables_csv, tables_json, tables_markdown
from checker.report.templates import load_template, norm, parse_value
from conftest import CORPORA, REAL, SEED, lint_text, run_cli

LAYOUTS = CORPORA / "layouts"
EXPECTED = CORPORA / "real-expected"

T3_COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
T4_COLS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T3_ROWS_2019 = [
    "一、本年新收政府信息公开申请数量",
    "二、上年结转政府信息公开申请数量",
    "（一）予以公开",
    "（二）部分公开",
    "（三）不予公开/1.属于国家秘密",
    "（三）不予公开/2.其他法律行政法规禁止公开",
    "（三）不予公开/3.危及“三安全一稳定”",
    "（三）不予公开/4.保护第三方合法权益",
    "（三）不予公开/5.属于三类内部事务信息",
    "（三）不予公开/6.属于四类过程性信息",
    "（三）不予公开/7.属于行政执法案卷",
    "（三）不予公开/8.属于行政查询事项",
    "（四）无法提供/1.本机关不掌握相关政府信息",
    "（四）无法提供/2.没有现成信息需要另行制作",
    "（四）无法提供/3.补正后申请内容仍不明确",
    "（五）不予处理/1.信访举报投诉类申请",
    "（五）不予处理/2.重复申请",
    "（五）不予处理/3.要求提供公开出版物",
    "（五）不予处理/4.无正当理由大量反复申请",
    "（五）不予处理/5.要求行政机关确认或重新出具已获取信息",
    "（六）其他处理",
    "（七）总计",
    "四、结转下年度继续办理",
]


def _cfg(select: str) -> Config:
    return Overrides(select=tuple(select.split(","))).apply(Config())


@pytest.fixture(scope="module")
def seed_doc():
    return read_document(str(SEED))


def values(doc) -> dict:
    return {k: c.value for t in doc.tables for k, c in t.cells.items()}


# ---------------------------------------------------------------------------
# the example report: every cell


def test_seed_metadata(seed_doc):
    assert seed_doc.report.template == "2019"
    assert seed_doc.report.expected_template == "2019"
    assert [t.name for t in seed_doc.tables] == ["表二", "表三", "表四"]
    assert all(t.template == "2019" for t in seed_doc.tables)
    assert seed_doc.table_issues == []


def test_seed_table2_every_cell(seed_doc):
    i1, i5, i6, i8, i9 = (f"表二/第二十条第（{x}）项" for x in "一五六八九")
    c3 = ["上一年项目数量", "本年增/减", "处理决定数量"]
    expected = {}
    for row in ("规章", "规范性文件"):
        for col in ("本年新制作数量", "本年新公开数量", "对外公开总数量"):
            expected[f"{i1}/{row}/{col}"] = 0
    for row in ("行政许可", "其他对外管理服务事项/行政检查", "其他对外管理服务事项/行政确认"):
        for col in c3:
            expected[f"{i5}/{row}/{col}"] = 0
    expected.update({f"{i6}/行政处罚/{c}": v for c, v in zip(c3, (177, -105, 73))})
    expected.update({f"{i6}/行政强制/{c}": 0 for c in c3})
    expected.update({f"{i8}/行政事业性收费/上一年项目数量": 0, f"{i8}/行政事业性收费/本年增/减": 0})
    expected.update({f"{i9}/政府集中采购/采购项目数量": 59, f"{i9}/政府集中采购/采购总金额": 179.739})
    t = seed_doc.table("表二")
    assert {k: c.value for k, c in t.cells.items()} == expected
    amount = t.get(f"{i9}/政府集中采购/采购总金额")
    assert amount.raw == "179.7390" and isinstance(amount.value, float)
    change = t.get(f"{i6}/行政处罚/本年增/减")
    assert change.raw == "-105" and change.row == "第二十条第（六）项/行政处罚" and change.col == "本年增/减"


def test_seed_table3_every_cell(seed_doc):
    nonzero = {
        "一、本年新收政府信息公开申请数量": 6,
        "（一）予以公开": 1,
        "（四）无法提供/1.本机关不掌握相关政府信息": 5,
        "（七）总计": 6,
    }
    expected = {}
    for row in T3_ROWS_2019:
        v = nonzero.get(row, 0)
        for col in T3_COLS:
            expected[f"表三/{row}/{col}"] = v if col in ("自然人", "总计") else 0
    t = seed_doc.table("表三")
    assert {k: c.value for k, c in t.cells.items()} == expected
    assert list(t.cells)[0] == "表三/一、本年新收政府信息公开申请数量/自然人"  # template order


def test_seed_table4_every_cell(seed_doc):
    expected = {}
    for g in ("行政复议", "行政诉讼/未经复议直接起诉", "行政诉讼/复议后起诉"):
        for col in T4_COLS:
            expected[f"表四/{g}/{col}"] = 0
    expected["表四/行政诉讼/未经复议直接起诉/尚未审结"] = 2
    expected["表四/行政诉讼/未经复议直接起诉/总计"] = 2
    assert {k: c.value for k, c in seed_doc.table("表四").cells.items()} == expected


def test_seed_cell_spans_and_locations(seed_doc):
    doc = seed_doc
    for t in doc.tables:
        for c in t.cells.values():
            assert doc.text[c.start:c.end] == c.raw, c.key
            assert c.location and c.location.startswith(t.name)
    c = doc.cell("表三/（四）无法提供/1.本机关不掌握相关政府信息/总计")
    assert doc.position(c.start).line == 272
    assert c.location == "表三 第13行 第7列"
    c = doc.cell("表四/行政诉讼/未经复议直接起诉/总计")
    assert doc.position(c.start).line == 424 and c.location == "表四 第1行 第10列"
    assert doc.position(doc.cell("表二/第二十条第（九）项/政府集中采购/采购总金额").start).line == 111


def test_seed_table_paragraphs_are_not_prose(seed_doc):
    doc = seed_doc
    kinds = {doc.position(p.start).line: p.kind for p in doc.paragraphs}
    for line in (35, 38, 172, 174, 265, 364, 388, 389, 404, 429):  # labels, broken labels, vertical header, values
        assert kinds[line] == "table", line
    for line in (12, 435, 442):
        assert kinds[line] == "prose", line


def test_seed_has_no_table_diagnostics(seed_doc):
    res = lint_document(seed_doc, _cfg("table,structure"))
    assert res.diagnostics == []


# ---------------------------------------------------------------------------
# planted arithmetic errors in the example: the diagnostic is at the wrong cell

SEED_LINES = SEED.read_text(encoding="utf-8").split("\n")


def _plant(line: int, value: str) -> str:
    lines = list(SEED_LINES)
    assert lines[line - 1].startswith("\t") and lines[line - 1].strip() != value
    lines[line - 1] = "\t" + value
    return "\n".join(lines)


@pytest.mark.parametrize("line,value,key,rules", [
    # a natural-person figure: breaks the row total and the column balance → blamed itself
    (134, "7", "表三/一、本年新收政府信息公开申请数量/自然人", {"table.balance", "table.row-total"}),
    # a row total
    (140, "5", "表三/一、本年新收政府信息公开申请数量/总计", {"table.balance", "table.row-total"}),
    # the grand total
    (371, "8", "表三/（七）总计/总计", {"table.balance", "table.result-total", "table.row-total"}),
    # a leaf row: breaks its row total and （七） of its column
    (266, "4", "表三/（四）无法提供/1.本机关不掌握相关政府信息/自然人", {"table.result-total", "table.row-total"}),
    # carried over to next year
    (374, "1", "表三/四、结转下年度继续办理/自然人", {"table.balance", "table.row-total"}),
    # 表四: one identity per group, the total is blamed
    (424, "3", "表四/行政诉讼/未经复议直接起诉/总计", {"table.review-total"}),
])
def test_planted_error_is_reported_at_the_cell(line, value, key, rules):
    doc = document_from_text(_plant(line, value), "planted.txt")
    res = lint_document(doc, _cfg("table"))
    assert {d.rule for d in res.diagnostics} == rules
    cell = doc.cell(key)
    for d in res.diagnostics:
        assert (d.start, d.end) == (cell.start, cell.end), d.message
        assert doc.position(d.start).line == line
        assert d.location == cell.location
        assert cell.row in d.message and cell.col in d.message
        assert f"表中为{value}" in d.message
        assert d.related and all(r.start < r.end for r in d.related)


def test_blamed_total_names_expected_value_and_parts():
    doc = document_from_text(_plant(424, "3"), "planted.txt")
    (d,) = lint_document(doc, _cfg("table")).diagnostics
    assert "应为2，表中为3" in d.message
    assert {doc.text[r.start:r.end] for r in d.related} == {"0", "2"}
    assert len(d.related) == 4


def test_negative_count_and_blank_total():
    text = ("申请人情况\n| 一、本年新收政府信息公开申请数量 | 6 | 0 | 0 | 0 | 0 | -1 | 5 |\n"
            "| 二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 |  |\n")
    res = lint_text(text, select="table")
    doc = res.doc
    by_rule = {d.rule: d for d in res.diagnostics}
    assert set(by_rule) == {"table.value-format", "table.blank-total"}
    neg = doc.cell("表三/一、本年新收政府信息公开申请数量/其他")
    assert (by_rule["table.value-format"].start, by_rule["table.value-format"].end) == (neg.start, neg.end)
    blank = doc.cell("表三/二、上年结转政府信息公开申请数量/总计")
    assert blank.raw == "" and blank.value == 0 and blank.note == "空白，按0计"
    assert blank.start == blank.end and doc.text[blank.start - 2:blank.start + 2] == "|  |"[:4]
    d = by_rule["table.blank-total"]
    assert d.start == blank.start and "应为1" in d.message


# ---------------------------------------------------------------------------
# what extraction does to cells


def test_parse_value_variants():
    assert parse_value("１２").value == 12 and "全角数字" in parse_value("１２").notes
    assert parse_value("14,069").value == 14069 and "含千分位分隔符" in parse_value("14,069").notes
    assert parse_value("251000元").value == 251000 and parse_value("251000元").unit == "元"
    for dash in ("—", "-", "无", "／"):
        pv = parse_value(dash)
        assert pv.kind == "dash" and pv.value == 0, dash
    assert parse_value("").kind == "blank"
    assert parse_value("-105").value == -105
    assert parse_value("179.7390").decimals == 4
    assert parse_value("1.属于国家秘密") is None and parse_value("2023年") is None


def test_norm_labels():
    assert norm("（三）不予 公开") == norm("(三)不予公开")
    assert norm("1、申请人无正当理由") == norm("1.申请人无正当理由")
    assert norm("3.危及“三安全一稳定”") == norm('3.危及"三安全一稳定"')


def test_tab_rows_fullwidth_thousands_units_dashes():
    text = (
        "申请人情况\n"
        "一、本年新收政府信息公开申请数量\t１,２３４\t—\t0\t0\t0\t0\t1,234\n"
        "二、上年结转政府信息公开申请数量\t2件\t0\t0\t0\t0\t0\t2件\n"
    )
    doc = document_from_text(text, "t.txt")
    assert doc.table_issues == []
    c = doc.cell("表三/一、本年新收政府信息公开申请数量/自然人")
    assert c.value == 1234 and c.raw == "１,２３４" and "全角数字" in c.note
    dash = doc.cell("表三/一、本年新收政府信息公开申请数量/商业企业")
    assert dash.value == 0 and dash.raw == "—" and "按0计" in dash.note
    assert doc.cell("表三/二、上年结转政府信息公开申请数量/总计").value == 2
    res = lint_document(doc, _cfg("table"))
    assert [d.rule for d in res.diagnostics] == ["table.blank-cell"]


def test_space_separated_pdf_text_with_broken_labels():
    """A PDF text layer: values on one line, labels broken before and after them,
    a label with characters missing; unlabelled rows are placed by template order."""
    text = "\n".join([
        "申请人情况",
        "一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21",
        "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
        "（一）予以公开 0 0 0 0 0 0 0",
        "（二）部分公开（区分处理的，只计这一情 形，不",
        "4 0 0 0 0 0 4",
        "计其他情形）",
        "1 0 0 0 0 0 1",
        "1.属于国家秘密",
        "三 2.其他法律行政止公开 0 0 0 0 0 0 0",
        "- 3 -",
        "3.危及“三安全一稳定” 0 0 0 0 0 0 0",
    ])
    doc = document_from_text(text, "p.txt")
    assert doc.table_issues == []
    v = values(doc)
    assert v["表三/（二）部分公开/总计"] == 4
    assert v["表三/（三）不予公开/1.属于国家秘密/自然人"] == 1
    assert v["表三/（三）不予公开/2.其他法律行政法规禁止公开/总计"] == 0
    assert "表三/（三）不予公开/3.危及“三安全一稳定”/总计" in v


def test_ambiguous_unlabelled_rows_are_not_guessed():
    text = "\n".join([
        "申请人情况",
        "一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3",
        "1 0 0 0 0 0 1",
        "2 0 0 0 0 0 2",
        "（七）总计 3 0 0 0 0 0 3",
    ])
    doc = document_from_text(text, "a.txt")
    keys = values(doc)
    assert all(k.startswith(("表三/一、", "表三/（七）")) for k in keys)
    assert len(doc.table_issues) == 1 and "无法确定" in doc.table_issues[0][2]
    res = lint_document(doc, _cfg("structure.table-unrecognised,table"))
    assert [d.rule for d in res.diagnostics] == ["structure.table-unrecognised"]


def test_wrong_number_of_values_is_reported_not_guessed():
    doc = document_from_text("申请人情况\n一、本年新收政府信息公开申请数量 6 0 0 0 0 6 1 2\n", "w.txt")
    assert not doc.tables
    assert "8个单元格" in doc.table_issues[0][2]


def test_missing_and_extra_rows():
    text = (
        "第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可 12\n行政确认 3\n"
        "第二十条第（六）项\n信息内容 本年处理决定数量\n行政处罚 4\n"
    )
    doc = document_from_text(text, "x.txt")
    v = values(doc)
    assert v == {
        "表二/第二十条第（五）项/行政许可/本年处理决定数量": 12,
        "表二/第二十条第（五）项/行政确认/本年处理决定数量": 3,  # extra row, kept under its own label
        "表二/第二十条第（六）项/行政处罚/本年处理决定数量": 4,  # 行政强制 missing: simply absent
    }
    assert doc.report.template == "2021"


def test_grids_from_a_structured_reader():
    """The same recogniser on doc.grids: one cell per line, merged cells written once."""
    rows = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["一、本年新收政府信息公开申请数量", "2", "0", "0", "0", "0", "0", "2"],
        ["二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"],
        ["三、本年度办理结果", "（一）予以公开", "", "1", "0", "0", "0", "0", "0", "1"],
        ["（七）总计", "", "1", "0", "0", "0", "0", "0", "1"],
        ["四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"],
    ]
    lines, cells, off = [], [], 0
    for r, row in enumerate(rows):
        for c, txt in enumerate(row):
            cells.append(GridCell(txt, off, off + len(txt), r, c))
            lines.append(txt)
            off += len(txt) + 1
    text = "三、收到和处理政府信息公开申请情况\n"
    shift = len(text)
    text += "\n".join(lines) + "\n"
    for g in cells:
        g.start += shift
        g.end += shift
    from checker.document import Document

    doc = Document(path="g.html", format="html", text=text, grids=[Grid(cells, cells[0].start, cells[-1].end)])
    analyze(doc)
    assert doc.table_issues == []
    v = values(doc)
    assert v["表三/（一）予以公开/总计"] == 1 and v["表三/四、结转下年度继续办理/自然人"] == 1
    assert len(v) == 5 * 7
    blank_free = [c for c in doc.table("表三").cells.values() if not c.raw]
    assert blank_free == []  # the empty sub-label cells are label columns, not values


# ---------------------------------------------------------------------------
# the same report in every layout

LAYOUT_SETS = [
    ("heizhuanghu-2020", SEED),
    ("qingxi-2022", LAYOUTS / "qingxi-2022.txt"),
    ("qingxi-2022-planted", LAYOUTS / "qingxi-2022-planted.txt"),
]


def _layout_files(stem):
    return [LAYOUTS / f"{stem}.{ext}" for ext in ("md", "docx", "html", "pdf")]


@pytest.mark.parametrize("stem,base", LAYOUT_SETS, ids=[s for s, _ in LAYOUT_SETS])
def test_layouts_give_identical_tables(stem, base):
    files = [f for f in _layout_files(stem) if f.exists() and f.suffix in supported_suffixes()]
    if not base.exists() or len(files) < 4:
        pytest.skip("layout fixtures not rendered yet")
    def exported(doc):  # what `checker tables --format json` prints, without positions
        data = tables_json(doc)
        return data["report"]["template"], data["issues"], {
            c["key"]: (c["value"], c["raw"].strip()) for t in data["tables"] for c in t["cells"]}

    ref = exported(read_document(str(base)))
    assert len(ref[2]) >= 200 and ref[1] == []
    for f in files:
        assert exported(read_document(str(f))) == ref, f.name


def test_cli_tables_pdf_equals_txt():
    pdf = LAYOUTS / "heizhuanghu-2020.pdf"
    if not pdf.exists() or ".pdf" not in supported_suffixes():
        pytest.skip("PDF fixture or reader not available")
    p = run_cli("tables", str(pdf), "--format", "json")
    assert p.returncode == 0, p.stderr
    got = {c["key"]: c["value"] for t in json.loads(p.stdout)["tables"] for c in t["cells"]}
    assert got == values(read_document(str(SEED)))


PLANTED_CELLS = {
    "表二/第二十条第（一）项/行政规范性文件/本年制发件数": {"table.document-count"},
    "表三/（三）不予公开/4.保护第三方合法权益/总计": {"table.result-total", "table.row-total"},
    "表四/行政复议/总计": {"table.review-total"},
}


@pytest.mark.parametrize("ext", ["txt", "md", "docx", "html", "pdf"])
def test_planted_errors_reported_at_the_cell_in_every_layout(ext):
    f = LAYOUTS / f"qingxi-2022-planted.{ext}"
    if not f.exists() or f.suffix not in supported_suffixes():
        pytest.skip("layout fixture not rendered yet")
    doc = read_document(str(f))
    res = lint_document(doc, _cfg("table"))
    got: dict[str, set] = {}
    for d in res.diagnostics:
        cell = next(c for t in doc.tables for c in t.cells.values() if (c.start, c.end) == (d.start, d.end))
        got.setdefault(cell.key, set()).add(d.rule)
    assert got == PLANTED_CELLS
    clean = read_document(str(LAYOUTS / f"qingxi-2022.{ext}"))
    assert lint_document(clean, _cfg("table")).diagnostics == []


# ---------------------------------------------------------------------------
# real reports (../shared/corpora/real), checked against hand-verified values

REAL_FILES = ["hongze-2023.pdf", "huaian-2024.pdf", "stcsm-2024.md", "ceshi-2025.html"]


@pytest.mark.real
@pytest.mark.parametrize("name", REAL_FILES)
def test_real_report_tables(name):
    path = REAL / name
    if not path.exists():
        pytest.skip("../shared/corpora/real is not available")
    if path.suffix not in supported_suffixes():
        pytest.skip(f"no reader for {path.suffix} yet")
    exp = json.loads((EXPECTED / f"{path.stem}.tables.json").read_text(encoding="utf-8"))
    doc = read_document(str(path))
    assert doc.report.template == exp["template"]
    assert doc.table_issues == []
    got = values(doc)
    assert got == exp["cells"]
    blanks = sorted(k for t in doc.tables for k, c in t.cells.items() if not c.raw.strip())
    assert blanks == sorted(exp["blank"])
    res = lint_document(doc, _cfg("table,structure"))
    found = []
    for d in res.diagnostics:
        cell = next((c for t in doc.tables for c in t.cells.values() if (c.start, c.end) == (d.start, d.end)), None)
        found.append((d.rule, cell.key if cell else doc.line_text(doc.position(d.start).line).strip()))
    want = [(e["rule"], e.get("cell") or e["line_text"]) for e in exp["diagnostics"]]
    assert sorted(found) == sorted(want)
    for e in exp["diagnostics"]:
        if "expected" in e:
            d = next(d for d in res.diagnostics if d.rule == e["rule"] and doc.cell(e["cell"]).start == d.start)
            assert f"应为{e['expected']}" in d.message


# ---------------------------------------------------------------------------
# templates as data


def test_templates_describe_both_versions():
    t19, t21 = load_template("2019"), load_template("2021")
    assert t19.covers(2020) and not t19.covers(2021) and t21.covers(2023)
    assert [it.label for it in t19.tables["表二"].items][-1] == "第二十条第（九）项"
    assert "第二十条第（九）项" not in [it.label for it in t21.tables["表二"].items]
    assert [c.label for c in t21.tables["表三"].columns] == T3_COLS
    six19 = [r.key for r in t19.tables["表三"].rows if r.key.startswith("（六）")]
    six21 = [r.key for r in t21.tables["表三"].rows if r.key.startswith("（六）")]
    assert six19 == ["（六）其他处理"] and len(six21) == 4
    ids = {i.id for i in t21.identities}
    assert {"T3-1", "T3-2", "T3-3a", "T3-3b", "T3-3c", "T3-3d", "T3-4", "T4-1", "T2-1"} <= ids
    col = t19.tables["表二"].column("采购总金额", "第二十条第（九）项")
    assert col.type == "amount" and col.unit == "万元" and col.decimals == 4
    assert t19.tables["表二"].column("本年增/减", "第二十条第（六）项").type == "change"


# ---------------------------------------------------------------------------
# checker tables


def test_tables_exports(seed_doc):
    data = tables_json(seed_doc)
    assert data["report"]["template"] == "2019"
    t3 = next(t for t in data["tables"] if t["name"] == "表三")
    assert len(t3["cells"]) == 23 * 7
    c = next(c for c in t3["cells"] if c["key"] == "表三/（七）总计/总计")
    assert c["value"] == 6 and c["range"]["start"]["line"] == 371 and c["range"]["start"]["column"] == 2
    csv = tables_csv(seed_doc).splitlines()
    assert csv[0].startswith("table,row,col,value,raw,line,column")
    assert len(csv) == 1 + 25 + 161 + 15
    md = tables_markdown(seed_doc)
    assert "## 表三（2019版）" in md and "| （七）总计 | 6 (365:2)" in md
    assert "### 第二十条第（九）项" in md and "179.739 (111:2)" in md


def test_cli_tables_json():
    p = run_cli("tables", str(SEED), "--format", "json")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    cells = {c["key"]: c for t in data["tables"] for c in t["cells"]}
    assert cells["表四/行政诉讼/未经复议直接起诉/尚未审结"]["value"] == 2
    assert cells["表四/行政诉讼/未经复议直接起诉/尚未审结"]["range"]["start"]["line"] == 423
    bad = run_cli("tables", str(SEED), "--format", "xml")
    assert bad.returncode == 2 and "xml" in bad.stderr
