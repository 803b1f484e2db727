"""Export through the dialog: a decodable MP4 per chosen aspect, subtitles beside it."""

from __future__ import annotations

import subprocess

from PySide6.QtCore import Qt

from promodesk.app.export_dialog import ExportDialog
from tests.app.conftest import wait_jobs


def _probe(path):
    import imageio_ffmpeg

    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "null", "-"],
                         capture_output=True, text=True)
    info = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-i", str(path)], capture_output=True, text=True).stderr
    return out.returncode, out.stderr, info


def test_export_two_aspects_through_the_dialog(qtbot, window, project_folder, tmp_path):
    assert window.open_project(project_folder)
    for track in window.project.tracks:  # keep the export short: 2 s
        track.clips[:] = [c for c in track.clips if c.start < 2_000_000]
        for c in track.clips:
            c.duration = min(c.duration, 2_000_000 - c.start)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.aspects["9:16"].setChecked(True)
    dialog.aspects["1:1"].setChecked(True)
    dialog.quality.setCurrentIndex(1)  # draft: half size
    dialog.captions.setCurrentText("Both")
    dialog.folder.setText(str(tmp_path / "out"))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert len(dialog.jobs) == 2
    qtbot.waitUntil(lambda: not any(j.active for j in dialog.jobs), timeout=180_000)
    assert not dialog.failures, dialog.failures
    assert dialog.show_button.isEnabled()
    paths = sorted(p.name for p in (tmp_path / "out").glob("*.mp4"))
    assert paths == ["Espresso-test-1x1.mp4", "Espresso-test-9x16.mp4"]
    rc, errors, info = _probe(tmp_path / "out" / "Espresso-test-9x16.mp4")
    assert rc == 0 and not errors.strip()
    assert "540x960" in info and "Audio: aac" in info and "Subtitle: mov_text" in info
    assert (tmp_path / "out" / "Espresso-test-9x16.srt").read_text().strip().startswith("1")
    wait_jobs(qtbot, window)


def test_one_aspect_is_named_as_promodesk_render_names_it_and_cancel_leaves_nothing(
        qtbot, window, project_folder, tmp_path):
    assert window.open_project(project_folder)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    for name, box in dialog.aspects.items():
        box.setChecked(name == "1:1")
    dialog.folder.setText(str(tmp_path / "out"))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert [job.inputs["out"] for job in dialog.jobs] == [tmp_path / "out" / "Espresso-test.mp4"]
    qtbot.mouseClick(dialog.cancel_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not any(j.active for j in dialog.jobs), timeout=120_000)
    assert dialog.jobs[0].state == "cancelled"
    assert list((tmp_path / "out").iterdir()) == []
    wait_jobs(qtbot, window)
