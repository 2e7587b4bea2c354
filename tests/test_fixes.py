"""`--fix` / `--diff`: safe fixes only, overlap handling, atomic byte-faithful writes, refusals, .docx runs."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import stat
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from conftest import SEED, run_cli
from checker.config import Config, Overrides
from checker.diagnostics import Diagnostic, Edit, Fix
from checker.fixes import adjust_line_ends, apply_edits, run_fixes, select_fixes
from checker.linter import FileResult, lint_document, lint_file
from checker.readers import document_from_text, read_document

BAD = "关于本机关政府信息公开工作的说明\n本机关里面涉及涉及多个科室，部分申请超出现定时限答复。\n第三行没有问题。\n"
CFG = Overrides(select=("repetition", "typo")).apply(Config())


def _lint(path: Path, cfg=CFG) -> FileResult:
    return lint_document(read_document(str(path)), cfg)


def _keys(data: dict) -> Counter:
    return Counter((d["rule"], d["text"]) for f in data["files"] for d in f["diagnostics"])


def _safe_fixed(data: dict) -> Counter:
    return Counter((d["rule"], d["text"]) for f in data["files"] for d in f["diagnostics"]
                   if d.get("fix", {}).get("safe"))


def _json_in_process(*paths) -> dict:
    from checker.formats.json_format import to_dict

    return json.loads(json.dumps(to_dict([lint_file(str(p)) for p in paths]), ensure_ascii=False))


def _expected_after_fix(text: str, data: dict) -> str:
    taken: list[tuple[int, int, str]] = []
    for d in data["files"][0]["diagnostics"]:
        fix = d.get("fix")
        if not fix or not fix.get("safe"):
            continue
        edits = fix.get("edits") or [{"range": fix["range"], "replacement": fix["replacement"]}]
        spans = [(e["range"]["start"]["offset"], e["range"]["end"]["offset"], e["replacement"]) for e in edits]
        if all(text[s:e] == r for s, e, r in spans) or set(spans) <= set(taken):
            continue
        if any(s < te and ts < e or s == ts for s, e, _ in spans for ts, te, _ in taken):
            continue
        taken += spans
    for s, e, r in sorted(taken, reverse=True):
        text = text[:s] + r + text[e:]
    return text


def test_fix_example_report_and_gb18030_crlf_copy(tmp_path):
    """--fix on the example report (UTF-8, LF) and on a GB18030 + CRLF copy: the same text comes out,
    the encodings and line ends are kept, re-linting shows the fixed diagnostics gone and nothing new."""
    text = SEED.read_text(encoding="utf-8")
    utf8 = tmp_path / "年报.txt"
    utf8.write_bytes(text.encode("utf-8"))
    utf8.chmod(0o640)
    gb = tmp_path / "gb-crlf.txt"
    gb.write_bytes(text.replace("\n", "\r\n").encode("gb18030"))

    before = _json_in_process(utf8)
    fixable = _safe_fixed(before)
    assert fixable, "the example report has safe fixes (涉及涉及, 现定时限)"

    p = run_cli("lint", "--fix", "--format", "json", utf8, gb)
    assert "已自动修复" in p.stderr, p.stderr
    fixed_out = json.loads(p.stdout)  # the report printed after --fix is a fresh lint of the fixed files

    new_text = utf8.read_bytes().decode("utf-8")
    assert "涉及涉及" not in new_text and "现定时限" not in new_text
    assert stat.S_IMODE(utf8.stat().st_mode) == 0o640
    raw_gb = gb.read_bytes()
    assert raw_gb.decode("gb18030") == new_text.replace("\n", "\r\n")
    assert raw_gb.count(b"\r\n") == text.count("\n") and raw_gb.count(b"\n") == raw_gb.count(b"\r\n")
    # exactly the safe fixes of the JSON output were applied (first wins on overlap), nothing else changed
    assert new_text == _expected_after_fix(text, before)

    after = _json_in_process(utf8, gb)
    for data in (after, fixed_out):
        per_file = [Counter((d["rule"], d["text"]) for d in f["diagnostics"]) for f in data["files"]]
        assert per_file[0] == per_file[1]  # both copies agree
        remaining = per_file[0]
        # nothing new, and every safe fix that was applied is gone
        assert not (remaining - _keys(before)), remaining - _keys(before)
        for key in fixable:
            assert remaining[key] < _keys(before)[key], key
    assert after["files"][1]["encoding"] == "gb18030"


def test_diff_prints_and_changes_nothing(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(BAD, encoding="utf-8")
    clean = tmp_path / "clean.txt"
    clean.write_text("本机关认真落实政务公开工作要求。\n", encoding="utf-8")
    before = bad.read_bytes()
    p = run_cli("lint", "--diff", bad, clean)
    assert p.returncode == 1, p.stderr
    assert bad.read_bytes() == before
    assert f"--- a/{bad.as_posix().lstrip('/')}" in p.stdout and f"+++ b/{bad.as_posix().lstrip('/')}" in p.stdout
    assert "-本机关里面涉及涉及多个科室，部分申请超出现定时限答复。" in p.stdout
    assert "+本机关里面涉及多个科室，部分申请超出规定时限答复。" in p.stdout
    assert "clean.txt" not in p.stdout
    p = run_cli("lint", "--diff", clean)
    assert p.returncode == 0 and p.stdout == ""


@pytest.mark.parametrize("encoding,bom,nl", [("utf-8", True, "\r\n"), ("utf-16-le", True, "\n"),
                                             ("utf-16-be", True, "\r"), ("gb18030", False, "\r\n")])
def test_fix_keeps_encoding_bom_and_line_ends(tmp_path, encoding, bom, nl):
    import codecs

    boms = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    path = tmp_path / "r.txt"
    raw = BAD.replace("\n", nl).encode(encoding)
    path.write_bytes((boms[encoding] if bom else b"") + raw)
    r = _lint(path)
    assert r.doc.encoding == encoding and r.doc.bom == bom
    err = io.StringIO()
    run_fixes([r], write=True, show_diff=False, err=err)
    expected = BAD.replace("涉及涉及", "涉及").replace("现定时限", "规定时限").replace("\n", nl).encode(encoding)
    assert path.read_bytes() == (boms[encoding] if bom else b"") + expected
    assert "已自动修复 2 个问题" in err.getvalue()


def test_diff_in_process_returns_1_and_leaves_file(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(BAD, encoding="utf-8")
    r = _lint(path)
    out = io.StringIO()
    assert run_fixes([r], write=False, show_diff=True, out=out, err=io.StringIO()) == 1
    assert path.read_text(encoding="utf-8") == BAD
    lines = out.getvalue().splitlines()
    assert [x for x in lines if x.startswith("-") and not x.startswith("---")] == [
        "-本机关里面涉及涉及多个科室，部分申请超出现定时限答复。"]
    assert [x for x in lines if x.startswith("+") and not x.startswith("+++")] == [
        "+本机关里面涉及多个科室，部分申请超出规定时限答复。"]
    r2 = lint_document(document_from_text("没有问题的一句话。\n", str(path)), CFG)
    assert run_fixes([r2], write=False, show_diff=True, out=io.StringIO(), err=io.StringIO()) == 0


def _hand_result(path: Path, text: str, diags: list[Diagnostic]) -> FileResult:
    path.write_text(text, encoding="utf-8")
    doc = read_document(str(path))
    return FileResult(path=str(path), format="txt", doc=doc, diagnostics=diags)


def _d(start, end, repl, safe=True, rule="typo.common"):
    return Diagnostic(rule, rule.split(".")[0], "error", "m", start, end,
                      fix=Fix([Edit(start, end, repl)], safe=safe))


def test_overlapping_fixes_first_wins_rest_for_rerun(tmp_path):
    text = "0123456789abcdef\n"
    d1 = _d(0, 4, "X")
    d2 = _d(2, 6, "Y")  # overlaps d1: left for the next run
    d3 = _d(8, 10, "Z")
    d4 = _d(8, 10, "Z", rule="repetition.word")  # the same edit as d3: solved by it
    d5 = _d(12, 13, "U", safe=False)  # unsafe: never applied
    d6 = _d(14, 14, "+")  # an insertion
    d7 = _d(14, 14, "-")  # another insertion at the same point: ambiguous, left
    applied, deferred, edits = select_fixes([d1, d2, d3, d4, d5, d6, d7], text)
    assert applied == [d1, d3, d4, d6] and deferred == [d2, d7]
    assert apply_edits(text, edits) == "X4567Z" + "ab" + "cd+ef\n"
    r = _hand_result(tmp_path / "r.txt", text, [d1, d2, d3, d4, d5, d6, d7])
    err = io.StringIO()
    run_fixes([r], write=True, show_diff=False, err=err)
    assert (tmp_path / "r.txt").read_text(encoding="utf-8") == "X4567Zabcd+ef\n"
    assert "已自动修复 4 个问题" in err.getvalue() and "再次运行 --fix" in err.getvalue()
    assert r.diagnostics == [d2, d5, d7]  # without a relint callback the applied ones are dropped


def test_refuses_when_file_changed_since_read(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(BAD, encoding="utf-8")
    r = _lint(path)
    path.write_text(BAD + "有人刚刚修改了这个文件。\n", encoding="utf-8")
    err = io.StringIO()
    run_fixes([r], write=True, show_diff=False, err=err)
    assert "已被修改" in err.getvalue()
    assert path.read_text(encoding="utf-8").endswith("有人刚刚修改了这个文件。\n")
    assert "涉及涉及" in path.read_text(encoding="utf-8")


def test_refuses_when_bytes_would_not_round_trip(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(BAD, encoding="utf-8")
    r = _lint(path)
    r.doc.bom = True  # pretend the reader saw a BOM that is not there
    err = io.StringIO()
    run_fixes([r], write=True, show_diff=False, err=err)
    assert "无损写回" in err.getvalue() and path.read_text(encoding="utf-8") == BAD


@pytest.mark.parametrize("fmt", ["html", "pdf"])
def test_html_pdf_refused_clearly(tmp_path, fmt):
    path = tmp_path / f"r.{fmt}"
    path.write_bytes(b"placeholder")
    doc = document_from_text(BAD, str(path), fmt)
    doc.raw_bytes_hash = hashlib.sha256(b"placeholder").hexdigest()
    r = lint_document(doc, CFG)
    assert any(d.fix for d in r.diagnostics)
    err = io.StringIO()
    assert run_fixes([r], write=False, show_diff=True, out=io.StringIO(), err=err) == 0
    run_fixes([r], write=True, show_diff=False, err=err)
    assert "不支持自动修复该格式" in err.getvalue()
    assert path.read_bytes() == b"placeholder"


def test_symlink_followed_and_permissions_kept(tmp_path):
    real = tmp_path / "real.txt"
    real.write_text(BAD, encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    r = _lint(link)
    run_fixes([r], write=True, show_diff=False, err=io.StringIO())
    assert link.is_symlink()
    assert "涉及涉及" not in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".checker-")]  # no temp file left


def test_line_ends_follow_edits_that_join_or_split_lines():
    text = "a\nb\nc\n"
    ends = ["\r\n", "\r", "\n", ""]
    assert adjust_line_ends(text, ends, [Edit(1, 2, "")]) == ["\r", "\n", ""]  # a+b joined: b's end
    assert adjust_line_ends(text, ends, [Edit(2, 3, "b\nB")]) == ["\r\n", "\r", "\r", "\n", ""]
    from checker.decoding import encode

    new = apply_edits(text, [Edit(1, 2, "")])
    assert encode(new, "utf-8", False, adjust_line_ends(text, ends, [Edit(1, 2, "")])) == b"ab\rc\n"


def test_relint_callback_replaces_result(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(BAD, encoding="utf-8")
    results = [_lint(path)]
    run_fixes(results, write=True, show_diff=False, relint=lambda p: lint_file(p, Overrides(select=("repetition",
                                                                                                    "typo"))),
              err=io.StringIO())
    assert results[0].diagnostics == []


# --------------------------------------------------------------------------- .docx


def _make_docx(path: Path):
    docx = pytest.importorskip("docx")
    from docx.shared import RGBColor

    d = docx.Document()
    d.add_heading("某某乡人民政府2020年政府信息公开工作年度报告", 1)
    p = d.add_paragraph("\u3000\u3000本机关")
    r = p.add_run("里面涉及涉及多个科室")
    r.bold = True
    p.add_run("的工作。")
    p2 = d.add_paragraph("部分申请超出")
    for piece in ("现定", "时限"):  # the typo spans two runs of the same formatting
        r = p2.add_run(piece)
        r.italic = True
    p2.add_run("答复。")
    p3 = d.add_paragraph("认真")
    r = p3.add_run("布")  # the typo spans runs of different formatting: not fixed automatically
    r.font.color.rgb = RGBColor(255, 0, 0)
    p3.add_run("署年度工作。")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "涉及涉及"
    t.cell(0, 1).text = "其他"
    d.save(str(path))


def test_docx_fix_edits_runs_and_keeps_formatting(tmp_path):
    import docx

    path = tmp_path / "年报.docx"
    _make_docx(path)
    original = zipfile.ZipFile(path)
    before_members = {i.filename: original.read(i.filename) for i in original.infolist()}
    r = lint_file(str(path), Overrides(select=("repetition", "typo")))
    assert r.error is None and len(r.diagnostics) == 3, r.diagnostics
    # a fix inside a table cell (rules may skip table text: this one is made by hand)
    cell = r.doc.text.index("\n涉及涉及\n") + 1
    r.diagnostics.append(_d(cell + 2, cell + 4, "", rule="repetition.word"))
    out, err = io.StringIO(), io.StringIO()
    assert run_fixes([r], write=False, show_diff=True, out=out, err=err) == 1
    assert "（提取的文本）" in out.getvalue() and "+本机关里面涉及多个科室的工作。" in out.getvalue()
    assert zipfile.ZipFile(path).read("word/document.xml") == before_members["word/document.xml"]

    err = io.StringIO()
    results = [r]
    run_fixes(results, write=True, show_diff=False, err=err,
              relint=lambda p: lint_file(p, Overrides(select=("repetition", "typo"))))
    assert "已自动修复 3 个问题" in err.getvalue()
    assert "未自动修复“布署”" in err.getvalue() and "格式不同" in err.getvalue()
    # re-lint: only the one left for a human
    assert [(d.rule, results[0].doc.text[d.start:d.end]) for d in results[0].diagnostics] == [("typo.common", "布署")]
    d = docx.Document(str(path))
    runs = [[(x.text, x.bold, x.italic) for x in p.runs] for p in d.paragraphs]
    assert runs[1] == [("\u3000\u3000本机关", None, None), ("里面涉及多个科室", True, None), ("的工作。", None, None)]
    assert runs[2][:3] == [("部分申请超出", None, None), ("规定时限", None, True), ("", None, True)]
    assert runs[3][1][0] == "布" and d.paragraphs[3].runs[1].font.color.rgb is not None
    assert d.tables[0].cell(0, 0).text == "涉及"
    after = zipfile.ZipFile(path)
    assert [i.filename for i in after.infolist()] == list(before_members)
    for name, data in before_members.items():
        if name != "word/document.xml":
            assert after.read(name) == data, name


def test_docx_refused_when_text_cannot_be_placed(tmp_path):
    """A fix whose line is not a paragraph of the .docx (here: a doctored extracted text) is refused clearly."""
    path = tmp_path / "r.docx"
    _make_docx(path)
    doc = read_document(str(path))
    doc.text = doc.text.replace("本机关里面", "本单位里面")  # no longer matches the Word paragraph
    doc._index = None
    r = lint_document(doc, CFG)
    before = path.read_bytes()
    err = io.StringIO()
    run_fixes([r], write=True, show_diff=False, err=err)
    assert "找不到这段文字" in err.getvalue() and "手工修改" in err.getvalue()
    assert path.read_bytes() != before  # the other fixes still went in
    assert "本机关里面涉及涉及" in read_document(str(path)).text


def test_per_file_ignores_txt_and_docx(tmp_path):
    """per-file-ignores in the config switch rules off for matching .txt and .docx files alike."""
    (tmp_path / ".checker.yaml").write_text(
        'per-file-ignores:\n  "old/*": [repetition]\n  "*.docx": [typo.common]\n', encoding="utf-8")
    (tmp_path / "old").mkdir()
    old_txt = tmp_path / "old" / "r.txt"
    old_txt.write_text(BAD, encoding="utf-8")
    new_txt = tmp_path / "r.txt"
    new_txt.write_text(BAD, encoding="utf-8")
    word = tmp_path / "r.docx"
    _make_docx(word)
    sel = Overrides(select=("repetition", "typo"))
    rules = lambda r: Counter(d.rule for d in r.diagnostics)  # noqa: E731
    assert rules(lint_file(str(new_txt), sel)) == Counter({"repetition.word": 1, "typo.common": 1})
    assert rules(lint_file(str(old_txt), sel)) == Counter({"typo.common": 1})
    assert rules(lint_file(str(word), sel)) == Counter({"repetition.word": 1})
    shutil.rmtree(tmp_path / "old")


@pytest.mark.parametrize("name", sorted(p.name for p in (SEED.parent / "layouts").glob("*.docx")))
def test_docx_corpus_copies_fix_cleanly(tmp_path, name):
    """--fix on copies of the corpus .docx files: every applied fix is gone on re-lint and nothing new appears."""
    path = tmp_path / name
    shutil.copy2(SEED.parent / "layouts" / name, path)
    before = lint_file(str(path))
    assert before.error is None
    keys_before = Counter((d.rule, before.doc.text[d.start:d.end]) for d in before.diagnostics)
    results = [before]
    err = io.StringIO()
    run_fixes(results, write=True, show_diff=False, relint=lambda p: lint_file(p), err=err)
    after = results[0]
    keys_after = Counter((d.rule, after.doc.text[d.start:d.end]) for d in after.diagnostics)
    assert not (keys_after - keys_before), (keys_after - keys_before, err.getvalue())
    applied, _, _ = select_fixes(before.diagnostics, before.doc.text)
    skipped = err.getvalue().count("未自动修复")
    assert len(before.diagnostics) - len(after.diagnostics) >= len(applied) - skipped
    if applied:
        assert "已自动修复" in err.getvalue() or skipped == len(applied)
        zipfile.ZipFile(path).testzip()


def test_atomic_write_of_a_new_file_uses_umask_permissions(tmp_path):
    import os

    from checker.fixes import atomic_write_text

    target = tmp_path / "report.html"
    old = os.umask(0o022)
    try:
        atomic_write_text(str(target), "<p>报告</p>")
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == "<p>报告</p>"
    assert target.stat().st_mode & 0o777 == 0o644
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".checker-")]
