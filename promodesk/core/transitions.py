"""Transitions at cuts, as edits: where the cuts of a project are, and setting the transition a
shot comes in with (its recipe's ``transition_in``: kind and length in microseconds, drawn by the
renderer at that cut; see ``render.frame``). Qt-free, so the editor's undo stack wraps it."""

from __future__ import annotations

import copy

from promodesk.core.edits import Edit, EditError
from promodesk.core.timeline import Clip, Project, TrackKind

KINDS = ("cut", "crossfade", "slide", "zoom")  # as engines.visuals.transitions draws them
MIN_US = 100_000


def cuts(project: Project) -> list[Clip]:
    """The clips on video tracks that start exactly where the clip before them ends: each is the
    incoming side of a cut, in timeline order."""
    found = []
    for track in project.tracks_of(TrackKind.VIDEO):
        for prev, clip in zip(track.clips, track.clips[1:]):
            if prev.end == clip.start:
                found.append(clip)
    return sorted(found, key=lambda c: c.start)


def cut_near(project: Project, us: int, reach_us: int) -> Clip | None:
    """The incoming clip of the cut nearest ``us`` within ``reach_us`` microseconds, or None."""
    near = [(abs(c.start - us), c.start, c) for c in cuts(project) if abs(c.start - us) <= reach_us]
    return min(near, key=lambda n: n[:2])[2] if near else None


def transition_of(clip: Clip) -> tuple[str, int]:
    """(kind, length in microseconds) of the transition ``clip`` comes in with."""
    tr = clip.recipe.params.get("transition_in") or {}
    return str(tr.get("kind", "cut")), int(tr.get("duration_us", 0))


class SetTransition(Edit):
    """Give each of ``clip_ids`` (incoming sides of cuts) the transition ``kind`` lasting
    ``duration_us`` (held to the shorter neighbour's length, so it never runs past a clip);
    every take of a clip gets it, so flipping takes keeps it."""

    label = "Set transition"

    def __init__(self, clip_ids, kind: str, duration_us: int):
        if kind not in KINDS:
            raise EditError(f"A transition is one of {', '.join(KINDS)}, not {kind!r}.")
        self.ids, self.kind, self.duration_us = tuple(clip_ids), kind, int(duration_us)
        self._old: dict[str, list] = {}

    def apply(self, project: Project) -> None:
        if not self.ids:
            raise EditError("There is no cut to put a transition on: place two shots end to end.")
        starts = {c.id: c for c in cuts(project)}
        self._old = {}
        for clip_id in self.ids:
            track, clip = project.find_clip(clip_id)
            if clip_id not in starts:
                raise EditError(f"{clip.name or 'This clip'} does not start at a cut.")
            prev = max((c for c in track.clips if c.end == clip.start), key=lambda c: c.start)
            d = 0 if self.kind == "cut" else max(MIN_US, min(self.duration_us, clip.duration,
                                                             prev.duration))
            self._old[clip_id] = [copy.deepcopy(t.recipe.params.get("transition_in"))
                                  for t in clip.takes]
            for take in clip.takes:
                take.recipe.params["transition_in"] = {"kind": self.kind, "duration_us": d}

    def revert(self, project: Project) -> None:
        for clip_id, olds in self._old.items():
            _, clip = project.find_clip(clip_id)
            for take, old in zip(clip.takes, olds):
                if old is None:
                    take.recipe.params.pop("transition_in", None)
                else:
                    take.recipe.params["transition_in"] = old

    def clip_ids(self) -> frozenset[str]:
        return frozenset(self.ids)
