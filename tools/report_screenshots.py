"""Regenerate the README screenshots of the HTML report with headless Chromium.

    .venv/bin/python tools/report_screenshots.py

docs/html-report.png         the example report (corpora/heizhuanghu-2020.txt), top of the page
docs/html-report-tables.png  a report with planted table errors (corpora/layouts/qingxi-2022-planted.docx),
                             the tables section with the failing cells marked

Needs Debian's ``chromium`` and a CJK font (``fonts-noto-cjk``); nothing is downloaded.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH = 1400


def chromium(args: list[str], url: str, profile: str) -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        sys.exit("chromium not found (apt-get install chromium fonts-noto-cjk)")
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--disable-quic", "--hide-scrollbars",
           f"--user-data-dir={profile}", *args, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=True).stdout


def render(path: Path) -> str:
    from checker.formats import FormatOptions, get
    from checker.linter import lint_file

    os.chdir(ROOT)
    return get("html")([lint_file(str(path.relative_to(ROOT)))], FormatOptions())


def shoot(page: str, out: Path, height: int, anchor: str | None = None, crop: int | None = None,
          left: int = 0) -> None:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        top = 0
        if anchor:
            # where the anchor is laid out at this width (a screenshot cannot scroll reliably)
            probe = page.replace("</body>", "<script>document.body.setAttribute('data-y',"
                                 f"Math.round(document.getElementById('{anchor}').getBoundingClientRect().top))"
                                 "</script></body>")
            html.write_text(probe, encoding="utf-8")
            dom = chromium([f"--window-size={WIDTH},{height}", "--dump-dom"], html.as_uri(), f"{tmp}/p1")
            top = max(0, int(re.search(r'data-y="(\d+)"', dom).group(1)) - 14)
        html.write_text(page, encoding="utf-8")
        png = Path(tmp) / "shot.png"
        chromium([f"--window-size={WIDTH},{top + (crop or height)}", f"--screenshot={png}"], html.as_uri(),
                 f"{tmp}/p2")
        im = Image.open(png).convert("RGB")
        im = im.crop((left, top, WIDTH, top + (crop or height)))
        im.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, optimize=True)
    print(f"wrote {out.relative_to(ROOT)}")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shoot(render(ROOT / "corpora" / "heizhuanghu-2020.txt"), docs / "html-report.png", 1700)
    planted = ROOT / "corpora" / "layouts" / "qingxi-2022-planted.docx"
    if planted.exists():
        shoot(render(planted), docs / "html-report-tables.png", 1300, anchor="f0-tables", crop=1000,
              left=410)  # the main column only: the sticky problem list does not follow a screenshot


if __name__ == "__main__":
    main()
