"""Arranging: the magnetic main track, group moves, ripple and linked captions, as edits.

The first video track is the *main track*. Dropping a shot over another shot there inserts it
before or after that shot and the rest close up (CapCut's magnetic main track, Premiere's insert
drag): the shot is taken out and the later shots move left by its length, then the shots from the
drop point on move right by it. Gaps elsewhere stay as they were.

Caption and voice clips are *linked* to the main-track shot they overlap most (``Clip.linked``;
:class:`SetLinked` unlinks them): every arrangement moves them by their shot's offset, and
deleting a shot deletes them with it.

Every edit here is an :class:`Arrange`: it records the whole timeline (which clip objects each
track holds and their spans) before it changes anything and reverts by putting that back, so a
refused arrangement changes nothing. The steps of one drag share a :class:`Gesture`; each step is
computed from the timeline as it was when the drag began (the gesture keeps that state), so the
whole drag merges into one undo step whose redo lands exactly where the drag ended.
"""

from __future__ import annotations

import copy

from promodesk.core.edits import Edit, EditError, min_clip_duration
from promodesk.core.sound_links import sounds_of, split_sound, synced_span
from promodesk.core.timeline import Clip, Project, Track, TrackKind, seconds_from_us

FOLLOWER_KINDS = (TrackKind.CAPTIONS, TrackKind.VOICE, TrackKind.AUDIO)


class Gesture:
    """The token one drag's edits share; ``origin`` is the timeline when the drag began and
    ``reached`` the timeline its last step left (a step that finds anything else starts afresh:
    the token was reused after other edits)."""

    def __init__(self) -> None:
        self.origin: Snapshot | None = None
        self.reached: tuple | None = None


class Snapshot:
    """Which clips each track holds and their (start, duration, in_point), to put back."""

    def __init__(self, project: Project):
        self.tracks = {t.id: [(c, c.start, c.duration, c.in_point) for c in t.clips]
                       for t in project.tracks}

    def key(self) -> tuple:
        """The arrangement as plain values, to compare with another snapshot's."""
        return tuple((tid, tuple((c.id, s, d, i) for c, s, d, i in rows))
                     for tid, rows in self.tracks.items())

    def restore(self, project: Project) -> None:
        # by id: another edit's undo may have put an equal copy of a clip in its place since
        current = {c.id: c for t in project.tracks for c in t.clips}
        for track in project.tracks:
            rows = self.tracks.get(track.id)
            if rows is None:
                continue
            clips = []
            for clip, start, duration, in_point in rows:
                clip = current.get(clip.id, clip)
                clip.start, clip.duration, clip.in_point = start, duration, in_point
                clips.append(clip)
            track.clips = clips

    def changed(self, project: Project) -> tuple[frozenset[str], frozenset[str]]:
        """(clip ids, track ids) that differ between this snapshot and ``project`` now."""
        clips, tracks = set(), set()
        for track in project.tracks:
            before = {c.id: (s, d, i) for c, s, d, i in self.tracks.get(track.id, [])}
            after = {c.id: (c.start, c.duration, c.in_point) for c in track.clips}
            diff = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
            if diff:
                clips |= diff
                tracks.add(track.id)
        return frozenset(clips), frozenset(tracks)


# --- links ---------------------------------------------------------------------------------------

def main_track(project: Project) -> Track | None:
    """The magnetic main track: the first video track (None without one)."""
    videos = project.tracks_of(TrackKind.VIDEO)
    return videos[0] if videos else None


def owner(project: Project, clip: Clip) -> Clip | None:
    """The main-track shot a linked caption or voice clip belongs to: the one it overlaps most
    (ties: the earlier); None when it is unlinked, not a caption or voice clip, or over no shot."""
    main = main_track(project)
    track, _ = project.find_clip(clip.id)
    if main is None or not clip.linked or track.kind not in FOLLOWER_KINDS:
        return None
    best, most = None, 0
    for shot in main.clips:
        shared = min(shot.end, clip.end) - max(shot.start, clip.start)
        if shared > most:
            best, most = shot, shared
    return best


def followers(project: Project, shot_ids) -> dict[str, list[Clip]]:
    """Shot id -> the linked caption and voice clips that belong to it, for ``shot_ids``."""
    wanted = set(shot_ids)
    out: dict[str, list[Clip]] = {s: [] for s in wanted}
    for track in project.tracks:
        if track.kind not in FOLLOWER_KINDS:
            continue
        for clip in track.clips:
            shot = owner(project, clip)
            if shot is not None and shot.id in wanted:
                out[shot.id].append(clip)
    return out


# --- the edit every arrangement is ------------------------------------------------------------

