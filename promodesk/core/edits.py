"""Edits: one small command per change to a :class:`~promodesk.core.timeline.Project`.

Every edit has ``apply(project)`` and ``revert(project)`` and keeps exactly what it needs to undo.
An edit checks that it is allowed before it changes anything and raises :class:`EditError` (a
message for the user) when it is not, so a refused edit leaves the project untouched. Successive
edits of the same thing merge into one undo step through ``merge`` (a drag of 200 mouse moves is one
step), as Shotcut's ``mergeWith`` does, but only edits of the same thing in the same gesture (one
mouse drag, one slider drag): two drags never fuse. Each edit says what it touched (``kind``,
``clip_ids``, ``track_ids``, ``asset_ids``) so :class:`~promodesk.core.document.Document` can tell
the views; the document's ``History`` and the editor's ``QUndoStack`` both run these edits.

Edits of tracks and markers live in :mod:`promodesk.core.track_edits`. Times are integer
microseconds throughout. Snapping a dragged edge lives in
:mod:`promodesk.core.snapping`.
"""

from __future__ import annotations

import copy
from promodesk.core.timeline import (
    Asset,
    Clip,
    Project,
    Take,
    Track,
    TrackKind,
    frame_start,
    new_id,
)
from promodesk.core.sound_links import mark_sound_of, picture_of, sounds_of, synced_span


class EditError(ValueError):
    """An edit that cannot be made; the message says why in the user's words."""


def min_clip_duration(project: Project) -> int:
    """The shortest clip allowed: one frame at the project's rate, in microseconds."""
    return frame_start(1, project.fps)


def _check_span(project: Project, track: Track, clip: Clip, start: int, duration: int,
                in_point: int) -> None:
    """Raise EditError unless ``clip`` may occupy ``[start, start+duration)`` on ``track``."""
    if start < 0:
        raise EditError("A clip cannot start before 0:00.")
    if duration < min_clip_duration(project):
        raise EditError("A clip must be at least one frame long.")
    src = clip.take.source_duration
    if src is not None and (in_point < 0 or in_point + duration > src):
        raise EditError("The clip cannot be longer than its source.")
    if track.overlaps(start, start + duration, ignore=clip.id):
        raise EditError(f"There is another clip in the way on track '{track.name}'.")


class Edit:
    """Base of all edits. ``label`` is what Edit > Undo shows; ``kind`` is what it changes
    (clips, tracks, assets, markers), for the document's change event."""

    label = "Edit"
    kind = "clips"

    def clip_ids(self) -> frozenset[str]:
        """Ids of the clips this edit changes (valid once applied)."""
        return frozenset()

    def track_ids(self) -> frozenset[str]:
        """Ids of the tracks whose clips or settings this edit changes (valid once applied)."""
        return frozenset()

    def asset_ids(self) -> frozenset[str]:
        """Ids of the assets this edit registers in (or, reverted, removes from) the project."""
        return frozenset()

    def apply(self, project: Project) -> None:
        raise NotImplementedError

    def revert(self, project: Project) -> None:
        raise NotImplementedError

    def merge(self, newer: Edit) -> bool:
        """Fold the already-applied ``newer`` edit into this one; True when it did."""
        return False


class MoveClip(Edit):
    """Move a clip to ``start`` (microseconds), optionally onto another track of the same kind.

    Moves of the same clip with the same ``gesture`` (any hashable, one per mouse drag) merge into
    one undo step; an untagged move (``gesture`` None, e.g. from a script) never merges.
    """

    label = "Move clip"

    def __init__(self, clip_id: str, start: int, track_id: str | None = None, gesture=None):
        self.clip_id, self.start, self.track_id, self.gesture = clip_id, int(start), track_id, gesture
        self._old: tuple[str, int] | None = None

    def apply(self, project: Project) -> None:
        src, clip = project.find_clip(self.clip_id)
        dst = project.track(self.track_id) if self.track_id else src
        if dst.kind != src.kind:
            raise EditError(f"A {src.kind.value} clip cannot go on a {dst.kind.value} track.")
        _check_span(project, dst, clip, self.start, clip.duration, clip.in_point)
        self._old = (src.id, clip.start)
        self.track_id = dst.id  # resolved, so a merged drag redoes onto the track it ended on
        src.clips.remove(clip)
        clip.start = self.start
        dst.clips.append(clip)
        dst.sort()

    def revert(self, project: Project) -> None:
        assert self._old is not None
        track_id, start = self._old
        cur, clip = project.find_clip(self.clip_id)
        cur.clips.remove(clip)
        clip.start = start
        dst = project.track(track_id)
        dst.clips.append(clip)
        dst.sort()

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id})

    def track_ids(self) -> frozenset[str]:
        return frozenset(t for t in (self._old and self._old[0], self.track_id) if t)

    def merge(self, newer: Edit) -> bool:
        if (isinstance(newer, MoveClip) and self.gesture is not None
                and newer.clip_id == self.clip_id and newer.gesture == self.gesture):
            self.start, self.track_id = newer.start, newer.track_id
            return True
        return False


