"""Corpus regression: every report in corpora/ with a ``<stem>.expected.json`` is linted
(in-process) and must give every expected defect (same category, error or warning, a
range or related range within ±1 line of the expected lines) and no other error or
warning.  Matching follows ../shared/tools/score.py, including ``find`` snippets.

An expected defect whose rule does not exist yet is marked xfail (non-strict) one by
one, with the reason; remove the mark when the rule lands.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from conftest import CORPORA
from expected import diagnostic_spans, matches, resolve

DOC_EXTS = (".txt", ".md", ".docx", ".html", ".htm", ".pdf")
CORPUS_DIRS = (CORPORA, CORPORA / "reports")

# (stem, defect id) -> why it is expected to fail for now. Keep this list short and honest.
XFAIL: dict[tuple[str, int], str] = {}


def _cases():
    out = []
    for d in CORPUS_DIRS:
        for exp in sorted(d.glob("*.expected.json")):
            stem = exp.name[: -len(".expected.json")]
            docs = [d / f"{stem}{e}" for e in DOC_EXTS if (d / f"{stem}{e}").exists()]
            if docs:
                out.append((stem, docs[0], exp))
    return out


CASES = _cases()


@lru_cache(maxsize=None)
def _lint(path: str):
    from checker.linter import lint_file

    res = lint_file(path)
    assert res.error is None, f"{path}: {res.error}"
    return res


@lru_cache(maxsize=None)
def _expected(path: str, exp_path: str) -> list[dict]:
    """Expected defects with ``lines``/``alt_lines`` resolved against the extracted text."""
    data = json.loads(Path(exp_path).read_text(encoding="utf-8"))
    items = data["defects"] if isinstance(data, dict) else data
    out = resolve(items, _lint(path).doc.text, Path(path).suffix in (".txt", ".md"))
    for e in out:
        assert e["lines"][0] > 0, f"{Path(path).name}: snippet of defect {e['id']} not in the text: {e.get('find')!r}"
    return out


def _matches(d, doc, e) -> bool:
    return matches(d.category, d.severity, diagnostic_spans(d, doc), e)


def _defect_params():
    params = []
    for stem, doc, exp in CASES:
        data = json.loads(exp.read_text(encoding="utf-8"))
        for e in data["defects"] if isinstance(data, dict) else data:
            if e.get("optional"):
                continue
            marks = []
            why = XFAIL.get((stem, e["id"]))
            if why:
                marks.append(pytest.mark.xfail(strict=False, reason=why))
            params.append(pytest.param(str(doc), str(exp), e["id"], marks=marks,
                                       id=f"{stem}#{e['id']}-{e['category']}"))
    return params


@pytest.mark.parametrize("path,exp,defect_id", _defect_params())
def test_expected_defect_is_found(path, exp, defect_id):
    res = _lint(path)
    e = next(x for x in _expected(path, exp) if x["id"] == defect_id)
    hits = [d for d in res.diagnostics if _matches(d, res.doc, e)]
    got = [f"{d.rule}@{res.doc.position(d.start).line}" for d in res.diagnostics if d.category == e["category"]]
    assert hits, (f"{Path(path).name}: expected {e['category']} at line {e['lines']} "
                  f"({e.get('text') or e.get('find')!r}); {e['category']} diagnostics: {got}")


@pytest.mark.parametrize("path,exp", [pytest.param(str(d), str(x), id=s) for s, d, x in CASES])
def test_no_unexpected_error_or_warning(path, exp):
    res = _lint(path)
    expected = _expected(path, exp)
    extra = [d for d in res.diagnostics
             if d.severity in ("error", "warning") and not any(_matches(d, res.doc, e) for e in expected)]
    lines = [f"{res.doc.position(d.start).line}: [{d.severity}/{d.rule}] {d.message}" for d in extra]
    assert not extra, f"{Path(path).name}: unexpected diagnostics:\n" + "\n".join(lines)


def test_corpus_covers_years_kinds_layouts_and_clean_reports():
    metas = []
    for stem, doc, exp in CASES:
        data = json.loads(exp.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("meta"):
            metas.append((data["meta"], doc.suffix, data.get("kind")))
    assert len({m["year"] for m, _, _ in metas}) >= 7  # 2019..2025
    assert {"乡镇", "街道", "县区政府", "县级部门", "市政府", "省级部门"} <= {m["unit_kind"] for m, _, _ in metas}
    assert {"2019", "2021"} <= {m["template"] for m, _, _ in metas}
    assert sum(1 for _, _, k in metas if k == "clean") >= 5
    assert {".txt", ".md"} <= {s for _, s, _ in metas}


def test_lint_dir_jobs_keeps_order_and_results(tmp_path):
    """`checker lint DIR --jobs 2`: same files, same order, same diagnostics as --jobs 1."""
    from checker.linter import lint_paths

    srcs = [d for _, d, _ in CASES if d.suffix in (".txt", ".md")][:4]
    for i, s in enumerate(srcs):
        (tmp_path / f"{len(srcs) - i:02d}-{s.name}").write_bytes(s.read_bytes())
    one = lint_paths([str(tmp_path)], jobs=1)
    two = lint_paths([str(tmp_path)], jobs=2)
    assert [r.path for r in one] == sorted(r.path for r in one) == [r.path for r in two]
    key = lambda r: [(d.rule, d.start, d.end, d.message) for d in r.diagnostics]  # noqa: E731
    assert [key(r) for r in one] == [key(r) for r in two]


def test_text_output_ends_with_a_per_category_summary():
    from checker.formats import FormatOptions, get
    from checker.linter import lint_file

    stem, doc, _ = next(c for c in CASES if c[0] == "shuangqiao-jiedao-2020")
    res = lint_file(str(doc))
    out = get("text")([res], FormatOptions(color=False))
    tail = out[out.index("按类别统计："):]
    cats = {d.category for d in res.diagnostics}
    assert cats and all(f"  {c}（" in tail for c in cats)
    counts = {c: sum(1 for d in res.diagnostics if d.category == c) for c in cats}
    for c, n in counts.items():
        assert re.search(rf"  {c}（[^）]*） {n}：", tail), (c, n, tail)


def test_corpus_files_match_their_sources():
    """corpora/reports/*.txt|md and their expected files are generated from bench/corpus_src:
    a hand edit of one without the other is caught here (rebuild: bench/build_corpus.py)."""
    import sys

    sys.path.insert(0, str(CORPORA.parent / "bench"))
    import build_corpus as bc
    import yaml

    srcs = sorted(bc.SRC.glob("*.yaml"))
    assert len(srcs) >= 15
    for p in srcs:
        src = yaml.safe_load(p.read_text(encoding="utf-8"))
        ext = "md" if src["layout"] == "md" else "txt"
        b = bc.build(src)
        data = (bc.OUT / f"{p.stem}.{ext}").read_bytes()
        text = data.decode(src.get("encoding") or "utf-8").replace("\r\n", "\n")
        assert text == b.text, f"{p.stem}.{ext} differs from its source"
        exp = bc.dump_expected(bc.expected(src, b, p.stem, ext))
        assert (bc.OUT / f"{p.stem}.expected.json").read_text(encoding="utf-8") == exp, p.stem
