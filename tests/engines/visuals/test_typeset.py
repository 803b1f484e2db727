"""typeset: bundled fonts cover the sample briefs, fallback and reporting, kinsoku line breaking,
fitting, safe areas, drawing and WCAG contrast, on real glyphs and pixels."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promodesk import RESOURCES
from promodesk.engines.visuals import typeset as ts
from promodesk.engines.visuals import safearea

BRIEFS = sorted((RESOURCES / "examples/briefs").glob("*.toml"))
NOT_IN_ANY_FONT = "\U00020000"  # CJK Extension B, outside every bundled font


def brief_text(path: Path) -> str:
    d = tomllib.loads(path.read_text("utf-8"))
    return "".join(str(d.get(k, "")) for k in ("title", "text", "price", "cta"))


def ink(text: str, size: int = 32, weight: str = "regular") -> np.ndarray:
    """Alpha of ``text`` drawn with plain fill."""
    return ts.text_sprite(ts.layout_lines([text], size, weight), ts.TextStyle())[0][..., 3]


@pytest.mark.parametrize("weight", ["regular", "bold"])
@pytest.mark.parametrize("brief", BRIEFS, ids=lambda p: p.stem)
def test_every_character_of_the_sample_briefs_has_a_real_glyph(brief, weight):
    text = brief_text(brief)
    assert ts.missing_glyphs(text, weight) == []
    chain = ts.font_chain(weight)
    for ch in sorted(set(text) - set(" \n")):
        idx = chain.font_index(ch)
        font = chain.font(idx, 40)
        glyph = np.asarray(font.getmask(ch))
        tofu = np.asarray(font.getmask(NOT_IN_ANY_FONT))  # what .notdef looks like in that font
        assert glyph.size and glyph.max() > 0, f"{ch!r} draws nothing"
        assert glyph.shape != tofu.shape or not np.array_equal(glyph, tofu), f"{ch!r} is a box"


def test_a_character_no_font_has_is_reported_and_not_drawn():
    assert ts.missing_glyphs(f"a{NOT_IN_ANY_FONT}b中") == [NOT_IN_ANY_FONT]
    assert np.array_equal(ink(f"a{NOT_IN_ANY_FONT}b"), ink("ab"))


def test_fallback_font_draws_what_noto_lacks():
    chain = ts.font_chain("regular")
    assert chain.font_index("中") == 0 and chain.font_index("A") == 0
    # Greek, arrows and dingbats beyond the Noto subset come from DejaVu Sans
    lacking = [ch for ch in "⌘☂✈♞" if chain.font_index(ch) not in (None, 0)]
    assert lacking, "the fallback font is never used"
    for ch in lacking:
        assert ink(ch).max() == 255


def test_bold_chain_falls_back_to_regular_for_rare_hanzi():
    bold = ts.font_chain("bold")
    assert bold.font_index("品") == 0  # GB2312: in the bold subset
    assert bold.font_index("龘") == 1  # outside GB2312: regular Noto
    assert ts.missing_glyphs("龘", "bold") == []


CJK = "每一个清晨都值得杯好咖啡晨光意式浓缩采用加厚骨瓷保温更持久手工上釉"
CLOSE = "，。！？、；：”）》"
OPEN = "“（《"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list(CJK) * 4 + list(CLOSE) + list(OPEN) + ["Hi", " ", "99"]),
                min_size=1, max_size=60),
       st.integers(min_value=40, max_value=500))
def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(pieces, width):
    text = "".join(pieces).strip()
    if not text:
        return
    lines = ts.break_lines(text, 24, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for i, line in enumerate(lines):
        if i > 0:
            assert line[0] not in ts.CLOSING, lines
        if i < len(lines) - 1:
            assert line[-1] not in ts.OPENING, lines


def test_english_breaks_between_words_only():
    text = "The SkyForge kit has everything you need for your first launch: rocket, engines and pad."
    lines = ts.break_lines(text, 30, 400)
    assert len(lines) > 1
    assert " ".join(lines) == text
    assert all(ts.text_width(x, 30) <= 400 for x in lines)


def test_balanced_lines_prefer_punctuation():
    lines = ts.break_lines("每一个清晨，都值得一杯好咖啡。晨光意式浓缩杯采用加厚骨瓷，保温更持久。", 40, 900)
    assert lines == ["每一个清晨，都值得一杯好咖啡。", "晨光意式浓缩杯采用加厚骨瓷，保温更持久。"]


@pytest.mark.parametrize("text", ["双十一限时特惠，两只装仅需99元！",
                                  "Climbs to 300 meters and floats home on its own parachute."])
def test_fit_text_fills_the_box_within_two_lines(text):
    small = ts.fit_text(text, (300, 120))
    big = ts.fit_text(text, (900, 300))
    for lay, (w, h) in ((small, (300, 120)), (big, (900, 300))):
        assert len(lay.lines) <= 2 and lay.width <= w and lay.height <= h and not lay.truncated
        assert all(ts.text_width(x, lay.size) <= w for x in lay.lines)
    assert big.size > small.size
    # one size more would no longer fit in two lines
    assert len(ts.break_lines(text, big.size + 2, 900, balance=False)) > 2 or \
        ts.layout_lines(ts.break_lines(text, big.size + 2, 900), big.size + 2).height > 300 or \
        big.size == 96


def test_text_that_cannot_fit_is_cut_with_an_ellipsis():
    lay = ts.fit_text("很长的文案" * 60, (200, 60), min_size=12)
    assert lay.truncated and len(lay.lines) <= 2 and lay.lines[-1].endswith("…")
    assert lay.height <= 60 and all(ts.text_width(x, lay.size) <= 200 for x in lay.lines)


def test_safe_areas_keep_out_of_platform_buttons():
    l, t, r, b = safearea.safe_area("9:16")
    assert (r, b) == (round(1080 * 0.88), round(1920 * 0.80)) and l > 0 and t > 0
    assert safearea.safe_area((540, 960)) == tuple(round(v / 2) for v in (l, t, r, b))
    for aspect, (w, h) in {"1:1": (1080, 1080), "16:9": (1920, 1080)}.items():
        l, t, r, b = safearea.safe_area(aspect)
        assert 0 < l < r < w and 0 < t < b < h
    assert safearea.aspect_name((1280, 720)) == "16:9"


def test_sprite_styles_put_ink_where_expected():
    lay = ts.layout_lines(["咖啡 Coffee"], 40)
    plain, (dx, dy) = ts.text_sprite(lay, ts.TextStyle())
    outlined, (ox, _) = ts.text_sprite(lay, ts.TextStyle(outline=4))
    boxed, _ = ts.text_sprite(lay, ts.TextStyle(box=(0, 0, 0), box_pad=10, box_opacity=1.0))
    assert dx == dy == -2 and ox == -6
    assert (outlined[..., 3] > 0).sum() > (plain[..., 3] > 0).sum() * 1.3
    assert (boxed[10:-10, 10:-10, 3] == 255).all()  # the box is opaque under the text


def test_paste_sprite_blends_and_clips():
    frame = np.full((20, 20, 3), 100, np.uint8)
    sprite = np.zeros((10, 10, 4), np.uint8)
    sprite[..., :3] = 200
    sprite[..., 3] = 128
    ts.paste_sprite(frame, sprite, (15, -5))  # half outside: clipped, no error
    assert frame[0, 17, 0] == round(100 + (200 - 100) * 128 / 255)
    assert frame[10, 17, 0] == 100 and frame[0, 10, 0] == 100


def test_contrast_ratio_matches_wcag():
    assert ts.contrast_ratio((255, 255, 255), (0, 0, 0)) == pytest.approx(21.0)
    assert ts.contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert ts.contrast_ratio((40, 40, 40), (40, 40, 40)) == 1.0


# --- bounded fitting -----------------------------------------------------------------------------

class MeasureCounter:
    """Counts calls of typeset.text_width (the one measuring function fitting uses) and the
    characters they measure, around the real function."""

    def __init__(self, monkeypatch):
        self.calls = self.chars = 0
        real = ts.text_width

        def counted(text, size, weight="regular"):
            self.calls += 1
            self.chars += len(text)
            return real(text, size, weight)

        monkeypatch.setattr(ts, "text_width", counted)


@pytest.mark.parametrize("text", ["a" * 20_000,  # one 20,000-character word
                                  ("Fresh roasted beans every single morning, delivered. " * 40)[:2000],
                                  ("每一个清晨，都值得一杯好咖啡。" * 140)[:2000]],
                         ids=["word-20000", "copy-en-2000", "copy-zh-2000"])
def test_fitting_long_text_takes_bounded_work(monkeypatch, text):
    count = MeasureCounter(monkeypatch)
    lay = ts.fit_text(text, (900, 200), max_lines=2, max_size=60, min_size=20)
    assert lay.truncated and 1 <= len(lay.lines) <= 2 and lay.lines[-1].endswith(ts.ELLIPSIS)
    assert all(ts.text_width(x, lay.size) <= 900 for x in lay.lines) and lay.height <= 200
    # Trimming one character at a time took ~len(text) measures of the whole line each (the
    # 20,000-character word never finished); now: a few tries, each a couple of lines.
    assert count.calls < 600
    assert count.chars < 40 * min(len(text), ts.MAX_TEXT_CHARS) + 40 * 200
    if len(text) > ts.MAX_TEXT_CHARS:
        assert f"{ts.MAX_TEXT_CHARS:,} of {len(text):,} characters" in lay.note


def test_cut_to_width_is_a_binary_search(monkeypatch):
    count = MeasureCounter(monkeypatch)
    cut = ts.cut_to_width("x" * 5000, 20, 300)
    assert cut.endswith(ts.ELLIPSIS) and ts.text_width(cut, 20) <= 300
    assert ts.text_width("x" * len(cut) + ts.ELLIPSIS, 20) > 300  # one more would not fit
    assert count.calls <= 16  # log2(5000) + a few


def test_a_long_word_after_a_short_one_is_cut_at_the_box_edge():
    lay = ts.fit_text("Visit " + "w" * 3000 + " today", (400, 200), max_lines=2, max_size=40)
    assert lay.truncated and lay.lines[0] == "Visit" and lay.lines[1].startswith("www")
    assert all(ts.text_width(x, lay.size) <= 400 for x in lay.lines)


def test_short_text_has_no_note():
    assert ts.fit_text("Order now", (400, 100)).note == ""


def test_control_characters_are_never_drawn():
    lay = ts.fit_text("Bell\x07 Null\x00 Esc\x1b[31m red\x9b\x7f", (900, 200))
    assert lay.lines == ("Bell Null Esc[31m red",)
    assert ts.strip_controls("a\tb\r\nc\rd\x00") == "a\tb\nc\nd"


# --- scripts: right to left, Korean ------------------------------------------------------------------

needs_raqm = pytest.mark.skipif(not ts.RAQM, reason="Pillow has no raqm layout here (libfribidi0 missing)")


def components(alpha: np.ndarray) -> int:
    """Connected pieces of ink (8-connected, alpha > 100)."""
    import cv2

    return cv2.connectedComponents((alpha > 100).astype(np.uint8), connectivity=8)[0] - 1


@needs_raqm
def test_arabic_letters_are_joined():
    word = "سلام"  # seen-lam-alef join into one piece; alef never joins left, so meem stands alone
    joined = ink(word, 64)
    apart = ink(" ".join(word), 64)
    assert components(joined) == 2 and components(apart) == 4
    # joined forms are narrower than the letters standing alone
    assert ts.text_width(word, 64) < sum(ts.text_width(ch, 64) for ch in word) * 0.9
    assert ts.missing_glyphs(word) == [] and ts.fit_text(word, (400, 100)).note == ""


@needs_raqm
def test_hebrew_runs_right_to_left():
    from PIL import Image, ImageDraw, ImageFont

    word = "שלום"
    drawn = ink(word, 64)
    font = ImageFont.truetype(str(ts.FONT_DIR / "NotoSansHebrew-Regular.ttf"), 64,
                              layout_engine=ImageFont.Layout.BASIC)

    def basic(text: str) -> np.ndarray:  # letters placed left to right as given, no layout
        img = Image.new("L", drawn.shape[::-1], 0)
        ImageDraw.Draw(img).text((2, 2 + ts.layout_lines([word], 64).ascent), text, font=font,
                                 fill=255, anchor="ls")
        return np.asarray(img, np.float64)

    def corr(a, b) -> float:
        return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])

    shown = drawn.astype(np.float64)
    assert corr(shown, basic(word[::-1])) > 0.95 > corr(shown, basic(word)) + 0.3


@needs_raqm
def test_mixed_line_is_put_in_display_order():
    chain = ts.font_chain()
    runs = [(text, rtl) for _, text, rtl in chain.directed_runs("Price سعر 99 ريال!")]
    # left to right on screen: the Latin word, then the Arabic phrase read from the right (its
    # last word first), the number in it still left to right, the "!" after it all
    assert [t for t, _ in runs] == ["Price ", "ريال", " ", "99", "سعر ", "!"]
    assert [rtl for _, rtl in runs] == [False, True, True, False, True, False]
    assert ts.bidi_levels("שלום 42") == [1, 1, 1, 1, 1, 2, 2]
    # in a Hebrew line a Latin word in brackets keeps its brackets (drawn mirrored, right to left)
    runs = [text for _, text, _ in chain.directed_runs("עברית (test) 123")]
    assert runs == ["123", ") ", "test", "(", "עברית "]


def test_without_raqm_right_to_left_letters_are_refused_with_a_note(monkeypatch):
    from promodesk.engines.visuals import fonts

    monkeypatch.setattr(fonts, "RAQM", False)  # the font chains read it where they live
    ts._text_width.cache_clear()
    try:
        assert ts.missing_glyphs("Hi سلام") == list("سلام")
        lay = ts.fit_text("Hi سلام", (400, 100))
        assert "libfribidi0" in lay.note
        # left out when drawn: the line takes the room of "Hi " and draws only "Hi"
        assert ts.text_width("Hi سلام", 40) == ts.text_width("Hi ", 40)
        assert components(ink("Hi سلام", 40)) == components(ink("Hi", 40))
    finally:
        ts._text_width.cache_clear()


def test_korean_is_drawn():
    text = "안녕하세요 여러분"
    assert ts.missing_glyphs(text) == [] and ts.missing_glyphs(text, "bold") == []
    alpha = ink(text, 40)
    assert components(alpha) >= 8  # glyphs, not one box per character
    han = ink("每一个清晨 一个人", 40)
    assert 0.5 < (alpha > 100).sum() / (han > 100).sum() < 2.0


def test_korean_breaks_between_words():
    text = "지금 주문하시면 두 개를 한 개 가격에 드립니다"
    lines = ts.break_lines(text, 33, 300)
    assert len(lines) > 1 and " ".join(lines) == text  # every break is at a space