class Arrange(Edit):
    """Base of the arranging edits: subclasses implement :meth:`arrange` (change the project
    freely, raise EditError to refuse); the result is checked (no overlaps, nothing before 0)."""

    kind = "clips"

    def __init__(self, gesture: Gesture | None = None):
        self.gesture = gesture
        self._before: Snapshot | None = None
        self._latest: Arrange = self
        self._changed: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())

    def arrange(self, project: Project) -> None:
        raise NotImplementedError

    def apply(self, project: Project) -> None:
        now = Snapshot(project)
        origin = now
        if self.gesture is not None:
            if self.gesture.origin is None or self.gesture.reached != now.key():
                self.gesture.origin = now
            origin = self.gesture.origin
            origin.restore(project)
        try:
            owners = _owners(project)
            self._latest.arrange(project)
            _settle_followers(project, owners)
            _check(project)
        except Exception:
            now.restore(project)
            raise
        if self._before is None:
            self._before = origin
        self._changed = now.changed(project)
        for c in self._changed[1]:
            project.track(c).sort()
        if self.gesture is not None:
            self.gesture.reached = Snapshot(project).key()

    def revert(self, project: Project) -> None:
        assert self._before is not None
        self._before.restore(project)

    def clip_ids(self) -> frozenset[str]:
        return self._changed[0]

    def track_ids(self) -> frozenset[str]:
        return self._changed[1]

    def merge(self, newer: Edit) -> bool:
        if (isinstance(newer, Arrange) and self.gesture is not None
                and newer.gesture is self.gesture):
            self._latest = newer._latest
            self.label = newer.label
            self._changed = tuple(a | b for a, b in zip(self._changed, newer._changed))
            return True
        return False


def _owners(project: Project) -> dict[str, str]:
    """Follower clip id -> the id of the shot it belongs to, as things stand."""
    main = main_track(project)
    if main is None:
        return {}
    found = followers(project, [c.id for c in main.clips])
    return {f.id: shot for shot, fs in found.items() for f in fs}


def _settle_followers(project: Project, owners: dict[str, str]) -> None:
    """Captions (and voice) that now overlap on their track after their shots moved: a part
    hanging out of its own shot is cut back to the shot first, then the earlier one ends where
    the later begins (never below one frame: what is still in the way is refused by _check)."""
    shortest = min_clip_duration(project)
    spans = {c.id: (c.start, c.end) for t in project.tracks for c in t.clips}
    for track in project.tracks:
        if track.kind not in FOLLOWER_KINDS:
            continue
        track.sort()
        for a, b in zip(track.clips, track.clips[1:]):
            if a.end <= b.start:
                continue
            own_a, own_b = spans.get(owners.get(a.id, "")), spans.get(owners.get(b.id, ""))
            if own_a and a.start + shortest <= own_a[1] < a.end:
                a.duration = own_a[1] - a.start
            if own_b and b.start < own_b[0] <= b.end - shortest and a.end > b.start:
                cut = own_b[0] - b.start
                b.start, b.duration, b.in_point = own_b[0], b.duration - cut, b.in_point + cut
            if a.end > b.start and b.start - a.start >= shortest:
                a.duration = b.start - a.start


def _check(project: Project) -> None:
    for track in project.tracks:
        track.sort()
        for a, b in zip(track.clips, track.clips[1:]):
            if a.end > b.start:
                what = b.name or a.name or "another clip"
                raise EditError(f"'{what}' is in the way on the {track.name or track.kind.value} "
                                "track; move it or unlink it first.")
        if track.clips and track.clips[0].start < 0:
            raise EditError("Clips cannot start before 0:00.")


def _shift(project: Project, clip: Clip, delta: int, moved: set[str]) -> None:
    """Move ``clip`` by ``delta`` us (once), and its followers with it when it is a shot."""
    if clip.id in moved:
        return
    moved.add(clip.id)
    clip.start += delta


def _shift_with_followers(project: Project, shots: list[Clip], deltas: dict[str, int]) -> None:
    """Move each shot by ``deltas[shot.id]`` and its followers (found before anything moved)."""
    carried = followers(project, [s.id for s in shots])
    moved: set[str] = set()
    for shot in shots:
        d = deltas.get(shot.id, 0)
        if d:
            for clip in [shot] + carried[shot.id]:
                _shift(project, clip, d, moved)


# --- arrangements -------------------------------------------------------------------------------

class MoveClips(Arrange):
    """Move clips to new starts (``targets``: clip id -> start, us) on their own tracks; a moved
    main-track shot carries its linked captions and voice (unless they are moved themselves)."""

    label = "Move clips"

    def __init__(self, targets: dict[str, int], gesture: Gesture | None = None):
        super().__init__(gesture)
        self.targets = {k: int(v) for k, v in targets.items()}

    def arrange(self, project: Project) -> None:
        clips = [project.find_clip(cid)[1] for cid in self.targets]
        carried = followers(project, [c.id for c in clips])
        moved: set[str] = set(self.targets)
        for clip in clips:
            delta = self.targets[clip.id] - clip.start
            for f in carried.get(clip.id, []):
                _shift(project, f, delta, moved)
            clip.start = self.targets[clip.id]


