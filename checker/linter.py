"""Running the rules: files -> Documents -> diagnostics (+ claims) -> FileResults.

The one-way flow: ``read_document`` (readers + report analysis) builds the
Document; every enabled rule runs on it in its own Context; diagnostics are
filtered by the config, sorted, and handed to a formatter.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from dataclasses import dataclass, field

from .config import Config, Overrides, config_for
from .diagnostics import SEVERITY_RANK, Claim, Diagnostic
from .document import Document
from .engine.packs import load_rules
from .engine.registry import Context, RuleTimeout
from .engine.yamlload import PackError
from .readers import ReaderError, read_document


@dataclass
class FileResult:
    path: str
    format: str | None = None
    encoding: str | None = None
    doc: Document | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    error: str | None = None
    notes: list[str] = field(default_factory=list)  # rule timeouts and internal errors (stderr)
    fail_on: str = "error"

    def failed(self, fail_on: str | None = None) -> bool:
        level = SEVERITY_RANK[fail_on or self.fail_on]
        return any(SEVERITY_RANK[d.severity] >= level for d in self.diagnostics)


def active_rules(cfg: Config, path: str | None = None):
    rules = load_rules(cfg.packs)
    for rid, r in sorted(rules.items()):
        if not cfg.enabled(rid, path):
            continue
        sev = cfg.severity_for(rid, r.meta.severity)
        if sev is None:
            continue
        yield r, sev


# A real report never has this many findings of one rule; a pathological input (thousands of
# pasted copies) would otherwise produce hundreds of MB of output.
MAX_PER_RULE = 500


def lint_document(doc: Document, cfg: Config | None = None) -> FileResult:
    cfg = cfg or Config()
    if cfg.dictionaries:
        from .nlp import load_user_dict

        for d in cfg.dictionaries:
            load_user_dict(d)
    res = FileResult(path=doc.path, format=doc.format, encoding=doc.encoding, doc=doc, fail_on=cfg.fail_on)
    for r, sev in active_rules(cfg, doc.path):
        ctx = Context(doc, r.meta, cfg.options_for(r.meta.id), sev, time_limit=cfg.rule_timeout, config=cfg)
        try:
            with _hard_deadline(cfg.rule_timeout * 2 + 1, r.meta.id):
                r.run(ctx)
        except RuleTimeout:
            res.notes.append(f"规则 {r.meta.id} 超过时间限制（{cfg.rule_timeout:g} 秒），已跳过其余检查")
        except RecursionError:
            res.notes.append(f"规则 {r.meta.id} 内部错误：递归过深，已跳过")
        except Exception as e:  # a bug in one rule must not hide the others
            res.notes.append(f"规则 {r.meta.id} 内部错误：{type(e).__name__}: {e}")
        found = list(_valid(ctx.diagnostics, doc, res))
        if len(found) > MAX_PER_RULE:
            res.notes.append(f"规则 {r.meta.id} 在此文件中报告了 {len(found)} 个问题，只列出前 {MAX_PER_RULE} 个")
            found = found[:MAX_PER_RULE]
        res.diagnostics.extend(found)
        res.claims.extend(ctx.claims)
    res.diagnostics.sort(key=Diagnostic.sort_key)
    res.claims.sort(key=lambda c: (c.start, c.end))
    return res


@contextlib.contextmanager
def _hard_deadline(seconds: float, rule_id: str):
    """Backstop for the per-rule time budget: regex calls honour ``ctx.remaining()``, but a
    rule stuck in a pure-Python loop never asks. In the main thread (POSIX), a real-time
    timer interrupts it with RuleTimeout. No-op where signals cannot be used or another
    timer is already running (we never steal someone else's SIGALRM)."""
    usable = (hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
              and signal.getitimer(signal.ITIMER_REAL)[0] == 0)
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise RuleTimeout(rule_id)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _valid(diags: list[Diagnostic], doc: Document, res: FileResult):
    n = len(doc.text)

    def inside(s, e):
        return isinstance(s, int) and isinstance(e, int) and 0 <= s <= e <= n

    for d in diags:
        if not inside(d.start, d.end):
            res.notes.append(f"规则 {d.rule} 报告了越界的位置 {d.start}-{d.end}，已忽略")
            continue
        if d.related and not all(inside(r.start, r.end) for r in d.related if r.path is None):
            res.notes.append(f"规则 {d.rule} 的相关位置越界，已去掉")
            d.related = [r for r in d.related if r.path is not None or inside(r.start, r.end)]
        if d.fix is not None:
            edits = sorted(d.fix.edits, key=lambda x: (x.start, x.end))
            if not all(inside(x.start, x.end) for x in edits) or any(
                    a.end > b.start for a, b in zip(edits, edits[1:])):
                # an out-of-range or self-overlapping fix could damage the file: drop it
                res.notes.append(f"规则 {d.rule} 的修复越界或自相重叠，已去掉该修复")
                d.fix = None
        yield d


def lint_file(path: str, overrides: Overrides | None = None, config_path: str | None = None) -> FileResult:
    try:
        cfg = config_for(path, config_path)
        if overrides:
            cfg = overrides.apply(cfg)
    except PackError as e:
        return FileResult(path=path, error=f"配置错误：{e}")
    try:
        doc = read_document(path, cfg.max_file_size)
    except ReaderError as e:
        return FileResult(path=path, error=str(e), fail_on=cfg.fail_on)
    except MemoryError:
        return FileResult(path=path, error="文件过大，内存不足", fail_on=cfg.fail_on)
    except Exception as e:  # a reader bug: report it against the file, keep going
        return FileResult(path=path, error=f"读取失败（内部错误 {type(e).__name__}: {e}）", fail_on=cfg.fail_on)
    try:
        return lint_document(doc, cfg)
    except PackError as e:
        return FileResult(path=path, format=doc.format, encoding=doc.encoding, error=f"规则包错误：{e}",
                          fail_on=cfg.fail_on)


def discover(paths: list[str], config_path: str | None = None) -> tuple[list[str], list[FileResult]]:
    """Expand directories (honouring include/exclude); report missing paths."""
    files: list[str] = []
    errors: list[FileResult] = []
    for p in paths:
        if os.path.isdir(p):
            try:
                cfg = config_for(p, config_path)
            except PackError as e:
                errors.append(FileResult(path=p, error=f"配置错误：{e}"))
                continue
            for root, dirs, names in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not cfg.excluded(os.path.join(root, d)))
                for n in sorted(names):
                    fp = os.path.join(root, n)
                    if cfg.included(fp) and not cfg.excluded(fp):
                        files.append(fp)
        elif os.path.lexists(p):
            files.append(p)
        else:
            errors.append(FileResult(path=p, error="文件不存在"))
    return files, errors


