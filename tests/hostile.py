"""Generators of hostile and broken inputs, shared by tests/test_robustness.py and bench/fuzz.py.

Everything is built in memory from a few lines of report text: nothing large is
committed, and every generator is deterministic for a given argument.
"""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

REPORT_LINES = [
    "某某县某某镇人民政府2023年政府信息公开工作年度报告",
    "本报告依据《中华人民共和国政府信息公开条例》要求编制。",
    "一、总体情况",
    "2023年，本机关认真贯彻落实政府信息公开工作要求，共收到政府信息公开申请6件，予以公开1件。",
    "二、主动公开政府信息情况",
    "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "五、存在的主要问题及改进情况",
    "六、其他需要报告的事项",
    "本机关未收取信息处理费。",
]
REPORT_TEXT = "\n".join(REPORT_LINES) + "\n"


# --------------------------------------------------------------------------- docx

def make_docx(lines: list[str] | None = None, table: list[list[str]] | None = None) -> bytes:
    """A real .docx (python-docx) with the given paragraphs and an optional table."""
    import docx

    d = docx.Document()
    for line in lines or REPORT_LINES:
        d.add_paragraph(line)
    if table:
        t = d.add_table(rows=len(table), cols=max(len(r) for r in table))
        for i, row in enumerate(table):
            for j, v in enumerate(row):
                t.cell(i, j).text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def docx_with_document_xml(xml: bytes, base: bytes | None = None) -> bytes:
    """A copy of a valid .docx whose word/document.xml is replaced by ``xml``."""
    base = base or make_docx()
    src = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = xml if info.filename == "word/document.xml" else src.read(info.filename)
            z.writestr(info.filename, data)
    return out.getvalue()


def docx_zip_bomb(size: int = 300 * 1024 * 1024) -> bytes:
    """A .docx whose word/document.xml inflates to ``size`` bytes (streamed: memory stays small)."""
    base = zipfile.ZipFile(io.BytesIO(make_docx()))
    # a ZipInfo passed to ZipFile.open is STORED unless told otherwise
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, base.read(info.filename))
        zi = zipfile.ZipInfo("word/document.xml")
        zi.compress_type = zipfile.ZIP_DEFLATED
        with z.open(zi, "w", force_zip64=True) as f:
            head = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                    b"<w:body><w:p><w:r><w:t>")
            f.write(head)
            chunk = b"a" * (1 << 20)
            left = size - len(head)
            while left > 0:
                f.write(chunk[:left])
                left -= len(chunk)
    return out.getvalue()


def docx_lying_sizes(real: int = 50 * 1024 * 1024, declared: int = 2000) -> bytes:
    """A zip bomb that lies: its headers declare ``declared`` bytes for word/document.xml
    but the deflate stream inflates to ``real`` bytes."""
    base = zipfile.ZipFile(io.BytesIO(make_docx()))
    payload = (b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
               b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>' + b"a" * real)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = comp.compress(payload) + comp.flush()
    crc = zlib.crc32(payload)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info.filename, base.read(info.filename))
        zi = zipfile.ZipInfo("word/document.xml")
        zi.compress_type = zipfile.ZIP_STORED
        z.writestr(zi, b"\0" * len(stream))  # placeholder of the right length, patched below
    data = bytearray(out.getvalue())
    # local header
    lh = data.find(b"PK\x03\x04" + b"\x14\x00", 0)
    while lh >= 0:
        name_len, extra_len = struct.unpack_from("<HH", data, lh + 26)
        name = bytes(data[lh + 30:lh + 30 + name_len])
        if name == b"word/document.xml":
            struct.pack_into("<H", data, lh + 8, 8)  # deflate
            struct.pack_into("<III", data, lh + 14, crc, len(stream), declared)
            off = lh + 30 + name_len + extra_len
            data[off:off + len(stream)] = stream
            break
        lh = data.find(b"PK\x03\x04", lh + 4)
    cd = data.find(b"PK\x01\x02")
    while cd >= 0:
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, cd + 28)
        if bytes(data[cd + 46:cd + 46 + name_len]) == b"word/document.xml":
            struct.pack_into("<H", data, cd + 10, 8)
            struct.pack_into("<III", data, cd + 16, crc, len(stream), declared)
            break
        cd = data.find(b"PK\x01\x02", cd + 4)
    return bytes(data)


# --------------------------------------------------------------------------- pdf

