"""``--format html``: the self-contained report, checked as HTML and in a real headless browser."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup

from conftest import SEED, run_cli
from checker.diagnostics import Claim, Diagnostic, Edit, Fix, Related
from checker.document import Cell, Table
from checker.formats import FormatOptions, get
from checker.formats.html import FONT_STACK
from checker.linter import FileResult, lint_file
from checker.readers import document_from_text

COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]


def _render(results) -> str:
    return get("html")(results, FormatOptions())


def _soup(page: str) -> BeautifulSoup:
    # BeautifulSoup collapses whitespace-only strings except in these tags; the page uses pre-wrap
    return BeautifulSoup(page, "html.parser", preserve_whitespace_tags={"span", "mark", "td", "div", "pre"})


def rich_result() -> FileResult:
    """A small report with every hard case: nested, partially overlapping, identical,
    zero-width and multi-line spans, hostile text, a table with failing cells, claims."""
    lines = [
        "北京市某某区某某乡人民政府2020年政府信息公开工作年度报告",
        '本报告<script>alert("x")</script>由&lt;单位&gt;编制 "引号" & 符号。',
        "共收到政府信息公开申请35件，予以公开1件。",
        "这里涉及涉及多个科室的工作。",
        "跨行的问题从这里开始",
        "到这里结束。",
        "三、收到和处理政府信息公开申请情况",
    ]
    cells: list[tuple[str, str, str, int]] = []  # (row, col, raw, 1-based line)
    rows = {"一、本年新收政府信息公开申请数量": ["6", "0", "0", "0", "0", "0", "7"],
            "（四）无法提供/1.本机关不掌握相关政府信息": ["5", "0", "", "0", "0", "0", "5"]}
    for row, vals in rows.items():
        lines.append("\t" + row.split("/")[-1])
        for col, v in zip(COLS, vals):
            lines.append("\t" + v)
            cells.append((row, col, v, len(lines)))
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    text = "\n".join(lines) + "\n"
    doc = document_from_text(text, path="<script>报告.txt")
    # tables by hand, so the test does not depend on the recogniser
    doc.tables = []
    t = Table(name="表三", template="2019", start=0, end=0)
    for row, col, raw, ln in cells:
        pos, end = doc.index.line_start(ln) + 1, doc.index.line_end(ln)
        assert text[pos:end] == raw
        key = f"表三/{row}/{col}"
        t.cells[key] = Cell(key=key, table="表三", row=row, col=col, raw=raw,
                            value=int(raw) if raw else None, start=pos, end=end)
    t.start = min(c.start for c in t.cells.values())
    t.end = max(c.end for c in t.cells.values())
    doc.tables.append(t)

    def span(sub, line_no, occurrence=0):
        ls = doc.index.line_start(line_no)
        line = doc.line_text(line_no)
        i = -1
        for _ in range(occurrence + 1):
            i = line.index(sub, i + 1)
        return ls + i, ls + i + len(sub)

    s4, e4 = span("涉及涉及", 4)
    s4b, e4b = span("涉及", 4, 1)
    s4c, e4c = span("涉及多个", 4)
    total = t.cells["表三/一、本年新收政府信息公开申请数量/总计"]
    blank = t.cells["表三/（四）无法提供/1.本机关不掌握相关政府信息/科研机构"]
    parts = [c for k, c in t.cells.items() if k.startswith("表三/一、") and not k.endswith("/总计")]
    l3s, l3e = doc.index.line_start(3), doc.index.line_end(3)
    claim_s, claim_e = span("收到政府信息公开申请35件", 3)
    diags = [
        Diagnostic("repetition.word", "repetition", "error", "“涉及涉及”中“涉及”重复", s4, e4,
                   fix=Fix([Edit(s4 + 2, e4, "")])),
        Diagnostic("style.x", "style", "info", "内层", s4b, e4b),
        Diagnostic("typo.x", "typo", "warning", "部分重叠", s4c, e4c),
        Diagnostic("duplicate.x", "duplicate", "warning", "完全相同的范围", s4, e4),
        Diagnostic("numbering.x", "numbering", "info", "零宽位置", doc.index.line_start(4), doc.index.line_start(4)),
        Diagnostic("consistency.x", "consistency", "warning", "跨行",
                   span("从这里开始", 5)[0], span("到这里", 6)[1]),
        Diagnostic("crosscheck.x", "crosscheck", "error", "正文“35件”与表三总计7不一致", claim_s, claim_e,
                   related=[Related("表三总计", total.start, total.end)]),
        Diagnostic("style.y", "style", "info", "整行", l3s, l3e),
        Diagnostic("punctuation.x", "punctuation", "warning", '<img src=x onerror="alert(1)"> & “引号”',
                   *span("<script>", 2)),
        Diagnostic("table.sum-mismatch", "table", "error", "总计应为 6，实为 7", total.start, total.end,
                   related=[Related("自然人", c.start, c.end) for c in parts],
                   fix=Fix([Edit(total.start, total.end, "6")], safe=False), location="表三 第1行 第7列"),
        Diagnostic("table.blank", "table", "warning", "空白单元格，应为 0", blank.start, blank.end),
        Diagnostic("table.whole", "table", "info", "整张表的问题", t.start, t.end),
        Diagnostic("structure.x", "structure", "info", "文末", len(text), len(text)),
    ]
    diags.sort(key=Diagnostic.sort_key)
    claims = [
        Claim("收到政府信息公开申请35件", claim_s, claim_e, "表三/一、本年新收政府信息公开申请数量/总计", 35, 7, "mismatch"),
        Claim("予以公开1件", *span("予以公开1件", 3), None, 1, None, "unresolved", note="表中无此行"),
        Claim("5件不掌握", *span("涉及", 4), "表三/（四）无法提供/1.本机关不掌握相关政府信息/总计", 5, 5, "verified"),
    ]
    return FileResult(path=doc.path, format="txt", encoding="utf-8", doc=doc, diagnostics=diags, claims=claims)


# ------------------------------------------------------------------ HTML structure (in-process, fast)


def test_one_highlight_per_diagnostic_and_fragments_cover_exact_spans():
    r = rich_result()
    soup = _soup(_render([r]))
    assert len(soup.select("mark.hl")) == len(r.diagnostics)
    text = r.doc.text
    for i, d in enumerate(r.diagnostics):
        frags = soup.select(f'section#f0 mark[data-d="{i}"]')
        assert frags[0]["class"][0] == "hl" and all(f["class"][0] == "hlc" for f in frags[1:])
        assert frags[0]["id"] == f"f0-d{i}"
        got = "".join(f.get_text() for f in frags)
        assert got == text[d.start:d.end].replace("\n", ""), d.message
        if d.start == d.end:
            assert "empty" in frags[0]["class"]
    # overlapping spans really overlap in the DOM: the inner one is nested in the outer one
    inner = next(i for i, d in enumerate(r.diagnostics) if d.message == "内层")
    assert soup.select_one(f'mark[data-d="{inner}"]').find_parent("mark") is not None
    # the multi-line span has a fragment on each line
    ml = next(i for i, d in enumerate(r.diagnostics) if d.message == "跨行")
    assert {f.find_parent("div")["id"] for f in soup.select(f'mark[data-d="{ml}"]')} == {"f0-L5", "f0-L6"}


def test_text_round_trips_and_everything_is_escaped():
    r = rich_result()
    page = _render([r])
    soup = _soup(page)
    lines = r.doc.text.split("\n")
    shown = soup.select("section#f0 .ln .tx")
    assert [s.get_text() for s in shown] == lines
    assert len(soup.find_all("script")) == 1  # only ours
    assert not soup.find_all("img")
    assert '<script>alert("x")' not in page and "<img src=x" not in page
    assert "&lt;script&gt;报告.txt" in page  # the path too
    li = soup.select_one('li.prob[id^="f0-p"] .msg')
    assert li is not None
    msgs = [m.get_text() for m in soup.select(".prob .msg")]
    assert '<img src=x onerror="alert(1)"> & “引号”' in msgs


def test_problems_are_listed_worst_first_with_jump_links():
    r = rich_result()
    soup = _soup(_render([r]))
    probs = soup.select("section#f0 ol.problems > li")
    assert len(probs) == len(r.diagnostics)
    sev = [p["class"][1] for p in probs]
    assert sev == sorted(sev, key=["sev-error", "sev-warning", "sev-info"].index)
    ids = {m["id"] for m in soup.select("mark.hl")}
    for p in probs:
        assert p.select_one("a.at")["href"][1:] in ids
    fix = soup.select_one(f'li#f0-p{next(i for i, d in enumerate(r.diagnostics) if d.rule == "repetition.word")} .fix')
    assert "删除" in fix.get_text() and "涉及" in fix.get_text()
    # summary matrix counts by category and severity
    matrix = soup.select_one("section#f0 table.matrix")
    rows = {tr.th.contents[0]: [td.get_text() for td in tr.find_all("td")] for tr in matrix.tbody.find_all("tr")}
    assert rows["表格数据"] == ["1", "1", "1", "3"]
    assert rows["正文与表格不一致"] == ["1", "·", "·", "1"]
    assert soup.select_one("section#f0 .card.sev-error b").get_text() == "3"


def test_failing_table_cells_are_marked_with_the_expected_value():
    r = rich_result()
    soup = _soup(_render([r]))
    bad = soup.select("section#f0 table.grid td.bad")
    assert len(bad) == 2  # the wrong total and the blank cell; the whole-table diagnostic marks none
    total = next(td for td in bad if "总计" in td["title"].split("\n")[0])
    assert total.select_one(".found").get_text() == "7"
    assert total.select_one(".exp").get_text() == "应为 6"
    assert "sev-error" in total["class"]
    blank = next(td for td in bad if "科研机构" in td["title"].split("\n")[0])
    assert blank.select_one(".exp").get_text() == "应为 0" and "sev-warning" in blank["class"]
    assert len(soup.select("section#f0 table.grid td.rel")) == 6  # the cells the total is computed from
    assert soup.select_one("section#f0")["data-bad-cells"] == "2"
    # headers and rows as labelled
    heads = [th.get_text() for th in soup.select("section#f0 table.grid thead th")][1:]
    assert heads == COLS
    assert len(soup.select("section#f0 table.grid tbody tr")) == 2


def test_claims_ledger_lists_mismatches_first_and_links_cells():
    r = rich_result()
    soup = _soup(_render([r]))
    rows = soup.select("section#f0 table.claims tbody tr")
    assert [tr["class"][0] for tr in rows] == ["cl-mismatch", "cl-unresolved", "cl-verified"]
    first = [td.get_text() for td in rows[0].find_all("td")]
    assert first[2:4] == ["35", "7"] and "不一致" in first[0]
    link = rows[0].select_one(".key a")["href"][1:]
    assert soup.find(id=link).name == "td"
    chips = [c.get_text() for c in soup.select("section#f0 .chips .chip")]
    assert chips == ["✗ 不一致 1", "? 未能对应 1", "✓ 一致 1"]


def test_page_is_self_contained():
    page = _render([rich_result()])
    soup = _soup(page)
    for tag in soup.find_all(["link", "img", "iframe", "object", "embed", "audio", "video", "source"]):
        pytest.fail(f"external-capable element {tag.name}")
    for tag in soup.find_all(True):
        for attr in ("src", "href", "action", "srcset"):
            v = tag.get(attr)
            if v is not None:
                assert v.startswith("#"), (tag.name, attr, v)
    style = soup.style.get_text()
    assert "@import" not in style and "url(" not in style
    assert FONT_STACK in style and '"Noto Sans CJK SC"' in style and "sans-serif" in style
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp
    assert soup.html["lang"] == "zh-CN" and soup.meta["charset"] == "utf-8"


def test_many_files_give_one_page_with_an_index(tmp_path):
    clean = document_from_text("北京市某某乡人民政府2020年政府信息公开工作年度报告\n一切正常。\n", path="b.txt")
    results = [FileResult(path="b.txt", doc=clean), rich_result(),
               FileResult(path="坏<文件>.pdf", error="扫描件没有文字层")]
    soup = _soup(_render(results))
    sections = soup.select("section.file")
    assert [s["id"] for s in sections] == ["f0", "f1", "f2"]
    links = [a["href"] for a in soup.select("nav.index tbody a")]
    assert links == ["#f2", "#f1", "#f0"]  # unreadable first, then the most errors
    assert "扫描件没有文字层" in soup.select_one("section#f2").get_text()
    assert "坏<文件>.pdf" in soup.select_one("section#f2 h2").get_text()
    assert len(soup.select("section#f1 mark.hl")) == len(results[1].diagnostics)
    assert not soup.select("section#f0 mark.hl") and "未发现问题" in sections[0].get_text()
    # ids are unique across files
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_real_rules_mark_the_wrong_total_and_the_contradicted_claim():
    """The example with one 表三 total changed: the recogniser, the table rules and the
    claims ledger all show up in the page, at the cell that was changed."""
    from conftest import lint_text

    text = SEED.read_text(encoding="utf-8")
    base = lint_text(text)
    cell = base.doc.cell("表三/一、本年新收政府信息公开申请数量/总计")
    if cell is None or cell.value != 6:
        pytest.skip("表三 not recognised in this build")
    mutated = text[:cell.start] + "7" + text[cell.end:]
    r = lint_text(mutated)
    soup = _soup(_render([r]))
    assert len(soup.select("mark.hl")) == len(r.diagnostics)
    table_diags = [d for d in r.diagnostics if d.category == "table"]
    assert table_diags, "the table rules should flag the changed total"
    bad = soup.select("table.grid td.bad")
    assert [td["title"].split("\n")[0] for td in bad] == ["表三/一、本年新收政府信息公开申请数量/总计"]
    assert bad[0].select_one(".found").get_text() == "7"
    assert bad[0].select_one(".exp").get_text() == "应为 6"
    claims = soup.select("table.claims tbody tr")
    assert claims and claims[0]["class"] == ["cl-mismatch"]
    assert int(soup.select_one("section#f0")["data-bad-cells"]) == 1
    ids = [t["id"] for t in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))


def test_seed_report_end_to_end_via_cli(tmp_path):
    out = tmp_path / "report.html"
    p = run_cli("lint", SEED, "--format", "html", "--output", out)
    assert p.returncode in (0, 1), p.stderr
    assert p.stdout == ""
    soup = _soup(out.read_text(encoding="utf-8"))
    res = lint_file(str(SEED))
    assert int(soup.select_one("section#f0")["data-diagnostics"]) == len(res.diagnostics)
    assert len(soup.select("mark.hl")) == len(res.diagnostics)
    lines = SEED.read_text(encoding="utf-8").split("\n")
    assert len(soup.select(".ln")) == len(res.doc.text.split("\n")) >= len(lines) - 1
    assert "黑庄户乡" in soup.select_one(".facts").get_text()
    assert len(soup.select("table.grid")) >= len(res.doc.tables)
    assert len(soup.select("table.claims tbody tr")) == len(res.claims)


# ------------------------------------------------------------------ in a real browser


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _browser(args: list[str], tmp_path, url: str) -> subprocess.CompletedProcess:
    exe = _chromium()
    if exe is None:
        pytest.skip("未安装 chromium（Debian：apt-get install chromium；.ci/run 会安装），跳过浏览器测试")
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-extensions",
           f"--user-data-dir={profile}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, env={**os.environ, "LANG": "C.UTF-8"})


def _selfcheck(dom: str) -> dict:
    soup = _soup(dom)
    sc = soup.find(id="selfcheck")
    assert sc is not None
    return {k[5:]: v for k, v in sc.attrs.items() if k.startswith("data-")}, soup


@pytest.mark.slow
def test_browser_dom_counts_and_interaction(tmp_path):
    r = rich_result()
    page = tmp_path / "rich.html"
    page.write_text(_render([r]), encoding="utf-8")
    p = _browser(["--dump-dom"], tmp_path, page.as_uri() + "#selftest")
    assert p.returncode == 0, p.stderr[-2000:]
    sc, soup = _selfcheck(p.stdout)
    assert sc.get("ok") == "true", sc
    assert sc["js-errors"] == ""
    assert sc["highlights"] == sc["diagnostics"] == str(len(r.diagnostics))
    assert sc["bad-cells"] == sc["bad-cells-expected"] == "2"
    assert sc["popup"] == "ok"
    # and counted independently in the DOM as the browser built it
    assert len(soup.select("mark.hl")) == len(r.diagnostics)
    assert len(soup.select("td.bad")) == 2


@pytest.mark.slow
def test_browser_renders_seed_report_and_screenshot(tmp_path):
    res = lint_file(str(SEED))
    page = tmp_path / "seed.html"
    page.write_text(_render([res]), encoding="utf-8")
    p = _browser(["--dump-dom"], tmp_path, page.as_uri())
    assert p.returncode == 0, p.stderr[-2000:]
    sc, soup = _selfcheck(p.stdout)
    assert sc.get("ok") == "true", sc
    assert int(sc["highlights"]) == len(res.diagnostics) == len(soup.select("mark.hl"))
    shot = tmp_path / "seed.png"
    p = _browser([f"--screenshot={shot}", "--window-size=1400,1000", "--hide-scrollbars"], tmp_path, page.as_uri())
    assert p.returncode == 0 and shot.exists(), p.stderr[-2000:]
    from PIL import Image

    with Image.open(shot) as im:
        assert im.size == (1400, 1000)
        colors = im.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colors is None or len(colors) > 50  # a rendered page, not a blank one


@pytest.mark.slow
def test_browser_one_page_for_every_layout(tmp_path):
    """The same reports as .txt/.md/.docx/.html/.pdf, linted together: one page, an index,
    and in every section one highlight per diagnostic and the failing cells marked."""
    from conftest import CORPORA
    from checker.linter import lint_paths

    layouts = CORPORA / "layouts"
    if not layouts.is_dir():
        pytest.skip("no layout fixtures")
    results = lint_paths([str(layouts)])
    assert len(results) >= 5 and not any(r.error for r in results)
    page = tmp_path / "all.html"
    page.write_text(_render(results), encoding="utf-8")
    soup = _soup(page.read_text(encoding="utf-8"))
    assert len(soup.select("nav.index tbody tr")) == len(results)
    for i, r in enumerate(results):
        sec = soup.select_one(f"section#f{i}")
        assert len(sec.select("mark.hl")) == len(r.diagnostics), r.path
        cells = sum(len(t.cells) for t in r.doc.tables)
        assert len(sec.select("table.grid td.cell")) == cells, r.path
    p = _browser(["--dump-dom"], tmp_path, page.as_uri() + "#selftest")
    assert p.returncode == 0, p.stderr[-2000:]
    sc, dom = _selfcheck(p.stdout)
    assert sc.get("ok") == "true", sc
    assert int(sc["highlights"]) == sum(len(r.diagnostics) for r in results)
    planted = [i for i, r in enumerate(results) if "planted" in r.path]
    if planted and any(d.category == "table" for d in results[planted[0]].diagnostics):
        assert dom.select(f"section#f{planted[0]} td.bad")
