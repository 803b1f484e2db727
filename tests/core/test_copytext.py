"""Copy analysis: language, sentences, caption lines, offers, calls to action."""

from __future__ import annotations

import re

import pytest

from promodesk.core.brief import load_brief
from promodesk.core.copytext import (
    EN_MAX_CHARS, MIN_LINE_US, ZH_MAX_CHARS, analyze_copy, caption_lines, detect_language, key_phrase,
    find_cta, find_offer, reading_time_us, split_sentences, text_length,
)
from tests.core.test_brief import EXAMPLES


def letters(s: str) -> str:
    return re.sub(r"[\W_]+", "", s)


@pytest.mark.parametrize("text,lang", [
    ("每一个清晨，都值得一杯好咖啡。", "zh"),
    ("Build it. Launch it. Watch it fly.", "en"),
    ("SkyForge 火箭套装，90毫升", "zh"),
    ("全新上市的火箭套装 SkyForge kit, build it and launch it", "mixed"),
    ("12345 !!!", "en"),
])
def test_language(text, lang):
    assert detect_language(text) == lang


def test_sentences_keep_numbers_and_punctuation():
    s = split_sentences("Only $4.99 today. Climbs 1.5 km! 仅需99元！两只装。\n\nLast line")
    assert s == ["Only $4.99 today.", "Climbs 1.5 km!", "仅需99元！", "两只装。", "Last line"]


@pytest.mark.parametrize("name", ["espresso-zh.toml", "launch-en.toml"])
def test_lines_cover_the_copy_in_order_and_are_readable(name):
    brief = load_brief(EXAMPLES / name)
    a = analyze_copy(brief.text, brief.language, brief.cta)
    assert letters("".join(line.text for line in a.lines)) == letters(brief.text)
    assert [line.sentence for line in a.lines] == sorted(line.sentence for line in a.lines)
    for line in a.lines:
        limit = ZH_MAX_CHARS if a.language == "zh" else EN_MAX_CHARS
        assert text_length(line.text) <= limit
        assert line.read_us >= MIN_LINE_US
        assert not line.text.endswith(("，", ",", "、"))


def test_reading_speeds():
    assert reading_time_us("一二三四五六七八九十") == 2_000_000          # 5 hanzi/s
    assert reading_time_us("x" * 30) == 2_000_000                      # 15 chars/s
    assert reading_time_us("好") == MIN_LINE_US


def test_a_long_chinese_clause_is_cut_without_leading_punctuation():
    lines = caption_lines(["这是一个非常非常非常非常非常非常长的没有任何标点符号的句子真的很长很长很长！"])
    assert len(lines) >= 3
    assert all(not line.text.startswith(("！", "，", "。")) for line in lines)


@pytest.mark.parametrize("text,field,value", [
    ("双十一限时特惠，两只装仅需99元！", "price", "99元"),
    ("双十一限时特惠，两只装仅需99元！", "bundle", "两只装"),
    ("Holiday offer: save 20 percent this week only.", "discount", "20 percent"),
    ("Only $49 this week", "price", "$49"),
    ("原价199元，现价99元", "old_price", "199元"),
    ("原价199元，现价99元", "price", "99元"),
    ("全场5折，买一送一", "discount", "5折"),
    ("Get 30% off today", "discount", "30% off"),
])
def test_offers(text, field, value):
    assert getattr(find_offer(text), field) == value


def test_no_offer():
    assert not find_offer("Snap-together parts, no glue, ready in under an hour.")


def test_cta_found_or_taken_from_the_brief():
    assert find_cta("喜欢就立即下单吧！") == "立即下单"
    assert find_cta("Limited stock. order now!") == "Order now"
    assert analyze_copy("Great mug. Buy now!").cta == "Buy now"
    assert analyze_copy("Great mug. Buy now!", cta="Get it").cta == "Get it"
    assert analyze_copy("Great mug.").cta == ""


def test_emoji_and_mixed_scripts_are_handled():
    a = analyze_copy("超好用的杯子☕️🔥 Best mug ever! 👍🏽 立即抢购")
    assert a.lines and all(not re.search(r"[\U0001F000-\U0001FFFF\u2600-\u27bf]", l.text) for l in a.lines)
    assert any("Emoji" in n for n in a.notes)
    assert a.cta == "立即抢购"


def test_empty_and_huge_copy():
    assert analyze_copy("").lines == []
    a = analyze_copy("这是一句很长的文案，描述产品的特点。" * 300)
    assert len(a.sentences) == 300 and all(text_length(l.text) <= ZH_MAX_CHARS for l in a.lines)


@pytest.mark.parametrize("sentence,phrase", [
    ("The SkyForge kit has everything you need for your first launch: rocket, engines and a "
     "reusable pad.", "Everything you need for your first launch"),
    ("Climbs to 300 meters and floats home on its own parachute.", "Climbs to 300 meters"),
    ("晨光意式浓缩杯采用加厚骨瓷，保温更持久。", "加厚骨瓷"),
    ("90毫升黄金容量，完美萃取每一滴醇香。", "90毫升黄金容量"),
])
def test_key_phrases_end_on_sense_boundaries(sentence, phrase):
    assert key_phrase(sentence) == phrase


def test_lines_do_not_run_across_a_colon_and_are_balanced():
    lines = caption_lines(["The SkyForge kit has everything you need for your first launch: "
                           "rocket, engines and a reusable pad.",
                           "Climbs to 300 meters and floats home on its own parachute."])
    texts = [line.text for line in lines]
    assert all(":" not in t.rstrip(":") for t in texts)
    assert "Climbs to 300 meters" in texts  # cut before "and", not "...floats home on"
    for t in texts:
        assert len(t) <= EN_MAX_CHARS


def test_one_rule_for_chinese_characters():
    from promodesk.core.script import count_han, has_han, is_cjk, is_han

    assert all(is_han(ch) for ch in "晨光杯㐀豈𠀀")           # common, ext. A, compatibility, ext. B
    assert not any(is_han(ch) for ch in "aZ9 ，。ぁカ한！")   # punctuation, kana, hangul: not hanzi
    assert all(is_cjk(ch) for ch in "晨，。ぁカ한！𠀀")       # but a line may break around them
    assert not any(is_cjk(ch) for ch in "aZ9 ,.!é")
    assert count_han("99元两只装 Sale") == 4 and has_han("Only 99元") and not has_han("Only $9")
    assert detect_language("晨光意式浓缩杯") == "zh" and detect_language("カップ") == "ja"
