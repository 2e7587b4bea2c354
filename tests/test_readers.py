"""Readers: one paragraph or table cell per line, grids with exact spans,
the same table values in every layout, and clear errors on broken input."""
from __future__ import annotations

import importlib.util
import io
import re
import struct
import sys
import zipfile
from pathlib import Path

import pytest

from checker.document import Document
from checker.readers import ReaderError, read_document
from conftest import CORPORA, REAL, ROOT, run_cli

LAYOUTS = CORPORA / "layouts"
STEMS = ["heizhuanghu-2020", "qingxi-2022", "qingxi-2022-planted"]
STRUCTURED = ["docx", "html", "pdf"]
ALL = ["md", *STRUCTURED]


def _tools():
    """tools/make_fixtures.py as a module."""
    if "make_fixtures" not in sys.modules:
        spec = importlib.util.spec_from_file_location("make_fixtures", ROOT / "tools" / "make_fixtures.py")
        mod = importlib.util.module_from_spec(spec)
        sys.modules["make_fixtures"] = mod
        spec.loader.exec_module(mod)
    return sys.modules["make_fixtures"]


_cache: dict[str, Document] = {}


def doc(path: Path | str) -> Document:
    key = str(path)
    if key not in _cache:
        _cache[key] = read_document(key)
    return _cache[key]


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def values(d: Document) -> list[set[tuple[int, int, str]]]:
    """Per grid: the non-empty cells as (row, col, text without spaces)."""
    return [{(c.row, c.col, squash(c.text)) for c in g.cells if c.text.strip()} for g in d.grids]


def shapes(d: Document) -> list[set[tuple[int, int, int, int]]]:
    return [{(c.row, c.col, c.rowspan, c.colspan) for c in g.cells if c.text.strip()} for g in d.grids]


def cell_at(d: Document, grid: int, row: int, col: int):
    return next(c for c in d.grids[grid].cells if c.row == row and c.col == col)


def check_invariants(d: Document, structured: bool) -> None:
    """Spans slice to the cell text; cells never overlap; for structured
    readers every non-empty line is one paragraph or one cell."""
    text = d.text
    for g in d.grids:
        assert g.cells
        assert g.start == g.cells[0].start and g.end == g.cells[-1].end
        covered = set()
        for c in g.cells:
            assert text[c.start:c.end] == c.text
            assert "\n" not in c.text
            assert c.rowspan >= 1 and c.colspan >= 1
            for r in range(c.row, c.row + c.rowspan):
                for k in range(c.col, c.col + c.colspan):
                    assert (r, k) not in covered, (c, g.caption)
                    covered.add((r, k))
    if structured:
        cell_lines = {c.start for g in d.grids for c in g.cells}
        pos = 0
        for line in text.split("\n"):
            if pos in cell_lines:
                pass  # a cell (possibly empty)
            else:
                assert line == line.strip(), repr(line)  # paragraphs are trimmed
            pos += len(line) + 1
        # each cell sits on its own line
        for g in d.grids:
            for c in g.cells:
                assert c.start == 0 or text[c.start - 1] == "\n"
                assert c.end == len(text) or text[c.end] == "\n"
        assert not re.search(r"^\s*[-—–]\s*\d+\s*[-—–]\s*$", text, re.M), "page numbers must be dropped"


# ---------------------------------------------------------------------------
# generated fixtures: every layout


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("ext", ALL)
def test_fixture_reads_cleanly(stem, ext):
    d = doc(LAYOUTS / f"{stem}.{ext}")
    assert d.format == ext
    check_invariants(d, structured=ext in STRUCTURED)
    assert len(d.grids) == 3
    assert d.report.year == int(stem.split("-")[1])
    assert d.report.unit in ("北京市朝阳区黑庄户乡人民政府", "青溪县自然资源和规划局")
    assert [s.number for s in d.sections] == [1, 2, 3, 4, 5, 6]


