#!/usr/bin/env python3
"""Render a text report into .md, .docx, .html and .pdf fixtures.

The source is a report in the flattened web-text layout of the example
(``corpora/heizhuanghu-2020.txt``): one table cell per line, each cell line
starting with a tab, rows separated by blank lines, a cell line without a tab
continuing the cell above (``（三）不予`` / ``公开``). The script reads the
three tables of sections 二、三、四 from that layout, rebuilds their grid with
the template's merged cells (blank leading cells continue the merged cell
above; the last label of a row spans the remaining label columns), and writes
the same paragraphs and the same cell values in every layout:

- ``.md``: paragraphs, pipe tables (merged cells written once, the positions
  they cover left blank);
- ``.docx`` (python-docx): paragraphs and real tables with merged cells;
- ``.html``: a saved-page shape (navigation, scripts, the article in a CMS
  container), tables with rowspan/colspan, ``&nbsp;`` in blank cells, a
  ``<br>`` inside one long label; optionally GBK-encoded;
- ``.pdf`` (reportlab, built-in CID font STSong-Light): A4 pages, justified
  paragraphs with first-line indent, ruled tables that may break across
  pages, page numbers ``- N -``.

Everything is deterministic (fixed zip timestamps and document properties,
reportlab's invariant mode), so regenerating gives identical bytes.

Usage::

    python tools/make_fixtures.py                  # the default set into corpora/layouts/
    python tools/make_fixtures.py SRC.txt [--out DIR] [--stem NAME] [--gbk]
"""
from __future__ import annotations

import argparse
import datetime
import html
import io
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT / "corpora" / "layouts"

