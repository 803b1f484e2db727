"""Mouse gestures on the timeline: pixels in, core gestures out. Dragging a clip's body or edge
is a :class:`~promodesk.core.gestures.ClipDrag` (moving, trimming and snapping happen there);
the upper half of the ruler scrubs the playhead, the lower half picks a bar range
(:func:`~promodesk.core.gestures.pick_bars`); a drag from empty lane space draws a marquee that
selects the clips it touches; a clip or marquee dragged near the lanes' top or bottom edge
scrolls them (:class:`EdgeScroll`). A sound clip's fade handles and a transition band's edges
(:func:`handle_at`) are dragged through :data:`~promodesk.core.gestures.HANDLE_DRAGS`. Pixels
become microseconds here and nowhere else."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QTimer

from promodesk.app import timeline_paint as paint
from promodesk.core.edits import EditError
from promodesk.core.gestures import HANDLE_DRAGS, ClipDrag, pick_bars
from promodesk.core.transitions import transition_of

SNAP_PX = 10  # snapping reach in pixels
EDGE_SCROLL_PX = 24  # a clip or marquee dragged this close to the lanes' top or bottom scrolls them
EDGE_SCROLL_MS = 30  # how often, while the mouse stays there
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


def edge_scroll_speed(y: float, top: float, bottom: float, down_y: float) -> int:
    """Pixels the lanes scroll per tick with a drag at viewport row ``y`` that began at row
    ``down_y``, the lanes shown between rows ``top`` and ``bottom``: negative (up) near the
    top, positive near the bottom, faster the deeper in (or past the edge); 0 elsewhere, and
    while the drag has not moved towards that edge (a clip grabbed near it stays put)."""
    if y < top + EDGE_SCROLL_PX and y < down_y:
        return -min(2 + int((top + EDGE_SCROLL_PX - y) / 2), 40)
    if y > bottom - EDGE_SCROLL_PX and y > down_y:
        return min(2 + int((y - bottom + EDGE_SCROLL_PX) / 2), 40)
    return 0


class Gestures:
    """The drag state of one :class:`~promodesk.app.timeline.TimelineView`: ``drag`` is None,
    "scrub", "bars", "marquee", a :class:`ClipDrag` or a handle's drag (FadeDrag,
    TransitionDrag). Where the button went down: ``down_us`` (time) and ``down_pos`` (viewport
    pixels, moving with the lanes as they scroll: a marquee's corner)."""

    def __init__(self, view):
        self.view = view
        self.drag: ClipDrag | str | None = None
        self.down_us = 0
        self.down_pos = QPointF()
        self._last: tuple[QPointF, bool, bool] | None = None  # the drag's last move (see move)
        self._speed = 0
        self._edge = QTimer()  # scrolls while a drag is held at the lanes' edge
        self._edge.setInterval(EDGE_SCROLL_MS)
        self._edge.timeout.connect(self._edge_tick)

    def begin(self, pos: QPointF) -> bool:
        """Start a drag at ``pos`` (viewport pixels); False when nothing there can be dragged
        (the view pans instead)."""
        v = self.view
        self.down_us, self.down_pos = v.us_at(pos.x()), QPointF(pos)
        if pos.y() < paint.RULER_H:
            self.drag = "scrub" if pos.y() < paint.RULER_H / 2 else "bars"
            return True
        hit = v.hit(pos)
        if hit is None:
            if v.lane_at(pos.y()) is None:
                return False
            self.drag = "marquee"
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
        if d == "marquee" or isinstance(d, ClipDrag):  # both may reach lanes out of view
            self._last = (QPointF(pos), snapping, overwrite)
            self._speed = edge_scroll_speed(pos.y(), paint.RULER_H, v.vb.height(),
                                            self.down_pos.y())
            if self._speed and not self._edge.isActive():
                self._edge.start()
            elif not self._speed:
                self._edge.stop()
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
        lane = v.lane_for_drag(pos.y())
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
        self._edge.stop()
        self.drag, self.view.snap_shown, self.view.marquee = None, None, None
        self._last = None
        self.view.canvas.update()

    def lanes_scrolled(self, delta: float) -> None:
        """The lanes moved up by ``delta`` pixels: where the drag began (a marquee's corner)
        moves with them."""
        self.down_pos.setY(self.down_pos.y() - delta)

    def _edge_tick(self) -> None:
        """The drag is held at the lanes' edge: scroll them, then move the drag again at the
        same mouse position (it is over another place in the lanes now)."""
        if self.drag is None or self._last is None:
            self._edge.stop()
            return
        before = self.view.v_offset
        self.view.scroll_lanes(self._speed)
        if self.view.v_offset == before:  # at the end: nothing more to scroll
            self._edge.stop()
            return
        self.move(*self._last)