@pytest.mark.parametrize("stem", STEMS)
def test_same_table_values_in_every_layout(stem):
    """The values (and, for real tables, the merged-cell shapes) agree across
    .md/.docx/.html/.pdf, and agree with the text source the fixtures were made from."""
    base = values(doc(LAYOUTS / f"{stem}.md"))
    for ext in STRUCTURED:
        assert values(doc(LAYOUTS / f"{stem}.{ext}")) == base, ext
    base_shapes = shapes(doc(LAYOUTS / f"{stem}.docx"))
    for ext in ("html", "pdf"):
        assert shapes(doc(LAYOUTS / f"{stem}.{ext}")) == base_shapes, ext
    # against the source text, parsed independently by the fixture script
    tools = _tools()
    src = CORPORA / "heizhuanghu-2020.txt" if stem.startswith("heizhuanghu") else LAYOUTS / f"{stem}.txt"
    rep = tools.parse_report(src.read_text(encoding="utf-8"))
    tables = [obj for kind, obj in rep.blocks if kind == "table"]
    assert [{(c.row, c.col, squash(c.text)) for c in t.cells if c.text} for t in tables] == base


def test_prose_identical_in_docx_html_pdf():
    """Paragraphs come out one per line and the same in every layout (PDF lines
    re-joined, Word runs joined, HTML paragraphs); only the HTML title is one line."""
    d = doc(LAYOUTS / "qingxi-2022.docx")
    cells = {(c.start, c.end) for g in d.grids for c in g.cells}
    prose = [p.text for p in d.paragraphs if (p.start, p.end) not in cells]
    for ext in ("pdf", "html"):
        other = doc(LAYOUTS / f"qingxi-2022.{ext}")
        ocells = {(c.start, c.end) for g in other.grids for c in g.cells}
        oprose = [p.text for p in other.paragraphs if (p.start, p.end) not in ocells]
        if ext == "html":
            assert oprose[0] == " ".join(prose[:2])
            assert oprose[1:] == prose[2:]
        else:
            assert oprose == prose
    assert len(prose) == 20


def test_docx_grid_shapes():
    d = doc(LAYOUTS / "qingxi-2022.docx")
    t2, t3, t4 = d.grids
    assert t2.caption == "二、主动公开政府信息情况"
    assert (cell_at(d, 0, 0, 0).text, cell_at(d, 0, 0, 0).colspan) == ("第二十条第（一）项", 4)
    c = cell_at(d, 0, 5, 1)
    assert (c.text, c.colspan) == ("本年处理决定数量", 3)
    # 表三: the three-row header and the merged row labels
    head = cell_at(d, 1, 0, 0)
    assert head.text.startswith("（本列数据的勾稽关系为") and (head.rowspan, head.colspan) == (3, 3)
    assert (cell_at(d, 1, 1, 4).text, cell_at(d, 1, 1, 4).colspan) == ("法人或其他组织", 5)
    assert (cell_at(d, 1, 1, 3).text, cell_at(d, 1, 1, 3).rowspan) == ("自然人", 2)
    res = cell_at(d, 1, 5, 0)
    assert (res.text, res.rowspan, res.colspan) == ("三、本年度办理结果", 22, 1)
    assert (cell_at(d, 1, 7, 1).text, cell_at(d, 1, 7, 1).rowspan) == ("（三）不予公开", 8)
    assert (cell_at(d, 1, 27, 0).text, cell_at(d, 1, 27, 0).colspan) == ("四、结转下年度继续办理", 3)
    assert max(c.row for c in t3.cells) == 27 and max(c.col + c.colspan for c in t3.cells) == 10
    # 表四: header over three rows, one data row of 15 numbers
    assert [c.text for c in t4.cells if c.row == 3] == ["1", "0", "1", "0", "2", "1", "0", "0", "1", "2",
                                                        "0", "0", "0", "0", "0"]
    assert (cell_at(d, 2, 1, 0).text, cell_at(d, 2, 1, 0).rowspan) == ("结果维持", 2)


def test_markdown_pipe_tables_have_blank_covered_cells():
    d = doc(LAYOUTS / "qingxi-2022.md")
    t3 = d.grids[1]
    # merged positions are empty cells with zero-length spans just inside the pipes
    blank = next(c for c in t3.cells if c.row == 6 and c.col == 0)
    assert blank.text == "" and blank.start == blank.end and d.text[blank.start - 1] == "|"
    row = [c.text for c in t3.cells if c.row == 3]
    assert row == ["一、本年新收政府信息公开申请数量", "", "", "38", "4", "0", "0", "2", "0", "44"]
    # the text is the file's text
    assert d.text == (LAYOUTS / "qingxi-2022.md").read_text(encoding="utf-8")


