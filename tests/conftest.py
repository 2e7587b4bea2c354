"""Shared test helpers: run the public CLI, lint strings, locate corpora."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
SHARED = ROOT.parent / "shared"
REAL = SHARED / "corpora" / "real"
SEED = CORPORA / "heizhuanghu-2020.txt"
# bench/expected.py (resolving and matching expected-findings files) is shared with the tests
sys.path.insert(0, str(ROOT / "bench"))


def run_cli(*args, cwd=None, input=None, env=None) -> subprocess.CompletedProcess:
    """Run ``checker`` as a user would (a subprocess of this interpreter)."""
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], cwd=cwd or ROOT, input=input,
                          capture_output=True, text=True, env=e, timeout=300)


def lint_json(*args, **kw) -> tuple[dict, subprocess.CompletedProcess]:
    p = run_cli("lint", "--format", "json", *args, **kw)
    assert p.stdout.strip(), p.stderr
    return json.loads(p.stdout), p


def lint_text(text: str, select: str | None = None, path: str = "<test>.txt", config=None):
    """Lint a string in-process; returns the FileResult."""
    from checker.config import Config, Overrides
    from checker.linter import lint_document
    from checker.readers import document_from_text

    cfg = config or Config()
    if select:
        cfg = Overrides(select=tuple(select.split(","))).apply(cfg)
    return lint_document(document_from_text(text, path), cfg)


@pytest.fixture
def seed_path() -> Path:
    return SEED


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: slow end-to-end tests (real clients, browsers)")
    config.addinivalue_line("markers", "real: needs ../shared/corpora/real")
