"""Formatters: each turns a list of FileResults into the text of one output format.

A formatter module registers itself with ``@formatter("name")``; a formatter
knows nothing of Chinese or of rules beyond their metadata.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

_FORMATTERS: dict[str, Callable] = {}
_MODULES = ("text", "json_format", "concise", "github", "sarif", "html")
_loaded = False


@dataclass
class FormatOptions:
    color: bool = False
    show_claims: bool = False
    show_fixes: bool = True
    output_path: str | None = None
    config_path: str | None = None  # --config, so formatters can find user-pack rule metadata


def formatter(name: str):
    def deco(fn):
        _FORMATTERS[name] = fn
        return fn

    return deco


def _load():
    global _loaded
    if not _loaded:
        for m in _MODULES:
            try:
                importlib.import_module(f"{__name__}.{m}")
            except ModuleNotFoundError as e:
                if e.name != f"{__name__}.{m}":
                    raise
        _loaded = True


def names() -> list[str]:
    _load()
    return sorted(_FORMATTERS)


def get(name: str) -> Callable:
    _load()
    return _FORMATTERS[name]
