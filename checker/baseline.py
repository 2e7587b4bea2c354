"""Baseline files: accept the known findings of old reports, keep failing on new ones.

``checker lint --write-baseline FILE`` records every current finding;
``checker lint --baseline FILE`` drops the findings recorded there. A finding is
keyed by its file (relative to the baseline's folder), its rule and a
fingerprint of the flagged text plus a few characters around it on the same
line, normalised (NFKC, whitespace removed) — not by line or column, so edits
elsewhere in the report do not resurrect known findings, while a new
occurrence of the same mistake in a new place is reported. Identical findings
are counted: a baseline holding one “涉及涉及” hides one, not two.

File format (JSON)::

    {"version": 1, "tool": "checker",
     "findings": [{"path": "2020/年报.txt", "rule": "repetition.word",
                   "fingerprint": "…", "text": "涉及涉及", "message": "…"}]}

``text`` and ``message`` are for humans reading the file; only path, rule and
fingerprint are matched.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

VERSION = 1
CONTEXT = 8  # normalised characters of context on each side
_WS = re.compile(r"\s+")


def normalise(s: str) -> str:
    return _WS.sub("", unicodedata.normalize("NFKC", s))


def fingerprint(d, doc) -> str:
    """Stable fingerprint of a diagnostic: rule + normalised flagged text + a little context."""
    text = doc.text if doc is not None else ""
    start, end = d.start, d.end
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    flagged = normalise(text[start:end])
    before = normalise(text[line_start:start])[-CONTEXT:]
    after = normalise(text[end:max(end, line_end)])[:CONTEXT]
    h = hashlib.sha256("\x00".join((d.rule, flagged, before, after)).encode("utf-8"))
    return h.hexdigest()[:24]


def _rel(path: str, base_dir: str) -> str:
    ap = os.path.abspath(path)
    try:
        rel = os.path.relpath(ap, base_dir)
    except ValueError:  # another drive on Windows
        rel = ap
    return rel.replace(os.sep, "/")


def _key(rel: str, rule: str, fp: str) -> tuple[str, str, str]:
    return (rel, rule, fp)


@dataclass
class BaselineStats:
    suppressed: int = 0  # findings hidden because the baseline knows them
    stale: int = 0  # baseline entries no longer found (fixed since)


def write_baseline(path: str, results) -> int:
    """Record every current finding of ``results`` in ``path``; returns their number."""
    from .fixes import atomic_write_text

    base_dir = os.path.dirname(os.path.abspath(path))
    findings = []
    for r in results:
        if r.error or r.doc is None:
            continue
        rel = _rel(r.path, base_dir)
        for d in r.diagnostics:
            findings.append({
                "path": rel,
                "rule": d.rule,
                "fingerprint": fingerprint(d, r.doc),
                "text": r.doc.text[d.start:d.end],
                "message": d.message,
            })
    findings.sort(key=lambda f: (f["path"], f["rule"], f["fingerprint"], f["text"]))
    data = {"version": VERSION, "tool": "checker",
            "description": "checker 基线：这些已知问题不再使退出码为 1（checker lint --baseline 本文件）。",
            "findings": findings}
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return len(findings)


def read_baseline(path: str) -> Counter:
    """The multiset of (path, rule, fingerprint) keys in a baseline file.

    Raises OSError when it cannot be read and ValueError (Chinese message) when it is not a baseline."""
    with open(path, encoding="utf-8-sig") as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise ValueError(f"不是有效的JSON（第{e.lineno}行：{e.msg}）") from None
    if not isinstance(data, dict) or "findings" not in data:
        raise ValueError("不是 checker 基线文件（缺少 findings）")
    version = data.get("version")
    if version != VERSION:
        raise ValueError(f"不支持的基线版本 {version!r}（本版本的 checker 读写版本 {VERSION}）")
    keys: Counter = Counter()
    findings = data["findings"]
    if not isinstance(findings, list):
        raise ValueError("findings 必须是列表")
    for i, f in enumerate(findings):
        if not isinstance(f, dict) or not all(isinstance(f.get(k), str) for k in ("path", "rule", "fingerprint")):
            raise ValueError(f"第 {i + 1} 条记录缺少 path、rule 或 fingerprint")
        keys[_key(f["path"], f["rule"], f["fingerprint"])] += 1
    return keys


def apply_baseline(path: str, results) -> BaselineStats:
    """Drop from ``results`` (in place) the findings recorded in the baseline ``path``."""
    known = read_baseline(path)
    base_dir = os.path.dirname(os.path.abspath(path))
    stats = BaselineStats()
    seen: set[str] = set()
    for r in results:
        if r.error or r.doc is None:
            continue
        rel = _rel(r.path, base_dir)
        seen.add(rel)
        kept = []
        for d in r.diagnostics:
            k = _key(rel, d.rule, fingerprint(d, r.doc))
            if known[k] > 0:
                known[k] -= 1
                stats.suppressed += 1
            else:
                kept.append(d)
        r.diagnostics = kept
    stats.stale = sum(n for (p, _, _), n in known.items() if n > 0 and p in seen)
    return stats
