"""Where the bundled rule packs, templates and dictionaries live.

In a wheel they are shipped as ``checker/_rules``; in a source checkout or an
editable install they are the top-level ``rules/`` folder.
"""
from __future__ import annotations

import functools
import os
from pathlib import Path

import yaml

_PKG = Path(__file__).resolve().parent


@functools.lru_cache(maxsize=1)
def rules_dir() -> Path:
    for cand in (_PKG / "_rules", _PKG.parent / "rules"):
        if (cand / "packs").is_dir():
            return cand
    raise RuntimeError("找不到内置规则目录 rules/（安装不完整？）")


def rules_path(rel: str) -> Path:
    return rules_dir() / rel


@functools.lru_cache(maxsize=None)
def load_yaml(rel: str):
    """Load a bundled YAML data file (cached; safe loader)."""
    with open(rules_path(rel), encoding="utf-8") as f:
        return yaml.load(f, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 (safe)


def bundled_packs() -> list[Path]:
    d = rules_dir() / "packs"
    return sorted(p for p in d.glob("*.yaml") if p.is_file())


def env_path(name: str) -> str | None:
    return os.environ.get(name)