def test_html_gbk_nbsp_br_and_page_chrome():
    d = doc(LAYOUTS / "qingxi-2022.html")
    assert d.encoding == "gb18030"
    assert d.text.startswith("青溪县自然资源和规划局 2022年政府信息公开工作年度报告\n")
    for junk in ("首页", "当前位置", "统计代码", "浏览次数", "分享到", "主办单位"):
        assert junk not in d.text
    # <br> inside the label joined on one line; &nbsp; around numbers dropped
    labels = [c.text for c in d.grids[1].cells]
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in labels
    assert "&nbsp;38&nbsp;" in (LAYOUTS / "qingxi-2022.html").read_text(encoding="gbk")
    assert [c.text for c in d.grids[1].cells if c.row == 3][1] == "38"


def test_pdf_table_continued_across_pages_is_one_grid():
    """qingxi-2022-planted.pdf breaks 表三 inside 三、本年度办理结果 and
    （三）不予公开; qingxi-2022.pdf breaks 表二 between its sub-tables."""
    d = doc(LAYOUTS / "qingxi-2022-planted.pdf")
    t3 = d.grids[1]
    res = cell_at(d, 1, 5, 0)
    assert (res.text, res.rowspan) == ("三、本年度办理结果", 22)
    assert (cell_at(d, 1, 7, 1).text, cell_at(d, 1, 7, 1).rowspan) == ("（三）不予公开", 8)
    assert [c.text for c in t3.cells if c.row == 10] == ["4.保护第三方合法权益", "2", "0", "0", "0", "0", "0", "3"]
    d2 = doc(LAYOUTS / "qingxi-2022.pdf")
    assert max(c.row for c in d2.grids[0].cells) == 13


@pytest.mark.skipif(importlib.util.find_spec("reportlab") is None, reason="reportlab not installed")
def test_fixture_script_is_deterministic(tmp_path):
    tools = _tools()
    src, stem, opts = tools.FIXTURES[1]
    files = tools.render_all(src, tmp_path, stem, **opts)
    assert len(files) == 4
    for f in files:
        assert f.read_bytes() == (LAYOUTS / f.name).read_bytes(), f"{f.name}: rerun tools/make_fixtures.py"
    assert tools.plant_errors(src.read_text(encoding="utf-8")) == \
        (LAYOUTS / "qingxi-2022-planted.txt").read_text(encoding="utf-8")


def test_docx_headers_footers_ignored_and_runs_joined():
    d = doc(LAYOUTS / "heizhuanghu-2020.docx")
    assert "— 1 —" not in d.text  # the footer
    # paragraphs are written as two runs each; they come back whole
    src = (CORPORA / "heizhuanghu-2020.txt").read_text(encoding="utf-8")
    line = next(p.text for p in d.paragraphs if p.text.startswith("在涉密方面"))
    assert line in src


# ---------------------------------------------------------------------------
# text and Markdown grids


def _read_text(tmp_path, name: str, content: str) -> Document:
    p = tmp_path / name
    p.write_text(content, encoding="utf-8")
    return read_document(str(p))


def test_markdown_pipe_table_spans(tmp_path):
    d = _read_text(tmp_path, "t.md", "表二\n\n| 信息内容 | 本年制发件数 |  |\n|---|:--:|---|\n| 规章 | 3 | a\\|b |\n"
                                     "| 行政规范性文件 |12|   |\n\n正文。\n")
    check_invariants(d, structured=False)
    (g,) = d.grids
    assert g.caption == "表二"
    rows = {}
    for c in g.cells:
        rows.setdefault(c.row, []).append(c.text)
    assert rows == {0: ["信息内容", "本年制发件数", ""], 1: ["规章", "3", "a\\|b"], 2: ["行政规范性文件", "12", ""]}


def test_whitespace_and_tab_rows(tmp_path):
    text = ("二、主动公开政府信息情况\n"
            "信息内容 本年制发件数 本年废止件数 现行有效件数\n"
            "规章 0 0 0\n"
            "行政规范性文件 3 1 12\n"
            "本报告所列数据的统计期限为 2022 年 1 月 1 日至 12 月 31 日。\n"
            "一、本年新收政府信息公开申请数量\t38\t4\t0\t0\t2\t0\t44\n"
            "二、上年结转政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t2\n"
            "结果维持    结果纠正    其他结果\n"
            "1    0    1\n")
    d = _read_text(tmp_path, "t.txt", text)
    check_invariants(d, structured=False)
    assert d.text == text
    texts = [[c.text for c in g.cells] for g in d.grids]
    assert texts[0] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "0", "0", "0",
                        "行政规范性文件", "3", "1", "12"]
    assert texts[1][:9] == ["一、本年新收政府信息公开申请数量", "38", "4", "0", "0", "2", "0", "44",
                            "二、上年结转政府信息公开申请数量"]
    assert texts[2] == ["结果维持", "结果纠正", "其他结果", "1", "0", "1"]
    assert len(d.grids) == 3  # the prose line with spaced numbers is not a row


