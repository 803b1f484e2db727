"""VibeVoice voice-over engine on a tiny random VibeVoice saved to a temp folder and loaded through
the engine's loading code: one clip per line at 48 kHz, band-limited resampling, durations,
progress, cancel (leaving no asset), no network, missing model, the default voice choice."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

pytest.importorskip("transformers")
pytest.importorskip("diffusers")  # VibeVoice's noise scheduler

from promodesk.core.timeline import Asset, Recipe  # noqa: E402
from promodesk.engines import registry  # noqa: E402
from promodesk.engines.base import Cancelled, EngineUnavailable, TakeRequest  # noqa: E402
from promodesk.engines.voice.takes import (default_voice_model, speech_family,  # noqa: E402
                                           voice_engine)
from promodesk.engines.voice.vibevoice import (FRAME_HZ, MODEL_RATE,  # noqa: E402
                                               VibeVoiceEngine, frame_budget)
from tests.engines.harness import CancelOnceStarted, refuse_network  # noqa: E402
from tests.engines.voice.tiny_vibevoice import tiny_vibevoice  # noqa: E402

LINES = ["新品上市。", "Hi there."]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_vibevoice(tmp_path_factory.mktemp("vibevoice"))


def test_one_clip_per_line_at_48k_spoken_and_band_limited(tiny):
    seen = []
    voice = VibeVoiceEngine(tiny).generate(LINES, progress=lambda f, m: seen.append(f), seed=1)
    assert voice.sample_rate == 48000 and len(voice.lines) == 2
    assert [line.text for line in voice.lines] == LINES
    assert [line.language for line in voice.lines] == ["zh", "en"]
    for line in voice.lines:
        audio = line.audio
        assert audio.dtype == np.float32 and audio.ndim == 1 and np.isfinite(audio).all()
        assert line.duration_us == len(audio) * 1_000_000 // 48000
        assert np.sqrt(np.mean(np.square(audio))) > 1e-3  # not silence
        assert np.abs(audio).max() <= 0.9
        # The tiny model speaks to the engine's frame budget (twice the time the line takes to
        # read, plus a second), less the trimmed silence.
        budget = frame_budget(line.text, line.language) / FRAME_HZ
        assert 0.5 * budget < line.seconds <= budget + 1e-6
        # 24 kHz speech resampled properly has nothing above 12 kHz (a sample-and-hold or linear
        # upsampler leaves images of the spectrum there).
        power = np.abs(np.fft.rfft(audio.astype(np.float64))) ** 2
        freqs = np.fft.rfftfreq(len(audio), 1 / 48000)
        assert power[freqs > 12500].sum() < 1e-4 * power.sum()
    assert seen[-1] == 1.0 and seen == sorted(seen) and len(seen) > 10
    assert voice.meta["commercial_use"] is True and "MIT" in voice.meta["licence"]
    assert "consent" in voice.meta["licence"]


def test_a_voice_recording_in_the_model_folder_is_read_at_24k(tiny, tmp_path):
    import soundfile as sf

    folder = shutil.copytree(tiny, tmp_path / "model")
    (folder / "voices").mkdir()
    t = np.arange(48000 * 2) / 48000
    sf.write(folder / "voices" / "zh.wav", 0.2 * np.sin(2 * np.pi * 220 * t), 48000)
    engine = VibeVoiceEngine(folder)
    voice = engine.reference_for("zh")
    assert voice.dtype == np.float32 and abs(len(voice) - 2 * MODEL_RATE) <= 2
    assert engine.reference_for("en") is None
    assert len(engine.generate(["晨光。"], seed=3).lines[0].audio) > 0


def test_each_language_keeps_the_voice_of_its_first_line(tiny, monkeypatch):
    from transformers import VibeVoiceForConditionalGeneration

    prompts = []  # the voice recording each line was spoken after (its length), or None
    real = VibeVoiceForConditionalGeneration.generate

    def spy(self, *args, **kwargs):
        values = kwargs.get("input_values")
        prompts.append(None if values is None else values.shape[-1])
        return real(self, *args, **kwargs)

    monkeypatch.setattr(VibeVoiceForConditionalGeneration, "generate", spy)
    lines = ["Hi there.", "新品上市。", "Order now.", "立即购买。"]
    voice = VibeVoiceEngine(tiny).generate(lines)
    assert prompts[0] is None and prompts[1] is None  # each language's first line: free voice
    # later lines: the first line of their language, as spoken (the tiny model speaks to its
    # frame budget: 3200 samples at 24 kHz a frame)
    assert prompts[2] == frame_budget("Hi there.", "en") * 3200
    assert prompts[3] == frame_budget("新品上市。", "zh") * 3200 != prompts[2]
    assert len(voice.lines) == 4


def test_cancel_stops_at_the_next_step(tiny):
    job = CancelOnceStarted()
    long_lines = ["晨光温润手感" * 20] * 5
    with pytest.raises(Cancelled):
        VibeVoiceEngine(tiny).generate(long_lines, progress=job.progress, cancel=job.token)
    assert job.stopped_at_its_next_check(), job.after_cancel
    assert job.cancelled_at < 0.2  # in the first of five lines


def test_a_new_take_keeps_the_voice_and_cancel_leaves_no_asset(tiny, tmp_path):
    folder = tmp_path / "p.promodesk"
    (folder / "assets").mkdir(parents=True)
    engine = registry.engine("vibevoice")
    assert engine.info.kind == "voice" and engine.info.commercial_use
    assert engine.runs(str(tiny)) and not engine.runs(str(tmp_path))
    request = TakeRequest(Recipe("vibevoice", {"text": "Hi there.", "model": str(tiny)}, 5),
                          folder, None, 4_000_000, (640, 360))
    made = engine.new_take(request)
    assert made.asset.licence.startswith("MIT") and made.take.recipe.params["model"]
    assert (folder / "assets" / made.take.asset).is_file()
    # again, speaking in the voice of the take just made; then cancelled: nothing new is stored
    again = TakeRequest(Recipe("vibevoice", dict(made.take.recipe.params), 6), folder,
                        made.asset, 4_000_000, (640, 360))
    assert engine.new_take(again).take.asset != made.take.asset
    before = sorted(p.name for p in (folder / "assets").iterdir())
    job = CancelOnceStarted()
    with pytest.raises(Cancelled):
        engine.new_take(again, progress=job.progress, cancel=job.token)
    assert sorted(p.name for p in (folder / "assets").iterdir()) == before


def test_missing_model_says_how_to_get_it_and_bark_stays_the_default(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(tmp_path / "hub"))
    engine = VibeVoiceEngine("vibevoice-1.5b")
    assert "promodesk models download vibevoice-1.5b" in engine.availability()
    with pytest.raises(EngineUnavailable, match="not on this computer"):
        engine.generate(LINES)
    assert default_voice_model() == "bark-small"
    assert type(voice_engine()).__module__.endswith("bark")


def test_vibevoice_is_the_default_once_its_weights_are_here(tiny, tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    shutil.copytree(tiny, tmp_path / "models" / "vibevoice-1.5b")
    assert default_voice_model() == "vibevoice-1.5b"
    assert isinstance(voice_engine(), VibeVoiceEngine) and voice_engine().availability() is None
    assert registry.engine("voice").default_model == "vibevoice-1.5b"
    assert speech_family(tiny) == "vibevoice" and speech_family("bark-small") == "bark"
    assert speech_family(tmp_path / "nothing") is None


def test_a_folder_with_code_of_its_own_is_refused(tiny, tmp_path):
    folder = shutil.copytree(tiny, tmp_path / "model")
    (folder / "modeling_vibevoice.py").write_text("import os\n")
    with pytest.raises(EngineUnavailable, match="code of its own"):
        VibeVoiceEngine(folder).generate(LINES)


def test_generation_opens_no_network_connection(tiny, monkeypatch):
    refuse_network(monkeypatch)
    assert len(VibeVoiceEngine(tiny).generate(["Hi."]).lines) == 1


def test_the_asset_metadata_names_the_line(tiny, tmp_path):
    folder = tmp_path / "p.promodesk"
    (folder / "assets").mkdir(parents=True)
    made = registry.engine("voice").new_take(TakeRequest(
        Recipe("voice", {"text": "新品上市。", "model": str(tiny)}, 2), folder,
        Asset("none.png", "image"), 3_000_000, (640, 360)))
    assert made.asset.meta == {"text": "新品上市。", "language": "zh"}
    assert "VibeVoice" in made.asset.licence and made.take.source_duration > 0
