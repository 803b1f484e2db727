"""Mouse gestures on the timeline turned into edits: move a clip (snapping its nearer edge to
beats, bars, clip edges, the playhead and markers), trim an edge, scrub the playhead, pick a bar
range on the ruler. Every step of one drag carries the same gesture token, so the core edits merge
and the whole drag is one undo step. Pixels become microseconds here and nowhere else."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from PySide6.QtCore import QPointF

from promodesk.app import timeline_paint as paint
from promodesk.core.edits import EditError, MoveClip, TrimEnd, TrimStart
from promodesk.core.snapping import snap, snap_span, snap_targets

SNAP_PX = 10  # snapping reach in pixels


@dataclass
class Drag:
    """One drag in progress: what it does, on which clip, where that clip was, where it began."""

    mode: str  # move, trim_start, trim_end, scrub, bars
    clip_id: str | None
    start: int
    end: int
    down_us: int
    targets: list
    gesture: object


class Gestures:
    """The drag state of one :class:`~promodesk.app.timeline.TimelineView`."""

    def __init__(self, view):
        self.view = view
        self.drag: Drag | None = None

    def begin(self, pos: QPointF) -> bool:
        """Start a drag at ``pos`` (viewport pixels); False when nothing there can be dragged
        (the view pans instead)."""
        v = self.view
        if v.project is None:
            return False
        down = v.us_at(pos.x())
        if pos.y() < paint.RULER_H:
            mode = "scrub" if pos.y() < paint.RULER_H / 2 else "bars"
            self.drag = Drag(mode, None, 0, 0, down, [], object())
            return True
        hit = v.hit(pos)
        if hit is None:
            return False
        _, clip, part = hit
        mode = {"body": "move", "start": "trim_start", "end": "trim_end"}[part]
        targets = snap_targets(v.project, playhead=v.playhead, beats=v.beats, bars=v.bars,
                               exclude_clip=clip.id)
        self.drag = Drag(mode, clip.id, clip.start, clip.end, down, targets, object())
        v.select_clip(clip.id)
        return True

    def move(self, pos: QPointF, snapping: bool) -> None:
        """The mouse is at ``pos``: scrub, pick bars, or move/trim the clip as one gesture."""
        v, d = self.view, self.drag
        now = v.us_at(pos.x())
        if d.mode == "scrub":
            v.set_playhead(now)
            return
        if d.mode == "bars":
            self._pick_bars(d.down_us, now)
            return
        tolerance = int(SNAP_PX / v.xmap().scale) if snapping else -1
        delta = now - d.down_us
        if d.mode == "move":
            s = snap_span(max(d.start + delta, 0), d.end - d.start, d.targets, tolerance)
            lane = v.lane_at(pos.y())
            track, _ = v.project.find_clip(d.clip_id)
            dst = lane.track.id if lane and lane.track.kind == track.kind else track.id
            edit = MoveClip(d.clip_id, max(s.time, 0), dst, gesture=d.gesture)
        else:
            edge = d.start if d.mode == "trim_start" else d.end
            s = snap(edge + delta, d.targets, tolerance)
            cls = TrimStart if d.mode == "trim_start" else TrimEnd
            edit = cls(d.clip_id, s.time, gesture=d.gesture)
        v.snap_shown = (s.target.time, s.target.kind) if s.target else None
        try:
            v.undo.do(edit)
        except EditError as err:  # another clip in the way: the clip stays where it last fitted
            v.message.emit(str(err))
        v.canvas.update()

    def end(self) -> None:
        """The button was released: the drag (one undo step) is done."""
        self.drag, self.view.snap_shown = None, None
        self.view.canvas.update()

    def _pick_bars(self, a_us: int, b_us: int) -> None:
        v = self.view
        if not v.bars:
            v.message.emit("There is no music to select bars of yet.")
            return
        numbers = v.bar_numbers

        def bar_at(us):
            return numbers[max(bisect.bisect_right(v.bars, us) - 1, 0)]

        first, last = sorted((bar_at(a_us), bar_at(b_us)))
        if (first, last) != v.bar_range:
            v.set_bar_range((first, last))
