"""Japanese text in captions and shots: the bundled fonts draw every kana (regular and bold), and
lines break between characters like Chinese without a line starting with a small kana, the
long-vowel mark or an iteration mark."""

from __future__ import annotations

import pytest

from promodesk.engines.visuals import linebreak
from promodesk.engines.visuals.typeset import break_lines, missing_glyphs

HIRAGANA = "".join(chr(cp) for cp in range(0x3041, 0x3097))
KATAKANA = "".join(chr(cp) for cp in range(0x30A1, 0x30FB)) + "ー・"
COPY = "毎朝の一杯を、もっと美味しく。限定セール価格1,980円（税込）。今すぐ購入！"


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_bundled_fonts_draw_every_kana(weight):
    assert missing_glyphs(HIRAGANA + KATAKANA + COPY, weight) == []


def test_no_line_starts_with_a_small_kana_or_a_long_vowel_mark():
    # one character per unit of width: a break could fall before any character
    text = "ちょっとキャッシュバックのチャンス、々ゞ"
    for width in range(3, 9):
        lines = linebreak.break_lines(text, width, len, balance=False)
        assert "".join(lines) == text
        assert not any(line[0] in "ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶー、々ゞ"
                       for line in lines[1:]), (width, lines)


def test_japanese_copy_breaks_between_characters_with_the_fonts():
    lines = break_lines(COPY, 40, 200)
    assert len(lines) > 2 and "".join(lines) == COPY  # no spaces needed, none added
