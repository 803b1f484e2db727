"""Captions on real pixels: inside the frame and the safe area, two lines at most, legible
(WCAG contrast of fill vs surround >= 4.5:1) on white and black photos, karaoke highlight."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from promodesk.engines.visuals import typeset as ts
from promodesk.render.captions import HIGHLIGHT, MIN_CONTRAST, Caption, choose_look
from promodesk.engines.visuals import safearea

SIZES = {"9:16": (540, 960), "1:1": (540, 540), "16:9": (960, 540)}
LONG_ZH = ("每一个清晨，都值得一杯好咖啡。晨光意式浓缩杯采用加厚骨瓷，保温更持久，"
           "手工上釉，温润如玉，握感舒适。")
LONG_EN = ("The SkyForge kit has everything you need for your first launch: rocket, engines "
           "and a reusable pad, snap-together parts, no glue, ready in under an hour.")
SHORT = "立即抢购"


def draw(text, style, size, background, t=500_000, duration=2_000_000):
    frame = background.copy()
    cap = Caption(text, style, size, duration, lambda u: background)
    cap.draw(frame, t)
    return cap, frame


def flat(size, value):
    w, h = size
    return np.full((h, w, 3), value, np.uint8)


@pytest.mark.parametrize("style", ["outline", "boxed", "karaoke"])
@pytest.mark.parametrize("text", [LONG_ZH, LONG_EN, SHORT], ids=["zh", "en", "short"])
@pytest.mark.parametrize("aspect", SIZES)
def test_ink_stays_inside_the_frame_and_the_safe_area(aspect, text, style):
    size = SIZES[aspect]
    bg = flat(size, 128)
    cap, frame = draw(text, style, size, bg)
    changed = np.argwhere(np.any(frame != bg, axis=2))
    assert len(changed) > 0, "nothing was drawn"
    (top, left), (bottom, right) = changed.min(0), changed.max(0)
    sl, st_, sr, sb = safearea.safe_area(size)
    assert sl <= left and right < sr and st_ <= top and bottom < sb, (aspect, (left, top, right, bottom))
    assert len(cap.layout.lines) <= 2
    for i, line in enumerate(cap.layout.lines):
        assert not (i and line[0] in ts.CLOSING)
    if text != SHORT:
        assert cap.layout.size >= 10


@pytest.mark.parametrize("style", ["outline", "boxed", "karaoke"])
@pytest.mark.parametrize("shade", [255, 0], ids=["white-photo", "black-photo"])
def test_fill_against_its_surround_reaches_wcag_contrast(shade, style):
    size = (540, 960)
    bg = flat(size, shade)
    # a little texture, as a photo has
    bg = np.clip(bg.astype(int) + np.random.default_rng(1).integers(-12, 13, bg.shape), 0, 255).astype(np.uint8)
    cap, frame = draw("晨光意式浓缩杯 Espresso", style, size, bg, t=1_000_000)
    # where the glyphs are: the same layout drawn plainly at the caption's text origin
    plain, (dx, dy) = ts.text_sprite(cap.layout, ts.TextStyle())
    x, y = cap.text_origin[0] + dx, cap.text_origin[1] + dy
    alpha = np.zeros(frame.shape[:2], np.uint8)
    alpha[y:y + plain.shape[0], x:x + plain.shape[1]] = plain[..., 3]
    core = cv2.erode((alpha == 255).astype(np.uint8), np.ones((2, 2), np.uint8)).astype(bool)
    glyph = alpha > 0
    ring = cv2.dilate(glyph.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) & ~glyph
    assert core.sum() > 200 and ring.sum() > 200
    ink = np.median(frame[core], axis=0)
    surround = np.median(frame[ring], axis=0)
    ratio = ts.contrast_ratio(ink, surround)
    assert ratio >= MIN_CONTRAST, (style, shade, ink, surround, ratio)


def test_a_dark_photo_gets_a_lighter_touch_than_a_bright_one():
    dark = choose_look("outline", np.full((100, 3), 10, np.uint8), 40)
    bright = choose_look("outline", np.full((100, 3), 245, np.uint8), 40)
    assert dark.outline < bright.outline
    light_box = choose_look("boxed", np.full((100, 3), 20, np.uint8), 40)
    heavy_box = choose_look("boxed", np.full((100, 3), 250, np.uint8), 40)
    assert light_box.box_opacity < heavy_box.box_opacity


def test_characters_no_font_has_are_reported_and_leave_no_box():
    size = (540, 960)
    bg = flat(size, 90)
    cap, frame = draw("新品\U00020000上市", "outline", size, bg)
    assert cap.missing == ["\U00020000"]
    _, expected = draw("新品上市", "outline", size, bg)
    assert np.array_equal(frame, expected)


def test_karaoke_lights_pieces_one_after_another():
    size = (540, 960)
    bg = flat(size, 40)

    def lit(t):
        _, frame = draw("双十一限时特惠，两只装仅需99元！", "karaoke", size, bg, t=t)
        return int(np.all(np.abs(frame.astype(int) - HIGHLIGHT) < 40, axis=2).sum())

    counts = [lit(t) for t in (150_000, 600_000, 1_200_000, 1_900_000)]
    assert counts[0] < counts[1] < counts[2] <= counts[3]
    assert counts[0] > 0


def test_captions_fade_in_and_out_and_are_off_outside_the_cue():
    cap = Caption("Hello", "outline", (540, 960), 1_000_000)
    assert cap.opacity(-1) == 0 and cap.opacity(1_000_000) == 0
    assert 0 < cap.opacity(20_000) < 1 and cap.opacity(500_000) == 1


def test_control_characters_are_stripped_from_captions():
    size = (540, 960)
    bg = flat(size, 90)
    cap, frame = draw("New\x00 in\x1b[0m store\x07", "outline", size, bg)
    assert cap.layout.lines == ("New in[0m store",) and cap.missing == [] and cap.note == ""
    _, expected = draw("New in[0m store", "outline", size, bg)
    assert np.array_equal(frame, expected)


@pytest.mark.skipif(not ts.RAQM, reason="Pillow has no raqm layout here (libfribidi0 missing)")
def test_arabic_caption_is_drawn_joined_and_inside_the_safe_area():
    size = (540, 960)
    bg = flat(size, 128)
    cap, frame = draw("عرض خاص اليوم فقط", "boxed", size, bg)
    assert cap.missing == [] and cap.note == ""
    changed = np.argwhere(np.any(frame != bg, axis=2))
    (top, left), (bottom, right) = changed.min(0), changed.max(0)
    sl, st_, sr, sb = safearea.safe_area(size)
    assert sl <= left and right < sr and st_ <= top and bottom < sb


def test_korean_caption_is_drawn():
    size = (540, 960)
    bg = flat(size, 128)
    cap, frame = draw("지금 주문하세요", "outline", size, bg)
    assert cap.missing == [] and np.any(frame != bg)


def test_a_huge_caption_is_capped_with_a_note():
    cap = Caption("促销" * 5000, "outline", (540, 960), 1_000_000)
    assert cap.layout.truncated and len(cap.layout.lines) <= 2
    assert "10,000 characters" in cap.note


@pytest.mark.skipif(not ts.RAQM, reason="Pillow has no raqm layout here (libfribidi0 missing)")
def test_karaoke_lights_a_right_to_left_line_from_the_right():
    size = (540, 960)
    bg = flat(size, 40)

    def lit_columns(t):
        _, frame = draw("اطلب الآن واحصل على كوبين", "karaoke", size, bg, t=t)
        mask = np.all(np.abs(frame.astype(int) - HIGHLIGHT) < 40, axis=2)
        return np.nonzero(mask.any(axis=0))[0]

    early, late = lit_columns(300_000), lit_columns(1_900_000)
    assert len(early) > 0 and len(late) > len(early)
    assert early.min() > late.min() and abs(int(early.max()) - int(late.max())) <= 3
