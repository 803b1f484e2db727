"""The inspector: the selected clip's timing, recipe parameters (editable), its takes (switching
is undoable) and the Regenerate buttons (new seed, or the edited parameters; for music, a bar
range). It follows the document's change events (the clip it shows may be moved, retaken or
deleted by any edit or job) and emits requests; the main window turns them into edits and jobs."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QPlainTextEdit,
                               QPushButton, QScrollArea, QSizePolicy, QSpinBox, QVBoxLayout,
                               QWidget)

from promodesk.app.elided_combo import ElidedCombo
from promodesk.core.document import Change, Document
from promodesk.core.timeline import Clip, Project, Track, seconds_from_us, us_from_seconds

CHOICES = {
    "kind": ["hero", "detail", "feature", "offer", "cta", "card"],
    "move": ["auto", "push_in", "pull_out", "pan_left", "pan_right", "pan_up", "pan_down", "still"],
    "style": ["outline", "boxed", "karaoke"],
}
# Music parameters a user may sensibly change before regenerating; the rest are shown read-only.
# (bpm and bars fix the length, so they stay as they are.)
MUSIC_EDITABLE = {"style", "key", "mode", "energy", "mood"}


def _editor(key: str, value, editable: bool) -> QWidget:
    if key in CHOICES and isinstance(value, str):
        w = QComboBox()
        w.addItems(CHOICES[key] if value in CHOICES[key] else CHOICES[key] + [value])
        w.setCurrentText(value)
    elif isinstance(value, bool):
        w = QCheckBox()
        w.setChecked(value)
    elif isinstance(value, int):
        w = QSpinBox()
        w.setRange(-10**9, 10**9)
        w.setValue(value)
    elif isinstance(value, float):
        w = QDoubleSpinBox()
        w.setRange(-1e6, 1e6)
        w.setDecimals(3)
        w.setValue(value)
    elif isinstance(value, str):
        w = QLineEdit(value)
    else:
        # floats shown to 4 places (an overlay's x 0.7898148148148149 reads as 0.7898); left
        # as shown, the field gives back the exact value
        shown = json.dumps(_rounded(value), ensure_ascii=False)
        w = QLineEdit(shown)
        w.setProperty("json", True)
        w.setProperty("shown", shown)
        w.setProperty("exact", json.dumps(value, ensure_ascii=False))
        w.setCursorPosition(0)  # show the start of long values
        w.setToolTip(w.text())
    w.setEnabled(editable)
    # fit the inspector's width rather than the widest value a spin box could hold
    w.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
    w.setMinimumWidth(60)
    return w


def _named(name: str, value: str) -> QWidget:
    """A read-only field showing ``name`` for a recipe value that is an id (an asset's hash, a
    clip's id): the id is in the tooltip and is what the field gives back."""
    w = QLineEdit(name)
    w.setReadOnly(True)
    w.setProperty("ref", value)
    w.setToolTip(f"{name}\nstored as {value}")
    w.setCursorPosition(0)
    w.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
    w.setMinimumWidth(60)
    return w


def _rounded(value):
    """``value`` (JSON data) with every float rounded to 4 decimal places, for display."""
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def _value(w: QWidget):
    if w.property("ref") is not None:
        return w.property("ref")
    if isinstance(w, QComboBox):
        return w.currentText()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, (QSpinBox, QDoubleSpinBox)):
        return w.value()
    if w.property("json"):
        return json.loads(w.property("exact") if w.text() == w.property("shown") else w.text())
    return w.text()


