"""Japanese copy is set with the font's Japanese forms: the kanji whose Japanese and Chinese
shapes differ (直, 骨, 今) are drawn the Japanese way when the text is Japanese (kana decide), the
same way as before for Chinese, and the kanji both share come out identical."""

from __future__ import annotations

import numpy as np
import pytest

from promodesk.engines.visuals import typeset as ts

SIZE = 96


def first_glyph(text: str) -> np.ndarray:
    """Alpha of the first character's cell of ``text`` set on one line at SIZE pixels."""
    layout = ts.fit_text(text, (SIZE * (len(text) + 1), SIZE * 2), max_lines=1,
                         max_size=SIZE, min_size=SIZE)
    assert layout.size == SIZE and list(layout.lines) == [text]
    sprite, (dx, _) = ts.text_sprite(layout, ts.TextStyle())
    return sprite[:, -dx:-dx + SIZE, 3].astype(int)


@pytest.mark.skipif(not ts.RAQM, reason="language forms need Pillow's raqm layout")
def test_japanese_text_gets_the_japanese_forms_of_its_kanji():
    assert ts.text_language(ts.fit_text("直すです", (800, 200))) == "ja"
    assert ts.text_language(ts.fit_text("直接购买", (800, 200))) is None
    for kanji in "直骨":  # shapes that differ between the Japanese and Chinese forms
        japanese, chinese = first_glyph(kanji + "すです"), first_glyph(kanji + "的确好")
        changed = np.abs(japanese - chinese) > 128
        assert changed.sum() > 40, kanji  # strokes moved, not a pixel or two of rounding
    # a kanji drawn alike in both, in the same place: the same pixels
    assert np.array_equal(first_glyph("日すです"), first_glyph("日的确好"))


def test_chinese_and_english_are_drawn_as_before():
    """No language is asked of the font for Chinese or English text (no raqm shaping)."""
    assert ts.text_language(ts.fit_text("每一个清晨，都值得一杯好咖啡。", (900, 300))) is None
    assert ts.text_language(ts.fit_text("Build it. Launch it.", (900, 300))) is None
