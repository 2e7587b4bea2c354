"""Configuration: ``.checker.yaml`` or ``[tool.checker]`` in ``pyproject.toml``,
found upward from the linted file, merged with command-line flags (which win).

Keys (kebab-case, as in ruff):
  select, ignore          rule ids or prefixes (``typo``, ``typo.common``)
  severity                {rule id or prefix: error|warning|info|off}
  packs                   extra rule-pack files or folders (relative to the config)
  dictionaries            extra jieba user dictionaries (relative to the config)
  exclude, include        glob patterns for directory walks
  fail-on                 error|warning|info
  per-file-ignores        {glob: [rule ids or prefixes]}
  rule-options            {rule id: {option: value}}
  max-file-size           bytes (default 50 MB)
  rule-timeout            seconds per rule per file (default 10)
"""
from __future__ import annotations

import fnmatch
import functools
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from .diagnostics import SEVERITIES
from .engine.yamlload import PackError, line_of, load_with_lines
from .readers import DEFAULT_MAX_BYTES

KEYS = {"select", "ignore", "severity", "packs", "dictionaries", "exclude", "include", "fail-on",
        "per-file-ignores", "rule-options", "max-file-size", "rule-timeout"}
DEFAULT_EXCLUDE = [".git", ".venv", "venv", "node_modules", "__pycache__", "*.expected.json", "*.checked.docx"]
DEFAULT_INCLUDE = ["*.txt", "*.md", "*.docx", "*.html", "*.htm", "*.pdf"]


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] | None = None  # None: every rule
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    packs: tuple[str, ...] = ()
    dictionaries: tuple[str, ...] = ()
    exclude: tuple[str, ...] = tuple(DEFAULT_EXCLUDE)
    include: tuple[str, ...] = tuple(DEFAULT_INCLUDE)
    fail_on: str = "error"
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    rule_options: tuple[tuple[str, tuple[tuple[str, object], ...]], ...] = ()
    max_file_size: int = DEFAULT_MAX_BYTES
    rule_timeout: float = 10.0
    source: str | None = None  # the config file, if any
    root: str | None = None  # its directory

    def options_for(self, rule_id: str) -> dict:
        for rid, opts in self.rule_options:
            if rid == rule_id:
                return dict(opts)
        return {}

    def severity_for(self, rule_id: str, default: str) -> str | None:
        """The configured severity (longest matching prefix wins); None means off."""
        best = None
        for key, sev in self.severity:
            if _matches(rule_id, key) and (best is None or len(key) > len(best[0])):
                best = (key, sev)
        if best is None:
            return default
        return None if best[1] == "off" else best[1]

    def enabled(self, rule_id: str, path: str | None = None) -> bool:
        sel = self.select
        if sel is not None and not any(_matches(rule_id, s) for s in sel):
            return False
        if any(_matches(rule_id, s) for s in self.ignore):
            return False
        if path is not None:
            rel = self.relpath(path)
            for pat, ids in self.per_file_ignores:
                if _glob(rel, pat) and any(_matches(rule_id, s) for s in ids):
                    return False
        return True

    def relpath(self, path: str) -> str:
        ap = os.path.abspath(path)
        if self.root:
            try:
                return os.path.relpath(ap, self.root).replace(os.sep, "/")
            except ValueError:
                pass
        return ap.replace(os.sep, "/")

    def excluded(self, path: str) -> bool:
        rel = self.relpath(path)
        parts = rel.split("/")
        return any(_glob(rel, pat) or any(fnmatch.fnmatch(p, pat) for p in parts) for pat in self.exclude)

    def included(self, path: str) -> bool:
        name = os.path.basename(path)
        return any(fnmatch.fnmatch(name, pat) for pat in self.include)


def _matches(rule_id: str, sel: str) -> bool:
    sel = sel.strip()
    return sel in ("ALL", "all") or rule_id == sel or rule_id.startswith(sel.rstrip(".") + ".")


def _glob(rel: str, pat: str) -> bool:
    return fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(os.path.basename(rel), pat)


def _str_list(v, path, line, key) -> tuple[str, ...]:
    if isinstance(v, str):
        v = [s for s in v.replace(",", " ").split() if s]
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise PackError(path, line, f"配置项 {key} 必须是字符串列表")
    return tuple(v)


