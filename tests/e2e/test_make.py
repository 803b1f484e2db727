"""`promodesk make` end to end: brief in, MP4 + SRT + project out, checked with real decoders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from promodesk.core.beats import BeatGrid
from promodesk.core.brief import load_brief
from promodesk.core.musicspec import MusicSpec
from promodesk.core.projectfile import load_project
from promodesk.core.timeline import TrackKind, frame_at, frame_start
from promodesk.render.subtitles import parse_srt
from tests.e2e.media import decode_audio, probe

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "briefs"
BRIEFS = SHARED if SHARED.is_dir() else ROOT / "resources" / "examples" / "briefs"
SCALE = 0.25  # 270x480 / 480x270: the same pipeline, small frames


def letters(s: str) -> str:
    return re.sub(r"[\W_]+", "", s)


def make(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "promodesk", "make", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="module", params=["espresso-zh.toml", "launch-en.toml"])
def made(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("make") / "promo.mp4"
    brief_path = BRIEFS / request.param
    r = make(str(brief_path), "-o", str(out), "--scale", str(SCALE), "--seed", "4")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "Wrote:" in r.stdout
    return load_brief(brief_path), out, r


def test_video_has_the_requested_length_size_and_streams(made):
    brief, out, _ = made
    info = probe(out)
    w, h = {"9:16": (270, 480), "16:9": (480, 270), "1:1": (270, 270)}[brief.aspect]
    assert (info.width, info.height) == (w, h)
    assert info.fps == 30 and info.has_audio and info.audio_rate == 48000
    assert abs(info.frames - round(brief.seconds * 30)) <= 1


def test_every_sentence_is_captioned_in_order_within_the_video(made):
    brief, out, _ = made
    cues = parse_srt(out.with_suffix(".srt").read_text("utf-8"))
    assert letters("".join(c.text for c in cues)) == letters(brief.text)
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:]))
    assert cues[-1].end <= brief.seconds * 1_000_000


def test_cuts_fall_on_beats(made):
    _, out, _ = made
    folder = out.with_suffix(".promodesk")
    project = load_project(folder)
    music = project.tracks_of(TrackKind.MUSIC)[0].clips[0]
    beats = project.assets[music.asset].meta["beats_us"]
    frame = frame_start(1, project.fps)
    cuts = [c.start for c in project.tracks_of(TrackKind.VIDEO)[0].clips[1:]]
    assert cuts
    # the cut as the video shows it: the first frame of the new shot
    shown = [frame_start(frame_at(c - 1, project.fps) + 1, project.fps) for c in cuts]
    on_beat = [min(abs(s - b) for b in beats) <= frame for s in shown]
    assert sum(on_beat) >= 0.9 * len(cuts)
    # planned on the spec's grid before the music existed, and the music carries that grid
    grid = BeatGrid.from_spec(MusicSpec.from_dict(music.recipe.params))
    assert BeatGrid.from_meta(project.assets[music.asset].meta) == grid
    assert all(c in grid.beats for c in cuts)
    assert sum(c in grid.downbeats for c in cuts) >= 0.6 * len(cuts)


def test_loudness_on_target(made):
    import pyloudnorm

    _, out, _ = made
    audio, sr = decode_audio(out)
    lufs = pyloudnorm.Meter(sr).integrated_loudness(audio)
    assert abs(lufs + 14) <= 1.0
    assert float(np.max(np.abs(audio))) <= 10 ** (-1 / 20) + 0.01


def test_saved_project_reloads_and_renders_the_same_frames(made):
    from promodesk.render.frame import render_frame

    brief, out, _ = made
    folder = out.with_suffix(".promodesk")
    project = load_project(folder)
    again = load_project(folder)
    assert again == project
    size = (270, 480) if brief.aspect == "9:16" else (480, 270)
    for t in (0, project.duration // 3, project.duration - 100_000):
        a = render_frame(project, t, size, folder)
        b = render_frame(again, t, size, folder)
        assert a.shape == (size[1], size[0], 3) and np.array_equal(a, b)
        assert a.std() > 5  # a real picture, not a blank frame


def test_several_aspects_and_variants(tmp_path):
    out = tmp_path / "ad.mp4"
    r = make(str(BRIEFS / "espresso-zh.toml"), "-o", str(out), "--aspect", "9:16,1:1",
             "--variants", "2", "--seconds", "6", "--scale", "0.2", "--captions", "both")
    assert r.returncode == 0, r.stderr
    for v in (1, 2):
        for a, size in (("9x16", (216, 384)), ("1x1", (216, 216))):
            video = tmp_path / f"ad-v{v}-{a}.mp4"
            info = probe(video)
            assert (info.width, info.height) == size and info.has_subtitles
            assert abs(info.frames - 180) <= 1
            assert video.with_suffix(".srt").is_file()
        assert (tmp_path / f"ad-v{v}-9x16.promodesk" / "project.json").is_file()
    p1 = load_project(tmp_path / "ad-v1-9x16.promodesk")
    p2 = load_project(tmp_path / "ad-v2-9x16.promodesk")
    assert p1.tracks_of(TrackKind.MUSIC)[0].clips[0].asset != p2.tracks_of(TrackKind.MUSIC)[0].clips[0].asset


def test_from_flags(tmp_path):
    img = ROOT / "resources" / "examples" / "products" / "launch.jpg"
    out = tmp_path / "flags.mp4"
    r = make("--text", "Build it. Launch it. Only $49!", "--image", str(img), "--cta", "Order now",
             "--seconds", "5", "-o", str(out), "--scale", "0.2", "--aspect", "16:9")
    assert r.returncode == 0, r.stderr
    assert abs(probe(out).frames - 150) <= 1


@pytest.mark.parametrize("text,problem", [
    ("", "copy is empty"),
    ("   \n  ", "copy is empty"),
])
def test_empty_copy_is_a_clear_message(tmp_path, text, problem):
    brief = tmp_path / "b.toml"
    brief.write_text(f'text = """{text}"""\n')
    r = make(str(brief), "-o", str(tmp_path / "x.mp4"))
    assert r.returncode == 2 and problem in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "x.mp4").exists()


def test_missing_and_corrupt_photos_are_clear_messages(tmp_path):
    (tmp_path / "bad.jpg").write_bytes(b"\xff\xd8\xff\xe0garbage")
    brief = tmp_path / "b.toml"
    brief.write_text('text = "A cup."\nimages = ["gone.png", "bad.jpg"]\n')
    r = make(str(brief), "-o", str(tmp_path / "x.mp4"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "gone.png" in r.stderr and "bad.jpg" in r.stderr
    assert not list(tmp_path.glob("*.mp4"))


@pytest.mark.parametrize("text", [
    "超好用的杯子☕️🔥 每天都想用！👍🏽 立即抢购",
    "全新上市 SkyForge 火箭套装, build it and launch it! 仅需99元。",
    "这款杯子的特点非常多，值得一一介绍。" * 280,  # ~5000 characters
])
def test_odd_copy_gives_a_sensible_video(tmp_path, text):
    img = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"
    out = tmp_path / "odd.mp4"
    r = make("--text", text, "--image", str(img), "--seconds", "6", "-o", str(out),
             "--scale", "0.15", "--aspect", "9:16")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert abs(probe(out).frames - 180) <= 1
    cues = parse_srt(out.with_suffix(".srt").read_text("utf-8"))
    assert cues and cues[-1].end <= 6_000_000


def test_an_existing_project_is_kept_unless_overwrite(made, tmp_path):
    """Issue 11: a second make onto the same output refuses (exit 2) and changes nothing; with
    --overwrite it replaces the project in place (old or new, never half) and leaves no temp."""
    brief, out, _ = made
    folder = out.with_suffix(".promodesk")
    before = {p: p.read_bytes() for p in [out, *folder.rglob("*")] if p.is_file()}
    r = make(str(brief.source), "-o", str(out), "--scale", str(SCALE))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert str(folder) in r.stderr and "--overwrite" in r.stderr
    assert {p: p.read_bytes() for p in before} == before
    r = make(str(brief.source), "-o", str(out), "--scale", "0.1", "--seconds", "5", "--seed", "9",
             "--overwrite")
    assert r.returncode == 0, r.stderr
    assert load_project(folder).duration <= 5_100_000
    assert not [p for p in out.parent.rglob(".*") if ".pd" in p.name]