class _ClipSpanEdit(Edit):
    """Shared undo state for trims: the clip's (start, duration, in_point) before the edit.

    The new span depends only on the span before and the target time, so a merged trim (the
    whole drag) redoes correctly from the state the first trim started from."""

    def __init__(self, clip_id: str, time: int, gesture=None):
        self.clip_id, self.time, self.gesture = clip_id, int(time), gesture
        self._old: tuple[int, int, int] | None = None
        self._old_sounds: list[tuple[str, int, int, int]] = []
        self._sound_tracks: frozenset[str] = frozenset()
        self._track_id: str | None = None

    def _new_span(self, clip: Clip) -> tuple[int, int, int]:
        raise NotImplementedError

    def apply(self, project: Project) -> None:
        track, clip = project.find_clip(self.clip_id)
        start, duration, in_point = self._new_span(clip)
        _check_span(project, track, clip, start, duration, in_point)
        # the clip's own sound is trimmed with it, in step (checked before anything changes)
        sounds = [(t, s, synced_span(s, start, duration, in_point))
                  for t, s in sounds_of(project, clip)]
        for t, s, span in sounds:
            if span[1] < min_clip_duration(project):
                raise EditError("The clip's sound ends before there; unlink it to trim further.")
            _check_span(project, t, s, *span)
        self._old_sounds = [(s.id, s.start, s.duration, s.in_point) for _, s, _ in sounds]
        self._sound_tracks = frozenset(t.id for t, _, _ in sounds)
        for t, s, span in sounds:
            s.start, s.duration, s.in_point = span
            t.sort()
        self._old = (clip.start, clip.duration, clip.in_point)
        self._old_in_us = [t.recipe.params.get("in_us") for t in clip.takes]
        self._track_id = track.id
        # a half of a split shot (motion_us set) keeps its place in the move: its start edge
        # moves through the motion as it would through footage
        for take in clip.takes:
            if take.recipe.params.get("motion_us") and in_point != clip.in_point:
                shifted = int(take.recipe.params.get("in_us") or 0) + in_point - clip.in_point
                take.recipe.params["in_us"] = max(shifted, 0)
        clip.start, clip.duration, clip.in_point = start, duration, in_point
        track.sort()

    def revert(self, project: Project) -> None:
        assert self._old is not None
        track, clip = project.find_clip(self.clip_id)
        clip.start, clip.duration, clip.in_point = self._old
        for sound_id, *span in self._old_sounds:
            t, s = project.find_clip(sound_id)
            s.start, s.duration, s.in_point = span
            t.sort()
        for take, old in zip(clip.takes, self._old_in_us):
            if old is None:
                take.recipe.params.pop("in_us", None)
            else:
                take.recipe.params["in_us"] = old
        track.sort()

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id, *(s[0] for s in self._old_sounds)})

    def track_ids(self) -> frozenset[str]:
        return frozenset({self._track_id} if self._track_id else ()) | self._sound_tracks

    def merge(self, newer: Edit) -> bool:
        if (type(newer) is type(self) and self.gesture is not None
                and newer.clip_id == self.clip_id and newer.gesture == self.gesture):
            self.time = newer.time
            return True
        return False


class TrimStart(_ClipSpanEdit):
    """Move a clip's start edge to ``time``; its end stays put and its in-point follows."""

    label = "Trim start"

    def _new_span(self, clip: Clip) -> tuple[int, int, int]:
        delta = self.time - clip.start
        return self.time, clip.duration - delta, clip.in_point + delta


class TrimEnd(_ClipSpanEdit):
    """Move a clip's end edge to ``time``; its start and in-point stay put."""

    label = "Trim end"

    def _new_span(self, clip: Clip) -> tuple[int, int, int]:
        return clip.start, self.time - clip.start, clip.in_point


