"""ACE-Step engine on a tiny random-weight pipeline saved to a temp folder and loaded through the
engine's own loader: length, rate, loudness, licence, progress, the spec's grid checked against
librosa, bar repainting sample-identical outside the bars, cancel, no network, missing model."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("diffusers")

from promodesk.core.musicspec import spec_from_text  # noqa: E402
from promodesk.engines.base import Cancelled, EngineUnavailable  # noqa: E402
from promodesk.engines.music.acestep import (AceStepEngine, spec_grid_meta, grid_meta,  # noqa: E402
                                             keyscale, splice)
from promodesk.engines.music.composer import MusicResult  # noqa: E402
from promodesk.engines.music.mastering import integrated_lufs, true_peak_dbtp  # noqa: E402
from tests.engines.harness import CancelOnceStarted, refuse_network  # noqa: E402
from tests.engines.music.tiny_acestep import tiny_acestep  # noqa: E402

SR = 48000


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_acestep(tmp_path_factory.mktemp("acestep"))


@pytest.fixture(scope="module")
def made(tiny):
    spec = spec_from_text("upbeat sale, fresh and bright", 8.0, bpm=120, seed=3)
    seen = []
    result = AceStepEngine(model=tiny, steps=3).generate(spec, progress=lambda f, m: seen.append((f, m)))
    return spec, result, seen


def test_length_rate_loudness_and_licence(made):
    spec, result, seen = made
    assert result.sample_rate == SR and result.audio.dtype == np.float32
    assert result.audio.shape == (8 * SR, 2) and np.isfinite(result.audio).all()
    assert abs(integrated_lufs(result.audio, SR) + 14.0) < 0.5
    assert true_peak_dbtp(result.audio, SR) <= -1.0 + 1e-3
    meta = result.meta
    assert meta["engine"] == "acestep" and meta["commercial_use"] is True
    assert meta["licence"].startswith("MIT")
    assert meta["seconds"] == 8.0 and meta["seed"] == 3 and meta["spec"]["bpm"] == 120
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sum("step" in m for _, m in seen) == 3


def test_the_grid_is_the_specs_or_estimated_and_says_which(made):
    spec, result, _ = made
    meta = result.meta
    assert meta["beat_source"] in ("spec", "estimated") and meta["measured_bpm"] >= 0
    assert meta["beats_us"] == sorted(meta["beats_us"]) and set(meta["downbeats_us"]) <= set(meta["beats_us"])
    assert all(isinstance(b, int) for b in meta["beats_us"]) and meta["beats_us"][-1] < 8_000_000


def _clicks(bpm: float, seconds: float) -> np.ndarray:
    audio = np.zeros((int(seconds * SR), 2), np.float32)
    for t in np.arange(0.0, seconds, 60.0 / bpm):
        i = int(t * SR)
        audio[i:i + 480] += np.hanning(960)[480:, None].astype(np.float32) * 0.8
    return audio


def test_grid_check_keeps_the_spec_grid_when_the_audio_follows_it():
    spec = spec_from_text("upbeat", 10.0, bpm=120, seed=1)
    meta = grid_meta(_clicks(120, 10.0), spec)
    assert meta["beat_source"] == "spec" and meta["bpm"] == 120
    assert meta["beats_us"][:3] == [0, 500_000, 1_000_000]


def test_grid_check_falls_back_to_the_audio_when_the_model_drifted():
    spec = spec_from_text("upbeat", 10.0, bpm=120, seed=1)
    meta = grid_meta(_clicks(92, 10.0), spec)
    assert meta["beat_source"] == "estimated"
    gaps = np.diff(meta["beats_us"]) / 1e6
    assert abs(float(np.median(gaps)) - 60 / 92) < 0.03


def test_repainting_bars_keeps_everything_outside_them_sample_identical(tiny, made):
    spec, made_first, _ = made
    # the tiny model's noise has no beat, so its grid was estimated; lay the spec's grid on it
    # to check that the repaint follows whatever grid the take carries
    first = MusicResult(made_first.audio, SR, dict(made_first.meta, **spec_grid_meta(spec)))
    down = first.meta["downbeats_us"]
    new = AceStepEngine(model=tiny, steps=2).regenerate(spec, bars=(1, 3), seed=99, original=first)
    s0, s1 = down[1] * SR // 1_000_000, down[3] * SR // 1_000_000
    assert new.audio.shape == first.audio.shape
    assert np.array_equal(new.audio[:s0], first.audio[:s0])
    assert np.array_equal(new.audio[s1:], first.audio[s1:])
    assert not np.allclose(new.audio[s0:s1], first.audio[s0:s1])
    assert new.meta["regenerated_bars"] == [1, 3] and new.meta["commercial_use"] is True


def test_splice_levels_the_new_bars_and_fades_inside_the_range():
    old = np.full((SR * 4, 2), 0.1, np.float32)
    new = np.full((SR * 4, 2), 0.4, np.float32)
    out = splice(old, new, SR, 3 * SR)
    assert np.array_equal(out[:SR], old[:SR]) and np.array_equal(out[3 * SR:], old[3 * SR:])
    # levelled by the energy outside the range: the new bars play at the old level
    assert abs(float(out[2 * SR, 0]) - 0.1) < 1e-4


def test_cancel_stops_and_returns_nothing(tiny):
    spec = spec_from_text("calm", 6.0, bpm=100, seed=2)
    harness = CancelOnceStarted(lambda f, m: "step" in m)
    with pytest.raises(Cancelled):
        AceStepEngine(model=tiny, steps=50).generate(spec, harness.progress, harness.token)


def test_no_network_while_loading_and_generating(tiny, monkeypatch):
    refuse_network(monkeypatch)
    spec = spec_from_text("calm", 2.0, bpm=100, seed=2)
    assert AceStepEngine(model=tiny, steps=1).generate(spec).audio.shape == (2 * SR, 2)


def test_missing_model_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path))
    engine = AceStepEngine(model="ace-step-1.5")
    why = engine.availability()
    assert why and "promodesk models download ace-step-1.5" in why
    with pytest.raises(EngineUnavailable):
        engine.generate(spec_from_text("calm", 2.0, seed=1))


def test_keyscale_for_the_model():
    spec = spec_from_text("calm", 10.0, seed=1)
    assert keyscale(spec) in {f"{k} {m}" for k in "CDEFGAB" for m in ("major", "minor")}
