"""`checker lsp` through a real LSP session: JSON-RPC over the stdio of `python -m checker lsp`."""
from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT

# An astral character (U+20000, two UTF-16 code units) before the defects on the same line.
TEXT = ("北京市某某区某某乡人民政府2020年政府信息公开工作年度报告\n"
        "\n"
        "𠀀本机关里面涉及涉及多个科室的工作。\n"
        "部分申请超出现定时限答复。\n")
LINE = 2  # 0-based line of “涉及涉及”


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


class LspClient:
    """A minimal LSP client: Content-Length framing over the server's stdin/stdout."""

    def __init__(self, cwd: Path):
        self.proc = subprocess.Popen([sys.executable, "-m", "checker", "lsp"], cwd=cwd, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.next_id = 0
        self.messages: queue.Queue = queue.Queue()
        self.pending: list[dict] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.decode("ascii").partition(":")
                headers[k.strip().lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put(json.loads(body.decode("utf-8")))

    def send(self, msg: dict):
        msg = {"jsonrpc": "2.0", **msg}
        body = json.dumps(msg, ensure_ascii=False).encode("utf-8")
        self.proc.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: dict):
        self.send({"method": method, "params": params})

    def _next(self, deadline: float) -> dict:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("no message from the server")
        msg = self.messages.get(timeout=left)
        if msg is None:
            raise EOFError("server closed its output: " + self.proc.stderr.read().decode("utf-8", "replace"))
        if msg.get("method") and "id" in msg:  # a request from the server (e.g. window/workDoneProgress/create)
            self.send({"id": msg["id"], "result": None})
            return self._next(deadline)
        return msg

    def request(self, method: str, params: dict, timeout: float = 120) -> dict:
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next(deadline)
            if msg.get("id") == rid:
                assert "error" not in msg, msg
                return msg.get("result")
            self.pending.append(msg)

    def wait_notification(self, method: str, pred=lambda p: True, timeout: float = 120) -> dict:
        for i, m in enumerate(self.pending):
            if m.get("method") == method and pred(m["params"]):
                return self.pending.pop(i)["params"]
        deadline = time.monotonic() + timeout
        while True:
            msg = self._next(deadline)
            if msg.get("method") == method and pred(msg["params"]):
                return msg["params"]
            self.pending.append(msg)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)


@pytest.fixture
def client(tmp_path):
    c = LspClient(tmp_path)
    yield c
    c.close()


def _initialize(client: LspClient, root: Path, encodings=None) -> dict:
    caps: dict = {"workspace": {"workspaceEdit": {"documentChanges": True}},
                  "textDocument": {"codeAction": {"codeActionLiteralSupport": {
                      "codeActionKind": {"valueSet": ["quickfix", "source"]}}},
                      "hover": {"contentFormat": ["markdown", "plaintext"]},
                      "publishDiagnostics": {"relatedInformation": True}}}
    if encodings:
        caps["general"] = {"positionEncodings": encodings}
    res = client.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": caps})
    client.notify("initialized", {})
    return res


def _apply(text: str, edits: list[dict]) -> str:
    """Apply LSP TextEdits (UTF-16 positions) to a text, as an editor would."""
    lines = text.split("\n")

    def offset(pos):
        line = lines[pos["line"]]
        units, i = 0, 0
        while i < len(line) and units < pos["character"]:
            units += utf16_len(line[i])
            i += 1
        return sum(len(x) + 1 for x in lines[:pos["line"]]) + i

    for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"], e["range"]["start"]["character"]),
                    reverse=True):
        s, t = offset(e["range"]["start"]), offset(e["range"]["end"])
        text = text[:s] + e["newText"] + text[t:]
    return text