class SplitClip(Edit):
    """Cut a clip in two at ``time``; the right part is a new clip continuing the same source."""

    label = "Split"

    def __init__(self, clip_id: str, time: int, new_clip_id: str | None = None):
        self.clip_id, self.time = clip_id, int(time)
        self.new_clip_id = new_clip_id or new_id()
        self._track_id: str | None = None
        self.new_sound_ids: dict[str, str] = {}  # sound clip id -> id of its right half

    def apply(self, project: Project) -> None:
        track, clip = project.find_clip(self.clip_id)
        picture = picture_of(project, clip) if track.kind == TrackKind.AUDIO else None
        if picture is not None:  # a linked sound is cut with its picture, as the picture is
            self.clip_id = picture.id
            track, clip = project.find_clip(self.clip_id)
        shortest = min_clip_duration(project)
        if not (clip.start + shortest <= self.time <= clip.end - shortest):
            raise EditError("Put the playhead inside the clip, at least a frame from its edges.")
        # the clip's own sound is cut at the same time; its right half belongs to the right half
        for sound_track, sound in sounds_of(project, clip):
            if sound.start + shortest <= self.time <= sound.end - shortest:
                half = copy.deepcopy(sound)
                half.id = self.new_sound_ids.setdefault(sound.id, new_id())
                cut = self.time - sound.start
                half.start, half.duration, half.in_point = self.time, sound.duration - cut, \
                    sound.in_point + cut
                mark_sound_of(half, self.new_clip_id)
                sound.duration = cut
                sound_track.clips.append(half)
                sound_track.sort()
        self._old_takes = copy.deepcopy(clip.takes)
        right = copy.deepcopy(clip)
        right.id = self.new_clip_id
        cut = self.time - clip.start
        right.start, right.duration, right.in_point = self.time, clip.duration - cut, clip.in_point + cut
        if track.kind == TrackKind.VIDEO:
            _continue_motion(clip, right, cut)
        clip.duration = cut
        track.clips.append(right)
        track.sort()
        self._track_id = track.id

    def revert(self, project: Project) -> None:
        track, right = project.find_clip(self.new_clip_id)
        _, left = project.find_clip(self.clip_id)
        track.clips.remove(right)
        left.duration += right.duration
        left.takes = copy.deepcopy(self._old_takes)
        for sound_id, half_id in self.new_sound_ids.items():
            try:
                sound_track, half = project.find_clip(half_id)
            except KeyError:  # that sound was not cut this time
                continue
            sound_track.clips.remove(half)
            project.find_clip(sound_id)[1].duration += half.duration

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id, self.new_clip_id, *self.new_sound_ids,
                          *self.new_sound_ids.values()})

    def track_ids(self) -> frozenset[str]:
        return frozenset({self._track_id}) if self._track_id else frozenset()


def _continue_motion(left: Clip, right: Clip, cut: int) -> None:
    """Make a split an invisible cut for shots drawn from their recipe (no source file length):
    both halves keep the whole move's length (``motion_us``) and the right half starts ``cut``
    us into it (``in_us``), with no incoming transition, so it continues the motion where the
    left half ends and its text does not replay its entrance."""
    for lt, rt in zip(left.takes, right.takes):
        if lt.source_duration is not None:
            continue
        motion = int(lt.recipe.params.get("motion_us") or left.duration)
        offset = int(lt.recipe.params.get("in_us") or 0)
        lt.recipe.params["motion_us"] = motion
        lt.recipe.params["in_us"] = offset
        rt.recipe.params.update(motion_us=motion, in_us=offset + cut,
                                transition_in={"kind": "cut", "duration_us": 0})


class DeleteClip(Edit):
    """Remove a clip. With ``ripple`` the later clips on its track close the gap."""

    def __init__(self, clip_id: str, ripple: bool = False):
        self.clip_id, self.ripple = clip_id, ripple
        self.label = "Ripple delete" if ripple else "Delete"
        self._removed: tuple[str, Clip] | None = None

    def apply(self, project: Project) -> None:
        track, clip = project.find_clip(self.clip_id)
        track.clips.remove(clip)
        if self.ripple:
            for other in track.clips:
                if other.start >= clip.end:
                    other.start -= clip.duration
        self._removed = (track.id, clip)

    def revert(self, project: Project) -> None:
        assert self._removed is not None
        track_id, clip = self._removed
        track = project.track(track_id)
        if self.ripple:
            for other in track.clips:
                if other.start >= clip.start:
                    other.start += clip.duration
        track.clips.append(copy.deepcopy(clip))
        track.sort()

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id})

    def track_ids(self) -> frozenset[str]:
        return frozenset({self._removed[0]}) if self._removed else frozenset()


