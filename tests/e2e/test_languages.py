"""`promodesk make --languages zh,en` end to end with a tiny random Marian model: one project
holding both language versions, one MP4 + SRT per language and aspect on the same cut, each SRT
in its language (the brief's own copy for zh, the translation engine's output for en), prices
and numbers verbatim; languages no bundled font can draw, or no model can translate into, are
refused before any work."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from imageio_ffmpeg import get_ffmpeg_exe

from promodesk.core.projectfile import load_project
from promodesk.core.script import has_han
from promodesk.core.timeline import TrackKind, frame_at
from promodesk.engines.text.protect import facts_of
from promodesk.engines.text.versions import languages, track_language
from promodesk.engines.visuals.safearea import caption_area
from promodesk.render.licences import read_video_licences
from promodesk.render.subtitles import parse_srt
from tests.e2e.media import probe
from tests.engines.text.tiny_translators import WORDS, tiny_marian

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "briefs"
BRIEFS = SHARED if SHARED.is_dir() else ROOT / "resources" / "examples" / "briefs"
BRIEF = BRIEFS / "espresso-zh.toml"
SIZES = {"9x16": (270, 480), "1x1": (270, 270)}
TITLE = "晨光意式浓缩杯"


def make(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "promodesk", "make", *args],
                          capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    work = tmp_path_factory.mktemp("languages")
    model = tiny_marian(work / "opus-zh-en", "en")
    out = work / "out" / "promo.mp4"
    out.parent.mkdir()
    r = make(str(BRIEF), "-o", str(out), "--scale", "0.25", "--seconds", "8",
             "--aspect", "9:16,1:1", "--languages", "zh,en", "--translator", str(model))
    assert r.returncode == 0, r.stderr
    return out.parent, r


def _frames(path: Path, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    raw = subprocess.run([get_ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "rawvideo",
                          "-pix_fmt", "gray", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w).astype(np.float32)


def _cuts(frames: np.ndarray) -> list[int]:
    """Frames where the picture jumps: the mean change from the frame before stands out."""
    change = np.abs(np.diff(frames, axis=0)).mean(axis=(1, 2))
    floor = np.median(change) + 1.0
    return [i + 1 for i in range(len(change)) if change[i] > 4 * floor
            and change[i] >= change[max(i - 1, 0):i + 2].max()]


def test_two_videos_and_two_srts_per_aspect_and_one_project(made):
    folder, _ = made
    names = sorted(p.name for p in folder.iterdir() if p.suffix in (".mp4", ".srt"))
    assert names == sorted(f"promo-{lang}-{aspect}{suffix}" for lang in ("zh", "en")
                           for aspect in SIZES for suffix in (".mp4", ".srt"))
    projects = [p for p in folder.iterdir() if p.suffix == ".promodesk"]
    assert len(projects) == 1
    project = load_project(projects[0])
    assert languages(project) == ["zh", "en"]
    shown = {track_language(t): t.mute for t in project.tracks_of(TrackKind.CAPTIONS)}
    assert shown == {"zh": False, "en": True}  # the first language is the one shown
    for aspect, size in SIZES.items():
        for lang in ("zh", "en"):
            info = probe(folder / f"promo-{lang}-{aspect}.mp4")
            assert (info.width, info.height) == size and info.has_audio


def test_the_language_versions_share_the_cut_within_a_frame(made):
    folder, _ = made
    project = load_project(next(p for p in folder.iterdir() if p.suffix == ".promodesk"))
    shots = project.tracks_of(TrackKind.VIDEO)[0].clips
    bounds = [frame_at(c.start, project.fps) for c in shots[1:]]
    for aspect, size in SIZES.items():
        top = caption_area(size)[1]  # above the captions, the versions show the same shots
        zh = _frames(folder / f"promo-zh-{aspect}.mp4", size)[:, :top]
        en = _frames(folder / f"promo-en-{aspect}.mp4", size)[:, :top]
        assert zh.shape == en.shape
        # the shot boundaries each video visibly cuts on (within a frame); a panel's text
        # popping in may show as a jump too, at its own time in each language
        seen = [{b for b in bounds if any(abs(c - b) <= 1 for c in _cuts(frames))}
                for frames in (zh, en)]
        assert seen[0] and seen[0] == seen[1], (bounds, seen)
        # the same shots and cut; the panels' texts are each version's own (translated)
        assert float(np.abs(zh - en).mean(axis=(1, 2)).max()) > 2.0


def test_each_srt_is_in_its_language_from_its_source(made):
    folder, _ = made
    project = load_project(next(p for p in folder.iterdir() if p.suffix == ".promodesk"))
    tracks = {track_language(t): t for t in project.tracks_of(TrackKind.CAPTIONS)}
    for aspect in SIZES:
        zh = parse_srt((folder / f"promo-zh-{aspect}.srt").read_text("utf-8"))
        en = parse_srt((folder / f"promo-en-{aspect}.srt").read_text("utf-8"))
        # the brief's own language: its copy as planned, untranslated
        assert [c.text for c in zh] == [c.cue.text for c in tracks["zh"].clips]
        assert all(has_han(c.text) for c in zh)
        # the other: the translation engine's lines, timed as the zh ones
        assert [c.text for c in en] == [c.cue.text for c in tracks["en"].clips]
        assert [(c.start, c.end) for c in en] == [(c.start, c.end) for c in zh]
        for source, line in zip(zh, en):
            assert sorted(re.findall(r"\d+", line.text)) == sorted(re.findall(r"\d+", source.text))
            written = line.text
            for fact in facts_of(source.text, [TITLE]):
                written = written.replace(fact, " ", 1)
            assert written.split() and set(written.split()) <= set(WORDS["en"]), line.text
            assert not has_han(written)


def test_each_export_names_the_translation_model_in_its_licences(made):
    folder, _ = made
    en = read_video_licences(folder / "promo-en-9x16.mp4")
    zh = json.loads((folder / "promo-zh-9x16.licences.json").read_text("utf-8"))
    captions_en = [a for a in en["assets"] if a["engine"] == "captions"]
    assert captions_en and all("translated by" in a["licence"] and "OPUS-MT" in a["licence"]
                               for a in captions_en)
    assert not any("translated by" in a["licence"] for a in zh["assets"])
    assert en["commercial_use"] and zh["commercial_use"]


def test_a_language_no_font_can_draw_is_refused_before_work(tmp_path):
    out = tmp_path / "promo.mp4"
    r = make(str(BRIEF), "-o", str(out), "--languages", "zh,th")
    assert r.returncode == 2, r.stderr
    assert "Thai" in r.stderr and "font" in r.stderr and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_language_without_a_model_says_what_to_download(tmp_path):
    import os

    env = {**os.environ, "PROMODESK_MODELS": str(tmp_path / "models"),
           "HF_HUB_CACHE": str(tmp_path / "hub")}
    out = tmp_path / "out" / "promo.mp4"
    out.parent.mkdir()
    r = make(str(BRIEF), "-o", str(out), "--languages", "zh,en", env=env)
    assert r.returncode == 2, r.stderr
    assert "promodesk models download opus-mt-zh-en" in r.stderr
    assert list(out.parent.iterdir()) == []


def test_with_a_voice_each_language_is_spoken_on_its_own_track(tmp_path):
    """An English brief, versions en and zh (tiny Qwen3 writing hanzi) read by a tiny Bark: a
    voice and a caption track per language, each caption timed to its own speech, the shots
    shared; the zh version mixes only the zh voice."""
    from promodesk.core.brief import Brief
    from promodesk.engines.assemble import make_project
    from promodesk.engines.text.versions import language_version
    from promodesk.render.mix import mix_project
    from tests.engines.text.tiny_translators import tiny_qwen3
    from tests.engines.tiny_models import tiny_bark

    brief = Brief(text="Build it. Launch it for $19.", title="Rocket",
                  images=[ROOT / "resources/examples/products/launch.jpg"], seconds=16,
                  aspect="16:9", language="en")
    made = make_project(brief, tmp_path / "v.promodesk", seed=2, voice=tiny_bark(tmp_path / "b"),
                        languages=["en", "zh"], translator=tiny_qwen3(tmp_path / "q", "zh"))
    project = load_project(made.folder)
    assert languages(project) == ["en", "zh"]
    by_lang: dict = {}
    for track in project.tracks_of(TrackKind.VOICE) + project.tracks_of(TrackKind.CAPTIONS):
        by_lang.setdefault(track_language(track), {})[track.kind] = track
    assert set(by_lang) == {"en", "zh"}
    for lang, tracks in by_lang.items():
        voice, captions = tracks[TrackKind.VOICE].clips, tracks[TrackKind.CAPTIONS].clips
        assert len(voice) == len(captions) >= 1
        assert [(v.start, v.duration) for v in voice] == [(c.start, c.duration) for c in captions]
        assert all(v.recipe.params["language"] == lang for v in voice)
        assert all(t.mute == (lang != "en") for t in tracks.values())
    zh_lines = [c.cue.text for c in by_lang["zh"][TrackKind.CAPTIONS].clips]
    assert any("19" in line for line in zh_lines) and all(has_han(line) for line in zh_lines)
    # the zh version: its voice heard, the en one not
    zh = language_version(project, "zh")
    with_zh, sr = mix_project(zh, made.folder, normalize=False)
    by_lang["en"][TrackKind.VOICE].mute = True
    by_lang["zh"][TrackKind.VOICE].mute = True
    silent = language_version(project, "zh")
    for track in silent.tracks_of(TrackKind.VOICE):
        track.mute = True
    without, _ = mix_project(silent, made.folder, normalize=False)
    first = by_lang["zh"][TrackKind.VOICE].clips[0]
    a, b = first.start * sr // 1_000_000, first.end * sr // 1_000_000
    assert np.abs(with_zh[a:b] - without[a:b]).max() > 1e-4  # the zh voice is in its mix
    en_first = by_lang["en"][TrackKind.VOICE].clips[0]
    zh_only = [c for c in by_lang["zh"][TrackKind.VOICE].clips]
    spans = [(c.start, c.end) for c in zh_only]
    outside = [t for t in range(en_first.start, en_first.end, 10_000)
               if not any(s <= t < e for s, e in spans)]
    if outside:  # where only the en voice speaks, the zh version is the music alone
        t = outside[len(outside) // 2] * sr // 1_000_000
        assert np.abs(with_zh[t:t + 480] - without[t:t + 480]).max() < 1e-6


def test_audience_versions_keep_the_briefs_facts_in_every_line(tmp_path):
    """`make --audiences "students,office workers"` with a tiny Qwen3: one MP4 + SRT and one
    project per audience, every caption line holding exactly the facts (prices, numbers,
    product name) of the line it was rewritten from, the call to action rewritten too."""
    brief_path = BRIEFS / "launch-en.toml"
    from promodesk.core.brief import load_brief

    brief = load_brief(brief_path)
    model = tiny_qwen3_en(tmp_path / "qwen")
    out = tmp_path / "out" / "ad.mp4"
    out.parent.mkdir()
    r = make(str(brief_path), "-o", str(out), "--scale", "0.25", "--seconds", "8",
             "--audiences", "students,office workers", "--rewriter", str(model))
    assert r.returncode == 0, r.stderr
    names = sorted(p.name for p in out.parent.iterdir())
    assert names == sorted(["ad-students.mp4", "ad-students.srt", "ad-students.vtt",
                            "ad-students.licences.json", "ad-students.promodesk",
                            "ad-office-workers.mp4", "ad-office-workers.srt",
                            "ad-office-workers.vtt", "ad-office-workers.licences.json",
                            "ad-office-workers.promodesk"])
    plain = _planned_lines(brief)
    for audience in ("students", "office-workers"):
        cues = parse_srt((out.parent / f"ad-{audience}.srt").read_text("utf-8"))
        assert len(cues) == len(plain)
        for source, cue in zip(plain, cues):
            assert sorted(facts_of(cue.text, [brief.title])) == \
                sorted(facts_of(source, [brief.title])), (source, cue.text)
            assert sorted(re.findall(r"\d+", cue.text)) == sorted(re.findall(r"\d+", source))
            assert cue.text != source  # rewritten by the model, not the plain copy
        project = load_project(out.parent / f"ad-{audience}.promodesk")
        assert project.brief["cta"] != brief.cta
        ctas = {c.recipe.params.get("cta") for c in project.tracks_of(TrackKind.VIDEO)[0].clips}
        assert project.brief["cta"] in ctas and brief.cta not in ctas


def _planned_lines(brief) -> list[str]:
    from promodesk.core.plan import music_spec, plan_video

    brief.seconds = 8
    return [c.text for c in plan_video(brief, music_spec(brief, 0, 0), seed=0).captions]


def tiny_qwen3_en(folder):
    from tests.engines.text.tiny_translators import tiny_qwen3

    return tiny_qwen3(folder, "en")


def test_a_brief_lists_its_audiences(tmp_path):
    """`audiences = [...]` in a brief, and `make --audiences` alone makes one version each;
    without any audience the option is refused before any work."""
    from promodesk.core.brief import brief_from_dict

    brief, problems = brief_from_dict({"text": "Build it.", "audiences": ["students", 7]})
    assert brief.audiences == ["students"] and problems[0].field == "audiences"
    text = (BRIEFS / "launch-en.toml").read_text("utf-8")
    images = str((BRIEFS / ".." / "products" / "launch.jpg").resolve())
    listed = tmp_path / "brief.toml"
    listed.write_text(text.replace('images = ["../products/launch.jpg"]',
                                   f'images = ["{images}"]\naudiences = ["students"]'), "utf-8")
    model = tiny_qwen3_en(tmp_path / "qwen")
    out = tmp_path / "out" / "ad.mp4"
    out.parent.mkdir()
    r = make(str(listed), "-o", str(out), "--scale", "0.25", "--seconds", "6", "--audiences",
             "--rewriter", str(model), "--captions", "soft")
    assert r.returncode == 0, r.stderr
    assert (out.parent / "ad-students.mp4").is_file()
    assert not (out.parent / "ad.mp4").exists()
    bare = tmp_path / "bare.toml"
    bare.write_text(text.replace('images = ["../products/launch.jpg"]', f'images = ["{images}"]'),
                    "utf-8")
    r = make(str(bare), "-o", str(tmp_path / "x.mp4"), "--audiences")
    assert r.returncode == 2 and "--audiences" in r.stderr and not (tmp_path / "x.mp4").exists()
