"""``checker annotate``: Word comments anchored on each flagged span, nothing else changed."""
from __future__ import annotations

import base64
import hashlib
import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from lxml import etree

from conftest import SEED, run_cli
from checker.annotate import AnnotateError, annotate_bytes, annotate_file
from checker.diagnostics import Diagnostic
from checker.readers import read_document
from checker.readers._layout import clean_line
from checker.readers.docx import cell_text, paragraph_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def _hyperlink(paragraph, text: str):
    """Append a w:hyperlink with one run (python-docx has no API for it)."""
    part = paragraph.part
    rid = part.relate_to("http://example.gov.cn/", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    h = OxmlElement("w:hyperlink")
    h.set(qn("r:id"), rid)
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    u = OxmlElement("w:u")
    u.set(qn("w:val"), "single")
    rpr.append(u)
    r.append(rpr)
    t = OxmlElement("w:t")
    t.text = text
    r.append(t)
    h.append(r)
    paragraph._p.append(h)


def make_fixture(path: Path) -> Path:
    """A small 年报 in Word with planted defects in awkward places: across runs
    with different formatting, inside one formatted run, after full-width indents,
    around a soft line break, in a hyperlink, in merged and multi-paragraph table cells."""
    d = docx.Document()
    d.add_paragraph("北京市朝阳区某某乡人民政府")
    d.add_paragraph("2020年政府信息公开工作年度报告")
    d.add_paragraph("")  # empty: the reader skips it
    p = d.add_paragraph("\u3000\u3000依据《中华人民共和国政府信息公开条例》第五十条规定，编制本报告。")
    d.add_paragraph("一、总体情况")
    p = d.add_paragraph()
    r = p.add_run("\u3000\u3000政府信息公开是个系统工程，里面涉及")
    r.bold = True
    r.font.size = Pt(14)
    r = p.add_run("涉及多个科室的工作。")
    r.italic = True
    r.font.color.rgb = RGBColor(0x33, 0x66, 0x99)
    p = d.add_paragraph()
    r = p.add_run("文件送达公开办进行主动公开时超出现定时限，今后将加以改进。")
    r.underline = True
    r.font.name = "仿宋"
    p = d.add_paragraph()
    p.add_run("第一行末尾")
    p.add_run().add_break(WD_BREAK.LINE)
    p.add_run("第二行\t涉及涉及的内容。")
    p = d.add_paragraph("详见政府网站：")
    _hyperlink(p, "涉及涉及栏目")
    d.add_picture(io.BytesIO(PNG_1X1))
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=3, cols=4)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "申请人情况"
    t.cell(0, 2).text = "自然人"
    t.cell(0, 3).text = "总计"
    a = t.cell(1, 0).merge(t.cell(2, 0))
    a.text = "本年新收"
    t.cell(1, 1).text = "一、本年新收政府信息公开申请数量"
    t.cell(1, 2).text = "6"
    t.cell(1, 3).text = ""  # blank
    c = t.cell(2, 1)
    c.text = "说明：超出现定时限"
    c.add_paragraph("第二段涉及涉及")
    t.cell(2, 2).text = "5"
    t.cell(2, 3).text = "5"
    d.add_paragraph("六、其他需要报告的事项")
    d.add_paragraph("\u3000\u3000本报告所列数据的统计期限,自2020月1日起至12月31日止。")
    d.save(path)
    return path


# ------------------------------------------------------------------ reading the output back


