"""The command line: ``checker lint|rules|rule|text|tables|annotate|lsp``."""
from __future__ import annotations

import os
import sys
from enum import Enum
from typing import List, Optional

import typer

from . import __version__

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    help="checker：政府信息公开工作年度报告与公文的检查工具（linter）。",
)


class Fmt(str, Enum):
    text = "text"
    concise = "concise"
    json = "json"
    sarif = "sarif"
    github = "github"
    html = "html"


class Level(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"


class ColorMode(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


def _version(value: bool):
    if value:
        typer.echo(f"checker {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True, help="显示版本号并退出。"),
):
    """checker：政府信息公开工作年度报告与公文的检查工具。"""


def _split_ids(values: Optional[List[str]]) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or []:
        out += [s for s in v.replace(",", " ").split() if s]
    return tuple(out)


def _fail(msg: str, code: int = 2):
    typer.echo(f"checker: {msg}", err=True)
    raise typer.Exit(code)


@app.command()
def lint(
    paths: List[str] = typer.Argument(..., help="要检查的文件或目录（.txt .md .docx .html .pdf）。"),
    format: Fmt = typer.Option(Fmt.text, "--format", "--output-format", "-f", help="输出格式。"),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="输出写入文件而不是标准输出。"),
    select: Optional[List[str]] = typer.Option(None, "--select", help="只启用这些规则（id或类别前缀，逗号分隔）。"),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="停用这些规则（id或类别前缀，逗号分隔）。"),
    fail_on: Optional[Level] = typer.Option(None, "--fail-on", help="达到该级别的问题使退出码为1（默认 error）。"),
    config: Optional[str] = typer.Option(None, "--config", help="使用指定的配置文件（.checker.yaml 或 pyproject.toml）。"),
    fix: bool = typer.Option(False, "--fix", help="应用所有安全的自动修复（原子写入）。"),
    diff: bool = typer.Option(False, "--diff", help="只打印安全修复的统一差异，不修改文件。"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="并行进程数。"),
    baseline: Optional[str] = typer.Option(None, "--baseline", help="忽略基线文件中已记录的问题。"),
    write_baseline: Optional[str] = typer.Option(None, "--write-baseline", help="把当前所有问题写入基线文件。"),
    show_claims: bool = typer.Option(False, "--show-claims", help="文本输出中列出正文数据与表格的核对结果。"),
    color: ColorMode = typer.Option(ColorMode.auto, "--color", help="彩色输出：auto、always、never。"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="不显示进度。"),
):
    """检查年度报告，报告问题（退出码：0 无问题，1 有达到 --fail-on 级别的问题，2 用法错误或文件无法读取）。"""
    from . import formats
    from .config import Overrides
    from .engine.yamlload import PackError
    from .linter import lint_paths

    overrides = Overrides(
        select=_split_ids(select) or None if select else None,
        ignore=_split_ids(ignore),
        fail_on=fail_on.value if fail_on else None,
    )
    if config and not os.path.exists(config):
        _fail(f"配置文件不存在：{config}")
    progress = None
    if not quiet and sys.stderr.isatty():
        from .progress import Progress

        progress = Progress()
    try:
        results = lint_paths(list(paths), overrides, config, jobs=jobs, progress=progress)
    except PackError as e:
        _fail(f"规则包错误：{e}")
    if progress:
        progress.done()
    if select or ignore:
        _check_selectors(_split_ids(select) + _split_ids(ignore), config)

    if baseline or write_baseline:
        from .baseline import apply_baseline, write_baseline as _write

        if write_baseline:
            try:
                n = _write(write_baseline, results)
            except OSError as e:
                _fail(f"无法写入基线文件 {write_baseline}：{e.strerror or e}")
            typer.echo(f"已把 {n} 个问题写入基线 {write_baseline}", err=True)
            if not baseline:  # what was just recorded is accepted: this run passes
                apply_baseline(write_baseline, results)
        if baseline:
            try:
                stats = apply_baseline(baseline, results)
            except (OSError, ValueError) as e:
                _fail(f"无法读取基线文件 {baseline}：{e}")
            if stats.suppressed or stats.stale:
                typer.echo(f"基线 {baseline}：忽略了 {stats.suppressed} 个已知问题"
                           + (f"；{stats.stale} 个已记录的问题已不存在" if stats.stale else ""), err=True)

    if fix or diff:
        from .fixes import run_fixes
        from .linter import lint_file

        def _relint(path: str):
            r = lint_file(path, overrides, config)
            if baseline:
                from .baseline import apply_baseline as _apply

                _apply(baseline, [r])
            return r

        code = run_fixes(results, write=fix and not diff, show_diff=diff, relint=_relint)
        if diff:
            raise typer.Exit(code)

    use_color = color == ColorMode.always or (color == ColorMode.auto and output is None and sys.stdout.isatty()
                                                 and "NO_COLOR" not in os.environ)
    opts = formats.FormatOptions(color=use_color and format == Fmt.text, show_claims=show_claims,
                                 output_path=output, config_path=config)
    try:
        fmt = formats.get(format.value)
    except KeyError:
        _fail(f"输出格式 {format.value} 尚不可用")
    text = fmt(results, opts)
    if output:
        from .fixes import atomic_write_text

        atomic_write_text(output, text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    code = 0
    if any(r.failed() for r in results if not r.error):
        code = 1
    if any(r.error for r in results):
        for r in results:
            if r.error and format in (Fmt.json, Fmt.sarif, Fmt.html, Fmt.github):
                typer.echo(f"{r.path}: 无法检查: {r.error}", err=True)
        code = 2
    raise typer.Exit(code)


def _check_selectors(ids: tuple[str, ...], config: Optional[str]):
    from .engine.packs import load_rules

    known = load_rules()
    cats = {r.meta.category for r in known.values()}
    for s in ids:
        if s.lower() == "all":
            continue
        if s not in known and s.rstrip(".") not in cats and not any(k.startswith(s.rstrip(".") + ".") for k in known):
            typer.echo(f"checker: 警告：未知的规则或类别“{s}”（checker rules 列出所有规则）", err=True)


@app.command("rules")
def rules_cmd(
    format: str = typer.Option("text", "--format", "-f", help="text 或 json。"),
    config: Optional[str] = typer.Option(None, "--config", help="同时列出该配置中的用户规则包。"),
):
    """列出所有规则：id、类别、默认级别、一句话说明、所属规则包。"""
    rules = _load_rules_or_fail(config)
    if format == "json":
        import json

        data = [
            {"id": r.meta.id, "category": r.meta.category, "severity": r.meta.severity, "summary": r.meta.summary,
             "pack": r.meta.pack, "fixable": r.meta.fixable}
            for _, r in sorted(rules.items())
        ]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    from .formats.text import width

    idw = max(len(i) for i in rules) + 2
    for rid, r in sorted(rules.items()):
        fixmark = "🔧" if r.meta.fixable else "  "
        typer.echo(f"{rid.ljust(idw)}{r.meta.severity.ljust(8)}{fixmark} {r.meta.summary}  [{r.meta.pack}]")
    typer.echo(f"\n共 {len(rules)} 条规则。checker rule ID 查看详细说明。")


def _load_rules_or_fail(config: Optional[str]):
    from .config import config_for
    from .engine.packs import load_rules
    from .engine.yamlload import PackError

    try:
        cfg = config_for(os.getcwd(), config)
        return load_rules(cfg.packs)
    except PackError as e:
        _fail(f"规则包错误：{e}")


@app.command("rule")
def rule_cmd(
    rule_id: str = typer.Argument(..., help="规则id，如 typo.common。"),
    config: Optional[str] = typer.Option(None, "--config"),
):
    """解释一条规则：检查什么、为什么，以及错误和正确的示例。"""
    from .explain import explain

    rules = _load_rules_or_fail(config)
    r = rules.get(rule_id)
    if r is None:
        import difflib

        near = difflib.get_close_matches(rule_id, list(rules), n=3)
        hint = f"；你是不是要找：{'、'.join(near)}" if near else ""
        _fail(f"没有规则“{rule_id}”{hint}")
    typer.echo(explain(r.meta))


@app.command("text")
def text_cmd(path: str = typer.Argument(..., help="报告文件。")):
    """打印读取器提取的纯文本（诊断位置所指的文本）。"""
    doc = _read_or_fail(path)
    sys.stdout.write(doc.text)
    if not doc.text.endswith("\n"):
        sys.stdout.write("\n")


def _read_or_fail(path: str):
    """Read one report for `text`/`tables`: the config's size limit, one clear line on failure."""
    from .config import config_for
    from .readers import DEFAULT_MAX_BYTES, ReaderError, read_document

    try:
        max_bytes = config_for(path).max_file_size
    except Exception:  # noqa: BLE001 - a broken config must not hide the document
        max_bytes = DEFAULT_MAX_BYTES
    try:
        return read_document(path, max_bytes)
    except ReaderError as e:
        _fail(f"{path}: {e}")
    except Exception as e:  # a reader bug: one clear line, never a traceback
        _fail(f"{path}: 读取失败（内部错误 {type(e).__name__}: {e}）")


@app.command("tables")
def tables_cmd(
    path: str = typer.Argument(..., help="报告文件（.txt .md .docx .html .pdf）。"),
    format: str = typer.Option("markdown", "--format", "-f", help="输出格式：json、csv 或 markdown。"),
):
    """打印识别出的表二、表三、表四：行列标签、数值及其在提取文本中的位置（行:列）。"""
    from .report.tables import tables_csv, tables_json, tables_markdown

    if format not in ("json", "csv", "markdown", "md"):
        _fail(f"不支持的格式“{format}”，可用：json、csv、markdown")
    doc = _read_or_fail(path)
    if format == "json":
        import json

        out = json.dumps(tables_json(doc), ensure_ascii=False, indent=2) + "\n"
    elif format == "csv":
        out = tables_csv(doc)
    else:
        out = tables_markdown(doc)
    sys.stdout.write(out)


@app.command("annotate")
def annotate_cmd(
    path: str = typer.Argument(..., help="要检查的 Word 文档（.docx）。"),
    output: str = typer.Option(..., "--output", "-o", help="写入带批注的副本（.docx）；原文件不会被修改。"),
    select: Optional[List[str]] = typer.Option(None, "--select", help="只启用这些规则（id或类别前缀，逗号分隔）。"),
    ignore: Optional[List[str]] = typer.Option(None, "--ignore", help="停用这些规则（id或类别前缀，逗号分隔）。"),
    config: Optional[str] = typer.Option(None, "--config", help="使用指定的配置文件。"),
):
    """检查 Word 报告，把每个问题作为批注（作者 checker）加在原文相应位置，另存为新文件。"""
    from .annotate import AnnotateError, annotate_file
    from .config import Overrides
    from .engine.yamlload import PackError

    if config and not os.path.exists(config):
        _fail(f"配置文件不存在：{config}")
    overrides = Overrides(select=_split_ids(select) or None if select else None, ignore=_split_ids(ignore))
    try:
        res = annotate_file(path, output, overrides, config)
    except AnnotateError as e:
        _fail(f"{path}: {e}")
    except PackError as e:
        _fail(f"规则包错误：{e}")
    except OSError as e:
        _fail(f"无法写入 {output}：{e.strerror or e}")
    for n in res.notes:
        typer.echo(f"{path}: {n}", err=True)
    typer.echo(f"已添加 {res.comments} 条批注，写入 {output}", err=True)


@app.command("lsp")
def lsp_cmd(
    stdio: bool = typer.Option(True, "--stdio", help="通过标准输入输出通信（默认，也是唯一方式）。"),
):
    """启动语言服务器（LSP，标准输入输出）：编辑器中实时检查 .txt/.md 报告，提供快速修复和规则说明。"""
    from .lsp import main as lsp_main

    lsp_main()


def main():
    try:
        app()
    except BrokenPipeError:  # e.g. `checker lint … | head`
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        sys.exit(1)


if __name__ == "__main__":
    main()
