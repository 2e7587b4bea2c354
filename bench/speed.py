#!/usr/bin/env python3
"""Speed benchmark: cold start, warm throughput and peak memory of ``checker lint``; writes
docs/benchmarks.md.

    .venv/bin/python bench/speed.py              # 10 cold runs, 200 reports with --jobs 1 and 2
    .venv/bin/python bench/speed.py --runs 15 --reports 200 --no-write

Measured in the same run, interleaved so that a change in machine load hits all of them:
- ``python -c pass`` (the interpreter alone),
- ``python -c "import spacy, jieba; jieba.initialize()"`` (the NLP stack alone),
- ``checker lint REPORT --format json`` on the example report (cold: a new process each time).
Then ``checker lint DIR --format json --jobs N`` over 200 example-sized reports (copies of the
corpus reports) and over 20 of them, for N = 1 and 2. Warm throughput = 180 / (wall(200) −
wall(20)): start-up (interpreter, imports, pool, NLP) cancels out; end-to-end throughput
(200 / wall(200)) is given too. Peak memory is the largest proportional set size (PSS: shared
pages split between the processes that map them) of the process tree (the CLI plus its
workers, summed), sampled every 20 ms from /proc, or the kernel's per-process maximum RSS
(wait4) if that is larger.
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from expected import git_rev  # noqa: E402
DOC = ROOT / "docs" / "benchmarks.md"
VENV_PY = ROOT / ".venv" / "bin" / "python"
EXAMPLE = ROOT / "corpora" / "heizhuanghu-2020.txt"
TARGETS = {"cold": 1.0, "warm_j2": 100.0, "rss": 300.0}


def _python() -> str:
    return str(VENV_PY) if VENV_PY.exists() else sys.executable


def _checker() -> list[str]:
    exe = Path(_python()).parent / "checker"
    return [str(exe)] if exe.exists() else [_python(), "-m", "checker"]


def _children(pid: int) -> list[int]:
    out = []
    try:
        for t in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{t}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def _rss_kb(pid: int) -> int:
    """Proportional set size (shared pages split between the processes that map them), else RSS."""
    for name, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(name) as f:
                for line in f:
                    if line.startswith(key):
                        return int(line.split()[1])
        except OSError:
            continue
    return 0


def run(argv: list[str], cwd: Path = ROOT) -> tuple[float, float, float, int, float]:
    """(wall seconds, peak tree memory MB, peak single-process RSS MB, exit code, CPU seconds)."""
    peak = [0]
    done = threading.Event()
    t0 = time.perf_counter()
    p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         stdin=subprocess.DEVNULL)

    def sample():
        while not done.is_set():
            pids, seen = [p.pid], set()
            total = 0
            while pids:
                q = pids.pop()
                if q in seen:
                    continue
                seen.add(q)
                total += _rss_kb(q)
                pids += _children(q)
            peak[0] = max(peak[0], total)
            done.wait(0.02)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    done.set()
    th.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    single = ru.ru_maxrss / 1024.0  # KB on Linux
    cpu = ru.ru_utime + ru.ru_stime  # includes the workers it waited for
    return wall, max(peak[0] / 1024.0, single), single, p.returncode, cpu


def make_reports(n: int) -> Path:
    """``n`` example-sized reports (the corpus' .txt/.md reports, copied round-robin)."""
    srcs = sorted([EXAMPLE] + [p for p in (ROOT / "corpora" / "reports").glob("*") if p.suffix in (".txt", ".md")])
    d = Path(tempfile.mkdtemp(prefix=f"checker-speed-{n}-"))
    for i in range(n):
        s = srcs[i % len(srcs)]
        shutil.copy(s, d / f"r{i:04d}-{s.name}")
    return d


def machine() -> dict:
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = next(int(x.split()[1]) for x in open("/proc/meminfo") if x.startswith("MemTotal")) / 1048576
    except (OSError, StopIteration):
        mem = 0
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gb": mem, "python": platform.python_version(),
            "load": os.getloadavg()}


