"""The explanation of a rule, the same text for ``checker rule``, SARIF, LSP hover and HTML."""
from __future__ import annotations

from .diagnostics import CATEGORIES, SEVERITY_ZH
from .engine.registry import RuleMeta


def explain(meta: RuleMeta, markdown: bool = False) -> str:
    lines = [f"{meta.id}：{meta.summary}", ""]
    lines.append(f"类别：{meta.category}（{CATEGORIES.get(meta.category, '')}）  "
                 f"默认级别：{meta.severity}（{SEVERITY_ZH[meta.severity]}）  规则包：{meta.pack}"
                 f"  自动修复：{'有' if meta.fixable else '无'}")
    lines.append(f"定义位置：{meta.source}")
    if meta.doc:
        lines += ["", meta.doc.strip()]
    if meta.wrong:
        lines += ["", "错误示例："] + [f"  ✗ {w}" for w in meta.wrong]
    if meta.right:
        lines += ["", "正确示例："] + [f"  ✓ {r}" for r in meta.right]
    if meta.options:
        lines += ["", "选项（在配置的 rule-options 中设置）："] + [f"  {k} = {v!r}" for k, v in meta.options.items()]
    return "\n".join(lines)
