"""A terminal progress bar for long commands: one line redrawn in place on a terminal (at most ten
times a second), a line per stage and per 10% when the output is a file or a CI log. Which
reports get through is :func:`promodesk.engines.base.throttle`'s rule, as in the editor."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from promodesk.engines.base import throttle


class TerminalProgress:
    """Callable as a job's ``progress(fraction, message)``."""

    def __init__(self, stream: TextIO | None = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._t0 = time.monotonic()
        self._report = (throttle(self._redraw, every_s=0.1) if self.tty
                        else throttle(self._log, every_fraction=0.1, new_stages=True))

    def __call__(self, fraction: float, message: str = "") -> None:
        self._report(fraction, message)

    def _redraw(self, fraction: float, message: str) -> None:
        pct = int(fraction * 100)
        filled = self.width * pct // 100
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {pct:3d}%  {message[:60]:<60}")
        self.stream.flush()

    def _log(self, fraction: float, message: str) -> None:
        self.stream.write(f"[{int(fraction * 100):3d}%] {time.monotonic() - self._t0:6.1f}s  "
                          f"{message}\n")
        self.stream.flush()

    def done(self) -> None:
        """End the bar's line (call once the job is over)."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
