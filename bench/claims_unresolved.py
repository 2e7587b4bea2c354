#!/usr/bin/env python3
"""The claims ledger on real reports: how many narrative figures are verified, mismatched
or left unresolved, and the unresolved share; written into the claims section of
docs/accuracy.md (between ``<!-- claims:start -->`` and ``<!-- claims:end -->``; the rest
of the file belongs to bench/accuracy.py and is left as it is).

    .venv/bin/python bench/claims_unresolved.py               # real reports + project corpora, writes the doc
    .venv/bin/python bench/claims_unresolved.py --no-write -v # print, list every unresolved claim
    .venv/bin/python bench/claims_unresolved.py some/report.pdf other/dir

Real reports are read from ../shared/corpora/real/ (skipped when absent); the project's
own corpora (corpora/reports, corpora/claims, the example) are counted in a second table.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
REAL = ROOT.parent / "shared" / "corpora" / "real"
DOC = ROOT / "docs" / "accuracy.md"
START, END = "<!-- claims:start -->", "<!-- claims:end -->"
EXTS = (".txt", ".md", ".docx", ".html", ".htm", ".pdf")
STATUSES = ("verified", "mismatch", "unresolved")


def report_files(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += sorted(q for q in p.iterdir() if q.suffix.lower() in EXTS and not q.name.startswith("README")
                          and "blank" not in q.stem)
        elif p.exists():
            out.append(p)
    return out


def ledger(path: Path) -> dict:
    from checker.config import Config, Overrides
    from checker.linter import lint_document
    from checker.readers import ReaderError, read_document

    try:
        doc = read_document(str(path))
    except ReaderError as e:
        return {"path": path, "error": str(e)}
    cfg = Overrides(select=("crosscheck.mismatch", "crosscheck.percentage")).apply(Config())
    res = lint_document(doc, cfg)
    counts = Counter(c.status for c in res.claims)
    unresolved = [(doc.position(c.start).line, c.text, c.note or "") for c in res.claims if c.status == "unresolved"]
    claims = [{"text": c.text, "line": doc.position(c.start).line, "cell": c.cell, "value": c.narrative_value,
               "status": c.status, **({"note": c.note} if c.note else {})} for c in res.claims]
    mismatches = [(doc.position(d.start).line, d.message) for d in res.diagnostics]
    return {"path": path, "counts": counts, "unresolved": unresolved, "mismatches": mismatches,
            "tables": [t.name for t in doc.tables], "claims": claims}


def record(r: dict) -> Path:
    """Merge the ledger of a real report into corpora/real-expected/<stem>.expected.json.

    Only the ``claims`` list is replaced; ``defects`` and every other key written by
    others are kept. Run it after reviewing the ledger against the report."""
    import json

    out = ROOT / "corpora" / "real-expected" / f"{r['path'].stem}.expected.json"
    if not out.exists() and not r["claims"]:
        return out  # nothing to record; do not create a file that looks like a full review
    data = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    data.setdefault("file", r["path"].name)
    data.setdefault("defects", [])
    data["claims"] = r["claims"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return out


def table(rows: list[dict], title: str) -> list[str]:
    L = [f"### {title}", "", "| 报告 | 识别到的表 | 正文数字 | 一致 | 不一致 | 未能对应 | 未能对应占比 |",
         "|---|---|---:|---:|---:|---:|---:|"]
    tot = Counter()
    for r in rows:
        name = r["path"].name
        if "error" in r:
            L.append(f"| {name} | 无法读取：{r['error']} | | | | | |")
            continue
        c = r["counts"]
        n = sum(c[s] for s in STATUSES)
        tot.update(c)
        share = f"{c['unresolved'] / n:.0%}" if n else "—"
        L.append(f"| {name} | {'、'.join(r['tables']) or '无'} | {n} | {c['verified']} | {c['mismatch']} | "
                 f"{c['unresolved']} | {share} |")
    n = sum(tot[s] for s in STATUSES)
    share = f"{tot['unresolved'] / n:.1%}" if n else "—"
    L.append(f"| **合计** | | **{n}** | **{tot['verified']}** | **{tot['mismatch']}** | **{tot['unresolved']}** | "
             f"**{share}** |")
    L.append("")
    return L


def render(real: list[dict], project: list[dict]) -> str:
    L = [START, "## 正文数据核对（claims）", "",
         "由 `bench/claims_unresolved.py` 生成。正文中关于表格的每个数字（收到、办结、予以公开、行政复议……）"
         "按 `rules/claims.yaml` 对应到表格单元格后核对：一致、不一致（报 `crosscheck.mismatch`/"
         "`crosscheck.percentage`），或未能唯一对应到单元格（只列入核对清单，不报错）。", ""]
    if real:
        L += table(real, "真实报告（../shared/corpora/real）")
        unres = [(r["path"].name, u) for r in real if "unresolved" in r for u in r["unresolved"]]
        if unres:
            L += ["未能对应的数字：", ""]
            L += [f"- {name} 第{ln}行“{text}”：{note}" for name, (ln, text, note) in unres]
            L.append("")
        mism = [(r["path"].name, m) for r in real if "mismatches" in r for m in r["mismatches"]]
        L += ["报出的不一致：" + ("无。" if not mism else ""), ""]
        L += [f"- {name} 第{ln}行：{msg}" for name, (ln, msg) in mism]
        if mism:
            L.append("")
    if project:
        L += table(project, "项目语料（corpora/）")
    L.append(END)
    return "\n".join(L)


def write_section(section: str) -> None:
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    pat = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if pat.search(old):
        new = pat.sub(lambda _: section, old, count=1)
    else:
        new = (old.rstrip() + "\n\n" if old.strip() else "# 准确率\n\n") + section + "\n"
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(new, encoding="utf-8")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Share of narrative claims left unresolved; writes docs/accuracy.md.")
    ap.add_argument("paths", nargs="*", help="reports or folders (default: the real reports and the project corpora)")
    ap.add_argument("--no-write", action="store_true", help="print only")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every unresolved claim")
    ap.add_argument("--record", action="store_true",
                    help="merge the reviewed ledger of each real report into corpora/real-expected/<stem>.expected.json")
    a = ap.parse_args(argv)
    if a.paths:
        real = [ledger(p) for p in report_files([Path(p) for p in a.paths])]
        project: list[dict] = []
    else:
        real = [ledger(p) for p in report_files([REAL])] if REAL.is_dir() else []
        project = [ledger(p) for p in report_files([ROOT / "corpora" / "reports", ROOT / "corpora" / "claims",
                                                    ROOT / "corpora" / "heizhuanghu-2020.txt"])]
    section = render(real, project)
    print(section)
    if a.verbose:
        for r in real + project:
            for ln, text, note in r.get("unresolved", []):
                print(f"{r['path']}:{ln}: “{text}” {note}", file=sys.stderr)
    if a.record:
        for r in real:
            if "claims" in r:
                out = record(r)
                if out.exists():
                    print(f"已记录 {os.path.relpath(out)}", file=sys.stderr)
    if not a.no_write and not a.paths:
        write_section(section)
        print(f"已写入 {os.path.relpath(DOC)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