def anchors(data: bytes) -> dict[str, dict]:
    """comment id -> {text: anchored text, unit: the w:p/w:tc holding its start, point: empty range}."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    active: dict[str, list[str]] = {}
    out: dict[str, dict] = {}
    for el in root.iter():
        if el.tag == W + "commentRangeStart":
            cid = el.get(W + "id")
            active[cid] = []
            unit = next((a for a in el.iterancestors() if a.tag == W + "tc"), None)
            if unit is None:
                unit = next(a for a in el.iterancestors() if a.tag == W + "p")
            out[cid] = {"unit": unit, "text": ""}
        elif el.tag == W + "commentRangeEnd":
            cid = el.get(W + "id")
            out[cid]["text"] = "".join(active.pop(cid))
        elif el.tag in (W + "t", W + "tab") and el.getparent().tag == W + "r":
            ch = el.text or "" if el.tag == W + "t" else " "
            for parts in active.values():
                parts.append(ch)
    assert not active, "unterminated comment ranges"
    return out


def comments(data: bytes) -> dict[str, dict]:
    z = zipfile.ZipFile(io.BytesIO(data))
    if "word/comments.xml" not in z.namelist():
        return {}
    root = etree.fromstring(z.read("word/comments.xml"))
    out = {}
    for c in root.iter(W + "comment"):
        paras = ["".join(t.text or "" for t in p.iter(W + "t")) for p in c.iter(W + "p")]
        out[c.get(W + "id")] = {"author": c.get(W + "author"), "initials": c.get(W + "initials"),
                                "text": "\n".join(paras)}
    return out


def squash(s: str) -> str:
    return "".join(s.split())


def check_anchors(out: bytes, doc, diags):
    """Every diagnostic has its comment, anchored on its text, in its paragraph or cell."""
    an, cm = anchors(out), comments(out)
    assert len(an) == len(cm) == len(diags)
    for i, d in enumerate(diags):
        cid = str(i)
        assert cm[cid]["author"] == "checker"
        assert d.message in cm[cid]["text"]
        if d.fix and d.fix.edits and d.fix.edits[0].replacement:
            assert d.fix.edits[0].replacement in cm[cid]["text"]
        want = doc.text[d.start:d.end]
        assert squash(an[cid]["text"]) == squash(want), (d.rule, want, an[cid]["text"])
        line = doc.line_text(doc.position(d.start).line)
        unit = an[cid]["unit"]
        unit_text = clean_line(cell_text(unit) if unit.tag == W + "tc" else paragraph_text(unit))
        assert unit_text == line, (d.rule, line)
    return an, cm


def char_formats(data: bytes) -> list[list[tuple[str, bytes]]]:
    """Per paragraph: each character with the serialised properties of its run."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    out = []
    for p in root.iter(W + "p"):
        chars = []
        for r in p.iter(W + "r"):
            rpr = r.find(W + "rPr")
            fmt = etree.tostring(rpr, method="c14n") if rpr is not None else b""
            for t in r:
                if t.tag == W + "t":
                    chars += [(c, fmt) for c in t.text or ""]
                elif t.tag in (W + "tab", W + "br"):
                    chars.append((t.tag, fmt))
        out.append(chars)
    return out


def paragraph_props(data: bytes) -> list[bytes]:
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    return [etree.tostring(p.find(W + "pPr"), method="c14n") if p.find(W + "pPr") is not None else b""
            for p in root.iter(W + "p")]


# ------------------------------------------------------------------ tests


@pytest.fixture
def fixture_docx(tmp_path) -> Path:
    return make_fixture(tmp_path / "年报.docx")


def test_annotate_planted_defects(fixture_docx, tmp_path):
    before = hashlib.sha256(fixture_docx.read_bytes()).hexdigest()
    out = tmp_path / "年报.checked.docx"
    res = annotate_file(str(fixture_docx), str(out))
    assert hashlib.sha256(fixture_docx.read_bytes()).hexdigest() == before  # the original is untouched
    doc = read_document(str(fixture_docx))
    data = out.read_bytes()
    an, cm = check_anchors(data, doc, res.diagnostics)
    assert res.comments == len(res.diagnostics)
    found = {(d.rule, doc.text[d.start:d.end]) for d in res.diagnostics}
    # the planted defects that the rules certainly find
    assert ("repetition.word", "涉及涉及") in found  # across two runs with different formatting
    assert ("typo.common", "现定时限") in found  # inside one underlined run, and in a table cell
    texts = sorted(a["text"] for a in an.values())
    assert texts.count("涉及涉及") >= 3  # across runs, after a soft break and a tab, in a hyperlink
    # diagnostics on table lines are anchored in their cell
    cell_lines = {doc.position(c.start).line for g in doc.grids for c in g.cells}
    for i, d in enumerate(res.diagnostics):
        assert (an[str(i)]["unit"].tag == W + "tc") == (doc.position(d.start).line in cell_lines)
    typo = next(c for c in cm.values() if "现定时限" in c["text"])
    assert "规定时限" in typo["text"] and typo["initials"] == "CK"


