"""The public CLI end to end: JSON contract, positions, encodings, exit codes, config."""
import json
from pathlib import Path

import jsonschema
import pytest

from conftest import CORPORA, ROOT, SEED, lint_json, run_cli

SCHEMA = json.loads((ROOT / "checker" / "schema" / "output.schema.json").read_text(encoding="utf-8"))


def corpus_files():
    exts = {".txt", ".md", ".docx", ".html", ".pdf"}
    return sorted(p for p in CORPORA.rglob("*") if p.suffix in exts and p.is_file())


def test_version():
    p = run_cli("--version")
    assert p.returncode == 0 and p.stdout.startswith("checker ")


@pytest.fixture(scope="module")
def corpus_run():
    """One CLI run over every corpus file (spawning one process per file is slow)."""
    files = corpus_files()
    data, proc = lint_json(*files)
    return files, data, proc


def test_corpus_run_exit_code_and_schema(corpus_run):
    files, data, proc = corpus_run
    jsonschema.validate(data, SCHEMA)
    assert proc.returncode in (0, 1), proc.stderr
    assert len(data["files"]) == len(files)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_json_contract_and_exact_spans(corpus_run, path):
    from checker.readers import read_document

    _, data, _ = corpus_run
    f = next(f for f in data["files"] if Path(f["path"]) == path)
    assert f["error"] is None
    text = read_document(str(path)).text  # the text `checker text` prints (checked below)
    lines = text.split("\n")
    for d in f["diagnostics"]:
        s, e = d["range"]["start"], d["range"]["end"]
        assert text[s["offset"]:e["offset"]] == d["text"]
        # line/column agree with offsets
        assert sum(len(x) + 1 for x in lines[: s["line"] - 1]) + s["column"] - 1 == s["offset"]
        assert sum(len(x) + 1 for x in lines[: e["line"] - 1]) + e["column"] - 1 == e["offset"]
        for r in d.get("related", []):
            assert 0 <= r["range"]["start"]["offset"] <= r["range"]["end"]["offset"] <= len(text)
        if "fix" in d:
            fs, fe = d["fix"]["range"]["start"]["offset"], d["fix"]["range"]["end"]["offset"]
            assert 0 <= fs <= fe <= len(text)


@pytest.mark.parametrize("path", [p for p in corpus_files() if p.suffix in (".docx", ".pdf", ".html")][:3]
                         + [SEED], ids=lambda p: p.name)
def test_text_command_is_the_text_positions_refer_to(path):
    from checker.readers import read_document

    out = run_cli("text", path).stdout
    text = read_document(str(path)).text
    assert out == text if text.endswith("\n") else out == text + "\n"


def test_json_is_the_only_stdout_and_summary_counts():
    data, proc = lint_json(SEED)
    f = data["files"][0]
    sev = [d["severity"] for d in f["diagnostics"]]
    assert data["summary"]["errors"] == sev.count("error")
    assert data["summary"]["warnings"] == sev.count("warning")
    assert f["report"]["year"] == 2020 and "黑庄户乡" in f["report"]["unit"]


def test_gb18030_and_crlf_give_same_positions(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    gb = tmp_path / "gb.txt"
    gb.write_bytes(text.encode("gb18030"))
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    bom16 = tmp_path / "u16.txt"
    bom16.write_bytes(text.encode("utf-16"))
    data, _ = lint_json(SEED, gb, crlf, bom16)
    by = {Path(f["path"]).name: f for f in data["files"]}

    def positions(f):
        return sorted((d["rule"], d["range"]["start"]["line"], d["range"]["start"]["column"],
                       d["range"]["end"]["line"], d["range"]["end"]["column"]) for d in f["diagnostics"])

    ref = positions(by[SEED.name])
    assert ref
    for p in (gb, crlf, bom16):
        assert positions(by[p.name]) == ref, p.name
    assert by["gb.txt"]["encoding"] == "gb18030"
    assert by["u16.txt"]["encoding"].startswith("utf-16")


def test_exit_codes(tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text("本机关认真落实政务公开工作要求。\n", encoding="utf-8")
    assert run_cli("lint", clean).returncode == 0
    bad = tmp_path / "bad.txt"
    bad.write_text("本机关涉及涉及多个部门。\n", encoding="utf-8")
    assert run_cli("lint", bad).returncode == 1
    assert run_cli("lint", bad, "--fail-on", "error", "--ignore", "repetition").returncode == 0
    missing = tmp_path / "missing.txt"
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    data, proc = lint_json(bad, missing, empty)
    assert proc.returncode == 2
    by = {Path(f["path"]).name: f for f in data["files"]}
    assert by["missing.txt"]["error"] and by["empty.txt"]["error"]
    assert by["bad.txt"]["diagnostics"], "readable files are still checked"
    assert "missing.txt" in proc.stderr


def test_text_format_shows_source_and_underline(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("标题\n本机关涉及涉及多个部门。\n", encoding="utf-8")
    p = run_cli("lint", bad)
    assert f"{bad}:2:4: error [repetition.word]" in p.stdout
    assert "^^^^^^^^" in p.stdout and "共发现 1 个问题" in p.stdout


def test_select_and_ignore_prefixes(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("本机关涉及涉及多个部门，超出现定时限。\n", encoding="utf-8")
    rules = lambda *a: sorted({d["rule"] for d in lint_json(bad, *a)[0]["files"][0]["diagnostics"]})  # noqa: E731
    assert rules("--select", "typo") == ["typo.common"]
    assert "typo.common" not in rules("--ignore", "typo.common")
    assert rules("--select", "typo,repetition.word") == ["repetition.word", "typo.common"]


def test_rules_and_rule_commands():
    p = run_cli("rules")
    assert p.returncode == 0 and "typo.common" in p.stdout and "repetition.word" in p.stdout
    p = run_cli("rule", "typo.common")
    assert p.returncode == 0 and "错误示例" in p.stdout and "正确示例" in p.stdout
    p = run_cli("rule", "typo.comon")
    assert p.returncode == 2 and "typo.common" in p.stderr


def test_text_command_prints_positions_text():
    p = run_cli("text", SEED)
    assert p.returncode == 0
    assert p.stdout.split("\n")[0] == "北京市朝阳区黑庄户乡人民政府"
