"""The inspector's "Voice" box for a voice clip: which voice speaks the line, and "Speak again
with this voice".

The choices are the clip's engine's (engines/voice/voices.py): for Bark, its preset speakers of
the line's language; for VibeVoice, the take's own voice, the recordings the project already
holds, or "Use a recording…" (a WAV, MP3 or FLAC of 3-30 s, checked and stored in the
project's assets before it is offered; a bad file is named in a message and changes nothing).
Speaking again emits the clip's recipe parameters with the chosen voice (or, for the whole
track, each line of the clip's language on its track); the inspector turns each into the ordinary
regenerate job (jobs panel, progress, cancel), whose new take names the voice.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QGroupBox, QLabel, QPushButton, QVBoxLayout

from promodesk.app.elided_combo import ElidedCombo
from promodesk.app.media_bin import asset_names
from promodesk.core.media_edits import ImportAssets
from promodesk.core.timeline import Asset, Clip, Project
from promodesk.engines.voice.voices import CONSENT, SAMPLE_KEY, SPEAKER_KEY

BROWSE = "browse"  # the item's data for "Use a recording…"


def _ask_for_recording(parent) -> str:
    """The recording the user chose in a file dialog ("" when cancelled)."""
    path, _ = QFileDialog.getOpenFileName(parent, "Choose a recording of the voice",
                                          "", "Audio (*.wav *.mp3 *.flac)")
    return path


class VoicePicker(QGroupBox):
    """Shows the voice choices for one voice clip, recordings by their files' names (the hash
    they are stored under in the tooltip). Signals: ``speak(clip id, params)``, a clip's recipe
    parameters with the chosen voice (for a new take), once per line spoken again,
    ``edit_requested(edit)`` (a recording newly stored in the project, registered with its
    file's name) and ``message(text)``."""

    speak = Signal(str, dict)
    message = Signal(str)
    edit_requested = Signal(object)  # ImportAssets: a recording's entry, with its file's name

    def __init__(self, parent=None):
        super().__init__("Voice", parent)
        self.clip: Clip | None = None
        self.project: Project | None = None
        self.folder: Path | None = None
        self._shown: tuple | None = None
        self._last = 0  # the item chosen before "Use a recording…" (restored when it fails)
        self.ask_for_recording = _ask_for_recording  # the file dialog (a test answers it)
        self.voices = ElidedCombo(text_tooltip=False)  # its tooltip: the recording's hash
        self.voices.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.voices.setMinimumContentsLength(12)
        self.voices.activated.connect(self._picked)
        self.voices.currentIndexChanged.connect(self._show_tooltip)
        self.note = QLabel(CONSENT)
        self.note.setObjectName("dim")
        self.note.setWordWrap(True)
        self.speak_again = QPushButton("Speak again with this voice")
        self.speak_again.clicked.connect(lambda: self._speak(whole_track=False))
        self.speak_track = QPushButton("Speak the track's lines again")
        self.speak_track.setToolTip("Every line of this language on the clip's track, in this "
                                    "voice (one job each)")
        self.speak_track.clicked.connect(lambda: self._speak(whole_track=True))
        col = QVBoxLayout(self)
        col.addWidget(self.voices)
        col.addWidget(self.speak_again)
        col.addWidget(self.speak_track)
        col.addWidget(self.note)

    def show_clip(self, project: Project | None, clip: Clip | None, folder: Path | None) -> None:
        """Show the voices for ``clip`` (None, or not a voice clip: hidden). The list is rebuilt
        only when another clip or take is shown, so a pending choice survives other edits."""
        self.folder = Path(folder) if folder else None
        self.setVisible(clip is not None)
        self.project = project
        if clip is None:
            self.clip, self._shown = None, None
            return
        shown = (clip.id, clip.selected, len(clip.takes), str(folder))
        self.clip = clip
        if shown == self._shown:
            return
        self._shown = shown
        self._fill(project, clip)

    def _fill(self, project: Project | None, clip: Clip) -> None:
        from promodesk.engines.voice.bark import language_of
        from promodesk.engines.voice.takes import default_voice_model, speech_family
        from promodesk.engines.voice.voices import bark_speakers, speakers_for

        params = clip.recipe.params
        model = str(params.get("model") or default_voice_model())
        self.voices.clear()
        if speech_family(model) == "vibevoice":
            self.voices.addItem("This take's voice", None)
            held = _recordings(project) if project is not None else []
            names = asset_names(project.assets.values()) if project is not None else {}
            for n, asset_id in enumerate(held):
                # the file's name when the project recorded it; the hash only in the tooltip
                self._add_recording(names.get(asset_id) or f"Recording {n + 1}", asset_id)
            self.voices.addItem("Use a recording…", BROWSE)
            self.note.setVisible(True)
        else:
            language = language_of(str(params.get("text", "")))
            self.voices.addItem("Bark's default speaker", None)
            for preset in speakers_for(bark_speakers(model), language):
                self.voices.addItem(preset.rsplit("/", 1)[-1].replace("_", " "),
                                    f"{SPEAKER_KEY}={preset}")
            self.note.setVisible(False)
        current = next((f"{k}={params[k]}" for k in (SAMPLE_KEY, SPEAKER_KEY) if params.get(k)),
                       None)
        found = self.voices.findData(current) if current else 0
        self.voices.setCurrentIndex(max(0, found))
        self._last = self.voices.currentIndex()

    def _add_recording(self, name: str, asset_id: str, at: int | None = None) -> int:
        """List recording ``asset_id`` as ``name`` (at index ``at``, default last); its index."""
        at = self.voices.count() if at is None else at
        self.voices.insertItem(at, name, f"{SAMPLE_KEY}={asset_id}")
        self.voices.setItemData(at, f"{name}\nstored as {asset_id}", Qt.ToolTipRole)
        return at

    def _show_tooltip(self, index: int) -> None:
        self.voices.setToolTip(str(self.voices.itemData(index, Qt.ToolTipRole) or ""))

    def choice(self) -> tuple[str, str] | None:
        """The chosen voice: (recipe key, value), or None for the engine's own voice."""
        data = self.voices.currentData()
        if not data or data == BROWSE:
            return None
        key, _, value = str(data).partition("=")
        return key, value

    def use_recording(self, path: str | Path) -> bool:
        """Check the recording at ``path``, store it in the project and choose it; False (with a
        message naming the file, and the choice as it was) when it cannot be used."""
        from promodesk.engines.voice.voices import VoiceSampleError, store_voice_sample

        if self.folder is None:
            self.message.emit("Save the project first: the recording is stored in its folder.")
            self.voices.setCurrentIndex(self._last)
            return False
        try:
            asset_id = store_voice_sample(self.folder, path)
        except VoiceSampleError as err:
            self.message.emit(str(err))
            self.voices.setCurrentIndex(self._last)
            return False
        asset = self.project.assets.get(asset_id) if self.project is not None else None
        if asset is None:  # the project records the file's name, as an import would
            asset = _recording_asset(self.folder, Path(path), asset_id)
            self.edit_requested.emit(ImportAssets([asset]))
        i = self.voices.findData(f"{SAMPLE_KEY}={asset_id}")
        if i < 0:
            others = list(self.project.assets.values()) if self.project is not None else []
            name = asset_names([a for a in others if a.id != asset_id] + [asset])[asset_id]
            i = self._add_recording(name, asset_id, self.voices.count() - 1)  # before "Use…"
        self.voices.setCurrentIndex(i)
        self._last = i
        return True

    def _picked(self, index: int) -> None:
        if self.voices.itemData(index) != BROWSE:
            self._last = index
            return
        path = self.ask_for_recording(self)
        if path:
            self.use_recording(path)
        else:
            self.voices.setCurrentIndex(self._last)

    def _speak(self, whole_track: bool) -> None:
        from promodesk.engines.voice.bark import language_of
        from promodesk.engines.voice.takes import default_voice_model, speech_family

        if self.clip is None:
            return
        clips = [self.clip]
        if whole_track and self.project is not None:
            # the voice is chosen per language and engine: other lines keep theirs
            def kind(clip: Clip) -> tuple:
                params = clip.recipe.params
                return (language_of(str(params.get("text", ""))),
                        speech_family(str(params.get("model") or default_voice_model())))

            track, _ = self.project.find_clip(self.clip.id)
            clips = [c for c in track.clips if kind(c) == kind(self.clip)]
        chosen = self.choice()
        for clip in clips:
            params = {k: v for k, v in clip.recipe.params.items()
                      if k not in (SAMPLE_KEY, SPEAKER_KEY)}
            if chosen:
                params[chosen[0]] = chosen[1]
            self.speak.emit(clip.id, params)


def _recording_asset(folder: Path, path: Path, asset_id: str) -> Asset:
    """The project's entry for the recording at ``path``, stored as ``asset_id``: the media
    bin's import entry (duration, rate, the file's name as ``source``)."""
    from promodesk.engines.visuals.media import MediaError, import_media

    try:
        asset = import_media(folder, path)
    except (MediaError, RuntimeError):  # read by the voice engine, not by the bin's probe
        asset = None
    if asset is None or asset.id != asset_id:
        return Asset(asset_id, "audio", None, {"source": path.name}, "")
    return asset


def _recordings(project: Project) -> list[str]:
    """The voice recordings (asset ids) the project's voice clips name, in order of use."""
    seen: list[str] = []
    for track in project.tracks:
        for clip in track.clips:
            for take in clip.takes:
                asset_id = take.recipe.params.get(SAMPLE_KEY)
                if asset_id and asset_id not in seen:
                    seen.append(str(asset_id))
    return seen
