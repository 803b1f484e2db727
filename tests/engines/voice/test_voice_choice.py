"""Choosing the voice per language: a reference recording for VibeVoice (checked, stored in the
project's assets, named in the recipe, kept by a new take), a preset speaker for Bark; bad
recordings are refused with a message naming the file, and change nothing. Tiny real models."""

from __future__ import annotations

import re

import numpy as np
import pytest
import soundfile as sf

pytest.importorskip("transformers")
pytest.importorskip("diffusers")  # VibeVoice's noise scheduler

from promodesk.core.timeline import Recipe  # noqa: E402
from promodesk.engines import registry  # noqa: E402
from promodesk.engines.base import RequestError, TakeRequest  # noqa: E402
from promodesk.engines.voice.bark import VoiceEngine  # noqa: E402
from promodesk.engines.voice.takes import voice_engine  # noqa: E402
from promodesk.engines.voice.voices import (MODEL_RATE, SAMPLE_KEY, SPEAKER_KEY,  # noqa: E402
                                            VoicePick, VoiceSampleError, bark_speakers,
                                            check_speakers, parse_pairs, read_voice_sample,
                                            store_voice_sample)
from tests.engines.tiny_models import tiny_bark  # noqa: E402
from tests.engines.voice.tiny_bark_speakers import add_bark_speakers  # noqa: E402
from tests.engines.voice.tiny_vibevoice import tiny_vibevoice  # noqa: E402


def chirp(path, seconds=4.0, rate=44100, channels=2):
    """A stereo chirp (200 Hz -> 2 kHz; the right channel at half level) written to ``path``."""
    t = np.arange(int(seconds * rate)) / rate
    left = 0.3 * np.sin(2 * np.pi * (200 * t + (1800 / (2 * seconds)) * t ** 2))
    audio = np.stack([left, 0.5 * left][:channels], axis=1)
    sf.write(path, audio, rate)
    return path


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_vibevoice(tmp_path_factory.mktemp("vibevoice"))


@pytest.fixture(scope="module")
def bark(tmp_path_factory):
    folder = tiny_bark(tmp_path_factory.mktemp("bark"))
    return add_bark_speakers(folder, ["v2/en_speaker_6", "v2/zh_speaker_3", "v2/zh_speaker_5"])


@pytest.fixture
def project(tmp_path):
    folder = tmp_path / "p.promodesk"
    (folder / "assets").mkdir(parents=True)
    return folder


@pytest.fixture
def heard(monkeypatch):
    """The voice recordings VibeVoice's processor was given, one entry per line (None: none)."""
    from transformers import VibeVoiceProcessor

    got = []
    real = VibeVoiceProcessor.apply_chat_template

    def spy(self, conversation, *args, **kwargs):
        audio = [c["audio"] for m in conversation for c in m["content"] if c["type"] == "audio"]
        got.append(np.array(audio[0]) if audio else None)
        return real(self, conversation, *args, **kwargs)

    monkeypatch.setattr(VibeVoiceProcessor, "apply_chat_template", spy)
    return got


def test_a_recording_is_mixed_to_mono_at_the_models_rate(tmp_path):
    audio = read_voice_sample(chirp(tmp_path / "me.wav"))
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) - 4 * MODEL_RATE) <= 2
    # the mono mix is the mean of the channels: 0.75 of the left channel's 0.3 peak
    assert 0.2 < np.abs(audio).max() < 0.24


def test_make_speaks_in_the_recording_and_the_recipe_names_its_asset(tiny, project, tmp_path,
                                                                       heard):
    sample = chirp(tmp_path / "me.flac")
    engine = voice_engine(VoicePick(str(tiny), samples={"en": sample}), project=project)
    spoken = engine.generate(["Hi there.", "新品上市。", "Order now."], seed=2)
    stored = store_voice_sample(project, sample)  # the same recording: the same asset
    assert sorted(p.name for p in (project / "assets").iterdir()) == [stored]
    assert [line.voice for line in spoken.lines] == [{SAMPLE_KEY: stored}, {},
                                                     {SAMPLE_KEY: stored}]
    expected = read_voice_sample(sample)
    assert heard[0] is not None and np.allclose(heard[0], expected, atol=1e-6)
    assert heard[1] is None  # Chinese: no recording given, the model's own voice
    assert np.allclose(heard[2], expected, atol=1e-6)


def test_a_new_take_keeps_the_chosen_recording(tiny, project, tmp_path, heard):
    sample_id = store_voice_sample(project, chirp(tmp_path / "me.wav", seconds=5.0))
    engine = registry.engine("voice")
    recipe = Recipe("voice", {"text": "Hi there.", "model": str(tiny), SAMPLE_KEY: sample_id}, 5)
    made = engine.new_take(TakeRequest(recipe, project, None, 3_000_000, (640, 360)))
    assert made.take.recipe.params[SAMPLE_KEY] == sample_id
    # spoken again from that take: in the recording's voice, not the take's own audio
    again = engine.new_take(TakeRequest(Recipe("voice", dict(made.take.recipe.params), 6),
                                        project, made.asset, 3_000_000, (640, 360)))
    assert again.take.recipe.params[SAMPLE_KEY] == sample_id
    assert again.take.asset != made.take.asset
    expected = read_voice_sample(project / "assets" / sample_id)
    assert len(heard) == 2 and all(np.allclose(h, expected, atol=1e-6) for h in heard)
    assert abs(len(expected) - 5 * MODEL_RATE) <= 2


