"""The project model: tracks of clips on an exact integer timeline.

All positions and durations are integer microseconds (``int``), never floats, so a hundred drags
land exactly where they should. Convert at the edges with :func:`us_from_seconds`,
:func:`seconds_from_us`, :func:`frame_at` and :func:`frame_start`.

Attributes, top down:

- :class:`Project`: title, frame rate (``fps_num/fps_den``), canvas ``width x height``, ``aspect``,
  ``tracks``, ``markers``, ``assets`` (metadata of the files in the project folder).
- :class:`Track`: ``kind`` (video, music, voice, captions), ``name``, ``mute``, ``gain_db``, ``clips``
  sorted by start; clips on one track never overlap.
- :class:`Clip`: ``start``, ``duration``, ``in_point`` (offset into its source), ``takes`` and
  ``selected``; the selected :class:`Take` holds the asset reference and the :class:`Recipe` that made
  it. Caption clips carry a :class:`CaptionCue`. Sound clips carry ``gain_db``, ``fade_in``,
  ``fade_out`` (microseconds) and ``duck_music``.

This module imports neither Qt nor torch.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from enum import Enum
from fractions import Fraction
from typing import Any

US_PER_SECOND = 1_000_000
# Every audio signal of a project (music, voice, the mix, the export, playback) runs at 48 kHz:
# the rate of video audio, so nothing is resampled between making and exporting.
SAMPLE_RATE = 48_000

ASPECTS: dict[str, tuple[int, int]] = {
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "16:9": (1920, 1080),
}


def us_from_seconds(seconds: float) -> int:
    """Seconds (float) -> integer microseconds, rounded to the nearest microsecond."""
    return int(round(seconds * US_PER_SECOND))


def seconds_from_us(us: int) -> float:
    """Integer microseconds -> seconds (float), for engines and display only."""
    return us / US_PER_SECOND


def sample_at(us: int, sample_rate: int = SAMPLE_RATE) -> int:
    """Index of the sample playing at time ``us`` (microseconds): rounded down, like frame_at."""
    return int(us) * int(sample_rate) // US_PER_SECOND


def us_from_samples(samples: int, sample_rate: int = SAMPLE_RATE) -> int:
    """Length of ``samples`` samples at ``sample_rate`` in whole microseconds (rounded down)."""
    return int(samples) * US_PER_SECOND // int(sample_rate)


def frame_at(us: int, fps: Fraction) -> int:
    """Index of the frame shown at time ``us`` (microseconds) at ``fps`` frames per second."""
    return (us * fps.numerator) // (US_PER_SECOND * fps.denominator)


def frame_start(frame: int, fps: Fraction) -> int:
    """Start time in microseconds of frame number ``frame``, rounded up so ``frame_at`` maps back."""
    num = frame * US_PER_SECOND * fps.denominator
    return -((-num) // fps.numerator)


def new_id() -> str:
    """A short random identifier for tracks and clips (stable across saves)."""
    return uuid.uuid4().hex[:12]


class TrackKind(str, Enum):
    VIDEO = "video"
    MUSIC = "music"
    VOICE = "voice"
    CAPTIONS = "captions"
    AUDIO = "audio"  # a video clip's own sound (or an imported sound), mixed at its track's gain


@dataclass
class Recipe:
    """How an asset was made: the engine, its parameters and the seed, enough to make it again."""

    engine: str
    params: dict[str, Any] = field(default_factory=dict)
    seed: int = 0


@dataclass
class Take:
    """One generated (or imported) version of a clip's content.

    ``asset`` names a file in the project's ``assets/`` folder (``None`` for content drawn from the
    recipe alone, such as a typographic card). ``source_duration`` is the length of the source in
    microseconds, or ``None`` for a still that can be held for any length.
    """

    asset: str | None
    recipe: Recipe
    source_duration: int | None = None
    label: str = ""


@dataclass
class CaptionCue:
    """The text of a caption clip, its preset name ``style`` (outline, boxed, karaoke) and its
    ``look``: a :class:`~promodesk.core.captionstyle.CaptionStyle` (font, size, colours,
    position), or None for the preset's own look."""

    text: str
    style: str = "outline"
    look: Any = None  # CaptionStyle | None (not imported here: captionstyle imports this module)


