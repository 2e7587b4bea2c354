#!/usr/bin/env python3
"""Plant one known defect at a time into the clean corpus reports (seeded, reproducible).

Every mutant is a clean report of ``corpora/reports`` (rebuilt from its source in
``bench/corpus_src`` so that the positions of table cells and of the figures taken from
the tables are known) with exactly one planted defect, and the expected finding:
category, lines, alternative lines, plus ``optional`` findings that a linter may also
report without it counting as a false alarm (e.g. a crosscheck mismatch after a table
cell was changed).

Operators (category):
  dup-paragraph (duplicate)         a prose paragraph pasted again elsewhere, exactly
  dup-paragraph-edited (duplicate)  … with a light edit (a word swapped, a clause dropped)
  dup-sentence (duplicate)          a sentence of one paragraph appended to another
  repeat-word (repetition)          a word typed twice (涉及涉及)
  break-date (date)                 年 dropped, an impossible day or month, a two-digit year,
                                    a statistical period that does not end on 12月31日
  ordinal (numbering)               一是…三是, a repeated or skipped （二）/第二
  typo (typo)                       the right word of rules/dictionaries/typos-common.yaml
                                    replaced by its wrong side
  halfwidth (punctuation)           ，；：（） made half-width
  table-cell (table)                a 表三/表四 cell changed so that an identity breaks
  narrative-number (crosscheck)     a figure of the narrative that comes from a table changed
  unit-kind (consistency)           the unit calls itself by another kind (本镇 → 本街道)
  old-labels (structure)            2019-template 表二 labels in a 2021+ report

    python bench/mutate.py --n 600 --seed 1 --out /tmp/mutants   # files + expected, for score.py
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build_corpus as bc  # noqa: E402

ROOT = bc.ROOT
TYPOS = ROOT / "rules" / "dictionaries" / "typos-common.yaml"
UNIT_KINDS = ROOT / "rules" / "templates" / "unit-kinds.yaml"


@dataclass
class Base:
    stem: str
    ext: str
    src: dict
    lines: list[str]
    built: bc.Built

    @property
    def prose(self) -> list[int]:
        """1-based numbers of narrative prose lines (sentences, not headings or titles)."""
        out = []
        for n in self.built.narrative:
            t = self.lines[n - 1].strip()
            if len(t) >= 20 and "。" in t and not re.match(r"^(#|[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)", t):
                out.append(n)
        return out


@dataclass
class Mutant:
    name: str
    base: str
    ext: str
    operator: str
    category: str
    text: str
    expected: list[dict] = field(default_factory=list)  # score.py format (+ "optional")
    note: str = ""

    def expected_json(self) -> dict:
        return {"file": f"{self.name}.{self.ext}", "base": self.base, "operator": self.operator,
                "note": self.note, "defects": self.expected}


def load_bases(names: list[str] | None = None) -> list[Base]:
    out = []
    for p in sorted(bc.SRC.glob("*.yaml")):
        src = yaml.safe_load(p.read_text(encoding="utf-8"))
        if src.get("defects"):
            continue  # only clean reports are mutated
        if names and p.stem not in names:
            continue
        b = bc.build(src)
        out.append(Base(p.stem, "md" if src["layout"] == "md" else "txt", src, b.text.split("\n"), b))
    return out


# ----------------------------------------------------------------------------- helpers

def _exp(category: str, lines, alt=(), optional=False, text="") -> dict:
    lines = list(lines)
    e = {"category": category, "severity": "error", "lines": [lines[0], lines[-1]],
         "alt_lines": [list(a) for a in alt], "text": text}
    if optional:
        e["optional"] = True
    return e


def _sentences(line: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in re.finditer(r"[。！？]", line):
        out.append((start, m.end()))
        start = m.end()
    return [(a, b) for a, b in out if b - a >= 20]


_ORDINAL_HINT = re.compile(r"[一二三四五六七八九十]是|第[一二三四五六七八九十][，、]|（[一二三四五六七八九十]）|^\d+[.．、]")
_CN = "一二三四五六七八九十"


def _insert_paragraph(lines: list[str], after: int, para: str) -> tuple[list[str], int]:
    """Insert ``para`` as a paragraph after 1-based line ``after``; returns (lines, its line)."""
    new = lines[:after] + ["", para] + lines[after:]
    return new, after + 2


class Planter:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.typos = [p for p in yaml.safe_load(TYPOS.read_text(encoding="utf-8")) if p.get("wrong") and p.get("right")]
        self.kinds = yaml.safe_load(UNIT_KINDS.read_text(encoding="utf-8"))["kinds"]

    # -- duplicate
    def dup_paragraph(self, b: Base, edited: bool = False):
        cands = [n for n in b.prose if len(b.lines[n - 1].strip()) >= 50 and not _ORDINAL_HINT.search(b.lines[n - 1])]
        if len(cands) < 2:
            return None
        src = self.rng.choice(cands)
        para = b.lines[src - 1].strip()
        if edited:
            para = self._light_edit(para)
            if para is None:
                return None
        targets = [n for n in b.prose if abs(n - src) > 2]
        if not targets:
            return None
        after = self.rng.choice(targets)
        lines, at = _insert_paragraph(b.lines, after, para)
        orig = src if src < at else src + 2
        e = _exp("duplicate", [at], alt=[[orig, orig]], text=para[:30])
        e["severity"] = "warning"
        return lines, [e], f"第{orig}行的段落{'略作改动后' if edited else ''}重复出现在第{at}行"

    def _light_edit(self, para: str) -> str | None:
        swaps = [("进一步", "持续"), ("及时", "按时"), ("全面", "全力"), ("切实", "有效"), ("不断", "持续"),
                 ("认真", "扎实"), ("加强", "强化"), ("主动公开", "公开"), ("全年", "本年度"), ("工作", "事项")]
        opts = [(a, b_) for a, b_ in swaps if a in para]
        choice = self.rng.random()
        if opts and choice < 0.6:
            a, b_ = self.rng.choice(opts)
            return para.replace(a, b_, 1)
        # a clause between commas, without paired marks (dropping half of “…” would plant a second defect)
        clauses = [m for m in re.finditer(r"，[^，。；“”‘’《》（）〈〉]{4,14}(?=[，。])", para)]
        if clauses:
            m = self.rng.choice(clauses)
            return para[:m.start()] + para[m.end():]
        if opts:
            a, b_ = self.rng.choice(opts)
            return para.replace(a, b_, 1)
        return None

    def dup_sentence(self, b: Base):
        cands = []
        for n in b.prose:
            for s, e in _sentences(b.lines[n - 1]):
                sent = b.lines[n - 1][s:e].strip()
                if len(sent) >= 25 and not _ORDINAL_HINT.search(sent) and not re.search(r"\d{4}年\d", sent):
                    cands.append((n, sent))
        if not cands:
            return None
        n, sent = self.rng.choice(cands)
        targets = [m for m in b.prose if m != n and b.lines[m - 1].rstrip().endswith("。")]
        if not targets:
            return None
        t = self.rng.choice(targets)
        lines = list(b.lines)
        lines[t - 1] = lines[t - 1].rstrip() + sent
        e = _exp("duplicate", [t], alt=[[n, n]], text=sent[:30])
        e["severity"] = "warning"
        return lines, [e], f"第{n}行的句子重复出现在第{t}行末尾"

    # -- repetition
    def repeat_word(self, b: Base):
        import jieba

        n = self.rng.choice(b.prose)
        line = b.lines[n - 1]
        pos, toks = 0, []
        for tok in jieba.cut(line):
            if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", tok):
                toks.append((pos, tok))
            pos += len(tok)
        toks = [(p, t) for p, t in toks if t[0] != t[-1] and line[p + len(t):p + 2 * len(t)] != t
                and line[max(0, p - len(t)):p] != t]
        if not toks:
            return None
        p, tok = self.rng.choice(toks)
        lines = list(b.lines)
        lines[n - 1] = line[:p + len(tok)] + tok + line[p + len(tok):]
        extra = []
        if re.fullmatch(r"[一二三四五六七八九十]是|第[一二三四五六七八九十]", tok):  # 二是二是 is also a repeated ordinal
            extra.append(_exp("numbering", [n], optional=True))
        return lines, [_exp("repetition", [n], text=tok + tok)] + extra, f"第{n}行“{tok}”重复"

    # -- date
    def break_date(self, b: Base):
        cands = []
        for n in b.built.narrative:
            for m in re.finditer(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日", b.lines[n - 1]):
                cands.append((n, m))
        if not cands:
            return None
        n, m = self.rng.choice(cands)
        y, mo, d = m.group(1), int(m.group(2)), int(m.group(3))
        line = b.lines[n - 1]
        variants = ["drop-year-char", "impossible-day", "month13", "short-year"]
        if mo == 12 and d == 31 and "统计" in line:
            variants.append("period-end")
        v = self.rng.choice(variants)
        if v == "drop-year-char":
            new = f"{y}{mo}月{d}日"
        elif v == "impossible-day":
            mo2 = self.rng.choice([2, 4, 6, 9, 11])
            d2 = 30 if mo2 == 2 else 31
            new = f"{y}年{mo2}月{d2}日"
        elif v == "month13":
            new = f"{y}年{self.rng.choice([13, 14, 0])}月{d}日"
        elif v == "short-year":
            new = f"{y[2:]}年{mo}月{d}日"
        else:
            new = f"{y}年12月{self.rng.choice([30, 1, 15])}日"
        lines = list(b.lines)
        lines[n - 1] = line[:m.start()] + new + line[m.end():]
        extra = [] if v != "short-year" and v != "period-end" else [_exp("consistency", [n], optional=True)]
        return lines, [_exp("date", [n], text=new)] + extra, f"第{n}行日期“{m.group(0)}”改为“{new}”（{v}）"

    # -- numbering
    def ordinal(self, b: Base):
        cands = []  # (line, start, end, new, alt lines)
        # inline 一是/二是/三是 within one paragraph
        for n in b.prose:
            line = b.lines[n - 1]
            ords = [(m.start(), _CN.index(m.group(1)) + 1) for m in re.finditer(r"([一二三四五六七八九])是", line)]
            seq = [k for _, k in ords]
            if len(seq) >= 3 and seq == list(range(1, len(seq) + 1)):
                for i, (p, k) in enumerate(ords[1:], 1):
                    for new_k in (k + 1, k - 1):
                        if new_k >= 1 and new_k != k:
                            cands.append((n, p, p + 1, _CN[new_k - 1], [[n, n]]))
            ords = [(m.start(), _CN.index(m.group(1)) + 1) for m in re.finditer(r"第([一二三四五六七八九])[，、]", line)]
            if len(ords) >= 3 and [k for _, k in ords] == list(range(1, len(ords) + 1)):
                for p, k in ords[1:]:
                    cands.append((n, p + 1, p + 2, _CN[k], [[n, n]]))
        # （一）…（五） headings
        heads = []
        for n in b.built.narrative:
            m = re.match(r"^(\s*(?:#+\s*)?)（([一二三四五六七八九])）", b.lines[n - 1])
            if m:
                heads.append((n, len(m.group(1)) + 1, _CN.index(m.group(2)) + 1))
        runs, cur = [], []
        for h in heads:
            if cur and h[2] == cur[-1][2] + 1:
                cur.append(h)
            else:
                if len(cur) >= 3:
                    runs.append(cur)
                cur = [h]
        if len(cur) >= 3:
            runs.append(cur)
        for run in runs:
            for i, (n, col, k) in enumerate(run[1:], 1):
                prev = run[i - 1][0]
                nxt = run[i + 1][0] if i + 1 < len(run) else n
                for new_k in (k + 1, k - 1):
                    cands.append((n, col, col + 1, _CN[new_k - 1], [[prev, prev], [nxt, nxt]]))
        if not cands:
            return None
        n, s, e, new, alt = self.rng.choice(cands)
        line = b.lines[n - 1]
        old = line[s:e]
        lines = list(b.lines)
        lines[n - 1] = line[:s] + new + line[e:]
        ex = _exp("numbering", [n], alt=alt, text=lines[n - 1][max(0, s - 2):s + 6])
        ex["severity"] = "warning"
        return lines, [ex], f"第{n}行序号“{old}”改为“{new}”"

    # -- typo
    def typo(self, b: Base):
        cands = []
        for n in b.prose:
            line = b.lines[n - 1]
            for p in self.typos:
                if p["wrong"] in line:
                    continue
                for m in re.finditer(re.escape(p["right"]), line):
                    cands.append((n, m.start(), m.end(), p))
        if not cands:
            return None
        # choose the pair first (uniformly), then a place: frequent words must not dominate
        pair = self.rng.choice(sorted({c[3]["wrong"] for c in cands}))
        n, s, e, p = self.rng.choice([c for c in cands if c[3]["wrong"] == pair])
        line = b.lines[n - 1]
        lines = list(b.lines)
        lines[n - 1] = line[:s] + p["wrong"] + line[e:]
        return lines, [_exp("typo", [n], text=p["wrong"])], f"第{n}行“{p['right']}”改为“{p['wrong']}”"

    # -- punctuation
    def halfwidth(self, b: Base):
        cands = []
        for n in b.prose:
            line = b.lines[n - 1]
            for m in re.finditer(r"[，；：]", line):
                if re.match(r"[\u4e00-\u9fff]", line[m.start() - 1:m.start()] or "x") and \
                        re.match(r"[\u4e00-\u9fff]", line[m.end():m.end() + 1] or "x"):
                    cands.append((n, m.start(), {"，": ",", "；": ";", "：": ":"}[m.group()]))
            for m in re.finditer(r"（([^（）]{2,30})）", line):
                if re.search(r"[\u4e00-\u9fff]", m.group(1)):
                    cands.append((n, m.start(), "()"))
        if not cands:
            return None
        n, s, new = self.rng.choice(cands)
        line = b.lines[n - 1]
        if new == "()":
            e = line.index("）", s)
            changed = line[:s] + "(" + line[s + 1:e] + ")" + line[e + 1:]
        else:
            changed = line[:s] + new + line[s + 1:]
        lines = list(b.lines)
        lines[n - 1] = changed
        ex = _exp("punctuation", [n], text=changed[max(0, s - 4):s + 5])
        ex["severity"] = "warning"
        return lines, [ex], f"第{n}行标点改为半角"

    # -- table
    def table_cell(self, b: Base):
        cells = b.built.cells
        keys = [k for k in cells if k.startswith("表三/") or k.startswith("表四/")]
        if not keys:
            return None
        key = self.rng.choice(sorted(keys))
        ln = cells[key]
        line = b.lines[ln - 1]
        col_vals = self._cell_value_span(b, key)
        if col_vals is None:
            return None
        s, e, v = col_vals
        delta = self.rng.choice([1, 2, 3, 5, 10]) * (1 if v == 0 or self.rng.random() < 0.6 else -1)
        nv = max(0, v + delta)
        if nv == v:
            nv = v + 1
        lines = list(b.lines)
        lines[ln - 1] = line[:s] + str(nv) + line[e:]
        alt = []
        parts = key.split("/")
        if parts[0] == "表三":
            row = "/".join(parts[:-1])
            for r in (row, "表三/（七）总计", "表三/一、本年新收政府信息公开申请数量", "表三/四、结转下年度继续办理"):
                if r in b.built.rows:
                    alt.append(list(b.built.rows[r]))
        else:
            alt.append(list(b.built.rows["表四"]))
            tot = "/".join(parts[:-1]) + "/总计"
            alt.append([cells[tot], cells[tot]])
        ex = [_exp("table", [ln], alt=alt, text=f"{key}: {v} → {nv}")]
        # narrative figures read from the changed cells now disagree with the table: a true finding too
        figs = sorted({f[0] for f in b.built.figures})
        if figs:
            ex.append({**_exp("crosscheck", [figs[0]], alt=[[f, f] for f in figs[1:]], optional=True)})
        return lines, ex, f"{key} 由 {v} 改为 {nv}"

    def _cell_value_span(self, b: Base, key: str):
        """(start, end, value) of the cell's number within its line."""
        ln = b.built.cells[key]
        line = b.lines[ln - 1]
        same = sorted(k for k, v in b.built.cells.items() if v == ln)
        if len(same) == 1:  # one cell per line (flattened layout)
            m = re.search(r"-?\d+(?:\.\d+)?", line)
            return (m.start(), m.end(), float(m.group()) if "." in m.group() else int(m.group())) if m else None
        # several cells on one line: tab- or pipe-separated; the k-th number among the row's cells
        order = self._row_order(key)
        fields = re.split(r"(\t|\|)", line)
        pos, cells_pos = 0, []
        for f in fields:
            if f not in ("\t", "|"):
                t = f.strip()
                if re.fullmatch(r"-?\d+(?:\.\d+)?", t):
                    st = pos + f.index(t)
                    cells_pos.append((st, st + len(t), int(t) if "." not in t else float(t)))
            pos += len(f)
        if len(cells_pos) < len(order):
            return None
        idx = order.index(key)
        return cells_pos[len(cells_pos) - len(order) + idx]

    @staticmethod
    def _row_order(key: str) -> list[str]:
        if key.startswith("表三/"):
            row = "/".join(key.split("/")[:-1])
            return [f"{row}/{c}" for c in bc.COLS]
        return [f"{k}/{c}" for _, k in bc.T4_GROUPS for c in bc.T4_COLS]

    # -- crosscheck
    def narrative_number(self, b: Base):
        good = ("新收", "上年结转", "予以公开", "部分公开", "不予公开", "无法提供", "不予处理", "其他处理", "办理总计",
                "结转下年", "申请总数", "复议", "诉讼", "无法提供1", "不予处理1", "不予处理2", "新收.自然人")

        def plain(key: str) -> str:
            return key.split(":", 1)[1] if key.startswith(("cn:", "pct:", "pct1:")) else key

        figs = [f for f in b.built.figures
                if plain(f[3]) in good or re.match(r"^(行政规范性文件|规章|行政许可|行政处罚|行政强制)\.", plain(f[3]))
                or f[3].startswith(("pct:", "pct1:"))]
        if not figs:
            return None
        n, s, e, key, val = self.rng.choice(figs)
        if key.startswith(("pct:", "pct1:")):
            v = float(val)
            digits = len(val.split(".")[1]) if "." in val else 0
            nv_f = v + self.rng.choice([-5, -2, -1, 1, 2, 5]) * (1 if v < 95 else -1)
            nv_f = min(100.0, max(0.0, nv_f))
            old, new = val, f"{nv_f:.{digits}f}"
        else:
            v = int(bc.cn_to_int(val) if key.startswith("cn:") else float(val))
            delta = self.rng.choice([1, 1, 2, 3, 10])
            nv = v + delta if (v == 0 or self.rng.random() < 0.6) else max(0, v - delta)
            if nv == v or (key.startswith("cn:") and nv == 0):  # “零件” would read as a different word
                nv = v + 1
            old, new = val, (bc.cn_int(nv) if key.startswith("cn:") else str(nv))
        line = b.lines[n - 1]
        lines = list(b.lines)
        lines[n - 1] = line[:s] + new + line[e:]
        return lines, [_exp("crosscheck", [n], text=f"{key}: {old} → {new}")], f"第{n}行正文数字 {key} 由 {old} 改为 {new}"

    # -- consistency
    def unit_kind(self, b: Base):
        from_kind = self._kind_of(b.src["unit"])
        if not from_kind:
            return None
        cands = []
        for n in b.prose:
            line = b.lines[n - 1]
            for w in from_kind["self"]:
                for m in re.finditer(re.escape(w), line):
                    cands.append((n, m.start(), m.end(), w))
        if not cands:
            return None
        n, s, e, w = self.rng.choice(cands)
        foreign = [f for f in from_kind["foreign"] if f[0] == w[0] or f == "办事处"] or from_kind["foreign"]
        new = self.rng.choice(foreign)
        line = b.lines[n - 1]
        lines = list(b.lines)
        lines[n - 1] = line[:s] + new + line[e:]
        ex = _exp("consistency", [n], alt=[[1, 2]], text=new)
        ex["severity"] = "warning"
        return lines, [ex], f"第{n}行自称“{w}”改为“{new}”"

    def _kind_of(self, unit: str):
        for k in self.kinds:
            if any(unit.endswith(s) for s in k["suffixes"]):
                return k
        return None

    # -- structure
    def old_labels(self, b: Base):
        """2019-template 表二 labels in a 2021+ report: renamed columns or the 第二十条第（九）项 block."""
        if str(b.src["template"]) != "2021":
            return None
        t2 = [i for i, line in enumerate(b.lines, 1) if "第二十条" in line and i not in b.built.narrative]
        if not t2:
            return None
        if self.rng.random() < 0.3:
            return self._item9(b, t2)
        swaps = [("本年制发件数", "本年新制作数量"), ("本年废止件数", "本年新公开数量"), ("现行有效件数", "对外公开总数量")]
        cands = []
        for i, line in enumerate(b.lines, 1):
            if i in b.built.narrative:
                continue
            for a, c in swaps:
                if a in line:
                    cands.append((i, a, c))
        if not cands:
            return None
        k = self.rng.choice([1, 1, 2, 3])
        chosen = self.rng.sample(cands, min(k, len(cands)))
        lines = list(b.lines)
        for i, a, c in chosen:
            lines[i - 1] = lines[i - 1].replace(a, c, 1)
        ls = sorted(i for i, _, _ in chosen)
        return lines, self._structure_expected(ls, [min(t2 + ls), max(ls) + 12], "、".join(c for _, _, c in chosen)), \
            f"表二使用2019版栏目名称：{'、'.join(c for _, _, c in chosen)}"

    def _item9(self, b: Base, t2: list[int]):
        sec3 = next((i for i, line in enumerate(b.lines, 1) if re.match(r"^\s*(#+\s*)?三、", line) and i > t2[0]), None)
        if sec3 is None:
            return None
        n, amount = self.rng.randint(1, 60), f"{self.rng.randint(10, 9000)}.{self.rng.randint(0, 99):02d}"
        layout = b.src["layout"]
        if layout == "flat":
            block = ["\t第二十条第（九）项", "", "\t信息内容", "\t采购项目数量", "\t采购总金额", "",
                     "\t政府集中采购", f"\t{n}", f"\t{amount}", ""]
        elif layout == "tabs":
            block = ["第二十条第（九）项", "信息内容\t采购项目数量\t采购总金额", f"政府集中采购\t{n}\t{amount}", ""]
        else:
            block = ["| 第二十条第（九）项 | | |", "|---|---|---|", "| 信息内容 | 采购项目数量 | 采购总金额 |",
                     f"| 政府集中采购 | {n} | {amount} |", ""]
        at = sec3 - 1  # insert before the blank line that precedes section 三
        while at > 1 and not b.lines[at - 1].strip():
            at -= 1
        lines = b.lines[:at] + [""] + block + b.lines[at:]
        first = at + 2
        ls = [first]
        return lines, self._structure_expected(ls, [first, first + len(block)], "第二十条第（九）项"), \
            "表二多出2019版才有的“第二十条第（九）项 政府集中采购”"

    @staticmethod
    def _structure_expected(ls: list[int], region: list[int], text: str) -> list[dict]:
        return [_exp("structure", [ls[0]], alt=[[i, i] for i in ls[1:]] + [region], text=text),
                _exp("table", region, optional=True)]


