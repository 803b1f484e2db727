"""The render queue: two exports queued from the dialog run one after the other and show in the
jobs panel; an in/out range marked with I and O on the timeline; settings remembered."""

from __future__ import annotations

from PySide6.QtCore import Qt

from promodesk.app.export_dialog import ExportDialog
from promodesk.render.mix import LOUDNESS_TARGETS
from tests.app.conftest import wait_jobs
from tests.render.media import probe


def test_two_exports_queued_with_an_in_out_range(qtbot, window, project_folder, tmp_path):
    assert window.open_project(project_folder)
    tl = window.timeline
    tl.set_playhead(1_000_000)
    qtbot.keyClick(tl, Qt.Key_I)
    tl.set_playhead(1_500_000)
    qtbot.keyClick(tl, Qt.Key_O)
    assert tl.in_out == [1_000_000, 1_500_000]

    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.range.currentIndex() == 1 and "0:01.0 - 0:01.5" in dialog.range.currentText()
    assert "-14 LUFS" in dialog.loudness.currentText()  # the default target, said in the dialog
    dialog.quality.setCurrentIndex(1)
    dialog.folder.setText(str(tmp_path / "out"))
    dialog.name.setText("first")
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    dialog.name.setText("second")
    dialog.loudness.setCurrentText(next(k for k, v in LOUDNESS_TARGETS.items() if v is None))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)  # queued while the first still runs
    assert len(dialog.jobs) == 2 and all(j.active for j in dialog.jobs)
    rows = {r.job.title: r for r in window.jobs_panel.job_rows() if r.job.lane == "export"}
    assert set(rows) == {"Export first.mp4", "Export second.mp4"}
    assert rows["Export second.mp4"].message.text() == "Queued: 1 export ahead"

    qtbot.waitUntil(lambda: not any(j.active for j in dialog.jobs), timeout=180_000)
    assert not dialog.failures, dialog.failures
    first, second = (r.path for r in dialog.results)
    assert (first.name, second.name) == ("first.mp4", "second.mp4")
    for path in (first, second):
        info = probe(path)
        assert info["size"] == (540, 960) and abs(info["duration"] - 0.5) <= 0.05
    assert [r.frames for r in dialog.results] == [15, 15]

    again = ExportDialog(window)  # remembered: folder, quality, loudness
    qtbot.addWidget(again)
    assert again.folder.text() == str(tmp_path / "out")
    assert again.quality.currentIndex() == 1
    assert LOUDNESS_TARGETS[again.loudness.currentText()] is None
    wait_jobs(qtbot, window)
