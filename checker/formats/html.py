"""``--format html``: one self-contained page (inline CSS and JS, no network).

For each file: the summary by category and severity, the problems worst first,
the recognised tables with the failing cells marked, the claims ledger, and the
document text line by line with every flagged span highlighted.

Invariants the browser test relies on:
- exactly one element with class ``hl`` per diagnostic (its first fragment);
  a span that overlaps another one partially or crosses a line end is split and
  its other fragments get the class ``hlc``;
- a table cell that a ``table.*`` diagnostic points at is a ``td.bad``;
- every string from the report or the rules is escaped; the page loads nothing
  (a Content-Security-Policy forbids any fetch).
"""
from __future__ import annotations

import hashlib
import html
import os
import re
from collections import Counter, defaultdict

from .. import __version__
from ..diagnostics import CATEGORIES, SEVERITIES, SEVERITY_RANK, SEVERITY_ZH, Diagnostic
from . import FormatOptions, formatter

FONT_STACK = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
              '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')
MONO_STACK = 'ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace'
CLAIM_ZH = {"mismatch": "不一致", "unresolved": "未能对应", "verified": "一致"}
CLAIM_MARK = {"mismatch": "✗", "unresolved": "?", "verified": "✓"}
CLAIM_ORDER = {"mismatch": 0, "unresolved": 1, "verified": 2}
_CTRL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")
_EXPECTED = re.compile(r"应(?:为|是|等于)\s*[“\"]?([-+−]?\d[\d,]*(?:\.\d+)?)")


def esc(s) -> str:
    """Escape for HTML text and attribute values; control characters and lone
    surrogates (never valid in HTML/UTF-8) become U+FFFD, one for one."""
    if s is None:
        return ""
    return html.escape(_CTRL.sub("\ufffd", str(s)), quote=True)


