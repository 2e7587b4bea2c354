"""The YAML rule types: a closed set, each one class with a constructor and ``run``.

Every YAML rule has the common keys ``id``, ``type``, ``severity``, ``summary``,
``message`` and optional ``description``, ``examples`` (``wrong``/``right``),
``scope`` (``prose`` — the default —, ``heading``, ``title``, ``text``: all
paragraphs but table cells, ``all``) and ``fix`` (``safe``, ``unsafe`` or ``none``).

Types:
- ``existence``: flag every occurrence of ``tokens`` (literal strings) or
  ``pattern`` (a regex), unless an ``exceptions`` regex match covers it.
- ``substitution``: ``pairs`` of wrong → right (``right`` may be a list of
  alternatives: then no automatic fix), each optionally guarded by regexes the text
  must match right ``before``/``after`` the hit (or must not: ``not_before``/
  ``not_after``) and ``exceptions`` (a regex whose match covering the hit makes it
  correct usage). ``pairs_file`` loads more pairs from a YAML list next to the pack.
- ``repetition``: a token (jieba) or character typed twice in a row, with an
  ``allow`` list of legitimate reduplications.

Regexes use the ``regex`` module with a per-rule time budget, so a pattern that
backtracks catastrophically stops with a named timeout instead of freezing the run.
"""
from __future__ import annotations

import bisect
import itertools
import os
from typing import Any, Iterable

import regex

from ..document import Paragraph
from .registry import Context, Rule, RuleMeta, RuleTimeout
from .yamlload import PackError, line_of

COMMON_KEYS = {"id", "type", "severity", "summary", "message", "description", "examples", "scope", "fix",
               "options"}
SCOPES = {"prose", "heading", "title", "text", "all"}


def compile_regex(pattern: str, path: str, line: int | None, what: str = "pattern"):
    if not isinstance(pattern, str) or not pattern:
        raise PackError(path, line, f"{what} 必须是非空字符串")
    try:
        return regex.compile(pattern, regex.V0)
    except regex.error as e:
        raise PackError(path, line, f"无效的正则表达式 {what}“{pattern}”：{e}") from None


class _Cover:
    """Does one of these spans cover [s, e)? In O(log n): a paragraph that is a whole report
    on one line has thousands of exception matches and thousands of hits."""

    def __init__(self, spans: list[tuple[int, int]]):
        spans = sorted(spans)
        self.starts = [a for a, _ in spans]
        self.max_end = list(itertools.accumulate((b for _, b in spans), max))

    def covers(self, s: int, e: int) -> bool:
        i = bisect.bisect_right(self.starts, s) - 1
        return i >= 0 and self.max_end[i] >= e


