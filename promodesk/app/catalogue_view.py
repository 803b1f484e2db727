"""File > Open Catalogue: the products of a batch output folder as a grid of cards.

Each card shows the product's frame strip, its status (or the error of a failed one), an
Approved box stored in the folder's manifest, Open (the product's project in the editor) and
Regenerate (runs ``promodesk batch ... --only KEY --force`` again, in a separate process, so
the editor stays responsive). Edits saved in an opened project are re-exported by the next batch
run, which sees the project changed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QFileSystemWatcher, QProcess, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (QCheckBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton,
                               QScrollArea, QVBoxLayout, QWidget)

from promodesk.render.batch import MANIFEST, load_manifest, set_approved
from promodesk.render.product import STRIP

CARD_WIDTH = 300
COLUMNS = 3
STATUS_COLOURS = {"done": "#2e9e4f", "failed": "#d0454c", "pending": "#c9a227",
                  "running": "#4a8fd6"}


class ProductCard(QFrame):
    """One product: strip, title, status, Approved, Open and Regenerate."""

    def __init__(self, key: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.setFrameShape(QFrame.StyledPanel)
        self.setFixedWidth(CARD_WIDTH)
        self.picture = QLabel(alignment=Qt.AlignCenter)
        self.picture.setFixedHeight(90)
        self.title = QLabel(wordWrap=True)
        self.status = QLabel(wordWrap=True)
        self.approved = QCheckBox("Approved")
        self.open_button = QPushButton("Open")
        self.regenerate_button = QPushButton("Regenerate")
        buttons = QHBoxLayout()
        buttons.addWidget(self.approved)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.regenerate_button)
        layout = QVBoxLayout(self)
        for w in (self.picture, self.title, self.status):
            layout.addWidget(w)
        layout.addLayout(buttons)

    def show_entry(self, entry: dict, folder: Path, running: bool) -> None:
        """Fill the card from the manifest ``entry`` of the product in ``folder``."""
        strip = folder / STRIP
        pixmap = QPixmap(str(strip)) if strip.is_file() else QPixmap()
        if pixmap.isNull():
            self.picture.setText("no picture yet")
        else:
            self.picture.setPixmap(pixmap.scaled(CARD_WIDTH - 20, 90, Qt.KeepAspectRatio,
                                                 Qt.SmoothTransformation))
        self.title.setText(f"<b>{entry.get('title') or self.key}</b>")
        status = "running" if running else entry.get("status", "")
        info = entry.get("info") or {}
        detail = entry.get("error", "") if status == "failed" else (
            f"{info.get('duration_s', '')} s, {info.get('loudness_lufs', '')} LUFS"
            if status == "done" else "")
        colour = STATUS_COLOURS.get(status, "#888")
        self.status.setText(f"<span style='color:{colour}'>{status}</span> {detail}")
        self.status.setToolTip(detail)
        self.approved.blockSignals(True)
        self.approved.setChecked(bool(entry.get("approved")))
        self.approved.blockSignals(False)
        self.approved.setEnabled(status == "done")
        self.open_button.setEnabled(status == "done" and any(folder.glob("*.promodesk")))
        self.regenerate_button.setEnabled(not running)


class CatalogueView(QWidget):
    """The grid of a batch output folder ``out_dir``. ``open_project(folder)`` is called with a
    product's project folder when its Open is clicked. ``regenerated(key, exit_code)`` is emitted
    when a Regenerate run ends."""

    regenerated = Signal(str, int)

    def __init__(self, out_dir: Path, open_project: Callable[[Path], object],
                 parent: QWidget | None = None):
        super().__init__(parent, Qt.Window)
        self.out_dir = Path(out_dir)
        self.open_project = open_project
        self.cards: dict[str, ProductCard] = {}
        self.processes: dict[str, QProcess] = {}
        self.setWindowTitle(f"Catalogue: {self.out_dir.name}")
        self.summary = QLabel()
        self.grid = QGridLayout()
        inner = QWidget()
        inner.setLayout(self.grid)
        scroll = QScrollArea(widgetResizable=True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(scroll)
        self.resize(CARD_WIDTH * COLUMNS + 80, 640)
        # another batch run (a terminal, a farm) rewrites the manifest: follow it
        self.watcher = QFileSystemWatcher([str(self.out_dir)], self)
        self.watcher.directoryChanged.connect(lambda _p: self.refresh())
        self.refresh()

    def manifest(self) -> dict:
        return load_manifest(self.out_dir)

    def refresh(self) -> None:
        """Rebuild the cards from the manifest (catalogue order)."""
        m = self.manifest()
        entries = m["products"]
        keys = [k for k in m.get("order", list(entries)) if k in entries]
        for n, key in enumerate(keys):
            card = self.cards.get(key)
            if card is None:
                card = self.cards[key] = ProductCard(key)
                card.approved.toggled.connect(lambda on, k=key: set_approved(self.out_dir, k, on))
                card.open_button.clicked.connect(lambda _=False, k=key: self._open(k))
                card.regenerate_button.clicked.connect(lambda _=False, k=key: self.regenerate(k))
                self.grid.addWidget(card, n // COLUMNS, n % COLUMNS)
            card.show_entry(entries[key], self.out_dir / key, key in self.processes)
        counts = {s: sum(e.get("status") == s for e in entries.values() if e)
                  for s in ("done", "failed")}
        approved = sum(bool(entries[k].get("approved")) for k in keys)
        self.summary.setText(f"{len(keys)} products: {counts['done']} done, {counts['failed']} "
                             f"failed, {approved} approved. Folder: {self.out_dir}")

    def _open(self, key: str) -> None:
        projects = sorted((self.out_dir / key).glob("*.promodesk"))
        if projects:
            self.open_project(projects[0])

    def regenerate(self, key: str) -> None:
        """Run the batch again for product ``key`` alone (forced), with the settings of the run
        that made the folder; the card shows "running" until it ends."""
        argv = self.manifest().get("rerun")
        if not argv or key in self.processes:
            return
        proc = QProcess(self)
        proc.setProgram(sys.executable)
        proc.setArguments(["-m", "promodesk", "batch", *argv, "--only", key, "--force"])
        proc.finished.connect(lambda code, _status, k=key: self._finished(k, code))
        self.processes[key] = proc
        proc.start()
        self.refresh()

    def _finished(self, key: str, code: int) -> None:
        proc = self.processes.pop(key, None)
        if proc is not None:
            proc.deleteLater()
        self.refresh()
        self.regenerated.emit(key, code)

    def closeEvent(self, ev) -> None:
        for proc in self.processes.values():  # a closed grid leaves no render behind
            proc.terminate()
            proc.waitForFinished(5000)
        super().closeEvent(ev)


def is_batch_folder(folder: Path) -> bool:
    """Whether ``folder`` is a ``promodesk batch`` output folder (it has a manifest)."""
    return (Path(folder) / MANIFEST).is_file()


def open_catalogue(window, folder: Path | None = None) -> CatalogueView | None:
    """File > Open Catalogue in the editor ``window``: ask for a batch output folder (unless
    ``folder`` is given) and show its grid; Open puts a product's project in the window (after
    asking about unsaved changes). Returns the grid, or None (cancelled, or not a batch folder,
    said in a message)."""
    from PySide6.QtWidgets import QFileDialog

    if folder is None:
        chosen = QFileDialog.getExistingDirectory(
            window, "Open a catalogue: the folder `promodesk batch -o` wrote")
        if not chosen:
            return None
        folder = Path(chosen)
    if not is_batch_folder(folder):
        window.show_error("Not a catalogue", f"{folder} has no {MANIFEST}. Choose the output "
                          "folder of a `promodesk batch` run (the one given with -o).")
        return None

    def open_project(project: Path) -> None:
        if window._confirm_discard():
            window.open_project(project)

    view = CatalogueView(folder, open_project, window)  # a child window: closes with the editor
    view.show()
    return view
