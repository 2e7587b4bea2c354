"""Hostile and broken input: every input gets diagnostics or one clear Chinese error line,
the other files are still checked, nothing hangs, memory stays bounded.

Each test here backs a row of the table in docs/robustness.md (the test name is in
the table). Inputs are generated in tmp dirs (tests/hostile.py); nothing large is
committed.
"""
from __future__ import annotations

import builtins
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

import hostile
from checker.config import Config
from checker.engine.packs import load_pack
from checker.engine.yamlload import PackError, load_with_lines
from checker.linter import FileResult, lint_document, lint_file, lint_paths
from checker.readers import ReaderError, document_from_text, read_document, supported_suffixes
from conftest import ROOT, SEED, run_cli

CJK = re.compile(r"[\u4e00-\u9fff]")


def read_error(path) -> str:
    """The ReaderError message for ``path`` (fails if the file reads, or on any other exception)."""
    with pytest.raises(ReaderError) as ei:
        read_document(str(path))
    msg = str(ei.value)
    assert CJK.search(msg), f"reason should be Chinese: {msg!r}"
    assert "Traceback" not in msg and "\n" not in msg
    return msg


def checked(path, **kw) -> FileResult:
    """lint_file, asserting the result is sane: either a Chinese one-line error, or a
    result whose ranges lie inside the text and with no internal rule error."""
    r = lint_file(str(path), **kw)
    if r.error:
        assert CJK.search(r.error) and "\n" not in r.error, r.error
        assert "内部错误" not in r.error, r.error
        return r
    n = len(r.doc.text)
    for d in r.diagnostics:
        assert 0 <= d.start <= d.end <= n
    assert not [x for x in r.notes if "内部错误" in x], r.notes
    return r


def needs(suffix: str):
    return pytest.mark.skipif(suffix not in supported_suffixes(), reason=f"no {suffix} reader")


# --------------------------------------------------------------------------- plain text: bytes and encodings

def test_empty_file(tmp_path):
    assert "为空" in read_error(hostile.write(tmp_path / "empty.txt", b""))
    assert "为空" in read_error(hostile.write(tmp_path / "blank.txt", b" \n\r\n\t" + "\u3000".encode()))
    assert "为空" in read_error(hostile.write(tmp_path / "bom.txt", b"\xef\xbb\xbf\n\n"))


def test_binary_file_with_text_extension(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    msg = read_error(hostile.write(tmp_path / "image.txt", png))
    assert "二进制" in msg or "文本" in msg
    # high bytes without NUL that no encoding accepts as text
    noise = bytes((i * 131 + 7) % 256 or 1 for i in range(50_000))
    msg = read_error(hostile.write(tmp_path / "noise.md", noise))
    assert "二进制" in msg or "编码" in msg or "控制字符" in msg


def test_nul_bytes(tmp_path):
    msg = read_error(hostile.write(tmp_path / "nul.txt", hostile.REPORT_TEXT.encode() + b"\x00\x00tail"))
    assert "NUL" in msg


def test_gb18030_that_is_not_utf8(tmp_path):
    data = hostile.REPORT_TEXT.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    doc = read_document(hostile.write(tmp_path / "gb.txt", data))
    assert doc.encoding == "gb18030" and doc.text == hostile.REPORT_TEXT


def test_utf8_that_is_not_gb18030(tmp_path):
    # U+20000 (CJK Extension B) in UTF-8 is F0 A0 80 80: not a valid GB18030 sequence
    text = hostile.REPORT_TEXT + "𠀀字\n"
    data = text.encode("utf-8")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb18030")
    doc = read_document(hostile.write(tmp_path / "u8.txt", data))
    assert doc.encoding == "utf-8" and doc.text == text


@pytest.mark.parametrize("name", list(hostile.text_variants()))
def test_utf16_with_and_without_bom_and_other_encodings(tmp_path, name):
    data = hostile.text_variants()[name]
    doc = read_document(hostile.write(tmp_path / f"{name}.txt", data))
    assert doc.text == hostile.REPORT_TEXT
    assert doc.bom == name.endswith("bom")
    # the same positions whatever the encoding
    ref = lint_document(document_from_text(hostile.REPORT_TEXT, "x.txt"))
    got = lint_document(doc)
    assert [(d.rule, d.start, d.end) for d in got.diagnostics] == [(d.rule, d.start, d.end) for d in ref.diagnostics]


def test_mixed_crlf_lf_cr_line_ends(tmp_path):
    from checker.decoding import encode

    data = hostile.mixed_line_ends()
    doc = read_document(hostile.write(tmp_path / "mixed.txt", data))
    assert doc.text == hostile.REPORT_TEXT  # every terminator is one \n
    assert {"\r\n", "\n", "\r"} <= set(doc.line_ends)
    # written back byte for byte (what --fix relies on)
    assert encode(doc.text, doc.encoding, doc.bom, doc.line_ends) == data
    lines = doc.text.split("\n")
    assert doc.position(doc.text.index("一、总体情况")).line == lines.index("一、总体情况") + 1


# --------------------------------------------------------------------------- size

def _child_peak_rss_kb(args: list[str], cwd) -> tuple[int, subprocess.CompletedProcess]:
    """Run the CLI in a fresh wrapper process and return the peak RSS of its children."""
    code = textwrap.dedent(f"""
        import json, resource, subprocess, sys
        p = subprocess.run({[sys.executable, "-m", "checker", *args]!r}, capture_output=True, text=True)
        print(json.dumps({{"rc": p.returncode, "out": p.stdout, "err": p.stderr,
                          "rss": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}}))
    """)
    w = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, timeout=600)
    data = json.loads(w.stdout)
    return data["rss"], subprocess.CompletedProcess(args, data["rc"], data["out"], data["err"])