@dataclass
class Clip:
    """A placed piece of content: ``[start, start + duration)`` on its track, in microseconds."""

    start: int
    duration: int
    takes: list[Take]
    selected: int = 0
    in_point: int = 0
    cue: CaptionCue | None = None
    name: str = ""
    id: str = field(default_factory=new_id)
    # a caption or voice clip moves, ripples and is deleted with the main-track shot it overlaps
    # most (promodesk.core.arrange); False once the user unlinks it
    linked: bool = True
    # its sound (audio, voice and music clips): gain in dB on top of the track's, fades in and
    # out in microseconds (the timeline's fade handles), and whether the music ducks under it
    # as under a voice (a clip of someone speaking)
    gain_db: float = 0.0
    fade_in: int = 0
    fade_out: int = 0
    duck_music: bool = False

    @property
    def end(self) -> int:
        """End time in microseconds (exclusive)."""
        return self.start + self.duration

    @property
    def take(self) -> Take:
        """The selected take."""
        return self.takes[self.selected]

    @property
    def asset(self) -> str | None:
        """Asset reference of the selected take."""
        return self.take.asset

    @property
    def recipe(self) -> Recipe:
        """Recipe of the selected take."""
        return self.take.recipe

    def max_duration(self) -> int | None:
        """Longest this clip can be from its current in-point, or ``None`` if unbounded (stills)."""
        src = self.take.source_duration
        return None if src is None else src - self.in_point


@dataclass
class Track:
    """A lane of clips of one kind, sorted by start and never overlapping."""

    kind: TrackKind
    clips: list[Clip] = field(default_factory=list)
    name: str = ""
    mute: bool = False
    gain_db: float = 0.0
    id: str = field(default_factory=new_id)

    def sort(self) -> None:
        self.clips.sort(key=lambda c: (c.start, c.id))

    def clip_at(self, us: int) -> Clip | None:
        """The clip covering time ``us``, if any."""
        for clip in self.clips:
            if clip.start <= us < clip.end:
                return clip
        return None

    def overlaps(self, start: int, end: int, ignore: str | None = None) -> bool:
        """Whether ``[start, end)`` overlaps a clip on this track other than ``ignore`` (a clip id)."""
        return any(c.start < end and start < c.end for c in self.clips if c.id != ignore)


@dataclass
class Marker:
    """A named point on the timeline, in microseconds, drawn in ``colour`` (#rrggbb; "" for the
    theme's marker colour)."""

    time: int
    name: str = ""
    colour: str = ""


@dataclass
class Asset:
    """Metadata of a file in the project's ``assets/`` folder.

    ``id`` is the file name (content hash + extension). ``kind`` is audio, image or video.
    ``duration`` is in microseconds (``None`` for stills). ``meta`` holds engine metadata such as
    a music asset's tempo and beat grid (``beats``/``downbeats`` in microseconds).
    """

    id: str
    kind: str
    duration: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    licence: str = ""


@dataclass
class Project:
    """A whole video: canvas, frame rate, tracks, markers and the assets they refer to; ``brief``
    is the brief it was made from as a plain dict (``Brief.to_dict()``; photo paths relative to
    the project folder where they are its assets), {} when unknown."""

    title: str = "Untitled"
    fps_num: int = 30
    fps_den: int = 1
    width: int = 1080
    height: int = 1920
    aspect: str = "9:16"
    tracks: list[Track] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    assets: dict[str, Asset] = field(default_factory=dict)
    brief: dict = field(default_factory=dict)

    @property
    def fps(self) -> Fraction:
        return Fraction(self.fps_num, self.fps_den)

    @property
    def duration(self) -> int:
        """End of the last clip on any track, in microseconds (0 for an empty project)."""
        return max((c.end for t in self.tracks for c in t.clips), default=0)

    def track(self, track_id: str) -> Track:
        for t in self.tracks:
            if t.id == track_id:
                return t
        raise KeyError(f"no track {track_id!r}")

    def tracks_of(self, kind: TrackKind) -> list[Track]:
        return [t for t in self.tracks if t.kind == kind]

    def find_clip(self, clip_id: str) -> tuple[Track, Clip]:
        """The clip with ``clip_id`` and the track holding it; ``KeyError`` if there is none."""
        for t in self.tracks:
            for c in t.clips:
                if c.id == clip_id:
                    return t, c
        raise KeyError(f"no clip {clip_id!r}")

    def add_track(self, kind: TrackKind, name: str = "") -> Track:
        track = Track(kind=TrackKind(kind), name=name or TrackKind(kind).value.capitalize())
        self.tracks.append(track)
        return track

    def copy(self) -> Project:
        return copy.deepcopy(self)

    @classmethod
    def for_aspect(cls, aspect: str, title: str = "Untitled", fps: int = 30) -> Project:
        """An empty project with the canvas preset for ``aspect`` (9:16, 1:1 or 16:9)."""
        if aspect not in ASPECTS:
            raise ValueError(f"aspect must be one of {', '.join(ASPECTS)}, not {aspect!r}")
        w, h = ASPECTS[aspect]
        return cls(title=title, fps_num=fps, fps_den=1, width=w, height=h, aspect=aspect)
