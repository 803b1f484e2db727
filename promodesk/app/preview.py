"""The preview: frames from the real renderer (``render.frame.FrameRenderer``, the exporter's
own) at preview size, rendered on a worker thread with a small cache, plus the transport row
(play/pause, time, loop).

The UI thread only asks for "the frame at t" and shows what arrives. A relay thread hands the
newest request (older ones are dropped) to a preview process that holds the FrameRenderer (so
preparing shots, which holds the GIL in image code, never stalls the UI thread), then the next
frame ahead while playing, so playback holds the frame rate once frames are cached.
"""

from __future__ import annotations

import atexit
import multiprocessing
import queue
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, QThread, Signal, Slot
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (QCheckBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from promodesk.app import theme, worker_process
from promodesk.app.timeline_paint import format_time
from promodesk.core.document import Change, Document
from promodesk.core.timeline import Project, frame_at, frame_start

PREVIEW_HEIGHT = 480
CACHE_FRAMES = 90


def preview_size(project: Project, height: int = PREVIEW_HEIGHT) -> tuple[int, int]:
    """(w, h) in pixels of the preview for the project's canvas, even numbers."""
    h = min(height, project.height)
    w = max(2, int(round(h * project.width / project.height / 2)) * 2)
    return w, h - h % 2


class _FrameWorker(QObject):
    """Renders the latest requested frame on its own thread."""

    ready = Signal(int, int, QImage)  # revision, frame index, image
    failed = Signal(str)
    wake = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._request: tuple | None = None
        self._proc = None
        self._sent_rev = -1

    def request(self, rev: int, project: Project, folder: Path, size, index: int, us: int) -> None:
        with self._lock:
            self._request = (rev, project, folder, size, index, us)
        self.wake.emit()

    @Slot()
    def work(self) -> None:
        with self._lock:
            req, self._request = self._request, None
        if req is None:
            return
        rev, project, folder, size, index, us = req
        if self._proc is None or not self._proc.is_alive():
            ctx = multiprocessing.get_context("spawn")
            self._inbox, self._outbox = ctx.Queue(), ctx.Queue()
            self._proc = ctx.Process(target=worker_process.serve_frames, name="promodesk-preview",
                                     args=(self._inbox, self._outbox), daemon=True)
            self._proc.start()
            self._sent_rev = -1
        if self._sent_rev != rev:
            self._inbox.put(("project", rev, project, folder, size))
            self._sent_rev = rev
        self._inbox.put(("frame", rev, index, us))
        while True:
            try:
                answer = self._outbox.get(timeout=1.0)
            except queue.Empty:
                if not self._proc.is_alive():
                    self.failed.emit("The preview stopped unexpectedly; click the timeline to retry.")
                    return
                continue
            if answer[1] == rev and answer[2] == index:
                break
        if answer[0] == "error":
            if answer[3] != "stale":
                self.failed.emit(answer[3])
            return
        _, _, _, data, w, h = answer
        image = QImage(data, w, h, 3 * w, QImage.Format_RGB888).copy()
        self.ready.emit(rev, index, image)

    def stop(self) -> None:
        if self._proc is not None:
            self._inbox.put(None)
            self._proc.join(2)
            if self._proc.is_alive():
                self._proc.terminate()


class FrameSource(QObject):
    """Frames of ``document``'s project at preview size: ``show(us)`` asks, ``frame_shown``
    delivers. Every change of the document drops the cache (its frames are stale) and renders the
    frame last asked for again from the changed project."""

    frame_shown = Signal(QImage)
    problem = Signal(str)

    def __init__(self, document: Document, parent: QObject | None = None):
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("promodesk-preview")
        self.worker = _FrameWorker()
        self.worker.moveToThread(self.thread)
        self.worker.wake.connect(self.worker.work)
        self.worker.ready.connect(self._ready)
        self.worker.failed.connect(self.problem)
        self.thread.start()
        ref = weakref.ref(self)
        atexit.register(lambda: ref() is not None and ref().stop())
        self.cache: OrderedDict[int, QImage] = OrderedDict()
        self.rev, self.project, self.folder = 0, None, None
        self.size = (270, 480)
        self.wanted = -1
        self.ahead = False
        self.document = document
        document.events.changed.connect(self._document_changed)
        self._snapshot()

    def _snapshot(self) -> None:
        """Render from a copy of the document's project as it is now."""
        self.rev += 1
        self.project, self.folder = self.document.project.copy(), self.document.folder
        self.size = preview_size(self.project)
        self.cache.clear()

    def _document_changed(self, change: Change) -> None:
        self._snapshot()
        if change.kind == "project":
            self.wanted = 0  # a new project opens at 0:00
        if self.wanted >= 0 and self.folder is not None:
            self._render(self.wanted)

    def show(self, us: int, ahead: bool = False) -> None:
        """Show the frame at ``us`` (from the cache at once, else when rendered). With ``ahead``
        (playing) the next frame is rendered after it."""
        if self.folder is None:
            return
        index = frame_at(us, self.project.fps)
        self.wanted, self.ahead = index, ahead
        if index in self.cache:
            self.cache.move_to_end(index)
            self.frame_shown.emit(self.cache[index])
            if ahead:
                self._render(index + 1)
            return
        self._render(index)

    def _render(self, index: int) -> None:
        if index in self.cache:
            return
        self.worker.request(self.rev, self.project, self.folder, self.size, index,
                            frame_start(index, self.project.fps))

    @Slot(int, int, QImage)
    def _ready(self, rev: int, index: int, image: QImage) -> None:
        if rev != self.rev:
            return
        self.cache[index] = image
        while len(self.cache) > CACHE_FRAMES:
            self.cache.popitem(last=False)
        if index == self.wanted:
            self.frame_shown.emit(image)
        if self.ahead and index < self.wanted + 3:
            self._render(index + 1)

    def stop(self) -> None:
        if not self.thread.isRunning():
            return
        self.thread.quit()
        self.thread.wait(3000)
        self.worker.stop()


class FrameView(QWidget):
    """Draws the current preview frame, letterboxed, on a dark stage."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.image: QImage | None = None
        self.note = "No project open"
        self.setMinimumSize(200, 200)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def set_image(self, image: QImage) -> None:
        self.image, self.note = image, ""
        self.update()

    def set_note(self, text: str) -> None:
        self.note = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, 480)

    def paintEvent(self, _ev) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), theme.qcolor("#0e0f11"))
        if self.image is not None and not self.image.isNull():
            scaled = self.image.size().scaled(self.size(), Qt.KeepAspectRatio)
            x, y = (self.width() - scaled.width()) // 2, (self.height() - scaled.height()) // 2
            p.setRenderHint(QPainter.SmoothPixmapTransform)
            p.drawImage(self.rect().adjusted(x, y, -x, -y), self.image)
        if self.note:
            p.setPen(theme.qcolor(theme.TEXT_DIM))
            p.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignBottom | Qt.AlignHCenter | Qt.TextWordWrap,
                       self.note)
        p.end()


class PreviewPanel(QWidget):
    """The frame view and the transport row under it, following ``document`` (its length, and
    what to do when it is empty)."""

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.view = FrameView()
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
        col.addWidget(self.view, 1)
        col.addLayout(row)
        self.document, self.us = document, 0
        document.events.changed.connect(self._document_changed)
        self._document_changed(Change("project"))

    def _document_changed(self, change: Change) -> None:
        project = self.document.project
        if change.kind == "project":
            self.view.set_note("" if project.duration else "Paste a brief on the left and press Generate")
            self.us = 0
        self.show_time(self.us, project.duration)

    def show_time(self, us: int, length: int) -> None:
        """Show the playhead at ``us`` of ``length`` (microseconds)."""
        self.us = us
        self.time_label.setText(f"{format_time(us, True)} / {format_time(length, True)}")

    def show_playing(self, playing: bool) -> None:
        self.play_button.setText("Pause" if playing else "Play")