_SECTION = re.compile(r"^([一二三四五六])、\s*\S")
_NUM = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
FIXED_TIME = (2024, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------------------
# model


@dataclass
class Cell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class TableModel:
    name: str  # 表二 / 表三 / 表四
    rows: int
    cols: int
    cells: list[Cell]
    header_rows: int = 0

    def at(self, r: int, c: int) -> Cell | None:
        for cell in self.cells:
            if cell.row <= r < cell.row + cell.rowspan and cell.col <= c < cell.col + cell.colspan:
                return cell
        return None


@dataclass
class Report:
    title: list[str]
    blocks: list[tuple[str, object]] = field(default_factory=list)  # ("p", str) | ("table", TableModel)


# ---------------------------------------------------------------------------
# parsing the flattened text layout


def parse_report(text: str) -> Report:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[tuple[str, object]] = []
    title: list[str] = []
    section = None
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        stripped = line.strip(" \t\u3000")
        if not stripped:
            i += 1
            continue
        m = _SECTION.match(stripped)
        if m and len(stripped) <= 40 and not line.startswith("\t"):
            section = "一二三四五六".index(m.group(1)) + 1
            blocks.append(("p", stripped))
            i += 1
            continue
        if line.startswith("\t") and section in (2, 3, 4):
            rows, i = _read_rows(lines, i)
            name = {2: "表二", 3: "表三", 4: "表四"}[section]
            blocks.append(("table", build_table(name, rows)))
            continue
        if section is None and len(title) < 3 and not blocks and len(stripped) <= 40 and "。" not in stripped:
            title.append(stripped)
        else:
            blocks.append(("p", stripped))
        i += 1
    return Report(title=title, blocks=blocks)


def _read_rows(lines: list[str], i: int) -> tuple[list[list[str]], int]:
    """Rows of a flattened table, until the next section heading."""
    rows: list[list[str]] = []
    cur: list[str] = []
    n = len(lines)
    while i < n:
        line = lines[i]
        s = line.strip(" \t\u3000")
        if not line.startswith("\t") and _SECTION.match(s) and len(s) <= 40:
            break
        if not line.strip(" \u3000") and not line.startswith("\t"):
            if cur:
                rows.append(cur)
                cur = []
        elif line.startswith("\t"):
            cur.append(line.lstrip("\t").strip(" \u3000"))
        elif cur:
            cur[-1] += s  # a cell broken over lines
        elif rows:
            # a cell broken over a blank line (``（三）不予`` / blank / ``公开``)
            cur = rows.pop()
            cur[-1] += s
        i += 1
    if cur:
        rows.append(cur)
    return rows, i


def _split(row: list[str]) -> tuple[list[str], list[str]]:
    """Label cells and the trailing value cells of a data row."""
    k = len(row)
    while k > 0 and _NUM.match(row[k - 1]):
        k -= 1
    return row[:k], row[k:]


def _place_data_rows(cells: list[Cell], rows: list[list[str]], r0: int, label_cols: int, value_cols: int):
    """Data rows: blank leading labels continue the merged cell above; the last
    label spans the remaining label columns; the last value spans the rest."""
    for r, row in enumerate(rows, start=r0):
        labels, values = _split(row)
        col = 0
        for k, text in enumerate(labels):
            last = k == len(labels) - 1
            if not text and not last:
                above = next((c for c in cells if c.col == col and c.row + c.rowspan == r), None)
                if above is not None:
                    above.rowspan += 1
                    col += above.colspan
                    continue
            span = label_cols - col if last else 1
            cells.append(Cell(r, col, text, 1, max(span, 1)))
            col += max(span, 1)
        col = label_cols
        for k, v in enumerate(values):
            span = label_cols + value_cols - col if k == len(values) - 1 else 1
            cells.append(Cell(r, col, v, 1, max(span, 1)))
            col += 1


def build_table(name: str, rows: list[list[str]]) -> TableModel:
    if name == "表二":
        return _build_t2(rows)
    first_data = next((i for i, r in enumerate(rows) if _split(r)[1]), len(rows))
    head = [t for r in rows[:first_data] for t in r if t]
    body = rows[first_data:]
    cells: list[Cell] = []
    if name == "表三" and len(head) == 10:
        cells += [Cell(0, 0, head[0], 3, 3), Cell(0, 3, head[1], 1, 7), Cell(1, 3, head[2], 2, 1),
                  Cell(1, 4, head[3], 1, 5), Cell(1, 9, head[4], 2, 1)]
        cells += [Cell(2, 4 + k, head[5 + k]) for k in range(5)]
        label_cols = max(len(_split(r)[0]) for r in body)
        _place_data_rows(cells, body, 3, label_cols, 7)
        return TableModel(name, 3 + len(body), label_cols + 7, cells, header_rows=3)
    if name == "表四" and len(head) == 19:
        cells += [Cell(0, 0, head[0], 1, 5), Cell(0, 5, head[1], 1, 10)]
        cells += [Cell(1, k, head[2 + k], 2, 1) for k in range(5)]
        cells += [Cell(1, 5, head[7], 1, 5), Cell(1, 10, head[8], 1, 5)]
        cells += [Cell(2, 5 + k, head[9 + k]) for k in range(10)]
        for r, row in enumerate(body, start=3):
            cells += [Cell(r, k, v) for k, v in enumerate(row)]
        return TableModel(name, 3 + len(body), 15, cells, header_rows=3)
    # unknown shape: rows as they come
    width = max(len(r) for r in rows)
    for r, row in enumerate(rows):
        for k, t in enumerate(row):
            span = width - k if k == len(row) - 1 else 1
            cells.append(Cell(r, k, t, 1, span))
    return TableModel(name, len(rows), width, cells, header_rows=first_data)


def _build_t2(rows: list[list[str]]) -> TableModel:
    data = [r for r in rows if not (len(r) == 1 and r[0].startswith("第二十条")) and r[0] != "信息内容"]
    label_cols = max([len(_split(r)[0]) for r in data] or [1])
    value_cols = max(max((len(_split(r)[1]) for r in data), default=1),
                     max((len(r) - 1 for r in rows if r[0] == "信息内容"), default=1))
    width = label_cols + value_cols
    cells: list[Cell] = []
    run: list[list[str]] = []
    r = 0

    def flush_run():
        nonlocal r, run
        if run:
            _place_data_rows(cells, run, r, label_cols, value_cols)
            r += len(run)
            run = []

    for row in rows:
        if len(row) == 1 and row[0].startswith("第二十条"):
            flush_run()
            cells.append(Cell(r, 0, row[0], 1, width))
            r += 1
        elif row[0] == "信息内容":
            flush_run()
            cells.append(Cell(r, 0, row[0], 1, label_cols))
            heads = row[1:]
            for k, h in enumerate(heads):
                span = value_cols - k if k == len(heads) - 1 else 1
                cells.append(Cell(r, label_cols + k, h, 1, span))
            r += 1
        else:
            run.append(row)
    flush_run()
    return TableModel("表二", r, width, cells)


# ---------------------------------------------------------------------------
# renderers


def render_md(rep: Report) -> str:
    out = [*rep.title, ""]
    for kind, obj in rep.blocks:
        if kind == "p":
            out += [obj, ""]
        else:
            t: TableModel = obj
            grid = [["" for _ in range(t.cols)] for _ in range(t.rows)]
            for c in t.cells:
                grid[c.row][c.col] = c.text.replace("|", "\\|")
            out.append("| " + " | ".join(grid[0]) + " |")
            out.append("|" + "|".join("---" for _ in range(t.cols)) + "|")
            for row in grid[1:]:
                out.append("| " + " | ".join(row) + " |")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render_html(rep: Report, container: str = 'id="zoom"', br_label: str | None = None,
                charset: str = "utf-8") -> str:
    e = html.escape
    title = "".join(rep.title)
    parts = [
        "<!DOCTYPE html>",
        "<html><head>",
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">',
        f"<title>{e(title)}_政府信息公开专栏</title>",
        "<style>.nav{float:left} td{border:1px solid #000}</style>",
        '<script>var _hmt = _hmt || []; document.write("<div>统计代码</div>");</script>',
        "</head><body>",
        '<div class="header"><div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a>'
        "</li><li><a href=\"/hdjl/\">互动交流</a></li></ul></div></div>",
        '<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; 年度报告</div>',
        f'<h1 class="title">{"<br>".join(e(t) for t in rep.title)}</h1>',
        '<div class="info">发布日期：2021-01-15 来源：办公室 <script>document.write("浏览次数");</script></div>',
        f"<div {container}>",
    ]
    for kind, obj in rep.blocks:
        if kind == "p":
            parts.append(f'<p style="text-indent:2em">{e(obj)}</p>')
            continue
        t: TableModel = obj
        parts.append('<table border="1" cellspacing="0" cellpadding="0" width="100%"><tbody>')
        for r in range(t.rows):
            parts.append("<tr>")
            for c in sorted((c for c in t.cells if c.row == r), key=lambda c: c.col):
                attrs = ""
                if c.rowspan > 1:
                    attrs += f' rowspan="{c.rowspan}"'
                if c.colspan > 1:
                    attrs += f' colspan="{c.colspan}"'
                if not c.text:
                    body = "&nbsp;"
                elif _NUM.match(c.text):
                    body = f"&nbsp;{e(c.text)}&nbsp;"
                elif br_label and c.text == br_label and "（区分" in c.text:
                    a, b = c.text.split("（区分", 1)
                    body = f"{e(a)}<br>（区分{e(b)}"
                else:
                    body = f'<p style="text-align:center"><span>{e(c.text)}</span></p>'
                parts.append(f"<td{attrs}>{body}</td>")
            parts.append("</tr>")
        parts.append("</tbody></table>")
    parts += [
        "</div>",
        '<div class="share">分享到：微信 微博</div>',
        '<div class="footer"><p>主办单位：示例人民政府办公室 网站标识码：0000000000</p></div>',
        "<script>function printPage(){window.print();}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and a stable member order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render_docx(rep: Report) -> bytes:
    import docx
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    d = docx.Document()
    cp = d.core_properties
    fixed = datetime.datetime(2024, 1, 1, 0, 0, 0)
    cp.author = "checker fixtures"
    cp.last_modified_by = "checker fixtures"
    cp.title = "".join(rep.title)
    cp.created = fixed
    cp.modified = fixed
    cp.revision = 1
    style = d.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    # a footer with a page number: headers/footers must not reach the text
    d.sections[0].footer.paragraphs[0].text = "— 1 —"
    for t in rep.title:
        p = d.add_paragraph(t)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for kind, obj in rep.blocks:
        if kind == "p":
            p = d.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(28)
            # split into two runs so that text is read across runs
            text: str = obj
            cut = len(text) // 2
            p.add_run(text[:cut])
            p.add_run(text[cut:])
            continue
        t: TableModel = obj
        table = d.add_table(rows=t.rows, cols=t.cols)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for c in t.cells:
            top_left = table.cell(c.row, c.col)
            if c.rowspan > 1 or c.colspan > 1:
                top_left = top_left.merge(table.cell(c.row + c.rowspan - 1, c.col + c.colspan - 1))
            para = top_left.paragraphs[0]
            if c.text:
                # the long header of 表三 on two paragraphs, as Word users type it
                if c.text.startswith("（本列数据") and "，等于" in c.text:
                    a, b = c.text.split("，等于", 1)
                    para.add_run(a + "，")
                    top_left.add_paragraph("等于" + b)
                else:
                    para.add_run(c.text)
    buf = io.BytesIO()
    d.save(buf)
    return _fixed_zip(buf.getvalue())


def render_pdf(rep: Report, leading: float = 20, split: tuple[str, int] | None = None) -> bytes:
    """``split=(table, row)``: end the page before that row of the table, the
    way word processors break a long table (a merged label cell is painted on
    both pages, its text on the first)."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle("body", fontName=font, fontSize=12, leading=leading, firstLineIndent=24,
                          alignment=TA_JUSTIFY, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=28, alignment=TA_CENTER, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=11, alignment=TA_CENTER, wordWrap="CJK")
    label = ParagraphStyle("label", parent=cell, alignment=0)
    story = []
    for t in rep.title:
        story.append(Paragraph(html.escape(t), title))
    story.append(Spacer(1, 10))
    width = A4[0] - 2 * 60
    for kind, obj in rep.blocks:
        if kind == "p":
            story.append(Paragraph(html.escape(obj), body))
            continue
        t: TableModel = obj
        if t.name == "表三":
            label_w = [34, 60, 128][: t.cols - 7]
            rest = (width - sum(label_w)) / 7
            widths = label_w + [rest] * 7
        else:
            widths = [width / t.cols] * t.cols
        parts = [(0, t.rows)]
        if split and split[0] == t.name and 0 < split[1] < t.rows:
            parts = [(0, split[1]), (split[1], t.rows)]
        story.append(Spacer(1, 4))
        for n, (r0, r1) in enumerate(parts):
            if n:
                story.append(PageBreak())
            data = [["" for _ in range(t.cols)] for _ in range(r1 - r0)]
            style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                     ("FONT", (0, 0), (-1, -1), font, 9)]
            for c in t.cells:
                a, b = max(c.row, r0), min(c.row + c.rowspan, r1)
                if a >= b:
                    continue
                text = c.text if a == c.row else ""
                st = label if (c.colspan > 1 or c.col < 3) and not _NUM.match(c.text) and c.row >= t.header_rows \
                    else cell
                data[a - r0][c.col] = Paragraph(html.escape(text), st) if text else ""
                if b - a > 1 or c.colspan > 1:
                    style.append(("SPAN", (c.col, a - r0), (c.col + c.colspan - 1, b - r0 - 1)))
            story.append(Table(data, colWidths=widths, style=TableStyle(style), splitByRow=1))
        story.append(Spacer(1, 6))

    def page_number(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 10)
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")
        canvas.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=60, rightMargin=60, topMargin=60, bottomMargin=60,
                            title="".join(rep.title), author="checker fixtures", invariant=1)
    doc.build(story, onFirstPage=page_number, onLaterPages=page_number)
    return buf.getvalue()


# ---------------------------------------------------------------------------


def render_all(src: Path, out_dir: Path, stem: str, gbk: bool = False, container: str = 'id="zoom"',
               leading: float = 20, split: tuple[str, int] | None = None) -> list[Path]:
    text = src.read_text(encoding="utf-8")
    rep = parse_report(text)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    md = out_dir / f"{stem}.md"
    md.write_text(render_md(rep), encoding="utf-8")
    written.append(md)
    docx_path = out_dir / f"{stem}.docx"
    docx_path.write_bytes(render_docx(rep))
    written.append(docx_path)
    page = render_html(rep, container=container, br_label="（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
                       charset="gb2312" if gbk else "utf-8")
    html_path = out_dir / f"{stem}.html"
    html_path.write_bytes(page.encode("gbk", errors="xmlcharrefreplace") if gbk else page.encode("utf-8"))
    written.append(html_path)
    pdf_path = out_dir / f"{stem}.pdf"
    pdf_path.write_bytes(render_pdf(rep, leading=leading, split=split))
    written.append(pdf_path)
    return written


PLANTED = [
    # (table, row label, column index among the values, new value): one arithmetic error per table
    ("表二", "行政规范性文件", 0, "15"),  # 本年制发件数 15 > 现行有效 12 + 废止 1
    ("表三", "4.保护第三方合法权益", 6, "3"),  # row 总计 3 ≠ 2 + 0 + … + 0
    ("表四", None, 4, "3"),  # 行政复议 总计 3 ≠ 1 + 0 + 1 + 0
]


def plant_errors(text: str) -> str:
    """The same report with one arithmetic error per table (for layout tests)."""
    lines = text.split("\n")
    section = None
    for table, label, idx, value in PLANTED:
        want = {"表二": 2, "表三": 3, "表四": 4}[table]
        section = None
        i = 0
        while i < len(lines):
            s = lines[i].strip()
            m = _SECTION.match(s)
            if m and not lines[i].startswith("\t"):
                section = "一二三四五六".index(m.group(1)) + 1
            if section == want and lines[i].startswith("\t") and (
                    (label and lines[i].strip() == label) or (label is None and _NUM.match(lines[i].strip()))):
                # the value cells follow the label (or start here for 表四's data row)
                j = i + 1 if label else i
                k = 0
                while j < len(lines) and lines[j].startswith("\t"):
                    if _NUM.match(lines[j].strip()):
                        if k == idx:
                            lines[j] = "\t" + value
                            break
                        k += 1
                    j += 1
                break
            i += 1
    return "\n".join(lines)


# the committed set: (source, stem, options)
FIXTURES = [
    (ROOT / "corpora" / "heizhuanghu-2020.txt", "heizhuanghu-2020", {}),
    (LAYOUTS / "qingxi-2022.txt", "qingxi-2022", {"gbk": True, "container": 'class="TRS_Editor"'}),
    # its PDF breaks 表三 inside the merged 三、本年度办理结果 / （三）不予公开 cells
    (LAYOUTS / "qingxi-2022-planted.txt", "qingxi-2022-planted",
     {"container": 'class="article-content"', "split": ("表三", 10)}),
]


def default_set(out_dir: Path = LAYOUTS) -> list[Path]:
    written = []
    qx = LAYOUTS / "qingxi-2022.txt"
    planted = out_dir / "qingxi-2022-planted.txt"
    out_dir.mkdir(parents=True, exist_ok=True)
    planted.write_text(plant_errors(qx.read_text(encoding="utf-8")), encoding="utf-8")
    written.append(planted)
    for src, stem, opts in FIXTURES:
        if src.name == planted.name:
            src = planted
        written += render_all(src, out_dir, stem, **opts)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("source", nargs="?", help="text report in the flattened layout")
    ap.add_argument("--out", default=str(LAYOUTS), help="output folder")
    ap.add_argument("--stem", help="output file name without extension")
    ap.add_argument("--gbk", action="store_true", help="write the HTML page in GBK")
    args = ap.parse_args(argv)
    if not args.source and args.out != str(LAYOUTS):
        files = default_set(Path(args.out))
    elif args.source:
        src = Path(args.source)
        files = render_all(src, Path(args.out), args.stem or src.stem, gbk=args.gbk)
    else:
        files = default_set()
    for f in files:
        print(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f)
    return 0


if __name__ == "__main__":
    sys.exit(main())
