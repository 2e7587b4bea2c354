"""Code rules, one module per category (``date.py`` holds every ``date.*`` rule).

Importing a module registers its rules through ``@rule``; ``load_all`` imports
every module in this package, so adding a module is all it takes.
"""
from __future__ import annotations

import importlib
import pkgutil

_loaded = False


def load_all() -> None:
    global _loaded
    if _loaded:
        return
    for m in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not m.name.startswith("_"):
            importlib.import_module(f"{__name__}.{m.name}")
    _loaded = True