def test_lsp_session_diagnostics_code_action_hover(client, tmp_path):
    path = tmp_path / "年报.txt"
    path.write_text(TEXT, encoding="utf-8")
    uri = path.as_uri()
    init = _initialize(client, tmp_path)
    caps = init["capabilities"]
    assert caps.get("positionEncoding", "utf-16") == "utf-16"
    assert caps["hoverProvider"] and caps["codeActionProvider"]
    assert caps["textDocumentSync"]["save"] is not False

    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "plaintext", "version": 1,
                                                             "text": TEXT}})
    pub = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    by_rule = {d["code"]: d for d in pub["diagnostics"]}
    assert {"repetition.word", "typo.common"} <= set(by_rule), pub
    rep = by_rule["repetition.word"]
    line = TEXT.split("\n")[LINE]
    col = line.index("涉及涉及")
    # UTF-16: 𠀀 counts two code units, so the column is one more than in code points
    assert rep["range"] == {"start": {"line": LINE, "character": utf16_len(line[:col])},
                            "end": {"line": LINE, "character": utf16_len(line[:col + 4])}}
    assert utf16_len(line[:col]) == col + 1
    assert rep["source"] == "checker" and rep["severity"] == 1

    # the quick fix for the repetition
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": rep["range"], "context": {"diagnostics": [rep]}})
    quick = [a for a in actions if a["kind"] == "quickfix"]
    assert len(quick) == 1 and quick[0]["isPreferred"]
    doc_edit = quick[0]["edit"]["documentChanges"][0]
    assert doc_edit["textDocument"] == {"uri": uri, "version": 1}
    fixed = _apply(TEXT, doc_edit["edits"])
    assert "里面涉及多个科室" in fixed and "涉及涉及" not in fixed
    assert fixed.replace("里面涉及多个", "里面涉及涉及多个") == TEXT

    # hover on the typo shows the rule's explanation
    typo = by_rule["typo.common"]
    hov = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": typo["range"]["start"]})
    assert "typo.common" in hov["contents"]["value"] and "检查内容" in hov["contents"]["value"]
    assert hov["range"] == typo["range"]

    # the editor applies the fix: new diagnostics without the repetition
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": fixed}]})
    pub2 = client.wait_notification("textDocument/publishDiagnostics",
                                    lambda p: p["uri"] == uri and p.get("version") == 2)
    rules2 = [d["code"] for d in pub2["diagnostics"]]
    assert "repetition.word" not in rules2 and "typo.common" in rules2

    # only quick fixes asked for: the typo's fix, no source action
    typo2 = next(d for d in pub2["diagnostics"] if d["code"] == "typo.common")
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": typo2["range"], "context": {"diagnostics": [typo2], "only": ["quickfix"]}})
    assert [a["kind"] for a in actions] == ["quickfix"] and "规定时限" in actions[0]["title"]

    # fix-all source action, then an incremental change applying it
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": typo2["range"],
        "context": {"diagnostics": [], "only": ["source.fixAll.checker"]}})
    assert [a["kind"] for a in actions] == ["source.fixAll.checker"]
    edits = actions[0]["edit"]["documentChanges"][0]["edits"]
    assert len(edits) == 1 and edits[0]["newText"] == "规定时限"
    client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                             "contentChanges": [{"range": edits[0]["range"], "text": "规定时限"}]})
    pub3 = client.wait_notification("textDocument/publishDiagnostics",
                                    lambda p: p["uri"] == uri and p.get("version") == 3)
    assert not [d for d in pub3["diagnostics"] if d["code"] in ("typo.common", "repetition.word")]

    # a stale diagnostic (older version) gets no quick fix
    stale = client.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": rep["range"], "context": {"diagnostics": [rep], "only": ["quickfix"]}})
    assert stale == []

    # save re-lints; close clears
    client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    closed = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    assert closed["diagnostics"] == []

    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.proc.wait(timeout=30) == 0


def test_lsp_utf32_negotiation_and_config(client, tmp_path):
    """A client that offers utf-32 gets code-point columns; per-file ignores of the config apply; .docx is not linted."""
    (tmp_path / ".checker.yaml").write_text('per-file-ignores: {"ignored/*": [repetition]}\n', encoding="utf-8")
    (tmp_path / "ignored").mkdir()
    init = _initialize(client, tmp_path, encodings=["utf-32", "utf-16"])
    assert init["capabilities"]["positionEncoding"] == "utf-32"
    uri = (tmp_path / "a.md").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1,
                                                             "text": TEXT}})
    pub = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    rep = next(d for d in pub["diagnostics"] if d["code"] == "repetition.word")
    col = TEXT.split("\n")[LINE].index("涉及涉及")
    assert rep["range"]["start"] == {"line": LINE, "character": col}

    ign = (tmp_path / "ignored" / "b.txt").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": ign, "languageId": "plaintext", "version": 1,
                                                             "text": TEXT}})
    pub = client.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == ign)
    codes = {d["code"] for d in pub["diagnostics"]}
    assert "typo.common" in codes and "repetition.word" not in codes

    other = (tmp_path / "c.py").as_uri()
    client.notify("textDocument/didOpen", {"textDocument": {"uri": other, "languageId": "python", "version": 1,
                                                             "text": "涉及涉及\n"}})
    # nothing is published for it: the next message about c.py would be a bug; check via hover returning null
    assert client.request("textDocument/hover", {"textDocument": {"uri": other},
                                                 "position": {"line": 0, "character": 1}}) is None
    assert not [m for m in client.pending if m.get("params", {}).get("uri") == other]
    assert client.request("shutdown", None) is None
    client.notify("exit", None)
    assert client.proc.wait(timeout=30) == 0


def test_position_conversions():
    from checker.lsp import from_units, offset_of, lsp_position, to_units
    from checker.readers import document_from_text

    s = "a𠀀b😀c"
    assert to_units(s, "utf-16") == 7 and to_units(s, "utf-32") == 5 and to_units(s, "utf-8") == 1 + 4 + 1 + 4 + 1
    assert from_units(s, 3, "utf-16") == 2  # after 𠀀
    assert from_units(s, 2, "utf-16") == 2  # inside the surrogate pair: never split the character
    assert from_units(s, 5, "utf-8") == 2
    doc = document_from_text("第一行\r\n" + s + "\n")
    off = doc.text.index("c")
    for enc in ("utf-8", "utf-16", "utf-32"):
        pos = lsp_position(doc, off, enc)
        assert pos.line == 1 and pos.character == to_units(s[:s.index("c")], enc)
        assert offset_of(doc, pos, enc) == off


def test_cli_has_lsp_command():
    p = subprocess.run([sys.executable, "-m", "checker", "lsp", "--help"], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0 and "语言服务器" in p.stdout