class _RegistersAsset:
    """Mixin for edits that bring a new file: ``asset`` (or None) is registered in
    ``project.assets`` on apply when absent and removed on revert only if this edit added it, so
    undo takes back the file's metadata together with the clip or take that uses it."""

    asset: Asset | None
    _added_asset: bool = False

    def _register(self, project: Project) -> None:
        self._added_asset = self.asset is not None and self.asset.id not in project.assets
        if self._added_asset:
            project.assets[self.asset.id] = copy.deepcopy(self.asset)

    def _unregister(self, project: Project) -> None:
        if self._added_asset:  # left set, so the reverted change still names the asset
            project.assets.pop(self.asset.id, None)

    def asset_ids(self) -> frozenset[str]:
        return frozenset({self.asset.id}) if self._added_asset else frozenset()


class AddClip(_RegistersAsset, Edit):
    """Place a new clip on a track (a dropped photo, a new caption), registering ``asset`` (the
    file it shows, if new to the project)."""

    label = "Add clip"

    def __init__(self, track_id: str, clip: Clip, asset: Asset | None = None):
        self.track_id, self.clip, self.asset = track_id, clip, asset

    def apply(self, project: Project) -> None:
        track = project.track(self.track_id)
        _check_span(project, track, self.clip, self.clip.start, self.clip.duration,
                    self.clip.in_point)
        self._register(project)
        track.clips.append(copy.deepcopy(self.clip))
        track.sort()

    def revert(self, project: Project) -> None:
        track, clip = project.find_clip(self.clip.id)
        track.clips.remove(clip)
        self._unregister(project)

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip.id})

    def track_ids(self) -> frozenset[str]:
        return frozenset({self.track_id})


def _check_take_fits(clip: Clip, take: Take) -> None:
    src = take.source_duration
    if src is not None and clip.in_point + clip.duration > src:
        raise EditError("That take is shorter than the clip; trim the clip first.")


class AddTake(_RegistersAsset, Edit):
    """Append a regenerated take to a clip and (by default) select it, registering ``asset`` (the
    file the job made, if new to the project)."""

    label = "New take"

    def __init__(self, clip_id: str, take: Take, select: bool = True, asset: Asset | None = None):
        self.clip_id, self.take, self.select, self.asset = clip_id, take, select, asset
        self._old_selected: int | None = None

    def apply(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        if self.select:
            _check_take_fits(clip, self.take)
        self._register(project)
        self._old_selected = clip.selected
        clip.takes.append(copy.deepcopy(self.take))
        if self.select:
            clip.selected = len(clip.takes) - 1

    def revert(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        clip.takes.pop()
        clip.selected = self._old_selected
        self._unregister(project)

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id})


class SelectTake(Edit):
    """Switch a clip to take number ``index``."""

    label = "Switch take"

    def __init__(self, clip_id: str, index: int):
        self.clip_id, self.index = clip_id, index
        self._old: int | None = None

    def apply(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        if not 0 <= self.index < len(clip.takes):
            raise EditError(f"This clip has no take {self.index + 1}.")
        _check_take_fits(clip, clip.takes[self.index])
        self._old = clip.selected
        clip.selected = self.index

    def revert(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        clip.selected = self._old

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id})


class EditCaption(Edit):
    """Change a caption clip's text (and optionally its style)."""

    label = "Edit caption"

    def __init__(self, clip_id: str, text: str, style: str | None = None):
        self.clip_id, self.text, self.style = clip_id, text, style
        self._old: tuple[str, str] | None = None

    def apply(self, project: Project) -> None:
        track, clip = project.find_clip(self.clip_id)
        if track.kind != TrackKind.CAPTIONS or clip.cue is None:
            raise EditError("Only caption clips have text to edit.")
        if not self.text.strip():
            raise EditError("A caption needs some text; delete the clip to remove it.")
        self._old = (clip.cue.text, clip.cue.style)
        clip.cue.text = self.text
        if self.style is not None:
            clip.cue.style = self.style

    def revert(self, project: Project) -> None:
        _, clip = project.find_clip(self.clip_id)
        clip.cue.text, clip.cue.style = self._old

    def clip_ids(self) -> frozenset[str]:
        return frozenset({self.clip_id})
