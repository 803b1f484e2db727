"""`promodesk make --media CLIP --logo PNG`: the shop's clip cut in on the bars at its most active
stretch, the logo over the whole video, found in the project and in the decoded MP4."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from promodesk.core.beats import BeatGrid
from promodesk.core.projectfile import load_project
from promodesk.core.timeline import TrackKind
from promodesk.render.export import ffmpeg_exe
from promodesk.render.overlay import overlay_params, place
from tests.render.clips import make_logo
from tests.render.media import decode

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"


def still_then_moving(path: Path, seconds: float = 4.0) -> Path:
    """A clip that holds a flat grey picture for ``seconds``, then moves (testsrc2) as long."""
    src = f"size=320x240:rate=25:duration={seconds}"
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"color=c=gray:{src}", "-f", "lavfi", "-i", f"testsrc2={src}",
                    "-filter_complex", "[0][1]concat=n=2:v=1:a=0", "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def test_make_cuts_the_clips_active_stretch_on_bars_and_puts_the_logo_on_top(tmp_path):
    clip = still_then_moving(tmp_path / "unboxing.mp4")
    logo = make_logo(tmp_path / "logo.png", (200, 120), (230, 20, 20), feather=1)
    out = tmp_path / "promo.mp4"
    r = subprocess.run([sys.executable, "-m", "promodesk", "make", "--text",
                        "A cup for slow mornings. Thick porcelain keeps it hot. Order today.",
                        "--image", str(PHOTO), "--media", str(clip), "--logo", str(logo),
                        "--seconds", "12", "--scale", "0.25", "-o", str(out), "--seed", "2"],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    folder = next(tmp_path.glob("*.promodesk"))
    project = load_project(folder)
    main = project.tracks_of(TrackKind.VIDEO)[0]
    footage = [c for c in main.clips if c.recipe.engine == "footage"]
    assert footage, [c.name for c in main.clips]
    music = project.tracks_of(TrackKind.MUSIC)[0].clips[0]
    grid = BeatGrid.from_meta(project.assets[music.asset].meta)
    for c in footage:
        assert c.start in grid.downbeats or c.start in grid.beats  # cut on the music
        # the moving half of the clip, not the still grey half
        assert c.in_point >= 3_000_000, c.in_point
        assert c.in_point + c.duration <= project.assets[c.asset].duration
    badge = project.tracks_of(TrackKind.VIDEO)[1].clips[0]
    assert badge.recipe.params["overlay"] and badge.end == main.clips[-1].end
    # in the MP4: the logo where its overlay settings put it, on every sampled frame
    size = (270, 480)
    sprite = np.asarray(Image.open(logo).convert("RGBA"))
    placed = place(sprite, overlay_params(badge.recipe.params), size)
    x0, y0, x1, y1 = placed.box
    assert x0 > size[0] * 0.6 and y1 < size[1] * 0.2  # the top right corner
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    frames = decode(out, size)
    for j in (5, len(frames) // 2, len(frames) - 5):
        block = frames[j, cy - 2:cy + 3, cx - 4:cx + 5].reshape(-1, 3).astype(int)
        assert (block[:, 0] > 170).all() and (block[:, 1:] < 90).all(), (j, block.mean(axis=0))
    # and the clip's own frames where it was cut in (above the captions, beside the logo)
    from promodesk.core.timeline import frame_at
    from promodesk.engines.visuals.footage import fit_frame
    from promodesk.engines.visuals.video import VideoDecoder
    from tests.render.clips import psnr

    shot = footage[0]
    t = shot.start + shot.duration // 2
    j = frame_at(t, project.fps)
    want = fit_frame(VideoDecoder(clip).frame(shot.in_point + (t - shot.start)), size)
    region = (slice(y1 + 4, size[1] // 2), slice(0, size[0]))
    assert psnr(frames[j][region], want[region]) >= 28
    assert psnr(frames[j][region], fit_frame(VideoDecoder(clip).frame(1_000_000), size)[region]) < 20


def test_a_brief_names_its_clips_and_logo_relative_to_itself(tmp_path):
    from promodesk.core.brief import read_brief, validate_brief

    (tmp_path / "clips").mkdir()
    still_then_moving(tmp_path / "clips" / "a.mp4", 1.0)
    make_logo(tmp_path / "logo.png")
    brief_file = tmp_path / "brief.toml"
    brief_file.write_text('text = "A cup."\nmedia = ["clips/a.mp4"]\nlogo = "logo.png"\n',
                          encoding="utf-8")
    brief, problems = read_brief(brief_file)
    assert not problems and not validate_brief(brief)
    assert brief.media == [tmp_path / "clips" / "a.mp4"] and brief.logo == tmp_path / "logo.png"
    assert brief.to_dict()["logo"] == str(tmp_path / "logo.png")
    (tmp_path / "logo.png").write_bytes(b"not a picture")
    brief.media.append(tmp_path / "gone.mp4")
    found = {p.field: str(p) for p in validate_brief(brief)}
    assert "gone.mp4" in found["media"] and "logo" in found


def _clip_with_tone(path: Path, hz: int, seconds: float = 8.0) -> Path:
    src = f"size=320x240:rate=25:duration={seconds}"
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"testsrc2={src}",
                    "-f", "lavfi", "-i", f"sine=frequency={hz}:sample_rate=48000:duration={seconds}",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)],
                   check=True)
    return path


def _tone_level(audio: np.ndarray, sr: int, hz: int) -> float:
    """Level in dB of the ``hz`` component of mono ``audio`` (Hann-windowed FFT peak)."""
    spectrum = np.abs(np.fft.rfft(audio * np.hanning(len(audio))))
    k = int(round(hz * len(audio) / sr))
    return 20 * np.log10(spectrum[k - 2:k + 3].max() / len(audio) + 1e-12)


def test_a_clips_own_sound_plays_linked_to_it_as_the_brief_says(tmp_path):
    from tests.e2e.media import decode_audio

    clip = _clip_with_tone(tmp_path / "talk.mp4", 1500)
    levels = {}
    for how in ("speech", "under", "mute"):
        out = tmp_path / how / "promo.mp4"
        r = subprocess.run([sys.executable, "-m", "promodesk", "make", "--text",
                            "A cup for slow mornings. Thick porcelain keeps it hot. Order today.",
                            "--image", str(PHOTO), "--media", str(clip), "--media-sound", how,
                            "--seconds", "10", "--scale", "0.25", "-o", str(out), "--seed", "2",
                            "--visuals", "motion"],
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr
        project = load_project(next((tmp_path / how).glob("*.promodesk")))
        shots = {c.id: c for c in project.tracks_of(TrackKind.VIDEO)[0].clips
                 if c.recipe.engine == "footage"}
        sounds = [c for t in project.tracks_of(TrackKind.AUDIO) for c in t.clips]
        if how == "mute":
            assert shots and not sounds
        else:  # one sound per cut-in, in step with its picture
            assert sorted(c.recipe.params["sound_of"] for c in sounds) == sorted(shots)
            for s in sounds:
                shot = shots[s.recipe.params["sound_of"]]
                assert (s.start, s.in_point, s.duration) == (shot.start, shot.in_point, shot.duration)
                assert (s.gain_db, s.duck_music) == ((0.0, True) if how == "speech" else (-12.0, False))
        audio, sr = decode_audio(out)
        mono = audio.mean(axis=1) if audio.ndim == 2 else audio
        shot = min(shots.values(), key=lambda c: c.start)
        a, b = int((shot.start / 1e6 + 0.1) * sr), int((shot.end / 1e6 - 0.1) * sr)
        levels[how] = _tone_level(mono[a:b], sr, 1500)
    # the tone is heard at full level as speech, lower under the music, not at all when muted
    assert levels["speech"] > levels["under"] + 6 > levels["mute"] + 12, levels