def test_200mb_file_is_refused_before_reading_and_memory_stays_bounded(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:  # sparse: 200 MB without writing 200 MB
        f.truncate(200 * 1024 * 1024)
    rss_kb, p = _child_peak_rss_kb(["lint", "--format", "json", str(big)], cwd=tmp_path)
    assert p.returncode == 2, p.stderr
    [f] = json.loads(p.stdout)["files"]
    assert "文件过大" in f["error"] and "max-file-size" in f["error"]
    assert "Traceback" not in p.stderr
    assert p.stderr.count("\n") == 1 and "big.txt" in p.stderr  # one line naming the file
    # the 200 MB never came into memory: the whole process stays far below the file's size
    assert rss_kb < 120 * 1024, rss_kb
    # and the other files of the run are still checked
    good = hostile.write(tmp_path / "good.txt", hostile.REPORT_TEXT.encode())
    results = {os.path.basename(r.path): r for r in lint_paths([str(big), good])}
    assert "文件过大" in results["big.txt"].error
    assert results["good.txt"].error is None and results["good.txt"].doc is not None


def test_size_limit_refuses_before_open_and_config_can_raise_it(tmp_path, monkeypatch):
    path = hostile.write(tmp_path / "r.txt", (hostile.REPORT_TEXT * 50).encode())
    import checker.readers as readers

    def no_open(*a, **k):
        raise AssertionError("the file must not be opened when it is over the limit")

    monkeypatch.setattr(readers, "open", no_open, raising=False)
    with pytest.raises(ReaderError, match="文件过大"):
        read_document(path, max_bytes=1000)
    monkeypatch.undo()
    # the config raises (or lowers) the limit
    (tmp_path / ".checker.yaml").write_text("max-file-size: 1000\n", encoding="utf-8")
    from checker.config import find_config_file, _load_cached

    find_config_file.cache_clear()
    _load_cached.cache_clear()
    r = lint_file(path)
    assert r.error and "文件过大" in r.error
    (tmp_path / ".checker.yaml").write_text("max-file-size: 100000000\n", encoding="utf-8")
    _load_cached.cache_clear()
    r = lint_file(path)
    assert r.error is None and r.doc is not None
    find_config_file.cache_clear()
    _load_cached.cache_clear()


def test_file_growing_after_stat_is_still_bounded(tmp_path, monkeypatch):
    path = hostile.write(tmp_path / "r.txt", hostile.REPORT_TEXT.encode())
    import checker.readers as readers

    real_stat = os.stat

    def small_stat(p, *a, **k):  # pretend the file was small when it was looked at
        st = real_stat(p, *a, **k)
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid, 10,
                               st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(readers.os, "stat", small_stat)
    with pytest.raises(ReaderError, match="文件过大"):
        read_document(path, max_bytes=100)


def test_one_line_10mb_file_finishes_with_every_rule(tmp_path):
    """The whole report on a single 10 MB line (what a careless export produces): every
    rule finishes well within its budget — a quadratic algorithm would time out here."""
    one = SEED.read_text(encoding="utf-8").replace("\n", "") + "涉及涉及。"
    reps = 10 * 1024 * 1024 // len(one.encode()) + 1
    path = hostile.write(tmp_path / "oneline.txt", (one * reps).encode())
    assert os.path.getsize(path) >= 10 * 1024 * 1024
    (tmp_path / ".checker.yaml").write_text("rule-timeout: 120\n", encoding="utf-8")
    from checker.config import _load_cached, find_config_file

    find_config_file.cache_clear()
    _load_cached.cache_clear()
    r = checked(path)
    find_config_file.cache_clear()
    assert r.error is None
    # no rule timed out, none crashed (only notes that long lists were capped)
    assert not [n for n in r.notes if "只列出前" not in n], r.notes
    assert len(r.doc.text.split("\n")) <= 2
    rep = [d for d in r.diagnostics if r.doc.text[d.start:d.end] == "涉及涉及"]
    import re

    capped = {m.group(1): int(m.group(2)) for n in r.notes
              for m in [re.search(r"规则 (\S+) 在此文件中报告了 (\d+) 个问题", n)] if m}
    # found all along the line, not only at its start (the listing itself is capped)
    assert capped.get("repetition.word", len(rep)) >= reps * 0.9
    assert len(rep) == min(capped.get("repetition.word", len(rep)), len(rep))
    # the text formatter shows a window of the line, not the whole line per diagnostic
    from checker.formats import FormatOptions, get

    out = get("text")([r], FormatOptions())
    assert max(len(x) for x in out.splitlines()) < 1000


# --------------------------------------------------------------------------- file system

def test_path_is_a_directory(tmp_path):
    d = tmp_path / "folder.txt"
    d.mkdir()
    assert "目录" in read_error(d)
    # given on the command line, a directory is walked (and an empty one checks nothing)
    assert lint_paths([str(d)]) == []


def test_broken_symlink_and_symlink_loop(tmp_path):
    os.symlink(tmp_path / "missing.txt", tmp_path / "broken.txt")
    assert "符号链接" in read_error(tmp_path / "broken.txt")
    os.symlink(tmp_path / "b.txt", tmp_path / "a.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "b.txt")
    assert "符号链接" in read_error(tmp_path / "a.txt")


def test_missing_file_and_unsupported_type(tmp_path):
    [r] = lint_paths([str(tmp_path / "nope.txt")])
    assert r.error == "文件不存在"
    assert "不支持" in read_error(hostile.write(tmp_path / "x.xls", b"data"))


def test_fifo_and_device_do_not_hang(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)  # opening it for reading would block forever
    assert "普通文件" in read_error(fifo)
    os.symlink("/dev/zero", tmp_path / "zero.txt")  # reading it would never end
    assert "普通文件" in read_error(tmp_path / "zero.txt")


def test_unreadable_file_permission_denied(tmp_path, monkeypatch):
    """Tests run as root, where chmod 000 does not stop reading: simulate the refusal."""
    path = hostile.write(tmp_path / "secret.txt", hostile.REPORT_TEXT.encode())
    import checker.readers as readers

    def denied(p, *a, **k):
        raise PermissionError(13, "Permission denied", p)

    monkeypatch.setattr(readers, "open", denied, raising=False)
    assert "没有读取该文件的权限" in read_error(path)
    r = lint_file(path)
    assert r.error == "没有读取该文件的权限"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode (simulated above)")
def test_unreadable_file_real_chmod(tmp_path):
    path = hostile.write(tmp_path / "secret.txt", hostile.REPORT_TEXT.encode())
    os.chmod(path, 0)
    try:
        assert "权限" in read_error(path)
    finally:
        os.chmod(path, 0o644)


def test_os_error_reasons_are_chinese(tmp_path, monkeypatch):
    import errno

    import checker.readers as readers

    path = hostile.write(tmp_path / "r.txt", hostile.REPORT_TEXT.encode())

    def eio(p, *a, **k):
        raise OSError(errno.EIO, "Input/output error", p)

    monkeypatch.setattr(readers, "open", eio, raising=False)
    assert "输入/输出错误" in read_error(path)


# --------------------------------------------------------------------------- .docx

@needs(".docx")
def test_truncated_and_corrupt_docx(tmp_path):
    good = hostile.make_docx()
    for name, data in {
        "truncated.docx": good[: len(good) // 2],
        "header-only.docx": good[:30],
        "not-zip.docx": b"PK\x03\x04" + b"\xff" * 500,
        "text.docx": hostile.REPORT_TEXT.encode(),
        "bad-xml.docx": hostile.docx_with_document_xml(b"<w:document><w:body><w:p><w:r>"),
        "no-body.docx": hostile.docx_with_document_xml(
            b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            b'wordprocessingml/2006/main"></w:document>'),
        "ole.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
    }.items():
        p = hostile.write(tmp_path / name, data)
        try:
            doc = read_document(p)
        except ReaderError as e:
            assert CJK.search(str(e)) and "内部错误" not in str(e), (name, e)
        else:  # a recoverable file must give a usable document
            assert isinstance(doc.text, str), name


@needs(".docx")
def test_docx_zip_bomb_is_refused_with_bounded_memory(tmp_path):
    bomb = hostile.write(tmp_path / "bomb.docx", hostile.docx_zip_bomb(300 * 1024 * 1024))
    assert os.path.getsize(bomb) < 2 * 1024 * 1024
    msg = read_error(bomb)
    assert "炸弹" in msg or "过大" in msg
    rss_kb, p = _child_peak_rss_kb(["lint", bomb], cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr + p.stdout
    assert rss_kb < 250 * 1024, rss_kb  # the 300 MB were never inflated


@needs(".docx")
def test_docx_zip_bomb_with_lying_sizes(tmp_path):
    """Headers declare 2 KB, the stream inflates to 50 MB: zipfile stops at the declared size."""
    p = hostile.write(tmp_path / "liar.docx", hostile.docx_lying_sizes())
    read_error(p)


# --------------------------------------------------------------------------- .pdf

@needs(".pdf")
def test_encrypted_pdf(tmp_path):
    assert "加密" in read_error(hostile.write(tmp_path / "locked.pdf", hostile.make_encrypted_pdf()))


@needs(".pdf")
def test_scanned_pdf_without_text_layer(tmp_path):
    msg = read_error(hostile.write(tmp_path / "scan.pdf", hostile.make_scanned_pdf()))
    assert "扫描" in msg or "文本层" in msg


@needs(".pdf")
def test_pdf_flate_bomb_is_refused_with_bounded_memory(tmp_path):
    """A 0.3 MB PDF whose content stream inflates to 300 MB: refused past the per-stream limit."""
    bomb = hostile.write(tmp_path / "bomb.pdf", hostile.make_pdf_flate_bomb())
    assert os.path.getsize(bomb) < 1024 * 1024
    assert "炸弹" in read_error(bomb)
    rss_kb, p = _child_peak_rss_kb(["lint", bomb], cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr + p.stdout
    assert rss_kb < 600 * 1024, rss_kb
    # a normal compressed PDF still reads
    ok = hostile.write(tmp_path / "ok.pdf", hostile.make_pdf_flate_bomb(0))
    assert "政府信息公开" in read_document(ok).text


@needs(".pdf")
def test_truncated_and_corrupt_pdf(tmp_path):
    good = hostile.make_pdf()
    doc = read_document(hostile.write(tmp_path / "good.pdf", good))
    assert "政府信息公开" in doc.text
    for name, data in {"truncated.pdf": good[: len(good) // 2], "header.pdf": b"%PDF-1.4\n",
                       "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 20, "html.pdf": hostile.make_html()}.items():
        p = hostile.write(tmp_path / name, data)
        try:
            read_document(p)
        except ReaderError as e:
            assert CJK.search(str(e)), (name, e)


# --------------------------------------------------------------------------- .html

@needs(".html")
def test_html_scripts_and_styles_are_not_text(tmp_path):
    doc = read_document(hostile.write(tmp_path / "s.html", hostile.html_with_scripts()))
    assert "政府信息公开" in doc.text
    for hidden in ("脚本内容不应出现", "涉及涉及脚本", "样式内容", "color:red"):
        assert hidden not in doc.text


@needs(".html")
@pytest.mark.parametrize("make", [hostile.html_deeply_nested, hostile.html_unclosed_nested],
                         ids=["closed", "unclosed"])
def test_html_deeply_nested_tags(tmp_path, make):
    p = hostile.write(tmp_path / "deep.html", make(20_000))
    r = checked(p)
    assert r.error is None and "本机关共收到申请6件" in r.doc.text


@needs(".html")
def test_html_without_body_or_tags(tmp_path):
    doc = read_document(hostile.write(tmp_path / "nobody.html", hostile.html_no_body()))
    assert "总体情况" in doc.text
    doc = read_document(hostile.write(tmp_path / "bare.html", hostile.html_bare_text()))
    assert "政府信息公开" in doc.text


@needs(".html")
def test_html_empty_page_is_a_clear_error(tmp_path):
    read_error(hostile.write(tmp_path / "empty.html", hostile.html_empty()))


# --------------------------------------------------------------------------- one bad file among good ones

def test_bad_files_do_not_stop_the_run_cli(tmp_path):
    """End to end: a folder of hostile files and one real report. Exit 2; one line per
    unreadable file naming it; the real report is still checked; no traceback."""
    d = tmp_path / "reports"
    d.mkdir()
    bad = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02" * 100,
        "nul.md": b"abc\x00def",
        "broken.docx": b"PK\x03\x04broken",
        "scan.pdf": hostile.make_scanned_pdf(),
        "locked.pdf": hostile.make_encrypted_pdf(),
        "empty.html": hostile.html_empty(),
    }
    for name, data in bad.items():
        hostile.write(d / name, data)
    os.symlink(d / "gone.txt", d / "dangling.txt")
    os.mkfifo(d / "pipe.txt")
    good = d / "report.txt"
    good.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    p = run_cli("lint", "--format", "json", d)
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    data = json.loads(p.stdout)
    files = {os.path.basename(f["path"]): f for f in data["files"]}
    expect_bad = [n for n in [*bad, "dangling.txt", "pipe.txt"] if os.path.splitext(n)[1] in supported_suffixes()]
    for name in expect_bad:
        assert files[name]["error"], name
        lines = [x for x in p.stderr.splitlines() if name in x]
        assert len(lines) == 1 and "无法检查" in lines[0] and CJK.search(lines[0].split(name)[-1]), (name, lines)
    assert files["report.txt"]["error"] is None and files["report.txt"]["diagnostics"]
    # text output: one line per unreadable file as well
    p = run_cli("lint", d)
    assert p.returncode == 2 and "Traceback" not in p.stderr + p.stdout
    for name in expect_bad:
        assert sum(1 for x in p.stdout.splitlines() if name in x and "无法检查" in x) == 1, name


def test_a_crashing_reader_is_reported_and_the_run_goes_on(tmp_path, monkeypatch):
    import checker.readers as readers

    readers._load()
    boom_path = hostile.write(tmp_path / "a.txt", b"x")
    good = hostile.write(tmp_path / "b.txt", hostile.REPORT_TEXT.encode())
    real = readers._READERS[".txt"]

    def flaky(path, data):
        if path.endswith("a.txt"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(path, data)

    monkeypatch.setitem(readers._READERS, ".txt", flaky)
    results = {os.path.basename(r.path): r for r in lint_paths([boom_path, good])}
    assert "读取失败" in results["a.txt"].error and "\n" not in results["a.txt"].error
    assert results["b.txt"].error is None


def test_checker_text_command_never_prints_a_traceback(tmp_path):
    p = run_cli("text", hostile.write(tmp_path / "bin.txt", b"\x00" * 100))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.count("\n") == 1 and "bin.txt" in p.stderr and "NUL" in p.stderr


def test_jobs_worker_dying_for_real(tmp_path, monkeypatch):
    """With --jobs 2, a file whose reader kills its worker process (as a crash in a C library
    would) gets one error line; the other files are checked."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        pytest.skip("needs fork to carry the patched reader into the workers")
    import checker.readers as readers

    readers._load()
    real = readers._READERS[".txt"]

    def deadly(path, data):
        if path.endswith("die.txt"):
            os._exit(3)
        return real(path, data)

    monkeypatch.setitem(readers._READERS, ".txt", deadly)
    paths = [hostile.write(tmp_path / n, hostile.REPORT_TEXT.encode()) for n in ("a.txt", "die.txt", "b.txt", "c.txt")]
    results = {os.path.basename(r.path): r for r in lint_paths(paths, jobs=2)}
    assert set(results) == {"a.txt", "die.txt", "b.txt", "c.txt"}
    assert "进程意外退出" in results["die.txt"].error
    for n in ("a.txt", "b.txt", "c.txt"):
        assert results[n].error is None and results[n].doc is not None, n


def test_jobs_worker_crash_costs_only_its_file(tmp_path):
    """A worker process that dies (killed, out of memory, a crash in a C library) breaks the
    process pool; each file it took down is retried alone and the others keep their results."""
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from checker import linter

    dead = Future()
    dead.set_exception(BrokenProcessPool("a worker died"))
    good = hostile.write(tmp_path / "good.txt", hostile.REPORT_TEXT.encode())
    r = linter._result_or_retry(good, dead, None, None)
    assert r.error is None and r.doc is not None  # retried in a fresh process


# --------------------------------------------------------------------------- rule packs

def _pack(tmp_path, body: str, name="p.yaml") -> str:
    p = tmp_path / name
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return str(p)


def test_yaml_is_loaded_safely_no_python_objects(tmp_path):
    marker = tmp_path / "pwned"
    p = _pack(tmp_path, f"""\
        pack: evil
        rules: !!python/object/apply:os.system ["touch {marker}"]
        """)
    with pytest.raises(PackError) as ei:
        load_pack(p)
    assert not marker.exists()
    assert p in str(ei.value)


def test_yaml_alias_bomb_is_refused(tmp_path):
    lol = "[" + ",".join(["a"] * 10) + "]"
    lines = [f"l0: &l0 {lol}"]
    for i in range(1, 10):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 10) + "]")
    p = _pack(tmp_path, "\n".join(lines) + "\nrules: *l9\n")
    with pytest.raises(PackError, match="别名"):
        load_with_lines(p)


def test_yaml_recursive_alias_and_deep_nesting(tmp_path):
    with pytest.raises(PackError, match="递归"):
        load_with_lines(_pack(tmp_path, "pack: r\nrules: &a [*a]\n", "rec.yaml"))
    with pytest.raises(PackError, match="嵌套过深|YAML"):
        load_with_lines(_pack(tmp_path, "rules: " + "[" * 5000 + "]" * 5000 + "\n", "deep.yaml"))
    # ordinary anchors still work
    assert load_with_lines(_pack(tmp_path, "a: &x [1]\nb: *x\n", "ok.yaml")) == {"a": [1], "b": [1]}


RULE_HEAD = """\
pack: t
rules:
  - id: style.ok
    type: existence
    summary: 正常规则
    tokens: [近期]
  - id: style.bad
    type: {type}
    summary: 有问题的规则
"""


@pytest.mark.parametrize("extra,words", [
    ("    tokens: [近期]\n    exceptions: '近期内'\n", "exceptions 必须是"),
    ("    tokens: [近期]\n    message: 123\n", "message 必须是字符串"),
    ("    tokens: [近期]\n    options: [1, 2]\n", "options 必须是映射"),
    ("    tokens: [近期]\n    examples: {wrong: 近期}\n", "examples"),
    ("    tokens: [近期]\n    pattern: '[近'\n", "正则"),
    ("    tokens: [近期]\n    exceptions: ['(近']\n", "正则"),
    ("    tokens: 近期\n", "tokens 必须是"),
])
def test_existence_schema_errors_name_file_and_line(tmp_path, extra, words):
    p = _pack(tmp_path, RULE_HEAD.format(type="existence") + extra)
    with pytest.raises(PackError) as ei:
        load_pack(p)
    assert ei.value.path == p and ei.value.line == 7, str(ei.value)
    assert words in str(ei.value)
    assert str(ei.value).startswith(f"{p}:7: ")


@pytest.mark.parametrize("pair,words", [
    ("{wrong: 截止, right: 截至, before: '(\\\\d'}", "before"),
    ("{wrong: 截止, right: 截至, after: '**'}", "正则"),
    ("{wrong: 截止, right: 截至, not_before: '[a-'}", "not_before"),
    ("{wrong: 截止, right: 截至, not_after: '(?<'}", "not_after"),
    ("{wrong: 截止, right: 截至, exceptions: ['截止(']}", "exceptions"),
    ("{wrong: 截止, right: 截至, exceptions: '截止日期'}", "exceptions 必须是"),
    ("{wrong: 截止, right: 截至, message: [1]}", "message 必须是字符串"),
    ("{wrong: 截止, right: 截至, fix: maybe}", "fix"),
    ("{wrong: 截止, right: 截至, severity: fatal}", "severity"),
    ("{wrong: 截止}", "right"),
])
def test_substitution_pair_errors_name_file_and_line(tmp_path, pair, words):
    body = RULE_HEAD.format(type="substitution") + "    pairs:\n      - {wrong: 甲, right: 乙}\n      - " + pair + "\n"
    p = _pack(tmp_path, body)
    with pytest.raises(PackError) as ei:
        load_pack(p)
    assert ei.value.line == 12, str(ei.value)  # the line of the bad pair
    assert words in str(ei.value)


def test_repetition_schema_errors(tmp_path):
    for extra in ("    min_token_chars: abc\n", "    min_token_chars: 0\n", "    allow: 重重\n", "    chars: [ab]\n"):
        p = _pack(tmp_path, RULE_HEAD.format(type="repetition") + extra)
        with pytest.raises(PackError) as ei:
            load_pack(p)
        assert ei.value.line == 7, (extra, str(ei.value))


def test_pairs_file_missing_or_broken(tmp_path):
    body = RULE_HEAD.format(type="substitution") + "    pairs_file: nope.yaml\n"
    with pytest.raises(PackError, match="nope.yaml"):
        load_pack(_pack(tmp_path, body))
    (tmp_path / "pairs.yaml").write_text("- {wrong: 甲, right: 乙}\n- {wrong: 丙, right: [}\n", encoding="utf-8")
    body = RULE_HEAD.format(type="substitution") + "    pairs_file: pairs.yaml\n"
    with pytest.raises(PackError) as ei:
        load_pack(_pack(tmp_path, body))
    assert "pairs.yaml" in ei.value.path and ei.value.line == 2


def test_broken_user_pack_in_config_is_one_clear_error(tmp_path):
    (tmp_path / "bad.yaml").write_text("pack: x\nrules:\n  - id: typo.a\n    type: existence\n    summary: s\n"
                                       "    pattern: '(ab'\n", encoding="utf-8")
    (tmp_path / ".checker.yaml").write_text("packs: [bad.yaml]\n", encoding="utf-8")
    doc = hostile.write(tmp_path / "r.txt", hostile.REPORT_TEXT.encode())
    p = run_cli("lint", doc, cwd=tmp_path)
    assert p.returncode == 2 and "Traceback" not in p.stderr + p.stdout
    out = p.stdout + p.stderr
    assert "bad.yaml:3" in out and "正则" in out


def test_config_value_types(tmp_path):
    from checker.config import load_config_file

    for body in ("max-file-size: true\n", "max-file-size: big\n", "rule-timeout: true\n", "rule-timeout: -1\n",
                 "select: {a: 1}\n", "fail-on: never\n", "nonsense: 1\n"):
        p = tmp_path / ".checker.yaml"
        p.write_text(body, encoding="utf-8")
        with pytest.raises(PackError) as ei:
            load_config_file(str(p))
        assert str(p) in str(ei.value) and CJK.search(ei.value.problem), body


# --------------------------------------------------------------------------- catastrophic backtracking

# (政|政政|政政政)+ followed by something that never comes: exponential in the regex module
EVIL = "(?:政|政政|政政政)+(?:甲)"
EVIL_TEXT = "本机关" + "政" * 40 + "。截止2023年12月31日，近期共收到申请。\n"


def _lint_with_pack(tmp_path, body: str, text: str = EVIL_TEXT, timeout: float = 0.5) -> FileResult:
    p = _pack(tmp_path, body, "evil.yaml")
    cfg = Config(packs=(p,), rule_timeout=timeout, select=("style.ok", "style.bad"))
    return lint_document(document_from_text(text, "r.txt"), cfg)


@pytest.mark.parametrize("where", ["pattern", "exceptions"])
def test_existence_regex_timeout_is_named(tmp_path, where):
    spec = f"    pattern: '{EVIL}'\n" if where == "pattern" else f"    tokens: [政政]\n    exceptions: ['{EVIL}']\n"
    body = RULE_HEAD.format(type="existence") + spec
    r = _lint_with_pack(tmp_path, body)
    assert any("style.bad" in n and "超过时间限制" in n for n in r.notes), r.notes
    # the other rule in the pack still ran
    assert any(d.rule == "style.ok" for d in r.diagnostics)


@pytest.mark.parametrize("key", ["before", "after", "not_before", "not_after", "exceptions"])
def test_substitution_guard_timeout_is_named(tmp_path, key):
    value = f"['{EVIL}']" if key == "exceptions" else f"'{EVIL}'"
    text = "政" * 30 + "截止" + "政" * 30 + "。近期。\n"
    body = (RULE_HEAD.format(type="substitution")
            + f"    pairs:\n      - {{wrong: 截止, right: 截至, {key}: {value}}}\n")
    r = _lint_with_pack(tmp_path, body, text=text, timeout=0.3)
    assert any("style.bad" in n and "超过时间限制" in n for n in r.notes), r.notes
    assert any(d.rule == "style.ok" for d in r.diagnostics)


def test_pure_python_runaway_rule_is_stopped_and_named(monkeypatch):
    """A code rule stuck in a Python loop never asks for its budget: the hard deadline stops it."""
    from checker import linter
    from checker.engine.registry import Rule, RuleMeta

    class Spin(Rule):
        meta = RuleMeta(id="style.spin", severity="warning", summary="死循环")

        def run(self, ctx):
            ctx.report(0, 1, "找到一个")
            while True:
                pass

    class Ok(Rule):
        meta = RuleMeta(id="style.fine", severity="warning", summary="正常")

        def run(self, ctx):
            ctx.report(0, 2, "正常")

    monkeypatch.setattr(linter, "active_rules", lambda cfg, path=None: iter([(Spin(), "warning"), (Ok(), "warning")]))
    r = lint_document(document_from_text("近期共收到申请。\n"), Config(rule_timeout=0.2))
    assert any("style.spin" in n and "超过时间限制" in n for n in r.notes), r.notes
    assert {d.rule for d in r.diagnostics} == {"style.spin", "style.fine"}  # found before the timeout is kept


def test_out_of_range_diagnostics_and_fixes_are_dropped(monkeypatch):
    from checker import linter
    from checker.diagnostics import Edit, Fix, Related
    from checker.engine.registry import Rule, RuleMeta

    class Sloppy(Rule):
        meta = RuleMeta(id="style.sloppy", severity="warning", summary="越界")

        def run(self, ctx):
            ctx.report(0, 10_000, "越界")
            ctx.report(0, 1, "相关越界", related=[Related("x", 5, 99_999)])
            ctx.report(0, 2, "修复越界", fix=Fix([Edit(0, 2, "x"), Edit(1, 3, "y")]))
            ctx.report(2, 4, "好的", replacement="近期")

    monkeypatch.setattr(linter, "active_rules", lambda cfg, path=None: iter([(Sloppy(), "warning")]))
    r = lint_document(document_from_text("近期共收到申请。\n"))
    msgs = {d.message: d for d in r.diagnostics}
    assert "越界" not in msgs
    assert msgs["相关越界"].related == []
    assert msgs["修复越界"].fix is None
    assert msgs["好的"].fix is not None
    assert len(r.notes) == 3


def test_damaged_bytes_in_utf8_are_checked_but_never_fixed_in_place(tmp_path):
    """A UTF-8 report with one damaged byte is still checked (the byte becomes U+FFFD);
    --fix refuses to write it, since it could not be written back byte for byte."""
    from checker.fixes import plan_file

    raw = bytearray((hostile.REPORT_TEXT + "截至目前，涉及涉及的事项均已办结。\n").encode("utf-8"))
    raw[10] ^= 0x40  # break one multi-byte sequence
    path = hostile.write(tmp_path / "damaged.txt", bytes(raw))
    r = checked(path)
    assert r.error is None and "\ufffd" in r.doc.text and r.doc.encoding == "utf-8"
    assert any(d.fix and d.fix.safe for d in r.diagnostics)
    plan = plan_file(r)
    assert plan is not None and plan.refusal and "无损" in plan.refusal
    # mostly garbage is still refused
    msg = read_error(hostile.write(tmp_path / "garbage.txt", bytes((i * 37 + 128) % 256 or 200 for i in range(5000))))
    assert "编码" in msg or "二进制" in msg or "控制字符" in msg


def test_fuzz_script_smoke(tmp_path, capsys):
    """bench/fuzz.py keeps working: a few inputs through every reader, no crash, no hang."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz", ROOT / "bench" / "fuzz.py")
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    code = fuzz.main(["--n", "40", "--seed", "7", "--no-write", "--save-dir", str(tmp_path)])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["crashes"] == 0 and summary["hangs"] == 0
    assert sum(summary["per_reader"].values()) == 40


def test_exceptions_on_a_long_line_are_not_quadratic(tmp_path):
    """Thousands of hits and thousands of exception matches in one paragraph: each hit is
    checked against the exceptions by bisection, so the rule finishes within its budget."""
    body = RULE_HEAD.format(type="existence") + "    tokens: [近期]\n    exceptions: ['近期内']\n"
    body += ("    # substitution with an exception in the same pack\n"
             "  - id: style.sub\n    type: substitution\n    summary: 替换\n"
             "    pairs:\n      - {wrong: 近期, right: 最近, exceptions: ['近期内']}\n")
    text = "本机关近期内完成，近期开展。" * 40_000 + "\n"
    p = _pack(tmp_path, body, "many.yaml")
    cfg = Config(packs=(p,), rule_timeout=30, select=("style.bad", "style.sub"))
    r = lint_document(document_from_text(text, "r.txt"), cfg)
    from checker.linter import MAX_PER_RULE

    # every hit was computed within the budget (no timeout); the report lists the first MAX_PER_RULE
    assert sorted(r.notes) == [f"规则 {rid} 在此文件中报告了 40000 个问题，只列出前 {MAX_PER_RULE} 个"
                               for rid in ("style.bad", "style.sub")], r.notes
    assert sum(d.rule == "style.bad" for d in r.diagnostics) == MAX_PER_RULE
    assert sum(d.rule == "style.sub" for d in r.diagnostics) == MAX_PER_RULE


def test_findings_per_rule_are_capped_with_a_note():
    from checker.linter import MAX_PER_RULE
    from conftest import lint_text

    res = lint_text("本机关涉及涉及多个部门。\n" * (MAX_PER_RULE + 50), select="repetition.word")
    assert len([d for d in res.diagnostics if d.rule == "repetition.word"]) == MAX_PER_RULE
    assert any("repetition.word" in n and "只列出前" in n for n in res.notes)
