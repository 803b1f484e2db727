"""The preview's frames: the real renderer (``render.frame.FrameRenderer``, the exporter's own)
at preview size, in a preview process fed by a relay thread, with a small cache.

The UI thread only asks for "the frame at t" and shows what arrives. The relay thread hands the
newest request (older ones are dropped) to the preview process that holds the FrameRenderer (so
preparing shots, which holds the GIL in image code, never stalls the UI thread), then the next
frame ahead while playing, so playback holds the frame rate once frames are cached. With each
frame come the boxes of the caption blocks it shows (for the preview's caption handles).
"""

from __future__ import annotations

import atexit
import multiprocessing
import queue
import threading
import weakref
from collections import OrderedDict
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtGui import QImage

from promodesk.app import worker_process
from promodesk.core.document import Change, Document
from promodesk.core.timeline import ASPECTS, Project, frame_at, frame_start

PREVIEW_HEIGHT = 480
PREVIEW_WIDTH = 854  # a landscape preview is as wide as a 16:9 480p frame
CACHE_FRAMES = 90


def preview_size(project: Project, height: int = PREVIEW_HEIGHT,
                 aspect: str | None = None) -> tuple[int, int]:
    """(w, h) in pixels of the preview for the project's canvas (or for ``aspect``, one of
    ASPECTS, when previewing another one), even numbers, at most ``height`` high and
    PREVIEW_WIDTH wide."""
    cw, ch = ASPECTS[aspect] if aspect else (project.width, project.height)
    h = min(height, ch, int(PREVIEW_WIDTH * ch / cw))
    w = max(2, int(round(h * cw / ch / 2)) * 2)
    return w, h - h % 2


class _FrameWorker(QObject):
    """Renders the latest requested frame on its own thread."""

    ready = Signal(int, int, QImage, object)  # revision, frame index, image, caption boxes
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
        _, _, _, data, w, h, boxes = answer
        image = QImage(data, w, h, 3 * w, QImage.Format_RGB888).copy()
        self.ready.emit(rev, index, image, boxes)

    def stop(self) -> None:
        if self._proc is not None:
            self._inbox.put(None)
            self._proc.join(2)
            if self._proc.is_alive():
                self._proc.terminate()


class FrameSource(QObject):
    """Frames of ``document``'s project at preview size: ``show(us)`` asks, ``frame_shown``
    delivers, then ``captions_shown`` where that frame's caption blocks are (clip id -> (l, t,
    r, b) fractions of the frame). Every change of the document drops the cache (its frames are stale) and renders the
    frame last asked for again from the changed project."""

    frame_shown = Signal(QImage)
    captions_shown = Signal(object)
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
        self.cache: OrderedDict[int, tuple[QImage, dict]] = OrderedDict()  # image, caption boxes
        self.rev, self.project, self.folder = 0, None, None
        self.size = (270, 480)
        self.aspect: str | None = None  # None: the project's own
        self.wanted = -1
        self.ahead = False
        self.document = document
        document.events.changed.connect(self._document_changed)
        self._snapshot()

    def _snapshot(self) -> None:
        """Render from a copy of the document's project as it is now."""
        self.rev += 1
        self.project, self.folder = self.document.project.copy(), self.document.folder
        self.size = preview_size(self.project, aspect=self.aspect)
        self.cache.clear()

    def set_aspect(self, aspect: str | None) -> None:
        """Preview as exported at ``aspect`` (one of ASPECTS; None: the project's own canvas)
        and show the current frame again in it."""
        self.aspect = aspect if aspect != self.document.project.aspect else None
        self._snapshot()
        if self.wanted >= 0 and self.folder is not None:
            self._render(self.wanted)

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
            self._emit(*self.cache[index])
            if ahead:
                self._render(index + 1)
            return
        self._render(index)

    def _render(self, index: int) -> None:
        if index in self.cache:
            return
        self.worker.request(self.rev, self.project, self.folder, self.size, index,
                            frame_start(index, self.project.fps))

    @Slot(int, int, QImage, object)
    def _ready(self, rev: int, index: int, image: QImage, boxes: dict) -> None:
        if rev != self.rev:
            return
        self.cache[index] = (image, boxes)
        while len(self.cache) > CACHE_FRAMES:
            self.cache.popitem(last=False)
        if index == self.wanted:
            self._emit(image, boxes)
        if self.ahead and index < self.wanted + 3:
            self._render(index + 1)

    def _emit(self, image: QImage, boxes: dict) -> None:
        self.frame_shown.emit(image)
        self.captions_shown.emit(boxes)

    def stop(self) -> None:
        if not self.thread.isRunning():
            return
        self.thread.quit()
        self.thread.wait(3000)
        self.worker.stop()
