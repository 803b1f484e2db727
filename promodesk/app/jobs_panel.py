"""The jobs panel: one row per background job with its progress bar, message and a Cancel button.
A job waiting behind others on its lane (exports queued one after another: the render queue) says
how many are ahead of it. Finished rows go away after a moment; a failed job's row stays with its
message until dismissed."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Qt
from PySide6.QtWidgets import (QFrame, QGridLayout, QLabel, QProgressBar, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

from promodesk.app import theme
from promodesk.app.jobs import WARM_UP, Job, JobRunner

# Thumbnail and waveform jobs are quick and many; they show in the status bar, not as rows.
QUIET_TITLES = {"Waveform", "Thumbnails", "Autosave", WARM_UP}
QUIET_PREFIXES = ("Thumbnail ",)  # the media bin's per-asset thumbnails
# Set once on the panel: a style sheet set on each new row is parsed again for every row, on the
# UI thread, at the moment a job starts.
ROW_STYLE = (f"JobRow {{ background: {theme.PANEL}; border: 1px solid {theme.BORDER}; "
             "border-radius: 5px; } JobRow QLabel { background: transparent; } "
             "QLabel#jobTitle { font-weight: 600; }")


class JobRow(QFrame):
    """A job's title, progress, message and Cancel (or Dismiss once it failed)."""

    def __init__(self, job: Job, ahead: int = 0):
        super().__init__()
        self.job = job
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setVerticalSpacing(3)
        self.title = QLabel(job.title)
        self.title.setObjectName("jobTitle")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        noun = "export" if job.lane == "export" else "job"
        self.message = QLabel(f"Queued: {ahead} {noun}{'s' if ahead > 1 else ''} ahead"
                              if ahead else "Waiting")
        self.message.setObjectName("dim")
        self.message.setWordWrap(True)
        self.button = QPushButton("Cancel")
        self.button.clicked.connect(self._clicked)
        grid.addWidget(self.title, 0, 0)
        grid.addWidget(self.button, 0, 1, Qt.AlignRight)
        grid.addWidget(self.bar, 1, 0, 1, 2)
        grid.addWidget(self.message, 2, 0, 1, 2)
        job.progressed.connect(self._progress)
        job.failed.connect(self._failed)
        # bound methods, not lambdas: Qt drops them with the row, so a job that ends after its
        # row (or the window) is gone does not touch deleted labels
        job.cancelled.connect(self._cancelled)
        job.succeeded.connect(self._succeeded)

    def _cancelled(self) -> None:
        self._ended("Cancelled")

    def _succeeded(self, _result) -> None:
        self._ended("Done")

    def _progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(fraction * 1000))
        self.message.setText(f"{message}  {int(fraction * 100)}%" if fraction > 0 else message)

    def _failed(self, message: str) -> None:
        self.message.setObjectName("error")
        self.message.setStyleSheet(f"color: {theme.ERROR};")
        self.message.setText(message)
        self.button.setText("Dismiss")
        self.button.setEnabled(True)

    def _ended(self, text: str) -> None:
        self.message.setText(text)
        self.button.setEnabled(False)
        if text == "Done":
            self.bar.setValue(1000)
        QTimer.singleShot(2500, self.deleteLater)

    def _clicked(self) -> None:
        if self.job.active:
            self.button.setEnabled(False)
            self.message.setText("Cancelling...")
            self.job.cancel()
        else:
            self.deleteLater()


class JobsPanel(QWidget):
    """Rows for the runner's jobs, newest at the top."""

    def __init__(self, runner: JobRunner, parent=None):
        super().__init__(parent)
        self.rows = QVBoxLayout()
        self.rows.setContentsMargins(6, 6, 6, 6)
        self.rows.setSpacing(6)
        self.empty = QLabel("No jobs running")
        self.empty.setObjectName("dim")
        self.empty.setAlignment(Qt.AlignCenter)
        inner = QWidget()
        col = QVBoxLayout(inner)
        col.setContentsMargins(0, 0, 0, 0)
        col.addLayout(self.rows)
        col.addWidget(self.empty)
        col.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self.setStyleSheet(ROW_STYLE)
        self.runner = runner
        runner.job_added.connect(self.add)

    def add(self, job: Job) -> JobRow | None:
        if job.title in QUIET_TITLES or job.title.startswith(QUIET_PREFIXES):
            return None
        ahead = sum(1 for j in self.runner.jobs if j is not job and j.active and j.lane == job.lane
                    and j.title != WARM_UP and self.runner.jobs.index(j) < self.runner.jobs.index(job))
        row = JobRow(job, ahead)
        row.destroyed.connect(self._update_empty)
        self.rows.insertWidget(0, row)
        self._update_empty()
        return row

    def job_rows(self) -> list[JobRow]:
        """The rows shown, newest first."""
        rows = (self.rows.itemAt(i).widget() for i in range(self.rows.count()))
        return [w for w in rows if isinstance(w, JobRow)]

    def row_of(self, job: Job) -> JobRow | None:
        for i in range(self.rows.count()):
            w = self.rows.itemAt(i).widget()
            if isinstance(w, JobRow) and w.job is job:
                return w
        return None

    def _update_empty(self, *_args) -> None:
        # tied to this panel, so a timer still pending when the window closes is dropped with it
        QTimer.singleShot(0, self, lambda: self.empty.setVisible(self.rows.count() == 0))
