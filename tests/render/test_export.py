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

from tests.render.media import caption_project, decode, probe, psnr, shot_project, tone_asset

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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["captions.licences.json", "captions.mp4",
                                                        "captions.srt", "captions.vtt"]


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



def _audio_of(path) -> np.ndarray:
    """The MP4's audio track as float32 (n, 2) at 48 kHz, decoded by ffmpeg."""
    import subprocess

    from promodesk.render.export import ffmpeg_exe

    raw = subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-i", str(path), "-f", "f32le",
                          "-ac", "2", "-ar", "48000", "pipe:"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.float32).reshape(-1, 2)


def _band_db(x: np.ndarray, freq: float) -> float:
    """Level in dB of the ``freq`` Hz component of mono ``x`` (48 kHz), Hann windowed."""
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / 48000)
    near = np.abs(freqs - freq) < 8
    return 20 * np.log10(np.sqrt(np.sum(spectrum[near] ** 2)))


def _music_voice_project(folder, music_gain_db: float):
    """Captions 0-2.5 s, music (220 Hz) 0-3 s running past them, voice (1 kHz) 1.6-2.5 s."""
    from promodesk.core.timeline import Clip, Recipe, Take, TrackKind

    project = caption_project(cue_us=1_250_000)
    music = project.add_track(TrackKind.MUSIC)
    music.gain_db = music_gain_db
    m = tone_asset(folder, 3.0, 220)
    music.clips.append(Clip(0, 3_000_000, [Take(m, Recipe("composer"), 3_000_000)]))
    voice = project.add_track(TrackKind.VOICE)
    v = tone_asset(folder, 0.9, 1000)
    voice.clips.append(Clip(1_600_000, 900_000, [Take(v, Recipe("voice"), 900_000)]))
    return project


def test_track_gain_is_heard_in_the_export(tmp_path):
    """Music at -6 dB comes out 6 +-0.5 dB lower against the voice (left at 0 dB) than music at
    0 dB, though both exports are normalised to -14 LUFS."""
    levels = []
    for gain in (0.0, -6.0):
        out = tmp_path / f"gain{int(gain)}.mp4"
        export_video(_music_voice_project(tmp_path, gain), tmp_path, out, size=SMALL,
                     captions="none")
        audio = _audio_of(out)[:, 0]
        music = _band_db(audio[int(0.3 * 48000):int(1.3 * 48000)], 220)
        voice = _band_db(audio[int(1.8 * 48000):int(2.3 * 48000)], 1000)
        levels.append(music - voice)
    assert abs(levels[1] - levels[0] + 6.0) <= 0.5, levels


def test_export_ends_on_the_last_clips_last_frame(tmp_path):
    """The music runs 0.5 s past the last caption; the video ends with the caption, its last
    frame the caption's last frame (not black), and the music fades out there."""
    project = _music_voice_project(tmp_path, 0.0)
    out = tmp_path / "end.mp4"
    result = export_video(project, tmp_path, out, size=SMALL, captions="burn")
    frames = decode(out, SMALL)
    assert result.frames == len(frames) == 75  # 2.5 s at 30 fps, not the music's 3 s
    assert abs(probe(out)["duration"] - 2.5) <= 0.05
    last = FrameRenderer(project, tmp_path, SMALL).frame(frame_start(74, project.fps))
    assert last.max() > 100 and psnr(frames[-1], last) >= 35  # the caption, as rendered
    audio = _audio_of(out)
    assert np.max(np.abs(audio[-500:])) < 0.02 < np.max(np.abs(audio[48000:96000]))


def test_an_in_out_range_exports_only_that_range(tmp_path):
    project = caption_project(cue_us=1_000_000)
    out = tmp_path / "range.mp4"
    result = export_video(project, tmp_path, out, size=SMALL, captions="both",
                          span=(1_000_000, 1_500_000))
    frames = decode(out, SMALL)
    assert result.frames == len(frames) == 15
    second = FrameRenderer(project, tmp_path, SMALL).frame(1_000_000)
    assert psnr(frames[0], second) >= 35  # starts on the second caption
    assert parse_srt(out.with_suffix(".srt").read_text("utf-8"))[0].start == 0
    with pytest.raises(ExportError, match="in/out"):
        export_video(project, tmp_path, tmp_path / "empty.mp4", size=SMALL, span=(1_500_000, 1_000_000))