class Inspector(QWidget):
    """Shows one clip of ``document``. Signals: ``regenerate(clip id, params or None, bars or None)``,
    ``take_chosen(clip id, index)``, ``caption_edited(clip id, text, style)``,
    ``bars_chosen((first, last) or None)``, ``message(text)``."""

    regenerate = Signal(str, object, object)
    take_chosen = Signal(str, int)
    caption_edited = Signal(str, str, str)
    bars_chosen = Signal(object)
    message = Signal(str)
    duration_set = Signal(str, int)  # clip id, new duration in microseconds
    sound_set = Signal(str, dict, object)  # clip id, {gain_db, duck_music}, spin-box session
    regenerate_with = Signal(str)  # clip id: choose the shot's engine (app/regenerate_dialog.py)
    edit_requested = Signal(object)  # an edit to apply as it is (a voice recording's entry)

    def __init__(self, document: Document, parent=None):
        super().__init__(parent)
        self.project: Project | None = None
        self.clip_id: str | None = None
        self._editors: dict[str, QWidget] = {}
        self._shown_take: tuple | None = None
        self.title = QLabel("Nothing selected")
        self.title.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.title.setWordWrap(True)
        self.info = QLabel("Click a clip on the timeline to see how it was made.")
        self.info.setObjectName("dim")
        self.info.setWordWrap(True)
        self.caption_box = QGroupBox("Caption")
        self.caption_text = QPlainTextEdit()
        self.caption_text.setFixedHeight(64)
        self.caption_style = QComboBox()
        self.caption_style.addItems(CHOICES["style"])
        apply = QPushButton("Apply text")
        apply.clicked.connect(self._apply_caption)
        cl = QVBoxLayout(self.caption_box)
        cl.addWidget(self.caption_text)
        row = QHBoxLayout()
        row.addWidget(self.caption_style, 1)
        row.addWidget(apply)
        cl.addLayout(row)
        self.params_box = QGroupBox("Recipe")
        self.params_form = QFormLayout(self.params_box)
        self.params_form.setLabelAlignment(self.params_form.labelAlignment())
        self.engine_box = QGroupBox("Music engine")
        self.music_engine = ElidedCombo(text_tooltip=False)
        # long model names must not widen the inspector (elided; the full name is in the drop-down)
        self.music_engine.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.music_engine.setMinimumContentsLength(12)
        self.music_engine.setToolTip("What makes the new music when you regenerate it. MusicGen "
                                     "models need their weights (File > Models) and a GPU to be fast.")
        self._fill_music_engines()
        self.music_engine.activated.connect(self._engine_picked)
        QVBoxLayout(self.engine_box).addWidget(self.music_engine)
        self.bars_box = QGroupBox("Bars to regenerate")
        self.bar_from, self.bar_to = QSpinBox(), QSpinBox()
        for s in (self.bar_from, self.bar_to):
            s.setRange(1, 999)
            s.valueChanged.connect(self._bars_edited)
        bars_col = QVBoxLayout(self.bars_box)
        bl = QHBoxLayout()
        bl.addWidget(QLabel("from"))
        bl.addWidget(self.bar_from, 1)
        bl.addWidget(QLabel("to"))
        bl.addWidget(self.bar_to, 1)
        bars_col.addLayout(bl)
        self.regen_bars = QPushButton("Regenerate these bars")
        self.regen_bars.clicked.connect(lambda: self._regenerate(bars=True))
        bars_col.addWidget(self.regen_bars)
        self.takes_box = QGroupBox("Takes")
        self.takes = QListWidget()
        self.takes.setFixedHeight(96)
        self.takes.currentRowChanged.connect(self._take_clicked)
        tl = QVBoxLayout(self.takes_box)
        tl.addWidget(self.takes)
        self.regen_seed = QPushButton("Regenerate (new seed)")
        self.regen_seed.setObjectName("primary")
        self.regen_seed.setToolTip("R")
        self.regen_seed.clicked.connect(lambda: self._regenerate(edited=False))
        self.regen_params = QPushButton("Regenerate with these settings")
        self.regen_params.clicked.connect(lambda: self._regenerate(edited=True))
        tl.addWidget(self.regen_seed)
        tl.addWidget(self.regen_params)
        self.regen_with = QPushButton("Regenerate with…")
        self.regen_with.setToolTip("Motion (built-in) or the video engine, with a prompt")
        self.regen_with.clicked.connect(
            lambda: self.clip_id and self.regenerate_with.emit(self.clip_id))
        tl.addWidget(self.regen_with)
        # the clip's length, typed: later shots on the main track follow (core.arrange.SetDuration)
        self.duration = QDoubleSpinBox()
        self.duration.setRange(0.04, 3600.0)
        self.duration.setDecimals(2)
        self.duration.setSuffix(" s")
        self.duration.setKeyboardTracking(False)
        self.duration.valueChanged.connect(
            lambda v: self.clip_id and self.duration_set.emit(self.clip_id, us_from_seconds(v)))
        duration_row = QWidget()
        dl = QHBoxLayout(duration_row)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(QLabel("Duration"))
        dl.addWidget(self.duration, 1)
        self.duration_row = duration_row
        # a sound clip's own gain (on top of its track's) and whether the music ducks under it
        self.sound_box = QGroupBox("Sound")
        self.clip_gain = QDoubleSpinBox()
        self.clip_gain.setRange(-60.0, 12.0)
        self.clip_gain.setDecimals(1)
        self.clip_gain.setSuffix(" dB")
        self.clip_gain.setKeyboardTracking(False)  # typed values count on Enter, as Duration's
        self.clip_gain.setToolTip("This clip's gain, added to its track's")
        self.duck = QCheckBox("Speech: the music ducks under it")
        self._gain_session = object()
        self.clip_gain.valueChanged.connect(
            lambda v: self.clip_id and self.sound_set.emit(self.clip_id, {"gain_db": v},
                                                           self._gain_session))
        self.clip_gain.editingFinished.connect(lambda: setattr(self, "_gain_session", object()))
        self.duck.toggled.connect(
            lambda on: self.clip_id and self.sound_set.emit(self.clip_id, {"duck_music": on}, None))
        sl = QFormLayout(self.sound_box)
        sl.addRow("Clip gain", self.clip_gain)
        sl.addRow(self.duck)
        # a voice clip's voice: the engine's speakers or a recording, and speaking it again
        from promodesk.app.voice_picker import VoicePicker

        self.voice_picker = VoicePicker()
        self.voice_picker.speak.connect(
            lambda clip_id, params: self.regenerate.emit(clip_id, params, None))
        self.voice_picker.message.connect(self.message)
        self.voice_picker.edit_requested.connect(self.edit_requested)
        for box in (self.caption_box, self.params_box, self.engine_box, self.bars_box,
                    self.takes_box, self.sound_box, self.voice_picker):
            box.layout().setContentsMargins(8, 4, 8, 6)  # the style's 11 px: a laptop's rows
        inner = QWidget()
        col = QVBoxLayout(inner)
        col.setContentsMargins(8, 6, 8, 6)
        col.setSpacing(4)  # a clip sound's whole inspector fits 360 px (its dock at 1366x768)
        # what a clip is (length, sound, voice) above how it was made (takes, recipe), so a
        # sound's fields are in sight without scrolling at 1366x768
        for w in (self.title, self.info, duration_row, self.caption_box, self.sound_box,
                  self.voice_picker, self.takes_box, self.engine_box, self.bars_box,
                  self.params_box):
            col.addWidget(w)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._document = document
        document.events.changed.connect(self._document_changed)
        self.show_clip(document.project, None)

    # --- showing -------------------------------------------------------------------------------

    def show_clip(self, project: Project | None, clip_id: str | None) -> None:
        """Show ``clip_id`` of ``project`` (None: nothing selected)."""
        self.project, self.clip_id, self._shown_take = project, clip_id, None
        self.refresh()

    def _document_changed(self, change: Change) -> None:
        if change.kind == "project":
            self.show_clip(self._document.project, None)
        elif change.kind != "folder":
            self.refresh()

    def current(self) -> tuple[Track, Clip] | None:
        if self.project is None or self.clip_id is None:
            return None
        try:
            return self.project.find_clip(self.clip_id)
        except KeyError:
            return None

    def refresh(self) -> None:
        """Re-read the clip after an edit; parameter editors are rebuilt only when the selected
        take changed, so typing is not lost."""
        found = self.current()
        for box in (self.caption_box, self.params_box, self.takes_box, self.bars_box,
                    self.engine_box, self.duration_row, self.sound_box):
            box.setVisible(found is not None)
        if found is None:
            self.voice_picker.show_clip(None, None, None)
            self.title.setText("Nothing selected")
            self.info.setText("Click a clip on the timeline to see how it was made.")
            return
        track, clip = found
        kind = track.kind.value
        self.title.setText(f"{clip.name or kind.capitalize()}  ·  {track.name}")
        self.info.setText(f"starts {seconds_from_us(clip.start):.2f} s, "
                          f"lasts {seconds_from_us(clip.duration):.2f} s"
                          f"  ·  engine\u00a0{clip.recipe.engine}, seed\u00a0{clip.recipe.seed}")
        if "product changed" in (clip.take.label or ""):  # the engine's fidelity check failed
            self.info.setText(self.info.text() + "\nProduct changed: this generated take no "
                              "longer shows the product as in the photo (fidelity "
                              f"{clip.recipe.params.get('fidelity', '?')}). Pick another take.")
        from promodesk.app.regenerate_dialog import is_shot

        self.regen_with.setVisible(kind == "video" and is_shot(clip))
        # the button says what a new take changes (engines/visuals/takes.py)
        self.regen_seed.setText({"shots": "New take: next layout and move",
                                 "captions": "New take: another line break"}.get(
                                     clip.recipe.engine, "Regenerate (new seed)"))
        # the user's own file (a clip, a logo, their sound): a new seed would give the same take
        self.regen_seed.setVisible(clip.recipe.engine != "footage")
        if abs(self.duration.value() - seconds_from_us(clip.duration)) > 1e-6:
            self.duration.blockSignals(True)
            self.duration.setValue(seconds_from_us(clip.duration))
            self.duration.blockSignals(False)
        self.caption_box.setVisible(kind == "captions" and clip.cue is not None)
        self.sound_box.setVisible(kind in ("audio", "voice", "music"))
        self.clip_gain.blockSignals(True)
        self.duck.blockSignals(True)
        if abs(self.clip_gain.value() - clip.gain_db) > 1e-9:
            self.clip_gain.setValue(clip.gain_db)
        self.duck.setChecked(clip.duck_music)
        self.clip_gain.blockSignals(False)
        self.duck.blockSignals(False)
        self.duck.setVisible(kind == "audio")
        if clip.cue is not None and not self.caption_text.hasFocus():
            self.caption_text.setPlainText(clip.cue.text)
            self.caption_style.setCurrentText(clip.cue.style)
        self.voice_picker.show_clip(self.project, clip if kind == "voice" else None,
                                    self._document.folder)
        self.bars_box.setVisible(kind == "music")
        self.engine_box.setVisible(kind == "music")
        self.takes.blockSignals(True)
        self.takes.clear()
        for i, take in enumerate(clip.takes):
            extra = f" · {take.label}" if take.label else ""
            self.takes.addItem(f"Take {i + 1} · seed {take.recipe.seed}{extra}")
        self.takes.setCurrentRow(clip.selected)
        self.takes.blockSignals(False)
        self._fit_takes()
        # an overlay moved by hand in the preview: its editor must not keep the old place
        # (and a recording newly registered: its field shows the file's name)
        shown = (clip.id, clip.selected, len(clip.takes), repr(clip.recipe.params.get("overlay")),
                 len(self.project.assets))
        if shown != self._shown_take:
            self._shown_take = shown
            if kind == "music":
                self.set_music_engine(str(clip.recipe.params.get("model", "composer"))
                                      if clip.recipe.engine == "musicgen" else "composer")
            self._build_params(kind, clip)
        self.params_box.setVisible(self.params_form.rowCount() > 0)  # no empty "Recipe" frame

    def _fit_takes(self) -> None:
        # as high as its takes, 1 to 4 rows (a fixed 96 px pushed a sound's fields off a laptop)
        rows = min(max(self.takes.count(), 1), 4)
        row_h = self.takes.sizeHintForRow(0) if self.takes.count() else self.fontMetrics().height()
        self.takes.setFixedHeight(rows * max(row_h, 1) + 2 * self.takes.frameWidth() + 2)

    def _build_params(self, kind: str, clip: Clip) -> None:
        while self.params_form.rowCount():
            self.params_form.removeRow(0)
        self._editors = {}
        for key, value in clip.recipe.params.items():
            if kind == "music":
                editable = key in MUSIC_EDITABLE
            else:
                editable = kind != "captions" or key not in ("sentence",)
            named = self._name_of(key, value)
            w = _named(named, value) if named else _editor(key, value, editable)
            self._editors[key] = w
            self.params_form.addRow(key.replace("_", " "), w)

    def _name_of(self, key: str, value) -> str | None:
        """What a user calls the asset or clip a recipe value names (a voice recording's file
        name, the clip a sound comes from), or None when ``value`` names neither."""
        if not isinstance(value, str) or not value or self.project is None:
            return None
        if value in self.project.assets:
            from promodesk.app.media_bin import asset_names

            return asset_names(self.project.assets.values())[value]
        if key == "sound_of":
            try:
                _, video = self.project.find_clip(value)
            except KeyError:
                return None
            return video.name or None
        return None

    def show_bars(self, bars: tuple[int, int] | None) -> None:
        """Mirror the bar range chosen on the timeline."""
        if bars is None:
            return
        for spin, v in ((self.bar_from, bars[0]), (self.bar_to, bars[1])):
            spin.blockSignals(True)
            spin.setValue(v)
            spin.blockSignals(False)

    # --- music engine ---------------------------------------------------------------------------

    def _fill_music_engines(self) -> None:
        from promodesk.engines.models.catalogue import CATALOGUE

        self.music_engine.addItem("Built-in composer · commercial use OK", "composer")
        for name, model in CATALOGUE.items():
            if model.task == "music":
                use = "commercial use OK" if model.commercial_use else "non-commercial only"
                self.music_engine.addItem(f"{model.title} · {use}", name)
        self.music_engine.addItem("MusicGen model folder…", None)

    def music_engine_choice(self) -> str:
        """The engine regenerated music comes from: "composer", a catalogue model name or a
        model folder."""
        return self.music_engine.currentData() or "composer"

    def set_music_engine(self, engine: str) -> None:
        """Select ``engine`` (adding it when it is a model folder not listed yet)."""
        i = self.music_engine.findData(engine)
        if i < 0:
            i = self.music_engine.count() - 1
            self.music_engine.insertItem(i, f"MusicGen: {engine}", engine)
        self.music_engine.setCurrentIndex(i)

    def _engine_picked(self, index: int) -> None:
        if self.music_engine.itemData(index) is not None:
            return
        from PySide6.QtWidgets import QFileDialog

        folder = QFileDialog.getExistingDirectory(self, "Choose a MusicGen model folder")
        self.set_music_engine(folder if folder else "composer")

    # --- requests ------------------------------------------------------------------------------

    def edited_params(self) -> dict:
        """The recipe parameters with the user's edits; ValueError on a malformed JSON field."""
        found = self.current()
        params = dict(found[1].recipe.params) if found else {}
        for key, w in self._editors.items():
            try:
                params[key] = _value(w)
            except json.JSONDecodeError as err:
                raise ValueError(f"'{key}' is not valid: {err.msg}") from None
        return params

    def _regenerate(self, edited: bool = False, bars: bool = False) -> None:
        if self.clip_id is None:
            return
        try:
            params = self.edited_params() if edited or bars else None
        except ValueError as err:
            self.message.emit(str(err))
            return
        span = (self.bar_from.value(), self.bar_to.value()) if bars else None
        if span and span[0] > span[1]:
            span = (span[1], span[0])
        self.regenerate.emit(self.clip_id, params, span)

    def _take_clicked(self, row: int) -> None:
        found = self.current()
        if found and row >= 0 and row != found[1].selected:
            self.take_chosen.emit(self.clip_id, row)

    def _apply_caption(self) -> None:
        if self.clip_id:
            self.caption_edited.emit(self.clip_id, self.caption_text.toPlainText(),
                                     self.caption_style.currentText())

    def _bars_edited(self, *_args) -> None:
        a, b = sorted((self.bar_from.value(), self.bar_to.value()))
        self.bars_chosen.emit((a, b))
