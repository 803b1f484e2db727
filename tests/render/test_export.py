"""export_video on real files: streams, size, rate and duration as ffmpeg reads them, frames that
match render_frame, subtitle files, cancel and failure leave nothing behind, CLI."""

from __future__ import annotations

import numpy as np
import pytest

from promodesk.cli import main
from promodesk.core.projectfile import save_project
from promodesk.core.timeline import frame_start
from promodesk.engines.base import Cancelled, CancelToken
from promodesk.render.export import ExportError, export_video, working_hardware_encoders
from promodesk.render.frame import FrameRenderer
from promodesk.render.subtitles import cues_from_project, parse_srt, parse_vtt

from tests.render.media import caption_project, decode, probe, psnr, shot_project

SMALL = (270, 480)


def test_mp4_has_the_expected_streams_size_rate_and_duration(tmp_path):
    project = caption_project()
    out = tmp_path / "captions.mp4"
    result = export_video(project, tmp_path, out, size=SMALL, captions="both")
    info = probe(out)
    assert (info["vcodec"], info["pix_fmt"], info["size"], info["fps"]) == ("h264", "yuv420p", SMALL, 30)
    assert (info["acodec"], info["rate"]) == ("aac", 48000)
    assert "yuv420p(tv, smpte170m/bt709/bt709" in info["text"]  # colours tagged as converted
    assert info["scodec"] == "mov_text"
    assert abs(info["duration"] - 2.0) <= 1 / 30
    frames = decode(out, SMALL)
    assert abs(len(frames) - 60) <= 1 and result.frames == 60
    assert result.path == out and result.encoder in (*working_hardware_encoders(), "libx264")
    assert [p.suffix for p in result.subtitles] == [".srt", ".vtt"]
    cues = cues_from_project(project)
    assert parse_srt(out.with_suffix(".srt").read_text("utf-8")) == cues
    assert parse_vtt(out.with_suffix(".vtt").read_text("utf-8")) == cues
    assert sorted(p.name for p in tmp_path.iterdir()) == ["captions.mp4", "captions.srt", "captions.vtt"]


def test_soft_only_has_no_burned_captions_and_none_has_no_subtitles(tmp_path):
    project = caption_project()
    soft = export_video(project, tmp_path, tmp_path / "soft.mp4", size=SMALL, captions="soft")
    assert probe(soft.path)["scodec"] == "mov_text"
    assert decode(soft.path, SMALL).max() < 40  # a black picture: the text is only in the track
    plain = export_video(project, tmp_path, tmp_path / "none.mp4", size=SMALL, captions="none")
    assert probe(plain.path)["scodec"] is None and plain.subtitles == []
    assert not (tmp_path / "none.srt").exists()


# small frames, but not so small that the rocket tower's lattice is finer than H.264 keeps
@pytest.mark.parametrize("aspect,size", [("9:16", (360, 640)), ("16:9", (960, 540))])
def test_decoded_frames_match_render_frame(tmp_path, aspect, size):
    project = shot_project(tmp_path, "9:16")  # a 9:16 project, also exported at 16:9
    out = tmp_path / "shots.mp4"
    export_video(project, tmp_path, out, size=size, captions="burn")
    frames = decode(out, size)
    renderer = FrameRenderer(project, tmp_path, size)
    for index in (5, 29, 31, 50):  # inside shot 1, the crossfade, shot 2
        expected = renderer.frame(frame_start(index, project.fps))
        assert psnr(frames[index], expected) >= 35, index


def test_cancelling_leaves_no_file(tmp_path):
    project = caption_project(cue_us=2_000_000)
    cancel = CancelToken()

    def progress(fraction, message):
        if message.startswith("frame") and fraction > 0.2:
            cancel.cancel()

    with pytest.raises(Cancelled):
        export_video(project, tmp_path, tmp_path / "c.mp4", size=SMALL, progress=progress,
                     cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_a_failing_encoder_hands_over_to_libx264(tmp_path):
    if "h264_nvenc" in working_hardware_encoders():
        pytest.skip("NVENC works on this machine")
    result = export_video(caption_project(), tmp_path, tmp_path / "n.mp4", size=SMALL,
                          encoder="h264_nvenc")
    assert result.encoder == "libx264" and probe(result.path)["vcodec"] == "h264"


def test_bad_requests_get_clear_errors(tmp_path):
    with pytest.raises(ExportError, match="empty"):
        export_video(caption_project(cues=()), tmp_path, tmp_path / "e.mp4")
    with pytest.raises(ExportError, match="even"):
        export_video(caption_project(), tmp_path, tmp_path / "e.mp4", size=(271, 480))
    with pytest.raises(ExportError, match="does not exist"):
        export_video(caption_project(), tmp_path, tmp_path / "nowhere" / "e.mp4", size=SMALL)
    assert list(tmp_path.iterdir()) == []


def test_cli_renders_several_aspects(tmp_path, capsys):
    folder = tmp_path / "p.promodesk"
    project = caption_project(cue_us=300_000)
    project.width, project.height = SMALL
    save_project(project, folder)
    out = tmp_path / "out.mp4"
    assert main(["render", str(folder), "-o", str(out), "--aspect", "9:16,1:1",
                 "--captions", "both"]) == 0
    assert probe(tmp_path / "out-9x16.mp4")["size"] == (1080, 1920)
    assert probe(tmp_path / "out-1x1.mp4")["size"] == (1080, 1080)
    assert (tmp_path / "out-1x1.srt").is_file() and (tmp_path / "out-9x16.vtt").is_file()
    assert main(["render", str(tmp_path / "missing"), "-o", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err
