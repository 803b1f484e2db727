"""The preview: the frame from the real renderer (``render.frame.FrameRenderer``, the exporter's
own, at preview size: :mod:`promodesk.app.frame_source` makes them) on a dark stage, plus the
transport row (play/pause, time, loop).

A switch above the frame previews the project in another aspect (the frames the export of that
aspect would have), with safe-area guides: title safe (80%), action safe (90%) and, for vertical
video, where the platforms put their own buttons and captions.

Overlays (logos, titles, picture-in-picture) and caption blocks are moved and scaled by hand on
the frame (:mod:`promodesk.app.overlay_handles`); the frame view maps its pixels to the frame's
in one place (:meth:`FrameView.mapping`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPen
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QHBoxLayout, QLabel, QPushButton,
                               QSizePolicy, QVBoxLayout, QWidget)

from promodesk.app import theme
from promodesk.app.frame_source import FrameSource, preview_size  # noqa: F401 (the preview's API)
from promodesk.app.overlay_handles import FrameMapping, Handles
from promodesk.app.timeline_paint import format_time
from promodesk.core.document import Change, Document
from promodesk.core.timeline import ASPECTS, Project
from promodesk.engines.visuals.safearea import aspect_name

# Safe areas as (left, top, right, bottom) fractions of the frame kept clear.
TITLE_SAFE = (0.10, 0.10, 0.10, 0.10)
ACTION_SAFE = (0.05, 0.05, 0.05, 0.05)
# Vertical video: the platforms' own buttons (right) and caption/description (bottom) cover these.
PLATFORM_UI_VERTICAL = (0.0, 0.08, 0.15, 0.20)


def canvas_of(project: Project, image: tuple[int, int]) -> tuple[int, int]:
    """The export frame size (w, h pixels) of the aspect a preview ``image`` (w, h) shows: the
    project's own canvas, or the preset of the aspect previewed instead."""
    name = aspect_name(image)
    own = (project.width, project.height)
    return own if aspect_name(own) == name else ASPECTS[name]


def safe_rect(frame: QRectF, margins: tuple[float, float, float, float]) -> QRectF:
    """``frame`` less ``margins`` (fractions of its width/height: left, top, right, bottom)."""
    l, t, r, b = margins
    return frame.adjusted(frame.width() * l, frame.height() * t, -frame.width() * r,
                          -frame.height() * b)


