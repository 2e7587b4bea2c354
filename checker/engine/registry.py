"""Rules, their metadata, the context they run in, and the registry of code rules.

A code rule is a function decorated with ``@rule`` in a module under
``checker/checks/`` named after its category; its docstring is the
documentation that ``checker rule ID``, SARIF and the LSP hover show.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..diagnostics import CATEGORIES, SEVERITIES, Claim, Diagnostic, Edit, Fix, Related
from ..document import Document

RULE_ID = re.compile(r"^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass
class RuleMeta:
    id: str
    severity: str
    summary: str  # one line, Chinese
    doc: str = ""  # full explanation, Chinese
    wrong: list[str] = field(default_factory=list)
    right: list[str] = field(default_factory=list)
    pack: str = "builtin"
    source: str = ""  # module or file:line where the rule is defined
    fixable: bool = False
    options: dict[str, Any] = field(default_factory=dict)  # defaults

    @property
    def category(self) -> str:
        return self.id.split(".", 1)[0]


class RuleTimeout(Exception):
    pass


class Context:
    """What a rule gets: the document, its options, and ways to report."""

    def __init__(self, doc: Document, meta: RuleMeta, options: dict | None = None, severity: str | None = None,
                 time_limit: float = 10.0, config=None):
        self.doc = doc
        self.meta = meta
        self.options = {**meta.options, **(options or {})}
        self.severity = severity or meta.severity
        self.diagnostics: list[Diagnostic] = []
        self.claims: list[Claim] = []
        self.config = config
        self.deadline = time.monotonic() + time_limit

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise RuleTimeout(self.meta.id)
        return left

    def report(self, start: int, end: int, message: str, *, related: Iterable[Related] = (),
               fix: Fix | None = None, replacement: str | None = None, safe: bool = True,
               severity: str | None = None, location: str | None = None) -> Diagnostic:
        """Report [start, end) of doc.text. ``replacement`` is a shortcut for a one-edit fix."""
        if fix is None and replacement is not None:
            fix = Fix([Edit(start, end, replacement)], safe=safe)
        d = Diagnostic(
            rule=self.meta.id,
            category=self.meta.category,
            severity=severity or self.severity,
            message=message,
            start=start,
            end=end,
            related=list(related),
            fix=fix,
            location=location,
        )
        self.diagnostics.append(d)
        return d

    def claim(self, claim: Claim) -> None:
        self.claims.append(claim)


class Rule:
    meta: RuleMeta

    def run(self, ctx: Context) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class CodeRule(Rule):
    def __init__(self, meta: RuleMeta, fn: Callable[[Context], Any]):
        self.meta = meta
        self.fn = fn

    def run(self, ctx: Context) -> None:
        out = self.fn(ctx)
        if out is not None:  # generator rules
            for _ in out:
                pass


_CODE_RULES: dict[str, CodeRule] = {}


def rule(id: str, *, severity: str, summary: str, wrong: Iterable[str] = (), right: Iterable[str] = (),
         fixable: bool = False, options: dict | None = None):
    """Register a code rule. The function's docstring is its documentation."""
    if not RULE_ID.match(id) or id.split(".")[0] not in CATEGORIES:
        raise ValueError(f"bad rule id {id!r}")
    if severity not in SEVERITIES:
        raise ValueError(f"bad severity {severity!r} for {id}")

    def deco(fn):
        if id in _CODE_RULES:
            raise ValueError(f"duplicate rule id {id}")
        import inspect

        meta = RuleMeta(
            id=id,
            severity=severity,
            summary=summary,
            doc=inspect.cleandoc(fn.__doc__ or ""),
            wrong=list(wrong),
            right=list(right),
            pack="builtin",
            source=f"{fn.__module__}.{fn.__name__}",
            fixable=fixable,
            options=dict(options or {}),
        )
        _CODE_RULES[id] = CodeRule(meta, fn)
        return fn

    return deco


def code_rules() -> dict[str, CodeRule]:
    from .. import checks  # noqa: F401  (imports every check module, which registers its rules)

    checks.load_all()
    return dict(_CODE_RULES)
