"""The caption style panel: the look of the selected captions (preset, font, size, colours,
outline, shadow, box, karaoke highlight, position) and the primary caption's in and out times,
typed. "Apply to selected" and "Apply to all captions" send the fields changed in the panel (or,
when none was changed, the whole look shown) as one
:class:`~promodesk.core.captionstyle.SetCaptionStyle` edit; typed times become a ``MoveClip``
(in) or ``TrimEnd`` (out) edit. Every change is one undo step.

A user's font file is copied into the project's ``assets/`` by content hash (the project must be
saved first) and registered by the same edit. The panel follows the document's change events and
the timeline's selection (``refresh``); it changes nothing itself: it emits
``edit_requested(edit)`` and ``message(text)`` and the main window applies the edit.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QCheckBox, QColorDialog, QComboBox, QDoubleSpinBox, QFileDialog,
                               QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QScrollArea, QSizePolicy, QVBoxLayout, QWidget)

from promodesk.app.elided_combo import ElidedCombo
from promodesk.app.media_bin import origin
from promodesk.core.captionstyle import (BUNDLED_FONTS, FONT_ASSET, HEX, PRESETS, CaptionStyle,
                                         SetCaptionStyle, caption_style)
from promodesk.core.document import Change, Document
from promodesk.core.edits import MoveClip, TrimEnd
from promodesk.core.timeline import (Asset, Clip, TrackKind, seconds_from_us, us_from_seconds)


class ColourField(QWidget):
    """A "#RRGGBB" field: a swatch button that opens the colour dialog and the hex text, typed.
    ``optional`` adds a checkbox (unchecked = no colour: no outline, no box). Emits ``edited``."""

    edited = Signal()

    def __init__(self, optional: bool = False, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.enabled = QCheckBox() if optional else None
        if self.enabled is not None:
            self.enabled.toggled.connect(self._toggled)
            row.addWidget(self.enabled)
        self.swatch = QPushButton()
        self.swatch.setFixedSize(28, 22)
        self.swatch.clicked.connect(self._pick)
        self.text = QLineEdit()
        self.text.setMaxLength(7)
        self.text.setPlaceholderText("#RRGGBB")
        self.text.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        self.text.setMinimumWidth(70)
        self.text.editingFinished.connect(self._typed)
        row.addWidget(self.swatch)
        row.addWidget(self.text, 1)
        self._colour = "#FFFFFF"

    def value(self) -> str | None:
        """The colour shown, or None when the optional box is unchecked."""
        if self.enabled is not None and not self.enabled.isChecked():
            return None
        return self._colour

    def set_value(self, colour: str | None) -> None:
        """Show ``colour`` ("#RRGGBB", or None: unchecked) without emitting ``edited``."""
        if self.enabled is not None:
            self.enabled.blockSignals(True)
            self.enabled.setChecked(colour is not None)
            self.enabled.blockSignals(False)
        if colour is not None:
            self._colour = colour.upper()
        self._show()

    def _show(self) -> None:
        self.text.setText(self._colour)
        on = self.value() is not None
        self.swatch.setStyleSheet(f"background: {self._colour if on else 'transparent'};"
                                  " border: 1px solid #888;")
        self.swatch.setEnabled(on)
        self.text.setEnabled(on)

    def _toggled(self, _on: bool) -> None:
        self._show()
        self.edited.emit()

    def _typed(self) -> None:
        text = self.text.text().strip()
        text = text if text.startswith("#") else "#" + text
        if HEX.fullmatch(text) and text.upper() != self._colour:
            self._colour = text.upper()
            self._show()
            self.edited.emit()
        else:
            self._show()  # a half-typed colour goes back to the last good one

    def _pick(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._colour), self, "Caption colour")
        if chosen.isValid():
            self._colour = chosen.name().upper()
            self._show()
            self.edited.emit()


def _spin(lo: float, hi: float, step: float, decimals: int, special: str = "", suffix: str = ""):
    w = QDoubleSpinBox()
    w.setRange(lo, hi)
    w.setSingleStep(step)
    w.setDecimals(decimals)
    w.setSuffix(suffix)
    w.setKeyboardTracking(False)  # a typed value counts once, when it is finished
    if special:
        w.setSpecialValueText(special)  # shown at the minimum: "Fit" / "Auto"
    w.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
    w.setMinimumWidth(70)
    return w


class CaptionPanel(QWidget):
    """The caption style panel of ``document``; ``selected()`` returns the ids of the selected
    clips (the primary one last). Signals: ``edit_requested(edit)``, ``message(text)``."""

    edit_requested = Signal(object)
    message = Signal(str)

    def __init__(self, document: Document, selected: Callable[[], list[str]], parent=None):
        super().__init__(parent)
        self.document, self.selected = document, selected
        self._touched: set[str] = set()
        self._filling = False
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.preset = QComboBox()
        self.preset.addItems(list(PRESETS))
        self.font = ElidedCombo()
        self.add_font = QPushButton("Add font file…")
        self.add_font.setToolTip("Add a font file (.ttf, .otf) to the project and use it")
        for combo in (self.preset, self.font):  # fit a narrow dock instead of the longest name
            combo.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
            combo.setMinimumWidth(60)
        self.add_font.clicked.connect(self._add_font_file)
        self.size = _spin(0.0, 20.0, 0.5, 1, "Fit to band", " % of short side")
        self.colour, self.highlight = ColourField(), ColourField()
        self.outline, self.box = ColourField(optional=True), ColourField(optional=True)
        self.shadow = QCheckBox("Shadow")
        self.box_opacity = _spin(0.0, 100.0, 5.0, 0, "Auto", " %")
        self.position = QLabel()
        self.reset_position = QPushButton("Reset to caption band")
        self.reset_position.clicked.connect(self._reset_position)
        self.in_time = _spin(0.0, 3600.0, 0.1, 3, suffix=" s")
        self.out_time = _spin(0.0, 3600.0, 0.1, 3, suffix=" s")
        self.in_time.valueChanged.connect(self._in_typed)
        self.out_time.valueChanged.connect(self._out_typed)
        self.apply_selected = QPushButton("Apply to selected")
        self.apply_all = QPushButton("Apply to all captions")
        self.apply_selected.clicked.connect(lambda: self.apply(all_captions=False))
        self.apply_all.clicked.connect(lambda: self.apply(all_captions=True))
        for name, signal in (("preset", self.preset.currentIndexChanged),
                             ("font", self.font.currentIndexChanged),
                             ("size", self.size.valueChanged), ("colour", self.colour.edited),
                             ("outline", self.outline.edited), ("shadow", self.shadow.toggled),
                             ("box", self.box.edited), ("box_opacity", self.box_opacity.valueChanged),
                             ("highlight", self.highlight.edited)):
            signal.connect(lambda *_a, n=name: self._touch(n))
        self._build()
        document.events.changed.connect(self._document_changed)
        self.refresh()

    def _build(self) -> None:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        form.addRow("Preset", self.preset)
        # the font box gets the whole field (at 290 px a button beside it left "Default (N")
        form.addRow("Font", self.font)
        form.addRow("", self.add_font)
        form.addRow("Size", self.size)
        form.addRow("Colour", self.colour)
        form.addRow("Outline", self.outline)
        form.addRow("", self.shadow)
        form.addRow("Box", self.box)
        form.addRow("Box opacity", self.box_opacity)
        form.addRow("Karaoke word", self.highlight)
        form.addRow("Position", self.position)
        form.addRow("", self.reset_position)
        form.addRow("In", self.in_time)
        form.addRow("Out", self.out_time)
        buttons = QVBoxLayout()  # one above the other: a narrow dock shows both whole
        buttons.addWidget(self.apply_selected)
        buttons.addWidget(self.apply_all)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addStretch(1)
        scroll = QScrollArea()  # scrolls rather than forcing the window taller on a laptop
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 6)
        outer.addWidget(scroll, 1)
        outer.addLayout(buttons)  # below the scrolled form: always in sight

    # --- what is shown ---------------------------------------------------------------------------

    def captions(self, all_captions: bool = False) -> list[Clip]:
        """The selected caption clips (primary last), or every caption clip of the project."""
        project = self.document.project
        every = [c for t in project.tracks_of(TrackKind.CAPTIONS) for c in t.clips if c.cue is not None]
        if all_captions:
            return every
        ids = {c.id: c for c in every}
        return [ids[i] for i in self.selected() if i in ids]

    def refresh(self) -> None:
        """Show the primary selected caption's look and times (the panel's edits are dropped)."""
        chosen = self.captions()
        every = self.captions(all_captions=True)
        clip = chosen[-1] if chosen else None
        style = caption_style(clip.cue) if clip is not None else CaptionStyle()
        self._filling = True
        try:
            self._fill_fonts(style.font)
            self.preset.setCurrentText(style.preset)
            self.size.setValue(0.0 if style.size is None else style.size * 100)
            self.colour.set_value(style.colour)
            self.outline.set_value(style.outline)
            self.shadow.setChecked(style.shadow)
            self.box.set_value(style.box)
            self.box_opacity.setValue(0.0 if style.box_opacity is None else style.box_opacity * 100)
            self.highlight.set_value(style.highlight)
            self.position.setText("Caption band" if style.position is None else
                                  f"x {style.position[0]:.0%}, y {style.position[1]:.0%} of the frame")
            for spin, us in ((self.in_time, clip.start if clip else 0),
                             (self.out_time, clip.end if clip else 0)):
                spin.setValue(seconds_from_us(us))
                spin.setEnabled(clip is not None)
        finally:
            self._filling = False
        self._touched.clear()
        self.reset_position.setEnabled(style.position is not None)
        self.apply_selected.setEnabled(bool(chosen))
        self.apply_all.setEnabled(bool(every))
        self.heading.setText(
            f"{len(chosen)} caption{'s' if len(chosen) != 1 else ''} selected of {len(every)}."
            if chosen else ("Select a caption on the timeline to change its look, or apply this "
                            "look to all captions." if every else "The project has no captions."))

    def _fill_fonts(self, current: str) -> None:
        self.font.clear()
        self.font.addItem("Default (Noto Sans)", "")
        for family in BUNDLED_FONTS:
            self.font.addItem(family, family)
        taken = {self.font.itemText(i) for i in range(self.font.count())}
        for asset in self.document.project.assets.values():
            if asset.kind == "font" or FONT_ASSET.fullmatch(asset.id):
                # the font's name (else its file's), numbered when two share it; hash in the tooltip
                name = label = asset.meta.get("name") or origin(asset)
                n = 1
                while label in taken:
                    n += 1
                    label = f"{name} ({n})"
                taken.add(label)
                self.font.addItem(label, asset.id)
                self.font.setItemData(self.font.count() - 1, f"{label}\nstored as {asset.id}",
                                      Qt.ToolTipRole)
        index = self.font.findData(current)
        if index < 0:  # a font the project names but no longer holds
            missing = current if current in BUNDLED_FONTS or not FONT_ASSET.fullmatch(current) \
                else "A font file"
            self.font.addItem(f"{missing} (missing)", current)
            self.font.setItemData(self.font.count() - 1, current, Qt.ToolTipRole)
            index = self.font.count() - 1
        self.font.setCurrentIndex(index)

    def _document_changed(self, change: Change) -> None:
        # a job finishing elsewhere must not throw away what the user is setting up here
        shown = {c.id for c in self.captions()}
        if not self._touched or change.kind not in ("clips", "assets", "markers") \
                or change.clips & shown or change.assets:
            self.refresh()

    # --- edits -----------------------------------------------------------------------------------

    def _touch(self, name: str) -> None:
        if not self._filling:
            self._touched.add(name)

    def style_shown(self) -> dict:
        """The look the panel shows, as CaptionStyle fields (position excluded: it is dragged
        in the preview and only reset here)."""
        return {"preset": self.preset.currentText(), "font": self.font.currentData() or "",
                "size": None if self.size.value() <= 0 else round(self.size.value() / 100, 4),
                "colour": self.colour.value(), "outline": self.outline.value(),
                "shadow": self.shadow.isChecked(), "box": self.box.value(),
                "box_opacity": None if self.box_opacity.value() <= 0 else self.box_opacity.value() / 100,
                "highlight": self.highlight.value()}

    def changes(self) -> dict:
        """What "Apply" sends: the fields changed in the panel, or the whole look shown."""
        shown = self.style_shown()
        return {k: shown[k] for k in self._touched} if self._touched else shown

    def apply(self, all_captions: bool = False, font_asset: Asset | None = None) -> None:
        """Send the panel's changes to the selected captions (or all) as one edit."""
        clips = self.captions(all_captions)
        if not clips:
            self.message.emit("Select a caption first." if not all_captions else
                              "The project has no captions.")
            return
        self.edit_requested.emit(SetCaptionStyle([c.id for c in clips], self.changes(), font_asset))

    def _reset_position(self) -> None:
        clips = self.captions()
        if clips:
            self.edit_requested.emit(SetCaptionStyle([c.id for c in clips], {"position": None}))

    def _in_typed(self, seconds: float) -> None:
        clips = self.captions()
        if self._filling or not clips:
            return
        clip = clips[-1]
        if us_from_seconds(seconds) != clip.start:
            self.edit_requested.emit(MoveClip(clip.id, us_from_seconds(seconds)))
        self.refresh()  # a refused move puts the real time back

    def _out_typed(self, seconds: float) -> None:
        clips = self.captions()
        if self._filling or not clips:
            return
        clip = clips[-1]
        if us_from_seconds(seconds) != clip.end:
            self.edit_requested.emit(TrimEnd(clip.id, us_from_seconds(seconds)))
        self.refresh()  # a refused trim puts the real time back

    def _add_font_file(self) -> None:
        folder = self.document.folder
        if folder is None:
            self.message.emit("Save the project first: a font file is copied into its folder.")
            return
        path, _ = QFileDialog.getOpenFileName(self, "Add a caption font", "",
                                              "Fonts (*.ttf *.otf *.ttc)")
        if path:
            self.add_font_file(Path(path))

    def add_font_file(self, path: Path) -> str | None:
        """Copy font file ``path`` into the project's assets and set it on the selected captions
        (all of them when none is selected) in one edit. Returns the font asset's id, or None
        (with a message) when the file is not a font this renderer can read."""
        from promodesk.core.projectfile import add_asset
        from promodesk.render.captions import font_weight

        if path.suffix.lower() not in (".ttf", ".otf", ".ttc"):
            self.message.emit(f"{path.name} is not a font file (.ttf, .otf or .ttc).")
            return None
        _, problem = font_weight("user font", path)
        if problem:
            self.message.emit(f"{path.name} cannot be used: it is not a readable font file. "
                              "Choose another .ttf or .otf file.")
            return None
        asset_id = add_asset(self.document.folder, path)
        asset = Asset(asset_id, "font", None, {"name": path.stem})
        clips = self.captions() or self.captions(all_captions=True)
        if clips:
            self.edit_requested.emit(SetCaptionStyle([c.id for c in clips], {"font": asset_id}, asset))
        return asset_id
