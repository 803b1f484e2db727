"""Text for shots and captions: bundled fonts with glyph fallback, line breaking, fitting text to a
box, and drawing it with Pillow as an RGBA sprite that is pasted onto frames.

Read top to bottom:

- Fonts: :mod:`promodesk.engines.visuals.fonts` (the bundled chains with glyph fallback, a
  shop's own font first, characters no font has, right-to-left runs); its names are importable
  from here too. Right-to-left runs are shaped by Pillow's raqm layout, which joins Arabic
  letters and draws them right to left.
- Platform safe areas and the caption band: :mod:`.safearea`.
- Line breaking: :func:`break_lines` breaks Chinese between characters with kinsoku rules (no line
  starts with closing punctuation ，。！？、；：”）》 or ends with opening punctuation “（《) and
  English between words; :func:`fit_text` picks the largest size at which the text fits a box in
  at most ``max_lines`` balanced lines, in bounded work: a binary search over sizes, each try
  breaking only ``max_lines + 1`` lines, text beyond :data:`MAX_TEXT_CHARS` cut with a note, and a
  binary search on the cut when the text must end in "…".
- Drawing: :func:`text_sprite` renders a :class:`TextLayout` with fill, outline, shadow and box into
  an RGBA numpy sprite (do it once per clip); :func:`paste_sprite` alpha-blends it onto a frame (the
  cheap per-frame step). :func:`contrast_ratio` is the WCAG 2 contrast of two colours.

Sizes are pixels; colours are (r, g, b) tuples of 0..255.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from promodesk.core.script import looks_japanese
from promodesk.engines.visuals import bidi, linebreak
# the fonts live in their own module; these names stay importable from here
from promodesk.engines.visuals.fonts import (FONT_DIR, FONT_FILES, RAQM, FontChain,  # noqa: F401
                                             FontError, first_font, first_font_path,
                                             font_chain, missing_glyphs, script_note)

CLOSING, OPENING = linebreak.CLOSING, linebreak.OPENING
text_pieces, is_cjk = linebreak.text_pieces, linebreak.is_cjk
strip_controls = linebreak.strip_controls
is_rtl, reads_right_to_left, bidi_levels = bidi.is_rtl, bidi.reads_right_to_left, bidi.bidi_levels
ELLIPSIS = "…"
# Longest text fitting looks at: a caption or title of two lines at the smallest size holds a
# few hundred characters at most, so more is cut (with a note) before any measuring.
MAX_TEXT_CHARS = 1000


def text_width(text: str, size: int, weight: str = "regular") -> float:
    """Advance width of one line of ``text`` at ``size`` pixels, in pixels."""
    return _text_width(text, int(size), weight)


# Keys are lines, short as a rule (fitting measures at most MAX_TEXT_CHARS + 1 characters).
@functools.lru_cache(maxsize=16384)
def _text_width(text: str, size: int, weight: str) -> float:
    chain = font_chain(weight)
    return sum(_run_length(chain, i, size, run, rtl)
               for i, run, rtl in chain.directed_runs(text, display=False))


def _run_length(chain: FontChain, index: int, size: int, run: str, rtl: bool) -> float:
    if rtl:
        return chain.font(index, size, shaped=True).getlength(run, direction="rtl")
    return chain.font(index, size).getlength(run)


# --- line breaking (rules in promodesk/engines/visuals/linebreak.py) ------------------------------------

def break_lines(text: str, size: int, max_width: float, weight: str = "regular",
                balance: bool = True, max_lines: int | None = None) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` pixels at ``size`` pixels with the
    bundled fonts: Chinese by characters with kinsoku rules, English by words; with ``balance``
    the lines are as even as the line count allows; with ``max_lines`` it stops after
    ``max_lines + 1`` lines (see :func:`linebreak.break_lines`)."""
    return linebreak.break_lines(text, max_width, lambda s: text_width(s, size, weight), balance,
                                 max_lines)


# --- fitting -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TextLayout:
    """Text set in lines: ``size`` and ``line_height`` in pixels; ``width``/``height`` the box the
    lines' advances fill (ink of outlines and shadows comes on top, see :func:`text_sprite`).
    ``truncated`` is True when the text did not fit at the smallest size and was cut with "…".
    ``note`` tells the user what was left out ("" if nothing): text past :data:`MAX_TEXT_CHARS`,
    or right-to-left letters this install cannot shape."""

    lines: tuple[str, ...]
    size: int
    line_height: int
    weight: str
    width: int
    height: int
    truncated: bool = False
    note: str = ""

    @property
    def ascent(self) -> int:
        return _metrics(self.weight, self.size)[0]


