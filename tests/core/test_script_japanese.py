"""Japanese copy is told from Chinese by its kana: detected as "ja", cut into caption lines by
characters like Chinese, its call to action and yen price found, the default call to action in
Japanese. Kanji alone stay Chinese. (The captions draw the kanji in their Japanese forms:
tests/engines/visuals/test_japanese_forms.py.)"""

from __future__ import annotations

import pytest

from promodesk.core.brief import Brief, validate_brief
from promodesk.core.copytext import ZH_MAX_CHARS, analyze_copy, detect_language, text_length
from promodesk.core.plan import music_spec, plan_video
from promodesk.core.script import count_kana, is_kana, looks_japanese

JA_COPY = ("毎朝の一杯を、もっと美味しく。職人が一つずつ仕上げた磁器のカップは、手になじむ"
           "やわらかな曲線と、最後の一滴まで温かさを保つ二重構造です。限定価格1,980円。今すぐ購入！")


def test_kana_are_letters_of_their_own():
    assert all(is_kana(ch) for ch in "あをんゃっカヲンャッｶﾝ")
    assert not any(is_kana(ch) for ch in "ー・漢字，。a한")  # marks Chinese uses too, hanzi
    assert count_kana("今すぐ購入") == 2


@pytest.mark.parametrize("text, language", [
    (JA_COPY, "ja"),
    ("カップ", "ja"),                                   # katakana alone
    ("今すぐ購入", "ja"),                               # kana among kanji
    ("新発売", "zh"),                                   # kanji alone: nothing says Japanese
    ("夏日の冰咖啡，清爽一夏。", "zh"),                 # Chinese borrowing の
    ("晨光意式浓缩杯，温润如玉。", "zh"),
    ("新しいPromoCupで、毎朝をもっと楽しく。", "ja"),   # Japanese with a product name
    ("The PromoCup keeps coffee hot for hours, now in Tokyo: カップ", "en"),
    ("每天一杯 fresh coffee，好心情", "mixed"),
    ("Shop now", "en"),
])
def test_detect_language(text, language):
    assert detect_language(text) == language
    if language != "en":  # looks_japanese reads only the Chinese/Japanese characters
        assert looks_japanese(text) == (language == "ja")


def test_japanese_copy_is_cut_into_caption_lines_like_chinese():
    analysis = analyze_copy(JA_COPY)
    assert analysis.language == "ja"
    assert len(analysis.sentences) == 4
    assert all(text_length(line.text) <= ZH_MAX_CHARS for line in analysis.lines)
    assert "".join(line.text for line in analysis.lines).replace("。", "").replace("、", "") \
        .replace("，", "").replace("！", "") == JA_COPY.replace("。", "").replace("、", "") \
        .replace("！", "")  # nothing lost, nothing cut at spaces (there are none)
    assert analysis.cta == "今すぐ購入" and analysis.offer.price == "1,980円"


def test_a_long_japanese_clause_is_cut_at_a_phrase_boundary():
    # even runs alone cut after 仕上 (職人が一つずつ仕上|げた磁器のカップ): inside the verb
    lines = [line.text for line in analyze_copy("職人が一つずつ仕上げた磁器のカップ。").lines]
    assert lines == ["職人が一つずつ", "仕上げた磁器のカップ。"]
    # Chinese keeps its even runs
    zh = [line.text for line in analyze_copy("晨光意式浓缩杯采用高温烧制的骨瓷工艺打造温润如玉。").lines]
    assert zh == ["晨光意式浓缩杯采用高温烧制", "的骨瓷工艺打造温润如玉。"]


def test_a_katakana_line_is_not_cut_as_english():
    # before kana counted, a long katakana run read as English and had no spaces to cut at
    analysis = analyze_copy("スペシャルエディションコーヒーカップセットプレミアムコレクション")
    assert len(analysis.lines) == 2 and all(text_length(line.text) <= ZH_MAX_CHARS
                                            for line in analysis.lines)


def test_brief_may_say_japanese_and_the_plan_calls_to_action_in_japanese():
    brief = Brief(title="PromoCup", text="毎朝の一杯を、もっと美味しく。", language="ja", seconds=10)
    assert validate_brief(brief) == []
    board = plan_video(brief, music_spec(brief))
    assert "今すぐ購入" in [s.cta for s in board.shots if s.cta]


@pytest.mark.parametrize("text, price", [("限定価格1,980円（税込）", "1,980円"),
                                         ("仅需1,299元", "1,299元"), ("特价¥2,499.50", "¥2,499.50")])
def test_prices_keep_their_thousands_separators(text, price):
    from promodesk.core.copytext import find_offer

    assert find_offer(text).price == price  # was "980円", "1", "¥2"