def _num(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _clip(s: str, n: int = 40) -> str:
    s = s.replace("\n", " ⏎ ")
    return s if len(s) <= n else s[: n - 1] + "…"


def _rule_summaries(config_path: str | None = None) -> dict[str, str]:
    try:
        from ..config import config_for
        from ..engine.packs import load_rules

        packs = config_for(os.getcwd(), config_path).packs if config_path else ()
        return {rid: r.meta.summary for rid, r in load_rules(packs).items()}
    except Exception:  # user packs may be broken; the summaries are only a courtesy
        return {}


def _expected(d: Diagnostic) -> str | None:
    """The expected value of a table diagnostic: its fix, else "应为 N" in the message."""
    if d.fix and d.fix.edits:
        return d.fix.edits[0].replacement
    m = _EXPECTED.search(d.message)
    return m.group(1) if m else None


# --------------------------------------------------------------------------- text


def _render_text(doc, diags: list[Diagnostic], fid: str) -> tuple[str, int]:
    """The document text, one ``div.ln`` per line, spans wrapped in ``mark``.

    Returns (html, number of lines)."""
    text = doc.text
    idx = doc.index
    nlines = idx.line_count
    # pieces per line: [start, end, diag index]
    pieces: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for i, d in enumerate(diags):
        first = doc.position(d.start).line
        last = doc.position(d.end).line if d.end > d.start else first
        for ln in range(first, last + 1):
            ls, le = idx.line_start(ln), idx.line_end(ln)
            s, e = max(d.start, ls), min(d.end, le)
            if ln == first:
                pieces[ln].append((s, max(s, e), i))
            elif e > s:
                pieces[ln].append((s, e, i))
    emitted: set[int] = set()
    out: list[str] = []
    for ln in range(1, nlines + 1):
        ls, le = idx.line_start(ln), idx.line_end(ln)
        line_pieces = pieces.get(ln, [])
        body = _render_line(text, ls, le, line_pieces, diags, emitted, fid)
        cls = "ln" if line_pieces else "ln plain"
        if line_pieces:
            worst = max(SEVERITY_RANK[diags[i].severity] for _, _, i in line_pieces)
            cls += " has-" + {2: "error", 1: "warning", 0: "info"}[worst]
        out.append(f'<div class="{cls}" id="{fid}-L{ln}"><a class="no" href="#{fid}-L{ln}">{ln}</a>'
                   f'<span class="tx">{body}</span></div>')
    return "\n".join(out), nlines


def _render_line(text, ls, le, pieces, diags, emitted, fid) -> str:
    if not pieces:
        return esc(text[ls:le]) if le > ls else ""
    starts: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    bounds = {ls, le}
    for p in pieces:
        starts[p[0]].append(p)
        bounds.add(p[0])
        bounds.add(p[1])
    points = sorted(b for b in bounds if ls <= b <= le)
    stack: list[tuple[int, int, int]] = []  # open pieces, outermost first
    out: list[str] = []

    def open_(p):
        i = p[2]
        d = diags[i]
        if i not in emitted:
            emitted.add(i)
            empty = " empty" if p[0] == p[1] else ""
            out.append(f'<mark class="hl sev-{d.severity}{empty}" id="{fid}-d{i}" data-d="{i}" tabindex="0">')
        else:
            out.append(f'<mark class="hlc sev-{d.severity}" data-d="{i}">')

    for k, pos in enumerate(points):
        # close what ends here: pop down to the deepest ending piece, reopen the rest
        ending = [j for j, p in enumerate(stack) if p[1] == pos]
        if ending:
            depth = ending[0]
            popped = stack[depth:]
            out.append("</mark>" * len(popped))
            del stack[depth:]
            for p in popped:
                if p[1] != pos:
                    stack.append(p)
                    open_(p)
        here = starts.get(pos, [])
        for p in sorted((p for p in here if p[0] == p[1]), key=lambda p: p[2]):
            open_(p)
            out.append("</mark>")
        for p in sorted((p for p in here if p[1] > p[0]), key=lambda p: (-p[1], p[2])):
            open_(p)
            stack.append(p)
        if k + 1 < len(points):
            out.append(esc(text[pos:points[k + 1]]))
    out.append("</mark>" * len(stack))
    return "".join(out)


# --------------------------------------------------------------------------- problems


def _loc_label(doc, d: Diagnostic) -> str:
    p = doc.position(d.start)
    return f"第{p.line}行第{p.column}列"


def _render_problem(doc, d: Diagnostic, i: int, fid: str, summaries: dict[str, str]) -> str:
    sev = d.severity
    snippet = doc.text[d.start:d.end]
    parts = [f'<li class="prob sev-{sev}" id="{fid}-p{i}" data-d="{i}">',
             f'<div class="ph"><span class="badge sev-{sev}">{esc(SEVERITY_ZH.get(sev, sev))}</span>'
             f'<a class="at" href="#{fid}-d{i}">{esc(_loc_label(doc, d))}</a>'
             f'<span class="cat">{esc(CATEGORIES.get(d.category, d.category))}</span>'
             f'<code class="rule" title="{esc(summaries.get(d.rule, ""))}">{esc(d.rule)}</code></div>',
             f'<div class="msg">{esc(d.message)}</div>']
    if snippet.strip():
        parts.append(f'<div class="src">原文：<q>{esc(_clip(snippet))}</q></div>')
    if d.location:
        parts.append(f'<div class="where">位置：{esc(d.location)}</div>')
    if d.fix and d.fix.edits:
        e0 = d.fix.edits[0]
        old = doc.text[e0.start:e0.end]
        if not e0.replacement:
            what = f'删除<q class="old">{esc(_clip(old))}</q>'
        elif not old:
            what = f'插入<q class="new">{esc(_clip(e0.replacement))}</q>'
        else:
            what = (f'<q class="old">{esc(_clip(old))}</q> → '
                    f'<q class="new">{esc(_clip(e0.replacement))}</q>')
        tag = "可用 --fix 自动修复" if d.fix.safe else "建议修改，需人工确认"
        parts.append(f'<div class="fix">修改：{what} <span class="tag">{tag}</span></div>')
    rels = []
    for rel in d.related:
        if rel.path:
            rels.append(f"{esc(rel.path)} {esc(rel.message)}")
        else:
            rl = doc.position(rel.start).line
            rels.append(f'<a href="#{fid}-L{rl}">第{rl}行</a> {esc(rel.message)}')
    if len(rels) > 3:
        parts.append(f'<details class="rel"><summary>相关：{"；".join(rels[:2])}；…… 共 {len(rels)} 处</summary>'
                     f'{"；".join(rels[2:])}</details>')
    elif rels:
        parts.append(f'<div class="rel">相关：{"；".join(rels)}</div>')
    parts.append("</li>")
    return "".join(parts)


def _render_summary(diags: list[Diagnostic]) -> str:
    counts = Counter(d.severity for d in diags)
    cards = "".join(
        f'<button type="button" class="card sev-{s}" data-sev="{s}" title="点击隐藏/显示{SEVERITY_ZH[s]}">'
        f'<b>{counts.get(s, 0)}</b><span>{SEVERITY_ZH[s]}</span></button>'
        for s in SEVERITIES)
    by_cat: dict[str, Counter] = defaultdict(Counter)
    for d in diags:
        by_cat[d.category][d.severity] += 1
    rows = []
    cats = sorted(by_cat, key=lambda c: (-by_cat[c]["error"], -by_cat[c]["warning"], -sum(by_cat[c].values()),
                                         list(CATEGORIES).index(c) if c in CATEGORIES else 99))
    for c in cats:
        cnt = by_cat[c]
        cells = "".join(f'<td class="{"n sev-" + s if cnt[s] else "z"}">{cnt[s] or "·"}</td>' for s in SEVERITIES)
        rows.append(f'<tr><th>{esc(CATEGORIES.get(c, c))}<small>{esc(c)}</small></th>{cells}'
                    f'<td class="t">{sum(cnt.values())}</td></tr>')
    clean = [CATEGORIES[c] for c in CATEGORIES if c not in by_cat]
    head = "".join(f"<th>{SEVERITY_ZH[s]}</th>" for s in SEVERITIES)
    table = (f'<table class="matrix"><thead><tr><th>类别</th>{head}<th>合计</th></tr></thead>'
             f'<tbody>{"".join(rows)}</tbody></table>') if rows else '<p class="ok">未发现问题。</p>'
    clean_html = f'<p class="clean">未发现问题的类别：{esc("、".join(clean))}</p>' if clean and rows else ""
    return f'<div class="summary"><div class="cards">{cards}</div><div>{table}{clean_html}</div></div>'


# --------------------------------------------------------------------------- tables


def _table_blocks(table) -> list[tuple[list[str], list[str]]]:
    """Split a table into blocks of rows sharing columns: [(row labels, col labels)]."""
    rows: dict[str, list] = {}
    for c in table.cells.values():
        rows.setdefault(c.row, []).append(c)
    order = sorted(rows, key=lambda r: min((c.start, c.end) for c in rows[r]))
    blocks: list[tuple[list[str], list[str]]] = []
    for r in order:
        cols = [c.col for c in sorted(rows[r], key=lambda c: (c.start, c.end))]
        if blocks and set(cols) & set(blocks[-1][1]):
            brows, bcols = blocks[-1]
            brows.append(r)
            prev = None
            for col in cols:  # merge keeping the order of first appearance
                if col not in bcols:
                    bcols.insert(bcols.index(prev) + 1 if prev in bcols else len(bcols), col)
                prev = col
        else:
            blocks.append(([r], list(dict.fromkeys(cols))))
    return blocks


def _hits(s: int, e: int, c) -> bool:
    """Does the span [s, e) point at cell c? Zero-width spans and blank cells count by position."""
    if c.start == c.end:
        return s <= c.start < e or s == e == c.start
    if s == e:
        return c.start <= s < c.end
    return s < c.end and c.start < e


def _cell_targets(doc, diags: list[Diagnostic]):
    """Map cell key -> indices of the table.* diagnostics pointing at it, and
    cell key -> indices of table/crosscheck diagnostics that relate it (the cells
    a value was computed from, the cell a narrative figure disagrees with).
    A diagnostic covering a whole table is about the table, not its cells."""
    bad: dict[str, list[int]] = defaultdict(list)
    rel: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(diags):
        if d.category != "table":
            continue
        for t in doc.tables:
            if d.start <= t.start and d.end >= t.end and len(t.cells) > 1:
                continue
            for c in t.cells.values():
                if _hits(d.start, d.end, c):
                    bad[c.key].append(i)
    for i, d in enumerate(diags):
        if d.category not in ("table", "crosscheck"):
            continue
        for r in d.related:
            if r.path:
                continue
            for t in doc.tables:
                for c in t.cells.values():
                    if c.key not in bad and _hits(r.start, r.end, c) and i not in rel[c.key]:
                        rel[c.key].append(i)
    return bad, rel


def _row_label(row: str, prev: str | None) -> str:
    parts = row.split("/")
    if len(parts) > 1 and prev is not None and prev.split("/")[0] == parts[0]:
        return f'<span class="sub ind">{esc("/".join(parts[1:]))}</span>'
    if len(parts) > 1:
        return f'<span class="grp">{esc(parts[0])}</span><span class="sub">{esc("/".join(parts[1:]))}</span>'
    return esc(row)


def _render_tables(doc, diags: list[Diagnostic], fid: str) -> tuple[str, int]:
    if not doc.tables:
        issues = "".join(f'<li><a href="#{fid}-L{doc.position(s).line}">第{doc.position(s).line}行</a> '
                         f'{esc(reason)}</li>' for s, _e, reason in doc.table_issues)
        return ('<p class="muted">未识别出表二、表三、表四。</p>'
                + (f'<ul class="issues">{issues}</ul>' if issues else "")), 0
    bad, rel = _cell_targets(doc, diags)
    out: list[str] = []
    nbad = 0
    for ti, t in enumerate(doc.tables):
        tb = sum(1 for k in t.cells if k in bad)
        badge = f' <span class="badge sev-error">{tb} 处有误</span>' if tb else ' <span class="badge ok">无误</span>'
        tmpl = f'<small>（{esc(t.template)} 版模板）</small>' if t.template else ""
        line = doc.position(t.start).line
        out.append(f'<div class="tbl"><h4 id="{fid}-t{ti}">{esc(t.name)}{tmpl}{badge} '
                   f'<a class="jump" href="#{fid}-L{line}">原文第{line}行</a></h4>')
        cells_by_rc = {(c.row, c.col): c for c in t.cells.values()}
        for rows, cols in _table_blocks(t):
            out.append('<div class="scroll"><table class="grid"><thead><tr><th></th>')
            out.extend(f"<th>{esc(c)}</th>" for c in cols)
            out.append("</tr></thead><tbody>")
            prev = None
            for r in rows:
                out.append(f'<tr><th class="rl">{_row_label(r, prev)}</th>')
                prev = r
                for col in cols:
                    c = cells_by_rc.get((r, col))
                    if c is None:
                        out.append('<td class="na"></td>')
                        continue
                    out.append(_render_cell(doc, c, diags, bad.get(c.key), rel.get(c.key), fid))
                    if c.key in bad:
                        nbad += 1
                out.append("</tr>")
            out.append("</tbody></table></div>")
        out.append("</div>")
    return "".join(out), nbad


def _render_cell(doc, c, diags, bad_ids, rel_ids, fid) -> str:
    line = doc.position(c.start).line
    title = [c.key]
    if c.location:
        title.append(c.location)
    title.append(f"原文第{line}行")
    if c.note:
        title.append(c.note)
    shown = esc(c.raw) if c.raw.strip() else '<span class="blank">空</span>'
    attrs = f' id="{fid}-c-{_cell_id(c.key)}" data-line="{line}"'
    if bad_ids:
        worst = max(bad_ids, key=lambda i: SEVERITY_RANK[diags[i].severity])
        exp = next((x for x in (_expected(diags[i]) for i in bad_ids) if x is not None), None)
        exp_html = f'<span class="exp">应为 {esc(exp)}</span>' if exp is not None else ""
        title += [diags[i].message for i in bad_ids]
        return (f'<td class="cell bad sev-{diags[worst].severity}"{attrs} data-ds="{" ".join(map(str, bad_ids))}" '
                f'title="{esc(chr(10).join(title))}"><span class="found">{shown}</span>{exp_html}</td>')
    cls = "cell rel" if rel_ids else "cell"
    ds = f' data-ds="{" ".join(map(str, rel_ids))}"' if rel_ids else ""
    return f'<td class="{cls}"{attrs}{ds} title="{esc(chr(10).join(title))}">{shown}</td>'


def _cell_id(key: str) -> str:
    """A short stable id for a cell key (keys are long and mostly Chinese)."""
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


# --------------------------------------------------------------------------- claims


def _render_claims(doc, claims, fid: str) -> str:
    if not claims:
        return '<p class="muted">没有可与表格核对的正文数据。</p>'
    counts = Counter(c.status for c in claims)
    chips = "".join(f'<span class="chip cl-{s}">{CLAIM_MARK[s]} {CLAIM_ZH[s]} {counts.get(s, 0)}</span>'
                    for s in ("mismatch", "unresolved", "verified"))
    keys = {c.key for t in doc.tables for c in t.cells.values()}
    rows = []
    for c in sorted(claims, key=lambda c: (CLAIM_ORDER.get(c.status, 3), c.start)):
        line = doc.position(c.start).line
        cell_html = "—"
        if c.cell:
            links = []
            for k in re.split(r"\s*\+\s*", c.cell):
                if k in keys:
                    links.append(f'<a href="#{fid}-c-{_cell_id(k)}">{esc(k)}</a>')
                else:
                    links.append(esc(k))
            cell_html = " + ".join(links)
        rows.append(
            f'<tr class="cl-{esc(c.status)}"><td class="st">{CLAIM_MARK.get(c.status, "")} '
            f'{esc(CLAIM_ZH.get(c.status, c.status))}</td>'
            f'<td class="what"><a href="#{fid}-L{line}">第{line}行</a> <q>{esc(_clip(c.text, 60))}</q></td>'
            f'<td class="v">{esc(_num(c.narrative_value))}</td><td class="v">{esc(_num(c.table_value))}</td>'
            f'<td class="key">{cell_html}</td><td class="note">{esc(c.note or "")}</td></tr>')
    return (f'<div class="chips">{chips}</div><div class="scroll"><table class="claims"><thead><tr><th>核对结果</th>'
            f'<th>正文表述</th><th>正文</th><th>表格</th><th>对应单元格</th><th>说明</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


# --------------------------------------------------------------------------- file


def _render_file(r, fi: int, summaries: dict[str, str]) -> str:
    fid = f"f{fi}"
    if r.error or r.doc is None:
        return (f'<section class="file unreadable" id="{fid}" data-diagnostics="0" data-bad-cells="0">'
                f'<h2>{esc(r.path)}</h2><p class="err">无法检查：{esc(r.error or "未知原因")}</p></section>')
    doc = r.doc
    diags = list(r.diagnostics)
    meta = doc.report
    facts = [("单位", meta.unit), ("年度", meta.year), ("表格模板", f"{meta.template} 版" if meta.template else None),
             ("格式", doc.format), ("编码", doc.encoding)]
    facts_html = "".join(f"<span><em>{k}</em>{esc(v)}</span>" for k, v in facts if v)
    order = sorted(range(len(diags)), key=lambda i: (-SEVERITY_RANK[diags[i].severity], diags[i].start, i))
    problems = "".join(_render_problem(doc, diags[i], i, fid, summaries) for i in order)
    text_html, nlines = _render_text(doc, diags, fid)
    tables_html, nbad = _render_tables(doc, diags, fid)
    claims_html = _render_claims(doc, r.claims, fid)
    notes = "".join(f"<li>{esc(n)}</li>" for n in r.notes)
    notes_html = f'<ul class="notes">{notes}</ul>' if notes else ""
    n_lines_flagged = len({doc.position(d.start).line for d in diags})
    return f"""<section class="file" id="{fid}" data-diagnostics="{len(diags)}" data-bad-cells="{nbad}">
<div class="fhead"><h2>{esc(r.path)}</h2><div class="facts">{facts_html}</div></div>
<div class="layout">
<aside class="side"><h3 id="{fid}-problems">问题 <small>{len(diags)} 个，按严重程度排列</small></h3>
{'<ol class="problems">' + problems + '</ol>' if diags else '<p class="ok">未发现问题。</p>'}</aside>
<div class="main">
<nav class="toc"><a href="#{fid}-summary">摘要</a><a href="#{fid}-claims">数据核对</a><a href="#{fid}-tables">表格</a>
<a href="#{fid}-text">全文</a></nav>
<h3 id="{fid}-summary">摘要</h3>{_render_summary(diags)}{notes_html}
<h3 id="{fid}-claims">正文数据核对 <small>正文中的数字与表格逐项比对</small></h3>{claims_html}
<h3 id="{fid}-tables">表格 <small>识别出的表格；有误的单元格标红并给出应有的值</small></h3>{tables_html}
<h3 id="{fid}-text">全文 <small>{nlines} 行，{n_lines_flagged} 行有问题</small>
<label class="focus"><input type="checkbox" class="only-flagged"> 只看有问题的行</label></h3>
<div class="text">{text_html}</div>
</div></div></section>"""


def _render_index(results) -> str:
    rows = []
    order = sorted(range(len(results)), key=lambda i: (
        0 if results[i].error else 1,
        -sum(1 for d in results[i].diagnostics if d.severity == "error"),
        -sum(1 for d in results[i].diagnostics if d.severity == "warning"),
        results[i].path))
    for i in order:
        r = results[i]
        if r.error or r.doc is None:
            rows.append(f'<tr class="unreadable"><td><a href="#f{i}">{esc(r.path)}</a></td><td colspan="6" '
                        f'class="err">无法检查：{esc(r.error)}</td></tr>')
            continue
        c = Counter(d.severity for d in r.diagnostics)
        cl = Counter(x.status for x in r.claims)
        cells = "".join(f'<td class="{"n sev-" + s if c[s] else "z"}">{c[s] or "·"}</td>' for s in SEVERITIES)
        rows.append(f'<tr><td><a href="#f{i}">{esc(r.path)}</a></td><td>{esc(r.doc.report.unit or "")}</td>'
                    f'<td>{esc(r.doc.report.year or "")}</td>{cells}'
                    f'<td>{cl.get("mismatch", 0) or "·"}</td></tr>')
    head = "".join(f"<th>{SEVERITY_ZH[s]}</th>" for s in SEVERITIES)
    return (f'<nav class="index" id="index"><h2>文件一览 <small>{len(results)} 个文件，问题最多的在前</small></h2>'
            f'<div class="scroll"><table class="files"><thead><tr><th>文件</th><th>单位</th><th>年度</th>{head}'
            f'<th>数据不一致</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div></nav>')


@formatter("html")
def format_html(results, opts: FormatOptions | None = None) -> str:
    opts = opts or FormatOptions()
    summaries = _rule_summaries(opts.config_path)
    total = Counter(d.severity for r in results for d in r.diagnostics)
    if len(results) == 1:
        title = f"检查报告：{os.path.basename(results[0].path)}"
    else:
        title = f"检查报告：{len(results)} 个文件"
    totals = "，".join(f"{total.get(s, 0)} 个{SEVERITY_ZH[s]}" for s in SEVERITIES)
    files = "\n".join(_render_file(r, i, summaries) for i, r in enumerate(results))
    index = _render_index(results) if len(results) > 1 else ""
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="checker {esc(__version__)}">
<title>{esc(title)}</title>
<style>{CSS}</style>
</head>
<body>
<header class="top"><div class="brand">checker <span>政府信息公开年报检查</span></div>
<div class="ttl">{esc(title)}</div><div class="tot">{esc(totals)}</div></header>
{index}
{files}
<div id="pop" role="tooltip" hidden></div>
<div id="selfcheck" hidden></div>
<script>{JS}</script>
</body>
</html>
"""


CSS = """
:root{--err:#c62828;--err-bg:rgba(229,57,53,.16);--warn:#b26a00;--warn-bg:rgba(255,179,0,.24);
--info:#1565c0;--info-bg:rgba(30,136,229,.13);--ok:#2e7d32;--ink:#1f2328;--mute:#656d76;--line:#d8dee4;
--bg:#f6f8fa;--card:#fff;--accent:#0b5cad}
*{box-sizing:border-box}
html{scroll-behavior:smooth;scroll-padding-top:60px}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.65 FONTS;}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
code,.no,.rule{font-family:MONO}
small{color:var(--mute);font-weight:normal;font-size:12px;margin-left:.5em}
.top{position:sticky;top:0;z-index:20;display:flex;gap:18px;align-items:center;padding:10px 24px;
background:#1f2937;color:#fff;box-shadow:0 1px 3px rgba(0,0,0,.25)}
.brand{font-weight:700;letter-spacing:.5px}.brand span{font-weight:400;opacity:.7;margin-left:6px;font-size:13px}
.ttl{flex:1;font-size:15px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.tot{font-size:13px;opacity:.85}
.index,.file{margin:18px 24px;background:var(--card);border:1px solid var(--line);border-radius:10px}
.index{padding:6px 20px 16px}
.fhead{padding:14px 20px 10px;border-bottom:1px solid var(--line)}
.fhead h2{margin:0;font-size:19px;word-break:break-all}
h2 small,h3 small{font-size:12px}
.facts{display:flex;flex-wrap:wrap;gap:6px 18px;margin-top:4px;font-size:13px;color:var(--mute)}
.facts em{font-style:normal;margin-right:4px;color:#8c959f}
.layout{display:grid;grid-template-columns:minmax(300px,400px) 1fr}
.side{position:sticky;top:48px;align-self:start;max-height:calc(100vh - 48px);overflow:auto;
border-right:1px solid var(--line);padding:0 14px 14px;background:#fbfcfd}
.main{padding:0 22px 22px;min-width:0}
h3{font-size:16px;margin:20px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
.side h3{position:sticky;top:0;background:#fbfcfd;margin-top:0;padding-top:14px;z-index:2}
.toc{position:sticky;top:48px;z-index:5;background:var(--card);display:flex;gap:16px;padding:8px 0;
border-bottom:1px solid var(--line);font-size:14px}
.summary{display:flex;flex-wrap:wrap;gap:14px 28px;align-items:flex-start}
.cards{display:flex;flex-direction:column;gap:10px;margin:2px 0}
.card{all:unset;cursor:pointer;min-width:120px;padding:8px 16px;border-radius:8px;border:1px solid var(--line);
display:flex;align-items:baseline;gap:10px;background:#fff}
.card b{font-size:28px;line-height:1.1;min-width:1.3em}.card span{font-size:14px;color:var(--mute)}
.card.sev-error b{color:var(--err)}.card.sev-warning b{color:var(--warn)}.card.sev-info b{color:var(--info)}
.card.sev-error{border-left:4px solid var(--err)}.card.sev-warning{border-left:4px solid #f0a500}
.card.sev-info{border-left:4px solid var(--info)}
.card.off{opacity:.4;text-decoration:line-through}
table{border-collapse:collapse}
.matrix,.files,.claims{font-size:14px;min-width:380px}
.matrix th,.matrix td,.files th,.files td,.claims th,.claims td{border-bottom:1px solid var(--line);
padding:5px 12px;text-align:left;vertical-align:top}
.matrix thead th,.files thead th,.claims thead th{background:var(--bg);font-weight:600;font-size:13px;white-space:nowrap}
.claims td.st{white-space:nowrap}
.matrix td,.files td.n,.files td.z{text-align:center}
.matrix th small{margin-left:6px}
td.z{color:#c0c6cc}td.n{font-weight:700}td.n.sev-error{color:var(--err)}td.n.sev-warning{color:var(--warn)}
td.n.sev-info{color:var(--info)}td.t{text-align:center;font-weight:600}
.clean{font-size:13px;color:var(--ok)}.ok{color:var(--ok)}.muted{color:var(--mute)}
.err{color:var(--err)}
.notes{font-size:13px;color:var(--warn)}
.problems{list-style:none;margin:0;padding:0}
.prob{border:1px solid var(--line);border-left:4px solid;border-radius:6px;padding:7px 10px;margin:8px 0;
background:#fff;font-size:14px}
.prob.sev-error{border-left-color:var(--err)}.prob.sev-warning{border-left-color:#f0a500}
.prob.sev-info{border-left-color:var(--info)}
.prob.active{box-shadow:0 0 0 2px var(--accent)}
.ph{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;font-size:12px;color:var(--mute)}
.badge{display:inline-block;padding:0 7px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;line-height:20px}
.badge.sev-error{background:var(--err)}.badge.sev-warning{background:#e09600}.badge.sev-info{background:var(--info)}
.badge.ok{background:var(--ok)}
.rule{font-size:11px;background:var(--bg);padding:0 4px;border-radius:4px}
.msg{margin:3px 0 2px;color:var(--ink)}
.src,.where,.fix,.rel{font-size:13px;color:var(--mute)}
.fix{color:var(--ok)}.fix .tag{font-size:11px;color:var(--mute);margin-left:4px}
q{quotes:"“" "”"}q.old{color:var(--err);text-decoration:line-through}q.new{color:var(--ok);font-weight:600}
.text{border:1px solid var(--line);border-radius:8px;overflow:hidden;font-size:15px;background:#fff}
.ln{display:flex;min-height:1.65em}
.ln:nth-child(odd){background:#fcfcfd}
.ln.has-error{background:#fff5f5}.ln.has-warning{background:#fffaf0}.ln.has-info{background:#f5f9ff}
.ln:target{background:#fff8c5}
.no{flex:0 0 3.6em;text-align:right;padding-right:10px;color:#9aa4ae;font-size:12px;user-select:none;
border-right:1px solid var(--line);padding-top:2px;background:#f6f8fa}
.ln.has-error .no{color:var(--err);font-weight:700;box-shadow:inset 3px 0 var(--err)}
.ln.has-warning .no{color:var(--warn);font-weight:700;box-shadow:inset 3px 0 #f0a500}
.ln.has-info .no{color:var(--info);box-shadow:inset 3px 0 var(--info)}
.tx{flex:1;padding:0 12px;white-space:pre-wrap;word-break:break-all;tab-size:4;-moz-tab-size:4}
mark{background:none;color:inherit;cursor:pointer;border-radius:2px;padding:1px 0}
mark.sev-error{background:var(--err-bg);box-shadow:inset 0 -2px var(--err)}
mark.sev-warning{background:var(--warn-bg);box-shadow:inset 0 -2px #f0a500}
mark.sev-info{background:var(--info-bg);box-shadow:inset 0 -2px var(--info)}
mark mark{padding:2px 0}
mark.empty::before{content:"‸";color:var(--err);font-weight:700}
mark.empty.sev-warning::before{color:var(--warn)}mark.empty.sev-info::before{color:var(--info)}
mark.flash,td.flash{animation:flash 1.6s ease-out}
@keyframes flash{0%,40%{outline:3px solid var(--accent);outline-offset:2px}100%{outline:3px solid transparent}}
body.hide-error mark.sev-error,body.hide-warning mark.sev-warning,body.hide-info mark.sev-info{background:none;box-shadow:none}
body.hide-error .prob.sev-error,body.hide-warning .prob.sev-warning,body.hide-info .prob.sev-info{display:none}
.focus{float:right;font-size:13px;font-weight:normal;color:var(--mute);cursor:pointer}
.file.only .ln.plain{display:none}
.tbl{margin:10px 0 18px}.tbl h4{margin:6px 0;font-size:15px}.tbl h4 .badge{margin-left:6px}
.jump{font-size:12px;font-weight:normal;margin-left:8px}
.scroll{overflow-x:auto}
.grid{font-size:13px;margin:6px 0}
.grid th,.grid td{border:1px solid var(--line);padding:3px 8px}
.grid thead th{background:var(--bg);font-weight:600;text-align:center;min-width:4.5em}
.grid th.rl{text-align:left;font-weight:normal;background:#fbfcfd;max-width:26em}
.grid .grp{font-weight:600;margin-right:6px}.grid .sub{color:var(--ink)}.grid .ind{padding-left:2.2em;display:inline-block}
.grid td{text-align:right;font-variant-numeric:tabular-nums;cursor:pointer}
.grid td.na{background:repeating-linear-gradient(45deg,#fafafa,#fafafa 4px,#f0f0f0 4px,#f0f0f0 8px);cursor:default}
.grid .blank{color:#b0b7be;font-size:11px}
.grid td.bad{background:#fdecea;box-shadow:inset 0 0 0 2px var(--err);color:var(--err);font-weight:700}
.grid td.bad.sev-warning{background:#fff4d6;box-shadow:inset 0 0 0 2px #f0a500;color:var(--warn)}
.grid td.bad .found{text-decoration:line-through}
.grid td.bad .exp{display:block;font-size:11px;font-weight:600;color:var(--ok);white-space:nowrap}
.grid td.rel{background:#e8f1fd;color:#0b4a8b}
.chips{display:flex;gap:8px;margin:4px 0 8px}
.chip{font-size:13px;padding:2px 10px;border-radius:12px;background:var(--bg);border:1px solid var(--line)}
.cl-mismatch .st,.chip.cl-mismatch{color:var(--err);font-weight:700}
.cl-unresolved .st,.chip.cl-unresolved{color:var(--warn)}
.cl-verified .st,.chip.cl-verified{color:var(--ok)}
tr.cl-mismatch{background:#fff5f5}
.claims td.v{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.claims td.what{min-width:14em}.claims td.note{min-width:10em;font-size:13px;color:var(--mute)}.claims .key{font-size:12px;word-break:break-all;min-width:16em}
details.rel summary{cursor:pointer}details.rel[open] summary{margin-bottom:2px}
.files td:first-child{word-break:break-all}
#pop{position:absolute;z-index:50;max-width:440px;background:#fff;border:1px solid #c9d1d9;border-radius:8px;
box-shadow:0 8px 24px rgba(0,0,0,.18);padding:4px 10px}
#pop .prob{border-top:0;border-right:0;border-bottom:0;margin:6px 0;border-radius:0}
#pop.pinned{border-color:var(--accent)}
.unreadable h2{padding:14px 20px 0;margin:0;font-size:18px}.unreadable p{padding:0 20px 10px}
@media (max-width:900px){.layout{grid-template-columns:1fr}.side{position:static;max-height:none;border-right:0}
.top .tot{display:none}}
@media print{.top,.toc,.side,.focus,#pop{display:none}.layout{display:block}.file{border:0}
body{background:#fff}.text{font-size:12px}}
""".replace("FONTS", FONT_STACK).replace("MONO", MONO_STACK)

JS = r"""
(function(){
'use strict';
var jsErrors=[];
window.addEventListener('error',function(e){jsErrors.push(String(e.message||e));});
var pop=document.getElementById('pop');var pinned=null;
function fileOf(el){return el.closest('section.file');}
function idsFor(el){
  var ids=[];
  for(var n=el;n&&!n.matches('section.file');n=n.parentElement){
    if(n.dataset.d!==undefined)ids.push(n.dataset.d);
    if(n.dataset.ds)ids=ids.concat(n.dataset.ds.split(' '));
  }
  return ids.filter(function(v,i){return ids.indexOf(v)===i;});
}
function clearActive(){document.querySelectorAll('.prob.active').forEach(function(p){p.classList.remove('active');});}
function show(el,pin){
  var f=fileOf(el);if(!f)return;
  var ids=idsFor(el);if(!ids.length){hide();return;}
  pop.textContent='';
  ids.forEach(function(id){
    var li=document.getElementById(f.id+'-p'+id);if(!li)return;
    var c=li.cloneNode(true);c.removeAttribute('id');c.classList.remove('active');pop.appendChild(c);
  });
  pop.hidden=false;pop.classList.toggle('pinned',!!pin);
  var r=el.getBoundingClientRect();
  var left=Math.max(8,Math.min(window.scrollX+r.left,window.scrollX+document.documentElement.clientWidth-pop.offsetWidth-8));
  var top=window.scrollY+r.bottom+6;
  if(r.bottom+pop.offsetHeight+12>window.innerHeight&&r.top>pop.offsetHeight+60)top=window.scrollY+r.top-pop.offsetHeight-6;
  pop.style.left=left+'px';pop.style.top=top+'px';
  if(pin){
    clearActive();
    ids.forEach(function(id){var li=document.getElementById(f.id+'-p'+id);
      if(li){li.classList.add('active');}});
    var first=document.getElementById(f.id+'-p'+ids[0]);
    if(first){var side=first.closest('.side');if(side){side.scrollTop=first.offsetTop-side.clientHeight/3;}}
  }
}
function hide(){pop.hidden=true;pinned=null;}
var HOT='mark.hl,mark.hlc,td.bad,td.rel';
document.addEventListener('mouseover',function(e){
  if(pinned||!e.target.closest)return;
  if(e.target.closest('#pop'))return;
  var m=e.target.closest(HOT);if(m)show(m,false);else if(!pop.hidden)hide();
});
document.addEventListener('click',function(e){
  if(!e.target.closest)return;
  var m=e.target.closest(HOT);
  if(m){pinned=m;show(m,true);
    if(m.tagName==='TD'&&m.dataset.line){var f=fileOf(m);}
    e.preventDefault();return;}
  if(e.target.closest('#pop'))return;
  if(pinned){hide();clearActive();}
  var card=e.target.closest('.card');
  if(card){document.body.classList.toggle('hide-'+card.dataset.sev);
    document.querySelectorAll('.card.sev-'+card.dataset.sev).forEach(function(c){c.classList.toggle('off');});}
});
document.addEventListener('keydown',function(e){
  if(e.key==='Escape'){hide();clearActive();}
  if(e.key==='Enter'&&e.target.matches&&e.target.matches('mark.hl')){pinned=e.target;show(e.target,true);}
});
document.querySelectorAll('.only-flagged').forEach(function(cb){
  cb.addEventListener('change',function(){fileOf(cb).classList.toggle('only',cb.checked);});
});
function flash(){
  var id=decodeURIComponent(location.hash.slice(1));if(!id)return;
  var t=document.getElementById(id);if(!t)return;
  if(t.matches('mark,td')){t.classList.remove('flash');void t.offsetWidth;t.classList.add('flash');}
  var f=fileOf(t);if(f&&f.classList.contains('only')&&t.closest('.ln.plain')){f.classList.remove('only');
    var cb=f.querySelector('.only-flagged');if(cb)cb.checked=false;t.scrollIntoView();}
}
window.addEventListener('hashchange',flash);
/* self-check, read by the browser test: one mark.hl per diagnostic, bad cells as rendered */
var files=document.querySelectorAll('section.file');var want=0,got=0,badWant=0,badGot=0,ok=true,per=[];
files.forEach(function(f){
  var w=+f.dataset.diagnostics,g=f.querySelectorAll('mark.hl').length;
  var bw=+f.dataset.badCells,bg=f.querySelectorAll('td.bad').length;
  want+=w;got+=g;badWant+=bw;badGot+=bg;if(w!==g||bw!==bg)ok=false;per.push(f.id+':'+g+'/'+w);
});
var sc=document.getElementById('selfcheck');
sc.setAttribute('data-diagnostics',want);sc.setAttribute('data-highlights',got);
sc.setAttribute('data-bad-cells-expected',badWant);sc.setAttribute('data-bad-cells',badGot);
sc.setAttribute('data-files',per.join(' '));
if(location.hash==='#selftest'){
  /* exercise the interaction: clicking the first highlight pins a popup listing its diagnostics */
  var m=document.querySelector('mark.hl'),res='no-highlight';
  if(m){
    m.dispatchEvent(new MouseEvent('click',{bubbles:true,cancelable:true}));
    var shown=pop.querySelectorAll('.prob').length;
    res=(!pop.hidden&&pop.classList.contains('pinned')&&shown>0&&shown===idsFor(m).length)?'ok':'fail';
    hide();clearActive();
  }
  sc.setAttribute('data-popup',res);
}
sc.setAttribute('data-js-errors',jsErrors.join(' | '));
sc.setAttribute('data-ok',String(ok&&!jsErrors.length));
})();
"""
