"""The real published reports: every error/warning is a reviewed true defect, and every
reviewed defect is found (corpora/real-expected/<stem>.expected.json)."""
import json

import pytest

from conftest import CORPORA, REAL
from expected import diagnostic_spans, matches, resolve

EXPECTED = CORPORA / "real-expected"
REPORTS = ["hongze-2023.pdf", "huaian-2024.pdf", "stcsm-2024.md", "ceshi-2025.html"]

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpora/real is not present")


@pytest.fixture(scope="module")
def linted():
    from checker.linter import lint_file

    return {name: lint_file(str(REAL / name)) for name in REPORTS if (REAL / name).exists()}


@pytest.mark.parametrize("name", REPORTS)
def test_real_report_findings_are_all_reviewed(linted, name):
    res = linted[name]
    assert res.error is None, res.error
    exp = json.loads((EXPECTED / (name.rsplit(".", 1)[0] + ".expected.json")).read_text(encoding="utf-8"))
    expected = resolve(exp["defects"], res.doc.text, text_layout=name.endswith(".md"))
    for e in expected:
        assert e["lines"][0] > 0, f"expected snippet not in text: {e.get('find')!r}"
    found = [False] * len(expected)
    unexplained = []
    for d in res.diagnostics:
        if d.severity == "info":
            continue
        spans = diagnostic_spans(d, res.doc)
        hits = [i for i, e in enumerate(expected) if matches(d.category, d.severity, spans, e)]
        for i in hits:
            found[i] = True
        if not hits:
            unexplained.append(f"{spans[0][0]}: {d.rule} {d.message}")
    assert not unexplained, "unreviewed findings (false positives?):\n" + "\n".join(unexplained)
    missed = [e["text"] for e, hit in zip(expected, found) if not hit]
    assert not missed, f"reviewed defects not found: {missed}"
