"""`--format sarif|github|concise`: SARIF validated against the official 2.1.0 schema, GitHub
workflow-command escaping, one-line concise output."""
from __future__ import annotations

import json
import re
from urllib.parse import unquote

import jsonschema
import pytest

from conftest import ROOT, SEED, lint_text, run_cli
from checker import formats
from checker.diagnostics import Diagnostic, Edit, Fix, Related
from checker.linter import FileResult

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-2.1.0.schema.json").read_text(encoding="utf-8"))

# an astral character (U+20000) and a CJK line before the defects
TEXT = "关于某某乡2020年政府信息公开工作年度报告\n𠀀本机关里面涉及涉及多个科室，部分申请超出现定时限答复。\n"


def validate_sarif(data: dict) -> None:
    cls = jsonschema.validators.validator_for(SARIF_SCHEMA)
    assert cls is jsonschema.Draft4Validator  # the official schema is draft-04
    cls.check_schema(SARIF_SCHEMA)
    cls(SARIF_SCHEMA, format_checker=cls.FORMAT_CHECKER).validate(data)


def _result_with_related(tmp_path):
    """A FileResult with related locations, a location string and a multi-edit fix (built by hand)."""
    r = lint_text(TEXT, path=str(tmp_path / "r.txt"))
    doc = r.doc
    s = doc.text.index("多个科室")
    r.diagnostics.append(Diagnostic(
        rule="consistency.self-name", category="consistency", severity="warning",
        message="正文数字与表格不一致: 100%, 见表三", start=s, end=s + 4,
        related=[Related("表格中的值", 0, 2), Related("另一个文件", 0, 1, path=str(tmp_path / "other.txt"))],
        fix=Fix([Edit(s, s + 2, "若干"), Edit(s + 2, s + 4, "部门")], safe=False), location="表三 第5行 第8列"))
    r.diagnostics.sort(key=Diagnostic.sort_key)
    return r


