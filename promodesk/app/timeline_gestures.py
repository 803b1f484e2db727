"""Mouse gestures on the timeline: pixels in, core gestures out. Dragging a clip's body or edge
is a :class:`~promodesk.core.gestures.ClipDrag` (moving, trimming and snapping happen there);
the upper half of the ruler scrubs the playhead, the lower half picks a bar range
(:func:`~promodesk.core.gestures.pick_bars`); a drag from empty lane space draws a marquee that
selects the clips it touches. A sound clip's fade handles and a transition band's edges
(:func:`handle_at`) are dragged through :data:`~promodesk.core.gestures.HANDLE_DRAGS`. Pixels
become microseconds here and nowhere else."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF

from promodesk.app import timeline_paint as paint
from promodesk.core.edits import EditError
from promodesk.core.gestures import HANDLE_DRAGS, ClipDrag, pick_bars
from promodesk.core.transitions import transition_of

SNAP_PX = 10  # snapping reach in pixels
SOUND_LANES = ("audio", "voice", "music")


def handle_at(view, lane, pos: QPointF):
    """(clip, part) of the handle under ``pos`` on ``lane``, or None: a sound clip's fade handle
    (fade_in/fade_out, in its top :data:`~timeline_paint.HANDLE_PX` pixels) or a transition
    band's edge on a video lane (transition_start/transition_end, the incoming clip)."""
    xm, kind = view.xmap(), lane.track.kind.value
    x, y = pos.x(), pos.y()
    if kind in SOUND_LANES and lane.y <= y < lane.y + 2 + paint.HANDLE_PX:
        for clip in lane.track.clips:
            if xm.x(clip.end) < -20 or xm.x(clip.start) > xm.width + 20:
                continue
            x_in, x_out = paint.fade_handle_xs(xm, clip)
            if x_in - 3 <= x <= x_in + paint.HANDLE_PX and x_in < x_out:
                return clip, "fade_in"
            if x_out - paint.HANDLE_PX <= x <= x_out + 3:
                return clip, "fade_out"
        return None
    if kind != "video" or not paint.band_top(lane) <= y <= lane.y + lane.h - 6:
        return None
    for prev, clip in zip(lane.track.clips, lane.track.clips[1:]):
        kind_in, length = transition_of(clip)
        if kind_in == "cut" or prev.end != clip.start:
            continue
        x0, x1 = xm.x(clip.start - length // 2), xm.x(clip.start + length - length // 2)
        near0, near1 = abs(x - x0), abs(x - x1)
        if min(near0, near1) <= paint.EDGE_GRAB_PX:
            return clip, "transition_start" if near0 <= near1 else "transition_end"
    return None


class Gestures:
    """The drag state of one :class:`~promodesk.app.timeline.TimelineView`: ``drag`` is None,
    "scrub", "bars" (with ``down_us``, where the button went down), "marquee" (from
    ``down_pos``), a :class:`ClipDrag` or a handle's drag (FadeDrag, TransitionDrag)."""

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
        if part in HANDLE_DRAGS:  # a fade handle or a transition's edge: one gesture, one step
            self.drag = HANDLE_DRAGS[part].begin(v.project, clip.id, part, self.down_us,
                                                 playhead=v.playhead, grid=v.grid)
            return True
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
