"""What every engine shares: progress, cancellation, availability, and what it declares.

Every engine a recipe can name is an :class:`Engine` in :mod:`promodesk.engines.registry`: it
declares an :class:`EngineInfo`, says whether it can run here, and makes a new take of a clip from
a :class:`TakeRequest`. Visual engines also give the renderer a frame source per clip
(:class:`VisualEngine`).

A generation job is a plain function call such as ``engine.new_take(request, progress, cancel)``:
``progress(fraction, message)`` reports 0..1 and a short message; ``cancel`` is a
:class:`CancelToken` the engine checks often (at least every few hundred milliseconds) and on which
it raises :class:`Cancelled`, leaving nothing behind. The app runs these calls on QThread workers,
the CLI with a terminal progress bar; neither is known here.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from promodesk.core.timeline import Asset, Recipe, Take

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


class UnknownEngine(EngineUnavailable):
    """A recipe names an engine this version of PromoDesk does not have (a project made by a newer
    version, or with an engine since removed). ``name`` is the engine's name."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"This project uses the engine '{name}', which this version of PromoDesk "
                         "does not have; update PromoDesk or regenerate that clip with another "
                         "engine.")


class RequestError(ValueError):
    """A take request an engine cannot make (unknown setting value, bars outside the piece); the
    message says what to change."""


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


def new_seed(old: int) -> int:
    """A fresh seed for a new take, different from ``old`` (short enough to read out in a takes
    list)."""
    seed = random.randrange(1, 100_000)
    return seed if seed != old else seed + 1


@dataclass
class TakeRequest:
    """What an engine needs to make a new take of a clip.

    ``recipe`` is the new take's recipe: the engine's name, the (possibly edited) parameters and
    the new seed. ``folder`` is the project folder (assets are read from and written to its
    ``assets/``); ``asset`` the entry of the clip's current take's file, or None. ``duration_us``
    is the clip's length in microseconds, ``size`` the project canvas (w, h pixels). ``bars``
    (first, last; 1-based, inclusive) asks a music engine for those bars only, the rest
    sample-identical. ``text`` is a caption clip's text."""

    recipe: Recipe
    folder: Path
    asset: Asset | None = None
    duration_us: int = 0
    size: tuple[int, int] = (1080, 1920)
    bars: tuple[int, int] | None = None
    text: str = ""


@dataclass
class NewTake:
    """An engine's new take, and the entry of the file it made in the project's ``assets/``
    (None when the take reuses the current file or needs none)."""

    take: Take
    asset: Asset | None = None


class Engine(Protocol):
    """What every engine in the registry offers. ``settings`` names the recipe parameters a user
    may set beyond those the clip's recipe already has."""

    info: EngineInfo
    settings: tuple[str, ...]

    def availability(self) -> str | None:
        """None when the engine can run here, else why not and how to fix it."""

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """A new take for ``request``; raises Cancelled, RequestError, EngineUnavailable or
        GenerationError."""


class FrameSource(Protocol):
    """Frames of one clip: ``frame(t_us)`` at ``t_us`` microseconds after the clip's start, a
    uint8 (h, w, 3) RGB array; safe to call from several threads at once."""

    def frame(self, t_us: int): ...


class VisualEngine(Engine, Protocol):
    """An engine whose takes the renderer draws: it makes a frame source per clip."""

    def frame_source(self, params: dict, photo, size: tuple[int, int], duration_us: int,
                     seed: int) -> FrameSource:
        """Frames of a clip with ``params`` over ``photo`` (PIL image of the take's asset, or
        None) at ``size`` (w, h pixels) lasting ``duration_us`` microseconds."""


def stage(progress: Progress, start: float, end: float, name: str = "") -> Progress:
    """A progress callback for one stage of a longer job: maps the stage's 0..1 onto
    ``start..end`` of ``progress`` and prefixes messages with ``name``."""

    def report(fraction: float, message: str = "") -> None:
        text = f"{name}: {message}" if name and message else (name or message)
        progress(start + (end - start) * min(max(fraction, 0.0), 1.0), text)

    return report


def throttle(progress: Progress, every_s: float | None = None,
             every_fraction: float | None = None, new_stages: bool = False,
             clock: Callable[[], float] = time.monotonic) -> Progress:
    """``progress`` passed only the reports worth passing on: the first one, the last one
    (fraction 1), any that comes ``every_s`` seconds or ``every_fraction`` of the job after the
    last one passed on, and with ``new_stages`` any whose stage (its message up to a ':')
    differs from that one's. Fractions are clamped to 0..1; ``clock`` returns seconds. The one
    rate rule for reports that cost something: queued signals to the UI thread, messages between
    processes, terminal lines."""
    last: list = [None, 0.0, ""]  # time, fraction and stage of the last report passed on

    def report(fraction: float, message: str = "") -> None:
        fraction, message = min(max(float(fraction), 0.0), 1.0), str(message)
        now, stage = clock(), message.split(":")[0]
        when, before, stage_before = last
        if (when is None or fraction >= 1.0
                or (every_s is not None and now - when >= every_s)
                or (every_fraction is not None and fraction - before >= every_fraction - 1e-9)
                or (new_stages and stage != stage_before)):
            last[:] = [now, fraction, stage]
            progress(fraction, message)

    return report