@functools.lru_cache(maxsize=1024)
def _metrics(weight: str, size: int) -> tuple[int, int]:
    ascent, descent = font_chain(weight).font(0, size).getmetrics()
    return ascent, descent


def layout_lines(lines: list[str], size: int, weight: str = "regular", leading: float = 1.2,
                 truncated: bool = False, note: str = "") -> TextLayout:
    """A :class:`TextLayout` of already broken ``lines`` at ``size`` pixels."""
    line_height = int(round(size * leading))
    ascent, descent = _metrics(weight, size)
    width = max((text_width(x, size, weight) for x in lines), default=0)
    height = line_height * (len(lines) - 1) + ascent + descent if lines else 0
    return TextLayout(tuple(lines), size, line_height, weight, int(np.ceil(width)), height,
                      truncated, note)


def cap_text(text: str, limit: int = MAX_TEXT_CHARS) -> tuple[str, str]:
    """(``text`` cut to ``limit`` characters, a note saying so or ""). Captions and titles are a
    line or two, so anything longer cannot be shown anyway; the cap keeps fitting work bounded."""
    if len(text) <= limit:
        return text, ""
    return text[:limit], (f"Only the first {limit:,} of {len(text):,} characters were used: a caption "
                          "or title longer than that cannot be shown. Shorten the text.")


def cut_to_width(text: str, size: int, max_width: float, weight: str = "regular",
                 suffix: str = ELLIPSIS) -> str:
    """The longest start of ``text`` that, with ``suffix``, is at most ``max_width`` pixels wide
    at ``size`` pixels, with ``suffix`` added: a binary search on the cut, so about log2(len)
    measures (one character at a time took one measure per character, each of the whole line)."""
    lo, hi = 0, len(text)  # text[:lo] + suffix fits (or lo == 0); text[:hi + 1] does not
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if text_width(text[:mid].rstrip() + suffix, size, weight) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + suffix


def fit_text(text: str, box: tuple[int, int], max_lines: int = 2, max_size: int = 96,
             min_size: int = 12, weight: str = "regular", leading: float = 1.2) -> TextLayout:
    """The largest-size layout of ``text`` that fits ``box`` (w, h pixels) in at most ``max_lines``
    lines (sizes searched between ``min_size`` and ``max_size`` pixels). If nothing fits, the text
    is set at ``min_size`` and cut to ``max_lines`` with "…" (``truncated`` True). Text past
    :data:`MAX_TEXT_CHARS` is cut first and ``note`` says so.

    Control characters (NUL, BEL, ESC, ...) are dropped. Work is bounded: about log2(sizes)
    tries, each measuring at most ``max_lines + 1`` lines, then a binary search on the cut, so a
    20,000-character word costs a few dozen measures."""
    w, h = box
    min_size = min(min_size, max_size)  # a small frame asks for less than the usual minimum
    if first_font_path() and ":" not in weight:
        weight = f"{weight}:{first_font_path()}"
    text, note = cap_text(strip_controls(text))
    note = " ".join(n for n in (note, script_note(text)) if n)

    def attempt(size: int, balance: bool = False) -> TextLayout | None:
        lines = break_lines(text, size, w, weight, balance, max_lines)
        if len(lines) > max_lines:
            return None
        lay = layout_lines(lines, size, weight, leading, note=note)
        return lay if lay.width <= w and lay.height <= h else None

    lo, hi, best = min_size, max_size, None
    while lo <= hi:
        mid = (lo + hi) // 2
        lay = attempt(mid)
        if lay:
            best, lo = lay, mid + 1
        else:
            hi = mid - 1
    if best:
        return attempt(best.size, balance=True) or best
    size = min_size
    while size > 6 and layout_lines(["国"] * max_lines, size, weight, leading).height > h:
        size -= 1
    broken = break_lines(text, size, w, weight, balance=False, max_lines=max_lines)
    lines = broken[:max_lines]
    # The text ends at the first line too wide for the box (one long word or URL) or at the
    # last line allowed when more text follows, cut to the box with "…" (text that was only
    # set smaller to fit the box's height keeps its end).
    for i, line in enumerate(lines):
        if (i == len(lines) - 1 and len(broken) > max_lines) or text_width(line, size, weight) > w:
            lines[i:] = [cut_to_width(line, size, w, weight)]
            break
    return layout_lines(lines or [ELLIPSIS], size, weight, leading, truncated=True, note=note)


