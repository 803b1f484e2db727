"""MusicGen engine on a tiny random-weight MusicGen saved to a temp folder and loaded through the
engine's own loading code: length, sample rate, progress, cancel, windows, bar regeneration,
missing model, pickle refusal, no network."""

from __future__ import annotations


import numpy as np
import pytest

pytest.importorskip("transformers")

from promodesk.engines.base import Cancelled, EngineUnavailable  # noqa: E402
from promodesk.engines.music.musicgen import MusicGenEngine, join_window, music_prompt  # noqa: E402
from promodesk.core.musicspec import spec_from_text  # noqa: E402
from tests.engines.harness import CancelOnceStarted, refuse_network  # noqa: E402
from tests.engines.tiny_models import pickle_only, tiny_musicgen  # noqa: E402

SR = 48000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_musicgen(tmp_path_factory.mktemp("musicgen"))


def engine(folder, **kw):
    # Short windows so that a 3 s piece needs several windows, as a 2-minute one would.
    kw = {"window_s": 1.6, "context_s": 0.6, "crossfade_s": 0.2, **kw}
    return MusicGenEngine(model=folder, **kw)


def test_prompt_from_the_spec():
    spec = spec_from_text("温润手感 warm cozy morning coffee", 20, seed=1)
    text = music_prompt(spec)
    assert spec.style.replace("_", " ") in text and f"{spec.bpm:.0f} bpm" in text
    assert f"in {spec.key} {spec.mode}" in text and "drums" in text


def test_generate_length_rate_progress_and_licence(tiny):
    spec = spec_from_text("upbeat sale", 3.0, bpm=120, seed=4)
    seen = []
    result = engine(tiny).generate(spec, progress=lambda f, m: seen.append(f))
    assert result.sample_rate == SR
    assert result.audio.dtype == np.float32 and result.audio.shape == (3 * SR, 2)
    assert np.isfinite(result.audio).all() and np.abs(result.audio).max() > 1e-4
    assert seen[-1] == 1.0 and seen == sorted(seen)
    meta = result.meta
    assert meta["commercial_use"] is False and "CC-BY-NC" in meta["licence"]
    assert meta["engine"] == "musicgen" and meta["seed"] == 4 and meta["seconds"] == 3.0
    assert all(isinstance(b, int) for b in meta["beats_us"]) and meta["beats_us"] == sorted(
        meta["beats_us"])
    assert set(meta["downbeats_us"]) <= set(meta["beats_us"])
    assert 0 <= meta["beats_us"][0] and meta["beats_us"][-1] < 3_000_000
    assert meta["sections"] and meta["sections"][0]["start_us"] == meta["downbeats_us"][0]


def test_long_music_windows_join_without_clicks(tiny):
    eng = engine(tiny)
    spec = spec_from_text("calm", 3.0, bpm=100, seed=2)
    plan = eng._windows(3.0, 1.0)
    assert len(plan) >= 3  # the piece really is made of several windows
    audio = eng.generate(spec).audio[:, 0]
    # where each window after the first was joined (in 48 kHz samples)
    seams, have = [], plan[0][1]
    for _, new in plan[1:]:
        seams.append(int(have * SR))
        have += new - eng.crossfade_s
    jumps = np.abs(np.diff(audio))
    near = np.zeros_like(jumps, dtype=bool)
    for s in seams:
        near[max(0, s - int(0.25 * SR)):s + int(0.05 * SR)] = True
    # no sample-to-sample step at a joint is bigger than the music's own steps elsewhere
    assert jumps[near].max() <= 1.05 * jumps[~near].max()


