"""The export dialog: several aspect ratios at once, the whole video (to its last clip) or the
in/out range, captions burned/soft/both, subtitle files, quality, the loudness target the whole
mix is normalised to, folder and file name. Its settings are remembered for the next export.

Each press of Export queues one job per aspect on the export lane, which runs them one after
another: a render queue, shown in the jobs panel, that can be added to while it runs. Exports
run ``render.export.export_video`` (the same frames the preview shows) in the export worker."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from promodesk.app.jobs import Job
from promodesk.app.tasks import run_export
from promodesk.app.timeline_paint import format_time
from promodesk.core.timeline import ASPECTS
from promodesk.render.mix import LOUDNESS_TARGETS

CAPTION_MODES = {"Burned into the picture": "burn", "Soft (subtitle track)": "soft",
                 "Both": "both", "None": "none"}
QUALITY = {"Full (1080p)": 1, "Draft (half size, faster)": 2}
RANGES = ("Whole video", "In to out")
SETTINGS = "export"  # QSettings group
# the user's licence policy (on by default): refuse exports holding a take that may not be sold
COMMERCIAL_ONLY = "licences/commercial_only"


def commercial_only(settings) -> bool:
    """Whether the user's setting "Commercial use only" is on (the default) in ``settings``."""
    return str(settings.value(COMMERCIAL_ONLY, "true")).lower() == "true"


def export_size(aspect: str, quality_divisor: int) -> tuple[int, int]:
    """(w, h) in pixels for ``aspect`` at a quality (1 full, 2 half), even numbers."""
    w, h = ASPECTS[aspect]
    return (w // quality_divisor) // 2 * 2, (h // quality_divisor) // 2 * 2


def file_stem(title: str) -> str:
    """A file name (no suffix) from a project title, as ``promodesk render`` names it."""
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in title).strip("-") or "promo"


