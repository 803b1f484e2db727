"""Colours for a shot: the brand's when the brief gives them, else taken from the product photo.

A :class:`Palette` has a ``background`` (large fields: card backgrounds, text panels), an ``accent``
(price badge, call-to-action button) and, for each, the text colour that reads on it. Text colours
are chosen by WCAG 2 contrast ratio, so white or near-black, whichever is stronger, and the brand's
own light or dark colour when it reaches 4.5:1.
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

import numpy as np
from PIL import Image

from promodesk.engines.visuals.typeset import contrast_ratio

RGB = tuple[int, int, int]
WHITE: RGB = (255, 255, 255)
INK: RGB = (17, 17, 17)
READABLE = 4.5  # WCAG AA contrast for normal-size text


@dataclass(frozen=True)
class Palette:
    """Colours as 8-bit RGB tuples: field ``background`` with its ``text``, ``accent`` with its
    ``on_accent`` text, and ``muted`` (secondary text on the background, such as an old price)."""

    background: RGB
    text: RGB
    accent: RGB
    on_accent: RGB
    muted: RGB


def parse_hex(colour: str) -> RGB:
    """``"#rrggbb"`` (or ``"rrggbb"``, ``"#rgb"``) -> (r, g, b) 0..255; raises ValueError."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    if len(value) != 6:
        raise ValueError(f"not a colour: {colour!r} (use #rrggbb)")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def readable_text(background: RGB, preferred: list[RGB] | tuple = ()) -> RGB:
    """The first ``preferred`` colour reaching 4.5:1 on ``background``, else white or near-black,
    whichever contrasts more."""
    for colour in preferred:
        if contrast_ratio(colour, background) >= READABLE:
            return colour
    return WHITE if contrast_ratio(WHITE, background) >= contrast_ratio(INK, background) else INK


def palette_from_colors(colors: list[str], photo: Image.Image | None = None) -> Palette:
    """The palette for a shot's ``colors`` param: brand colours when given (first = background,
    second = accent), else :func:`palette_from_photo`, else a neutral dark palette."""
    brand = []
    for colour in colors or []:
        try:
            brand.append(parse_hex(colour))
        except ValueError:
            continue  # a bad brand colour falls back to the photo's, the shot still renders
    if not brand:
        return palette_from_photo(photo) if photo is not None else _build((28, 28, 32), (230, 80, 60))
    background = brand[0]
    accent = brand[1] if len(brand) > 1 else _accent_for(background)
    return _build(background, accent, preferred=brand[1:])


def palette_from_photo(photo: Image.Image) -> Palette:
    """A palette from the photo's own colours: its dominant colour (deepened so text reads on it)
    as background and its most vivid distinct colour as accent."""
    small = photo.copy()
    small.thumbnail((96, 96))
    pixels = np.asarray(small.convert("RGBA")).reshape(-1, 4)
    opaque = pixels[pixels[:, 3] >= 128, :3]  # a cut-out's transparent area is no colour of it
    if len(opaque) < 16:
        opaque = pixels[:, :3]
    strip = Image.fromarray(np.ascontiguousarray(opaque.reshape(1, -1, 3)))
    quantised = strip.quantize(colors=8, method=Image.Quantize.MEDIANCUT)
    flat = quantised.getpalette()
    counts = sorted(quantised.getcolors(), reverse=True)
    swatches = [(count / len(opaque), tuple(flat[i * 3: i * 3 + 3])) for count, i in counts]
    dominant = swatches[0][1]
    background = _deepen(dominant)
    best, best_score = None, 0.0
    for share, colour in swatches:
        _, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in colour))
        if saturation < 0.25:  # a grey or beige is no accent; pushing it vivid invents a colour
            continue
        distance = np.linalg.norm(np.subtract(colour, background)) / 441.0
        score = saturation * (0.3 + share) ** 0.5 * distance * (1 - abs(lightness - 0.5))
        if score > best_score:
            best, best_score = colour, score
    accent = _vivid(best) if best is not None and best_score > 0.02 else _accent_for(background)
    return _build(background, accent)


def _build(background: RGB, accent: RGB, preferred: list[RGB] | tuple = ()) -> Palette:
    text = readable_text(background, preferred)
    on_accent = readable_text(accent, [background] + list(preferred))
    muted = _mix(text, background, 0.35)
    if contrast_ratio(muted, background) < 3.0:
        muted = _mix(text, background, 0.15)
    return Palette(background, text, accent, on_accent, muted)


def _deepen(colour: RGB) -> RGB:
    """Darken a colour until white text reads on it (large fields look rich, not muddy, when dark)."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in colour))
    lightness = min(lightness, 0.26)
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, lightness, min(saturation, 0.7)))


def _vivid(colour: RGB) -> RGB:
    """Push an accent to a confident saturation and mid lightness."""
    hue, lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in colour))
    lightness = min(max(lightness, 0.45), 0.6)
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, lightness, max(saturation, 0.65)))


def _accent_for(background: RGB) -> RGB:
    """A warm accent that stands off ``background``: its complementary hue, vivid."""
    hue, _, _ = colorsys.rgb_to_hls(*(c / 255 for c in background))
    return tuple(round(c * 255) for c in colorsys.hls_to_rgb((hue + 0.5) % 1.0, 0.55, 0.75))


def _mix(a: RGB, b: RGB, amount_b: float) -> RGB:
    return tuple(round(x * (1 - amount_b) + y * amount_b) for x, y in zip(a, b))
