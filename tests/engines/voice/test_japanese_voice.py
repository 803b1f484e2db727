"""Japanese voice-over lines: Bark reads them with its Japanese preset speaker (a tiny random Bark
here); VibeVoice, trained on Mandarin and English only, refuses them before loading anything, and
`promodesk make --voice` refuses a Japanese brief with VibeVoice before any work."""

from __future__ import annotations

import pytest

pytest.importorskip("transformers")

from promodesk.engines.base import RequestError  # noqa: E402
from promodesk.engines.voice.bark import VoiceEngine, language_of  # noqa: E402
from promodesk.engines.voice.vibevoice import VibeVoiceEngine  # noqa: E402
from tests.engines.tiny_models import tiny_bark  # noqa: E402
from tests.engines.voice.tiny_bark_speakers import add_bark_speakers  # noqa: E402

JA = "今すぐ購入してください。"


def test_language_of_a_japanese_line():
    assert language_of(JA) == "ja" and language_of("カップ") == "ja"
    assert language_of("新発売") == "zh"  # kanji alone read as Chinese
    assert language_of("夏日の冰咖啡") == "zh"


def test_bark_speaks_a_japanese_line_with_its_japanese_speaker(tmp_path):
    folder = add_bark_speakers(tiny_bark(tmp_path / "bark"), ["v2/ja_speaker_2"])
    voice = VoiceEngine(folder).generate(["今すぐ購入！"], seed=1)  # short: about a second
    assert [line.language for line in voice.lines] == ["ja"]
    assert voice.lines[0].voice == {"speaker": "v2/ja_speaker_2"}
    assert 0.05 < voice.lines[0].seconds < 30


def test_vibevoice_refuses_japanese_before_loading(tmp_path):
    engine = VibeVoiceEngine(tmp_path / "no-such-model")  # nothing to load: refused first
    with pytest.raises(RequestError, match="line 2 is Japanese.*Bark"):
        engine.generate(["新品上市。", JA])


def test_make_refuses_a_japanese_brief_with_vibevoice_before_any_work(tmp_path, monkeypatch,
                                                                     capsys):
    pytest.importorskip("diffusers")
    from promodesk.cli import main
    from tests.engines.voice.tiny_vibevoice import tiny_vibevoice

    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    tiny_vibevoice(tmp_path / "models" / "vibevoice-1.5b")
    brief = tmp_path / "brief.toml"
    brief.write_text(f'text = "{JA}"\n', "utf-8")
    code = main(["make", str(brief), "--seconds", "8", "-o", str(tmp_path / "ja.mp4"),
                 "--voice", "vibevoice-1.5b"])
    assert code == 2
    assert "VibeVoice speaks only Chinese and English" in capsys.readouterr().err
    assert not (tmp_path / "ja.mp4").exists()
