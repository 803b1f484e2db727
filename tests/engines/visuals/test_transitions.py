"""Transitions start exactly on the outgoing frame, end exactly on the incoming one, and are in
between in the middle."""

from __future__ import annotations

import numpy as np
import pytest

from promodesk.engines.visuals.transitions import KINDS, blend, ease_in_out

H, W = 120, 200


def frames():
    """Two frames that differ everywhere: a red one with a yellow block, a blue one with a green."""
    a = np.zeros((H, W, 3), np.uint8)
    a[:] = (200, 30, 30)
    a[40:80, 60:140] = (255, 255, 0)
    b = np.zeros((H, W, 3), np.uint8)
    b[:] = (30, 30, 200)
    b[10:30, 10:30] = (0, 255, 0)
    return a, b


@pytest.mark.parametrize("kind", KINDS)
def test_ends_equal_the_inputs(kind):
    a, b = frames()
    assert np.array_equal(blend(a, b, kind, 0.0), a)
    assert np.array_equal(blend(a, b, kind, 1.0), b)
    assert np.array_equal(blend(a, b, kind, -0.2), a)       # clamped outside 0..1
    assert np.array_equal(blend(a, b, kind, 1.3), b)
    middle = blend(a, b, kind, 0.5)
    assert middle.shape == a.shape and middle.dtype == np.uint8


@pytest.mark.parametrize("kind", ["crossfade", "slide", "zoom"])
def test_middle_is_between(kind):
    a, b = frames()
    middle = blend(a, b, kind, 0.5).astype(int)
    assert not np.array_equal(middle, a) and not np.array_equal(middle, b)
    # the blue share of the frame grows with progress
    blue = [blend(a, b, kind, p)[..., 2].astype(int).mean() for p in np.linspace(0, 1, 11)]
    assert all(y >= x - 0.5 for x, y in zip(blue, blue[1:])), blue
    assert blue[0] < blue[5] < blue[10]


def test_crossfade_mixes_every_pixel():
    a, b = frames()
    middle = blend(a, b, "crossfade", 0.5).astype(int)
    expected = (a.astype(int) + b.astype(int)) / 2          # ease_in_out(0.5) == 0.5
    assert np.abs(middle - expected).max() <= 1


def test_slide_pushes_a_out_to_the_left():
    a, b = frames()
    quarter = blend(a, b, "slide", 0.25)
    shift = ease_in_out(0.25) * W                            # 12.5 px: a fractional offset
    # the left part shows a moved left by `shift`: a's yellow block now starts at 60 - shift
    row = quarter[60, :, 1].astype(int)
    start = np.argmax(row > 128)
    assert abs(start - (60 - shift)) <= 1
    # b's green block enters from the right edge at the same offset
    green = quarter[20, :, 1].astype(int)
    assert abs(np.argmax(green > 128) - (W - shift + 10)) <= 1
    # half way the frame is exactly a's right half beside b's left half
    half = blend(a, b, "slide", 0.5)
    assert np.array_equal(half[:, : W // 2], a[:, W // 2:])
    assert np.array_equal(half[:, W // 2:], b[:, : W // 2])


def test_cut_switches_at_the_middle():
    a, b = frames()
    assert np.array_equal(blend(a, b, "cut", 0.49), a)
    assert np.array_equal(blend(a, b, "cut", 0.5), b)


def test_bad_input_is_refused():
    a, b = frames()
    with pytest.raises(ValueError, match="wipe"):
        blend(a, b, "wipe", 0.5)
    with pytest.raises(ValueError, match="size"):
        blend(a, b[:, :100], "crossfade", 0.5)