def test_flattened_example_has_no_line_grids():
    """The example's one-cell-per-line tables are left to the recogniser."""
    d = read_document(str(CORPORA / "heizhuanghu-2020.txt"))
    assert d.grids == []


# ---------------------------------------------------------------------------
# real reports (../shared/corpora/real)

real = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpora/real not present")


@real
@pytest.mark.real
@pytest.mark.parametrize("name,grids,t3_rows", [
    ("hongze-2023.pdf", 3, 26),
    ("huaian-2024.pdf", 3, 28),
    ("ceshi-2025.html", 3, 28),
    ("template-2021-blank.docx", 3, 28),
])
def test_real_reports_grids(name, grids, t3_rows):
    d = doc(REAL / name)
    check_invariants(d, structured=True)
    assert len(d.grids) == grids
    t2, t3, t4 = d.grids
    assert max(c.row + c.rowspan for c in t3.cells) == t3_rows
    assert max(c.col + c.colspan for c in t3.cells) == 10
    assert max(c.col + c.colspan for c in t4.cells) == 15
    assert max(c.col + c.colspan for c in t2.cells) == 4
    assert cell_at(d, 1, 0, 0).text.startswith("（本列数据的勾稽关系为")
    res = next(c for c in t3.cells if c.text == "三、本年度办理结果")
    assert res.col == 0 and res.rowspan == t3_rows - 3 - 3
    assert "第二十条第（一）项" == cell_at(d, 0, 0, 0).text
    assert [s.number for s in d.sections] == [1, 2, 3, 4, 5, 6]


@real
@pytest.mark.real
def test_real_pdf_paragraphs_and_values():
    d = doc(REAL / "huaian-2024.pdf")
    assert d.report.year == 2024 and d.report.unit == "淮安市人民政府"
    lines = d.text.split("\n")
    assert lines[:4] == ["淮安市人民政府", "2024年政府信息公开工作年度报告",
                         lines[2], "一、总体情况"]
    assert lines[2].startswith("本报告由淮安市人民政府办公室") and lines[2].endswith("hazwgkc@163.com）。")
    # a paragraph wrapped over a page break comes out whole
    assert any(p.text.startswith("（四）政府信息公开平台建设情况") and "列入重点检查范围" in p.text
               for p in d.paragraphs)
    t3 = d.grids[1]
    # （四）无法提供 is cut by the page break in the PDF: re-joined
    grp = next(c for c in t3.cells if c.text == "（四）无法提供")
    assert grp.rowspan == 3
    total = [c.text for c in t3.cells if c.row == 26]
    assert total == ["（七）总计", "2932", "53", "0", "0", "61", "4", "3050"]
    assert [c.text for c in d.grids[2].cells if c.row == 3][:5] == ["72", "64", "178", "37", "351"]
    assert cell_at(d, 0, 13, 1).text == "96171.6"


@real
@pytest.mark.real
def test_real_pdf_with_text_boxes_and_missing_border():
    """hongze: prose painted on filled boxes (not a table), a 表二 cell whose
    top border is missing at a page top, 表三 continued across a page."""
    d = doc(REAL / "hongze-2023.pdf")
    t2 = d.grids[0]
    assert [c.text for c in t2.cells if c.row == 8] == ["信息内容", "本年处理决定数量"]
    assert [c.text for c in t2.cells if c.row == 13] == ["行政事业性收费", "7730.28"]
    assert d.grids[0].caption == "二、主动公开政府信息情况"
    paras = [p.text for p in d.paragraphs]
    assert "（三）政府信息管理情况。" in paras
    assert any(p.startswith("加强区政府门户网站") and p.endswith("未经审核的信息一律不准发布。") for p in paras)
    t3 = d.grids[1]
    assert [c.text for c in t3.cells if c.row == 16] == ["2.没有现成信息需要另行制作", "3", "0", "0", "0", "0", "0", "3"]