# --- drawing -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TextStyle:
    """How to draw text: ``fill`` colour; ``outline`` width (pixels, 0 = none) and colour;
    ``shadow`` blur radius (0 = none), offset and opacity; ``box`` colour (None = no box) with
    ``box_opacity`` 0..1, ``box_pad`` and ``box_radius`` in pixels; ``align`` left/center/right."""

    fill: tuple[int, int, int] = (255, 255, 255)
    outline: int = 0
    outline_color: tuple[int, int, int] = (0, 0, 0)
    shadow: float = 0.0
    shadow_offset: tuple[int, int] = (0, 0)
    shadow_color: tuple[int, int, int] = (0, 0, 0)
    shadow_opacity: float = 0.8
    box: tuple[int, int, int] | None = None
    box_opacity: float = 0.85
    box_pad: int = 0
    box_radius: int = 0
    align: str = "center"

    def margin(self) -> int:
        """Pixels the ink may reach outside the layout box on any side."""
        sx, sy = self.shadow_offset
        shadow = int(np.ceil(self.shadow * 2)) + max(abs(sx), abs(sy)) if self.shadow else 0
        return max(self.outline + 2, shadow + self.outline, self.box_pad)


def line_x(layout: TextLayout, index: int, align: str) -> float:
    """Left edge in pixels of line ``index`` inside the layout box for ``align``."""
    free = layout.width - text_width(layout.lines[index], layout.size, layout.weight)
    return {"left": 0.0, "center": free / 2, "right": free}[align]


def text_language(layout: TextLayout) -> str | None:
    """The OpenType language to set ``layout`` in: "ja" for Japanese (kana decide, see
    :func:`~promodesk.core.script.looks_japanese`), so the CJK font draws the Japanese forms of
    the kanji whose Japanese and Chinese shapes differ (直, 骨, 今); None for everything else
    (the font's own, Simplified Chinese, forms), and without raqm layout."""
    return "ja" if RAQM and looks_japanese("".join(layout.lines)) else None


def _draw_runs(draw: ImageDraw.ImageDraw, layout: TextLayout, ox: float, oy: float, align: str,
               fill, stroke: int = 0, stroke_fill=None) -> None:
    chain = font_chain(layout.weight)
    language = text_language(layout)
    for i, line in enumerate(layout.lines):
        x = ox + line_x(layout, i, align)
        y = oy + layout.ascent + i * layout.line_height
        for idx, run, rtl in chain.directed_runs(line):
            # shaped by raqm for right-to-left runs and for a language's forms (its locl)
            font = chain.font(idx, layout.size, shaped=rtl or language is not None)
            extra = {"direction": "rtl"} if rtl else {}
            if language is not None:
                extra["language"] = language
            draw.text((x, y), run, font=font, fill=fill, anchor="ls",
                      stroke_width=stroke, stroke_fill=stroke_fill, **extra)
            x += _run_length(chain, idx, layout.size, run, rtl)


