"""The pre-commit hook through the real `pre-commit`: a repository of reports whose
.pre-commit-config.yaml points at a local clone of this project; committing a
defective report is refused with the problems named, a clean one passes.

pre-commit builds the hook's own virtualenv from the clone (pip install from
PyPI): this takes minutes, so the test is marked slow; it runs in .ci/run."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

pytestmark = pytest.mark.slow

DEFECTIVE = "本年度本机关里面涉及涉及多个科室，部分申请超出现定时限答复。\n"
CLEAN = "本机关认真落实政务公开工作要求，按时答复全部申请。\n"


def _git(*args, cwd, env=None, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=check,
                          timeout=1800)


def _git_env(home: Path) -> dict:
    env = dict(os.environ)
    env.update({"GIT_AUTHOR_NAME": "checker-test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
                "GIT_COMMITTER_NAME": "checker-test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
                "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(home),
                "PRE_COMMIT_HOME": str(home / "pre-commit"), "PRE_COMMIT_COLOR": "never",
                "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")})
    # keep pip's real cache: the hook's virtualenv installs the same wheels as the test environment
    env.setdefault("PIP_CACHE_DIR", str(Path(os.path.expanduser("~")) / ".cache" / "pip"))
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


def _snapshot_of_this_project(dest: Path, env: dict) -> str:
    """A git repository holding the working tree of this project (tracked and new files); returns its commit."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode("utf-8").split("\0")
    for rel in files:
        src = ROOT / rel
        if not rel or not src.is_file():
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / rel)
    assert (dest / ".pre-commit-hooks.yaml").is_file()
    _git("init", "-q", cwd=dest, env=env)
    _git("add", "-A", cwd=dest, env=env)
    _git("commit", "-q", "-m", "snapshot", cwd=dest, env=env)
    return _git("rev-parse", "HEAD", cwd=dest, env=env).stdout.strip()


def test_hook_definition():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [h for h in hooks if h["id"] == "checker"]
    assert hook["language"] == "python" and hook["entry"].split() == ["checker", "lint"]
    import re

    pat = re.compile(hook["files"])
    for name in ("年报.txt", "a/b.md", "r.docx", "r.html", "r.htm"):
        assert pat.search(name), name
    for name in ("setup.py", "r.docx.bak", "image.png"):
        assert not pat.search(name), name


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_pre_commit_refuses_defective_report_and_passes_clean(tmp_path):
    pytest.importorskip("pre_commit")
    home = tmp_path / "home"
    home.mkdir()
    env = _git_env(home)
    src = tmp_path / "checker-src"
    src.mkdir()
    rev = _snapshot_of_this_project(src, env)

    repo = tmp_path / "reports"
    repo.mkdir()
    _git("init", "-q", cwd=repo, env=env)
    (repo / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": str(src), "rev": rev, "hooks": [{"id": "checker"}]}]}), encoding="utf-8")
    p = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr

    # a clean report (and the config) commit fine; the hook's environment is built here
    (repo / "clean.txt").write_text(CLEAN, encoding="utf-8")
    _git("add", "clean.txt", ".pre-commit-config.yaml", cwd=repo, env=env)
    p = _git("commit", "-m", "clean report", cwd=repo, env=env, check=False)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "Passed" in out and "checker" in out

    # a defective report is refused, and the output names the problems
    (repo / "2020年报.txt").write_text(CLEAN + DEFECTIVE, encoding="utf-8")
    _git("add", "2020年报.txt", cwd=repo, env=env)
    p = _git("commit", "-m", "defective report", cwd=repo, env=env, check=False)
    out = p.stdout + p.stderr
    assert p.returncode != 0, out
    assert "Failed" in out
    assert "2020年报.txt:2:" in out
    assert "repetition.word" in out and "涉及涉及" in out
    assert "typo.common" in out and "现定时限" in out
    log = _git("log", "--format=%s", cwd=repo, env=env).stdout.split("\n")
    assert log[0] == "clean report"  # nothing was committed

    # after `checker lint --fix` (in the hook's own environment) the commit goes through
    envs = list((home / "pre-commit").glob("repo*/py_env-*/bin/checker"))
    assert envs, "pre-commit installed checker into its environment"
    p = subprocess.run([str(envs[0]), "lint", "--fix", "2020年报.txt"], cwd=repo, env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    _git("add", "2020年报.txt", cwd=repo, env=env)
    p = _git("commit", "-m", "fixed report", cwd=repo, env=env, check=False)
    assert p.returncode == 0, p.stdout + p.stderr
