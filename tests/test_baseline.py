"""Baseline files: known findings stop failing, new ones still fail; keyed by text, not by line numbers."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from conftest import run_cli
from checker.baseline import apply_baseline, fingerprint, read_baseline, write_baseline
from checker.config import Overrides
from checker.linter import lint_file

OLD = ("关于本机关政府信息公开工作的说明\n"
       "本机关里面涉及涉及多个科室，部分申请超出现定时限答复。\n"
       "第三行没有问题。\n")
SEL = Overrides(select=("repetition", "typo"))


def _lint(*paths):
    return [lint_file(str(p), SEL) for p in paths]


def _rules(results) -> Counter:
    return Counter((r.path.rsplit("/", 1)[-1], d.rule, r.doc.text[d.start:d.end]) for r in results for d in r.diagnostics)


def test_round_trip_suppresses_everything(tmp_path):
    rep = tmp_path / "reports" / "2020.txt"
    rep.parent.mkdir()
    rep.write_text(OLD, encoding="utf-8")
    base = tmp_path / "baseline.json"
    assert write_baseline(str(base), _lint(rep)) == 2
    data = json.loads(base.read_text(encoding="utf-8"))
    assert data["version"] == 1 and data["tool"] == "checker"
    assert {f["path"] for f in data["findings"]} == {"reports/2020.txt"}  # relative to the baseline's folder
    assert {f["text"] for f in data["findings"]} == {"涉及涉及", "现定时限"}
    assert all("line" not in f for f in data["findings"])
    results = _lint(rep)
    stats = apply_baseline(str(base), results)
    assert stats.suppressed == 2 and stats.stale == 0
    assert results[0].diagnostics == [] and not results[0].failed()


def test_new_findings_still_fail_and_moves_do_not(tmp_path):
    rep = tmp_path / "2020.txt"
    rep.write_text(OLD, encoding="utf-8")
    base = tmp_path / "b.json"
    write_baseline(str(base), _lint(rep))
    # lines inserted above and the old text moved down; a new mistake in a new sentence
    rep.write_text("新增的标题\n\n" + OLD + "本年度认真布署政务公开工作。\n", encoding="utf-8")
    results = _lint(rep)
    apply_baseline(str(base), results)
    assert _rules(results) == Counter({("2020.txt", "typo.common", "布署"): 1})
    assert results[0].failed()


def test_identical_findings_are_counted(tmp_path):
    rep = tmp_path / "r.txt"
    rep.write_text(OLD, encoding="utf-8")
    base = tmp_path / "b.json"
    write_baseline(str(base), _lint(rep))
    rep.write_text(OLD + OLD.split("\n")[1] + "\n", encoding="utf-8")  # the same sentence pasted again
    results = _lint(rep)
    stats = apply_baseline(str(base), results)
    assert stats.suppressed == 2
    assert _rules(results) == Counter({("r.txt", "repetition.word", "涉及涉及"): 1, ("r.txt", "typo.common", "现定时限"): 1})


def test_fixed_findings_are_reported_stale_and_other_files_unaffected(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(OLD, encoding="utf-8")
    b.write_text(OLD, encoding="utf-8")
    base = tmp_path / "b.json"
    write_baseline(str(base), _lint(a))  # only a.txt is baselined
    a.write_text(OLD.replace("现定时限", "规定时限"), encoding="utf-8")
    results = _lint(a, b)
    stats = apply_baseline(str(base), results)
    assert stats.suppressed == 1 and stats.stale == 1
    assert _rules(results) == Counter({("b.txt", "repetition.word", "涉及涉及"): 1, ("b.txt", "typo.common", "现定时限"): 1})


def test_fingerprint_ignores_whitespace_and_width_but_not_context(tmp_path):
    from checker.readers import document_from_text
    from checker.diagnostics import Diagnostic

    def fp(text, word):
        doc = document_from_text(text)
        s = doc.text.index(word)
        return fingerprint(Diagnostic("typo.common", "typo", "error", "m", s, s + len(word)), doc)

    base = fp("部分申请超出现定时限答复。\n", "现定时限")
    assert fp("\u3000\u3000部分申请超出现定时限答复。  \n", "现定时限") == base
    assert fp("前一行\n部分申请超出现定时限答复。\n", "现定时限") == base
    assert fp("其他申请超出现定时限答复。\n", "现定时限") != base
    assert fp("部分申请超出现定时限。\n", "现定时限") != base


def test_docx_baseline(tmp_path):
    docx = pytest.importorskip("docx")
    path = tmp_path / "r.docx"
    d = docx.Document()
    d.add_paragraph("本机关里面涉及涉及多个科室。")
    d.save(str(path))
    base = tmp_path / "b.json"
    assert write_baseline(str(base), _lint(path)) == 1
    d.add_paragraph("认真布署年度工作。")
    d.save(str(path))
    results = _lint(path)
    apply_baseline(str(base), results)
    assert _rules(results) == Counter({("r.docx", "typo.common", "布署"): 1})


@pytest.mark.parametrize("content,msg", [("{", "不是有效的JSON"), ('{"version": 9, "findings": []}', "不支持的基线版本"),
                                         ('{"version": 1}', "缺少 findings"),
                                         ('{"version": 1, "findings": [{"path": 1}]}', "第 1 条")])
def test_bad_baseline_files(tmp_path, content, msg):
    p = tmp_path / "b.json"
    p.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=msg):
        read_baseline(str(p))


def test_cli_write_then_use_baseline(tmp_path):
    rep = tmp_path / "old.txt"
    rep.write_text(OLD, encoding="utf-8")
    base = tmp_path / ".checker-baseline.json"
    p = run_cli("lint", "--select", "repetition,typo", "--write-baseline", base, rep)
    assert p.returncode == 0, p.stdout + p.stderr  # what was recorded is accepted
    assert "写入基线" in p.stderr and base.exists()
    rep.write_text(OLD + "本年度认真布署政务公开工作。\n", encoding="utf-8")
    p = run_cli("lint", "--select", "repetition,typo", "--baseline", base, "--format", "concise", rep)
    assert p.returncode == 1
    assert p.stdout.count("[typo.common]") == 1 and "布署" in p.stdout and "涉及" not in p.stdout
    assert "忽略了 2 个已知问题" in p.stderr
    with pytest.raises(OSError):
        read_baseline(str(tmp_path / "missing.json"))