def test_nothing_else_changes(fixture_docx, tmp_path):
    out = tmp_path / "out.docx"
    res = annotate_file(str(fixture_docx), str(out))
    assert res.comments > 0
    a, b = fixture_docx.read_bytes(), out.read_bytes()
    # the text a reader sees is identical, character for character
    assert read_document(str(out)).text == read_document(str(fixture_docx)).text
    # every character keeps its run properties; paragraph properties are unchanged
    assert char_formats(b) == char_formats(a)
    assert paragraph_props(b) == paragraph_props(a)
    za, zb = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
    names_a, names_b = set(za.namelist()), set(zb.namelist())
    assert names_a <= names_b and names_b - names_a == {"word/comments.xml"}
    for n in names_a:
        if not n.endswith((".xml", ".rels")):
            assert za.read(n) == zb.read(n), n  # images and other binary parts byte for byte
    # the body has the same paragraphs, tables and cells
    da, db = docx.Document(io.BytesIO(a)), docx.Document(io.BytesIO(b))
    assert [p.text for p in da.paragraphs] == [p.text for p in db.paragraphs]
    assert [[c.text for c in row.cells] for t in da.tables for row in t.rows] == \
        [[c.text for c in row.cells] for t in db.tables for row in t.rows]
    # the only new elements in the body are comment ranges and references
    ta = etree.fromstring(za.read("word/document.xml"))
    tb = etree.fromstring(zb.read("word/document.xml"))
    tags_a = {e.tag for e in ta.iter()}
    new_tags = {e.tag for e in tb.iter()} - tags_a
    assert new_tags <= {W + "commentRangeStart", W + "commentRangeEnd", W + "commentReference", W + "rStyle"}


def test_edge_case_spans(tmp_path):
    d = docx.Document()
    p = d.add_paragraph()
    for text, bold in (("甲乙", True), ("丙丁戊", False), ("己庚", True)):
        p.add_run(text).bold = bold
    d.add_paragraph("\u3000\u3000第二段 ABC  DEF 文字")
    t = d.add_table(rows=1, cols=2)
    t.cell(0, 0).text = "单元格一"
    t.cell(0, 0).add_paragraph("第二段落")
    path = tmp_path / "e.docx"
    d.save(path)
    doc = read_document(str(path))
    lines = doc.text.split("\n")
    assert lines[:5] == ["甲乙丙丁戊己庚", "第二段 ABC DEF 文字", "单元格一第二段落", "", ""]
    L = [doc.index.line_start(i) for i in range(1, 5)]

    def diag(s, e, msg):
        return Diagnostic("test.x", "style", "info", msg, s, e)

    diags = [
        diag(L[0] + 1, L[0] + 6, "跨三个文字块"),  # 乙丙丁戊己
        diag(L[0] + 2, L[0] + 4, "嵌套在里面"),  # 丙丁
        diag(L[0] + 3, L[0] + 7, "部分重叠"),  # 丁戊己庚
        diag(L[0] + 2, L[0] + 4, "完全相同"),
        diag(L[0], L[0], "行首零宽"),
        diag(L[0] + 7, L[0] + 7, "行尾零宽"),
        diag(L[1] + 3, L[1] + 10, "含合并的空格"),  # " ABC DE" -> anchored ABC..DE
        diag(L[1] + 3, L[1] + 4, "只有空格"),
        diag(L[0] + 5, L[1] + 2, "跨两段"),
        diag(L[2] + 2, L[2] + 6, "单元格内跨段落"),  # 格一第二
        diag(L[3], L[3], "空白单元格"),
    ]
    data = path.read_bytes()
    out, n = annotate_bytes(data, doc, diags)
    assert n == len(diags)
    an, cm = anchors(out), comments(out)
    got = {cm[k]["text"].split("\n")[0].split("】")[1]: v["text"] for k, v in an.items()}
    assert got == {"跨三个文字块": "乙丙丁戊己", "嵌套在里面": "丙丁", "部分重叠": "丁戊己庚", "完全相同": "丙丁",
                   "行首零宽": "", "行尾零宽": "", "含合并的空格": "ABC  DE", "只有空格": "",
                   "跨两段": "己庚\u3000\u3000第二", "单元格内跨段落": "格一第二", "空白单元格": ""}
    assert char_formats(out) == char_formats(data)
    assert read_document_bytes(out, tmp_path) == doc.text


