"""The brief panel: paste the copy, drop photos, choose aspect, length and style, and Generate.
It builds a :class:`~promodesk.core.brief.Brief` and validates it with the core's rules; the main
window runs the generation job. When a project that carries its brief is put in the document
(opened or generated), the panel shows that brief."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImageReader, QPixmap
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit,
                               QPushButton, QScrollArea, QVBoxLayout, QWidget)

from promodesk.core.brief import MAX_SECONDS, MIN_SECONDS, Brief, brief_from_dict, validate_brief
from promodesk.core.document import Change, Document
from promodesk.core.timeline import ASPECTS

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff"}
NAME_ROLE = Qt.UserRole + 1  # a photo item's name before repeats are numbered


def _styles() -> list[tuple[str, str]]:
    """(name, title) of the composer's styles; just "auto" if the composer is not installed."""
    try:
        from promodesk.core.musicspec import STYLES
    except ImportError:
        return []
    return [(s.name, s.title) for s in STYLES.values()]


def _style_name(style: str) -> str:
    """The composer's name for a brief's style word ("warm" -> "warm_acoustic"), or "auto"."""
    try:
        from promodesk.core.musicspec import MusicSpecError, resolve_style
    except ImportError:
        return "auto"
    try:
        return resolve_style(style) or "auto"
    except MusicSpecError:
        return "auto"


class PhotoList(QListWidget):
    """Product photos as thumbnails; accepts image files dropped from the file manager. Each is
    labelled with the name the user knows it by: ``name_of(path)`` (a project's copy of a photo,
    stored under its content hash, gives the file's original name) or the file's own name;
    a name shown twice gets " (2)". The full path is in the tooltip."""

    def __init__(self, name_of: Callable[[Path], str | None] = lambda _path: None):
        super().__init__()
        self.name_of = name_of
        self.setViewMode(QListWidget.IconMode)
        self.setIconSize(QSize(72, 72))
        self.setFixedHeight(104)
        self.setAcceptDrops(True)
        self.setDragDropMode(QListWidget.DropOnly)
        self.setToolTip("Drop product photos here")

    def paths(self) -> list[Path]:
        return [Path(self.item(i).data(Qt.UserRole)) for i in range(self.count())]

    def add_photo(self, path: str | Path) -> bool:
        """Add ``path`` if it is an image file; False (and nothing added) otherwise."""
        path = Path(path)
        if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
            return False
        reader = QImageReader(str(path))
        reader.setAutoTransform(True)
        size = reader.size()
        if size.isValid():
            reader.setScaledSize(size.scaled(144, 144, Qt.KeepAspectRatio))
        image = reader.read()
        name = self.name_of(path) or path.name
        item = QListWidgetItem(QIcon(QPixmap.fromImage(image)) if not image.isNull() else QIcon(),
                               name)
        item.setData(Qt.UserRole, str(path))
        item.setData(NAME_ROLE, name)
        item.setToolTip(str(path))
        self.addItem(item)
        self._number_repeats()
        return True

    def names(self) -> list[str]:
        """The labels shown, in order."""
        return [self.item(i).text() for i in range(self.count())]

    def _number_repeats(self) -> None:
        # two different files both called photo.jpg: "photo.jpg", "photo.jpg (2)" (skipping a
        # number a project photo of that name already shows)
        shown: set[str] = set()
        for i in range(self.count()):
            item = self.item(i)
            name = label = item.data(NAME_ROLE)
            n = 1
            while label in shown:
                n += 1
                label = f"{name} ({n})"
            shown.add(label)
            item.setText(label)

    def dragEnterEvent(self, ev) -> None:
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()
        else:
            super().dragEnterEvent(ev)

    def dragMoveEvent(self, ev) -> None:
        if ev.mimeData().hasUrls():
            ev.acceptProposedAction()
        else:
            super().dragMoveEvent(ev)

    def dropEvent(self, ev) -> None:
        if not ev.mimeData().hasUrls():
            return super().dropEvent(ev)
        for url in ev.mimeData().urls():
            if url.isLocalFile():
                self.add_photo(url.toLocalFile())
        ev.acceptProposedAction()

    def event(self, ev) -> bool:
        # Delete here removes a photo, not the selected clip (the window's Delete shortcut)
        if ev.type() == QEvent.ShortcutOverride and ev.key() in (Qt.Key_Delete, Qt.Key_Backspace):
            ev.accept()
            return True
        return super().event(ev)

    def keyPressEvent(self, ev) -> None:
        if ev.key() in (Qt.Key_Delete, Qt.Key_Backspace):
            for item in self.selectedItems():
                self.takeItem(self.row(item))
            self._number_repeats()
            return
        super().keyPressEvent(ev)


