"""The timeline: a time ruler in seconds and bars, a draggable playhead, and one lane per track
(video thumbnail strips, music waveform with beats, bars and sections, voice waveform, caption
text blocks), on pyqtgraph.

pyqtgraph's ViewBox owns the visible time range (x in seconds; Ctrl-wheel zooms, Shift-wheel and
dragging empty space pan). The lanes scroll up and down under the ruler (the wheel, the panel's
scroll bar, a clip dragged to the top or bottom edge) when they do not fit. Everything is painted
by one :class:`TimelineCanvas` in pixel coordinates, visible parts only
(:mod:`promodesk.app.timeline_picture`); photos and transitions dropped on the view are
:mod:`promodesk.app.timeline_drops`. The view follows the window's
:class:`~promodesk.core.document.Document` through its change events. It only translates pixels
to microseconds: what a drag does (snapping included) is :mod:`promodesk.core.gestures`, every
change an edit on the :class:`~promodesk.app.undo.ProjectUndo` stack, and the beat grid it snaps
to, draws and numbers the ruler with is :func:`promodesk.core.beats.timeline_grid`. A drag is one
gesture, so one undo step. Holding Shift while dragging turns snapping off.

Selecting: a click selects a clip; Shift- or Ctrl-click adds or removes one; dragging over empty
lane space draws a marquee. Dragging a shot on the
main track is magnetic (:class:`~promodesk.core.gestures.ClipDrag`); holding Alt overwrites. A
right click opens the clip, track or ruler menu of :mod:`promodesk.app.context_menus`. The squares
at a sound clip's top corners are its fade handles; the sides of a transition's bow tie drag its
length.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal

from promodesk.app import theme
from promodesk.app import timeline_paint as paint
from promodesk.app.media import MediaStore
from promodesk.app.timeline_canvas import Lane, PlayheadItem, TimelineCanvas, lane_heights
from promodesk.app.timeline_drops import TimelineDrops
from promodesk.app.timeline_gestures import Gestures, handle_at
from promodesk.app.timeline_picture import TimelinePicture
from promodesk.core.beats import BeatGrid, timeline_grid
from promodesk.core.document import Change, Document
from promodesk.core.gestures import bar_numbers, bar_span
from promodesk.core.timeline import Clip, Project, Track, US_PER_SECOND, seconds_from_us

EDGE_PX = 6   # grabbing a clip this close to an edge trims it
WHEEL_PX = 40  # the lanes scroll this far per wheel notch (about half a lane)


class TimelineView(TimelineDrops, TimelinePicture, pg.GraphicsView):
    """The timeline widget of ``document``, editing through ``undo``. Emits
    ``selection_changed(clip id or None)``, ``playhead_changed(us)``,
    ``bar_range_changed((first_bar, last_bar) or None)`` (1-based, inclusive), ``message(text)``
    for the status bar, ``photos_dropped(paths, track id, us)``, ``lanes_changed()`` and
    ``lanes_scrolled()`` (the lanes moved up or down, or how far they can scroll changed).

    Lanes' ``y`` are viewport pixels: the lanes' own layout moved up by :attr:`v_offset`, the
    pixels scrolled past; those under the ruler are hidden by it."""

    selection_changed = Signal(object)
    playhead_changed = Signal(int)
    bar_range_changed = Signal(object)
    message = Signal(str)
    photos_dropped = Signal(list, str, int)
    transition_dropped = Signal(str, str)  # incoming clip id of the cut, transition kind
    lanes_changed = Signal()
    lanes_scrolled = Signal()

    def __init__(self, media: MediaStore, document: Document, undo, parent=None):
        super().__init__(parent, background=theme.BASE)
        self.setFrameShape(self.Shape.NoFrame)
        self.media = media
        self.vb = pg.ViewBox(enableMenu=False, defaultPadding=0)
        self.setCentralItem(self.vb)
        self.vb.setMouseEnabled(x=True, y=False)
        self.vb.disableAutoRange()
        self.vb.setYRange(0, 1, padding=0)
        self.canvas = TimelineCanvas(self)
        self.canvas.setParentItem(self.vb)
        self.canvas.setZValue(10)
        self.playhead_item = PlayheadItem(self)
        self.playhead_item.setParentItem(self.vb)
        self.playhead_item.setZValue(20)
        self.vb.sigXRangeChanged.connect(lambda *_: self._view_changed())
        self.vb.sigResized.connect(self._resized)
        media.updated.connect(self.canvas.update)
        self.setAcceptDrops(True)
        self.document, self.undo = document, undo
        self.playhead = 0
        self.selected: str | None = None
        self.selection: list[str] = []  # every selected clip, the primary one (selected) last
        self.marquee: QRectF | None = None  # the rubber band while one is drawn (pixels)
        self.bar_range: tuple[int, int] | None = None
        self.in_out: list[int | None] = [None, None]  # the export range marked with I and O (us)
        self.jobs: dict[str, object] = {}  # clip id -> running Job
        self.gestures = Gestures(self)
        self.snap_shown: tuple[int, str] | None = None  # (time, what) while a drag is snapped
        self.lanes: list[Lane] = []
        self.v_offset = 0  # pixels of the lanes scrolled up past the ruler
        self._track_ids: set[str] = set()  # the tracks shown, to spot one added
        self.lanes_height = 0  # the lanes' whole height with their gaps (pixels)
        self.grid: BeatGrid | None = None
        document.events.changed.connect(self._document_changed)
        self._show_new_project()

    # --- model --------------------------------------------------------------------------------

    @property
    def project(self) -> Project:
        return self.document.project

    def _document_changed(self, change: Change) -> None:
        if change.kind == "project":
            self._show_new_project()
        elif change.kind != "folder":
            self.refresh()

    def _show_new_project(self) -> None:
        """Another project was put in place: nothing selected, playhead at 0, all of it in view."""
        self.selected, self.bar_range, self.jobs = None, None, {}
        self.selection, self.v_offset, self._track_ids = [], 0, set()
        self.in_out[:] = [None, None]
        self.refresh()
        self.fit()
        self.set_playhead(0)

    def refresh(self) -> None:
        """Re-read the project (after any edit): lanes, beat grid, limits; repaint. A track
        added (by an edit, not a new project) is scrolled into view."""
        self.lanes = self._lane_layout()
        added = [lane for lane in self.lanes if lane.track.id not in self._track_ids]
        known, self._track_ids = self._track_ids, {lane.track.id for lane in self.lanes}
        self.grid = timeline_grid(self.project)
        self._bar_numbers = bar_numbers(self.grid)
        live = {c.id for t in self.project.tracks for c in t.clips}
        if any(cid not in live for cid in self.selection):
            self.selection = [cid for cid in self.selection if cid in live]
        if self.selected and self.selected not in live:
            self.select_clip(self.selection[-1] if self.selection else None, keep=True)
        length = max(seconds_from_us(self.project.duration), 5.0)
        self.vb.setLimits(xMin=-0.5, xMax=length * 1.25 + 2, minXRange=0.05, maxXRange=length * 1.5 + 2)
        self.lanes_changed.emit()
        if known and added:
            self.reveal_lane(added[-1])
        self.lanes_scrolled.emit()
        self.canvas.update()

    @property
    def beats(self) -> tuple[int, ...]:
        """Beat times on the timeline in microseconds (empty without music)."""
        return self.grid.beats if self.grid else ()

    @property
    def bars(self) -> tuple[int, ...]:
        """Bar-line times on the timeline in microseconds (empty without music)."""
        return self.grid.downbeats if self.grid else ()

    @property
    def bar_numbers(self) -> list[int]:
        """1-based number of each bar line in :attr:`bars`, within its piece."""
        return self._bar_numbers

    # --- coordinates ----------------------------------------------------------------------------

    def xmap(self) -> paint.XMap:
        (x0, x1), _ = self.vb.viewRange()
        width = max(self.vb.width(), 1.0)
        return paint.XMap(us0=x0 * US_PER_SECOND,
                          scale=width / max((x1 - x0) * US_PER_SECOND, 1.0), width=width)

    def us_at(self, x: float) -> int:
        """Timeline time in microseconds under pixel column ``x`` (never below 0)."""
        return max(self.xmap().us(x), 0)

    def x_of(self, us: int) -> float:
        """Pixel column of time ``us`` in the viewport."""
        return self.xmap().x(us)

    def lane_at(self, y: float) -> Lane | None:
        """The lane under viewport row ``y`` (None on the ruler, which hides lanes scrolled
        under it, and between lanes)."""
        if y < paint.RULER_H:
            return None
        return next((lane for lane in self.lanes if lane.y <= y < lane.y + lane.h), None)

    def lane_for_drag(self, y: float) -> Lane | None:
        """The lane a clip dragged at viewport row ``y`` goes to: the one under it; past the
        top or bottom of the lanes in view (where the drag scrolls them) the nearest in view."""
        shown = [lane for lane in self.lanes
                 if lane.y + lane.h > paint.RULER_H and lane.y < self.vb.height()]
        if not shown:
            return None
        if y < paint.RULER_H:
            return shown[0]
        if y >= min(shown[-1].y + shown[-1].h, self.vb.height()):
            return shown[-1]
        return self.lane_at(y)

    def lane_of(self, track_id: str) -> Lane:
        return next(lane for lane in self.lanes if lane.track.id == track_id)

    def hit(self, pos: QPointF) -> tuple[Track, Clip, str] | None:
        """(track, clip, part) under ``pos``; part is body, start or end (an edge to trim), a
        sound clip's fade_in/fade_out handle or a transition_start/transition_end edge (the clip
        is then the incoming one of the cut)."""
        lane = self.lane_at(pos.y())
        if lane is None:
            return None
        handle = handle_at(self, lane, pos)  # a fade handle or a transition's edge comes first
        if handle is not None:
            return lane.track, handle[0], handle[1]
        us = self.xmap().us(pos.x())
        tolerance = EDGE_PX / self.xmap().scale
        for clip in lane.track.clips:
            if clip.start - tolerance <= us < clip.end + tolerance:
                x0, x1 = self.x_of(clip.start), self.x_of(clip.end)
                part = "body"
                if x1 - x0 > 3 * EDGE_PX:
                    part = "start" if pos.x() - x0 < EDGE_PX else "end" if x1 - pos.x() < EDGE_PX else "body"
                if clip.start <= us < clip.end or part != "body":
                    return lane.track, clip, part
        return None

    @staticmethod
    def clip_rect(xm: paint.XMap, lane: Lane, clip: Clip) -> QRectF:
        """The box a clip on ``lane`` is drawn in (viewport pixels, ``xm`` the view's time
        mapping): 2 px inside the lane's top and bottom, at least 2 px wide."""
        return QRectF(xm.x(clip.start), lane.y + 2, max(clip.duration * xm.scale, 2), lane.h - 4)

    def _lane_heights(self) -> list[int]:
        """Each track's lane height in pixels: shrunk towards its kind's minimum when the lanes
        would run past the view's bottom (:func:`lane_heights`); past that the lanes scroll."""
        tracks = self.project.tracks
        room = self.viewport().height() - paint.RULER_H if self.isVisible() else 1 << 20
        return lane_heights([t.kind.value for t in tracks], room)

    def _lane_layout(self, heights: list[int] | None = None) -> list[Lane]:
        """One lane per track under the ruler, in viewport pixels, scrolled up by
        :attr:`v_offset` (kept within what there is to scroll)."""
        heights = self._lane_heights() if heights is None else heights
        self.lanes_height = sum(h + paint.LANE_GAP for h in heights) + paint.LANE_GAP
        self.v_offset = min(self.v_offset, self.v_max())
        lanes, y = [], paint.RULER_H + paint.LANE_GAP - self.v_offset
        for track, h in zip(self.project.tracks, heights):
            lanes.append(Lane(track, y, h))
            y += h + paint.LANE_GAP
        return lanes

    def _resized(self) -> None:
        self.canvas.prepareGeometryChange()
        heights = self._lane_heights()
        if heights != [lane.h for lane in self.lanes]:
            self.refresh()  # lanes and headers follow the new height
        else:  # the same lanes; how far they scroll (and may be scrolled) changes
            self.lanes = self._lane_layout(heights)
            self.lanes_scrolled.emit()
            self.canvas.update()

    # --- scrolling the lanes --------------------------------------------------------------------

    def v_max(self) -> int:
        """How far the lanes can scroll up, in pixels (0: they all fit under the ruler)."""
        return max(paint.RULER_H + self.lanes_height - self.viewport().height(), 0)

    def lanes_bottom(self) -> float:
        """Viewport row where the lanes end (or the view's bottom, when they run past it)."""
        bottom = self.lanes[-1].y + self.lanes[-1].h if self.lanes else self.vb.height()
        return min(bottom, self.vb.height())

    def set_v_offset(self, px: float) -> None:
        """Scroll the lanes so that ``px`` pixels of them are above the view (clamped to what
        there is to scroll); the ruler stays where it is."""
        px = int(min(max(px, 0), self.v_max()))
        delta = px - self.v_offset
        if delta == 0:
            return
        self.v_offset = px
        for lane in self.lanes:  # the heights stay: only the lanes' places move
            lane.y -= delta
        self.gestures.lanes_scrolled(delta)
        self.canvas.update()
        self.lanes_scrolled.emit()

    def reveal_lane(self, lane: Lane) -> None:
        """Scroll the least that shows ``lane`` whole under the ruler (its top, if it is
        taller than the view)."""
        top = paint.RULER_H + paint.LANE_GAP
        bottom = self.viewport().height() - paint.LANE_GAP
        if lane.y < top:
            self.scroll_lanes(lane.y - top)
        elif lane.y + lane.h > bottom:
            self.scroll_lanes(min(lane.y + lane.h - bottom, lane.y - top))

    def scroll_lanes(self, px: float) -> None:
        """Scroll the lanes by ``px`` pixels (positive: down the track list)."""
        self.set_v_offset(self.v_offset + px)

    @staticmethod
    def wheel_px(ev) -> float:
        """Pixels a wheel event scrolls the lanes (positive: down): a trackpad's own pixels,
        else :data:`WHEEL_PX` a notch."""
        if not ev.pixelDelta().isNull():
            return -ev.pixelDelta().y()
        return -ev.angleDelta().y() / 120 * WHEEL_PX

    # --- view -----------------------------------------------------------------------------------

    def fit(self) -> None:
        """Show the whole video."""
        length = max(seconds_from_us(self.project.duration), 5.0)
        self.vb.setXRange(0, length * 1.04, padding=0)

    def zoom(self, factor: float) -> None:
        """Zoom in (``factor`` < 1) or out around the playhead."""
        self.vb.scaleBy(x=factor, y=1, center=QPointF(seconds_from_us(self.playhead), 0.5))

    def scroll_by(self, fraction: float) -> None:
        """Scroll by ``fraction`` of the visible width (negative: left)."""
        (x0, x1), _ = self.vb.viewRange()
        self.vb.translateBy(x=(x1 - x0) * fraction)

    def wheelEvent(self, ev) -> None:
        """Wheel: scroll the lanes up and down. Shift-wheel (or a sideways wheel): scroll in
        time. Ctrl-wheel: zoom in time around the mouse (pyqtgraph's ViewBox)."""
        dx, dy = ev.angleDelta().x(), ev.angleDelta().y()
        if ev.modifiers() & Qt.ShiftModifier or (dx and not dy):
            self.scroll_by(-0.1 if (dy or dx) > 0 else 0.1)
        elif ev.modifiers() & Qt.ControlModifier:
            super().wheelEvent(ev)
            return
        else:
            self.scroll_lanes(self.wheel_px(ev))
        ev.accept()

    def set_playhead(self, us: int, follow: bool = False) -> None:
        """Move the playhead to ``us`` (clamped at 0); with ``follow`` scroll to keep it in view."""
        us = max(int(us), 0)
        if us != self.playhead:
            self.playhead = us
            self.playhead_changed.emit(us)
        if follow:
            (x0, x1), _ = self.vb.viewRange()
            if not x0 <= seconds_from_us(us) <= x1:
                self.vb.translateBy(x=seconds_from_us(us) - x0 - (x1 - x0) * 0.1)
        self.playhead_item.follow()  # the lanes' picture stays as it is

    def select_clip(self, clip_id: str | None, keep: bool = False) -> None:
        """Select ``clip_id`` alone (None: nothing); with ``keep`` the rest of the selection
        stays and ``clip_id`` becomes the primary clip (the inspector's)."""
        if not keep:
            self.selection = [clip_id] if clip_id else []
        elif clip_id and clip_id not in self.selection:
            self.selection.append(clip_id)
        if clip_id != self.selected:
            self.selected = clip_id
            self.selection_changed.emit(clip_id)
        self.canvas.update()

    def toggle_selected(self, clip_id: str) -> None:
        """Shift/Ctrl-click: add ``clip_id`` to the selection, or take it out."""
        if clip_id in self.selection:
            self.selection.remove(clip_id)
            self.select_clip(self.selection[-1] if self.selection else None, keep=True)
        else:
            self.select_clip(clip_id, keep=True)

    def select_many(self, clip_ids, add: bool = False) -> None:
        """Select ``clip_ids`` (adding to the selection with ``add``)."""
        ids = list(dict.fromkeys((self.selection if add else []) + list(clip_ids)))
        self.selection = ids
        self.select_clip(ids[-1] if ids else None, keep=True)

    def clips_in(self, rect: QRectF) -> list[str]:
        """Ids of the clips a marquee ``rect`` (viewport pixels) touches."""
        a, b = self.us_at(min(rect.left(), rect.right())), self.us_at(max(rect.left(), rect.right()))
        return [c.id for lane in self.lanes
                if lane.y < max(rect.top(), rect.bottom()) and min(rect.top(), rect.bottom()) < lane.y + lane.h
                for c in lane.track.clips if c.start < b and a < c.end]

    def contextMenuEvent(self, ev) -> None:
        from promodesk.app.context_menus import menu_at

        pos = self.mapToScene(ev.pos())
        local = self.canvas.mapFromScene(pos)
        menu = menu_at(self.window(), self, local)
        if menu is not None:
            menu.exec(ev.globalPos())
        ev.accept()

    def set_bar_range(self, bars: tuple[int, int] | None) -> None:
        """Select bars ``(first, last)`` (1-based, inclusive) of the music, or clear."""
        self.bar_range = bars
        self.bar_range_changed.emit(bars)
        self.canvas.update()

    def bar_span_us(self) -> tuple[int, int] | None:
        """Timeline span (start, end) of the selected bar range in microseconds, or None."""
        return bar_span(self.grid, self.bar_range)

    def set_job(self, clip_id: str, job) -> None:
        """Show ``job`` (None to clear) running on a clip."""
        if job is None:
            self.jobs.pop(clip_id, None)
        else:
            self.jobs[clip_id] = job
            job.progressed.connect(lambda *_: self.canvas.update())
        self.canvas.update()

    # --- painting ---------------------------------------------------------------------------

    def _view_changed(self) -> None:
        """The visible range or size changed: everything is drawn again."""
        self.canvas.update()