OPERATORS = [
    ("dup-paragraph", "duplicate", lambda p, b: p.dup_paragraph(b)),
    ("dup-paragraph-edited", "duplicate", lambda p, b: p.dup_paragraph(b, edited=True)),
    ("dup-sentence", "duplicate", lambda p, b: p.dup_sentence(b)),
    ("repeat-word", "repetition", lambda p, b: p.repeat_word(b)),
    ("break-date", "date", lambda p, b: p.break_date(b)),
    ("ordinal", "numbering", lambda p, b: p.ordinal(b)),
    ("typo", "typo", lambda p, b: p.typo(b)),
    ("halfwidth", "punctuation", lambda p, b: p.halfwidth(b)),
    ("table-cell", "table", lambda p, b: p.table_cell(b)),
    ("narrative-number", "crosscheck", lambda p, b: p.narrative_number(b)),
    ("unit-kind", "consistency", lambda p, b: p.unit_kind(b)),
    ("old-labels", "structure", lambda p, b: p.old_labels(b)),
]


def generate(n: int = 600, seed: int = 1, bases: list[Base] | None = None) -> list[Mutant]:
    """``n`` distinct mutants, categories in turn (each category gets the same share)."""
    rng = random.Random(seed)
    bases = bases if bases is not None else load_bases()
    planter = Planter(rng)
    cats: dict[str, list] = {}
    for op in OPERATORS:
        cats.setdefault(op[1], []).append(op)
    order = sorted(cats)
    out: list[Mutant] = []
    seen: set[str] = set()
    failures = 0
    i = 0
    while len(out) < n and failures < 20 * n:
        cat = order[i % len(order)]
        i += 1
        name, _, fn = rng.choice(cats[cat])
        b = rng.choice(bases)
        r = fn(planter, b)
        if r is None:
            failures += 1
            i -= 1  # retry the same category
            continue
        lines, expected, note = r
        text = "\n".join(lines)
        if text in seen:
            failures += 1
            i -= 1
            continue
        seen.add(text)
        k = len(out) + 1
        for j, e in enumerate(expected, 1):
            e["id"] = j
        out.append(Mutant(f"m{k:04d}-{name}-{b.stem}", b.stem, b.ext, name, cat, text, expected, note))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Plant known defects into the clean corpus reports.")
    ap.add_argument("--n", type=int, default=600, help="number of mutants (default 600)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True, help="directory to write <name>.<ext> + <name>.expected.json into")
    a = ap.parse_args(argv)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    muts = generate(a.n, a.seed)
    for m in muts:
        (out / f"{m.name}.{m.ext}").write_text(m.text, encoding="utf-8")
        (out / f"{m.name}.expected.json").write_text(
            json.dumps(m.expected_json(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    by = {}
    for m in muts:
        by[m.operator] = by.get(m.operator, 0) + 1
    print(f"{len(muts)} mutants in {out}: " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
