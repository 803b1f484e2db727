"""The music's beat grid on the timeline: exact beat and bar times in microseconds."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """A named part of the music (intro, verse, chorus, outro) from ``start`` to ``end`` (us)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class BeatGrid:
    """Beat and downbeat (bar) times in microseconds, sorted, plus the music's tempo and
    sections. ``length`` is the music's duration in microseconds."""

    beats: tuple[int, ...]
    downbeats: tuple[int, ...]
    length: int
    bpm: float = 0.0
    beats_per_bar: int = 4
    sections: tuple[Section, ...] = field(default_factory=tuple)

    @classmethod
    def from_meta(cls, meta: dict, offset: int = 0) -> BeatGrid:
        """The grid of a music asset's metadata (``beats_us``, ``downbeats_us``, ``sections``,
        ``seconds``, ``bpm``, ``time_signature``), shifted by ``offset`` microseconds."""
        sections = tuple(Section(str(s.get("name", "")), int(s["start_us"]) + offset,
                                 int(s["end_us"]) + offset) for s in meta.get("sections", []))
        return cls(beats=tuple(int(b) + offset for b in meta["beats_us"]),
                   downbeats=tuple(int(b) + offset for b in meta["downbeats_us"]),
                   length=int(round(float(meta["seconds"]) * 1_000_000)),
                   bpm=float(meta.get("bpm", 0.0)),
                   beats_per_bar=int(meta.get("time_signature", [4, 4])[0]),
                   sections=sections)

    @property
    def beat_us(self) -> int:
        """Typical beat length in microseconds (median spacing)."""
        gaps = sorted(b - a for a, b in zip(self.beats, self.beats[1:]))
        return gaps[len(gaps) // 2] if gaps else self.length

    def nearest(self, time: int, bars_only: bool = False) -> int:
        """The beat (or bar line) nearest ``time``; ``time`` itself if the grid is empty."""
        points = self.downbeats if bars_only else self.beats
        if not points:
            return time
        i = bisect.bisect_left(points, time)
        near = [points[j] for j in (i - 1, i) if 0 <= j < len(points)]
        return min(near, key=lambda p: (abs(p - time), p))
