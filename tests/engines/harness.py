"""Shared test harnesses for the model engines: cancelling a job once it has started, and
refusing every network connection while an engine loads and generates.

Cancel latency in seconds is a figure for bench/bench_jobs.py; tests check the order of events
instead, which does not depend on how busy the machine is."""

from __future__ import annotations

import socket
import threading
from typing import Callable

from promodesk.engines.base import CancelToken


class CancelOnceStarted:
    """Pass ``.progress`` and ``.token`` to a job. The first progress report for which
    ``started(fraction, message)`` holds has another thread cancel the token (as the editor's
    Cancel button does) and returns only once it has, so the job's next cancel check must see it.
    ``cancelled_at`` is that report's fraction; ``after_cancel`` the (fraction, message) reports
    the job still made after it."""

    def __init__(self, started: Callable[[float, str], bool] = lambda f, m: f > 0):
        self.token = CancelToken()
        self._when = started
        self.cancelled_at: float | None = None
        self.after_cancel: list[tuple[float, str]] = []

    def progress(self, fraction: float, message: str = "") -> None:
        if self.token.cancelled:
            self.after_cancel.append((fraction, message))
        elif self._when(fraction, message):
            self.cancelled_at = fraction
            other = threading.Thread(target=self.token.cancel, name="cancel-button")
            other.start()
            other.join()

    def stopped_at_its_next_check(self) -> bool:
        """True when the job was cancelled and made at most one more progress report, not the
        final one: it stopped long before the work it would otherwise have done."""
        return (self.cancelled_at is not None and len(self.after_cancel) <= 1
                and all(f < 1.0 for f, _ in self.after_cancel))


def refuse_network(monkeypatch) -> None:
    """Make every socket connection fail loudly, and drop cached models so the next job loads
    again under the refusal."""
    from promodesk.engines.models.device import MODELS

    def refuse(*args, **kwargs):
        raise AssertionError("generation tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    MODELS.release()
