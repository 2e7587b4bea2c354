"""A minimal progress bar on stderr (only when stderr is a TTY and the run is long)."""
from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, min_files: int = 20, delay: float = 1.0):
        self.min_files = min_files
        self.start = time.monotonic()
        self.delay = delay
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if total < self.min_files or time.monotonic() - self.start < self.delay:
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r检查中 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()
