"""Loading and validating YAML rule packs, and assembling the rule set."""
from __future__ import annotations

import functools
import os
from pathlib import Path

from ..diagnostics import CATEGORIES, SEVERITIES
from ..resources import bundled_packs
from .registry import RULE_ID, Rule, RuleMeta, code_rules
from .yaml_types import COMMON_KEYS, TYPES
from .yamlload import PackError, line_of, load_with_lines

PACK_KEYS = {"pack", "description", "rules"}


def load_pack(path: str) -> list[Rule]:
    """Parse one pack file into rules. Raises PackError naming the file and line."""
    data = load_with_lines(path)
    if not isinstance(data, dict):
        raise PackError(path, line_of(data, 1), "规则包必须是一个映射，包含 rules: 列表")
    unknown = set(data) - PACK_KEYS
    if unknown:
        raise PackError(path, line_of(data, 1), f"未知的键：{', '.join(sorted(map(str, unknown)))}（允许：pack, description, rules）")
    pack = str(data.get("pack") or Path(path).stem)
    rules_spec = data.get("rules")
    if not isinstance(rules_spec, list) or not rules_spec:
        raise PackError(path, line_of(data, 1), "缺少 rules: 列表")
    out: list[Rule] = []
    for spec in rules_spec:
        out.append(build_rule(spec, path, pack))
    return out


def build_rule(spec, path: str, pack: str) -> Rule:
    line = line_of(spec)
    if not isinstance(spec, dict):
        raise PackError(path, line, "rules 的每一项必须是映射")
    rid = spec.get("id")
    if not isinstance(rid, str) or not RULE_ID.match(rid):
        raise PackError(path, line, f"规则 id “{rid}” 无效：应为“类别.名称”，小写ASCII，如 typo.common")
    cat = rid.split(".", 1)[0]
    if cat not in CATEGORIES:
        raise PackError(path, line, f"规则 {rid} 的类别“{cat}”不存在；可用类别：{', '.join(CATEGORIES)}")
    rtype = spec.get("type")
    if rtype not in TYPES:
        raise PackError(path, line, f"规则 {rid} 的 type “{rtype}” 无效；可用：{', '.join(TYPES)}")
    cls = TYPES[rtype]
    unknown = set(spec) - COMMON_KEYS - cls.extra_keys
    if unknown:
        raise PackError(path, line, f"规则 {rid} 含未知的键：{', '.join(sorted(map(str, unknown)))}")
    sev = spec.get("severity", "warning")
    if sev not in SEVERITIES:
        raise PackError(path, line, f"规则 {rid} 的 severity “{sev}” 无效（error/warning/info）")
    summary = spec.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise PackError(path, line, f"规则 {rid} 缺少 summary（一句话说明）")
    ex = spec.get("examples") or {}
    if not isinstance(ex, dict) or set(ex) - {"wrong", "right"} or not all(
            isinstance(v, list) and all(isinstance(x, (str, int, float)) for x in v) for v in ex.values()):
        raise PackError(path, line, f"规则 {rid} 的 examples 只能包含 wrong 和 right 列表")
    for key in ("message", "description"):
        if spec.get(key) is not None and not isinstance(spec[key], str):
            raise PackError(path, line, f"规则 {rid} 的 {key} 必须是字符串")
    if spec.get("options") is not None and not isinstance(spec["options"], dict):
        raise PackError(path, line, f"规则 {rid} 的 options 必须是映射（选项: 默认值）")
    meta = RuleMeta(
        id=rid,
        severity=sev,
        summary=summary.strip(),
        doc=str(spec.get("description") or "").strip(),
        wrong=[str(x) for x in ex.get("wrong") or []],
        right=[str(x) for x in ex.get("right") or []],
        pack=pack,
        source=f"{_display_path(path)}:{line}",
        fixable=spec.get("fix", "safe") != "none" and rtype in ("substitution", "repetition"),
        options=dict(spec.get("options") or {}),
    )
    return cls(spec, meta, path)


def _display_path(path: str) -> str:
    """Bundled packs are shown as rules/…; user packs as given."""
    from ..resources import rules_dir

    try:
        return "rules/" + Path(path).resolve().relative_to(rules_dir().resolve()).as_posix()
    except ValueError:
        return path


@functools.lru_cache(maxsize=16)
def load_rules(extra_packs: tuple[str, ...] = ()) -> dict[str, Rule]:
    """Code rules + bundled packs + user packs. Raises PackError on any broken pack
    or duplicate id."""
    rules: dict[str, Rule] = dict(code_rules())
    files = [str(p) for p in bundled_packs()]
    for p in extra_packs:
        if os.path.isdir(p):
            files += sorted(str(f) for f in Path(p).glob("*.yaml")) + sorted(str(f) for f in Path(p).glob("*.yml"))
        elif os.path.exists(p):
            files.append(p)
        else:
            raise PackError(p, None, "规则包文件不存在")
    for f in files:
        for r in load_pack(f):
            if r.meta.id in rules:
                prev = rules[r.meta.id].meta.source
                raise PackError(f, line_of(getattr(r, "spec", None)), f"规则 id {r.meta.id} 重复（已在 {prev} 定义）")
            rules[r.meta.id] = r
    return rules
