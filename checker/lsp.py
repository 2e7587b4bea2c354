"""``checker lsp``: a language server (LSP over stdio) for .txt/.md reports.

- Publishes diagnostics on open, on change (after a short pause in typing) and
  on save. The buffer text is linted as is (``document_from_text``) with the
  configuration found for the file's path, so per-file ignores and user packs
  apply as on the command line.
- Code actions: one quick fix per diagnostic that has a fix (the edits travel
  in the diagnostic's ``data``, so no re-lint is needed), and a
  ``source.fixAll.checker`` action that applies every safe fix at once.
- Hover over a flagged span shows the rule's explanation (the text of
  ``checker rule ID``).

Positions: our columns are Unicode code points; LSP counts UTF-16 code units
unless the client and server agree on another ``positionEncoding`` (pygls
picks the client's preferred one of utf-8/utf-16/utf-32). Every conversion
goes through ``to_units``/``from_units`` with the negotiated encoding, so
characters outside the BMP (𠀀, emoji) land where the editor expects them.
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import unquote

from lsprotocol import types as T

from . import __version__

log = logging.getLogger("checker.lsp")

SUFFIXES = {".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md"}
LANGUAGES = {"plaintext": "txt", "text": "txt", "markdown": "md"}
DEBOUNCE = 0.3  # seconds of quiet after a change before linting
FIX_ALL = "source.fixAll.checker"
SEVERITY = {"error": T.DiagnosticSeverity.Error, "warning": T.DiagnosticSeverity.Warning,
            "info": T.DiagnosticSeverity.Information}


# --------------------------------------------------------------------------- positions


def _encoding_name(enc) -> str:
    v = getattr(enc, "value", enc) or "utf-16"
    return str(v).lower()


def to_units(s: str, encoding: str) -> int:
    """Length of ``s`` in the code units of ``encoding`` (utf-8, utf-16 or utf-32)."""
    if encoding == "utf-32":
        return len(s)
    if encoding == "utf-8":
        return len(s.encode("utf-8", "surrogatepass"))
    return len(s) + sum(1 for c in s if ord(c) > 0xFFFF)


def from_units(line: str, units: int, encoding: str) -> int:
    """Code-point index in ``line`` of a position given in code units (clamped; never splits a character)."""
    if encoding == "utf-32":
        return max(0, min(units, len(line)))
    n = 0
    for i, c in enumerate(line):
        if n >= units:
            return i
        n += to_units(c, encoding)
    return len(line)


def lsp_position(doc, offset: int, encoding: str) -> T.Position:
    p = doc.position(offset)
    line = doc.line_text(p.line)
    return T.Position(line=p.line - 1, character=to_units(line[:p.column - 1], encoding))


def lsp_range(doc, start: int, end: int, encoding: str) -> T.Range:
    return T.Range(start=lsp_position(doc, start, encoding), end=lsp_position(doc, end, encoding))


def offset_of(doc, pos: T.Position, encoding: str) -> int:
    line_no = pos.line + 1
    if line_no > doc.index.line_count:
        return len(doc.text)
    line = doc.line_text(line_no)
    return doc.index.line_start(line_no) + from_units(line, pos.character, encoding)


def _range_json(r: T.Range) -> dict:
    return {"start": {"line": r.start.line, "character": r.start.character},
            "end": {"line": r.end.line, "character": r.end.character}}


def _range_from_json(d: dict) -> T.Range:
    return T.Range(start=T.Position(line=d["start"]["line"], character=d["start"]["character"]),
                   end=T.Position(line=d["end"]["line"], character=d["end"]["character"]))


# --------------------------------------------------------------------------- linting


@dataclass
class Linted:
    version: int | None
    doc: object
    result: object
    encoding: str
    diagnostics: list[T.Diagnostic] = field(default_factory=list)


def lint_buffer(text: str, path: str, fmt: str):
    """Lint an editor buffer with the configuration that applies to ``path``."""
    from .config import config_for
    from .linter import lint_document
    from .readers import document_from_text

    cfg = config_for(path)
    doc = document_from_text(text, path, fmt)
    return doc, lint_document(doc, cfg)


def _fix_title(d, doc) -> str:
    if d.fix.description:
        return f"修复：{d.fix.description}"
    e0 = d.fix.edits[0]
    old = doc.text[e0.start:e0.end]
    what = f"删除“{old}”" if not e0.replacement else (f"插入“{e0.replacement}”" if not old
                                                     else f"“{old}”改为“{e0.replacement}”")
    return f"修复：{what}" + ("" if d.fix.safe else "（需确认）") + f"（{d.rule}）"


def to_lsp_diagnostics(uri: str, doc, result, version, encoding: str) -> list[T.Diagnostic]:
    out = []
    for d in result.diagnostics:
        rng = lsp_range(doc, d.start, d.end, encoding)
        data: dict = {"rule": d.rule, "version": version}
        if d.fix and d.fix.edits:
            data["fix"] = {
                "title": _fix_title(d, doc),
                "safe": d.fix.safe,
                "edits": [{"range": _range_json(lsp_range(doc, e.start, e.end, encoding)), "newText": e.replacement}
                          for e in d.fix.edits],
            }
        related = []
        for r in d.related:
            if r.path is None:
                related.append(T.DiagnosticRelatedInformation(
                    location=T.Location(uri=uri, range=lsp_range(doc, r.start, r.end, encoding)), message=r.message))
        msg = d.message + (f"（{d.location}）" if d.location else "")
        out.append(T.Diagnostic(range=rng, message=msg, severity=SEVERITY[d.severity], code=d.rule,
                                source="checker", related_information=related or None, data=data))
    return out


# --------------------------------------------------------------------------- server


def build_server():
    from pygls.lsp.server import LanguageServer

    class CheckerServer(LanguageServer):
        def __init__(self):
            super().__init__("checker", __version__, text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
            self.linted: dict[str, Linted] = {}
            self.timers: dict[str, asyncio.TimerHandle] = {}
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checker-lint")

        @property
        def encoding(self) -> str:
            try:
                return _encoding_name(self.workspace.position_encoding)
            except Exception:
                return "utf-16"

        def open_document(self, uri: str):
            return self.workspace.text_documents.get(unquote(uri))

        def kind(self, tdoc) -> tuple[str | None, str]:
            """(format, filesystem path) of a buffer, or (None, …) when it is not a report we lint."""
            path = tdoc.path if tdoc.uri.startswith("file:") else None
            fmt = None
            if path:
                fmt = SUFFIXES.get(os.path.splitext(path)[1].lower())
            if fmt is None and (tdoc.language_id or "") in LANGUAGES and not path:
                fmt = LANGUAGES[tdoc.language_id]
            if not path:
                root = self.workspace.root_path or os.getcwd()
                path = os.path.join(root, "untitled." + (fmt or "txt"))
            return fmt, path

        def schedule(self, uri: str, delay: float) -> None:
            loop = asyncio.get_running_loop()
            old = self.timers.pop(uri, None)
            if old:
                old.cancel()
            self.timers[uri] = loop.call_later(delay, lambda: asyncio.ensure_future(self.lint_and_publish(uri)))

        async def lint_and_publish(self, uri: str) -> None:
            self.timers.pop(uri, None)
            tdoc = self.open_document(uri)
            if tdoc is None:
                return
            fmt, path = self.kind(tdoc)
            if fmt is None:
                return
            version, text, enc = tdoc.version, tdoc.source, self.encoding
            loop = asyncio.get_running_loop()
            try:
                doc, res = await loop.run_in_executor(self.pool, lint_buffer, text, path, fmt)
            except Exception as e:  # a broken config or pack: say so, keep serving
                self.window_show_message(T.ShowMessageParams(type=T.MessageType.Error,
                                                             message=f"checker：无法检查 {os.path.basename(path)}：{e}"))
                return
            cur = self.open_document(uri)
            if cur is None or cur.version != version or cur.source != text:
                return  # changed meanwhile: a newer lint is scheduled
            diags = to_lsp_diagnostics(uri, doc, res, version, enc)
            self.linted[uri] = Linted(version, doc, res, enc, diags)
            self.text_document_publish_diagnostics(
                T.PublishDiagnosticsParams(uri=uri, diagnostics=diags, version=version))

    server = CheckerServer()

    @server.feature(T.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: CheckerServer, params: T.DidOpenTextDocumentParams):
        ls.schedule(params.text_document.uri, 0)

    @server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: CheckerServer, params: T.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri, DEBOUNCE)

    @server.feature(T.TEXT_DOCUMENT_DID_SAVE, T.SaveOptions(include_text=False))
    async def did_save(ls: CheckerServer, params: T.DidSaveTextDocumentParams):
        from . import config

        # the config may have been edited: look it up afresh
        config.find_config_file.cache_clear()
        config._load_cached.cache_clear()
        ls.schedule(params.text_document.uri, 0)

    @server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: CheckerServer, params: T.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        t = ls.timers.pop(uri, None)
        if t:
            t.cancel()
        ls.linted.pop(uri, None)
        ls.text_document_publish_diagnostics(T.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _edit(ls: CheckerServer, uri: str, version, edits: list[T.TextEdit]) -> T.WorkspaceEdit:
        from pygls.capabilities import get_capability

        if get_capability(ls.client_capabilities, "workspace.workspace_edit.document_changes", False):
            return T.WorkspaceEdit(document_changes=[T.TextDocumentEdit(
                text_document=T.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version), edits=edits)])
        return T.WorkspaceEdit(changes={uri: edits})

    @server.feature(T.TEXT_DOCUMENT_CODE_ACTION,
                    T.CodeActionOptions(code_action_kinds=[T.CodeActionKind.QuickFix, FIX_ALL], resolve_provider=False))
    def code_action(ls: CheckerServer, params: T.CodeActionParams):
        uri = params.text_document.uri
        tdoc = ls.open_document(uri)
        current = tdoc.version if tdoc else None
        only = params.context.only
        actions: list[T.CodeAction] = []
        kinds = [str(getattr(k, "value", k)) for k in only or []]
        want_quick = not kinds or any("quickfix".startswith(k) for k in kinds)
        want_all = not kinds or any(FIX_ALL.startswith(k) for k in kinds)
        if want_quick:
            for d in params.context.diagnostics:
                data = d.data if isinstance(d.data, dict) else None
                if d.source != "checker" or not data or "fix" not in data:
                    continue
                if data.get("version") != current:
                    continue  # stale: the buffer changed since this diagnostic was computed
                fix = data["fix"]
                edits = [T.TextEdit(range=_range_from_json(e["range"]), new_text=e["newText"]) for e in fix["edits"]]
                actions.append(T.CodeAction(title=fix["title"], kind=T.CodeActionKind.QuickFix, diagnostics=[d],
                                            is_preferred=bool(fix.get("safe")), edit=_edit(ls, uri, current, edits)))
        linted = ls.linted.get(uri)
        if want_all and linted is not None and linted.version == current:
            from .fixes import select_fixes

            applied, _, taken = select_fixes(linted.result.diagnostics, linted.doc.text)
            if taken:
                edits = [T.TextEdit(range=lsp_range(linted.doc, e.start, e.end, linted.encoding), new_text=e.replacement)
                         for e in taken]
                actions.append(T.CodeAction(title=f"checker：修复全部可安全修复的问题（{len(applied)} 个）",
                                            kind=FIX_ALL, edit=_edit(ls, uri, current, edits)))
        return actions

    @server.feature(T.TEXT_DOCUMENT_HOVER)
    def hover(ls: CheckerServer, params: T.HoverParams):
        from .config import config_for
        from .engine.packs import load_rules
        from .explain import explain

        linted = ls.linted.get(params.text_document.uri)
        if linted is None:
            return None
        doc = linted.doc
        off = offset_of(doc, params.position, linted.encoding)
        hits = [d for d in linted.result.diagnostics if d.start <= off < d.end or d.start == off == d.end]
        if not hits:
            return None
        try:
            rules = load_rules(config_for(doc.path).packs)
        except Exception:
            rules = {}
        parts, seen = [], set()
        for d in hits:
            parts.append(f"**{d.rule}**：{d.message}")
            if d.rule in rules and d.rule not in seen:
                seen.add(d.rule)
                parts.append("```text\n" + explain(rules[d.rule].meta) + "\n```")
        first = hits[0]
        return T.Hover(contents=T.MarkupContent(kind=T.MarkupKind.Markdown, value="\n\n".join(parts)),
                       range=lsp_range(doc, first.start, first.end, linted.encoding))

    return server


def main() -> None:
    """Serve over stdio. Anything printed by libraries goes to stderr, never into the protocol stream."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="checker lsp: %(levelname)s %(message)s")
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr
    server = build_server()
    server.start_io(stdin, stdout)
