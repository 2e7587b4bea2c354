"""The real published reports: every error/warning is a reviewed true defect, and every
reviewed defect is found (corpora/real-expected/<stem>.expected.json)."""
import json

import pytest

from conftest import CORPORA, REAL

EXPECTED = CORPORA / "real-expected"
REPORTS = ["hongze-2023.pdf", "huaian-2024.pdf", "stcsm-2024.md", "ceshi-2025.html"]

pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/corpora/real is not present")


def _expected_spans(exp: dict, text: str):
    out = []
    for e in exp["defects"]:
        if "find" in e:
            i = -1
            for _ in range(int(e.get("nth", 1))):
                i = text.find(e["find"], i + 1)
            assert i >= 0, f"expected snippet not in text: {e['find']!r}"
            lines = [text.count("\n", 0, i) + 1, text.count("\n", 0, i + len(e["find"])) + 1]
        else:
            lines = e["lines"]
        out.append((e, [lines, *e.get("alt_lines", [])]))
    return out


@pytest.fixture(scope="module")
def linted():
    from checker.linter import lint_file

    return {name: lint_file(str(REAL / name)) for name in REPORTS if (REAL / name).exists()}


@pytest.mark.parametrize("name", REPORTS)
def test_real_report_findings_are_all_reviewed(linted, name):
    res = linted[name]
    assert res.error is None, res.error
    exp = json.loads((EXPECTED / (name.rsplit(".", 1)[0] + ".expected.json")).read_text(encoding="utf-8"))
    spans = _expected_spans(exp, res.doc.text)
    found = {id(e): False for e, _ in spans}
    unexplained = []
    for d in res.diagnostics:
        if d.severity == "info":
            continue
        a = res.doc.position(d.start).line
        b = res.doc.position(d.end).line
        hit = False
        for e, alts in spans:
            if e["category"] == d.category and any(a <= hi + 1 and b >= lo - 1 for lo, hi in alts):
                found[id(e)] = hit = True
        if not hit:
            unexplained.append(f"{a}: {d.rule} {d.message}")
    assert not unexplained, "unreviewed findings (false positives?):\n" + "\n".join(unexplained)
    missed = [e["text"] for e, _ in spans if not found[id(e)]]
    assert not missed, f"reviewed defects not found: {missed}"
