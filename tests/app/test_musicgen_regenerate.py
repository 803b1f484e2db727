"""The editor regenerates a bar range of the music with a MusicGen engine selected (a tiny
random MusicGen saved to a temp folder and loaded through the engine's real loading code, in the
editor's generation worker process)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt

pytest.importorskip("transformers")  # the gpu extra; the test set-up installs it

from promodesk.core.projectfile import asset_path  # noqa: E402
from tests.app.conftest import wait_jobs  # noqa: E402
from tests.engines.tiny_models import tiny_musicgen  # noqa: E402


def test_regenerate_music_bars_with_a_tiny_musicgen(qtbot, window, project_folder, tmp_path):
    model = tiny_musicgen(tmp_path / "musicgen")
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    music = window.project.tracks[1].clips[0]
    old_audio, sr = sf.read(str(asset_path(project_folder, music.asset)), dtype="float32")
    window.timeline.select_clip(music.id)
    window.inspector.set_music_engine(str(model))
    assert window.inspector.music_engine_choice() == str(model)
    assert window.inspector.engine_box.isVisibleTo(window.inspector)
    window.timeline.set_bar_range((2, 2))
    qtbot.keyClick(window.timeline, Qt.Key_R)
    wait_jobs(qtbot, window, timeout=180_000)
    assert len(music.takes) == 2 and music.selected == 1, window.statusBar().currentMessage()
    take = music.take
    assert take.recipe.engine == "musicgen" and take.recipe.params["model"] == str(model)
    assert "MusicGen" in take.label
    meta = window.project.assets[music.asset].meta
    assert meta["commercial_use"] is False and "NC" in meta["licence"]
    new_audio, _ = sf.read(str(asset_path(project_folder, music.asset)), dtype="float32")
    assert new_audio.shape == old_audio.shape
    old_meta_downbeats = window.project.assets[music.takes[0].asset].meta["downbeats_us"]
    bar2 = old_meta_downbeats[1] * sr // 1_000_000
    assert np.array_equal(new_audio[:bar2], old_audio[:bar2])  # before the range: untouched
    assert np.abs(new_audio[bar2:] - old_audio[bar2:]).max() > 1e-3  # the bar changed
    # the inspector shows the new take's engine, and the composer can take over again
    window.inspector.show_clip(window.project, music.id)
    assert window.inspector.music_engine_choice() == str(model)
    window.inspector.set_music_engine("composer")
    assert window.inspector.music_engine_choice() == "composer"
