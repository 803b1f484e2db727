"""What a mouse gesture on the timeline does, on the model and in microseconds: move a clip
(snapping its nearer edge), trim an edge (snapping it), drag a sound clip's fade handle or a
transition's edge, pick a range of bars, split at the playhead. napari keeps its mouse
interactions model-side; so do we: the timeline widget only turns pixels into microseconds (the
time under the mouse, the snapping reach) and calls these, and the tests drive them without a
window.

Snapping reaches the beats and bars of the timeline's grid (:func:`promodesk.core.beats.timeline_grid`,
the one the ruler and the lanes draw), the other clips' edges, the playhead and markers
(:func:`promodesk.core.snapping.snap_targets`); a negative reach (Shift held) turns it off. Every
step of one drag carries the drag's gesture token, so its edits merge into one undo step.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from promodesk.core.arrange import Gesture, MoveClips, OverwriteClip, ReorderClip, main_track
from promodesk.core.beats import BeatGrid
from promodesk.core.edits import Edit, EditError, MoveClip, SplitClip, TrimEnd, TrimStart
from promodesk.core.handle_edits import SetClipSound, SetTransitionLength
from promodesk.core.snapping import Snap, SnapTarget, snap, snap_span, snap_targets
from promodesk.core.timeline import Project, frame_start
from promodesk.core.transitions import transition_of

_MODES = {"body": "move", "start": "trim_start", "end": "trim_end"}


@dataclass
class ClipDrag:
    """One drag of a clip's body (``move``) or edge (``trim_start``/``trim_end``): the clip's span
    ``start``..``end`` and the time under the mouse ``down`` when the button went down (all
    microseconds), what it may snap to, the other selected clips that move with it (``group``:
    clip id -> start when the drag began), the other main-track shots' spans then
    (``others``), and the gesture token its edits share.

    Moving a shot on the main track is magnetic: into free space it simply moves; over another
    shot it is inserted before or after that shot (whichever half the mouse is over) and the
    rest close up (:class:`~promodesk.core.arrange.ReorderClip`); with ``overwrite`` (Alt held)
    it covers what lies under it (:class:`~promodesk.core.arrange.OverwriteClip`)."""

    mode: str
    clip_id: str
    start: int
    end: int
    down: int
    targets: list[SnapTarget]
    gesture: Gesture = field(default_factory=Gesture)
    group: dict[str, int] = field(default_factory=dict)
    on_main: bool = False
    others: list[tuple[str, int, int]] = field(default_factory=list)

    @classmethod
    def begin(cls, project: Project, clip_id: str, part: str, down: int,
              playhead: int | None = None, grid: BeatGrid | None = None,
              selection=()) -> ClipDrag:
        """Start dragging ``part`` (body, start or end) of a clip grabbed at time ``down``;
        ``grid`` is the timeline's beat grid (None: no music to snap to); ``selection`` the ids
        of the selected clips (a body drag of one of several moves them all)."""
        track, clip = project.find_clip(clip_id)
        targets = snap_targets(project, playhead=playhead, beats=grid.beats if grid else (),
                               bars=grid.downbeats if grid else (), exclude_clip=clip_id)
        group = {}
        if part == "body" and clip_id in selection and len(selection) > 1:
            group = {cid: project.find_clip(cid)[1].start for cid in selection}
        main = main_track(project)
        others = [(c.id, c.start, c.end) for c in main.clips if c.id != clip_id] if main else []
        return cls(_MODES[part], clip_id, clip.start, clip.end, int(down), targets,
                   group=group, on_main=track is main, others=others)

    def step(self, project: Project, now: int, reach: int,
             over_track: str | None = None, overwrite: bool = False) -> tuple[Edit, Snap]:
        """The edit for the mouse at time ``now`` (microseconds) and how it snapped. ``reach`` is
        the snapping distance in microseconds (negative: no snapping); a moved clip goes to
        ``over_track`` (the lane under the mouse) when that track holds clips of its kind."""
        delta = int(now) - self.down
        if self.mode == "move":
            s = snap_span(max(self.start + delta, 0), self.end - self.start, self.targets, reach)
            start = max(s.time, 0)
            if self.group:
                shift = max(start - self.start, -min(self.group.values()))
                return MoveClips({cid: t + shift for cid, t in self.group.items()},
                                 self.gesture), s
            track, _ = project.find_clip(self.clip_id)
            dst = track.id
            if over_track is not None and project.track(over_track).kind == track.kind:
                dst = over_track
            if self.on_main and dst == main_track(project).id:
                return self._main_move(start, int(now), overwrite), s
            return MoveClip(self.clip_id, start, dst, gesture=self.gesture), s
        edge = self.start if self.mode == "trim_start" else self.end
        s = snap(edge + delta, self.targets, reach)
        trim = TrimStart if self.mode == "trim_start" else TrimEnd
        return trim(self.clip_id, s.time, gesture=self.gesture), s

    def _main_move(self, start: int, now: int, overwrite: bool) -> Edit:
        end = start + self.end - self.start
        if overwrite:
            return OverwriteClip(self.clip_id, start, self.gesture)
        if not any(a < end and start < b for _, a, b in self.others):
            return MoveClips({self.clip_id: start}, self.gesture)
        return ReorderClip(self.clip_id, self.insert_index(now), self.gesture)

    def insert_index(self, now: int) -> int:
        """Where among the other main-track shots the dragged one goes for the mouse at ``now``:
        before the shot under the mouse when over its left half, else after it."""
        for i, (_, a, b) in enumerate(self.others):
            if now < (a + b) / 2:
                return i
        return len(self.others)


@dataclass
class FadeDrag:
    """One drag of a sound clip's fade handle (``part`` fade_in or fade_out, at the clip's top
    corners): the handle's time when the button went down (``edge``, microseconds) follows the
    mouse, snapping as clip edges do; the fade is the handle's distance from the clip's start
    (fade in) or end (fade out), held to the clip by :class:`SetClipSound`."""

    part: str
    clip_id: str
    start: int
    end: int
    edge: int
    down: int
    targets: list[SnapTarget]
    gesture: object = field(default_factory=object)

    @classmethod
    def begin(cls, project: Project, clip_id: str, part: str, down: int,
              playhead: int | None = None, grid: BeatGrid | None = None) -> FadeDrag:
        """Start dragging ``part`` (fade_in or fade_out) of a clip grabbed at time ``down``."""
        _, clip = project.find_clip(clip_id)
        edge = clip.start + clip.fade_in if part == "fade_in" else clip.end - clip.fade_out
        targets = snap_targets(project, playhead=playhead, beats=grid.beats if grid else (),
                               bars=grid.downbeats if grid else (), exclude_clip=clip_id)
        return cls(part, clip_id, clip.start, clip.end, edge, int(down), targets)

    def step(self, project: Project, now: int, reach: int, over_track: str | None = None,
             overwrite: bool = False) -> tuple[Edit, Snap]:
        """The edit for the mouse at ``now`` (us) with snapping ``reach`` (us; negative: off)."""
        s = snap(min(max(self.edge + int(now) - self.down, self.start), self.end),
                 self.targets, reach)
        if self.part == "fade_in":
            return SetClipSound(self.clip_id, self.gesture, fade_in=s.time - self.start), s
        return SetClipSound(self.clip_id, self.gesture, fade_out=self.end - s.time), s


@dataclass
class TransitionDrag:
    """One drag of a transition's edge (``part`` transition_start or transition_end: the bow
    tie's left or right side) at the cut into ``clip_id`` at ``cut`` us. The band stays centred
    on the cut, so the length is twice the edge's distance from it; the edge snaps to beats,
    bars, edges, markers and the playhead, and otherwise the length to whole frames. The edit
    holds it between 0.1 s and the shorter of the two clips."""

    part: str
    clip_id: str
    cut: int
    edge: int
    down: int
    targets: list[SnapTarget]
    fps: object
    gesture: object = field(default_factory=object)

    @classmethod
    def begin(cls, project: Project, clip_id: str, part: str, down: int,
              playhead: int | None = None, grid: BeatGrid | None = None) -> TransitionDrag:
        """Start dragging the ``part`` edge of the transition into ``clip_id`` from ``down``."""
        _, clip = project.find_clip(clip_id)
        _, length = transition_of(clip)
        edge = clip.start - length // 2 if part == "transition_start" \
            else clip.start + length - length // 2
        targets = snap_targets(project, playhead=playhead, beats=grid.beats if grid else (),
                               bars=grid.downbeats if grid else ())
        targets = [t for t in targets if t.time != clip.start]  # the cut itself: no length
        return cls(part, clip_id, clip.start, edge, int(down), targets, project.fps)

    def step(self, project: Project, now: int, reach: int, over_track: str | None = None,
             overwrite: bool = False) -> tuple[Edit, Snap]:
        """The edit for the mouse at ``now`` (us) with snapping ``reach`` (us; negative: off)."""
        s = snap(self.edge + int(now) - self.down, self.targets, reach)
        length = 2 * abs(s.time - self.cut)
        if s.target is None:   # whole frames
            frame = frame_start(1, self.fps)
            length = frame_start(max(round(length / frame), 1), self.fps)
        return SetTransitionLength(self.clip_id, length, self.gesture), s


HANDLE_DRAGS = {"fade_in": FadeDrag, "fade_out": FadeDrag,
                "transition_start": TransitionDrag, "transition_end": TransitionDrag}


def bar_numbers(grid: BeatGrid | None) -> list[int]:
    """The 1-based number of each bar line of ``grid`` within its piece (a trimmed music clip
    starts at bar 3, say); empty without a grid."""
    return [grid.bar_number(i) for i in range(len(grid.downbeats))] if grid else []


def bar_at(grid: BeatGrid, time: int) -> int:
    """Number of the bar (1-based) that ``time`` (microseconds) falls in; the first bar before
    the first bar line. ``grid`` has at least one bar line."""
    return grid.bar_number(max(bisect.bisect_right(grid.downbeats, time) - 1, 0))


def pick_bars(grid: BeatGrid | None, a: int, b: int) -> tuple[int, int] | None:
    """The bars (first, last; 1-based, inclusive) a drag from time ``a`` to ``b`` covers, either
    way round; None when there is no music (no bar lines)."""
    if grid is None or not grid.downbeats:
        return None
    first, last = sorted((bar_at(grid, a), bar_at(grid, b)))
    return first, last


def bar_span(grid: BeatGrid | None, chosen: tuple[int, int] | None) -> tuple[int, int] | None:
    """Timeline span (start, end) in microseconds of the ``chosen`` bars (first, last; 1-based,
    inclusive); the last bar ends at the next bar line, or one bar length after its start when it
    is the last line. None when nothing is chosen or no chosen bar is on the timeline."""
    if not chosen or grid is None or not grid.downbeats:
        return None
    first, last = chosen
    bars, numbers = grid.downbeats, bar_numbers(grid)
    starts = [t for t, n in zip(bars, numbers) if first <= n <= last]
    if not starts:
        return None
    after = [t for t, n in zip(bars, numbers) if n == last + 1]
    end = after[0] if after else starts[-1] + (bars[1] - bars[0] if len(bars) > 1 else 0)
    return starts[0], end


def split_at_playhead(project: Project, playhead: int, selected: str | None) -> SplitClip:
    """The split the S key makes: the selected clip, else the first clip (top track down) under
    the playhead, cut at ``playhead`` (microseconds). Raises ``EditError`` when there is none."""
    clip_id = selected
    if clip_id is None:
        hits = [t.clip_at(playhead) for t in project.tracks]
        clip_id = next((c.id for c in hits if c is not None), None)
    if clip_id is None:
        raise EditError("Select a clip (or put the playhead over one) to split it.")
    return SplitClip(clip_id, playhead)
