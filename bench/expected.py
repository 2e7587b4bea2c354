"""Expected-findings files (``<stem>.expected.json``): resolving and matching.

One implementation of the rules of ``../shared/tools/score.py`` — a ``find``
snippet becomes the lines it covers in the extracted text; a diagnostic matches an
expected defect when the category is the same, the severity is error or warning,
and one of its line spans (or related spans) lies within ±1 line of the expected
lines or an alternative. Used by bench/accuracy.py and by the corpus tests.
"""
from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def where(text: str, snippet: str, nth: int = 1) -> list[int] | None:
    """[first line, last line] (1-based) of the nth occurrence of ``snippet``, or None."""
    i = -1
    for _ in range(max(1, int(nth))):
        i = text.find(snippet, i + 1)
        if i < 0:
            return None
    return [text.count("\n", 0, i) + 1, text.count("\n", 0, i + len(snippet)) + 1]


def resolve(expected: list[dict], text: str, text_layout: bool) -> list[dict]:
    """Copies of the expected defects with ``lines``/``alt_lines`` resolved against ``text``.
    A snippet that is not in the text resolves to ``[-10, -10]`` (nothing can match it).
    Line-number alternatives only make sense for text layouts, where lines are the file's."""
    out = []
    for e in expected:
        e = dict(e)
        if "find" in e:
            w = where(text, e["find"], e.get("nth", 1)) or [-10, -10]
            if w[0] > 0 and e.get("extend"):
                w = [w[0], w[1] + int(e["extend"])]
            alt = [x for x in (where(text, f) for f in e.get("alt_find") or []) if x]
            if text_layout:
                alt += [a for a in e.get("alt_lines") or [] if a not in alt]
            e["lines"], e["alt_lines"] = w, alt
        out.append(e)
    return out


def diagnostic_spans(d, doc) -> list[tuple[int, int]]:
    """Line spans of a Diagnostic and of its related ranges in the same document."""
    def span(s: int, e: int) -> tuple[int, int]:
        return doc.position(s).line, doc.position(max(s, e - 1)).line

    return [span(d.start, d.end)] + [span(r.start, r.end) for r in d.related if r.path in (None, doc.path)]


def matches(category: str, severity: str, spans, e: dict) -> bool:
    if category != e["category"].lower() or severity not in ("error", "warning"):
        return False
    targets = [e["lines"], *(e.get("alt_lines") or [])]
    return any(a <= t[1] + 1 and t[0] - 1 <= b for a, b in spans for t in targets)


def git_rev() -> str:
    """Short commit id, marked when the work tree has uncommitted changes."""
    try:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
        return r.stdout.strip() + ("（工作区有未提交的改动）" if dirty.strip() else "")
    except OSError:
        return "?"