class FrameView(QWidget):
    """Draws the current preview frame, letterboxed, on a dark stage, and with ``handles`` the
    overlay and caption handles over it (mouse and arrow keys go to them)."""

    NUDGES = {Qt.Key_Left: (-1, 0), Qt.Key_Right: (1, 0), Qt.Key_Up: (0, -1), Qt.Key_Down: (0, 1)}

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.note = "No project open"
        self.safe_areas = True
        self.canvas: tuple[int, int] | None = None  # export frame size of the aspect shown
        self.handles: Handles | None = None
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setMouseTracking(True)  # the cursor shows what a press would grab
        self.setFocusPolicy(Qt.ClickFocus)

    def set_handles(self, handles: Handles) -> None:
        self.handles = handles
        handles.changed.connect(self.update)

    def mapping(self) -> FrameMapping | None:
        """Widget pixels <-> export frame pixels of what is shown; None without a frame."""
        rect = self.frame_rect
        if rect.isEmpty() or self.canvas is None:
            return None
        return FrameMapping(rect, self.canvas)

    # --- direct manipulation: the view only translates events; Handles decides --------------------

    def mousePressEvent(self, ev) -> None:
        m = self.mapping()
        if ev.button() == Qt.LeftButton and self.handles and m and self.handles.press(m, ev.position()):
            ev.accept()
            return
        super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev) -> None:
        m = self.mapping()
        if self.handles is None or m is None:
            return
        snapping = not ev.modifiers() & Qt.ShiftModifier
        self.handles.move(m, ev.position(), snapping)
        cursor = self.handles.cursor_at(m, ev.position())
        if cursor is None:
            self.unsetCursor()
        else:
            self.setCursor(cursor)

    def mouseReleaseEvent(self, ev) -> None:
        m = self.mapping()
        if ev.button() == Qt.LeftButton and self.handles and m and self.handles.release(m):
            ev.accept()
            return
        super().mouseReleaseEvent(ev)

    def _takes_key(self, ev) -> bool:
        if self.handles is None or self.mapping() is None:
            return False
        if ev.key() == Qt.Key_Escape:
            return self.handles.live is not None
        return ev.key() in self.NUDGES and self.handles.current() is not None

    def event(self, ev) -> bool:
        # the window's Left/Right (frame step) shortcuts would take the arrows before keyPressEvent
        if ev.type() == QEvent.ShortcutOverride and self._takes_key(ev):
            ev.accept()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev) -> None:
        if self._takes_key(ev):
            if ev.key() == Qt.Key_Escape:
                self.handles.cancel()
            else:
                step = 10 if ev.modifiers() & Qt.ShiftModifier else 1
                dx, dy = self.NUDGES[ev.key()]
                self.handles.nudge(self.mapping(), dx * step, dy * step, ev.isAutoRepeat())
            ev.accept()
            return
        super().keyPressEvent(ev)

    def set_image(self, image: QImage) -> None:
        self.image, self.note = image, ""
        self.update()

    def clear(self, note: str) -> None:
        """No frame (a new, empty project): the stage and ``note``."""
        self.image = None
        self.set_note(note)

    def set_safe_areas(self, shown: bool) -> None:
        self.safe_areas = shown
        self.update()

    def set_note(self, text: str) -> None:
        self.note = text
        self.update()

    @property
    def frame_rect(self) -> QRectF:
        """Where the frame is drawn (letterboxed, centred), in widget pixels; empty without one."""
        if self.image is None or self.image.isNull():
            return QRectF()
        scaled = self.image.size().scaled(self.size(), Qt.KeepAspectRatio)
        x, y = (self.width() - scaled.width()) // 2, (self.height() - scaled.height()) // 2
        return QRectF(x, y, scaled.width(), scaled.height())

    def sizeHint(self) -> QSize:
        return QSize(480, 480)

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), theme.qcolor("#0e0f11"))
        frame = self.frame_rect
        if not frame.isEmpty():
            p.setRenderHint(QPainter.SmoothPixmapTransform)
            p.drawImage(frame, self.image)
            if self.safe_areas:
                self._paint_safe_areas(p, frame)
            m = self.mapping()
            if self.handles is not None and m is not None:
                self.handles.paint(p, m, self.image)
        if self.note:
            p.setPen(theme.qcolor(theme.TEXT_DIM))
            p.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignBottom | Qt.AlignHCenter | Qt.TextWordWrap,
                       self.note)
        p.end()


    def _paint_safe_areas(self, p: QPainter, frame: QRectF) -> None:
        """Title-safe and action-safe frames, centre guides, and on vertical video the zones
        the platforms cover with their own buttons and text (shaded)."""
        if frame.height() > frame.width() * 1.2:
            l, t, r, b = PLATFORM_UI_VERTICAL
            shade = theme.qcolor("#000000", 70)
            p.fillRect(QRectF(frame.left(), frame.bottom() - frame.height() * b, frame.width(),
                              frame.height() * b), shade)
            p.fillRect(QRectF(frame.right() - frame.width() * r, frame.top() + frame.height() * t,
                              frame.width() * r, frame.height() * (1 - t - b)), shade)
        p.setBrush(Qt.NoBrush)
        p.setPen(QPen(theme.qcolor(theme.SAFE_AREA, 200), 1, Qt.DashLine))
        p.drawRect(safe_rect(frame, ACTION_SAFE))
        p.setPen(QPen(theme.qcolor(theme.SAFE_AREA, 230), 1))
        p.drawRect(safe_rect(frame, TITLE_SAFE))
        c = frame.center()
        p.setPen(QPen(theme.qcolor(theme.SAFE_AREA, 120), 1))
        p.drawLine(c.x() - 10, c.y(), c.x() + 10, c.y())
        p.drawLine(c.x(), c.y() - 10, c.x(), c.y() + 10)