class ReorderClip(Arrange):
    """Magnetic insert on the main track: shot ``clip_id`` goes to position ``index`` among the
    other main-track shots (0: first); the gap it leaves closes and the shots from its new place
    on make room, each carrying its linked clips."""

    label = "Reorder shot"

    def __init__(self, clip_id: str, index: int, gesture: Gesture | None = None):
        super().__init__(gesture)
        self.clip_id, self.index = clip_id, int(index)

    def arrange(self, project: Project) -> None:
        main = main_track(project)
        track, clip = project.find_clip(self.clip_id)
        if track is not main:
            raise EditError("Only shots on the main video track can be reordered.")
        others = [c for c in main.clips if c is not clip]
        index = min(max(self.index, 0), len(others))
        d = clip.duration
        deltas: dict[str, int] = {}
        for c in others:  # take it out: the later shots close up
            if c.start >= clip.end:
                deltas[c.id] = -d
        new_start = lambda c: c.start + deltas.get(c.id, 0)  # noqa: E731
        at = new_start(others[index]) if index < len(others) else \
            (new_start(others[-1]) + others[-1].duration if others else 0)
        for c in others[index:]:  # put it in: the shots from there on make room
            deltas[c.id] = deltas.get(c.id, 0) + d
        deltas[clip.id] = at - clip.start
        _shift_with_followers(project, main.clips, deltas)


class OverwriteClip(Arrange):
    """Premiere's overwrite drag: shot ``clip_id`` goes to ``start`` on its track and whatever
    of other clips lies under it there is cut away (trimmed, split around it, or removed with
    its linked clips); a covered clip's own sound (core.sound_links) is cut with it, in step."""

    label = "Overwrite"

    def __init__(self, clip_id: str, start: int, gesture: Gesture | None = None):
        super().__init__(gesture)
        self.clip_id, self.start = clip_id, max(int(start), 0)

    def arrange(self, project: Project) -> None:
        track, clip = project.find_clip(self.clip_id)
        a, b = self.start, self.start + clip.duration
        covered = [c for c in track.clips if c is not clip and c.start < b and a < c.end]
        shortest = min_clip_duration(project)
        # what is under it goes, and so does a remainder shorter than a frame
        gone = [c for c in covered
                if max(a - c.start, 0) < shortest and max(c.end - b, 0) < shortest]
        main = track is main_track(project)
        gone_followers = followers(project, [c.id for c in gone]) if main else {}
        carried = followers(project, [clip.id])[clip.id] if main else []
        # each covered clip's own sound, found before any span changes (it is matched by span)
        sounds = {c.id: sounds_of(project, c) for c in covered}
        for f in carried:
            f.start += a - clip.start
        clip.start = a
        for c in covered:
            if c in gone:
                track.clips.remove(c)
                for f in gone_followers.get(c.id, []) + [s for _, s in sounds[c.id]]:
                    for t in project.tracks:  # once: its sound may be a follower as well
                        t.clips = [x for x in t.clips if x is not f]
                continue
            if c.start + shortest <= a and c.end - shortest >= b:   # inside it: keep both ends
                tail = copy.deepcopy(c)
                tail.id = f"{c.id}-{self.clip_id[:4]}"
                cut = b - c.start
                tail.start, tail.duration, tail.in_point = b, c.end - b, c.in_point + cut
                c.duration = a - c.start
                track.clips.append(tail)
                for sound_track, sound in sounds[c.id]:  # cut with it: the tail's part is its
                    half = split_sound(sound, tail, f"{sound.id}-{self.clip_id[:4]}")
                    if half is not None:
                        sound_track.clips.append(half)
            elif a - c.start >= shortest:        # its end is under the shot
                c.duration = a - c.start
            else:                                # its start is under the shot
                cut = b - c.start
                c.start, c.duration, c.in_point = b, c.duration - cut, c.in_point + cut
            for _, sound in sounds[c.id]:  # what is left of it keeps its sound in step
                sound.start, sound.duration, sound.in_point = synced_span(
                    sound, c.start, c.duration, c.in_point)


