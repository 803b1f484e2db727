"""The licence policy: commercial use only keeps a MusicGen take out of the export (refused, named,
with the way to allow it), and every export lists each asset's engine and licence in the MP4's
metadata (read back with PyAV) and in OUT.licences.json."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import soundfile as sf

from promodesk.cli import main
from promodesk.core.projectfile import add_asset, save_project
from promodesk.core.timeline import Asset, Clip, Recipe, Take, TrackKind
from promodesk.engines.music.composer import OUTPUT_LICENCE as COMPOSER_LICENCE
from promodesk.engines.music.musicgen import LICENCE as MUSICGEN_LICENCE
from promodesk.render.export import export_video
from promodesk.render.licences import (LicenceError, non_commercial, read_video_licences,
                                       sidecar_path)

from tests.render.media import caption_project

SMALL = (160, 288)
LENGTH = 2_000_000


def _tone(folder, freq: float) -> str:
    t = np.arange(2 * 48000) / 48000
    x = (0.2 * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    buf = io.BytesIO()
    sf.write(buf, np.stack([x, x], axis=1), 48000, format="WAV", subtype="FLOAT")
    return add_asset(folder, buf.getvalue(), "wav")


def _project(folder, selected: int):
    """Captions over a music clip with two takes: the composer's (0) and MusicGen's (1),
    ``selected`` chosen; the asset entries carry the licences the engines record."""
    project = caption_project(cue_us=LENGTH // 2)
    track = project.add_track(TrackKind.MUSIC, "Music")
    composer, musicgen = _tone(folder, 220), _tone(folder, 330)
    project.assets[composer] = Asset(composer, "audio", LENGTH,
                                     {"licence": COMPOSER_LICENCE, "commercial_use": True},
                                     COMPOSER_LICENCE)
    project.assets[musicgen] = Asset(musicgen, "audio", LENGTH,
                                     {"licence": MUSICGEN_LICENCE, "commercial_use": False},
                                     MUSICGEN_LICENCE)
    track.clips.append(Clip(0, LENGTH, [Take(composer, Recipe("composer"), LENGTH),
                                        Take(musicgen, Recipe("musicgen"), LENGTH)],
                            selected=selected, name="pop music"))
    return project


def test_commercial_only_refuses_a_musicgen_take_and_writes_nothing(tmp_path):
    out = tmp_path / "out.mp4"
    project = _project(tmp_path, selected=1)
    assert [e.engine for e in non_commercial(project)] == ["musicgen"]
    with pytest.raises(LicenceError) as err:
        export_video(project, tmp_path, out, size=SMALL, captions="both", commercial_only=True)
    message = str(err.value)
    assert "'pop music'" in message and "musicgen" in message
    assert "--allow-non-commercial" in message and "Commercial use only" in message
    assert not out.exists() and not sidecar_path(out).exists()
    assert not out.with_suffix(".srt").exists()


def test_the_composer_take_exports_under_commercial_only(tmp_path):
    """The same clip with its composer take selected: nothing refused, and neither the metadata
    nor the sidecar mentions MusicGen (the unselected take is not in the video)."""
    out = tmp_path / "out.mp4"
    result = export_video(_project(tmp_path, selected=0), tmp_path, out, size=SMALL,
                          captions="none", commercial_only=True)
    meta = read_video_licences(out)
    assert meta["commercial_use"] is True
    assert [a["engine"] for a in meta["assets"]] == ["captions", "captions", "composer"]
    assert "MusicGen" not in json.dumps(meta)
    assert json.loads(result.licences.read_text("utf-8")) == meta


def test_metadata_and_sidecar_list_every_assets_engine_and_licence(tmp_path):
    out = tmp_path / "draft.mp4"
    project = _project(tmp_path, selected=1)
    result = export_video(project, tmp_path, out, size=SMALL, captions="burn")
    assert result.licences == tmp_path / "draft.licences.json"
    meta = read_video_licences(out)
    sidecar = json.loads(result.licences.read_text("utf-8"))
    assert sidecar == meta
    assert meta["commercial_use"] is False
    by_engine = {a["engine"]: a for a in meta["assets"]}
    assert set(by_engine) == {"captions", "musicgen"}
    music = project.tracks[1].clips[0]
    assert by_engine["musicgen"] == {"track": "Music", "clip": "pop music", "engine": "musicgen",
                                     "asset": music.take.asset, "licence": MUSICGEN_LICENCE,
                                     "commercial_use": False}
    assert "SIL OFL" in by_engine["captions"]["licence"]
    assert len(meta["assets"]) == sum(len(t.clips) for t in project.tracks)


def test_cli_render_refuses_with_exit_2_until_allowed(tmp_path, capsys):
    folder = tmp_path / "p.promodesk"
    folder.mkdir()
    save_project(_project(folder, selected=1), folder)
    out = tmp_path / "out.mp4"
    assert main(["render", str(folder), "-o", str(out), "--captions", "none"]) == 2
    err = capsys.readouterr().err
    assert "'pop music'" in err and "--allow-non-commercial" in err
    assert not out.exists()
    assert main(["render", str(folder), "-o", str(out), "--captions", "none",
                 "--allow-non-commercial"]) == 0
    assert read_video_licences(out)["assets"][-1]["engine"] == "musicgen"
    assert sidecar_path(out).is_file()