@pytest.mark.parametrize("name", ["f" * 64 + ".wav", "../me.wav"])
def test_a_missing_recording_asset_is_named_and_nothing_is_made(tiny, project, name):
    recipe = Recipe("voice", {"text": "Hi.", "model": str(tiny), SAMPLE_KEY: name}, 1)
    with pytest.raises(VoiceSampleError, match=f"{re.escape(name)} is missing"):
        registry.engine("voice").new_take(TakeRequest(recipe, project, None, 1_000_000,
                                                      (640, 360)))
    assert not any((project / "assets").iterdir())


@pytest.mark.parametrize("bad, says", [
    ("text", "cannot be read as audio"),
    ("short", "lasts 0.5 s; it must last 3-30 s"),
    ("long", "lasts 300.0 s; it must last 3-30 s"),
    ("silent", "is silent"),
    ("absent", "is not there"),
])
def test_a_bad_recording_gets_a_clear_message_and_changes_nothing(tiny, project, tmp_path,
                                                                   bad, says):
    path = tmp_path / f"{bad}.wav"
    if bad == "text":
        path.write_text("this is not a recording\n" * 20, "utf-8")
    elif bad == "short":
        chirp(path, seconds=0.5)
    elif bad == "long":
        chirp(path, seconds=300.0, rate=8000, channels=1)
    elif bad == "silent":
        sf.write(path, np.zeros(48000 * 4, np.float32), 48000)
    with pytest.raises(VoiceSampleError) as err:
        voice_engine(VoicePick(str(tiny), samples={"zh": path}), project=project)
    assert str(path) in str(err.value) and says in str(err.value)
    with pytest.raises(VoiceSampleError):
        store_voice_sample(project, path)
    assert not any((project / "assets").iterdir())


def test_bark_speaks_each_language_in_its_chosen_speaker(bark, monkeypatch):
    from transformers import BarkModel

    history = []
    real = BarkModel.generate

    def spy(self, *args, **kwargs):
        prompt = kwargs.get("history_prompt")
        history.append(None if prompt is None else prompt["semantic_prompt"].tolist())
        return real(self, *args, **kwargs)

    monkeypatch.setattr(BarkModel, "generate", spy)
    assert bark_speakers(bark) == ["v2/en_speaker_6", "v2/zh_speaker_3", "v2/zh_speaker_5"]
    check_speakers(bark, {"zh": "v2/zh_speaker_5"})
    engine = voice_engine(VoicePick(str(bark), speakers={"zh": "v2/zh_speaker_5"}))
    spoken = engine.generate(["新品上市。", "Hi."], seed=1)
    assert [line.voice for line in spoken.lines] == [{SPEAKER_KEY: "v2/zh_speaker_5"},  # chosen
                                                     {SPEAKER_KEY: "v2/en_speaker_6"}]
    own = np.load(bark / "speaker_embeddings" / "v2" / "zh_speaker_5_semantic_prompt.npy")
    assert history[0] == own.tolist()
    # (Bark's default English speaker, which the model has); a recipe's speaker is kept
    again = VoiceEngine(bark, voices={"zh": "v2/zh_speaker_3"}).generate(["立即购买。"])
    assert again.lines[0].voice == {SPEAKER_KEY: "v2/zh_speaker_3"}


def test_speakers_and_recordings_go_to_the_engine_that_has_them(bark, tiny, tmp_path):
    with pytest.raises(RequestError, match="not one of .* zh speakers"):
        check_speakers(bark, {"zh": "v2/en_speaker_6"})
    with pytest.raises(RequestError, match="cannot speak in the voice of a recording"):
        voice_engine(VoicePick(str(bark), samples={"zh": tmp_path / "x.wav"}))
    with pytest.raises(RequestError, match="Preset speakers are Bark's"):
        voice_engine(VoicePick(str(tiny), speakers={"zh": "v2/zh_speaker_3"}))
    with pytest.raises(RequestError, match="is not one of"):
        VoiceEngine(bark, voices={"en": "v2/en_speaker_9"}).generate(["Hi."])
    assert bark_speakers(tmp_path / "nothing") == []


def test_pairs_are_read_from_the_option():
    assert parse_pairs("zh=a.wav, en=b c.mp3", "--voice-sample") == {"zh": "a.wav",
                                                                      "en": "b c.mp3"}
    with pytest.raises(ValueError, match="--speaker takes LANGUAGE=VALUE"):
        parse_pairs("fr=v2/fr_speaker_1", "--speaker")


def test_the_briefs_voice_table(tmp_path):
    from promodesk.core.brief import brief_from_dict

    brief, problems = brief_from_dict({"text": "Hi.", "voice": {"zh": "me.wav",
                                                                "en": "v2/en_speaker_6"}},
                                      tmp_path)
    assert not problems
    assert brief.voice == {"zh": str(tmp_path / "me.wav"), "en": "v2/en_speaker_6"}
    assert brief.to_dict()["voice"] == brief.voice
    _, problems = brief_from_dict({"text": "Hi.", "voice": {"fr": "me.wav"}}, tmp_path)
    assert [p.field for p in problems] == ["voice"] and "zh/en" in problems[0].message


def test_an_mp3_recording_is_read(tmp_path):
    t = np.arange(44100 * 4) / 44100
    sf.write(tmp_path / "me.mp3", 0.3 * np.sin(2 * np.pi * 440 * t), 44100, format="MP3")
    audio = read_voice_sample(tmp_path / "me.mp3")
    assert abs(len(audio) - 4 * MODEL_RATE) < 0.05 * MODEL_RATE and 0.25 < np.abs(audio).max()
