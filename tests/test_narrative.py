"""Narrative rules, driven by test cases as data (tests/cases/*.yaml).

Each case file is a list of entries::

    - rule: date.malformed          # the rule under test (only it is run)
      preamble: "…乡人民政府\\n2020年政府信息公开工作年度报告\\n"   # optional, put before every text
      fail:                         # each must produce >= 1 diagnostic of the rule
        - 本报告所列数据的统计期限，自2020月1日起至12月31日止。
        - {text: "…", find: "2020月1日", fix: "…"}   # find: a flagged snippet; fix: text after safe fixes
      pass:                         # each must produce none
        - …

Every rule of the narrative categories needs at least five ``fail`` and five ``pass``
sentences. The typo dictionaries are also tested entry by entry: every wrong form
fires with its fix, and every right form (in the same sentence) fires nothing.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.engine.packs import load_rules
from checker.fixes import apply_edits
from conftest import ROOT, lint_text

CASES_DIR = ROOT / "tests" / "cases"
# one case file per category: tests/cases/<category>.yaml
NARRATIVE = ("duplicate", "repetition", "date", "numbering", "typo", "punctuation", "consistency", "style")


def _load_cases():
    out = []
    for f in sorted(CASES_DIR.glob("*.yaml")):
        if f.stem not in NARRATIVE:  # other files there belong to other test modules
            continue
        for entry in yaml.safe_load(f.read_text(encoding="utf-8")) or []:
            entry["_file"] = f.name
            out.append(entry)
    return out


CASES = _load_cases()


def _items(entry, kind):
    for i, it in enumerate(entry.get(kind) or []):
        if isinstance(it, str):
            it = {"text": it}
        yield i, it


def _params(kind):
    ps = []
    for entry in CASES:
        for i, it in _items(entry, kind):
            ps.append(pytest.param(entry, it, id=f"{entry['rule']}-{kind}-{i}"))
    return ps


def _run(entry, it):
    pre = entry.get("preamble", "")
    text = pre + it["text"]
    res = lint_text(text, select=entry["rule"])
    assert not res.notes, res.notes
    return pre, text, [d for d in res.diagnostics if d.rule == entry["rule"]]


@pytest.mark.parametrize("entry,it", _params("fail"))
def test_fail_cases_fire(entry, it):
    pre, text, diags = _run(entry, it)
    diags = [d for d in diags if d.end > len(pre)]
    assert diags, f"{entry['rule']} missed: {it['text']}"
    if it.get("find"):
        at = text.index(it["find"], len(pre))
        assert any(d.start <= at + len(it["find"]) and at <= d.end for d in diags), \
            f"{entry['rule']} did not point at “{it['find']}”: {[text[d.start:d.end] for d in diags]}"
    if "fix" in it:
        edits = [e for d in diags if d.fix and d.fix.safe for e in d.fix.edits]
        assert apply_edits(text, edits) == pre + it["fix"]
    for d in diags:
        assert d.message and any("\u4e00" <= c <= "\u9fff" for c in d.message)


@pytest.mark.parametrize("entry,it", _params("pass"))
def test_pass_cases_are_silent(entry, it):
    pre, text, diags = _run(entry, it)
    assert not diags, f"{entry['rule']} false alarm on “{it['text']}”: " + "; ".join(
        f"{text[d.start:d.end]} {d.message}" for d in diags)


def test_every_narrative_rule_has_enough_cases():
    counts: dict[str, list[int]] = {}
    for entry in CASES:
        c = counts.setdefault(entry["rule"], [0, 0])
        c[0] += len(entry.get("fail") or [])
        c[1] += len(entry.get("pass") or [])
    rules = load_rules()
    mine = tuple(f"checker.checks.{c}." for c in NARRATIVE)
    for rid in rules:
        src = rules[rid].meta.source
        if not (src.startswith(mine) or any(f"packs/{c}.yaml" in src.replace("\\", "/") for c in NARRATIVE)):
            continue
        assert rid in counts, f"{rid} has no test cases in tests/cases/"
        f, p = counts[rid]
        assert f >= 5 and p >= 5, f"{rid}: {f} fail / {p} pass cases, need at least 5 each"


# ---------------------------------------------------------------- typo dictionaries, entry by entry

DICTS = ROOT / "rules" / "dictionaries"


def _dict_entries():
    out = []
    for name, rid in (("typos-common.yaml", "typo.common"), ("typos-context.yaml", "typo.context")):
        for item in yaml.safe_load((DICTS / name).read_text(encoding="utf-8")):
            out.append(pytest.param(rid, item, id=f"{rid}:{item['wrong']}"))
    return out


DICT_ENTRIES = _dict_entries()


def test_dictionary_size():
    assert len(DICT_ENTRIES) >= 150


@pytest.mark.parametrize("rid,item", DICT_ENTRIES)
def test_dictionary_entry(rid, item):
    """Every entry's wrong sentence (its ``example``, else a neutral sentence) fires with the fix;
    the corrected sentence and every ``negatives`` sentence fire no typo rule."""
    wrong_text = item.get("example") or f"在政务公开工作中，有关情况{item['wrong']}。"
    assert item["wrong"] in wrong_text
    res = lint_text(wrong_text, select=rid)
    hits = [d for d in res.diagnostics if d.rule == rid and wrong_text[d.start:d.end] == item["wrong"]]
    assert hits, f"{item['wrong']} did not fire in “{wrong_text}”"
    right = item["right"] if isinstance(item["right"], str) else item["right"][0]
    fixed = wrong_text.replace(item["wrong"], right, 1)
    if isinstance(item["right"], str) and item.get("fix", "safe") != "none":
        assert hits[0].fix is not None and apply_edits(wrong_text, hits[0].fix.edits) == fixed
    res = lint_text(fixed, select="typo.common,typo.context")
    assert not res.diagnostics, f"false alarm on the corrected “{fixed}”: {[d.message for d in res.diagnostics]}"
    for neg in item.get("negatives") or []:
        res = lint_text(neg, select="typo.common,typo.context")
        assert not res.diagnostics, f"false alarm on “{neg}”: {[d.message for d in res.diagnostics]}"


def test_dictionaries_silent_on_real_prose():
    """No typo entry fires on the clean narrative of the example report and the real reports."""
    from conftest import SEED

    text = Path(SEED).read_text(encoding="utf-8").replace("现定时限", "规定时限")
    res = lint_text(text, select="typo.common,typo.context")
    assert not res.diagnostics, [(d.message) for d in res.diagnostics]


# ---------------------------------------------------------------- the NLP helpers and prose blocks

def test_sentence_splitting():
    from checker.nlp import sentences

    t = ("统计期限,自2020年1月1日起至2020年12月31日止。电子版可登录“朝阳区（“北京·朝阳”）"
         "http://www.bjchy.gov.cn/?a=1下载”查阅！一是甲；二是乙？他说：“好。”然后")
    got = [t[s:e] for s, e in sentences(t)]
    assert got == ["统计期限,自2020年1月1日起至2020年12月31日止。",
                   "电子版可登录“朝阳区（“北京·朝阳”）http://www.bjchy.gov.cn/?a=1下载”查阅！",
                   "一是甲；二是乙？", "他说：“好。”", "然后"]
    u = "一是甲；二是乙。"
    assert [u[s:e] for s, e in sentences(u, semicolons=True)] == ["一是甲；", "二是乙。"]


def test_tokens_use_the_domain_dictionary():
    from checker.nlp import tokenize

    words = [t.text for t in tokenize("依申请公开的政府信息公开申请已结转下年度办理")]
    assert "依申请公开" in words and "政府信息公开申请" in words and "结转下年度" in words


def test_blocks_join_wrapped_lines_and_skip_page_numbers():
    from checker.prose import blocks
    from checker.readers import document_from_text

    text = ("某某区人民政府\n2023年政府信息公开工作年度报告\n一、总体情况\n报告中所列数据统计期限自 2023 年 1 月 1 日\n"
            "起至 2023 年 12 月 31 日止。如有疑问请与区政府办公室联\n- 1 -\n系。\n\n第二段。")
    doc = document_from_text(text, "x.txt")
    bs = blocks(doc)
    assert [b.text for b in bs] == ["报告中所列数据统计期限自 2023 年 1 月 1 日起至 2023 年 12 月 31 日止。如有疑问请与区政府办公室联系。",
                                    "第二段。"]
    b = bs[0]
    i = b.text.index("起至")
    s, e = b.doc_span(i, i + 2)
    assert doc.text[s:e] == "起至"
    # a structured format keeps one paragraph per line
    assert len(blocks(document_from_text(text, "x.html", fmt="html"))) == 4


def test_wrapped_typo_is_found_but_its_fix_is_unsafe():
    res = lint_text("五、存在的主要问题及改进情况\n三是重新涉\n及部门网站政务公开栏目。", select="typo.context")
    d = [d for d in res.diagnostics if d.rule == "typo.context"]
    assert d and d[0].fix is not None and not d[0].fix.safe


def test_seed_narrative_findings():
    from checker.linter import lint_file
    from conftest import SEED

    res = lint_file(str(SEED))
    cats = {"duplicate", "repetition", "date", "numbering", "typo", "punctuation", "consistency", "style"}
    got = sorted((d.category, res.doc.position(d.start).line) for d in res.diagnostics
                 if d.category in cats and d.severity != "info")
    assert got == [("consistency", 12), ("consistency", 32), ("date", 442), ("duplicate", 32), ("numbering", 435),
                   ("punctuation", 4), ("punctuation", 442), ("repetition", 437), ("typo", 435)]
    date = next(d for d in res.diagnostics if d.category == "date")
    assert date.fix.safe and res.doc.text[date.start:date.end] == "2020月1日起至12月31日"
    assert date.fix.replacement == "2020年1月1日起至2020年12月31日"
    dup = next(d for d in res.diagnostics if d.category == "duplicate")
    assert res.doc.position(dup.related[0].start).line == 12