def bench(runs: int, reports: int, jobs_list: list[int], repeat: int) -> dict:
    py = _python()
    cmds = {
        "pass": [py, "-c", "pass"],
        "nlp": [py, "-c", "import spacy, jieba; jieba.initialize()"],
        "spacy": [py, "-c", "import spacy"],
        "jieba": [py, "-c", "import jieba; jieba.initialize()"],
        "cold": _checker() + ["lint", str(EXAMPLE), "--format", "json"],
        "version": _checker() + ["--version"],
    }
    # one untimed run of each, so that caches (jieba's prefix dictionary, .pyc) exist
    for argv in cmds.values():
        run(argv)
    res: dict[str, list] = {k: [] for k in cmds}
    for _ in range(runs):
        for k, argv in cmds.items():
            res[k].append(run(argv))
    out = {"machine": machine(), "runs": runs, "reports": reports}
    for k, rs in res.items():
        walls = [r[0] for r in rs]
        out[k] = {"median": statistics.median(walls), "min": min(walls), "max": max(walls),
                  "rss": max(r[1] for r in rs), "cpu": statistics.median(r[4] for r in rs)}
    small = max(2, reports // 10)
    d, d_small = make_reports(reports), make_reports(small)
    try:
        for j in jobs_list:
            walls, walls_small, rss, codes, cpus, cpus_small = [], [], [], set(), [], []
            for _ in range(repeat):
                w1, _t, _s, _c, c1 = run(_checker() + ["lint", str(d_small), "--format", "json", "--jobs", str(j), "-q"])
                w, tree, _single, code, c = run(_checker() + ["lint", str(d), "--format", "json", "--jobs", str(j), "-q"])
                walls.append(w)
                walls_small.append(w1)
                rss.append(tree)
                codes.add(code)
                cpus.append(c)
                cpus_small.append(c1)
            w, w1 = statistics.median(walls), statistics.median(walls_small)
            c, c1 = statistics.median(cpus), statistics.median(cpus_small)
            out[f"j{j}"] = {"wall": w, "wall_small": w1, "small": small, "e2e": reports / w,
                            "warm": (reports - small) / max(1e-9, w - w1), "rss": max(rss), "codes": sorted(codes),
                            "cpu_per_report": max(0.0, c - c1) / (reports - small)}
    finally:
        shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(d_small, ignore_errors=True)
    out["machine"]["load_after"] = os.getloadavg()
    return out


def render(r: dict, notes: str = "") -> str:
    m = r["machine"]
    L = ["# 速度与内存基准", "",
         "本文件由 `bench/speed.py` 生成，请勿手工修改。重新生成：", "",
         "```bash", ".venv/bin/python bench/speed.py", "```", "",
         f"- 提交 {git_rev()}，生成于 {time.strftime('%Y-%m-%d %H:%M')}",
         f"- 机器：{m['cpu']}，{m['cores']} 核，内存 {m['mem_gb']:.0f} GB，Python {m['python']}",
         f"- 系统负载（1/5/15 分钟平均）：开始时 {m['load'][0]:.1f}/{m['load'][1]:.1f}/{m['load'][2]:.1f}，"
         f"结束时 {m['load_after'][0]:.1f}/{m['load_after'][1]:.1f}/{m['load_after'][2]:.1f}"
         + ("（负载高于核数：与其他任务共用机器，计时偏慢、波动大）" if m["load"][0] > (m["cores"] or 1) else ""),
         f"- 冷启动每项运行 {r['runs']} 次、交替进行，取中位数；吞吐量用 {r['reports']} 份与示例报告同等大小的报告"
         "（语料库各报告轮流复制）。热吞吐量 =（200 − 20）÷（检查 200 份的用时 − 检查 20 份的用时），"
         "启动开销（解释器、导入、进程池、分词词典）相减后抵消；端到端吞吐量 = 200 ÷ 检查 200 份的用时。",
         "- 峰值内存：进程树（命令行进程及其工作进程）的 PSS 之和（共享页按进程平分），每 20 ms 采样一次；"
         "若内核记录的单进程最大 RSS 更大，取后者。", "",
         "## 冷启动（每次新开进程）", "",
         "| 命令 | 中位数 | 最快 | 最慢 | CPU 时间（中位数） | 峰值内存 |", "|---|---:|---:|---:|---:|---:|"]
    names = {"pass": "`python -c pass`", "nlp": "`python -c \"import spacy, jieba; jieba.initialize()\"`",
             "spacy": "`python -c \"import spacy\"`", "jieba": "`python -c \"import jieba; jieba.initialize()\"`",
             "version": "`checker --version`", "cold": "`checker lint 示例报告 --format json`"}
    for k in ("pass", "nlp", "spacy", "jieba", "version", "cold"):
        v = r[k]
        L.append(f"| {names[k]} | {v['median']:.2f} s | {v['min']:.2f} s | {v['max']:.2f} s | {v['cpu']:.2f} s | "
                 f"{v['rss']:.0f} MB |")
    L += ["", "## 批量吞吐量（一次检查一个目录）", "",
          "| 命令 | 用时 | 热吞吐量 | 端到端吞吐量 | 每份 CPU 时间（热） | 峰值内存（进程树合计） |",
          "|---|---:|---:|---:|---:|---:|"]
    for k in sorted(x for x in r if x.startswith("j") and x[1:].isdigit()):
        v = r[k]
        L.append(f"| `checker lint DIR --jobs {k[1:]}`（{r['reports']} 份；{v['small']} 份用时 {v['wall_small']:.1f} s） | {v['wall']:.1f} s | "
                 f"{v['warm']:.1f} 份/秒 | {v['e2e']:.1f} 份/秒 | {1000 * v['cpu_per_report']:.0f} ms | {v['rss']:.0f} MB |")
    cores = m["cores"] or 1
    est = [f"- 按 CPU 时间估算（机器不与他人共用时的上限）：`--jobs {k[1:]}` 约 "
           f"{min(int(k[1:]), cores) / max(1e-9, r[k]['cpu_per_report']):.0f} 份/秒"
           f"（每份 {1000 * r[k]['cpu_per_report']:.0f} ms CPU，{min(int(k[1:]), cores)} 个核）。"
           for k in sorted(x for x in r if x.startswith("j") and x[1:].isdigit())]
    if est:
        L += [""] + est
    L += ["", "## 与目标对照", "", "| 指标 | 目标 | 实测 | 结论 |", "|---|---:|---:|---|"]
    cold = r["cold"]["median"]
    L.append(f"| 冷启动检查一份报告 | ≤ {TARGETS['cold']:.1f} s | {cold:.2f} s | "
             + ("达标" if cold <= TARGETS["cold"] else f"未达标，超出 {cold - TARGETS['cold']:.2f} s（{cold / TARGETS['cold']:.1f} 倍）") + " |")
    if "j2" in r:
        w = r["j2"]["warm"]
        L.append(f"| 热吞吐量 `--jobs 2` | ≥ {TARGETS['warm_j2']:.0f} 份/秒 | {w:.1f} 份/秒 | "
                 + ("达标" if w >= TARGETS["warm_j2"] else f"未达标，差 {TARGETS['warm_j2'] - w:.1f} 份/秒（只有目标的 {w / TARGETS['warm_j2']:.0%}）") + " |")
    rss = max([r["cold"]["rss"]] + [r[k]["rss"] for k in r if k.startswith("j") and k[1:].isdigit()])
    L.append(f"| 峰值内存 | ≤ {TARGETS['rss']:.0f} MB | {rss:.0f} MB | "
             + ("达标" if rss <= TARGETS["rss"] else f"未达标，超出 {rss - TARGETS['rss']:.0f} MB") + " |")
    base = r["pass"]["cpu"]
    L += ["", "## 冷启动时间的构成（CPU 时间，不受机器负载影响）", "",
          f"- 解释器本身（`python -c pass`）：{base:.2f} s；",
          f"- `import spacy`：{r['spacy']['cpu']:.2f} s；jieba 载入词典（`jieba.initialize()`）：{r['jieba']['cpu']:.2f} s；"
          f"两者合计：{r['nlp']['cpu']:.2f} s；",
          f"- `checker --version`（导入命令行框架）：{r['version']['cpu']:.2f} s；",
          f"- `checker lint` 一份报告：{r['cold']['cpu']:.2f} s（墙钟时间 {cold:.2f} s）。", ""]
    if notes:
        L += [notes.rstrip(), ""]
    return "\n".join(L)


NOTES_FILE = ROOT / "bench" / "speed-notes.md"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Cold start, warm throughput and peak RSS of checker lint.")
    ap.add_argument("--runs", type=int, default=10, help="cold runs of each command (default 10)")
    ap.add_argument("--reports", type=int, default=200, help="reports for the throughput runs (default 200)")
    ap.add_argument("--jobs", default="1,2", help="--jobs values for the throughput runs (default 1,2)")
    ap.add_argument("--repeat", type=int, default=1, help="throughput runs per --jobs value (median; default 1)")
    ap.add_argument("--no-write", action="store_true", help="print only; do not rewrite docs/benchmarks.md")
    a = ap.parse_args(argv)
    r = bench(a.runs, a.reports, [int(x) for x in a.jobs.split(",")], a.repeat)
    notes = NOTES_FILE.read_text(encoding="utf-8") if NOTES_FILE.exists() else ""
    text = render(r, notes)
    if not a.no_write:
        DOC.parent.mkdir(parents=True, exist_ok=True)
        DOC.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {DOC.relative_to(ROOT)}", file=sys.stderr)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