def text_sprite(layout: TextLayout, style: TextStyle) -> tuple[np.ndarray, tuple[int, int]]:
    """Render ``layout`` with ``style`` into an RGBA uint8 sprite (h, w, 4), not premultiplied.
    Returns (sprite, (dx, dy)): the sprite's top-left relative to the layout box's top-left
    (negative: outline, shadow and box reach outside the box)."""
    m = style.margin()
    w, h = layout.width + 2 * m, layout.height + 2 * m
    ink = Image.new("L", (w, h), 0)  # coverage of the text (+ outline)
    draw = ImageDraw.Draw(ink)
    if style.outline:
        _draw_runs(draw, layout, m, m, style.align, 255, style.outline, 255)
    else:
        _draw_runs(draw, layout, m, m, style.align, 255)
    fill_mask = Image.new("L", (w, h), 0)
    _draw_runs(ImageDraw.Draw(fill_mask), layout, m, m, style.align, 255)

    rgb = np.zeros((h, w, 3), np.float32)
    alpha = np.zeros((h, w), np.float32)

    def over(color, a: np.ndarray) -> None:
        nonlocal rgb, alpha
        a = a[..., None]
        rgb = np.asarray(color, np.float32) * a + rgb * (1 - a)
        alpha = a[..., 0] + alpha * (1 - a[..., 0])

    if style.box is not None:
        box = Image.new("L", (w, h), 0)
        ImageDraw.Draw(box).rounded_rectangle(
            (m - style.box_pad, m - style.box_pad, m + layout.width + style.box_pad - 1,
             m + layout.height + style.box_pad - 1), radius=style.box_radius, fill=255)
        over(style.box, np.asarray(box, np.float32) / 255 * style.box_opacity)
    if style.shadow:
        shadow = ink.filter(ImageFilter.GaussianBlur(style.shadow))
        sx, sy = style.shadow_offset
        shadow = Image.Image.transform(shadow, shadow.size, Image.Transform.AFFINE,
                                       (1, 0, -sx, 0, 1, -sy))
        over(style.shadow_color, np.asarray(shadow, np.float32) / 255 * style.shadow_opacity)
    if style.outline:
        over(style.outline_color, np.asarray(ink, np.float32) / 255)
    over(style.fill, np.asarray(fill_mask, np.float32) / 255)
    safe = np.maximum(alpha, 1e-6)[..., None]
    out = np.dstack([np.clip(rgb / safe, 0, 255), alpha * 255]).round().astype(np.uint8)
    return out, (-m, -m)


@dataclass(frozen=True)
class PreparedSprite:
    """A sprite split once for fast blending: ``rgb`` uint8 (h, w, 3), ``alpha`` and ``inverse``
    (1 - alpha) float32 (h, w) in 0..1. Make it with :func:`prepare_sprite`."""

    rgb: np.ndarray
    alpha: np.ndarray
    inverse: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return self.alpha.shape


def prepare_sprite(sprite: np.ndarray) -> PreparedSprite:
    """An RGBA uint8 sprite ready for repeated :func:`paste_sprite` calls (once per clip)."""
    alpha = sprite[..., 3].astype(np.float32) / 255.0
    return PreparedSprite(np.ascontiguousarray(sprite[..., :3]), alpha, 1.0 - alpha)


def paste_sprite(frame: np.ndarray, sprite: np.ndarray | PreparedSprite, xy: tuple[int, int],
                 opacity: float = 1.0) -> None:
    """Alpha-blend ``sprite`` (RGBA uint8, or a :class:`PreparedSprite`) onto RGB uint8 ``frame``
    (h, w, 3) in place with its top-left at pixel ``xy``; parts outside the frame are clipped.
    ``opacity`` 0..1 scales the sprite. One OpenCV pass that releases the GIL."""
    if not isinstance(sprite, PreparedSprite):
        sprite = prepare_sprite(sprite)
    x, y = int(round(xy[0])), int(round(xy[1]))
    fh, fw = frame.shape[:2]
    sh, sw = sprite.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + sw, fw), min(y + sh, fh)
    if x0 >= x1 or y0 >= y1 or opacity <= 0:
        return
    crop = (slice(y0 - y, y1 - y), slice(x0 - x, x1 - x))
    alpha, inverse = sprite.alpha[crop], sprite.inverse[crop]
    if opacity < 1.0:
        alpha = alpha * np.float32(opacity)
        inverse = 1.0 - alpha
    dst = frame[y0:y1, x0:x1]
    dst[...] = cv2.blendLinear(np.ascontiguousarray(sprite.rgb[crop]), np.ascontiguousarray(dst),
                               np.ascontiguousarray(alpha), np.ascontiguousarray(inverse))


# --- contrast ------------------------------------------------------------------------------------

def relative_luminance(rgb) -> np.ndarray | float:
    """WCAG 2 relative luminance (0..1) of sRGB colour(s) given as 0..255 (last axis r, g, b)."""
    c = np.asarray(rgb, np.float64) / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def contrast_ratio(a, b) -> float:
    """WCAG 2 contrast ratio (1..21) between colours ``a`` and ``b`` (0..255 r, g, b)."""
    la, lb = float(relative_luminance(a)), float(relative_luminance(b))
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)