class DeleteClips(Arrange):
    """Delete clips; a main-track shot takes its linked captions and voice with it. With
    ``ripple`` the later clips on each track close the gaps (shots carrying their linked clips)."""

    def __init__(self, clip_ids, ripple: bool = False):
        super().__init__(None)
        self.clip_ids_ = list(dict.fromkeys(clip_ids))
        self.ripple = ripple
        self.label = "Ripple delete" if ripple else "Delete"

    def arrange(self, project: Project) -> None:
        main = main_track(project)
        doomed = [project.find_clip(cid) for cid in self.clip_ids_]
        shots = [c for t, c in doomed if t is main]
        carried = followers(project, [c.id for c in shots])
        gone: dict[str, tuple[Track, Clip]] = {c.id: (t, c) for t, c in doomed}
        for shot in shots:
            for f in carried[shot.id]:
                gone.setdefault(f.id, (project.find_clip(f.id)[0], f))
        if self.ripple and main is not None:
            # shots after a deleted shot close up, carrying the clips linked to them
            later = [c for c in main.clips if c.id not in gone]
            deltas = {c.id: -sum(s.duration for s in shots if s.end <= c.start) for c in later}
            _shift_with_followers(project, later, deltas)
        for track, clip in gone.values():
            track.clips.remove(clip)
        if self.ripple:  # deleted clips off the main track close their own track's gap
            for track, clip in gone.values():
                if track is main or clip.id in {f.id for fs in carried.values() for f in fs}:
                    continue
                for other in track.clips:
                    if other.start >= clip.end:
                        other.start -= clip.duration


class PasteClips(Arrange):
    """Put copies of ``clips`` ((track id, clip) pairs, their starts relative to the first) at
    ``at`` us with new ids (``new_ids``, same order); on the main track the copies are inserted
    and the later shots make room (carrying their linked clips)."""

    label = "Paste"

    def __init__(self, clips: list[tuple[str, Clip]], at: int, new_ids: list[str] | None = None):
        super().__init__(None)
        from promodesk.core.timeline import new_id

        self.clips = [(t, copy.deepcopy(c)) for t, c in clips]
        self.at = max(int(at), 0)
        self.new_ids = new_ids or [new_id() for _ in clips]

    def arrange(self, project: Project) -> None:
        if not self.clips:
            raise EditError("Copy a clip first.")
        main = main_track(project)
        first = min(c.start for _, c in self.clips)
        pasted_main = [c for t, c in self.clips if main is not None and t == main.id]
        if pasted_main:
            span = max(c.end for c in pasted_main) - min(c.start for c in pasted_main)
            later = [c for c in main.clips if c.start >= self.at or c.end > self.at]
            if later and later[0].start < self.at:  # inside a shot: insert after it
                self.at = later[0].end
                later = later[1:]
            _shift_with_followers(project, later, {c.id: span for c in later})
        for (track_id, clip), cid in zip(self.clips, self.new_ids):
            copy_ = copy.deepcopy(clip)
            copy_.id = cid
            copy_.start = self.at + clip.start - first
            project.track(track_id).clips.append(copy_)


class SetDuration(Arrange):
    """Set a clip's duration (us), keeping its start; on the main track the later shots follow
    (with their linked clips), elsewhere the clip must fit before the next one."""

    label = "Set duration"

    def __init__(self, clip_id: str, duration: int):
        super().__init__(None)
        self.clip_id, self.duration = clip_id, int(duration)

    def arrange(self, project: Project) -> None:
        track, clip = project.find_clip(self.clip_id)
        if self.duration < min_clip_duration(project):
            raise EditError("A clip must last at least one frame.")
        longest = clip.max_duration()
        if longest is not None and self.duration > longest:
            raise EditError(f"This clip's source lasts only {seconds_from_us(longest):.2f} s "
                            "from its in-point.")
        delta = self.duration - clip.duration
        if track is main_track(project):
            later = [c for c in track.clips if c.start >= clip.end]
            _shift_with_followers(project, later, {c.id: delta for c in later})
        clip.duration = self.duration
        for _, sound in sounds_of(project, clip):  # its own sound keeps its length, in step
            sound.start, sound.duration, sound.in_point = synced_span(
                sound, clip.start, clip.duration, clip.in_point)


class SetLinked(Edit):
    """Link or unlink caption/voice clips from their shots (``Clip.linked``)."""

    def __init__(self, clip_ids, linked: bool):
        self.ids, self.linked = list(clip_ids), bool(linked)
        self.label = "Link" if linked else "Unlink"
        self._old: list[bool] = []

    def apply(self, project: Project) -> None:
        clips = [project.find_clip(cid) for cid in self.ids]
        if not any(t.kind in FOLLOWER_KINDS for t, _ in clips):
            raise EditError("Only captions and voice clips are linked to shots.")
        self._old = [c.linked for _, c in clips]
        for _, c in clips:
            c.linked = self.linked

    def revert(self, project: Project) -> None:
        for cid, old in zip(self.ids, self._old):
            project.find_clip(cid)[1].linked = old

    def clip_ids(self) -> frozenset[str]:
        return frozenset(self.ids)
