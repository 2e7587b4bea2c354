"""YAML rule packs and config: user rules without Python, clear errors for broken packs."""
import textwrap

import pytest

from checker.engine.packs import load_pack
from checker.engine.yamlload import PackError
from conftest import lint_json, lint_text, run_cli

USER_PACK = """\
pack: mine
rules:
  - id: style.no-jinqi
    type: existence
    severity: warning
    summary: 避免使用“近期”这类模糊时间
    message: "“{match}”含义模糊，请写明具体日期"
    tokens: [近期, 近日]
    exceptions: ["近日起"]
  - id: typo.local-names
    type: substitution
    severity: error
    summary: 本地地名写法
    pairs:
      - {wrong: 黑庄乡, right: 黑庄户乡}
      - {wrong: 截止, right: 截至, after: "\\\\d{4}年"}
"""


def write_project(tmp_path, config_name=".checker.yaml", config_body=None):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.yaml").write_text(USER_PACK, encoding="utf-8")
    if config_name == "pyproject.toml":
        (tmp_path / "pyproject.toml").write_text(
            config_body or '[tool.checker]\npacks = ["rules/mine.yaml"]\nignore = ["repetition"]\n', encoding="utf-8")
    else:
        (tmp_path / config_name).write_text(config_body or "packs: [rules/mine.yaml]\n", encoding="utf-8")
    sub = tmp_path / "reports" / "2024"
    sub.mkdir(parents=True)
    doc = sub / "r.txt"
    doc.write_text("近期，黑庄乡完成了工作。截止2024年12月31日，共收到申请。截止日期为每月底。近日起实施。\n",
                   encoding="utf-8")
    return doc


@pytest.mark.parametrize("config_name", [".checker.yaml", "pyproject.toml"])
def test_user_yaml_rule_is_picked_up_from_config_found_upward(tmp_path, config_name):
    doc = write_project(tmp_path, config_name)
    data, proc = lint_json(doc, cwd=tmp_path)
    found = [(d["rule"], d["text"]) for d in data["files"][0]["diagnostics"]]
    assert ("style.no-jinqi", "近期") in found
    assert ("typo.local-names", "黑庄乡") in found
    assert ("typo.local-names", "截止") in found
    # context guard: 截止日期 (not before a year) is right; 近日起 is an exception
    assert sum(1 for r, t in found if t == "截止" and r == "typo.local-names") == 1
    assert not any(t == "近日" for r, t in found)
    p = run_cli("rules", "--config", str(next(tmp_path.glob(config_name))))
    assert "style.no-jinqi" in p.stdout


def test_config_severity_and_per_file_ignores(tmp_path):
    body = ("packs: [rules/mine.yaml]\nseverity: {style.no-jinqi: error}\n"
            "per-file-ignores: {'reports/2024/*': [typo.local-names]}\n")
    doc = write_project(tmp_path, config_body=body)
    data, _ = lint_json(doc, cwd=tmp_path)
    diags = data["files"][0]["diagnostics"]
    assert {d["severity"] for d in diags if d["rule"] == "style.no-jinqi"} == {"error"}
    assert not any(d["rule"] == "typo.local-names" for d in diags)


@pytest.mark.parametrize("body,line,words", [
    ("pack: x\nrules:\n  - id: Typo.Bad\n    type: existence\n", 3, "id"),
    ("pack: x\nrules:\n  - id: typo.a\n    type: existence\n    severity: warning\n    summary: s\n", 3, "tokens"),
    ("pack: x\nrules:\n  - id: typo.a\n    type: nonsense\n", 3, "type"),
    ("pack: x\nrules:\n  - id: typo.a\n    type: existence\n    summary: s\n    pattern: '(ab'\n", 3, "正则"),
    ("pack: x\nrules:\n  - id: typo.a\n    type: existence\n    summary: s\n    tokens: [a]\n    colour: red\n",
     3, "colour"),
    ("pack: x\nrules:\n  - id: foo.a\n    type: existence\n    summary: s\n    tokens: [a]\n", 3, "类别"),
    ("pack: x\nrules: [\n", 3, "YAML"),
    ("pack: x\nrules:\n  - id: typo.a\n    type: substitution\n    summary: s\n    pairs:\n      - {wrong: a}\n",
     7, "right"),
])
def test_broken_pack_names_file_line_and_problem(tmp_path, body, line, words):
    p = tmp_path / "bad.yaml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(PackError) as ei:
        load_pack(str(p))
    assert ei.value.line == line, str(ei.value)
    assert words in str(ei.value)
    assert str(p) in str(ei.value)


def test_broken_pack_through_cli_is_a_clear_error(tmp_path):
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: typo.a\n    type: existence\n", encoding="utf-8")
    (tmp_path / ".checker.yaml").write_text("packs: [bad.yaml]\n", encoding="utf-8")
    doc = tmp_path / "r.txt"
    doc.write_text("正文。\n", encoding="utf-8")
    p = run_cli("lint", doc, cwd=tmp_path)
    assert p.returncode == 2
    assert "bad.yaml:2" in p.stdout + p.stderr and "Traceback" not in p.stderr


def test_unknown_config_key_is_reported(tmp_path):
    (tmp_path / ".checker.yaml").write_text("selct: [typo]\n", encoding="utf-8")
    doc = tmp_path / "r.txt"
    doc.write_text("正文。\n", encoding="utf-8")
    p = run_cli("lint", doc, cwd=tmp_path)
    assert p.returncode == 2 and "selct" in p.stdout + p.stderr


def test_catastrophic_regex_times_out_and_is_named(tmp_path):
    pack = textwrap.dedent("""\
        rules:
          - id: style.slow
            type: existence
            summary: slow
            pattern: '(a|aa)+$'
        """)
    (tmp_path / "slow.yaml").write_text(pack, encoding="utf-8")
    (tmp_path / ".checker.yaml").write_text("packs: [slow.yaml]\nrule-timeout: 0.5\n", encoding="utf-8")
    doc = tmp_path / "r.txt"
    doc.write_text("a" * 40 + "!\n", encoding="utf-8")
    p = run_cli("lint", doc, cwd=tmp_path)
    assert "style.slow" in p.stderr and "时间限制" in p.stderr


def test_cli_flags_override_config(tmp_path):
    doc = write_project(tmp_path, config_body="packs: [rules/mine.yaml]\nselect: [typo]\n")
    data, _ = lint_json(doc, "--select", "style", cwd=tmp_path)
    assert {d["rule"] for d in data["files"][0]["diagnostics"]} == {"style.no-jinqi"}


def test_repetition_allows_legitimate_reduplication():
    res = lint_text("工作人员常常深入基层，对申请逐一登记、逐一答复，年年开展培训。", select="repetition")
    assert res.diagnostics == []
    res = lint_text("里面涉及涉及多个科室。", select="repetition")
    assert [d.rule for d in res.diagnostics] == ["repetition.word"]
