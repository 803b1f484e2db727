"""Mouse gestures on the timeline: pixels in, core gestures out. Dragging a clip's body or edge
is a :class:`~promodesk.core.gestures.ClipDrag` (moving, trimming and snapping happen there);
the upper half of the ruler scrubs the playhead, the lower half picks a bar range
(:func:`~promodesk.core.gestures.pick_bars`); a drag from empty lane space draws a marquee that
selects the clips it touches. Pixels become microseconds here and nowhere else."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from promodesk.app import timeline_paint as paint
from promodesk.core.edits import EditError
from promodesk.core.gestures import ClipDrag, pick_bars

SNAP_PX = 10  # snapping reach in pixels


class Gestures:
    """The drag state of one :class:`~promodesk.app.timeline.TimelineView`: ``drag`` is None,
    "scrub", "bars" (with ``down_us``, where the button went down), "marquee" (from
    ``down_pos``) or a :class:`ClipDrag`."""

    def __init__(self, view):
        self.view = view
        self.drag: ClipDrag | str | None = None
        self.down_us = 0
        self.down_pos = QPointF()

    def begin(self, pos: QPointF) -> bool:
        """Start a drag at ``pos`` (viewport pixels); False when nothing there can be dragged
        (the view pans instead)."""
        v = self.view
        self.down_us = v.us_at(pos.x())
        if pos.y() < paint.RULER_H:
            self.drag = "scrub" if pos.y() < paint.RULER_H / 2 else "bars"
            return True
        hit = v.hit(pos)
        if hit is None:
            if v.lane_at(pos.y()) is None:
                return False
            self.drag, self.down_pos = "marquee", QPointF(pos)
            return True
        _, clip, part = hit
        if clip.id not in v.selection:
            v.select_clip(clip.id)
        self.drag = ClipDrag.begin(v.project, clip.id, part, self.down_us, playhead=v.playhead,
                                   grid=v.grid, selection=tuple(v.selection))
        v.select_clip(clip.id, keep=True)
        return True

    def move(self, pos: QPointF, snapping: bool, overwrite: bool = False) -> None:
        """The mouse is at ``pos``: scrub, pick bars, draw the marquee, or move/trim the clip
        (or the selected clips) as one gesture; ``overwrite`` (Alt) for a main-track shot."""
        v, d = self.view, self.drag
        now = v.us_at(pos.x())
        if d == "marquee":
            v.marquee = QRectF(self.down_pos, pos)
            v.select_many(v.clips_in(v.marquee))
            return
        if d == "scrub":
            v.set_playhead(now)
            return
        if d == "bars":
            bars = pick_bars(v.grid, self.down_us, now)
            if bars is None:
                v.message.emit("There is no music to select bars of yet.")
            elif bars != v.bar_range:
                v.set_bar_range(bars)
            return
        reach = int(SNAP_PX / v.xmap().scale) if snapping else -1
        lane = v.lane_at(pos.y())
        edit, snapped = d.step(v.project, now, reach, lane.track.id if lane else None,
                               overwrite=overwrite)
        v.snap_shown = (snapped.target.time, snapped.target.kind) if snapped.target else None
        try:
            v.undo.do(edit)
        except EditError as err:  # another clip in the way: the clip stays where it last fitted
            v.message.emit(str(err))
        v.canvas.update()

    def end(self) -> None:
        """The button was released: the drag (one undo step) is done."""
        self.drag, self.view.snap_shown, self.view.marquee = None, None, None
        self.view.canvas.update()
