from hypothesis import given, strategies as st

from checker.decoding import decode, encode, split_line_ends
from checker.document import LineIndex, split_paragraphs


def test_line_index_roundtrip():
    text = "第一行\n第二行很长\n\n末行"
    idx = LineIndex(text)
    for off in range(len(text) + 1):
        pos = idx.position(off)
        assert idx.offset(pos.line, pos.column) == off
    assert idx.position(0).to_json() == {"line": 1, "column": 1, "offset": 0}
    assert idx.position(text.index("末")).line == 4
    assert idx.position(text.index("很")).column == 4  # columns count code points, not bytes


@given(st.text(alphabet=st.sampled_from(list("政府信息\n\r ab")), max_size=60))
def test_split_join_line_ends_is_lossless(raw):
    norm, ends = split_line_ends(raw)
    assert "\r" not in norm
    from checker.decoding import join_line_ends

    assert join_line_ends(norm, ends) == raw


def test_decode_encodings_agree():
    text = "北京市朝阳区黑庄户乡人民政府\n2020年政府信息公开工作年度报告\n"
    variants = {
        "utf-8": text.encode("utf-8"),
        "utf-8-sig": b"\xef\xbb\xbf" + text.encode("utf-8"),
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),
        "utf-16-le-nobom": text.encode("utf-16-le"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "cr": text.replace("\n", "\r").encode("gbk"),
    }
    for name, data in variants.items():
        d = decode(data)
        assert d.text == text, name


def test_encode_preserves_bom_and_line_ends():
    raw = "甲\r\n乙\n丙\r丁".encode("gb18030")
    d = decode(raw)
    assert encode(d.text, d.encoding, d.bom, d.line_ends) == raw
    raw = b"\xef\xbb\xbf" + "甲\r\n乙".encode("utf-8")
    d = decode(raw)
    assert d.bom and encode(d.text, d.encoding, d.bom, d.line_ends) == raw


def test_paragraph_spans_exclude_indentation():
    text = "标题\n\n\u3000\u3000正文第一段。\n\t单元格\n"
    paras = split_paragraphs(text)
    assert [p.text for p in paras] == ["标题", "正文第一段。", "单元格"]
    for p in paras:
        assert text[p.start:p.end] == p.text
