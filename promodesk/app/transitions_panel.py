"""The transitions panel: every transition the renderer draws, each with a live thumbnail (two
example photos blended by the real ``engines.visuals.transitions.blend``, looping), a length,
and three ways to use one: drag it onto a cut on the timeline, put it on the selected shot's cut,
or apply it to all cuts. The chosen kind and length are the default (remembered), which a drop
and "Apply to all cuts" use.

Emits ``apply_requested(clip ids, kind, length in microseconds)``; the main window turns it into
one :class:`~promodesk.core.transitions.SetTransition` edit (one undo step)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QMimeData, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QDrag, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (QDoubleSpinBox, QFormLayout, QLabel, QListView,
                               QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from promodesk.core.document import Document
from promodesk.core.transitions import KINDS, cuts, transition_of
from promodesk.core.timeline import seconds_from_us, us_from_seconds

MIME = "application/x-promodesk-transition"
THUMB = (88, 50)  # two to a row in a side panel 270 px wide
STEPS = 16  # frames of each looping thumbnail
EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples" / "products"
NAMES = {"cut": "Cut", "crossfade": "Crossfade", "slide": "Slide", "zoom": "Zoom"}


def _photo(name: str) -> np.ndarray:
    """An example photo as uint8 RGB at the thumbnail size (grey when it is missing)."""
    import cv2

    img = cv2.imread(str(EXAMPLES / name))
    if img is None:
        return np.full((THUMB[1], THUMB[0], 3), 90, np.uint8)
    h, w = img.shape[:2]
    s = max(THUMB[0] / w, THUMB[1] / h)
    img = cv2.resize(img, (max(THUMB[0], round(w * s)), max(THUMB[1], round(h * s))),
                     interpolation=cv2.INTER_AREA)
    y, x = (img.shape[0] - THUMB[1]) // 2, (img.shape[1] - THUMB[0]) // 2
    return np.ascontiguousarray(cv2.cvtColor(img[y:y + THUMB[1], x:x + THUMB[0]], cv2.COLOR_BGR2RGB))


def thumbnail_frames(kind: str) -> list[QPixmap]:
    """STEPS pixmaps of ``kind`` going from one example shot to the other (what the export
    draws at a cut, small)."""
    from promodesk.engines.visuals.transitions import blend

    a, b = _photo("espresso-cup.png"), _photo("launch.jpg")
    frames = []
    for i in range(STEPS):
        rgb = np.ascontiguousarray(blend(a, b, kind, i / (STEPS - 1)))
        image = QImage(rgb.data, THUMB[0], THUMB[1], 3 * THUMB[0], QImage.Format_RGB888).copy()
        frames.append(QPixmap.fromImage(image))
    return frames


class TransitionList(QListWidget):
    """The transitions as thumbnails; an item dragged out carries its kind (MIME)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setViewMode(QListView.IconMode)
        self.setIconSize(QSize(*THUMB))
        self.setGridSize(QSize(THUMB[0] + 16, THUMB[1] + 26))
        self.setResizeMode(QListView.Adjust)
        self.setMovement(QListView.Static)
        self.setDragEnabled(True)
        self.setMinimumHeight(2 * (THUMB[1] + 26) + 8)  # both rows of thumbnails in view
        # made when the panel is first shown: the editor's start does not pay for OpenCV
        self.frames: dict[str, list[QPixmap]] = {}
        for kind in KINDS:
            item = QListWidgetItem(NAMES[kind])
            item.setData(Qt.UserRole, kind)
            item.setToolTip(f"{NAMES[kind]}: drag onto a cut on the timeline")
            self.addItem(item)
        self.step = 0
        self.timer = QTimer(self)
        self.timer.setInterval(90)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def showEvent(self, ev) -> None:
        super().showEvent(ev)
        if not self.frames:
            self.frames = {kind: thumbnail_frames(kind) for kind in KINDS}
            self._tick()

    def _tick(self) -> None:
        if not self.isVisible() or not self.frames:
            return
        self.step = (self.step + 1) % (STEPS + 6)  # hold the end frame a moment
        i = min(self.step, STEPS - 1)
        for row in range(self.count()):
            item = self.item(row)
            item.setIcon(QIcon(self.frames[item.data(Qt.UserRole)][i]))

    def kind(self) -> str:
        item = self.currentItem()
        return item.data(Qt.UserRole) if item else "crossfade"

    def mimeData(self, items) -> QMimeData:
        mime = QMimeData()
        if items:
            mime.setData(MIME, items[0].data(Qt.UserRole).encode())
        return mime

    def mimeTypes(self) -> list[str]:
        return [MIME]

    def startDrag(self, actions) -> None:
        item = self.currentItem()
        if item is None:
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        if self.frames:
            drag.setPixmap(self.frames[item.data(Qt.UserRole)][STEPS // 2])
        drag.exec(Qt.CopyAction)


class TransitionsPanel(QWidget):
    """Transitions with live thumbnails, a length, Apply to selected cut / all cuts."""

    apply_requested = Signal(list, str, int)  # clip ids, kind, microseconds

    def __init__(self, document: Document, selected=lambda: [], settings=None, parent=None):
        super().__init__(parent)
        self.document, self.selected, self.settings = document, selected, settings
        self.list = TransitionList()
        self.length = QDoubleSpinBox()
        self.length.setRange(0.1, 3.0)
        self.length.setSingleStep(0.1)
        self.length.setDecimals(1)
        self.length.setSuffix(" s")
        self.note = QLabel("")
        self.note.setObjectName("dim")
        self.note.setWordWrap(True)
        self.to_selected = QPushButton("Apply to selected cut")
        self.to_selected.setToolTip("The cut where the selected shot comes in")
        self.to_selected.clicked.connect(self.apply_to_selected)
        self.to_all = QPushButton("Apply to all cuts")
        self.to_all.clicked.connect(self.apply_to_all)
        form = QFormLayout()
        form.addRow("Length", self.length)
        buttons = QVBoxLayout()  # stacked: the side panel stays narrow at 1366x768
        buttons.addWidget(self.to_selected)
        buttons.addWidget(self.to_all)
        col = QVBoxLayout(self)
        col.setContentsMargins(6, 6, 6, 6)
        col.addWidget(self.list, 1)
        col.addLayout(form)
        col.addLayout(buttons)
        col.addWidget(self.note)
        kind = str(settings.value("transitions/kind", "crossfade")) if settings else "crossfade"
        self.list.setCurrentRow(KINDS.index(kind) if kind in KINDS else 1)
        self.length.setValue(float(settings.value("transitions/seconds", 0.6)) if settings else 0.6)
        self.list.currentRowChanged.connect(lambda _r: self._remember())
        self.length.valueChanged.connect(lambda _v: self._remember())
        document.events.changed.connect(lambda _c: self._update_note())
        self._update_note()

    def default(self) -> tuple[str, int]:
        """The chosen (kind, length in microseconds): what drops and Apply use."""
        return self.list.kind(), us_from_seconds(self.length.value())

    def _remember(self) -> None:
        if self.settings is not None:
            kind, us = self.default()
            self.settings.setValue("transitions/kind", kind)
            self.settings.setValue("transitions/seconds", seconds_from_us(us))

    def _update_note(self) -> None:
        found = cuts(self.document.project)
        kinds = sorted({transition_of(c)[0] for c in found})
        self.note.setText(f"{len(found)} cut(s) on the timeline" +
                          (f": {', '.join(kinds)}" if found else
                           " (two shots end to end make one)"))

    def apply_to_selected(self) -> None:
        at_cuts = {c.id for c in cuts(self.document.project)}
        ids = [i for i in self.selected() if i in at_cuts]
        if not ids:
            self.note.setText("Select a shot that starts at a cut (right after another shot).")
            return
        self.apply_requested.emit(ids, *self.default())

    def apply_to_all(self) -> None:
        self.apply_requested.emit([c.id for c in cuts(self.document.project)], *self.default())
