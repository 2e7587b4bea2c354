"""``--format sarif``: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

- One run; ``tool.driver.rules`` describes every rule that has a result (and,
  when nothing was found, every known rule), with the Chinese one-line summary
  as ``shortDescription`` and the text of ``checker rule ID`` as
  ``fullDescription``.
- Regions use 1-based lines and columns counted in Unicode code points
  (``run.columnKind = "unicodeCodePoints"``); ``endColumn`` is exclusive, as in
  SARIF. Lines are those of the decoded text, so CRLF and LF files agree.
  For .docx/.html/.pdf the positions refer to the extracted text that
  ``checker text FILE`` prints (``properties.positionsReferTo = "extractedText"``).
- ``partialFingerprints`` carries the same fingerprint the baseline file uses.
- Safe and unsafe fixes become SARIF ``fixes`` (text files only).
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..diagnostics import CATEGORIES
from . import FormatOptions, formatter

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
TEXT_FORMATS = ("txt", "md")


def rule_metas(results, opts: FormatOptions | None = None) -> dict:
    """RuleMeta of every known rule: built-in ones, plus user packs of the configs in play."""
    from ..config import config_for
    from ..engine.packs import load_rules
    from ..engine.yamlload import PackError

    metas: dict = {}
    pack_sets: set[tuple[str, ...]] = {()}
    cfg_path = opts.config_path if opts else None
    for r in results:
        try:
            pack_sets.add(config_for(r.path, cfg_path).packs)
        except (PackError, OSError):
            continue
    for packs in sorted(pack_sets):
        try:
            for rid, rule in load_rules(packs).items():
                metas.setdefault(rid, rule.meta)
        except (PackError, OSError):
            continue
    return metas


def artifact_uri(path: str) -> tuple[str, str | None]:
    """(uri, uriBaseId): relative paths against %SRCROOT% (the working directory)."""
    p = Path(path)
    if p.is_absolute():
        try:
            rel = p.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return p.resolve().as_uri(), None
        p = rel
    posix = p.as_posix()
    while posix.startswith("./"):
        posix = posix[2:]
    return quote(posix, safe="/-._~!$&'()*+,;=:@"), "%SRCROOT%"


def _help(meta) -> tuple[str, str]:
    """(plain text, markdown) help: what is checked, why, how to fix, with examples."""
    body = (meta.doc or meta.summary).strip()
    text = [body]
    md = [body.replace("\n", "  \n")]
    if meta.wrong:
        text += ["", "错误示例："] + [f"  ✗ {w}" for w in meta.wrong]
        md += ["", "**错误示例：**", ""] + [f"- ✗ {w}" for w in meta.wrong]
    if meta.right:
        text += ["", "正确示例："] + [f"  ✓ {r}" for r in meta.right]
        md += ["", "**正确示例：**", ""] + [f"- ✓ {r}" for r in meta.right]
    text += ["", f"运行 checker rule {meta.id} 查看完整说明。"]
    md += ["", f"运行 `checker rule {meta.id}` 查看完整说明。"]
    return "\n".join(text), "\n".join(md)


def reporting_descriptor(meta) -> dict:
    from ..explain import explain

    help_text, help_md = _help(meta)
    return {
        "id": meta.id,
        "name": "".join(part.capitalize() for part in meta.id.replace(".", "-").split("-")),
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": explain(meta)},
        "help": {"text": help_text, "markdown": help_md},
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {
            "category": meta.category,
            "categoryDescription": CATEGORIES.get(meta.category, ""),
            "tags": [meta.category],
            "pack": meta.pack,
            "fixable": meta.fixable,
        },
    }


def _minimal_descriptor(rule_id: str, severity: str) -> dict:
    cat = rule_id.split(".", 1)[0]
    return {"id": rule_id, "shortDescription": {"text": rule_id},
            "defaultConfiguration": {"level": LEVELS.get(severity, "warning")},
            "properties": {"category": cat, "tags": [cat]}}


def _region(doc, start: int, end: int, snippet: bool = True) -> dict:
    s = doc.position(start)
    e = doc.position(end)
    reg = {"startLine": s.line, "startColumn": s.column, "endLine": e.line, "endColumn": e.column}
    if snippet and end > start:
        reg["snippet"] = {"text": doc.text[start:end]}
    return reg


def to_sarif(results, opts: FormatOptions | None = None) -> dict:
    from ..baseline import fingerprint

    metas = rule_metas(results, opts)
    used: list[str] = []
    for r in results:
        for d in r.diagnostics:
            if d.rule not in used:
                used.append(d.rule)
    rule_ids = sorted(used) if used else sorted(metas)
    severities = {d.rule: d.severity for r in results for d in r.diagnostics}
    rules = [reporting_descriptor(metas[i]) if i in metas else _minimal_descriptor(i, severities.get(i, "warning"))
             for i in rule_ids]
    rule_index = {i: n for n, i in enumerate(rule_ids)}

    artifacts: list[dict] = []
    sarif_results: list[dict] = []
    notifications: list[dict] = []
    for r in results:
        uri, base = artifact_uri(r.path)
        loc = {"uri": uri, **({"uriBaseId": base} if base else {})}
        if r.error:
            notifications.append({
                "level": "error",
                "message": {"text": f"无法检查：{r.error}"},
                "locations": [{"physicalLocation": {"artifactLocation": loc}}],
            })
            continue
        art_index = len(artifacts)
        art = {"location": dict(loc), "properties": {"format": r.format}}
        if r.encoding and r.format in TEXT_FORMATS:
            art["encoding"] = r.encoding
        if r.format == "md":
            art["mimeType"] = "text/markdown"
        elif r.format == "txt":
            art["mimeType"] = "text/plain"
        artifacts.append(art)
        aloc = {**loc, "index": art_index}
        doc = r.doc
        extracted = r.format not in TEXT_FORMATS
        for d in r.diagnostics:
            phys = {"artifactLocation": aloc, "region": _region(doc, d.start, d.end)}
            location: dict = {"physicalLocation": phys}
            if d.location:
                location["message"] = {"text": d.location}
            res: dict = {
                "ruleId": d.rule,
                "ruleIndex": rule_index[d.rule],
                "level": LEVELS[d.severity],
                "message": {"text": d.message},
                "locations": [location],
                "partialFingerprints": {"checkerFingerprint/v1": fingerprint(d, doc)},
            }
            if d.related:
                rel = []
                for k, x in enumerate(d.related, 1):
                    if x.path:
                        ruri, rbase = artifact_uri(x.path)
                        rloc = {"uri": ruri, **({"uriBaseId": rbase} if rbase else {})}
                        rel.append({"id": k, "message": {"text": x.message},
                                    "physicalLocation": {"artifactLocation": rloc}})
                    else:
                        rel.append({"id": k, "message": {"text": x.message},
                                    "physicalLocation": {"artifactLocation": aloc,
                                                         "region": _region(doc, x.start, x.end)}})
                res["relatedLocations"] = rel
            if d.fix and d.fix.edits and not extracted:
                res["fixes"] = [{
                    "description": {"text": _fix_description(d, doc)},
                    "artifactChanges": [{
                        "artifactLocation": aloc,
                        "replacements": [{"deletedRegion": _region(doc, e.start, e.end, snippet=False),
                                          "insertedContent": {"text": e.replacement}}
                                         for e in d.fix.edits],
                    }],
                    "properties": {"safe": d.fix.safe},
                }]
            if extracted:
                res["properties"] = {"positionsReferTo": "extractedText"}
            sarif_results.append(res)

    cwd = Path.cwd().resolve().as_uri()
    run = {
        "tool": {"driver": {
            "name": "checker",
            "version": __version__,
            "semanticVersion": __version__,
            "language": "zh-CN",
            "rules": rules,
        }},
        "language": "zh-CN",
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {"%SRCROOT%": {"uri": cwd if cwd.endswith("/") else cwd + "/"}},
        "artifacts": artifacts,
        "results": sarif_results,
        "invocations": [{
            "executionSuccessful": not notifications,
            "workingDirectory": {"uri": cwd if cwd.endswith("/") else cwd + "/"},
            **({"toolExecutionNotifications": notifications} if notifications else {}),
        }],
        "properties": {"positions": "行、列从 1 开始，按 Unicode 字符（码位）计；endColumn 不含。"
                                    ".docx/.html/.pdf 的位置指 checker text 打印的提取文本。"},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def _fix_description(d, doc) -> str:
    if d.fix.description:
        return d.fix.description
    e0 = d.fix.edits[0]
    old = doc.text[e0.start:e0.end]
    if not e0.replacement:
        return f"删除“{old}”"
    if not old:
        return f"插入“{e0.replacement}”"
    return f"“{old}”改为“{e0.replacement}”"


@formatter("sarif")
def format_sarif(results, opts: FormatOptions | None = None) -> str:
    return json.dumps(to_sarif(results, opts), ensure_ascii=False, indent=2) + "\n"