def test_join_window_crossfades_a_redecoded_context_without_a_click():
    sr, f = 32000, 220.0
    t = np.arange(3 * sr) / sr
    before = np.sin(2 * np.pi * f * t[:2 * sr])[None, :]
    # the window re-decodes the last second slightly differently (phase and level) and goes on
    piece = 0.8 * np.sin(2 * np.pi * f * t[sr:] + 1.3)[None, :]
    fade = int(0.2 * sr)
    joined = join_window(before, piece, context=sr, fade=fade, new=sr + fade)
    assert joined.shape == (1, 3 * sr)
    assert np.array_equal(joined[:, :2 * sr - fade], before[:, :2 * sr - fade])
    assert np.array_equal(joined[:, 2 * sr:], piece[:, sr:])
    natural = np.abs(np.diff(before)).max()  # the sine's own largest step
    assert np.abs(np.diff(joined)).max() <= 1.01 * natural
    hard_cut = np.concatenate([before, piece[:, sr:]], axis=1)  # what a plain join would do
    assert np.abs(np.diff(hard_cut)).max() > 10 * natural


def test_same_seed_same_music_other_seed_other_music(tiny):
    spec = spec_from_text("calm", 2.0, bpm=100, seed=5)
    a = engine(tiny).generate(spec).audio
    b = engine(tiny).generate(spec).audio
    spec.seed = 6
    c = engine(tiny).generate(spec).audio
    assert np.array_equal(a, b) and not np.allclose(a, c)


def test_regenerate_bars_keeps_everything_outside(tiny):
    eng = engine(tiny)
    spec = spec_from_text("bright", 3.0, bpm=240, seed=1)  # 1-second bars
    first = eng.generate(spec)
    down = first.meta["downbeats_us"]  # the bars the editor shows: the estimated grid
    assert len(down) >= 2
    again = eng.regenerate(spec, bars=(len(down) - 2, len(down) - 1), seed=99, original=first)
    s0, s1 = down[-2] * SR // 1_000_000, down[-1] * SR // 1_000_000
    assert 0 < s0 < s1 < 3 * SR
    assert again.audio.shape == first.audio.shape and again.sample_rate == SR
    assert np.array_equal(again.audio[:s0], first.audio[:s0])
    assert np.array_equal(again.audio[s1:], first.audio[s1:])
    assert not np.allclose(again.audio[s0:s1], first.audio[s0:s1])
    # without the original at hand it is made again from the spec (same seed, same music)
    remade = eng.regenerate(spec, bars=(len(down) - 2, len(down) - 1), seed=99)
    assert np.array_equal(remade.audio, again.audio)
    assert again.meta["regenerated_bars"] == [len(down) - 2, len(down) - 1]
    assert again.meta["seed"] == 99


def test_cancel_stops_at_the_next_step(tiny):
    eng = engine(tiny, window_s=30.0, context_s=10.0, crossfade_s=1.0)
    spec = spec_from_text("calm", 60.0, bpm=100)  # some 3000 steps, cancelled after the first 5
    job = CancelOnceStarted(lambda fraction, message: fraction > 0.05)
    with pytest.raises(Cancelled):
        eng.generate(spec, progress=job.progress, cancel=job.token)
    assert job.stopped_at_its_next_check(), job.after_cancel


def test_missing_model_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(tmp_path / "hub"))
    eng = MusicGenEngine(model="musicgen-small")
    message = eng.availability()
    assert "promodesk models download musicgen-small" in message
    assert str(tmp_path / "models" / "musicgen-small") in message
    with pytest.raises(EngineUnavailable, match="not on this computer"):
        eng.generate(spec_from_text("calm", 3.0))


def test_model_in_the_models_folder_is_found(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path))
    tiny_musicgen(tmp_path / "musicgen-small")
    eng = MusicGenEngine(model="musicgen-small", window_s=1.6, context_s=0.6, crossfade_s=0.2)
    assert eng.availability() is None
    assert eng.generate(spec_from_text("calm", 2.0)).audio.shape == (2 * SR, 2)


def test_pickle_only_folder_is_refused(tmp_path):
    folder = pickle_only(tiny_musicgen(tmp_path / "m"))
    assert (folder / "pytorch_model.bin").exists()
    with pytest.raises(EngineUnavailable, match="safetensors"):
        engine(folder).generate(spec_from_text("calm", 2.0))


def test_generation_opens_no_network_connection(tiny, monkeypatch):
    refuse_network(monkeypatch)
    result = engine(tiny).generate(spec_from_text("calm", 2.0, seed=8))
    assert result.audio.shape == (2 * SR, 2)