def _result_or_retry(path, fut, overrides, config_path) -> FileResult:
    """A worker that died (killed, out of memory, a crash in a C library) breaks the whole
    pool: re-check each file it took down in a fresh process of its own, so that one bad
    file never costs the others their results."""
    try:
        return fut.result()
    except Exception:
        pass
    from concurrent.futures import ProcessPoolExecutor

    try:
        with ProcessPoolExecutor(max_workers=1) as solo:
            return solo.submit(lint_file, path, overrides, config_path).result()
    except Exception as e:
        return FileResult(path=path, error=f"检查该文件的进程意外退出（{type(e).__name__}），其余文件不受影响")


_WARM_TEXT = ("某县人民政府2021年政府信息公开工作年度报告\n一、总体情况\n本年度共收到申请1件，涉及涉及一个部门。\n"
              "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n")


def _prewarm(path: str, overrides: Overrides | None, config_path: str | None) -> None:
    """Build what every worker needs (rule packs, templates, the jieba/spaCy pipeline) once in
    the parent before the pool forks, so that the workers inherit it instead of each building
    it again. Only our own small text is linted here: user files are still read in the workers."""
    import multiprocessing

    if multiprocessing.get_start_method() != "fork":
        return
    try:
        from .nlp import get_segmenter
        from .readers import document_from_text

        cfg = config_for(path, config_path)
        if overrides:
            cfg = overrides.apply(cfg)
        lint_document(document_from_text(_WARM_TEXT, "<warm-up>.txt"), cfg)
        get_segmenter()
    except Exception:  # warming up is an optimisation only
        pass


def lint_paths(paths: list[str], overrides: Overrides | None = None, config_path: str | None = None,
               jobs: int = 1, progress=None) -> list[FileResult]:
    files, errors = discover(paths, config_path)
    results: list[FileResult] = []
    if jobs > 1 and len(files) > 1:
        from concurrent.futures import ProcessPoolExecutor

        _prewarm(files[0], overrides, config_path)
        with ProcessPoolExecutor(max_workers=jobs) as ex:
            futs = [ex.submit(lint_file, f, overrides, config_path) for f in files]
            for f, fut in zip(files, futs):
                results.append(_result_or_retry(f, fut, overrides, config_path))
                if progress:
                    progress(len(results), len(files))
    else:
        for f in files:
            results.append(lint_file(f, overrides, config_path))
            if progress:
                progress(len(results), len(files))
    for r in results:
        for n in r.notes:
            print(f"{r.path}: {n}", file=sys.stderr)
    return errors + results
