"""Voice-over engine on a tiny random Bark saved to a temp folder and loaded through the engine's
loading code: one clip per line, 48 kHz, durations, progress, cancel, missing model, pickles."""

from __future__ import annotations


import numpy as np
import pytest

pytest.importorskip("transformers")

from promodesk.engines.base import Cancelled, EngineUnavailable  # noqa: E402
from promodesk.engines.voice.bark import VoiceEngine, language_of  # noqa: E402
from tests.engines.harness import CancelOnceStarted, refuse_network  # noqa: E402
from tests.engines.tiny_models import pickle_only, tiny_bark  # noqa: E402

LINES = ["新品上市。", "Hi there."]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_bark(tmp_path_factory.mktemp("bark"))


def test_language_of_a_line():
    assert language_of(LINES[0]) == "zh" and language_of(LINES[1]) == "en"
    assert language_of("99元 only") == "zh"


def test_one_clip_per_line_at_48k_with_durations(tiny):
    seen = []
    voice = VoiceEngine(tiny).generate(LINES, progress=lambda f, m: seen.append(f), seed=1)
    assert voice.sample_rate == 48000 and len(voice.lines) == 2
    assert [line.text for line in voice.lines] == LINES
    assert [line.language for line in voice.lines] == ["zh", "en"]
    for line in voice.lines:
        assert line.audio.dtype == np.float32 and line.audio.ndim == 1
        assert 0.05 < line.seconds < 30 and np.isfinite(line.audio).all()
        assert line.duration_us == len(line.audio) * 1_000_000 // 48000
        assert np.abs(line.audio).max() <= 0.9
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert voice.meta["commercial_use"] is True and "MIT" in voice.meta["licence"]


def test_cancel_stops_at_the_next_step(tiny):
    job = CancelOnceStarted()
    long_lines = ["晨光温润手感" * 20] * 5
    with pytest.raises(Cancelled):
        VoiceEngine(tiny).generate(long_lines, progress=job.progress, cancel=job.token)
    assert job.stopped_at_its_next_check(), job.after_cancel
    assert job.cancelled_at < 0.2  # in the first of five lines


def test_missing_model_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(tmp_path / "hub"))
    engine = VoiceEngine("bark-small")
    assert "promodesk models download bark-small" in engine.availability()
    with pytest.raises(EngineUnavailable, match="not on this computer"):
        engine.generate(LINES)


def test_pickle_weights_are_refused(tmp_path):
    folder = pickle_only(tiny_bark(tmp_path / "bark"))
    with pytest.raises(EngineUnavailable, match="safetensors"):
        VoiceEngine(folder).generate(LINES)


def test_generation_opens_no_network_connection(tiny, monkeypatch):
    refuse_network(monkeypatch)
    assert len(VoiceEngine(tiny).generate(["Hi."]).lines) == 1
