#!/usr/bin/env python3
"""Build the evaluation corpus ``corpora/reports/`` from the sources in ``bench/corpus_src/``.

Each source (YAML) holds one invented report: its metadata, the numbers of its
tables (表三 totals are computed, so the arithmetic holds unless an override
plants an error on purpose), the narrative with ``{{表二}}``/``{{表三}}``/``{{表四}}``
where the tables go and ``{name}`` placeholders for figures taken from the tables,
and the defects planted in it.

Output, per source: ``corpora/reports/<stem>.<txt|md>`` and
``<stem>.expected.json`` in the format of the example's expected file
(``category``/``severity``/``lines``/``alt_lines``, plus the ``find`` snippet
that ``tools/score.py`` resolves against ``checker text``).

    python bench/build_corpus.py            # rebuild everything
    python bench/build_corpus.py --check    # fail if a committed file is out of date
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "bench" / "corpus_src"
OUT = ROOT / "corpora" / "reports"

COLS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
HEADER_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

# 表三 rows: (short name, group label or None, printed label, canonical key part)
_T3_GROUPS = {
    "不予公开": ("（三）不予公开", ["属于国家秘密", "其他法律行政法规禁止公开", "危及“三安全一稳定”",
                                "保护第三方合法权益", "属于三类内部事务信息", "属于四类过程性信息",
                                "属于行政执法案卷", "属于行政查询事项"]),
    "无法提供": ("（四）无法提供", ["本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确"]),
    "不予处理": ("（五）不予处理", ["信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请",
                                "要求行政机关确认或重新出具已获取信息"]),
    "其他处理": ("（六）其他处理", ["申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                                "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "其他"]),
}
PARTIAL_LABEL = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


def t3_rows(template: str) -> list[tuple[str, str | None, str, str]]:
    """(name, group, printed label, canonical row key) in table order."""
    rows = [("新收", None, "一、本年新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量"),
            ("上年结转", None, "二、上年结转政府信息公开申请数量", "二、上年结转政府信息公开申请数量"),
            ("予以公开", "三、本年度办理结果", "（一）予以公开", "（一）予以公开"),
            ("部分公开", "三、本年度办理结果", PARTIAL_LABEL, "（二）部分公开")]
    for g in ("不予公开", "无法提供", "不予处理", "其他处理"):
        glabel, items = _T3_GROUPS[g]
        if g == "其他处理" and template == "2019":
            rows.append(("其他处理", "三、本年度办理结果", glabel, glabel))
            continue
        for i, it in enumerate(items, 1):
            rows.append((f"{g}{i}", glabel, f"{i}.{it}", f"{glabel}/{i}.{it}"))
    rows.append(("总计", "三、本年度办理结果", "（七）总计", "（七）总计"))
    rows.append(("结转下年", None, "四、结转下年度继续办理", "四、结转下年度继续办理"))
    return rows


T4_COLS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_GROUPS = [("复议", "表四/行政复议"), ("直诉", "表四/行政诉讼/未经复议直接起诉"), ("复诉", "表四/行政诉讼/复议后起诉")]


@dataclass
class Built:
    text: str = ""
    cells: dict[str, int] = field(default_factory=dict)  # canonical key -> 1-based line of the printed value
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # "表三/<row>" -> line span of the row
    narrative: list[int] = field(default_factory=list)  # lines written from the narrative (not tables)
    # figures taken from the tables: (line, start column 0-based, end column, placeholder, value)
    figures: list[tuple[int, int, int, str, object]] = field(default_factory=list)


class Writer:
    def __init__(self):
        self.lines: list[str] = []
        self.cells: dict[str, int] = {}
        self.rows: dict[str, tuple[int, int]] = {}

    @property
    def n(self) -> int:  # 1-based number of the next line
        return len(self.lines) + 1

    def add(self, line: str = "", key: str | None = None):
        if key:
            self.cells[key] = self.n
        self.lines.append(line)


def fmt_num(v) -> str:
    if isinstance(v, float):
        s = f"{v:.4f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
        return s
    return str(v)


# ----------------------------------------------------------------------------- tables (data)

class Tables:
    def __init__(self, spec: dict, template: str):
        self.template = template
        self.t2 = spec.get("表二") or {}
        self.t3 = self._t3(spec.get("表三") or {})
        self.t4 = self._t4(spec.get("表四") or {})
        self.printed3 = {k: list(v) for k, v in self.t3.items()}  # after overrides
        self.printed4 = {k: list(v) for k, v in self.t4.items()}
        self.printed2 = json.loads(json.dumps(self.t2))

    def _t3(self, spec: dict) -> dict[str, list[int]]:
        def vec(v):
            if v is None:
                return [0] * 6
            if isinstance(v, int):
                return [v, 0, 0, 0, 0, 0]
            assert len(v) == 6, v
            return list(v)

        rows = t3_rows(self.template)
        out: dict[str, list[int]] = {}
        results = [r[0] for r in rows if r[0] not in ("新收", "上年结转", "总计", "结转下年")]
        for name in spec:
            assert name in results or name in ("上年结转", "结转下年"), f"unknown 表三 row {name}"
        for name in results + ["上年结转", "结转下年"]:
            v = vec(spec.get(name))
            out[name] = v + [sum(v)]
        total = [sum(out[r][i] for r in results) for i in range(7)]
        out["总计"] = total
        new = [total[i] + out["结转下年"][i] - out["上年结转"][i] for i in range(7)]
        assert min(new) >= 0, f"negative 新收 {new}"
        out["新收"] = new
        return out

    def _t4(self, spec: dict) -> dict[str, list[int]]:
        out = {}
        for g, _ in T4_GROUPS:
            v = list(spec.get(g) or [0, 0, 0, 0])
            assert len(v) == 4
            out[g] = v + [sum(v)]
        return out

    def override(self, key: str, value):
        """Plant an error: print ``value`` in the cell ``key`` (canonical key)."""
        parts = key.split("/")
        if parts[0] == "表三":
            col = COLS.index(parts[-1])
            rowkey = "/".join(parts[1:-1])
            for name, _, _, rk in t3_rows(self.template):
                if rk == rowkey:
                    self.printed3[name][col] = value
                    return
            raise KeyError(key)
        if parts[0] == "表四":
            gkey = "/".join(parts[:-1])
            for g, k in T4_GROUPS:
                if k == gkey:
                    self.printed4[g][T4_COLS.index(parts[-1])] = value
                    return
            raise KeyError(key)
        if parts[0] == "表二":
            # 表二/<item>/<row>/<col>
            item, row, col = parts[1], parts[2], parts[3]
            self.printed2[item][row][col] = value
            return
        raise KeyError(key)

    # values usable as {placeholders} in the narrative (true values, not the overridden ones)
    def values(self) -> dict[str, object]:
        v: dict[str, object] = {}
        legal = lambda row: sum(row[1:6])  # noqa: E731
        for name, row in self.t3.items():
            v[name] = row[6]
            v[f"{name}.自然人"] = row[0]
            v[f"{name}.法人"] = legal(row)
            for i, c in enumerate(COLS[1:6], 1):
                v[f"{name}.{c}"] = row[i]
        for g in ("不予公开", "无法提供", "不予处理") + (("其他处理",) if self.template != "2019" else ()):
            n = len(_T3_GROUPS[g][1])
            v[g] = sum(self.t3[f"{g}{i}"][6] for i in range(1, n + 1))
        v["办理总计"] = self.t3["总计"][6]
        v["申请总数"] = self.t3["新收"][6] + self.t3["上年结转"][6]
        for g, _ in T4_GROUPS:
            row = self.t4[g]
            v[g] = row[4]
            for i, c in enumerate(["维持", "纠正", "其他", "未结"]):
                v[f"{g}{c}"] = row[i]
        v["诉讼"] = self.t4["直诉"][4] + self.t4["复诉"][4]
        v["复议诉讼"] = v["复议"] + v["诉讼"]
        for item, rows in self.t2.items():
            for row, cols in rows.items():
                for col, val in cols.items():
                    v[f"{row}.{col}"] = val
        return v


# ----------------------------------------------------------------------------- layouts

def t2_layout(template: str) -> list[tuple[str, list[str], list[str]]]:
    if template == "2019":
        return [("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"], ["规章", "规范性文件"]),
                ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["行政许可", "其他对外管理服务事项"]),
                ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"], ["行政处罚", "行政强制"]),
                ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], ["行政事业性收费"]),
                ("第二十条第（九）项", ["采购项目数量", "采购总金额"], ["政府集中采购"])]
    return [("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "行政规范性文件"]),
            ("第二十条第（五）项", ["本年处理决定数量"], ["行政许可"]),
            ("第二十条第（六）项", ["本年处理决定数量"], ["行政处罚", "行政强制"]),
            ("第二十条第（八）项", ["本年收费金额（单位：万元）"], ["行政事业性收费"])]


def _t2_get(tables: Tables, item: str, row: str, col: str):
    return tables.printed2.get(item, {}).get(row, {}).get(col, 0)


def _header_label(col: str, opts: dict) -> str:
    if col == "采购总金额":
        return opts.get("amount_label", "采购总金额（万元）")
    return (opts.get("t2_labels") or {}).get(col, col)


def render_t2(w: Writer, tables: Tables, layout: str, opts: dict):
    tpl = opts.get("t2_template") or tables.template
    items = t2_layout(tpl)
    if opts.get("t2_extra9"):  # a 2019-template leftover planted in a 2021+ report
        items = items + [t2_layout("2019")[-1]]
    for item, cols, rows in items:
        shown = opts.get("t2_rows") or {}
        hdr = ["信息内容"] + [_header_label(c, opts) for c in cols]
        if layout == "flat":
            w.add(f"\t{item}")
            w.add()
            for h in hdr:
                w.add(f"\t{h}")
            w.add()
            for r in rows:
                w.add(f"\t{shown.get(r, r)}")
                for c in cols:
                    w.add(f"\t{fmt_num(_t2_get(tables, item, r, c))}", key=f"表二/{item}/{r}/{c}")
                w.add()
        elif layout == "tabs":
            w.add(item)
            w.add("\t".join(hdr))
            for r in rows:
                for c in cols:
                    w.cells[f"表二/{item}/{r}/{c}"] = w.n
                w.add("\t".join([shown.get(r, r)] + [fmt_num(_t2_get(tables, item, r, c)) for c in cols]))
            w.add()
        else:  # md
            n = len(hdr)
            w.add("| " + item + " |" + " |" * (n - 1))
            w.add("|" + "---|" * n)
            w.add("| " + " | ".join(hdr) + " |")
            for r in rows:
                for c in cols:
                    w.cells[f"表二/{item}/{r}/{c}"] = w.n
                w.add("| " + " | ".join([shown.get(r, r)] + [fmt_num(_t2_get(tables, item, r, c)) for c in cols]) + " |")
            w.add()


def render_t3(w: Writer, tables: Tables, layout: str, opts: dict):
    rows = t3_rows(tables.template)
    brk = opts.get("break_labels", False)
    if layout == "flat":
        w.add(f"\t{HEADER_NOTE}")
        w.add("\t申请人情况")
        w.add()
        w.add("\t")
        w.add("\t自然人")
        w.add("\t法人或其他组织")
        w.add("\t总计")
        w.add()
        w.add("\t")
        w.add("\t")
        for c in COLS[1:6]:
            w.add(f"\t{c}")
        w.add("\t")
        w.add()
        seen_groups: set[str] = set()
        for name, group, label, rk in rows:
            start = w.n
            if group == "三、本年度办理结果" and group not in seen_groups:
                seen_groups.add(group)
                w.add(f"\t{group}")
            elif group and group.startswith("（") and group not in seen_groups:
                seen_groups.add(group)
                w.add("\t")
                if brk:  # （三）不予 / blank / 公开, as web-page extraction breaks merged cells
                    w.add(f"\t{group[:5]}")
                    w.add()
                    w.add(group[5:])
                else:
                    w.add(f"\t{group}")
            elif group and group.startswith("（"):
                w.add("\t")
                w.add("\t")
            elif group:
                w.add("\t")
            w.add(f"\t{label}")
            for i, c in enumerate(COLS):
                w.add(f"\t{tables.printed3[name][i]}", key=f"表三/{rk}/{c}")
            w.rows[f"表三/{rk}"] = (start, w.n - 1)
            w.add()
        return
    if layout == "tabs":
        w.add(f"{HEADER_NOTE}\t申请人情况")
        w.add("\t自然人\t法人或其他组织\t\t\t\t\t总计")
        w.add("\t\t" + "\t".join(COLS[1:6]) + "\t")
        seen: set[str] = set()
        for name, group, label, rk in rows:
            labels = []
            if group == "三、本年度办理结果":
                labels.append(group if group not in seen else "")
                seen.add(group)
            elif group:
                labels.append("")
                labels.append(group if group not in seen else "")
                seen.add(group)
            labels.append(label)
            for c in COLS:
                w.cells[f"表三/{rk}/{c}"] = w.n
            w.rows[f"表三/{rk}"] = (w.n, w.n)
            w.add("\t".join(labels + [str(x) for x in tables.printed3[name]]))
        w.add()
        return
    # md: 3 label columns + 7 numbers
    n = 10
    w.add(f"| {HEADER_NOTE} | | | 申请人情况 |" + " |" * 6)
    w.add("|" + "---|" * n)
    w.add("| | | | 自然人 | 法人或其他组织 | | | | | 总计 |")
    w.add("| | | | | " + " | ".join(COLS[1:6]) + " | |")
    seen = set()
    for name, group, label, rk in rows:
        if group is None:
            labels = [label, "", ""]
        elif group == "三、本年度办理结果":
            labels = ["三、本年度办理结果" if group not in seen else "", label, ""]
            seen.add(group)
        else:
            labels = ["三、本年度办理结果" if "三、本年度办理结果" not in seen else "",
                      group if group not in seen else "", label]
            seen.add(group)
            seen.add("三、本年度办理结果")
        for c in COLS:
            w.cells[f"表三/{rk}/{c}"] = w.n
        w.rows[f"表三/{rk}"] = (w.n, w.n)
        w.add("| " + " | ".join(labels + [str(x) for x in tables.printed3[name]]) + " |")
    w.add()


def render_t4(w: Writer, tables: Tables, layout: str, opts: dict):
    vals = []
    keys = []
    for g, k in T4_GROUPS:
        for i, c in enumerate(T4_COLS):
            vals.append(tables.printed4[g][i])
            keys.append(f"{k}/{c}")
    if layout == "flat":
        w.add("\t行政复议")
        w.add("\t行政诉讼")
        w.add()
        if opts.get("vertical_header"):
            w.add("\t结")
            w.add("果")
            w.add("维")
            w.add("持")
        else:
            w.add("\t结果维持")
        for c in T4_COLS[1:]:
            w.add(f"\t{c}")
        w.add("\t未经复议直接起诉")
        w.add("\t复议后起诉")
        w.add()
        for _ in range(5):
            w.add("\t")
        for _ in range(2):
            for c in T4_COLS:
                w.add(f"\t{c}")
        w.add()
        start = w.n
        for v, k in zip(vals, keys):
            w.add(f"\t{v}", key=k)
        w.rows["表四"] = (start, w.n - 1)
        w.add()
        return
    if layout == "tabs":
        w.add("行政复议\t\t\t\t\t行政诉讼")
        w.add("\t\t\t\t\t未经复议直接起诉\t\t\t\t\t复议后起诉")
        w.add("\t".join(T4_COLS * 3))
        for k in keys:
            w.cells[k] = w.n
        w.rows["表四"] = (w.n, w.n)
        w.add("\t".join(str(v) for v in vals))
        w.add()
        return
    w.add("| 行政复议 | | | | | 行政诉讼 |" + " |" * 9)
    w.add("|" + "---|" * 15)
    w.add("| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | | | | | 复议后起诉 | | | | |")
    w.add("| | | | | | " + " | ".join(T4_COLS * 2) + " |")
    for k in keys:
        w.cells[k] = w.n
    w.rows["表四"] = (w.n, w.n)
    w.add("| " + " | ".join(str(v) for v in vals) + " |")
    w.add()


# ----------------------------------------------------------------------------- narrative

_CN = "零一二三四五六七八九"


def cn_int(n: int) -> str:
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        s = _CN[n // 100] + "百"
        if rest == 0:
            return s
        if rest < 10:
            return s + "零" + _CN[rest]
        return s + (_CN[rest // 10] + "十" + (_CN[rest % 10] if rest % 10 else ""))
    return str(n)


def cn_to_int(s: str) -> int:
    """Inverse of ``cn_int`` for the numerals it writes (0..999)."""
    for n in range(1000):
        if cn_int(n) == s:
            return n
    raise ValueError(s)


_PH = re.compile(r"\{([^{}\s]+)\}")


def fill(text: str, values: dict, spans: list | None = None) -> str:
    """Replace ``{placeholders}``; ``spans`` receives (start, end, key, value) in the output."""
    total = values["办理总计"]

    def expr(e: str):
        return sum(values[p] for p in e.split("+"))

    def rep(m):
        key = m.group(1)
        if key.startswith("pct:") or key.startswith("pct1:"):
            digits = 1 if key.startswith("pct1:") else 2
            v = expr(key.split(":", 1)[1])
            return f"{(100.0 * v / total if total else 0):.{digits}f}"
        if key.startswith("cn:"):
            return cn_int(int(expr(key[3:])))
        if key.startswith("num:"):
            return fmt_num(expr(key[4:]))
        if key in values or "+" in key:
            return fmt_num(expr(key))
        raise KeyError(f"unknown placeholder {{{key}}}")

    out, pos = [], 0
    length = 0
    for m in _PH.finditer(text):
        out.append(text[pos:m.start()])
        length += m.start() - pos
        r = rep(m)
        if spans is not None:
            spans.append((length, length + len(r), m.group(1), r))
        out.append(r)
        length += len(r)
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def build(src: dict) -> Built:
    tpl = str(src["template"])
    opts = dict(src.get("options") or {})
    opts.setdefault("t2_template", tpl)
    tables = Tables(src.get("tables") or {}, str(opts.get("t3_template", tpl)))
    for key, val in (src.get("overrides") or {}).items():
        tables.override(key, val)
    values = tables.values()
    layout = src["layout"]
    w = Writer()
    narrative: list[int] = []
    figures: list = []
    body = src["text"].rstrip("\n")
    for raw in body.split("\n"):
        s = raw.strip()
        if s == "{{表二}}":
            render_t2(w, tables, layout, opts)
        elif s == "{{表三}}":
            render_t3(w, tables, layout, opts)
        elif s == "{{表四}}":
            render_t4(w, tables, layout, opts)
        else:
            spans: list = []
            line_no = w.n
            w.add(fill(raw, values, spans))
            narrative.append(line_no)
            figures.extend((line_no, a, b_, k, v) for a, b_, k, v in spans)
    return Built(text="\n".join(w.lines) + "\n", cells=w.cells, rows=w.rows, narrative=narrative,
                 figures=figures)


def where(text: str, snippet: str, nth: int = 1) -> list[int] | None:
    i = -1
    for _ in range(max(1, nth)):
        i = text.find(snippet, i + 1)
        if i < 0:
            return None
    return [text.count("\n", 0, i) + 1, text.count("\n", 0, i + len(snippet)) + 1]


def expected(src: dict, b: Built, stem: str, ext: str) -> dict:
    defects = []
    for i, d in enumerate(src.get("defects") or [], 1):
        e = {"id": i, "category": d["category"], "severity": d["severity"]}
        alt = []
        if "find" in d:
            lines = where(b.text, d["find"], d.get("nth", 1))
            if lines is None:
                raise ValueError(f"{stem}: defect {i}: snippet not found: {d['find']!r}")
            if d.get("extend"):
                lines = [lines[0], lines[1] + int(d["extend"])]
            e["find"] = d["find"]
            if d.get("nth", 1) != 1:
                e["nth"] = d["nth"]
            if d.get("extend"):
                e["extend"] = d["extend"]
        elif "cell" in d:
            ln = b.cells[d["cell"]]
            lines = [ln, ln]
            e["cell"] = d["cell"]
        else:
            raise ValueError(f"{stem}: defect {i} needs find or cell")
        e["lines"] = lines
        for f in d.get("alt_find") or []:
            w_ = where(b.text, f)
            if w_ is None:
                raise ValueError(f"{stem}: defect {i}: alt snippet not found: {f!r}")
            alt.append(w_)
        for r in d.get("alt_rows") or []:
            alt.append(list(b.rows[r]))
        for c in d.get("alt_cells") or []:
            alt.append([b.cells[c], b.cells[c]])
        e["alt_lines"] = alt
        if d.get("alt_find"):
            e["alt_find"] = d["alt_find"]
        if d.get("optional"):
            e["optional"] = True
        e["text"] = d.get("text") or d.get("find") or d.get("cell")
        if d.get("note"):
            e["note"] = d["note"]
        defects.append(e)
    meta = {k: src[k] for k in ("unit", "unit_kind", "year", "template", "layout")}
    for k in ("encoding", "eol"):
        if src.get(k):
            meta[k] = src[k]
    return {"file": f"{stem}.{ext}", "kind": "defect" if any(not d.get("optional") for d in defects) else "clean",
            "meta": meta,
            "defects": defects}


def dump_expected(exp: dict) -> str:
    """The expected file with one defect per line (like the example's)."""
    head = {k: v for k, v in exp.items() if k != "defects"}
    out = ["{"]
    for k, v in head.items():
        out.append(f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},")
    if exp["defects"]:
        out.append(' "defects": [')
        rows = [f"  {json.dumps(d, ensure_ascii=False)}" for d in exp["defects"]]
        out.append(",\n".join(rows))
        out.append(" ]")
    else:
        out.append(' "defects": []')
    out.append("}")
    text = "\n".join(out) + "\n"
    assert json.loads(text) == exp
    return text


# reports also rendered into the structured layouts with tools/make_fixtures.py (flattened sources only)
RENDER = {
    "yunling-shi-2025": ("docx", "pdf"),
    "taoyuan-zhen-2019": ("html",),
    "shuangqiao-jiedao-2020": ("docx",),
    "baihe-shi-2023": ("html", "pdf"),
    "fengshan-zhen-2025": ("pdf",),
}


def _render_find(d: dict) -> dict:
    """A snippet-based location for a defect given by its table cell: the row label and the
    cell lines after it (the structured readers write one cell per line, row-major)."""
    if "cell" not in d:
        return {}
    parts = d["cell"].split("/")
    if parts[0] == "表三":
        label = parts[-2]
        return {"find": label, "extend": 7}
    if parts[0] == "表四":
        return {"find": "复议后起诉", "extend": 25}
    raise ValueError(f"no rendered location for {d['cell']}")


def render_layouts(stem: str, text: str, exp: dict) -> dict[Path, bytes | str]:
    sys.path.insert(0, str(ROOT / "tools"))
    import make_fixtures as mf

    rep = mf.parse_report(text)
    out: dict[Path, bytes | str] = {}
    for fmt in RENDER.get(stem, ()):
        name = f"{stem}-{fmt}"
        if fmt == "docx":
            data = mf.render_docx(rep)
        elif fmt == "html":
            data = mf.render_html(rep, br_label="（二）部分公开（区分处理的，只计这一情形，不计其他情形）").encode("utf-8")
        else:
            data = mf.render_pdf(rep)
        out[OUT / f"{name}.{fmt}"] = data
        defects = []
        for d in exp["defects"]:
            e = {k: v for k, v in d.items() if k not in ("lines", "alt_lines", "cell")}
            e.update(_render_find(d))
            defects.append(e)
        e2 = {**exp, "file": f"{name}.{fmt}", "meta": {**exp["meta"], "layout": fmt, "rendered_from": exp["file"]},
              "defects": defects}
        out[OUT / f"{name}.expected.json"] = dump_expected(e2)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only check that corpora/reports is up to date")
    ap.add_argument("names", nargs="*", help="source stems to build (default: all)")
    a = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    stale = 0
    for p in sorted(SRC.glob("*.yaml")):
        stem = p.stem
        if a.names and stem not in a.names:
            continue
        src = yaml.safe_load(p.read_text(encoding="utf-8"))
        ext = "md" if src["layout"] == "md" else "txt"
        b = build(src)
        exp = expected(src, b, stem, ext)
        body: str | bytes = b.text
        if src.get("eol") == "crlf":
            body = body.replace("\n", "\r\n")
        if src.get("encoding") or src.get("eol"):
            body = body.encode(src.get("encoding") or "utf-8")
        outs = {OUT / f"{stem}.{ext}": body,
                OUT / f"{stem}.expected.json": dump_expected(exp)}
        if stem in RENDER:
            outs.update(render_layouts(stem, b.text, exp))
        for path, content in outs.items():
            if isinstance(content, bytes):
                old = path.read_bytes() if path.exists() else None
            else:
                old = path.read_text(encoding="utf-8") if path.exists() else None
            if old != content:
                stale += 1
                if a.check:
                    print(f"out of date: {path.relative_to(ROOT)}")
                elif isinstance(content, bytes):
                    path.write_bytes(content)
                else:
                    path.write_text(content, encoding="utf-8")
        n = len([d for d in exp["defects"] if not d.get("optional")])
        print(f"{stem}.{ext}: {src['year']} {src['unit_kind']} template {src['template']} "
              f"layout {src['layout']}, {n} defects", file=sys.stderr)
    return 1 if (a.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
