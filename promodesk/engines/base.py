"""What every engine shares: progress, cancellation, availability, and what it declares.

A generation job is a plain function call ``engine.generate(request, progress, cancel)``:
``progress(fraction, message)`` reports 0..1 and a short message; ``cancel`` is a
:class:`CancelToken` the engine checks often (at least every few hundred milliseconds) and on which
it raises :class:`Cancelled`, leaving nothing behind. The app runs these calls on QThread workers,
the CLI with a terminal progress bar; neither is known here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable, Protocol

Progress = Callable[[float, str], None]


def no_progress(fraction: float, message: str = "") -> None:
    """A progress callback that ignores everything."""


class Cancelled(Exception):
    """The job was cancelled by the user; not an error to report."""


class CancelToken:
    """Set from any thread by ``cancel()``; the job calls ``check()`` and stops with Cancelled."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancellation was asked for."""
        if self._event.is_set():
            raise Cancelled()


class EngineUnavailable(RuntimeError):
    """The engine cannot run here; the message says what is missing and how to get it."""


class GenerationError(RuntimeError):
    """A generation that failed for a reason the user can act on (the message says how)."""


@dataclass(frozen=True)
class EngineInfo:
    """What an engine declares about itself.

    ``kind`` is music, visuals or voice. ``output_licence`` is the licence of what it makes and
    ``commercial_use`` whether users may sell videos containing it. ``model`` is True for engines
    that need downloaded weights (and usually a GPU)."""

    name: str
    kind: str
    title: str
    output_licence: str
    commercial_use: bool
    model: bool = False


class Engine(Protocol):
    """The protocol engines follow; ``request`` and the returned asset are engine-kind specific."""

    info: EngineInfo

    def availability(self) -> str | None:
        """None when the engine can run here, else why not and how to fix it."""

    def generate(self, request, progress: Progress = no_progress,
                 cancel: CancelToken | None = None):
        """Make an asset for ``request``; raises Cancelled, EngineUnavailable or GenerationError."""


def stage(progress: Progress, start: float, end: float, name: str = "") -> Progress:
    """A progress callback for one stage of a longer job: maps the stage's 0..1 onto
    ``start..end`` of ``progress`` and prefixes messages with ``name``."""

    def report(fraction: float, message: str = "") -> None:
        text = f"{name}: {message}" if name and message else (name or message)
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0), text)

    return report