def test_sarif_in_process_is_valid_and_complete(tmp_path):
    from checker.engine.packs import load_rules
    from checker.explain import explain

    r = _result_with_related(tmp_path)
    bad = FileResult(path=str(tmp_path / "missing.txt"), error="文件不存在")
    data = json.loads(formats.get("sarif")([r, bad], formats.FormatOptions()))
    validate_sarif(data)
    assert data["version"] == "2.1.0"
    run = data["runs"][0]
    assert run["columnKind"] == "unicodeCodePoints"
    rules = run["tool"]["driver"]["rules"]
    known = load_rules()
    results = run["results"]
    assert {x["ruleId"] for x in results} == {"repetition.word", "typo.common", "consistency.self-name"}
    for res in results:
        desc = rules[res["ruleIndex"]]
        assert desc["id"] == res["ruleId"]
        if res["ruleId"] in known:
            meta = known[res["ruleId"]].meta
            assert desc["shortDescription"]["text"] == meta.summary
            assert desc["fullDescription"]["text"] == explain(meta)  # the text of `checker rule ID`
            assert desc["help"]["text"] and "checker rule" in desc["help"]["text"]
            assert desc["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                             "info": "note"}[meta.severity]
    # regions: code-point columns, exclusive end; the astral character counts as one column
    lines = TEXT.split("\n")
    rep = next(x for x in results if x["ruleId"] == "repetition.word")
    reg = rep["locations"][0]["physicalLocation"]["region"]
    col = lines[1].index("涉及涉及") + 1
    assert (reg["startLine"], reg["startColumn"], reg["endLine"], reg["endColumn"]) == (2, col, 2, col + 4)
    assert reg["snippet"]["text"] == "涉及涉及"
    for res in results:
        reg = res["locations"][0]["physicalLocation"]["region"]
        line = lines[reg["startLine"] - 1]
        assert line[reg["startColumn"] - 1:reg["endColumn"] - 1] == reg["snippet"]["text"]
    # related locations, the human location, fixes
    hand = next(x for x in results if x["ruleId"] == "consistency.self-name")
    assert [x["message"]["text"] for x in hand["relatedLocations"]] == ["表格中的值", "另一个文件"]
    assert hand["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 1
    assert unquote(hand["relatedLocations"][1]["physicalLocation"]["artifactLocation"]["uri"]).endswith("other.txt")
    assert hand["locations"][0]["message"]["text"] == "表三 第5行 第8列"
    assert len(hand["fixes"][0]["artifactChanges"][0]["replacements"]) == 2
    assert hand["fixes"][0]["properties"]["safe"] is False
    typo = next(x for x in results if x["ruleId"] == "typo.common")
    assert typo["fixes"][0]["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"] == "规定时限"
    assert all(x["partialFingerprints"]["checkerFingerprint/v1"] for x in results)
    # the unreadable file is a notification, not a result
    inv = run["invocations"][0]
    assert inv["executionSuccessful"] is False
    assert "文件不存在" in inv["toolExecutionNotifications"][0]["message"]["text"]
    # Chinese file names are percent-encoded URIs
    uri = run["artifacts"][0]["location"]["uri"]
    assert unquote(uri).endswith("r.txt")


def test_sarif_chinese_path_uri(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = lint_text(TEXT, path="年报 2020/报告.txt")
    data = json.loads(formats.get("sarif")([r], formats.FormatOptions()))
    validate_sarif(data)
    loc = data["runs"][0]["artifacts"][0]["location"]
    assert loc["uriBaseId"] == "%SRCROOT%" and " " not in loc["uri"]
    assert unquote(loc["uri"]) == "年报 2020/报告.txt"
    assert data["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_cli_on_example_report():
    p = run_cli("lint", "--format", "sarif", SEED)
    assert p.returncode == 1, p.stderr
    data = json.loads(p.stdout)
    validate_sarif(data)
    run = data["runs"][0]
    assert run["results"], "the example report has findings"
    text = SEED.read_text(encoding="utf-8").split("\n")
    for res in run["results"]:
        reg = res["locations"][0]["physicalLocation"]["region"]
        if reg["startLine"] == reg["endLine"] and "snippet" in reg:
            assert text[reg["startLine"] - 1][reg["startColumn"] - 1:reg["endColumn"] - 1] == reg["snippet"]["text"]
    rep = [x for x in run["results"] if x["ruleId"] == "repetition.word"]
    assert rep and rep[0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 437


def test_sarif_no_results_still_lists_rules():
    r = lint_text("本机关认真落实政务公开工作要求。\n")
    data = json.loads(formats.get("sarif")([r], formats.FormatOptions()))
    validate_sarif(data)
    run = data["runs"][0]
    assert run["results"] == [] and len(run["tool"]["driver"]["rules"]) >= 2


# --------------------------------------------------------------------------- github

CMD = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape(s: str) -> str:
    return s.replace("%0A", "\n").replace("%0D", "\r").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def _parse(line: str):
    m = CMD.match(line)
    assert m, line
    props = dict(kv.split("=", 1) for kv in m.group(2).split(","))
    return m.group(1), {k: _unescape(v) for k, v in props.items()}, _unescape(m.group(3))


def test_github_annotations_and_escaping(tmp_path):
    r = _result_with_related(tmp_path)
    r.path = "dir,a:b%/年报.txt"
    out = formats.get("github")([r, FileResult(path="gone.txt", error="文件不存在")], formats.FormatOptions())
    lines = out.splitlines()
    assert len(lines) == len(r.diagnostics) + 1
    parsed = [_parse(x) for x in lines]
    for (kind, props, msg), d in zip(parsed, r.diagnostics):
        assert kind == {"error": "error", "warning": "warning", "info": "notice"}[d.severity]
        assert props["file"] == "dir,a:b%/年报.txt"
        s, e = r.doc.position(d.start), r.doc.position(d.end)
        assert (props["line"], props["col"], props["endLine"], props["endColumn"]) == tuple(
            map(str, (s.line, s.column, e.line, e.column)))
        assert props["title"].startswith(d.rule)
        assert msg.startswith(d.message)
    # raw escaping: no bare newline, comma or colon inside properties; % escaped first
    hand = next(x for x in lines if "consistency.self-name" in x)
    assert "file=dir%2Ca%3Ab%25/" in hand
    message = hand.split("::", 2)[2]
    assert "不一致: 100%25, 见表三" in message  # the message keeps ':' and ',' but escapes %
    assert "%0A位置：表三" in message  # … and newlines
    assert "\r" not in out and out.count("\n") == len(lines)
    assert lines[-1].startswith("::error file=gone.txt") and "文件不存在" in lines[-1]


def test_github_cli_exit_code(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("本机关涉及涉及多个部门。\n", encoding="utf-8")
    p = run_cli("lint", "--format", "github", bad)
    assert p.returncode == 1
    kind, props, msg = _parse(p.stdout.strip().splitlines()[0])
    assert kind == "error" and props["line"] == "1" and props["col"] == "4" and props["endColumn"] == "8"
    assert "涉及" in msg


# --------------------------------------------------------------------------- concise

LINE = re.compile(r"^(?P<path>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) \[(?P<rule>[a-z0-9.-]+)\] "
                  r"(?P<msg>.+)$")


def test_concise_one_line_per_diagnostic(tmp_path):
    r = _result_with_related(tmp_path)
    r.diagnostics[0].message += "\n第二行"
    out = formats.get("concise")([r, FileResult(path="gone.txt", error="文件不存在")], formats.FormatOptions())
    lines = out.splitlines()
    diag_lines = [x for x in lines if LINE.match(x)]
    assert len(diag_lines) == len(r.diagnostics)
    for x, d in zip(diag_lines, r.diagnostics):
        m = LINE.match(x)
        pos = r.doc.position(d.start)
        assert (int(m["line"]), int(m["col"]), m["sev"], m["rule"]) == (pos.line, pos.column, d.severity, d.rule)
        assert "\n" not in m["msg"]
    assert "gone.txt: error 无法检查：文件不存在" in lines
    assert lines[-1].startswith(f"共 {len(r.diagnostics)} 个问题")


def test_concise_clean_is_empty():
    r = lint_text("本机关认真落实政务公开工作要求。\n")
    assert formats.get("concise")([r], formats.FormatOptions()) == ""


@pytest.mark.parametrize("name", ["concise", "github", "sarif"])
def test_formats_registered(name):
    assert name in formats.names()


def test_sarif_docx_positions_refer_to_extracted_text(tmp_path):
    docx = pytest.importorskip("docx")
    from checker.linter import lint_file

    path = tmp_path / "r.docx"
    d = docx.Document()
    d.add_paragraph("本机关里面涉及涉及多个科室。")
    d.save(str(path))
    r = lint_file(str(path))
    data = json.loads(formats.get("sarif")([r], formats.FormatOptions()))
    validate_sarif(data)
    res = next(x for x in data["runs"][0]["results"] if x["ruleId"] == "repetition.word")
    assert res["properties"]["positionsReferTo"] == "extractedText"
    assert "fixes" not in res  # SARIF fixes would address the zip bytes, not the text
    reg = res["locations"][0]["physicalLocation"]["region"]
    assert r.doc.line_text(reg["startLine"])[reg["startColumn"] - 1:reg["endColumn"] - 1] == "涉及涉及"
