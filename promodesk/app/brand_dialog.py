"""Brand > Brand Kits...: choose a saved brand kit for the project, or save the project's own logo,
colours and caption style as a kit (:mod:`promodesk.core.brandkit`).

Applying a kit runs in a job (placing the logo clear of every shot's text renders each shot's
layout in every aspect) and lands as one undoable edit (:class:`~promodesk.core.brandkit.
ApplyBrand`); the dialog never changes the project itself.
"""

from __future__ import annotations

import os
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QPushButton,
                               QVBoxLayout)

from promodesk.app.jobs import Job
from promodesk.core.brand_edits import ApplyBrand
from promodesk.core.brandkit import (CORNERS, ENV_DATA_DIR, BrandKitError, list_kits, load_kit,
                                     save_kit)
from promodesk.core.edits import EditError
from promodesk.core.timeline import TrackKind
from promodesk.engines.visuals.brand import brand_job


class BrandDialog(QDialog):
    """The saved kits, what the selected one holds, Apply to Project, and Save as Kit for the
    project's current logo, colours and caption style. ``root`` is the data folder (None: the
    user's, or ``PROMODESK_DATA_DIR``)."""

    def __init__(self, window, root: str | Path | None = None):
        super().__init__(window)
        self.w = window
        self.root = root or os.environ.get(ENV_DATA_DIR) or None
        self.job: Job | None = None
        self.setWindowTitle("Brand Kits")
        self.kits = QListWidget()
        self.kits.setObjectName("brand_kits")
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.apply_button = QPushButton("Apply to Project")
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. the shop's name")
        self.corner = QComboBox()
        self.corner.addItems(CORNERS)
        self.save_button = QPushButton("Save as Kit")

        chosen = QGroupBox("Saved kits")
        box = QVBoxLayout(chosen)
        box.addWidget(self.kits)
        box.addWidget(self.details)
        box.addWidget(self.apply_button)
        # a short title: a long one ran past the box's right border (the dialog is 383 px)
        save = QGroupBox("Save as a kit")
        save.setObjectName("save_kit")
        form = QFormLayout(save)
        what = QLabel("This project's logo, colours and caption style, under a name.")
        what.setObjectName("dim")
        what.setWordWrap(True)
        form.addRow(what)
        form.addRow("Name", self.name)
        form.addRow("Logo corner", self.corner)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.save_button)
        form.addRow(row)
        layout = QVBoxLayout(self)
        layout.addWidget(chosen)
        layout.addWidget(save)
        layout.addWidget(self.status)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)

        self.kits.currentTextChanged.connect(self._show_kit)
        self.apply_button.clicked.connect(self.apply_selected)
        self.save_button.clicked.connect(self.save_current)
        self.refresh()

    # --- the saved kits ---------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        """List the saved kits again, selecting ``select`` (else the first)."""
        self.kits.clear()
        names = list_kits(self.root)
        self.kits.addItems(names)
        self.apply_button.setEnabled(False)  # until a kit that loads is shown
        if names:
            self.kits.setCurrentRow(names.index(select) if select in names else 0)
        else:
            self.details.setText("No brand kit saved yet: save this project's logo and colours "
                                 "below, or use `promodesk brand save`.")

    def _show_kit(self, name: str) -> None:
        if not name:
            return
        try:
            kit = load_kit(name, self.root)
        except BrandKitError as err:
            self.details.setText(str(err))
            self.apply_button.setEnabled(False)
            return
        colours = ", ".join(kit.colors.values()) or "none"
        parts = [f"Logo: {kit.logo} ({kit.corner})" if kit.logo else "No logo",
                 f"watermark: {kit.watermark}" if kit.watermark else "",
                 f"fonts: {', '.join(kit.fonts)}" if kit.fonts else "",
                 f"colours: {colours}",
                 f"caption style: {kit.caption_style.get('preset')}" if kit.caption_style else "",
                 f"intro: {kit.intro}" if kit.intro else "", f"outro: {kit.outro}" if kit.outro else ""]
        self.details.setText("; ".join(p for p in parts if p))
        self.apply_button.setEnabled(True)

    # --- apply ----------------------------------------------------------------------------------

    def apply_selected(self) -> Job | None:
        """Apply the selected kit to the project in a job; its result lands as one undo step.
        None (and a note) while the project is unsaved or no kit is selected."""
        item = self.kits.currentItem()
        if item is None:
            return None
        if self.w.folder is None:
            self.status.setText("Save the project first: the kit's logo, fonts and clips are "
                                "copied into its folder.")
            return None
        original = self.w.project.copy()
        name = item.text()
        job = Job(f"Apply brand kit {name}", brand_job, (original, self.w.folder, name, self.root),
                  lane="cpu")
        # the dialog may be closed before the job ends: the window takes the result
        window = self.w
        job.succeeded.connect(lambda branded: self._say(_land(window, original, branded, name)))
        job.failed.connect(lambda message: self._say(message, window))
        self.status.setText(f"Applying {name}...")
        self.apply_button.setEnabled(False)
        self.job = self.w.jobs.submit(job)
        return self.job

    def _say(self, message: str, window=None) -> None:
        """Show ``message`` here while the dialog is open, else in ``window``'s status bar."""
        if shiboken6.isValid(self) and self.isVisible():
            self.status.setText(message)
            self.apply_button.setEnabled(True)
        elif window is not None:
            window.show_status(message)

    # --- save -----------------------------------------------------------------------------------

    def save_current(self) -> bool:
        """Save the project's logo overlay (or its brief's logo), the colours its shots are drawn
        in and its first caption's style (its font as the kit's font) as a kit named in the
        Name field."""
        project, folder = self.w.project, self.w.folder
        logo = None
        for track in project.tracks_of(TrackKind.VIDEO)[1:]:
            for clip in track.clips:
                if clip.name == "logo" and clip.asset and folder is not None:
                    logo = Path(folder) / "assets" / clip.asset
        if logo is None and project.brief.get("logo"):
            given = Path(project.brief["logo"])
            logo = given if given.is_absolute() or folder is None else Path(folder) / given
        style, fonts = {}, []
        cue = next((c.cue for t in project.tracks_of(TrackKind.CAPTIONS) for c in t.clips
                    if c.cue is not None), None)
        if cue is not None and cue.look is not None:
            style = cue.look.to_dict()
            if style.get("font") in project.assets and folder is not None:
                fonts.append(Path(folder) / "assets" / style["font"])
                style["font"] = ""
        elif cue is not None:
            style = {"preset": cue.style}
        try:
            kit = save_kit(self.name.text(), logo=logo, corner=self.corner.currentText(),
                           colors=_colours(project),
                           caption_style=style, fonts=fonts, root=self.root)
        except BrandKitError as err:
            self.status.setText(str(err))
            return False
        self.status.setText(f"Saved brand kit {kit.name} in {kit.folder}.")
        self.refresh(select=kit.name)
        return True


def _colours(project) -> list[str]:
    """The project's brand colours: those its shots are drawn in, else its brief's."""
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.clips:
            if clip.recipe.engine == "shots" and clip.recipe.params.get("colors"):
                return list(clip.recipe.params["colors"])[:3]
    return list(project.brief.get("brand_colors") or [])[:3]


def _land(window, original, branded, name: str) -> str:
    """Put the job's ``branded`` project in place as one undo step; returns what to tell the
    user (the refusal when the project changed meanwhile)."""
    try:
        window.undo.do(ApplyBrand(original, branded, name))
    except EditError as err:
        message = str(err)
    else:
        message = f"Brand kit {name} applied (Edit > Undo takes it back)."
    window.show_status(message)
    return message


def install_brand(window) -> None:
    """Add the Brand menu (Brand Kits...) to ``window``'s menu bar."""
    menu = window.menuBar().addMenu("&Brand")
    action = menu.addAction("Brand Kits...")
    action.triggered.connect(lambda: _open(window))
    window.brand_menu = menu


def _open(window) -> BrandDialog:
    dialog = BrandDialog(window)
    dialog.setAttribute(Qt.WA_DeleteOnClose)
    dialog.open()
    return dialog