class ExportDialog(QDialog):
    """Export settings and progress for the main window's project."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.setWindowTitle("Export video")
        self.setMinimumWidth(560)
        self.aspects: dict[str, QCheckBox] = {}
        aspect_row = QHBoxLayout()
        aspect_row.setContentsMargins(0, 0, 0, 0)
        for name in ASPECTS:
            box = QCheckBox(name)
            self.aspects[name] = box
            aspect_row.addWidget(box)
        aspect_row.addStretch(1)
        self.range = QComboBox()
        self.captions = QComboBox()
        self.captions.addItems(list(CAPTION_MODES))
        self.subtitles = QCheckBox("Also write .srt and .vtt files")
        self.quality = QComboBox()
        self.quality.addItems(list(QUALITY))
        self.loudness = QComboBox()
        self.loudness.addItems(list(LOUDNESS_TARGETS))
        self.loudness.setToolTip("The platforms turn louder videos down and quieter ones up.")
        loudness_note = QLabel("The whole mix is normalised once, at the end, to this target, "
                               "so your track gains keep their difference (music at -6 dB stays "
                               "6 dB under the voice).")
        loudness_note.setObjectName("dim")
        loudness_note.setWordWrap(True)
        self.folder = QLineEdit()
        browse = QPushButton("Choose...")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.name = QLineEdit(file_stem(window.project.title))
        self.name.setToolTip("Several aspects add -9x16, -1x1, ... to this name.")
        self.commercial = QCheckBox("Commercial use only (refuse takes whose licence forbids "
                                    "selling the video)")
        self.commercial.setChecked(commercial_only(window.settings))
        self.commercial.toggled.connect(self._licence_policy)
        self.licence_note = QLabel("")
        self.licence_note.setObjectName("warning")
        self.licence_note.setWordWrap(True)
        self.licence_confirmed = False  # the user saw the warning and pressed Export again
        from promodesk.app.versions_dialog import versions_checkbox

        self.versions = versions_checkbox(window)  # one MP4 + SRT per language version
        form = QFormLayout()
        aspects = QWidget()
        aspects.setLayout(aspect_row)
        form.addRow("Aspect ratios", aspects)
        form.addRow("Range", self.range)
        form.addRow("Captions", self.captions)
        form.addRow("", self.subtitles)
        form.addRow("Quality", self.quality)
        form.addRow("Loudness", self.loudness)
        form.addRow("", loudness_note)
        form.addRow("Folder", folder_row)
        form.addRow("File name", self.name)
        form.addRow("", self.versions)
        form.addRow("Licences", self.commercial)
        form.addRow("", self.licence_note)
        self.bars = QVBoxLayout()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("primary")
        self.export_button.setToolTip("Adds to the render queue; exports run one after another.")
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Close")
        self.cancel_button.clicked.connect(self._cancel)
        self.show_button = QPushButton("Show in folder")
        self.show_button.setEnabled(False)
        self.show_button.clicked.connect(self.show_in_folder)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.export_button)
        col = QVBoxLayout(self)
        col.addLayout(form)
        col.addLayout(self.bars)
        col.addWidget(self.status)
        col.addLayout(buttons)
        self.jobs: list[Job] = []
        self.results: list = []
        self.failures: list[str] = []
        self._fill_range()
        self._restore()
        self._licence_policy()

    # --- settings -------------------------------------------------------------------------------

    def _fill_range(self) -> None:
        from promodesk.render.export import content_end

        self.range.addItem(f"Whole video (0:00 - {format_time(content_end(self.w.project), True)}, "
                           "the last clip)")
        span = self.in_out()
        self.range.addItem(f"In to out ({format_time(span[0], True)} - {format_time(span[1], True)})"
                           if span else "In to out (set them with I and O on the timeline)")
        self.range.model().item(1).setEnabled(span is not None)
        self.range.setCurrentIndex(1 if span else 0)

    def in_out(self) -> tuple[int, int] | None:
        """The timeline's in/out range (microseconds), or None when both are not set."""
        span = getattr(self.w.timeline, "in_out", None)
        return tuple(span) if span and None not in span and span[1] > span[0] else None

    def _restore(self) -> None:
        """The last export's settings (aspects start from the project's own)."""
        s = self.w.settings
        aspects = s.value(f"{SETTINGS}/aspects", [self.w.project.aspect])
        aspects = [aspects] if isinstance(aspects, str) else list(aspects or [])
        for name, box in self.aspects.items():
            box.setChecked(name in aspects)
        for combo, key in ((self.captions, "captions"), (self.quality, "quality"),
                           (self.loudness, "loudness")):
            value = s.value(f"{SETTINGS}/{key}")
            if value is not None and combo.findText(str(value)) >= 0:
                combo.setCurrentText(str(value))
        self.subtitles.setChecked(str(s.value(f"{SETTINGS}/subtitles", "true")).lower() == "true")
        default = Path(self.w.folder) / "exports" if self.w.folder else Path.home()
        self.folder.setText(str(s.value(f"{SETTINGS}/folder", str(default))))

    def _remember(self) -> None:
        s = self.w.settings
        s.setValue(f"{SETTINGS}/aspects", [n for n, b in self.aspects.items() if b.isChecked()])
        s.setValue(f"{SETTINGS}/captions", self.captions.currentText())
        s.setValue(f"{SETTINGS}/quality", self.quality.currentText())
        s.setValue(f"{SETTINGS}/loudness", self.loudness.currentText())
        s.setValue(f"{SETTINGS}/subtitles", "true" if self.subtitles.isChecked() else "false")
        s.setValue(f"{SETTINGS}/folder", self.folder.text())

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def _licence_policy(self, *_args) -> None:
        """Remember the setting and name the takes that may not be sold, if any."""
        from promodesk.render.licences import non_commercial

        self.w.settings.setValue(COMMERCIAL_ONLY, "true" if self.commercial.isChecked() else "false")
        policy = getattr(self.w, "licence_policy", None)  # the engine pickers follow it
        if policy is not None:
            policy.set(self.commercial.isChecked())
        self.licence_confirmed = False
        bad = non_commercial(self.w.project)
        self.licence_note.setText(
            "Not for sale: " + "; ".join(f"'{e.clip}' ({e.engine}: {e.licence})" for e in bad)
            if bad else "")
        self.licence_note.setVisible(bool(bad))

    def _licences_allow(self) -> bool:
        """Whether the project's takes may be exported under the licence policy: with
        "Commercial use only" a non-commercial take refuses the export (the status says which
        and how to allow it); without it, the first press warns and the second exports."""
        from promodesk.render.licences import LicenceError, non_commercial

        bad = non_commercial(self.w.project)
        if not bad:
            return True
        if self.commercial.isChecked():
            self.status.setText(str(LicenceError(bad)))
            return False
        if not self.licence_confirmed:
            self.licence_confirmed = True
            self.status.setText("Warning: this video holds takes whose licence forbids selling "
                                "it (named above). Press Export again to export it anyway.")
            return False
        return True

    # --- the queue ------------------------------------------------------------------------------

    def start(self) -> list[Job]:
        """Queue one export job per checked aspect (after any still running); returns them."""
        aspects = [name for name, box in self.aspects.items() if box.isChecked()]
        if not aspects:
            self.status.setText("Choose at least one aspect ratio.")
            return []
        name = self.name.text().strip()
        if not name or any(ch in name for ch in "/\\"):
            self.status.setText("Type a file name (without folders) for the video.")
            return []
        out_dir = Path(self.folder.text()).expanduser()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self.status.setText(f"Cannot use {out_dir}: {err.strerror or err}. Choose another folder.")
            return []
        if not self._licences_allow():
            return []
        self._remember()
        divisor = QUALITY[self.quality.currentText()]
        span = self.in_out() if self.range.currentIndex() == 1 else None
        out = out_dir / name
        out = out if out.suffix.lower() == ".mp4" else out.with_name(out.name + ".mp4")
        added = []
        from promodesk.app.versions_dialog import export_versions

        for aspect, path, project in export_versions(self.w.project, out, aspects,
                                                     self.versions.isChecked()):
            inputs = {"project": project, "folder": self.w.folder, "out": path,
                      "size": export_size(aspect, divisor), "span": span,
                      "loudness": LOUDNESS_TARGETS[self.loudness.currentText()],
                      "captions": CAPTION_MODES[self.captions.currentText()],
                      "subtitle_files": self.subtitles.isChecked()}
            job = Job(f"Export {path.name}", run_export, inputs, lane="export")
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setFormat(f"{path.name}  queued")
            bar.setTextVisible(True)
            bar.setFixedHeight(18)
            self.bars.addWidget(bar)
            job.progressed.connect(lambda f, _m, b=bar, n=path.name: (b.setFormat(f"{n}  %p%"),
                                                                      b.setValue(int(f * 1000))))
            job.succeeded.connect(self._done)
            job.failed.connect(lambda msg, n=path.name: self.failures.append(f"{n}: {msg}"))
            job.cancelled.connect(lambda n=path.name: self.failures.append(f"{n}: cancelled"))
            job.ended.connect(self._ended)
            added.append(self.w.jobs.submit(job))
        self.jobs += added
        waiting = sum(j.active for j in self.jobs)
        self.status.setText(f"{waiting} export(s) in the render queue, one after another, to "
                            f"{out_dir} (also shown in the Jobs panel).")
        self.cancel_button.setText("Cancel all")
        return added

    def _done(self, result) -> None:
        self.results.append(result)

    def _ended(self, _job) -> None:
        if any(j.active for j in self.jobs):
            return
        lines = [f"Wrote {Path(r.path).name} ({r.frames} frames, {r.seconds:.1f} s, {r.encoder})"
                 for r in self.results]
        self.status.setText("\n".join(lines + self.failures))
        self.show_button.setEnabled(bool(self.results))
        self.cancel_button.setText("Close")

    def _cancel(self) -> None:
        active = [j for j in self.jobs if j.active]
        if active:
            for j in active:
                j.cancel()
            return
        self.reject()

    def show_in_folder(self) -> None:
        if self.results:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(self.results[0].path).parent)))