@real
@pytest.mark.real
def test_real_markdown_reads():
    d = doc(REAL / "stcsm-2024.md")
    check_invariants(d, structured=False)
    assert d.text == (REAL / "stcsm-2024.md").read_text(encoding="utf-8")
    md = [g for g in d.grids if d.text[d.text.rfind("\n", 0, g.start) + 1] == "|"]
    assert len(md) >= 8
    assert any([c.text for c in g.cells if c.row == 2] == ["规范性文件", "13", "0", "55"] for g in d.grids)


# ---------------------------------------------------------------------------
# broken and hostile input: ReaderError with a clear reason, never a traceback


def _err(path: Path) -> str:
    with pytest.raises(ReaderError) as e:
        read_document(str(path))
    return str(e.value)


def _fixture_docx() -> bytes:
    return (LAYOUTS / "qingxi-2022.docx").read_bytes()


def _rezip(data: bytes, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, edit(info.filename, src.read(info.filename)))
    return buf.getvalue()


def _patch_declared_size(data: bytes, member: str, size: int) -> bytes:
    """Set the uncompressed size of a member in the zip's central directory."""
    out = bytearray(data)
    i = out.find(b"PK\x01\x02")
    while i >= 0:
        nlen = struct.unpack("<H", out[i + 28:i + 30])[0]
        if bytes(out[i + 46:i + 46 + nlen]) == member.encode():
            struct.pack_into("<I", out, i + 24, size)
        i = out.find(b"PK\x01\x02", i + 4)
    return bytes(out)


@pytest.mark.parametrize("case,expect", [
    ("truncated", "损坏"),
    ("random", "损坏"),
    ("ole", "旧版 Word"),
    ("no-document", "没有 Word 正文"),
    ("bad-xml", "XML"),
    ("declared-bomb", "压缩炸弹"),
    ("lying-size", "损坏"),
    ("empty", "文件为空"),
    ("not-zip", "不是有效的 Word 文档"),
])
def test_broken_docx(tmp_path, case, expect):
    good = _fixture_docx()
    data = {
        "truncated": good[: len(good) // 2],
        "random": b"PK\x03\x04" + bytes(range(256)) * 4,
        "ole": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "no-document": _rezip(good, lambda n, b: b) .replace(b"word/document.xml", b"word/documenx.xml"),
        "bad-xml": _rezip(good, lambda n, b: b[: len(b) // 2] if n == "word/document.xml" else b),
        "declared-bomb": _patch_declared_size(good, "word/document.xml", 3_000_000_000),
        "lying-size": _patch_declared_size(good, "word/document.xml", 1000),
        "empty": b"",
        "not-zip": "一、总体情况".encode() * 10,
    }[case]
    p = tmp_path / "x.docx"
    p.write_bytes(data)
    assert expect in _err(p)


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path, monkeypatch):
    # a member that inflates past the limit (lowered here to keep the test fast:
    # 12 MB of spaces compress to ~12 KB); the declared size is checked first
    import checker.readers.docx as docx_reader

    monkeypatch.setattr(docx_reader, "MAX_MEMBER_BYTES", 10 * 1024 * 1024)
    good = _fixture_docx()
    pad = b" " * (12 * 1024 * 1024)
    bomb = _rezip(good, lambda n, b: b.replace(b"<w:body>", b"<w:body>" + pad, 1) if n == "word/document.xml" else b)
    assert len(bomb) < 200_000
    p = tmp_path / "bomb.docx"
    p.write_bytes(bomb)
    assert "压缩炸弹" in _err(p)


def _minimal_pdf(objs: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def _scanned_pdf() -> bytes:
    img = bytes([200, 200, 200] * 64)
    content = b"q 500 0 0 700 40 60 cm /Im1 Do Q"
    return _minimal_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceRGB /BitsPerComponent 8"
        b" /Length %d >>\nstream\n" % len(img) + img + b"\nendstream",
    ])


def _reportlab_pdf(encrypt=None, text="Annual report 2022 with a text layer") -> bytes:
    pytest.importorskip("reportlab")
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1, encrypt=encrypt)
    c.setFont("Helvetica", 12)
    c.drawString(72, 700, text)
    c.save()
    return buf.getvalue()


def test_scanned_pdf(tmp_path):
    p = tmp_path / "scan.pdf"
    p.write_bytes(_scanned_pdf())
    msg = _err(p)
    assert "扫描件" in msg and "没有文本层" in msg


