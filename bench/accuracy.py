#!/usr/bin/env python3
"""Accuracy benchmark: per-category recall and precision on planted defects (bench/mutate.py),
and errors+warnings per clean report; writes docs/accuracy.md.

    .venv/bin/python bench/accuracy.py                 # 600 mutants, seed 1, writes docs/accuracy.md
    .venv/bin/python bench/accuracy.py --n 120 --no-write --verbose

Matching is the one of ../shared/tools/score.py: a planted defect is found when a
diagnostic of the same category, severity error or warning, has a range or related range
within ±1 line of the expected lines (or of an alternative).

Precision per category counts the error/warning diagnostics of that category on the
mutants: true positives match the planted defect; diagnostics that match an ``optional``
expectation (a legitimate side effect, e.g. a crosscheck mismatch after a table cell was
changed) are left out; diagnostics that the clean base report already carries (same rule,
message and flagged text) are counted separately as "pre-existing" — those are false
alarms on clean text and appear in the clean-report table — and everything else is a
false positive introduced by the mutation.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import mutate  # noqa: E402
from expected import git_rev, resolve  # noqa: E402
from expected import matches as _match  # noqa: E402

ROOT = HERE.parent
DOC = ROOT / "docs" / "accuracy.md"
CORPUS = ROOT / "corpora" / "reports"
DOC_EXTS = (".txt", ".md", ".docx", ".html", ".htm", ".pdf")
CLAIMS_START, CLAIMS_END = "<!-- claims:start -->", "<!-- claims:end -->"
TARGET_RECALL = TARGET_PRECISION = 0.95
TARGET_CLEAN = 0.2


# ----------------------------------------------------------------------------- linting

def _lint_one(path: str) -> dict:
    """Lint in-process; returns plain data (picklable, small)."""
    from checker.linter import lint_file

    r = lint_file(path)
    if r.error:
        return {"path": path, "error": r.error, "diags": [], "notes": r.notes}
    doc = r.doc
    out = []
    for d in r.diagnostics:
        spans = [(doc.position(d.start).line, doc.position(max(d.start, d.end - 1)).line)]
        for rel in d.related:
            if rel.path in (None, doc.path):
                spans.append((doc.position(rel.start).line, doc.position(max(rel.start, rel.end - 1)).line))
        line = doc.position(d.start).line
        out.append({"rule": d.rule, "category": d.category, "severity": d.severity, "message": d.message,
                    "spans": spans, "line": line, "flagged": doc.text[d.start:d.end],
                    "line_text": doc.line_text(line).strip()[:120]})
    return {"path": path, "error": None, "diags": out, "notes": r.notes, "text": doc.text}


def lint_many(paths: list[str], jobs: int) -> dict[str, dict]:
    if jobs <= 1:
        return {p: _lint_one(p) for p in paths}
    from concurrent.futures import ProcessPoolExecutor

    from checker.nlp import get_segmenter

    get_segmenter()  # build once before forking: the workers inherit it
    with ProcessPoolExecutor(max_workers=jobs) as ex:
        return dict(zip(paths, ex.map(_lint_one, paths, chunksize=8)))


# ----------------------------------------------------------------------------- matching

def counts(d: dict) -> bool:
    return d["severity"] in ("error", "warning")


def matches(d: dict, e: dict) -> bool:
    return _match(d["category"], d["severity"], d["spans"], e)


def _sig(d: dict) -> tuple:
    return (d["rule"], d["message"], d["flagged"])


# ----------------------------------------------------------------------------- runs

def clean_reports() -> list[tuple[str, Path]]:
    out = []
    for exp in sorted(CORPUS.glob("*.expected.json")):
        data = json.loads(exp.read_text(encoding="utf-8"))
        if data.get("kind") != "clean" and any(not e.get("optional") for e in data.get("defects", [])):
            continue
        stem = exp.name[: -len(".expected.json")]
        for ext in DOC_EXTS:
            p = CORPUS / f"{stem}{ext}"
            if p.exists():
                out.append((stem, p))
                break
    return out


def corpus_reports() -> list[tuple[Path, Path]]:
    """Every corpus document with an expected file: (document, expected file)."""
    out = []
    for d in (ROOT / "corpora", CORPUS):
        for exp in sorted(d.glob("*.expected.json")):
            stem = exp.name[: -len(".expected.json")]
            for ext in DOC_EXTS:
                p = d / f"{stem}{ext}"
                if p.exists():
                    out.append((p, exp))
                    break
    return out


def corpus_rows(results: dict[str, dict]) -> list[dict]:
    rows = []
    for p, exp in corpus_reports():
        r = results[str(p)]
        data = json.loads(exp.read_text(encoding="utf-8"))
        items = data["defects"] if isinstance(data, dict) else data
        meta = data.get("meta", {}) if isinstance(data, dict) else {}
        text = r.get("text", "")
        items = resolve(items, text, p.suffix in (".txt", ".md"))
        req = [e for e in items if not e.get("optional")]
        found = [e for e in req if any(matches(d, e) for d in r["diags"])]
        extra = [d for d in r["diags"] if counts(d) and not any(matches(d, e) for e in items)]
        rows.append({"report": p.name, "year": meta.get("year", ""), "kind": meta.get("unit_kind", ""),
                     "template": meta.get("template", ""), "layout": meta.get("layout", p.suffix[1:]),
                     "required": len(req), "found": len(found), "extra": len(extra), "error": r["error"],
                     "missed": [f"{e['category']}：{e.get('text') or e.get('find')}" for e in req if e not in found],
                     "unexpected": [f"{d['line']}: [{d['severity']}/{d['rule']}] {d['message'][:50]}" for d in extra]})
    return rows


def run(n: int, seed: int, jobs: int, verbose: bool = False) -> dict:
    t0 = time.monotonic()
    muts = mutate.generate(n, seed)
    tmp = Path(tempfile.mkdtemp(prefix="checker-mutants-"))
    paths = []
    for m in muts:
        p = tmp / f"{m.name}.{m.ext}"
        p.write_text(m.text, encoding="utf-8")
        paths.append(str(p))
    cleans = clean_reports()
    base_paths = {b.stem: str(CORPUS / f"{b.stem}.{b.ext}") for b in mutate.load_bases()}
    all_paths = paths + sorted({str(p) for _, p in cleans} | set(base_paths.values())
                               | {str(p) for p, _ in corpus_reports()})
    results = lint_many(all_paths, jobs)
    elapsed = time.monotonic() - t0

    # clean reports
    clean_rows = []
    for stem, p in cleans:
        r = results[str(p)]
        ew = [d for d in r["diags"] if counts(d)]
        clean_rows.append({"report": p.name, "errors_warnings": len(ew), "error": r["error"],
                           "diags": [f"{d['line']}: [{d['severity']}/{d['rule']}] {d['message']}" for d in ew]})

    # mutants
    cats = sorted({m.category for m in muts})
    per = {c: {"planted": 0, "found": 0, "tp": 0, "fp": 0, "pre": 0, "allowed": 0} for c in cats}
    per_op: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: dict[str, list[str]] = defaultdict(list)
    fps: dict[str, Counter] = defaultdict(Counter)
    failures = []
    for m, p in zip(muts, paths):
        r = results[p]
        if r["error"]:
            failures.append(f"{m.name}: {r['error']}")
        base = Counter(_sig(d) for d in results[base_paths[m.base]]["diags"] if counts(d))
        exp = m.expected
        req = [e for e in exp if not e.get("optional")]
        for e in req:
            hit = any(matches(d, e) for d in r["diags"])
            per.setdefault(e["category"], {"planted": 0, "found": 0, "tp": 0, "fp": 0, "pre": 0, "allowed": 0})
            per[e["category"]]["planted"] += 1
            per_op[m.operator][1] += 1
            if hit:
                per[e["category"]]["found"] += 1
                per_op[m.operator][0] += 1
            else:
                got = [f"{d['rule']}@{d['line']}" for d in r["diags"] if d["category"] == e["category"]]
                misses[e["category"]].append(f"{m.name}: {m.note}" + (f"（该类诊断：{', '.join(got[:3])}）" if got else ""))
        for d in r["diags"]:
            if not counts(d):
                continue
            c = per.setdefault(d["category"], {"planted": 0, "found": 0, "tp": 0, "fp": 0, "pre": 0, "allowed": 0})
            if any(matches(d, e) for e in req):
                c["tp"] += 1
            elif any(matches(d, e) for e in exp):
                c["allowed"] += 1
            elif base[_sig(d)] > 0:
                base[_sig(d)] -= 1
                c["pre"] += 1
            else:
                c["fp"] += 1
                fps[d["category"]][f"{d['rule']}: {d['message'][:60]} ← {m.operator}"] += 1
    return {"n": len(muts), "seed": seed, "jobs": jobs, "elapsed": elapsed, "per": per,
            "corpus": corpus_rows(results),
            "per_op": {k: v for k, v in sorted(per_op.items())}, "misses": misses,
            "fps": {k: v.most_common(5) for k, v in fps.items()}, "clean": clean_rows, "failures": failures,
            "bases": sorted(base_paths)}


# ----------------------------------------------------------------------------- report

def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def render(res: dict) -> str:
    from checker import __version__
    from checker.diagnostics import CATEGORIES

    L = []
    L.append("# 准确率评测（召回率、精确率、干净报告误报）")
    L.append("")
    L.append("本文件由 `bench/accuracy.py` 生成，请勿手工修改（“正文数据核对”一节除外，由 crosscheck 维护）。重新生成：")
    L.append("")
    L.append("```bash")
    L.append(".venv/bin/python bench/accuracy.py            # 默认 600 个变异样本，随机种子 1")
    L.append("```")
    L.append("")
    L.append(f"- 版本：checker {__version__}，提交 {git_rev()}，生成于 {time.strftime('%Y-%m-%d %H:%M')}")
    L.append(f"- 变异样本：{res['n']} 个（`bench/mutate.py`，种子 {res['seed']}），每个样本在一份干净报告中只植入一个缺陷；"
             f"干净底稿 {len(res['bases'])} 份：{'、'.join(res['bases'])}")
    L.append(f"- 用时：{res['elapsed']:.0f} 秒（进程内调用 `lint_file`，{res['jobs']} 个进程）")
    L.append("- 判定：与 `../shared/tools/score.py` 相同——同类别、级别为 error 或 warning、诊断范围（或 related 范围）"
             "与预期行相差不超过 ±1 行即算找到。")
    L.append("")
    L.append("## 各类别召回率与精确率")
    L.append("")
    L.append(f"目标：每个类别召回率 ≥ {TARGET_RECALL:.0%}、精确率 ≥ {TARGET_PRECISION:.0%}。")
    L.append("")
    L.append("| 类别 | 植入 | 找到 | 召回率 | 命中诊断 | 新增误报 | 精确率 | 底稿原有误报 | 含原有误报的精确率 | 达标 |")
    L.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    misses_targets = []
    for c in sorted(res["per"], key=lambda c: list(CATEGORIES).index(c) if c in CATEGORIES else 99):
        v = res["per"][c]
        if not v["planted"] and not (v["tp"] + v["fp"] + v["pre"]):
            continue
        rec = v["found"] / v["planted"] if v["planted"] else None
        diag = v["tp"] + v["fp"]
        prec = v["tp"] / diag if diag else None
        prec_all = v["tp"] / (diag + v["pre"]) if diag + v["pre"] else None
        ok = (rec is None or rec >= TARGET_RECALL) and (prec is None or prec >= TARGET_PRECISION)
        if v["planted"] and not ok:
            misses_targets.append((c, rec, prec))
        L.append(f"| {c}（{CATEGORIES.get(c, '')}） | {v['planted']} | {v['found']} | {_pct(v['found'], v['planted'])} | "
                 f"{v['tp']} | {v['fp']} | {_pct(v['tp'], diag)} | {v['pre']} | {_pct(v['tp'], diag + v['pre'])} | "
                 f"{'是' if ok and v['planted'] else ('—' if not v['planted'] else '否')} |")
    tot_p = sum(v["planted"] for v in res["per"].values())
    tot_f = sum(v["found"] for v in res["per"].values())
    tot_tp = sum(v["tp"] for v in res["per"].values())
    tot_fp = sum(v["fp"] for v in res["per"].values())
    L.append(f"| **合计** | {tot_p} | {tot_f} | {_pct(tot_f, tot_p)} | {tot_tp} | {tot_fp} | {_pct(tot_tp, tot_tp + tot_fp)} | | | |")
    L.append("")
    L.append("“命中诊断”是与植入缺陷对上的诊断数（一个缺陷可能有多条诊断）；“新增误报”是变异后新出现、又对不上植入缺陷的诊断；"
             "“底稿原有误报”是干净底稿本来就有的诊断（见下文干净报告一节），单列以免一条误报被每个变异样本重复计数。"
             "变异的正当连带结果（如改动表格单元格后正文数字与表格不符而报 crosscheck）不计入精确率。")
    L.append("")
    L.append("## 各变异算子的召回率")
    L.append("")
    L.append("| 算子 | 植入 | 找到 | 召回率 |")
    L.append("|---|---:|---:|---:|")
    for op, (f_, t_) in res["per_op"].items():
        L.append(f"| {op} | {t_} | {f_} | {_pct(f_, t_)} |")
    L.append("")
    L.append("## 干净报告上的错误和警告")
    L.append("")
    clean = res["clean"]
    tot = sum(r["errors_warnings"] for r in clean)
    avg = tot / len(clean) if clean else 0.0
    L.append(f"目标：每份干净报告平均 ≤ {TARGET_CLEAN} 个错误或警告。实测：{len(clean)} 份共 {tot} 个，"
             f"平均 **{avg:.2f}** 个/份（{'达标' if avg <= TARGET_CLEAN else '未达标'}）。")
    L.append("")
    L.append("| 报告 | 错误+警告 | 诊断 |")
    L.append("|---|---:|---|")
    for r in clean:
        detail = "；".join(r["diags"][:4]).replace("|", "\\|") + ("……" if len(r["diags"]) > 4 else "")
        if r["error"]:
            detail = f"无法读取：{r['error']}"
        L.append(f"| {r['report']} | {r['errors_warnings']} | {detail} |")
    L.append("")
    if misses_targets or tot > 0:
        L.append("## 未达标之处")
        L.append("")
        for c, rec, prec in misses_targets:
            parts = []
            if rec is not None and rec < TARGET_RECALL:
                parts.append(f"召回率 {rec:.1%}，差 {TARGET_RECALL - rec:.1%}")
            if prec is not None and prec < TARGET_PRECISION:
                parts.append(f"精确率 {prec:.1%}，差 {TARGET_PRECISION - prec:.1%}")
            L.append(f"- **{c}**：{'；'.join(parts)}。")
            for s in res["misses"].get(c, [])[:3]:
                L.append(f"  - 漏报：{s}")
            for s, k in res["fps"].get(c, [])[:3]:
                L.append(f"  - 误报（{k} 次）：{s}")
        if avg > TARGET_CLEAN:
            L.append(f"- **干净报告**：平均 {avg:.2f} 个/份，超出目标 {avg - TARGET_CLEAN:.2f}；具体诊断见上表。")
        L.append("")
    rows = res.get("corpus") or []
    if rows:
        req = sum(r["required"] for r in rows)
        fnd = sum(r["found"] for r in rows)
        ext = sum(r["extra"] for r in rows)
        L.append("## 语料库回归（`tests/test_corpus.py` 的同一口径）")
        L.append("")
        L.append(f"语料库 {len(rows)} 份报告，预期缺陷 {req} 个，找到 {fnd} 个（{_pct(fnd, req)}）；"
                 f"不在预期之内的错误和警告 {ext} 个。")
        L.append("")
        L.append("| 报告 | 年度 | 单位类型 | 模板 | 版式 | 预期缺陷 | 找到 | 预期外的错误/警告 | 说明 |")
        L.append("|---|---:|---|---|---|---:|---:|---:|---|")
        for r in rows:
            why = "；".join([f"漏：{m}" for m in r["missed"][:3]] + [f"多：{u}" for u in r["unexpected"][:3]])
            if r["error"]:
                why = f"无法读取：{r['error']}"
            why = why.replace("|", "\\|")
            L.append(f"| {r['report']} | {r['year']} | {r['kind']} | {r['template']} | {r['layout']} | {r['required']} | "
                     f"{r['found']} | {r['extra']} | {why} |")
        L.append("")
    notes = ROOT / "bench" / "accuracy-notes.md"
    if notes.exists():
        L.append(notes.read_text(encoding="utf-8").rstrip())
        L.append("")
    if res["failures"]:
        L.append("## 读取失败的样本")
        L.append("")
        for f in res["failures"][:20]:
            L.append(f"- {f}")
        L.append("")
    return "\n".join(L)


def write_doc(body: str) -> None:
    """Write docs/accuracy.md, keeping the crosscheck-owned claims section as it is."""
    claims = ""
    if DOC.exists():
        old = DOC.read_text(encoding="utf-8")
        m = re.search(re.escape(CLAIMS_START) + r".*?" + re.escape(CLAIMS_END), old, re.S)
        if m:
            claims = m.group(0)
    if not claims:
        claims = f"{CLAIMS_START}\n## 正文数据核对（claims）\n\n（由 crosscheck 的脚本生成。）\n{CLAIMS_END}"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(body.rstrip() + "\n\n" + claims + "\n", encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Recall/precision on planted defects; writes docs/accuracy.md.")
    ap.add_argument("--n", type=int, default=600, help="number of mutants (default 600)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", "-j", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not rewrite docs/accuracy.md")
    ap.add_argument("--json-out", help="also write the raw result as JSON")
    ap.add_argument("--verbose", "-v", action="store_true", help="list misses and false positives")
    a = ap.parse_args(argv)
    res = run(a.n, a.seed, a.jobs, a.verbose)
    body = render(res)
    if a.verbose:
        for c, ms in sorted(res["misses"].items()):
            for s in ms:
                print(f"MISS {c}: {s}")
        for c, fs in sorted(res["fps"].items()):
            for s, k in fs:
                print(f"FP {c} x{k}: {s}")
    if a.json_out:
        Path(a.json_out).write_text(json.dumps(res, ensure_ascii=False, indent=1, default=list), encoding="utf-8")
    if not a.no_write:
        write_doc(body)
        print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)
    # short summary on stdout
    for c, v in sorted(res["per"].items()):
        if v["planted"]:
            d = v["tp"] + v["fp"]
            print(f"{c:<12} recall {_pct(v['found'], v['planted']):>7}  precision {_pct(v['tp'], d):>7}  "
                  f"({v['found']}/{v['planted']}, fp {v['fp']}, pre {v['pre']})")
    clean = res["clean"]
    tot = sum(r["errors_warnings"] for r in clean)
    print(f"clean reports: {len(clean)}, errors+warnings {tot} ({tot / max(1, len(clean)):.2f} per report)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