def parse_config(data: dict, path: str, base: Config | None = None) -> Config:
    base = base or Config()
    line = line_of(data, None)
    if not isinstance(data, dict):
        raise PackError(path, line, "配置必须是一个映射")
    norm = {str(k).replace("_", "-"): v for k, v in data.items()}
    unknown = set(norm) - KEYS
    if unknown:
        raise PackError(path, line, f"未知的配置项：{', '.join(sorted(unknown))}；可用：{', '.join(sorted(KEYS))}")
    root = os.path.dirname(os.path.abspath(path))
    kw: dict = {"source": path, "root": root}

    def rel(p: str) -> str:
        return p if os.path.isabs(p) else os.path.normpath(os.path.join(root, p))

    if "select" in norm:
        kw["select"] = _str_list(norm["select"], path, line, "select")
    if "ignore" in norm:
        kw["ignore"] = _str_list(norm["ignore"], path, line, "ignore")
    if "severity" in norm:
        sev = norm["severity"]
        if not isinstance(sev, dict) or not all(v in (*SEVERITIES, "off") for v in sev.values()):
            raise PackError(path, line_of(sev, line), "severity 必须是 {规则id: error|warning|info|off}")
        kw["severity"] = tuple((str(k), str(v)) for k, v in sev.items())
    if "packs" in norm:
        kw["packs"] = tuple(rel(p) for p in _str_list(norm["packs"], path, line, "packs"))
    if "dictionaries" in norm:
        kw["dictionaries"] = tuple(rel(p) for p in _str_list(norm["dictionaries"], path, line, "dictionaries"))
    if "exclude" in norm:
        kw["exclude"] = tuple(DEFAULT_EXCLUDE) + _str_list(norm["exclude"], path, line, "exclude")
    if "include" in norm:
        kw["include"] = _str_list(norm["include"], path, line, "include")
    if "fail-on" in norm:
        if norm["fail-on"] not in SEVERITIES:
            raise PackError(path, line, "fail-on 必须是 error、warning 或 info")
        kw["fail_on"] = norm["fail-on"]
    if "per-file-ignores" in norm:
        pfi = norm["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise PackError(path, line, "per-file-ignores 必须是 {glob: [规则id]}")
        kw["per_file_ignores"] = tuple((str(k), _str_list(v, path, line, "per-file-ignores")) for k, v in pfi.items())
    if "rule-options" in norm:
        ro = norm["rule-options"]
        if not isinstance(ro, dict) or not all(isinstance(v, dict) for v in ro.values()):
            raise PackError(path, line, "rule-options 必须是 {规则id: {选项: 值}}")
        kw["rule_options"] = tuple((str(k), tuple(sorted((str(a), b) for a, b in v.items()))) for k, v in ro.items())
    if "max-file-size" in norm:
        v = norm["max-file-size"]
        if not isinstance(v, int) or isinstance(v, bool) or v <= 0:
            raise PackError(path, line, "max-file-size 必须是正整数（字节）")
        kw["max_file_size"] = v
    if "rule-timeout" in norm:
        v = norm["rule-timeout"]
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not 0 < v < 1e6:
            raise PackError(path, line, "rule-timeout 必须是正数（秒）")
        kw["rule_timeout"] = float(v)
    return replace(base, **kw)


def load_config_file(path: str) -> Config:
    if path.endswith(".toml"):
        try:
            with open(path, "rb") as f:
                data = tomllib.load(f)
        except (OSError, tomllib.TOMLDecodeError) as e:
            raise PackError(path, None, f"无法解析TOML：{e}") from None
        section = data.get("tool", {}).get("checker")
        if section is None:
            return Config(source=None, root=os.path.dirname(os.path.abspath(path)))
        return parse_config(section, path)
    data = load_with_lines(path)
    if data is None:
        data = {}
    return parse_config(data, path)


@functools.lru_cache(maxsize=256)
def find_config_file(directory: str) -> str | None:
    """Nearest .checker.yaml / .checker.yml / pyproject.toml with [tool.checker], walking upward."""
    d = Path(directory).resolve()
    for cand_dir in (d, *d.parents):
        for name in (".checker.yaml", ".checker.yml"):
            p = cand_dir / name
            if p.is_file():
                return str(p)
        pp = cand_dir / "pyproject.toml"
        if pp.is_file():
            try:
                with open(pp, "rb") as f:
                    if "checker" in tomllib.load(f).get("tool", {}):
                        return str(pp)
            except (OSError, tomllib.TOMLDecodeError):
                continue
    return None


@functools.lru_cache(maxsize=256)
def _load_cached(path: str) -> Config:
    return load_config_file(path)


def config_for(path: str, explicit: str | None = None) -> Config:
    """The config that applies to ``path`` (an explicit --config wins)."""
    if explicit:
        return _load_cached(os.path.abspath(explicit))
    start = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    found = find_config_file(start)
    return _load_cached(found) if found else Config()


@dataclass(frozen=True)
class Overrides:
    """Command-line flags that override the config."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    extend: dict = field(default_factory=dict, hash=False, compare=False)

    def apply(self, cfg: Config) -> Config:
        kw: dict = {}
        if self.select is not None:
            kw["select"] = self.select
        if self.ignore:
            kw["ignore"] = cfg.ignore + self.ignore
        if self.fail_on:
            kw["fail_on"] = self.fail_on
        return replace(cfg, **kw) if kw else cfg
