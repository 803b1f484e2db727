"""The music's beat grid on the timeline: exact beat and bar times in microseconds.

``BeatGrid.from_spec`` is the grid the built-in composer plays a spec to (the composer writes its
asset meta from it, so planning can cut on bar lines before any audio exists); ``from_meta``
reads the grid any music asset carries; ``timeline_grid`` is the grid the timeline shows and
snaps to, from the music clips of a project.
"""

from __future__ import annotations

import bisect
from promodesk.core.timeline import us_from_seconds
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from promodesk.core.musicspec import MusicSpec
    from promodesk.core.timeline import Project


@dataclass(frozen=True)
class Section:
    """A named part of the music (intro, verse, chorus, outro) from ``start`` to ``end`` (us),
    covering ``bars`` bars from bar ``start_bar`` (zero-based) of its piece."""

    name: str
    start: int
    end: int
    start_bar: int = 0
    bars: int = 0


@dataclass(frozen=True)
class BeatGrid:
    """Beat and downbeat (bar) times in microseconds, sorted, plus the music's tempo and
    sections. ``length`` is the music's duration in microseconds. ``bar_numbers`` are the
    one-based numbers of the downbeats within their own piece (empty: 1, 2, 3, ...)."""

    beats: tuple[int, ...]
    downbeats: tuple[int, ...]
    length: int
    bpm: float = 0.0
    beats_per_bar: int = 4
    sections: tuple[Section, ...] = field(default_factory=tuple)
    bar_numbers: tuple[int, ...] = field(default_factory=tuple)

    @classmethod
    def from_spec(cls, spec: MusicSpec) -> BeatGrid:
        """The exact grid the composer plays ``spec`` to: a beat every 60/bpm s from 0 while
        inside the piece, a bar line every ``beats_per_bar`` beats, sections on their bar lines
        (the ending runs to the end of the piece). Times are rounded to whole microseconds."""
        length = us_from_seconds(spec.seconds)
        beat_us = 60_000_000 / spec.bpm
        count = int(spec.seconds / (60.0 / spec.bpm)) + 1
        beats = tuple(int(round(k * beat_us)) for k in range(count) if round(k * beat_us) < length)
        per_bar = int(spec.beats_per_bar)
        sections = []
        for sec in spec.sections:
            first, bars = int(sec["start_bar"]), int(sec["bars"])
            start = int(round(first * per_bar * beat_us))
            end = length if sec["name"] == "ending" else int(round((first + bars) * per_bar * beat_us))
            sections.append(Section(str(sec["name"]), start, end, first, bars))
        return cls(beats=beats, downbeats=beats[::per_bar], length=length, bpm=float(spec.bpm),
                   beats_per_bar=per_bar, sections=tuple(sections))

    @classmethod
    def from_meta(cls, meta: dict, offset: int = 0) -> BeatGrid:
        """The grid of a music asset's metadata (``beats_us``, ``downbeats_us``, ``sections``,
        ``seconds``, ``bpm``, ``time_signature``), shifted by ``offset`` microseconds."""
        sections = tuple(Section(str(s.get("name", "")), int(s["start_us"]) + offset,
                                 int(s["end_us"]) + offset, int(s.get("start_bar", 0)),
                                 int(s.get("bars", 0))) for s in meta.get("sections", []))
        return cls(beats=tuple(int(b) + offset for b in meta["beats_us"]),
                   downbeats=tuple(int(b) + offset for b in meta["downbeats_us"]),
                   length=us_from_seconds(float(meta["seconds"])),
                   bpm=float(meta.get("bpm", 0.0)),
                   beats_per_bar=int(meta.get("time_signature", [4, 4])[0]),
                   sections=sections)

    def to_meta(self) -> dict:
        """The grid in a music asset's meta shape: ``beats_us``, ``downbeats_us`` (lists of
        integer microseconds) and ``sections`` ({name, start_us, end_us, start_bar, bars})."""
        return {"beats_us": list(self.beats), "downbeats_us": list(self.downbeats),
                "sections": [{"name": s.name, "start_us": s.start, "end_us": s.end,
                              "start_bar": s.start_bar, "bars": s.bars} for s in self.sections]}

    @property
    def beat_us(self) -> int:
        """Typical beat length in microseconds (median spacing)."""
        gaps = sorted(b - a for a, b in zip(self.beats, self.beats[1:]))
        return gaps[len(gaps) // 2] if gaps else self.length

    def bar_number(self, index: int) -> int:
        """The one-based number, within its piece, of the bar starting at ``downbeats[index]``."""
        return self.bar_numbers[index] if self.bar_numbers else index + 1

    def nearest(self, time: int, bars_only: bool = False) -> int:
        """The beat (or bar line) nearest ``time``; ``time`` itself if the grid is empty."""
        points = self.downbeats if bars_only else self.beats
        if not points:
            return time
        i = bisect.bisect_left(points, time)
        near = [points[j] for j in (i - 1, i) if 0 <= j < len(points)]
        return min(near, key=lambda p: (abs(p - time), p))


def timeline_grid(project: Project) -> BeatGrid | None:
    """The beat grid on the timeline (microseconds): that of the first music track, each clip
    contributing the part of its asset's grid it shows (shifted by ``clip.start -
    clip.in_point``), sections cut to the clips. ``length`` is the end of the last such clip,
    ``bpm`` that of the first. None when no music clip carries a beat grid."""
    beats: list[int] = []
    bars: list[tuple[int, int]] = []            # (time, number within its piece)
    sections: list[Section] = []
    first: BeatGrid | None = None
    end = 0
    for track in project.tracks:
        if track.kind.value != "music":
            continue
        for clip in track.clips:
            asset = project.assets.get(clip.asset or "")
            if asset is None or "beats_us" not in asset.meta:
                continue
            grid = BeatGrid.from_meta(asset.meta, offset=clip.start - clip.in_point)
            first = first or grid
            end = max(end, clip.end)
            beats += [b for b in grid.beats if clip.start <= b < clip.end]
            bars += [(b, i + 1) for i, b in enumerate(grid.downbeats) if clip.start <= b < clip.end]
            sections += [Section(s.name, max(s.start, clip.start), min(s.end, clip.end),
                                 s.start_bar, s.bars)
                         for s in grid.sections if s.end > clip.start and s.start < clip.end]
        break  # the first music track is the one the video is cut to
    if first is None:
        return None
    bars.sort()
    return BeatGrid(beats=tuple(sorted(beats)), downbeats=tuple(t for t, _ in bars), length=end,
                    bpm=first.bpm, beats_per_bar=first.beats_per_bar, sections=tuple(sections),
                    bar_numbers=tuple(n for _, n in bars))
