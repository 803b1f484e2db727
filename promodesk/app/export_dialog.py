"""The export dialog: several aspect ratios at once, captions burned/soft/both, subtitle files,
quality; one export job per aspect with its progress; "Show in folder" at the end.

Exports run ``render.export.export_video`` (the same frames the preview shows) on CPU workers."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from promodesk.app.jobs import Job
from promodesk.app.tasks import run_export
from promodesk.core.timeline import ASPECTS
from promodesk.render.outputs import output_paths

CAPTION_MODES = {"Burned into the picture": "burn", "Soft (subtitle track)": "soft",
                 "Both": "both", "None": "none"}
QUALITY = {"Full (1080p)": 1, "Draft (half size, faster)": 2}


def export_size(aspect: str, quality_divisor: int) -> tuple[int, int]:
    """(w, h) in pixels for ``aspect`` at a quality (1 full, 2 half), even numbers."""
    w, h = ASPECTS[aspect]
    return (w // quality_divisor) // 2 * 2, (h // quality_divisor) // 2 * 2


class ExportDialog(QDialog):
    """Export settings and progress for the main window's project."""

    def __init__(self, window):
        super().__init__(window)
        self.w = window
        self.setWindowTitle("Export video")
        self.setMinimumWidth(520)
        self.aspects: dict[str, QCheckBox] = {}
        aspect_row = QHBoxLayout()
        for name in ASPECTS:
            box = QCheckBox(name)
            box.setChecked(name == window.project.aspect)
            self.aspects[name] = box
            aspect_row.addWidget(box)
        aspect_row.addStretch(1)
        self.captions = QComboBox()
        self.captions.addItems(list(CAPTION_MODES))
        self.subtitles = QCheckBox("Also write .srt and .vtt files")
        self.subtitles.setChecked(True)
        self.quality = QComboBox()
        self.quality.addItems(list(QUALITY))
        self.folder = QLineEdit(str(Path(window.folder) / "exports"))
        browse = QPushButton("Choose...")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        form = QFormLayout()
        aspects = QWidget()
        aspects.setLayout(aspect_row)
        form.addRow("Aspect ratios", aspects)
        form.addRow("Captions", self.captions)
        form.addRow("", self.subtitles)
        form.addRow("Quality", self.quality)
        form.addRow("Folder", folder_row)
        self.bars = QVBoxLayout()
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("primary")
        self.export_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel")
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

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Export to", self.folder.text())
        if folder:
            self.folder.setText(folder)

    def start(self) -> list[Job]:
        """Start one export job per checked aspect; returns the jobs."""
        aspects = [name for name, box in self.aspects.items() if box.isChecked()]
        if not aspects:
            self.status.setText("Choose at least one aspect ratio.")
            return []
        out_dir = Path(self.folder.text()).expanduser()
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            self.status.setText(f"Cannot use {out_dir}: {err.strerror or err}. Choose another folder.")
            return []
        self.export_button.setEnabled(False)
        self.results, self.failures, self.jobs = [], [], []
        divisor = QUALITY[self.quality.currentText()]
        # Named as `promodesk render -o TITLE.mp4 --aspect ...` names them.
        stem = "".join(ch if ch.isalnum() or ch in "-_" else "-"
                       for ch in self.w.project.title).strip("-") or "promo"
        for (_, aspect), out in output_paths(out_dir / f"{stem}.mp4", aspects).items():
            inputs = {"project": self.w.project.copy(), "folder": self.w.folder, "out": out,
                      "size": export_size(aspect, divisor),
                      "captions": CAPTION_MODES[self.captions.currentText()],
                      "subtitle_files": self.subtitles.isChecked()}
            job = Job(f"Export {aspect}", run_export, inputs, lane="export")
            bar = QProgressBar()
            bar.setRange(0, 1000)
            bar.setFormat(f"{aspect}  %p%")
            bar.setTextVisible(True)
            bar.setFixedHeight(18)
            self.bars.addWidget(bar)
            job.progressed.connect(lambda f, _m, b=bar: b.setValue(int(f * 1000)))
            job.succeeded.connect(self._done)
            job.failed.connect(lambda msg, a=aspect: self.failures.append(f"{a}: {msg}"))
            job.cancelled.connect(lambda a=aspect: self.failures.append(f"{a}: cancelled"))
            job.ended.connect(self._ended)
            self.jobs.append(self.w.jobs.submit(job))
        self.status.setText(f"Exporting {len(aspects)} video(s) to {out_dir} ...")
        return self.jobs

    def _done(self, result) -> None:
        self.results.append(result)

    def _ended(self, _job) -> None:
        if any(j.active for j in self.jobs):
            return
        lines = [f"Wrote {Path(r.path).name} ({r.frames} frames, {r.seconds:.1f} s, {r.encoder})"
                 for r in self.results]
        self.status.setText("\n".join(lines + self.failures))
        self.show_button.setEnabled(bool(self.results))
        self.export_button.setEnabled(True)
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
