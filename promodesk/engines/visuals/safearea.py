"""Where text and overlays may go in a frame: the platform safe area per aspect (out of the way of
TikTok/Douyin/Reels buttons, feed margins, a player's control bar) and the caption band at its
bottom, with the caption sizes that fit it. Pixel boxes are (left, top, right, bottom), right and
bottom exclusive."""

from __future__ import annotations

import numpy as np

# Fractions of the frame kept clear (left, top, right, bottom): 9:16 stays out of the bottom 20%
# and right 12% where TikTok/Douyin/Reels draw their buttons and the top bar; 1:1 keeps a feed
# margin; 16:9 keeps title-safe margins and the player's control bar.
SAFE_MARGINS = {
    "9:16": (0.06, 0.10, 0.12, 0.20),
    "1:1": (0.07, 0.07, 0.07, 0.10),
    "16:9": (0.05, 0.06, 0.05, 0.12),
}


def aspect_name(size: tuple[int, int]) -> str:
    """The platform aspect ("9:16", "1:1" or "16:9") nearest to ``size`` (w, h) in pixels."""
    w, h = size
    ratio = w / h
    return min(SAFE_MARGINS, key=lambda a: abs(np.log(ratio / _ratio(a))))


def _ratio(aspect: str) -> float:
    a, b = aspect.split(":")
    return int(a) / int(b)


def safe_area(aspect: str | tuple[int, int], size: tuple[int, int] | None = None
              ) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixel box text must stay inside (right/bottom exclusive).

    ``aspect`` is "9:16", "1:1" or "16:9" (the canvas is then its preset size unless ``size`` is
    given) or a frame size (w, h), whose nearest aspect's margins are used."""
    if isinstance(aspect, str):
        from promodesk.core.timeline import ASPECTS

        if aspect not in SAFE_MARGINS:
            raise ValueError(f"aspect must be one of {', '.join(SAFE_MARGINS)}, not {aspect!r}")
        w, h = size or ASPECTS[aspect]
        name = aspect
    else:
        w, h = aspect
        name = aspect_name((w, h))
    ml, mt, mr, mb = SAFE_MARGINS[name]
    return (int(round(w * ml)), int(round(h * mt)), int(round(w * (1 - mr))), int(round(h * (1 - mb))))


def caption_size_limits(size: tuple[int, int]) -> tuple[int, int]:
    """(min, max) caption font size in pixels for a frame of ``size`` (w, h)."""
    short = min(size)
    return max(10, round(short * 0.028)), max(12, round(short * 0.062))


def caption_reserve(style: str, font_size: int) -> int:
    """Pixels kept free around caption text for its outline, shadow or box at ``font_size``."""
    return max(3, round(font_size * (0.36 if style == "boxed" else 0.33)))


def caption_area(size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixel box captions may occupy in a frame of ``size``: the lower
    part of the platform safe area, two lines of the largest caption size with their box. Shots
    keep their own text (and in portrait their product) above its top."""
    left, top, right, bottom = safe_area(size)
    _, max_size = caption_size_limits(size)
    height = 2 * round(max_size * 1.2) + round(max_size * 0.5) + 2 * caption_reserve("boxed", max_size)
    return left, max(top, bottom - height), right, bottom


def _hits(a, b) -> bool:
    """Whether pixel boxes ``a`` and ``b`` (left, top, right, bottom; exclusive) share a pixel."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def clear_spot(width: int, height: int, preferred: tuple[int, int],
               area: tuple[int, int, int, int], keep_out, gap: int = 0,
               sideways: bool = True) -> tuple[int, int] | None:
    """Top-left (x, y) in pixels of a ``width`` x ``height`` box inside ``area`` that touches none of
    the ``keep_out`` boxes (each grown by ``gap`` pixels), nearest to ``preferred`` (its wanted
    top-left): where it is, or just above, below, left or right of a box in the way. None when
    no such spot exists (the caller shrinks the box and asks again). ``sideways`` False allows
    only moves up and down."""
    left, top, right, bottom = area
    if width > right - left or height > bottom - top:
        return None
    grown = [(l - gap, t - gap, r + gap, b + gap) for l, t, r, b in keep_out]
    px, py = preferred
    xs, ys = {px}, {py}
    for l, t, r, b in grown:
        if sideways:
            xs.update((l - width, r))
        ys.update((t - height, b))
    spots = {(min(max(x, left), right - width), min(max(y, top), bottom - height))
             for x in xs for y in ys}
    free = [s for s in spots
            if not any(_hits((s[0], s[1], s[0] + width, s[1] + height), g) for g in grown)]
    # a vertical move keeps the caption centred under the picture, so it costs less than a sideways one
    return min(free, key=lambda s: (abs(s[1] - py) + 2 * abs(s[0] - px), s)) if free else None