class BriefPanel(QWidget):
    """Emits ``generate(brief)`` with a valid brief, or shows what to fix; follows ``document``
    (when given) to show the brief of each project put in it. Emits ``edited`` when the user
    changes a field (typing, a choice, a photo added or removed; not when a project's brief
    fills the fields): the brief is part of the project, so the window marks it modified and
    saves the fields with it."""

    generate = Signal(object)
    edited = Signal()

    def __init__(self, document: Document | None = None, parent=None):
        super().__init__(parent)
        self.document = document
        self._filling = False  # set_brief is filling the fields: not the user's edit
        if document is not None:
            document.events.changed.connect(self._document_changed)
        self.title = QLineEdit()
        self.title.setPlaceholderText("Product name")
        self.copy = QPlainTextEdit()
        self.copy.setPlaceholderText("Paste the product copy here (Chinese or English)")
        self.photos = PhotoList(self._asset_name)
        add = QPushButton("Add photos...")
        add.clicked.connect(self._browse)
        self.aspect = QComboBox()
        self.aspect.addItems(list(ASPECTS))
        self.seconds = QDoubleSpinBox()
        self.seconds.setRange(MIN_SECONDS, MAX_SECONDS)
        self.seconds.setDecimals(0)
        self.seconds.setSuffix(" s")
        self.seconds.setValue(30)
        self.style = QComboBox()
        self.style.addItem("Auto (from the copy)", "auto")
        for name, title in _styles():
            self.style.addItem(title, name)
        self.price = QLineEdit()
        self.price.setPlaceholderText("e.g. ¥129 or $49")
        self.cta = QLineEdit()
        self.cta.setPlaceholderText("e.g. Order now")
        self.problems = QLabel("")
        self.problems.setObjectName("error")
        self.problems.setWordWrap(True)
        self.button = QPushButton("Generate")
        self.button.setObjectName("primary")
        self.button.setMinimumHeight(32)
        self.button.clicked.connect(self._generate)
        form = QFormLayout()
        form.addRow("Title", self.title)
        form.addRow("Aspect", self.aspect)
        form.addRow("Length", self.seconds)
        form.addRow("Music", self.style)
        form.addRow("Price", self.price)
        form.addRow("Call to action", self.cta)
        photos_row = QHBoxLayout()
        photos_row.addWidget(QLabel("Photos (drop files here)"), 1)
        photos_row.addWidget(add)
        inner = QWidget()
        col = QVBoxLayout(inner)
        col.setContentsMargins(8, 8, 8, 8)
        col.addWidget(QLabel("Copy"))
        col.addWidget(self.copy, 1)
        col.addLayout(photos_row)
        col.addWidget(self.photos)
        col.addLayout(form)
        col.addWidget(self.problems)
        col.addWidget(self.button)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        for line in (self.title, self.price, self.cta):
            line.textEdited.connect(self._user_edit)  # typed, not set by set_brief
        for combo in (self.aspect, self.style):
            combo.activated.connect(self._user_edit)  # picked by the user
        self.copy.textChanged.connect(self._user_edit)
        self.seconds.valueChanged.connect(self._user_edit)
        self.photos.model().rowsInserted.connect(self._user_edit)
        self.photos.model().rowsRemoved.connect(self._user_edit)

    def _asset_name(self, path: Path) -> str | None:
        """The original name of ``path`` when it is one of the project's assets (stored under
        its content hash; the media bin's name for it), else None."""
        doc = self.document
        if doc is None or doc.folder is None or path.name not in doc.project.assets:
            return None
        from promodesk.app.media_bin import asset_names
        from promodesk.core.projectfile import ASSETS_DIR

        if path.resolve().parent != (Path(doc.folder) / ASSETS_DIR).resolve():
            return None
        return asset_names(doc.project.assets.values())[path.name]

    def _user_edit(self, *_args) -> None:
        # A brief typed into an empty, never-saved window is what Generate makes a new project
        # (with its own folder) from: nothing there to save yet, so no "Save changes?" prompt.
        doc = self.document
        blank = doc is not None and doc.folder is None and not doc.project.tracks
        if not self._filling and not blank:
            self.edited.emit()

    def set_brief(self, brief: Brief) -> None:
        """Fill the fields from ``brief`` (no ``edited``: the brief is the project's own)."""
        self._filling = True
        try:
            self._fill(brief)
        finally:
            self._filling = False

    def _fill(self, brief: Brief) -> None:
        self.title.setText(brief.title)
        self.copy.setPlainText(brief.text.strip())
        self.photos.clear()
        for p in brief.images:
            self.photos.add_photo(p)
        self.aspect.setCurrentText(brief.aspect)
        self.seconds.setValue(float(brief.seconds))
        self.style.setCurrentIndex(max(self.style.findData(_style_name(brief.style)), 0))
        self.price.setText(brief.price)
        self.cta.setText(brief.cta)

    def _document_changed(self, change: Change) -> None:
        record = self.document.project.brief
        if change.kind == "project" and record:  # a project without one leaves the fields be
            self.set_brief_record(record, self.document.folder)

    def set_brief_record(self, record: dict, folder: Path | None) -> list[str]:
        """Fill the fields from a brief saved in a project (``Project.brief``; photo paths
        relative to the project ``folder``). Returns what could not be read (those fields keep
        their defaults)."""
        brief, problems = brief_from_dict(record, base=folder)
        self.set_brief(brief)
        return [str(p) for p in problems]

    def brief_record(self, folder: Path | None) -> dict:
        """The fields as a brief to save in the project in ``folder`` (``Project.brief``):
        photos inside the folder (its assets) relative to it, so the project can move."""
        record = self.brief().to_dict()
        if folder is not None:
            root = Path(folder).resolve()
            record["images"] = [p.resolve().relative_to(root).as_posix()
                                if p.resolve().is_relative_to(root) else str(p)
                                for p in self.photos.paths()]
        return record

    def brief(self) -> Brief:
        """The brief the fields describe (not validated)."""
        return Brief(text=self.copy.toPlainText(), title=self.title.text().strip(),
                     images=self.photos.paths(), aspect=self.aspect.currentText(),
                     seconds=float(self.seconds.value()), style=self.style.currentData() or "auto",
                     price=self.price.text().strip(), cta=self.cta.text().strip())

    def _browse(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Add product photos", "",
                                                "Images (*.png *.jpg *.jpeg *.webp *.bmp *.tif *.tiff)")
        for f in files:
            self.photos.add_photo(f)

    def _generate(self) -> None:
        brief = self.brief()
        problems = validate_brief(brief)
        self.problems.setText("\n".join(f"• {p}" for p in problems))
        if not problems:
            self.generate.emit(brief)

    def set_busy(self, busy: bool) -> None:
        self.button.setEnabled(not busy)
        self.button.setText("Generating..." if busy else "Generate")
