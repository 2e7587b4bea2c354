"""The docx reader's per-line source map: ``Document.source_map`` and ``line_elements``,
which `checker annotate` and --fix use to find the Word element behind each text line."""
from __future__ import annotations

import io
import pickle
import zipfile

import docx
import pytest
from lxml import etree

from hostile import docx_with_document_xml
from checker.readers import docx as rd
from checker.readers._layout import clean_line

W = rd.W
NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
      'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


def P(t: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{t}</w:t></w:r></w:p>'


def TC(t: str | None, pr: str = "") -> str:
    return f'<w:tc><w:tcPr>{pr}</w:tcPr>{P(t) if t is not None else "<w:p/>"}</w:tc>'


LONG = "框内的长段落" * 20
BODIES = {
    # a one-column frame table is read as paragraphs
    "layout": (P("标题") + f'<w:tbl><w:tr>{TC(LONG)}</w:tr><w:tr><w:tc>{P("框内一")}{P("框内二")}</w:tc></w:tr></w:tbl>'
               + P("尾"), ["标题", LONG, "框内一", "框内二", "尾"]),
    "wrappers": (f'<w:sdt><w:sdtContent>{P("控件内")}<w:tbl><w:tr><w:sdt><w:sdtContent>{TC("甲")}</w:sdtContent>'
                 f'</w:sdt>{TC("乙")}</w:tr></w:tbl></w:sdtContent></w:sdt><!-- note --><?pi x?>'
                 f'<mc:AlternateContent><mc:Choice Requires="wps">{P("选择")}</mc:Choice><mc:Fallback>{P("回退")}'
                 f'</mc:Fallback></mc:AlternateContent><w:ins>{P("插入")}</w:ins>',
                 ["控件内", "甲", "乙", "选择", "插入"]),
    "merged": ('<w:tbl><w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + TC("A", '<w:gridSpan w:val="2"/>')
               + TC("B") + '</w:tr><w:tr>' + TC("C") + TC("D", '<w:vMerge w:val="restart"/>') + TC("E") + TC("F")
               + '</w:tr><w:tr>' + TC("G") + TC("", '<w:vMerge/>') + TC("H", '<w:hMerge w:val="restart"/>')
               + TC("I", '<w:hMerge/>') + '</w:tr></w:tbl>', list("ABCDEFGH")),
    "nested": ('<w:tbl><w:tr><w:tc>' + P("外") + '<w:tbl><w:tr>' + TC("内一") + TC("内二") + '</w:tr></w:tbl></w:tc>'
               + TC(None) + '</w:tr></w:tbl>' + P("后记"), ["外内一内二", "", "后记"]),
}


def _docx(body: str) -> bytes:
    xml = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NS}><w:body>{body}'
           '<w:sectPr/></w:body></w:document>').encode()
    return docx_with_document_xml(xml)


@pytest.mark.parametrize("name", sorted(BODIES))
def test_each_line_resolves_to_its_element_in_both_trees(name):
    body, want = BODIES[name]
    data = _docx(body)
    doc = pickle.loads(pickle.dumps(rd.read_docx("x.docx", data)))  # the map survives worker processes
    lines = doc.text.split("\n")[:-1]
    assert lines == want
    assert len(doc.source_map) == len(lines) and all(isinstance(p, tuple) for p in doc.source_map)
    grid_lines = {doc.position(c.start).line - 1 for g in doc.grids for c in g.cells}
    plain = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    for root in (docx.Document(io.BytesIO(data)).element, plain):
        for found in (rd.line_elements(root, doc.source_map), rd.line_elements(root)):  # recorded / walked again
            assert [clean_line(rd.paragraph_text(el)) for el in found] == lines
            assert [i for i, el in enumerate(found) if el.tag == W + "tc"] == sorted(grid_lines)


def test_a_map_that_does_not_fit_the_tree_gives_none():
    data = _docx(P("一") + P("二"))
    root = docx.Document(io.BytesIO(data)).element
    assert rd.line_elements(root, [(0,), (7,), (0, 0, 0, 0)]) == [root.body[0], None, None]


def test_only_docx_keeps_a_source_map(tmp_path):
    from checker.readers import read_document

    path = tmp_path / "r.txt"
    path.write_text("报告\n", encoding="utf-8")
    assert read_document(str(path)).source_map is None
