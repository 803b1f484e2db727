"""What the timeline view draws: the lanes' layout, the static canvas painted once into a cached
picture (lanes, clips, ruler, grid) and the playhead as its own item, so moving the playhead
repaints only its strip (pyqtgraph's cached-picture idea)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QGuiApplication, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem

from promodesk.app import timeline_paint as paint
from promodesk.core.timeline import Track

if TYPE_CHECKING:
    from promodesk.app.timeline import TimelineView

SNAP_OFF = Qt.ShiftModifier
SNAP_OFF_NAME = "Shift"
OVERWRITE = Qt.AltModifier   # a main-track drag covers what it lands on instead of inserting
ADD_TO_SELECTION = Qt.ShiftModifier | Qt.ControlModifier


@dataclass
class Lane:
    """A track's lane: its top ``y`` and height ``h`` in pixels."""

    track: Track
    y: float
    h: float


def lane_heights(kinds: list[str], room: float) -> list[int]:
    """Pixel heights of lanes of track ``kinds`` (top to bottom) in ``room`` pixels below the
    ruler: each kind's own height (timeline_paint.LANE_HEIGHTS) while they fit; else each lane
    keeps its kind's LANE_MIN_HEIGHTS and the room left is shared in proportion to what each
    gave up. Below the sum of the minimums, the minimums: a lane stays usable (thumbnails,
    waveform, a header's name and mute button) and the view scrolls the lanes instead."""
    natural = [paint.LANE_HEIGHTS.get(k, paint.LANE_HEIGHT_OTHER) for k in kinds]
    least = [min(paint.LANE_MIN_HEIGHTS.get(k, paint.LANE_MIN_OTHER), n) for k, n in zip(kinds, natural)]
    spare = room - paint.LANE_GAP * len(kinds)
    if sum(natural) <= spare:
        return natural
    share = max(spare - sum(least), 0) / max(sum(natural) - sum(least), 1)
    return [lo + int((n - lo) * share) for lo, n in zip(least, natural)]


class TimelineCanvas(pg.GraphicsObject):
    """Paints the whole visible timeline and turns mouse gestures into edits.

    The lanes, clips and ruler are drawn once into a cached picture (pyqtgraph's
    customGraphicsItem idea, as a pixmap: replaying it costs one blit) and copied from it on
    every paint; ``update()`` (any change: an edit, a scroll, a selection) drops the picture.
    The playhead is a :class:`PlayheadItem` of its own above it, so moving it repaints only
    its strip of pixels, copied from the picture."""

    def __init__(self, view: TimelineView):
        super().__init__()
        self.view = view
        self.setAcceptHoverEvents(True)
        # paint() is told which part of the canvas is exposed, so a blit copies only that part
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.picture: QPixmap | None = None

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.view.vb.width(), self.view.vb.height())

    def update(self, *args) -> None:
        """Something drawn changed: drop the cached picture and repaint."""
        self.picture = None
        super().update(*args)
        playhead = getattr(self.view, "playhead_item", None)
        if playhead is not None:  # lanes added, removed or resized: its height follows
            playhead.follow()

    def paint(self, p: QPainter, option=None, *args) -> None:
        dpr = p.device().devicePixelRatioF() if p.device() is not None else 1.0
        w, h = self.view.vb.width(), self.view.vb.height()
        size = (max(int(w * dpr), 1), max(int(h * dpr), 1))
        if self.picture is None or (self.picture.width(), self.picture.height()) != size:
            self.picture = QPixmap(*size)
            self.picture.setDevicePixelRatio(dpr)
            painter = QPainter(self.picture)
            self.view.paint_static(painter)
            painter.end()
        exposed = option.exposedRect if option is not None else QRectF(0, 0, w, h)
        p.drawPixmap(exposed, self.picture, QRectF(exposed.x() * dpr, exposed.y() * dpr,
                                                   exposed.width() * dpr, exposed.height() * dpr))
        self.view.paint_overlays(p)


    def hoverEvent(self, ev) -> None:
        if ev.isExit():
            self.unsetCursor()
            return
        hit = self.view.hit(ev.pos())
        self.setCursor(Qt.SizeHorCursor if hit and hit[2] != "body" else Qt.ArrowCursor)

    def mouseClickEvent(self, ev) -> None:
        if ev.button() != Qt.LeftButton:
            ev.ignore()
            return
        pos = ev.pos()
        if pos.y() < paint.RULER_H:
            self.view.set_playhead(self.view.us_at(pos.x()))
        else:
            hit = self.view.hit(pos)
            held = ev.modifiers() | QGuiApplication.keyboardModifiers()
            if hit and held & ADD_TO_SELECTION:
                self.view.toggle_selected(hit[1].id)
            else:
                self.view.select_clip(hit[1].id if hit else None)
        ev.accept()

    def mouseDragEvent(self, ev) -> None:
        if ev.button() != Qt.LeftButton:
            ev.ignore()
            return
        gestures = self.view.gestures
        if ev.isStart() and not gestures.begin(ev.buttonDownPos()):
            ev.ignore()
            return
        if gestures.drag is None:
            ev.ignore()
            return
        ev.accept()
        held = ev.modifiers() | QGuiApplication.keyboardModifiers()
        gestures.move(ev.pos(), snapping=not (held & SNAP_OFF), overwrite=bool(held & OVERWRITE))
        if ev.isFinish():
            gestures.end()


class PlayheadItem(QGraphicsItem):
    """The playhead over the cached timeline picture: moving it repaints its own 14 px strip."""

    def __init__(self, view: TimelineView):
        super().__init__()
        self.view = view
        self.height = 0.0

    def boundingRect(self) -> QRectF:
        return QRectF(-7, 0, 14, self.height)

    def paint(self, p: QPainter, *args) -> None:
        paint.paint_playhead(p, 0.0, self.height)

    def follow(self) -> None:
        """Stand at the view's playhead, as tall as its lanes (or the view, when they run
        past it)."""
        view = self.view
        height = view.lanes_bottom()
        if height != self.height:
            self.prepareGeometryChange()
            self.height = height
        self.setPos(view.x_of(view.playhead), 0)
