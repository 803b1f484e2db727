"""The translation engine on tiny random models (Marian and Qwen3) built from configs and loaded
through the real loader: a random model writes junk, so these check the plumbing: one line out
per line in, prices/numbers/product names verbatim, the target language's words, progress,
cancel, no network, clear messages without weights."""

from __future__ import annotations

import re

import pytest

from promodesk.engines import registry
from promodesk.engines.base import Cancelled, EngineUnavailable, RequestError
from promodesk.engines.text.protect import facts_of, protect, restore
from promodesk.engines.text.translate import LICENCES, TranslationEngine
from tests.engines.harness import CancelOnceStarted, refuse_network
from tests.engines.text.tiny_translators import WORDS, tiny_marian, tiny_qwen3
from tests.engines.tiny_models import pickle_only

LINES_ZH = ["每一个清晨，都值得一杯好咖啡。", "90毫升黄金容量，晨光杯仅需¥99.00！", "两只装仅需99元", "立即抢购"]
LINES_EN = ["Only $19.99 today, 2 cups for 30% less.", "PromoCup keeps coffee warm 6 hours.",
            "Buy now"]


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    return tiny_marian(tmp_path_factory.mktemp("marian") / "zh-en", "en")


@pytest.fixture(scope="module")
def qwen(tmp_path_factory):
    return tiny_qwen3(tmp_path_factory.mktemp("qwen") / "qwen", "zh")


def _digits(text: str) -> list[str]:
    return re.findall(r"\d+", text)


def _words_only(line: str, source: str, names: list[str], language: str) -> str:
    """``line`` less the facts of its ``source`` line: what the model itself wrote."""
    for fact in facts_of(source, names):
        line = line.replace(fact, " ", 1)
    return line


def test_protect_and_restore_keep_facts_verbatim():
    p = protect("晨光杯仅需¥99.00，90毫升，省30%", ["晨光杯"])
    assert p.facts == ["晨光杯", "¥99.00", "90", "30%"]
    assert p.text == "[0]仅需[1]，[2]毫升，省[3]"
    # a faithful model: placeholders back in place
    assert restore("[0] only [1], [2] ml, [3] off", p) == "晨光杯 only ¥99.00, 90 ml, 30% off"
    # a model that changed a number, repeated one placeholder and dropped two
    out = restore("[0] only 98, [0] and [7] ml", p)
    assert _digits(out) == ["99", "00", "90", "30"] and "98" not in out
    assert out.count("晨光杯") == 1 and out.endswith("¥99.00 90 30%")


def test_marian_translates_line_by_line_keeping_facts(marian):
    reports = []
    result = TranslationEngine(marian, max_new_tokens=16).translate(
        LINES_ZH, "zh", "en", lambda f, m: reports.append((f, m)), names=["晨光杯"])
    assert len(result.lines) == len(LINES_ZH) and result.notes == []
    for source, line in zip(LINES_ZH, result.lines):
        assert sorted(_digits(line)) == sorted(_digits(source)), (source, line)
        for fact in facts_of(source, ["晨光杯"]):
            assert line.count(fact) == source.count(fact)
        written = _words_only(line, source, ["晨光杯"], "en").split()
        assert written and set(written) <= set(WORDS["en"]), line  # the model's own words
    fractions = [f for f, _ in reports]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert result.licence == LICENCES["marian"] and result.target == "en"


def test_qwen3_translates_with_its_chat_template(qwen):
    result = TranslationEngine(qwen, max_new_tokens=12).translate(
        LINES_EN, "en", "zh", names=["PromoCup"])
    assert len(result.lines) == len(LINES_EN)
    for source, line in zip(LINES_EN, result.lines):
        assert sorted(_digits(line)) == sorted(_digits(source))
        written = _words_only(line, source, ["PromoCup"], "zh").replace(" ", "")
        assert written and set(written) <= set(WORDS["zh"]), line
    assert "PromoCup" in result.lines[1]
    assert result.licence == LICENCES["qwen3"]


def test_the_same_language_is_the_copy_itself(marian):
    assert TranslationEngine(marian).translate(LINES_ZH, "zh", "zh").lines == LINES_ZH


def test_cancel_stops_between_lines(marian):
    harness = CancelOnceStarted(lambda f, m: "line 2" in m)
    with pytest.raises(Cancelled):
        TranslationEngine(marian).translate(LINES_ZH, "zh", "en", harness.progress, harness.token)
    assert not any("ready" in m for _, m in harness.after_cancel)


def test_no_network_while_loading_and_translating(marian, monkeypatch):
    refuse_network(monkeypatch)
    assert len(TranslationEngine(marian).translate(LINES_ZH[:1], "zh", "en").lines) == 1


def test_without_weights_the_message_says_what_to_download(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "hub"))
    monkeypatch.setattr("huggingface_hub.constants.HF_HUB_CACHE", str(tmp_path / "hub"))
    engine = TranslationEngine()
    why = engine.availability("zh", "en")
    assert "promodesk models download opus-mt-zh-en" in why
    assert "promodesk models download qwen3-4b-instruct" in why
    with pytest.raises(EngineUnavailable, match="opus-mt-zh-en"):
        engine.translate(LINES_ZH, "zh", "en")
    # Japanese has no Marian model in the catalogue: only Qwen3 is offered
    assert "opus-mt" not in engine.availability("zh", "ja")


def test_pickled_weights_and_unknown_languages_are_refused(marian, tmp_path):
    import shutil

    unsafe = pickle_only(shutil.copytree(marian, tmp_path / "unsafe"))
    with pytest.raises(EngineUnavailable, match="safetensors"):
        TranslationEngine(unsafe).translate(LINES_ZH, "zh", "en")
    with pytest.raises(RequestError, match="'xx'"):
        TranslationEngine(marian).translate(LINES_ZH, "zh", "xx")


def test_registered_as_the_text_engine(marian):
    info = registry.info("translate")
    assert info.kind == "text" and info.commercial_use and info.model
    assert registry.engine_for_model("text", str(marian)) == "translate"