def test_pdf_without_any_text(tmp_path):
    content = b"0 0 m 100 100 l S"
    p = tmp_path / "lines.pdf"
    p.write_bytes(_minimal_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]))
    assert "没有文本层" in _err(p)


def test_encrypted_pdf(tmp_path):
    from reportlab.lib import pdfencrypt  # noqa: F401 - importorskip in the helper

    p = tmp_path / "locked.pdf"
    p.write_bytes(_reportlab_pdf(pdfencrypt.StandardEncryption("secret", "owner", strength=128)))
    assert "加密" in _err(p)
    # owner-password-only PDFs (printing/copy restrictions) open without a password
    q = tmp_path / "restricted.pdf"
    q.write_bytes(_reportlab_pdf(pdfencrypt.StandardEncryption("", "owner", strength=128)))
    assert read_document(str(q)).text == "Annual report 2022 with a text layer\n"


@pytest.mark.parametrize("data,expect", [
    (b"hello, not a pdf at all", "%PDF"),
    (b"%PDF-1.4\n" + bytes(range(256)) * 8, "损坏"),
    (b"", "文件为空"),
])
def test_broken_pdf(tmp_path, data, expect):
    p = tmp_path / "x.pdf"
    p.write_bytes(data)
    assert expect in _err(p)


def test_truncated_pdf(tmp_path):
    good = (LAYOUTS / "qingxi-2022.pdf").read_bytes()
    p = tmp_path / "t.pdf"
    p.write_bytes(good[: len(good) // 3])
    assert "PDF" in _err(p)


def _read_html(tmp_path, content: bytes | str, name="p.html") -> Document:
    p = tmp_path / name
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return read_document(str(p))


def test_html_only_scripts(tmp_path):
    p = tmp_path / "s.html"
    p.write_text('<html><head><script>var t="一、总体情况";</script><style>p{}</style></head>'
                 '<body><script>document.write("正文")</script><noscript>请启用脚本</noscript></body></html>',
                 encoding="utf-8")
    assert "没有找到正文" in _err(p)


def test_html_without_body_tags(tmp_path):
    d = _read_html(tmp_path, "<p>某某县2022年政府信息公开工作年度报告</p><p>一、总体情况</p>"
                             "<table><tr><td>规章</td><td>1</td></tr><tr><td>行政规范性文件</td><td>2</td></tr></table>")
    assert d.text == "某某县2022年政府信息公开工作年度报告\n一、总体情况\n规章\n1\n行政规范性文件\n2\n"
    assert [(c.row, c.col) for c in d.grids[0].cells] == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_html_deep_nesting(tmp_path):
    page = ("<html><body>" + "<div>" * 5000 + "<p>深层的段落：一、总体情况</p>" + "</div>" * 5000
            + "<p>之后的段落</p><table><tr><td>" + "<span>" * 5000 + "行政许可" + "</span>" * 5000
            + "</td><td>5</td></tr><tr><td>行政处罚</td><td>6</td></tr></table></body></html>")
    d = _read_html(tmp_path, page)
    assert d.text == "深层的段落：一、总体情况\n之后的段落\n行政许可\n5\n行政处罚\n6\n"


def test_html_gbk_declared_undeclared_and_lying(tmp_path):
    body = "<p>青溪县2022年政府信息公开工作年度报告：“引号”与全角标点。</p>"
    d = _read_html(tmp_path, f'<html><head><meta charset="gb2312"></head><body>{body}</body></html>'.encode("gbk"))
    assert d.text.startswith("青溪县2022年") and d.encoding == "gb18030"
    d = _read_html(tmp_path, f"<html><body>{body}</body></html>".encode("gbk"), "n.html")
    assert "“引号”" in d.text
    d = _read_html(tmp_path, f'<html><head><meta charset="utf-8"></head><body>{body}</body></html>'.encode("gbk"),
                   "l.html")
    assert "全角标点" in d.text


def test_html_spans_rowspan_past_end_and_huge(tmp_path):
    d = _read_html(tmp_path, '<table><tr><td rowspan="99999" colspan="0">甲</td><td>1</td></tr>'
                             '<tr><td>2</td></tr></table><p>正文</p>')
    a = d.grids[0].cells[0]
    assert (a.text, a.rowspan, a.colspan) == ("甲", 2, 1)
    assert [(c.row, c.col, c.text) for c in d.grids[0].cells[1:]] == [(0, 1, "1"), (1, 1, "2")]
    huge = "<table>" + "".join(f'<tr><td rowspan="300" colspan="100">{i}</td><td>x</td></tr>' for i in range(300)) \
        + "</table>"
    p = tmp_path / "huge.html"
    p.write_text(huge, encoding="utf-8")
    assert "表格过大" in _err(p)


def test_html_binary(tmp_path):
    p = tmp_path / "b.html"
    p.write_bytes(bytes(range(256)) * 20)
    assert _err(p)


def test_cli_reports_broken_file_without_traceback(tmp_path):
    p = tmp_path / "broken.docx"
    p.write_bytes(_fixture_docx()[:5000])
    r = run_cli("text", str(p))
    assert r.returncode == 2
    assert "Word 文档已损坏" in r.stderr and "Traceback" not in r.stderr


def test_grid_cells_are_never_prose():
    for ext in ALL:
        d = doc(LAYOUTS / f"qingxi-2022.{ext}")
        starts = {c.start for g in d.grids for c in g.cells if c.text.strip()}
        kinds = {p.kind for p in d.paragraphs if p.start in starts}
        assert kinds <= {"table"}, (ext, kinds)


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    given = None

if given is not None:
    @settings(max_examples=150, deadline=None)
    @given(st.lists(st.sampled_from(["|", "| ", " | ", "---", "|---|", ":-:", "\t", "  ", " ", "\n", "\n\n", "12",
                                     "0", "-3", "1,234", "规章", "一、本年新收", "。", "\\|", "\u3000", "\r\n", "x"]),
                    max_size=60))
    def test_text_grids_invariants(parts):
        from checker.decoding import split_line_ends
        from checker.readers.text import find_text_grids

        text, _ = split_line_ends("".join(parts))
        for g in find_text_grids(text):
            assert g.cells
            seen = set()
            for c in g.cells:
                assert 0 <= c.start <= c.end <= len(text)
                assert text[c.start:c.end] == c.text and "\n" not in c.text
                assert c.text == c.text.strip(" \t\u3000\u00a0\ufeff\r")
                assert (c.row, c.col) not in seen
                seen.add((c.row, c.col))


def test_pdf_table_without_rules_becomes_line_rows(tmp_path):
    pytest.importorskip("reportlab")
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    st = ParagraphStyle("b", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK")
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "0"],
            ["行政规范性文件", "3", "1", "12"]]
    p = tmp_path / "borderless.pdf"
    SimpleDocTemplate(str(p), invariant=1).build([
        Paragraph("二、主动公开政府信息情况", st),
        Table(rows, style=TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 10)])),
        Paragraph("三、收到和处理政府信息公开申请情况。", st)])
    d = read_document(str(p))
    assert d.text.split("\n")[1:4] == ["信息内容 本年制发件数 本年废止件数 现行有效件数", "规章 0 0 0", "行政规范性文件 3 1 12"]
    (g,) = d.grids
    assert [(c.row, c.col, c.text) for c in g.cells if c.row == 2] == [(2, 0, "行政规范性文件"), (2, 1, "3"),
                                                                       (2, 2, "1"), (2, 3, "12")]
    assert all(d.text[c.start:c.end] == c.text for c in g.cells)


def test_docx_automatic_numbering_is_rendered(tmp_path):
    """Headings numbered by Word (numbering.xml, not typed) read as printed."""
    import docx
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    d = docx.Document()
    numbering = d.part.numbering_part.element
    numbering.insert(0, parse_xml(
        f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>'
        "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num xmlns:w="{w}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def para(text, lvl=None):
        p = d.add_paragraph(text)
        if lvl is not None:
            p._p.get_or_add_pPr().append(parse_xml(
                f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="{lvl}"/><w:numId w:val="90"/></w:numPr>'))

    para("某县2022年政府信息公开工作年度报告")
    para("总体情况", 0)
    para("主动公开情况", 1)
    para("依申请公开情况", 1)
    para("第一点", 2)
    para("主动公开政府信息情况", 0)
    para("规章", 1)
    para("正文。")
    p = tmp_path / "num.docx"
    d.save(str(p))
    assert read_document(str(p)).text.split("\n")[1:8] == [
        "一、总体情况", "（一）主动公开情况", "（二）依申请公开情况", "1.第一点", "二、主动公开政府信息情况", "（一）规章", "正文。"]
