"""Snapping: where a dragged clip edge or playhead lands near a beat, bar, clip edge, marker or
the playhead. Pure functions on integer microseconds; the timeline widget turns pixels into a
tolerance and draws the indicator for the target returned."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from promodesk.core.timeline import Project

@dataclass(frozen=True)
class SnapTarget:
    """A time (microseconds) a dragged edge may snap to, and what it is (edge, playhead, marker,
    beat, bar) for the snap indicator."""

    time: int
    kind: str
    label: str = ""


@dataclass(frozen=True)
class Snap:
    """Result of snapping: the time to use and the target it snapped to (None when it did not)."""

    time: int
    target: SnapTarget | None


def snap(time: int, candidates: Iterable[SnapTarget], tolerance: int) -> Snap:
    """Snap ``time`` to the nearest candidate no further than ``tolerance`` microseconds away.

    Ties go to the earlier candidate time. Returns ``Snap(time, None)`` when nothing is in range.
    """
    best: SnapTarget | None = None
    for cand in candidates:
        dist = abs(cand.time - time)
        if dist > tolerance:
            continue
        if best is None or (dist, cand.time) < (abs(best.time - time), best.time):
            best = cand
    return Snap(best.time, best) if best else Snap(time, None)


def snap_span(start: int, duration: int, candidates: Iterable[SnapTarget],
              tolerance: int) -> Snap:
    """Snap a moving clip by whichever edge is nearer a candidate; returns the new start time."""
    cands = list(candidates)
    head = snap(start, cands, tolerance)
    tail = snap(start + duration, cands, tolerance)
    if tail.target and (not head.target or abs(tail.time - start - duration) < abs(head.time - start)):
        return Snap(tail.time - duration, tail.target)
    return head


def snap_targets(project: Project, playhead: int | None = None,
                 beats: Iterable[int] = (), bars: Iterable[int] = (),
                 exclude_clip: str | None = None) -> list[SnapTarget]:
    """Everything on ``project`` a drag can snap to: clip edges (except ``exclude_clip``'s),
    the playhead, markers, and the given beat and bar times (microseconds)."""
    out: list[SnapTarget] = []
    for track in project.tracks:
        for c in track.clips:
            if c.id != exclude_clip:
                out += [SnapTarget(c.start, "edge", c.name), SnapTarget(c.end, "edge", c.name)]
    if playhead is not None:
        out.append(SnapTarget(playhead, "playhead"))
    out += [SnapTarget(m.time, "marker", m.name) for m in project.markers]
    out += [SnapTarget(t, "bar") for t in bars]
    out += [SnapTarget(t, "beat") for t in beats]
    return out
