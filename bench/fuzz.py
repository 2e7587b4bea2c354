"""Fuzz the readers and the whole lint pipeline with random and mutated report files.

    .venv/bin/python bench/fuzz.py --n 10000            # the full run (writes docs/robustness.md)
    .venv/bin/python bench/fuzz.py --n 300 --no-write   # a quick look

Seeds: the corpus reports (corpora/, ../shared/corpora/real/ when present) and
generated .docx/.html/.pdf fixtures (tests/hostile.py). Each input is a seed
mutated by byte flips, truncation, splicing of two seeds, insertion of
"interesting" chunks, line shuffling, or a mutation inside the .docx zip (so the
XML parser is reached), or is random bytes / random text. It is written to a
temporary file with a reader's suffix (sometimes the wrong one) and goes through
``read_document`` → ``lint_document`` (every rule) → the json and text formatters,
in a forked worker process with a per-input timeout.

Counted as a crash: any exception other than ReaderError, a ReaderError message
that is not Chinese, a rule note "内部错误"/"越界", a range outside the text, a
formatter exception, or a worker that dies. Counted as a hang: no answer within
``--timeout`` seconds (the worker is killed and replaced). Crashing and hanging
inputs are saved to ``--save-dir`` to reproduce.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import io
import json
import multiprocessing as mp
import os
import random
import re
import resource
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

import hostile  # noqa: E402  (tests/hostile.py)

DOC = ROOT / "docs" / "robustness.md"
BEGIN, END = "<!-- fuzz:begin -->", "<!-- fuzz:end -->"
SUFFIXES = [".txt", ".md", ".docx", ".html", ".pdf"]
CJK = re.compile(r"[\u4e00-\u9fff]")
INTERESTING = [b"\x00", b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", "涉及涉及".encode(),
               "。。".encode(), "《".encode(), "”".encode(), "（".encode(), b"<div>" * 50, b"</p>",
               b"<script>", b"%PDF-1.4", b"PK\x03\x04", b"\xe6", b"\xe6\x94", "一、".encode(), "（一）".encode(),
               "2020年13月32日".encode(), "表三".encode(), "总计".encode(), b"9" * 40, b"(" * 30, b"http://x.gov.cn/",
               "\u200b".encode(), "\u3000".encode(), b"\t", b"%%EOF", b"endobj", b"stream\n", b"<w:t>", b"</w:t>",
               b"<w:tbl>", b"<w:tc>", b'<w:gridSpan w:val="999999"/>', b'<w:vMerge/>']


# --------------------------------------------------------------------------- seeds

def load_seeds() -> list[tuple[str, bytes]]:
    seeds: list[tuple[str, bytes]] = []
    dirs = [ROOT / "corpora", ROOT.parent / "shared" / "corpora" / "real"]
    for d in dirs:
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*")):
            if p.is_file() and p.suffix.lower() in SUFFIXES + [".htm"] and p.stat().st_size < 3_000_000:
                seeds.append((p.suffix.lower().replace(".htm", ".html").replace(".htmll", ".html"), p.read_bytes()))
    report = hostile.REPORT_LINES
    table = [["", "自然人", "商业企业", "总计"], ["一、本年新收政府信息公开申请数量", "5", "1", "6"],
             ["（七）总计", "5", "1", "6"]]
    seeds += [
        (".docx", hostile.make_docx(report, table)),
        (".docx", hostile.make_docx(report)),
        (".html", hostile.make_html(report, table=table)),
        (".html", hostile.html_with_scripts()),
        (".html", hostile.html_no_body()),
        (".pdf", hostile.make_pdf(report)),
        (".pdf", hostile.make_pdf(report * 5, lines_per_page=12)),
        (".txt", hostile.mixed_line_ends()),
        *[(".txt", v) for v in hostile.text_variants().values()],
    ]
    return seeds


# --------------------------------------------------------------------------- mutations

def _flip(rnd: random.Random, data: bytes) -> bytes:
    if not data:
        return bytes([rnd.randrange(256)])
    b = bytearray(data)
    for _ in range(rnd.choice([1, 1, 2, 4, 16, 64])):
        i = rnd.randrange(len(b))
        b[i] = b[i] ^ (1 << rnd.randrange(8)) if rnd.random() < 0.7 else rnd.randrange(256)
    return bytes(b)


def _truncate(rnd, data):
    return data[: rnd.randrange(len(data) + 1)] if data else data


def _splice(rnd, data, other):
    if not data or not other:
        return data + other
    return data[: rnd.randrange(len(data))] + other[rnd.randrange(len(other)):]


def _insert(rnd, data):
    i = rnd.randrange(len(data) + 1)
    chunk = rnd.choice(INTERESTING) * rnd.choice([1, 1, 2, 10, 100])
    return data[:i] + chunk + data[i:]


def _duplicate(rnd, data):
    if len(data) < 2:
        return data * 2
    a = rnd.randrange(len(data))
    b = min(len(data), a + rnd.randrange(1, 4096))
    return data[:b] + data[a:b] * rnd.choice([1, 2, 8]) + data[b:]


def _lines(rnd, data):
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _flip(rnd, data)
    lines = text.split("\n")
    op = rnd.random()
    if op < 0.3:
        rnd.shuffle(lines)
    elif op < 0.6 and lines:
        i = rnd.randrange(len(lines))
        lines.insert(i, lines[rnd.randrange(len(lines))])
    elif op < 0.8:
        return "".join(lines).encode("utf-8")  # everything on one line
    else:
        ch = "".join(chr(rnd.choice([rnd.randrange(0x20, 0x7f), rnd.randrange(0x4e00, 0x9fff),
                                     rnd.randrange(0x3000, 0x3040), rnd.randrange(0xff00, 0xffef),
                                     rnd.randrange(0x80, 0x2fff), rnd.randrange(0x10000, 0x2ffff)]))
                     for _ in range(rnd.randrange(1, 20)))
        i = rnd.randrange(len(lines))
        j = rnd.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:j] + ch + lines[i][j:]
    return "\n".join(lines).encode("utf-8")


def _zip_member(rnd, data):
    """Mutate one member of a zip (a .docx) and re-pack it, so the XML parsers are reached."""
    try:
        src = zipfile.ZipFile(io.BytesIO(data))
        infos = src.infolist()
        target = rnd.choice([i for i in infos if i.filename.endswith(".xml")] or infos)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for info in infos:
                body = src.read(info.filename)
                if info.filename == target.filename:
                    body = rnd.choice([_flip, _truncate, _insert, _duplicate])(rnd, body)
                z.writestr(info.filename, body)
        return out.getvalue()
    except Exception:  # not a zip (any more): mutate the bytes
        return _flip(rnd, data)


def _random_text(rnd) -> bytes:
    alphabet = (list("，。、；：？！“”‘’（）《》【】…—0123456789年月日件项是涉及的一二三四五六七 \n\t\u3000")
                + ["政府信息公开", "申请", "予以公开", "总计", "截止", "一是", "（一）", "一、", "\r\n", "\r"])
    n = rnd.choice([0, 1, 10, 100, 1000, 10000])
    text = "".join(rnd.choice(alphabet) if rnd.random() < 0.8 else chr(rnd.randrange(1, 0x30000)) for _ in range(n))
    enc = rnd.choice(["utf-8", "utf-8", "gb18030", "utf-16-le", "utf-16"])
    return text.encode(enc, errors="ignore")


def make_input(rnd: random.Random, seeds) -> tuple[str, bytes, str]:
    """(suffix, bytes, how) for one fuzz input."""
    r = rnd.random()
    if r < 0.04:
        return rnd.choice(SUFFIXES), bytes(rnd.randrange(256) for _ in range(rnd.choice([0, 1, 16, 512, 8192]))), "random-bytes"
    if r < 0.10:
        return rnd.choice([".txt", ".md", ".html"]), _random_text(rnd), "random-text"
    suffix, data = rnd.choice(seeds)
    how = []
    for _ in range(rnd.choice([1, 1, 1, 2, 3])):
        op = rnd.random()
        if suffix == ".docx" and op < 0.45:
            data = _zip_member(rnd, data)
            how.append("zip-member")
        elif op < 0.55:
            data = _flip(rnd, data)
            how.append("flip")
        elif op < 0.65:
            data = _truncate(rnd, data)
            how.append("truncate")
        elif op < 0.75:
            data = _splice(rnd, data, rnd.choice(seeds)[1])
            how.append("splice")
        elif op < 0.83:
            data = _insert(rnd, data)
            how.append("insert")
        elif op < 0.88:
            data = _duplicate(rnd, data)
            how.append("duplicate")
        else:
            data = _lines(rnd, data)
            how.append("lines")
    if rnd.random() < 0.05:
        suffix = rnd.choice(SUFFIXES)  # the wrong extension
        how.append("suffix")
    return suffix, data, "+".join(how)


# --------------------------------------------------------------------------- worker

def check_one(path: str) -> dict:
    from checker.config import Config
    from checker.formats import FormatOptions, get
    from checker.linter import FileResult, lint_document
    from checker.readers import ReaderError, read_document

    out = {"status": "ok", "detail": "", "timeouts": 0}
    try:
        doc = read_document(path)
    except ReaderError as e:
        msg = str(e)
        if not CJK.search(msg) or "\n" in msg:
            return {"status": "crash", "detail": f"ReaderError not a Chinese line: {msg!r}", "timeouts": 0}
        return {"status": "error", "detail": msg[:80], "timeouts": 0}
    except BaseException as e:  # noqa: BLE001
        return {"status": "crash", "detail": "read: " + "".join(traceback.format_exception(e))[-1500:],
                "timeouts": 0}
    try:
        res = lint_document(doc, Config(rule_timeout=10))
        bad = [n for n in res.notes if "内部错误" in n or "越界" in n]
        out["timeouts"] = sum("超过时间限制" in n for n in res.notes)
        if bad:
            return {"status": "crash", "detail": "; ".join(bad)[:1500], "timeouts": out["timeouts"]}
        n = len(doc.text)
        for d in res.diagnostics:
            if not (0 <= d.start <= d.end <= n):
                return {"status": "crash", "detail": f"range {d.rule} {d.start}-{d.end} of {n}", "timeouts": 0}
        for fmt in ("json", "text"):
            s = get(fmt)([res], FormatOptions())
            if fmt == "json":
                json.loads(s)
        get("text")([FileResult(path=path, error="测试")], FormatOptions())
    except BaseException as e:  # noqa: BLE001
        return {"status": "crash", "detail": "lint: " + "".join(traceback.format_exception(e))[-1500:],
                "timeouts": out["timeouts"]}
    out["diagnostics"] = len(res.diagnostics)
    return out


def _worker(conn):
    while True:
        try:
            path = conn.recv()
        except EOFError:
            return
        if path is None:
            conn.send({"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss})
            return
        conn.send(check_one(path))


class Worker:
    def __init__(self, ctx):
        self.ctx = ctx
        self.start()

    def start(self):
        self.conn, child = self.ctx.Pipe()
        self.proc = self.ctx.Process(target=_worker, args=(child,), daemon=True)
        self.proc.start()
        child.close()

    def run(self, path: str, timeout: float) -> dict:
        try:
            self.conn.send(path)
            if self.conn.poll(timeout):
                return self.conn.recv()
            status = {"status": "hang", "detail": f"no answer in {timeout:g} s", "timeouts": 0}
        except (EOFError, OSError, BrokenPipeError) as e:
            status = {"status": "crash", "detail": f"worker died ({type(e).__name__}, exit {self.proc.exitcode})",
                      "timeouts": 0}
        self.proc.kill()
        self.proc.join()
        self.start()
        return status

    def close(self) -> int:
        try:
            self.conn.send(None)
            if self.conn.poll(30):
                return self.conn.recv().get("rss_kb", 0)
        except (EOFError, OSError):
            pass
        finally:
            self.proc.kill()
            self.proc.join()
        return 0


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="number of inputs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per input before it counts as a hang")
    ap.add_argument("--save-dir", default=None, help="where crashing/hanging inputs are kept")
    ap.add_argument("--no-write", action="store_true", help="do not update docs/robustness.md")
    args = ap.parse_args(argv)

    # warm up in the parent (jieba, spaCy, rule packs) so that forked workers start at once
    from checker.config import Config
    from checker.linter import lint_document
    from checker.readers import document_from_text

    lint_document(document_from_text(hostile.REPORT_TEXT + "涉及涉及。\n"), Config())

    rnd = random.Random(args.seed)
    seeds = load_seeds()
    save = Path(args.save_dir or tempfile.mkdtemp(prefix="checker-fuzz-findings-"))
    work = Path(tempfile.mkdtemp(prefix="checker-fuzz-"))
    ctx = mp.get_context("fork")
    worker = Worker(ctx)
    per_reader: Counter = Counter()
    outcomes: Counter = Counter()
    timeouts = 0
    findings: list[dict] = []
    t0 = time.monotonic()
    try:
        for k in range(args.n):
            suffix, data, how = make_input(rnd, seeds)
            path = work / f"input{suffix}"
            path.write_bytes(data)
            res = worker.run(str(path), args.timeout)
            per_reader[suffix] += 1
            outcomes[res["status"]] += 1
            timeouts += res.get("timeouts", 0)
            if res["status"] in ("crash", "hang"):
                keep = save / f"{res['status']}-{k:05d}{suffix}"
                keep.write_bytes(data)
                findings.append({"input": str(keep), "how": how, **res})
                print(f"[{k}] {res['status']} {suffix} ({how}): {res['detail'][:300]}", file=sys.stderr)
            if (k + 1) % 500 == 0:
                print(f"{k + 1}/{args.n} inputs, {dict(outcomes)}, {time.monotonic() - t0:.0f} s", file=sys.stderr)
    finally:
        rss = worker.close()
        for p in work.iterdir():
            p.unlink()
        work.rmdir()
    duration = time.monotonic() - t0
    summary = {
        "date": _dt.date.today().isoformat(),
        "inputs": args.n,
        "seed": args.seed,
        "seeds": len(seeds),
        "per_reader": dict(sorted(per_reader.items())),
        "outcomes": dict(outcomes),
        "crashes": outcomes["crash"],
        "hangs": outcomes["hang"],
        "rule_timeouts": timeouts,
        "duration_s": round(duration),
        "timeout_s": args.timeout,
        "worker_peak_rss_mb": round(rss / 1024),
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if findings:
        (save / "findings.json").write_text(json.dumps(findings, ensure_ascii=False, indent=2), encoding="utf-8")
        print(f"crashing/hanging inputs kept in {save}", file=sys.stderr)
    elif not args.save_dir:
        save.rmdir()
    if not args.no_write:
        write_doc(summary)
    return 1 if findings else 0


def write_doc(s: dict) -> None:
    readers = "，".join(f"{k} {v}" for k, v in s["per_reader"].items())
    outcome_zh = {"ok": "正常检查", "error": "明确的读取错误（退出码 2）", "crash": "崩溃", "hang": "卡住"}
    outcomes = "，".join(f"{outcome_zh.get(k, k)} {v}" for k, v in sorted(s["outcomes"].items()))
    block = "\n".join([
        BEGIN,
        f"最近一次运行（{s['date']}，`python bench/fuzz.py --n {s['inputs']} --seed {s['seed']}`）：",
        "",
        "| 项目 | 结果 |",
        "| --- | --- |",
        f"| 输入数 | {s['inputs']}（种子文件 {s['seeds']} 个） |",
        f"| 各读取器 | {readers} |",
        f"| 结果 | {outcomes} |",
        f"| 崩溃 | **{s['crashes']}** |",
        f"| 卡住（单个输入超过 {s['timeout_s']:g} 秒） | **{s['hangs']}** |",
        f"| 规则超时（已命名并跳过，运行继续） | {s['rule_timeouts']} |",
        f"| 用时 | {s['duration_s']} 秒 |",
        f"| 工作进程内存峰值 | {s['worker_peak_rss_mb']} MB |",
        END,
    ])
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + block + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n## 模糊测试（bench/fuzz.py）\n\n" + block + "\n"
    DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
