"""The export dialog's licence policy, clicked through: "Commercial use only" (on by default,
remembered in the user's settings) refuses a MusicGen take by name; turned off, the first press
of Export warns and only the second exports, and the export lists the take's licence."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from promodesk.app.export_dialog import COMMERCIAL_ONLY, ExportDialog
from promodesk.core.projectfile import add_asset, asset_path
from promodesk.core.timeline import Asset, Recipe, Take, TrackKind
from promodesk.engines.music.musicgen import LICENCE as MUSICGEN_LICENCE
from promodesk.render.licences import read_video_licences
from tests.app.conftest import wait_jobs

SECONDS_US = 2_000_000


def _musicgen_take(window) -> str:
    """Keep the first 2 s; give the music clip a MusicGen take (a copy of the composer's file
    recorded as MusicGen's) and select it. Returns the clip's name."""
    for track in window.project.tracks:
        track.clips[:] = [c for c in track.clips if c.start < SECONDS_US]
        for c in track.clips:
            c.duration = min(c.duration, SECONDS_US - c.start)
    clip = next(t for t in window.project.tracks if t.kind == TrackKind.MUSIC).clips[0]
    data = asset_path(window.folder, clip.asset).read_bytes()
    asset = add_asset(window.folder, data[:-2] + b"\0\0", "wav")  # another file, same length
    window.project.assets[asset] = Asset(asset, "audio", clip.take.source_duration,
                                         {"commercial_use": False}, MUSICGEN_LICENCE)
    clip.takes.append(Take(asset, Recipe("musicgen", dict(clip.recipe.params), 7),
                           clip.take.source_duration))
    clip.selected = len(clip.takes) - 1
    return clip.name


def _dialog(qtbot, window, tmp_path) -> ExportDialog:
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    for name, box in dialog.aspects.items():
        box.setChecked(name == "9:16")
    dialog.quality.setCurrentIndex(1)
    dialog.folder.setText(str(tmp_path / "out"))
    return dialog


def test_commercial_only_refuses_a_musicgen_take_by_name(qtbot, window, project_folder,
                                                         tmp_path):
    assert window.open_project(project_folder)
    name = _musicgen_take(window)
    dialog = _dialog(qtbot, window, tmp_path)
    assert dialog.commercial.isChecked()  # on by default
    assert dialog.licence_note.isVisible() and f"'{name}'" in dialog.licence_note.text()
    for _ in range(2):  # pressing again does not skip the refusal
        qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
        assert dialog.jobs == []
        assert f"'{name}'" in dialog.status.text() and "Commercial use only" in dialog.status.text()
    assert not any((tmp_path / "out").glob("*.mp4"))


def test_without_commercial_only_the_dialog_warns_then_exports(qtbot, window, project_folder,
                                                                tmp_path):
    assert window.open_project(project_folder)
    _musicgen_take(window)
    dialog = _dialog(qtbot, window, tmp_path)
    dialog.commercial.click()
    assert window.settings.value(COMMERCIAL_ONLY) == "false"
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert dialog.jobs == [] and dialog.status.text().startswith("Warning")
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert len(dialog.jobs) == 1
    qtbot.waitUntil(lambda: not any(j.active for j in dialog.jobs), timeout=180_000)
    assert not dialog.failures, dialog.failures
    out = tmp_path / "out" / "Espresso-test.mp4"
    meta = read_video_licences(out)
    music = [a for a in meta["assets"] if a["track"] == "Music"]
    assert [(a["engine"], a["licence"], a["commercial_use"]) for a in music] == [
        ("musicgen", MUSICGEN_LICENCE, False)]
    assert json.loads(out.with_name("Espresso-test.licences.json").read_text("utf-8")) == meta
    # the setting is the user's: the next dialog starts with it off
    assert not ExportDialog(window).commercial.isChecked()
    wait_jobs(qtbot, window)
