"""Edits the timeline's handles and the inspector's sound fields make: a sound clip's gain, fades
and ducking (:class:`SetClipSound`), and a transition's length (:class:`SetTransitionLength`).
Steps of one drag (or one spin-box session) share a ``gesture`` token and merge into one undo
step, as the other drags do; an untagged change never merges. Times are microseconds.
"""

from __future__ import annotations

import copy

from promodesk.core.edits import Edit, EditError
from promodesk.core.timeline import Project, TrackKind
from promodesk.core.transitions import MIN_US, cuts

SOUND_KINDS = (TrackKind.AUDIO, TrackKind.VOICE, TrackKind.MUSIC)
SOUND_FIELDS = ("gain_db", "fade_in", "fade_out", "duck_music")
MIN_GAIN_DB, MAX_GAIN_DB = -60.0, 12.0   # as a track's gain


class SetClipSound(Edit):
    """Set any of a sound clip's ``gain_db`` (dB, on top of its track's), ``fade_in`` and
    ``fade_out`` (microseconds; each held to what the clip's length leaves after the other) and
    ``duck_music`` (the music ducks under it as under a voice)."""

    label = "Change clip sound"

    def __init__(self, clip_id: str, gesture=None, **changes):
        unknown = set(changes) - set(SOUND_FIELDS)
        if unknown:
            raise ValueError(f"not a clip sound setting: {', '.join(sorted(unknown))}")
        self.clip_id, self.gesture, self.changes = clip_id, gesture, dict(changes)
        self._old: dict | None = None
        names = {"gain_db": "Clip gain", "fade_in": "Fade in", "fade_out": "Fade out",
                 "duck_music": "Duck music under clip"}
        if len(changes) == 1:  # what Edit > Undo says
            self.label = names[next(iter(changes))]

    def apply(self, project: Project) -> None:
        track, clip = project.find_clip(self.clip_id)
        if track.kind not in SOUND_KINDS:
            raise EditError("Only sound clips (audio, voice, music) have a gain and fades.")
        gain = float(self.changes.get("gain_db", clip.gain_db))
        if not MIN_GAIN_DB <= gain <= MAX_GAIN_DB:
            raise EditError(f"Clip gain must be between {MIN_GAIN_DB:g} dB and "
                            f"+{MAX_GAIN_DB:g} dB.")
        fade_in = int(self.changes.get("fade_in", clip.fade_in))
        fade_out = int(self.changes.get("fade_out", clip.fade_out))
        # the fade being set gives way to the other one (a handle stops where the other is)
        if "fade_in" in self.changes:
            fade_in = min(max(fade_in, 0), clip.duration - min(max(fade_out, 0), clip.duration))
        if "fade_out" in self.changes:
            fade_out = min(max(fade_out, 0), clip.duration - max(fade_in, 0))
        self._old = {k: getattr(clip, k) for k in SOUND_FIELDS}
        clip.gain_db, clip.fade_in, clip.fade_out = gain, fade_in, fade_out
        clip.duck_music = bool(self.changes.get("duck_music", clip.duck_music))

    def revert(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        for key, value in self._old.items():
            setattr(clip, key, value)

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id})

    def merge(self, newer: Edit) -> bool:
        if (isinstance(newer, SetClipSound) and self.gesture is not None
                and newer.clip_id == self.clip_id and newer.gesture == self.gesture):
            self.changes.update(newer.changes)
            return True
        return False


def transition_limit(project: Project, clip_id: str) -> int:
    """The longest transition the cut into ``clip_id`` may have, in microseconds: as long as
    the shorter of the two clips meeting there. ``EditError`` when the clip starts no cut."""
    track, clip = project.find_clip(clip_id)
    if clip not in cuts(project):
        raise EditError(f"{clip.name or 'This clip'} does not start at a cut.")
    prev = max((c for c in track.clips if c.end == clip.start), key=lambda c: c.start)
    return min(clip.duration, prev.duration)


class SetTransitionLength(Edit):
    """Make the transition into ``clip_id`` last ``duration_us`` (held between 0.1 s and the
    shorter neighbour), keeping its kind, in every take."""

    label = "Transition length"

    def __init__(self, clip_id: str, duration_us: int, gesture=None):
        self.clip_id, self.duration_us, self.gesture = clip_id, int(duration_us), gesture
        self._old: list | None = None

    def apply(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        kind = str((clip.recipe.params.get("transition_in") or {}).get("kind", "cut"))
        if kind == "cut":
            raise EditError("A plain cut has no length; drop a transition on it first.")
        d = max(MIN_US, min(self.duration_us, transition_limit(project, self.clip_id)))
        self._old = [copy.deepcopy(t.recipe.params.get("transition_in")) for t in clip.takes]
        for take in clip.takes:
            take.recipe.params["transition_in"] = {"kind": kind, "duration_us": d}

    def revert(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        for take, old in zip(clip.takes, self._old):
            if old is None:
                take.recipe.params.pop("transition_in", None)
            else:
                take.recipe.params["transition_in"] = old

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id})

    def merge(self, newer: Edit) -> bool:
        if (isinstance(newer, SetTransitionLength) and self.gesture is not None
                and newer.clip_id == self.clip_id and newer.gesture == self.gesture):
            self.duration_us = newer.duration_us
            return True
        return False
