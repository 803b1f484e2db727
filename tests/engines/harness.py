"""Shared test harnesses for the model engines: cancelling a job once it has started, and
refusing every network connection while an engine loads and generates."""

from __future__ import annotations

import socket
import threading
import time
from typing import Callable

from promodesk.engines.base import CancelToken


class CancelOnceStarted:
    """Pass ``.progress`` and ``.token`` to a job: the token is cancelled from another thread as
    soon as ``started(fraction, message)`` first holds for a progress report."""

    def __init__(self, started: Callable[[float, str], bool] = lambda f, m: f > 0):
        self.token = CancelToken()
        self._started, self._when, self._cancelled_at = threading.Event(), started, None
        threading.Thread(target=self._cancel, daemon=True).start()

    def progress(self, fraction: float, message: str = "") -> None:
        if self._when(fraction, message):
            self._started.set()

    def _cancel(self) -> None:
        self._started.wait(30)
        self._cancelled_at = time.monotonic()
        self.token.cancel()

    def seconds_since_cancel(self) -> float:
        """Seconds from the cancel to now (call once the job has stopped)."""
        return time.monotonic() - self._cancelled_at


def refuse_network(monkeypatch) -> None:
    """Make every socket connection fail loudly, and drop cached models so the next job loads
    again under the refusal."""
    from promodesk.engines.models.device import MODELS

    def refuse(*args, **kwargs):
        raise AssertionError("generation tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    MODELS.release()
