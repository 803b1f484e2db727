"""A terminal progress bar for long commands: one line redrawn in place on a terminal, a line
per stage and per 10% when the output is a file or a CI log."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class TerminalProgress:
    """Callable as a job's ``progress(fraction, message)``."""

    def __init__(self, stream: TextIO | None = None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = self.stream.isatty()
        self._last = (-1, "")
        self._t0 = time.monotonic()

    def __call__(self, fraction: float, message: str = "") -> None:
        pct = int(max(0.0, min(1.0, fraction)) * 100)
        stage = message.split(":")[0]
        if self.tty:
            filled = self.width * pct // 100
            bar = "#" * filled + "-" * (self.width - filled)
            line = f"\r[{bar}] {pct:3d}%  {message[:60]:<60}"
            self.stream.write(line)
            self.stream.flush()
        elif stage != self._last[1] or pct // 10 > self._last[0] // 10:
            self.stream.write(f"[{pct:3d}%] {time.monotonic() - self._t0:6.1f}s  {message}\n")
            self.stream.flush()
        self._last = (pct, stage)

    def done(self) -> None:
        """End the bar's line (call once the job is over)."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