class AspectSwitch(QWidget):
    """A row of checkable buttons: preview the project's own aspect or another one; emits
    ``changed(aspect name)``, and a Safe areas check box (``safe_areas``)."""

    changed = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.setSpacing(4)
        row.addWidget(QLabel("Preview as"))
        self.group = QButtonGroup(self)
        self.group.setExclusive(True)
        self.buttons: dict[str, QPushButton] = {}
        for name in ASPECTS:
            button = QPushButton(name)
            button.setCheckable(True)
            button.setObjectName("segment")
            button.setToolTip(f"Preview the video as exported at {name}")
            self.group.addButton(button)
            self.buttons[name] = button
            row.addWidget(button)
            button.clicked.connect(lambda _c=False, n=name: self.changed.emit(n))
        row.addStretch(1)
        self.safe_areas = QCheckBox("Safe areas")
        self.safe_areas.setChecked(True)
        self.safe_areas.setToolTip("Title safe (solid), action safe (dashed); on vertical video "
                                   "the shaded zones are covered by the platforms' buttons. With a "
                                   "logo, title or caption picked on the frame, the dotted yellow "
                                   "box is this aspect's platform safe area: it stays inside, and "
                                   "snaps to its edges and the centre lines (hold Shift not to)")
        row.addWidget(self.safe_areas)

    def show_aspect(self, aspect: str) -> None:
        """Check ``aspect``'s button without emitting ``changed``."""
        if aspect in self.buttons:
            self.buttons[aspect].setChecked(True)


class PreviewPanel(QWidget):
    """The aspect switch, the frame view and the transport row under it, following ``document``
    (its length, its aspect, and what to do when it is empty). ``aspect_changed(name)``: the
    aspect to preview; ``edit_requested(edit)``: an overlay or caption moved by hand;
    ``clip_picked(clip id)``: one picked by a click on the frame."""

    aspect_changed = Signal(str)
    edit_requested = Signal(object)
    clip_picked = Signal(str)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.view = FrameView()
        self.handles = Handles(document, self)
        self.handles.edit_requested.connect(self.edit_requested)
        self.handles.clip_picked.connect(self.clip_picked)
        self.view.set_handles(self.handles)
        self.aspects = AspectSwitch()
        self.aspects.changed.connect(self.aspect_changed)
        self.aspects.safe_areas.toggled.connect(self.view.set_safe_areas)
        self.play_button = QPushButton("Play")
        self.play_button.setToolTip("Play / pause (Space); J K L shuttle")
        self.play_button.setFixedWidth(80)
        self.time_label = QLabel("0:00.0 / 0:00.0")
        self.time_label.setObjectName("timecode")
        self.loop = QCheckBox("Loop")
        row = QHBoxLayout()
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.play_button)
        row.addSpacing(8)
        row.addWidget(self.time_label)
        row.addStretch(1)
        row.addWidget(self.loop)
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(0)
        col.addWidget(self.aspects)
        col.addWidget(self.view, 1)
        col.addLayout(row)
        self.document, self.us = document, 0
        document.events.changed.connect(self._document_changed)
        self._document_changed(Change("project"))

    def _document_changed(self, change: Change) -> None:
        project = self.document.project
        if change.kind == "project":
            if project.duration:
                self.view.set_note("")
            else:  # a new project: the last one's frame must not stay on the stage
                self.view.clear("Paste a brief on the left and press Generate")
            self.aspects.show_aspect(project.aspect)
            self.us = 0
        self.show_time(self.us, project.duration)

    def follow(self, frames: FrameSource) -> None:
        """Take the frames' aspect and caption blocks from ``frames`` (for the handles)."""
        frames.frame_shown.connect(self._frame_shown)
        frames.captions_shown.connect(self.handles.set_caption_boxes)

    def _frame_shown(self, image: QImage) -> None:
        canvas = canvas_of(self.document.project, (image.width(), image.height()))
        self.view.canvas = canvas
        self.handles.set_canvas(canvas)

    def select_clip(self, clip_id: str | None) -> None:
        """Show handles on ``clip_id`` (the timeline's selection) when it is an overlay or a
        caption showing at the playhead."""
        self.handles.select(clip_id)

    def show_time(self, us: int, length: int) -> None:
        """Show the playhead at ``us`` of ``length`` (microseconds)."""
        self.us = us
        self.handles.set_time(us)
        self.time_label.setText(f"{format_time(us, True)} / {format_time(length, True)}")

    def show_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