def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """Assemble numbered objects (1-based; 1 is the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def make_pdf(lines: list[str] | None = None, *, lines_per_page: int = 40) -> bytes:
    """A text PDF with Chinese text (the standard Adobe-GB1 font STSong-Light, not embedded)."""
    lines = lines if lines is not None else REPORT_LINES
    pages = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)] or [[]]
    n = len(pages)
    # 1 catalog, 2 pages, 3 font, 4 descendant, then (page, content) pairs
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [4 0 R] >>"), (
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor << /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >> "
        b"/DW 1000 >>")]
    kids = []
    for page_lines in pages:
        ops = [b"BT /F1 12 Tf 14 TL 50 800 Td"]
        for line in page_lines:
            ops.append(b"<" + line.encode("utf-16-be").hex().encode() + b"> Tj T*")
        ops.append(b"ET")
        content = b"\n".join(ops)
        page_no = len(objs) + 1
        kids.append(page_no)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                    b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_no + 1))
        objs.append(_stream(content))
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), n)
    return _pdf(objs)


def make_pdf_flate_bomb(size: int = 300 * 1024 * 1024) -> bytes:
    """A text PDF whose page content stream (FlateDecode) inflates to ``size`` bytes of spaces."""
    objs = _split_objects(make_pdf())
    for i, body in enumerate(objs):
        if body.startswith(b"<< /Length") and b"stream\n" in body:
            content = body.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
            comp = zlib.compressobj(9)
            data = comp.compress(content + b"\n")
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                data += comp.compress(chunk)
            data += comp.flush()
            objs[i] = b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
            break
    return _pdf(objs)


def make_scanned_pdf(pages: int = 2) -> bytes:
    """Pages that carry only an image (what a scanner produces): no text layer."""
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
                         _stream(bytes(range(256)) * 16, b"/Type /XObject /Subtype /Image /Width 64 /Height 64 "
                                 b"/ColorSpace /DeviceGray /BitsPerComponent 8 ")]
    kids = []
    for _ in range(pages):
        page_no = len(objs) + 1
        kids.append(page_no)
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                    b"/Resources << /XObject << /Im1 3 0 R >> >> /Contents %d 0 R >>" % (page_no + 1))
        objs.append(_stream(b"q 500 0 0 700 50 70 cm /Im1 Do Q"))
    objs[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), pages)
    return _pdf(objs)


def make_encrypted_pdf() -> bytes:
    """A PDF protected by a user password we do not know (standard security handler, RC4 40-bit)."""
    body = make_pdf()
    # a /Encrypt dictionary whose /U entry cannot match the empty password
    enc_obj = (b"<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 "
               b"/O <" + (b"7a" * 32) + b"> /U <" + (b"3c" * 32) + b"> >>")
    # re-assemble with the extra object and the trailer entries
    objs = _split_objects(body)
    objs.append(enc_obj)
    return _pdf(objs, b"/Encrypt %d 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] "
                % len(objs))


def _split_objects(pdf: bytes) -> list[bytes]:
    out = []
    i = 1
    while True:
        start = pdf.find(b"\n%d 0 obj\n" % i)
        if start < 0:
            return out
        start += len(b"\n%d 0 obj\n" % i)
        end = pdf.find(b"\nendobj\n", start)
        out.append(pdf[start:end])
        i += 1


# --------------------------------------------------------------------------- html

def make_html(lines: list[str] | None = None, *, table: list[list[str]] | None = None) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in (lines or REPORT_LINES))
    if table:
        body += "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in table) + "</table>"
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title></head>'
            f"<body>{body}</body></html>").encode("utf-8")


def html_with_scripts() -> bytes:
    return ("<html><head><script>var 秘密 = '脚本内容不应出现';</script><style>p{color:red} .x::after{content:'样式内容'}"
            "</style></head><body><script>document.write('涉及涉及脚本');</script>"
            + "".join(f"<p>{line}</p>" for line in REPORT_LINES)
            + "<noscript>请启用脚本</noscript></body></html>").encode("utf-8")


def html_deeply_nested(depth: int = 100_000) -> bytes:
    return ("<html><body>" + "<div>" * depth + "本机关共收到申请6件。" + "</div>" * depth
            + "</body></html>").encode("utf-8")


def html_unclosed_nested(depth: int = 50_000) -> bytes:
    return ("<html><body>" + "<span><b><i>" * depth + "本机关共收到申请6件。").encode("utf-8")


def html_no_body() -> bytes:
    return ("<html><head><title>年度报告</title></head>" + "".join(f"<p>{line}" for line in REPORT_LINES)).encode()


def html_bare_text() -> bytes:
    return REPORT_TEXT.encode("utf-8")


def html_empty() -> bytes:
    return b"<html><head><script>x=1</script></head><body>  </body></html>"


# --------------------------------------------------------------------------- text

def text_variants() -> dict[str, bytes]:
    """Encodings and line ends of the same report text."""
    t = REPORT_TEXT
    return {
        "utf8": t.encode("utf-8"),
        "utf8-bom": b"\xef\xbb\xbf" + t.encode("utf-8"),
        "gb18030": t.encode("gb18030"),
        "utf16-le-bom": b"\xff\xfe" + t.encode("utf-16-le"),
        "utf16-be-bom": b"\xfe\xff" + t.encode("utf-16-be"),
        "utf16-le": t.encode("utf-16-le"),
        "utf16-be": t.encode("utf-16-be"),
    }


def mixed_line_ends(text: str = REPORT_TEXT) -> bytes:
    ends = ["\r\n", "\n", "\r"]
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i < len(lines) - 1:
            out.append(ends[i % 3])
    return "".join(out).encode("utf-8")


def write(path: str | os.PathLike, data: bytes) -> str:
    with open(path, "wb") as f:
        f.write(data)
    return str(path)
