"""Diagnostics, fixes and claims: what rules produce and formatters print."""
from __future__ import annotations

from dataclasses import dataclass, field

CATEGORIES: dict[str, str] = {
    "duplicate": "重复段落或句子",
    "repetition": "字词误重复",
    "date": "日期格式或统计期限",
    "numbering": "序号",
    "typo": "错别字与误用词",
    "punctuation": "标点符号",
    "table": "表格数据",
    "crosscheck": "正文与表格不一致",
    "structure": "结构与模板",
    "consistency": "前后不一致",
    "style": "公文文风",
}

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"info": 0, "warning": 1, "error": 2}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass
class Edit:
    start: int
    end: int
    replacement: str


@dataclass
class Fix:
    edits: list[Edit]
    safe: bool = True
    description: str | None = None

    @property
    def replacement(self) -> str:
        return self.edits[0].replacement if self.edits else ""


@dataclass
class Related:
    message: str
    start: int
    end: int
    path: str | None = None  # None: the same file


@dataclass
class Diagnostic:
    rule: str
    category: str
    severity: str
    message: str
    start: int
    end: int
    related: list[Related] = field(default_factory=list)
    fix: Fix | None = None
    location: str | None = None  # human-readable place, e.g. "表三 第5行 第8列"

    def sort_key(self):
        return (self.start, self.end, self.rule, self.message)


@dataclass
class Claim:
    """A narrative number compared with a table cell (or a sum of cells)."""

    text: str
    start: int
    end: int
    cell: str | None  # canonical cell key, or "a+b" for sums; None when unresolved
    narrative_value: float | int | None
    table_value: float | int | None
    status: str  # verified / mismatch / unresolved
    note: str | None = None