def read_document_bytes(data: bytes, tmp_path) -> str:
    p = tmp_path / "reread.docx"
    p.write_bytes(data)
    return read_document(str(p)).text


def test_refuses_mismatched_text(fixture_docx):
    from checker.readers import document_from_text

    doc = document_from_text("完全不同的文本\n")
    with pytest.raises(AnnotateError, match="对不上|不一致"):
        annotate_bytes(fixture_docx.read_bytes(), doc, [])


def test_example_report_as_docx(tmp_path):
    """The example report, one Word paragraph per line (table lines keep their tab indent)."""
    d = docx.Document()
    for line in SEED.read_text(encoding="utf-8").split("\n"):
        d.add_paragraph(line)
    path = tmp_path / "heizhuanghu-2020.docx"
    d.save(path)
    out = tmp_path / "heizhuanghu-2020.checked.docx"
    res = annotate_file(str(path), str(out))
    doc = read_document(str(path))
    assert len(res.diagnostics) >= 2
    check_anchors(out.read_bytes(), doc, res.diagnostics)
    assert read_document(str(out)).text == doc.text


def test_cli_writes_copy_and_refuses_to_overwrite_input(fixture_docx, tmp_path):
    before = fixture_docx.read_bytes()
    out = tmp_path / "checked.docx"
    p = run_cli("annotate", fixture_docx, "-o", out)
    assert p.returncode == 0, p.stderr
    assert "批注" in p.stderr and out.exists()
    assert len(comments(out.read_bytes())) >= 3
    same = run_cli("annotate", fixture_docx, "-o", fixture_docx)
    assert same.returncode == 2 and "不能是输入文件" in same.stderr
    assert fixture_docx.read_bytes() == before
    txt = tmp_path / "a.txt"
    txt.write_text("报告", encoding="utf-8")
    with pytest.raises(AnnotateError, match=r"\.docx"):
        annotate_file(str(txt), str(tmp_path / "o.docx"))


def _corpus_docx():
    from conftest import CORPORA, REAL

    files = sorted(CORPORA.rglob("*.docx"))
    if REAL.exists():
        files += sorted(REAL.rglob("*.docx"))
    return files


@pytest.mark.parametrize("path", _corpus_docx(), ids=lambda p: p.name)
def test_corpus_docx_files(path, tmp_path):
    """Every Word report we have, including the example as .docx: each comment on its text."""
    from checker.linter import lint_document

    doc = read_document(str(path))
    res = lint_document(doc)
    data = path.read_bytes()
    out, n = annotate_bytes(data, doc, res.diagnostics)
    assert n == len(res.diagnostics)
    check_anchors(out, doc, res.diagnostics)
    assert read_document_bytes(out, tmp_path) == doc.text
    assert char_formats(out) == char_formats(data)
