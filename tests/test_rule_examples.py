"""Every rule documents itself with wrong/right examples, and the examples are tests."""
import pytest

from checker.engine.packs import load_rules
from conftest import lint_text

RULES = load_rules()


def test_every_rule_is_documented():
    for rid, r in RULES.items():
        m = r.meta
        assert m.summary, rid
        assert m.doc, f"{rid} has no documentation"
        assert m.wrong and m.right, f"{rid} needs wrong and right examples"
        assert rid.split(".")[0] == m.category


@pytest.mark.parametrize("rid", sorted(RULES))
def test_wrong_examples_fire_and_right_examples_do_not(rid):
    for s in RULES[rid].meta.wrong:
        res = lint_text(s, select=rid)
        assert any(d.rule == rid for d in res.diagnostics), f"{rid} missed: {s}"
    for s in RULES[rid].meta.right:
        res = lint_text(s, select=rid)
        assert not [d for d in res.diagnostics if d.rule == rid], f"{rid} false alarm: {s}"