def _regex_list(value, path: str, line: int | None) -> list:
    """``exceptions``: a list of regexes (a bare string would be read character by character)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise PackError(path, line, "exceptions 必须是正则表达式字符串的列表")
    return value


def _fmt(template: str, **kw) -> str:
    try:
        return template.format(**kw)
    except (KeyError, IndexError, ValueError):
        return template


class YamlRule(Rule):
    """Base of YAML rule types: scope selection, message formatting, regex timeouts."""

    type_name = ""
    extra_keys: set[str] = set()

    def __init__(self, spec: dict, meta: RuleMeta, path: str):
        self.spec = spec
        self.meta = meta
        self.path = path
        self.line = line_of(spec)
        self.scope = spec.get("scope", "prose")
        if self.scope not in SCOPES:
            raise PackError(path, self.line, f"scope 必须是 {'/'.join(sorted(SCOPES))} 之一")
        self.fix_mode = spec.get("fix", "safe")
        if self.fix_mode not in ("safe", "unsafe", "none"):
            raise PackError(path, self.line, "fix 必须是 safe、unsafe 或 none")
        self.message = spec.get("message") or meta.summary

    def paragraphs(self, ctx: Context) -> Iterable[Paragraph]:
        kinds = {
            "prose": {"prose"},
            "heading": {"heading"},
            "title": {"title"},
            "text": {"prose", "heading", "title"},
            "all": {"prose", "heading", "title", "table"},
        }[self.scope]
        return [p for p in ctx.doc.paragraphs if p.kind in kinds]

    def units(self, ctx: Context):
        """(text, span) pairs to match on; ``span(s, e)`` gives doc offsets. Prose is read as
        blocks (checker.prose): the lines of a paragraph wrapped by a PDF are joined, so that
        a word broken over two lines is still found."""
        if self.scope == "prose":
            from ..prose import blocks

            for b in blocks(ctx.doc):
                yield b.text, b.doc_span
        else:
            for p in self.paragraphs(ctx):
                yield p.text, (lambda s, e, _p=p: (_p.start + s, _p.start + e))

    def finditer(self, ctx: Context, rx, text: str, pos: int = 0):
        try:
            yield from rx.finditer(text, pos, timeout=ctx.remaining())
        except TimeoutError:
            raise RuleTimeout(self.meta.id) from None

    def search(self, ctx: Context, rx, text: str, pos: int = 0, endpos: int | None = None):
        try:
            return rx.search(text, pos, endpos if endpos is not None else len(text), timeout=ctx.remaining())
        except TimeoutError:
            raise RuleTimeout(self.meta.id) from None


class Existence(YamlRule):
    type_name = "existence"
    extra_keys = {"tokens", "pattern", "exceptions", "ignorecase"}

    def __init__(self, spec, meta, path):
        super().__init__(spec, meta, path)
        parts = []
        tokens = spec.get("tokens") or []
        if not isinstance(tokens, list):
            raise PackError(path, self.line, "tokens 必须是字符串列表")
        for t in tokens:
            if not isinstance(t, str) or not t:
                raise PackError(path, line_of(tokens, self.line), "tokens 中有空值或非字符串")
        if tokens:
            parts.append("|".join(regex.escape(t) for t in sorted(tokens, key=len, reverse=True)))
        if spec.get("pattern"):
            compile_regex(spec["pattern"], path, self.line)
            parts.append(spec["pattern"])
        if not parts:
            raise PackError(path, self.line, "existence 规则需要 tokens 或 pattern")
        flags = regex.IGNORECASE if spec.get("ignorecase") else 0
        self.rx = regex.compile("|".join(f"(?:{p})" for p in parts), flags | regex.V0)
        self.exceptions = [compile_regex(e, path, self.line, "exceptions")
                           for e in _regex_list(spec.get("exceptions"), path, self.line)]

    def run(self, ctx: Context) -> None:
        for text, span in self.units(ctx):
            exc_spans = _Cover([m.span() for e in self.exceptions for m in self.finditer(ctx, e, text)])
            for m in self.finditer(ctx, self.rx, text):
                s, e = m.span()
                if s == e or exc_spans.covers(s, e):
                    continue
                ctx.report(*span(s, e), _fmt(self.message, match=m.group(0)))


class Substitution(YamlRule):
    type_name = "substitution"
    extra_keys = {"pairs", "pairs_file"}
    # example/negatives: test sentences kept next to the entry (tests/test_narrative.py runs them)
    PAIR_KEYS = {"wrong", "right", "before", "after", "not_before", "not_after", "exceptions", "message", "note",
                 "severity", "fix", "example", "negatives"}

    def __init__(self, spec, meta, path):
        super().__init__(spec, meta, path)
        pairs = list(spec.get("pairs") or [])
        if spec.get("pairs_file"):
            from .yamlload import load_with_lines

            pf = os.path.join(os.path.dirname(path), spec["pairs_file"])
            loaded = load_with_lines(pf)
            if isinstance(loaded, dict):
                loaded = loaded.get("pairs")
            if not isinstance(loaded, list):
                raise PackError(pf, None, "pairs_file 必须是一个列表（或含 pairs: 列表的映射）")
            pairs += [(pf, p) for p in loaded]
        if not pairs:
            raise PackError(path, self.line, "substitution 规则需要 pairs 或 pairs_file")
        self.pairs: dict[str, list[dict]] = {}
        for item in pairs:
            src = path
            if isinstance(item, tuple):
                src, item = item
            self._add_pair(item, src)
        words = sorted(self.pairs, key=len, reverse=True)
        self.rx = regex.compile("|".join(regex.escape(w) for w in words))

    def _add_pair(self, item: Any, src: str):
        line = line_of(item, self.line)
        if not isinstance(item, dict):
            raise PackError(src, line, "pairs 的每一项必须是映射（wrong/right …）")
        unknown = set(item) - self.PAIR_KEYS
        if unknown:
            raise PackError(src, line, f"未知的键：{', '.join(sorted(map(str, unknown)))}")
        wrong, right = item.get("wrong"), item.get("right")
        if not isinstance(wrong, str) or not wrong:
            raise PackError(src, line, "pairs 项缺少 wrong（错误写法）")
        if isinstance(right, str):
            rights = [right]
        elif isinstance(right, list) and right and all(isinstance(r, str) for r in right):
            rights = list(right)
        else:
            raise PackError(src, line, f"“{wrong}”缺少 right（正确写法，字符串或字符串列表）")
        entry = {
            "wrong": wrong,
            "rights": rights,
            "message": item.get("message"),
            "note": item.get("note"),
            "severity": item.get("severity"),
            "fix": item.get("fix", self.fix_mode),
        }
        for key in ("message", "note"):
            if entry[key] is not None and not isinstance(entry[key], str):
                raise PackError(src, line, f"“{wrong}”的 {key} 必须是字符串")
        if entry["fix"] not in ("safe", "unsafe", "none"):
            raise PackError(src, line, "fix 必须是 safe、unsafe 或 none")
        if entry["severity"] not in (None, "error", "warning", "info"):
            raise PackError(src, line, "severity 必须是 error、warning 或 info")
        for key in ("before", "after", "not_before", "not_after"):
            if item.get(key) is not None:
                anchor = f"(?:{item[key]})$" if "before" in key else f"^(?:{item[key]})"
                compile_regex(item[key], src, line, key)
                entry[key] = regex.compile(anchor)
        entry["exceptions"] = [compile_regex(e, src, line, "exceptions")
                               for e in _regex_list(item.get("exceptions"), src, line)]
        self.pairs.setdefault(wrong, []).append(entry)

    def _applies(self, ctx: Context, entry: dict, text: str, s: int, e: int, exc_cache: dict) -> bool:
        before = text[max(0, s - 30):s]
        after = text[e:e + 30]
        if "before" in entry and not self.search(ctx, entry["before"], before):
            return False
        if "after" in entry and not self.search(ctx, entry["after"], after):
            return False
        if "not_before" in entry and self.search(ctx, entry["not_before"], before):
            return False
        if "not_after" in entry and self.search(ctx, entry["not_after"], after):
            return False
        for exc in entry["exceptions"]:
            spans = exc_cache.get(exc.pattern)
            if spans is None:
                spans = exc_cache[exc.pattern] = _Cover([m.span() for m in self.finditer(ctx, exc, text)])
            if spans.covers(s, e):
                return False
        return True

    def run(self, ctx: Context) -> None:
        for text, span in self.units(ctx):
            exc_cache: dict = {}
            for m in self.finditer(ctx, self.rx, text):
                s, e = m.span()
                for entry in self.pairs[m.group(0)]:
                    if not self._applies(ctx, entry, text, s, e, exc_cache):
                        continue
                    right = "”或“".join(entry["rights"])
                    msg = entry["message"] or self.message
                    msg = _fmt(msg, match=m.group(0), wrong=entry["wrong"], right=right,
                               note=entry["note"] or "")
                    if entry["note"] and "{note}" not in (entry["message"] or self.message):
                        msg = f"{msg}（{entry['note']}）"
                    fixable = len(entry["rights"]) == 1 and entry["fix"] != "none"
                    ds, de = span(s, e)
                    # a hit across a line break: replacing it would join the lines
                    one_line = "\n" not in ctx.doc.text[ds:de]
                    ctx.report(ds, de, msg,
                               replacement=entry["rights"][0] if fixable else None,
                               safe=entry["fix"] == "safe" and one_line, severity=entry["severity"])
                    break


class Repetition(YamlRule):
    type_name = "repetition"
    extra_keys = {"allow", "chars", "min_token_chars"}

    def __init__(self, spec, meta, path):
        super().__init__(spec, meta, path)
        allow = spec.get("allow") or []
        if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
            raise PackError(path, self.line, "allow 必须是字符串列表")
        self.allow = set(allow)
        chars = spec.get("chars") or []
        if not isinstance(chars, list) or not all(isinstance(c, str) and len(c) == 1 for c in chars):
            raise PackError(path, self.line, "chars 必须是单字列表")
        self.chars = set(chars)
        self.min_token_chars = spec.get("min_token_chars", 2)
        if not isinstance(self.min_token_chars, int) or isinstance(self.min_token_chars, bool) \
                or self.min_token_chars < 1:
            raise PackError(path, self.line, "min_token_chars 必须是正整数")
        self.cjk = regex.compile(r"^\p{Han}+$")

    def run(self, ctx: Context) -> None:
        from ..nlp import tokenize

        for p in self.paragraphs(ctx):
            if not self._maybe(p.text):
                continue
            # a long paragraph is segmented piece by piece within the time budget, and what was
            # found before a timeout is kept
            for base, seg in _segments(p.text):
                if seg is not p.text:
                    ctx.remaining()
                    if not self._maybe(seg):
                        continue
                self._scan(ctx, p, base, tokenize(seg))

    def _scan(self, ctx: Context, p: Paragraph, base: int, toks) -> None:
        i = 0
        while i + 1 < len(toks):
            a, b = toks[i], toks[i + 1]
            if a.text == b.text and a.end == b.start and self.cjk.match(a.text):
                doubled = a.text + b.text
                single_ok = len(a.text) >= self.min_token_chars or a.text in self.chars
                s, e = base + a.start, base + b.end
                if single_ok and doubled not in self.allow and not self._allowed_in_context(p.text, s, e):
                    ctx.report(p.start + s, p.start + e,
                               _fmt(self.message, match=doubled, word=a.text),
                               fix=None if self.fix_mode == "none" else _delete(p.start + base + a.end,
                                                                                p.start + e,
                                                                                self.fix_mode == "safe"))
                    i += 2
                    continue
            i += 1

    def _allowed_in_context(self, text: str, s: int, e: int) -> bool:
        return any(a in text[max(0, s - 2):e + 2] and len(a) > e - s for a in self.allow)

    _DOUBLED = regex.compile(r"(\p{Han}{1,6})\1")

    @classmethod
    def _maybe(cls, text: str) -> bool:
        """Cheap pre-filter before segmenting: some run of Han characters repeats at once."""
        return cls._DOUBLED.search(text) is not None


_SEGMENT = regex.compile(r"[^。！？；!?;\n]{1,5000}[。！？；!?;]*|[。！？；!?;\n]+")


def _segments(text: str, limit: int = 5000):
    """A long paragraph as sentence-sized pieces (jieba segments each run of Han text on its
    own, so cutting after sentence-final punctuation does not change the tokens); a short
    paragraph whole."""
    if len(text) <= limit:
        yield 0, text
        return
    for m in _SEGMENT.finditer(text):
        yield m.start(), m.group(0)


def _delete(start: int, end: int, safe: bool):
    from ..diagnostics import Edit, Fix

    return Fix([Edit(start, end, "")], safe=safe)


TYPES: dict[str, type[YamlRule]] = {cls.type_name: cls for cls in (Existence, Substitution, Repetition)}
