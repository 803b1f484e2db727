"""Captions on frames: placed in the platform's safe area, at most two lines, sized to fit, and
always legible.

A :class:`Caption` is prepared once per cue (layout, look and sprites) and then drawn on every
frame of the cue with a cheap alpha blend. Legibility: the pixels under the caption are sampled
from the frames it will sit on (start, middle, end of the cue) and the look is chosen so that the
text's fill against what directly surrounds it (outline, or box over the photo) reaches a WCAG
contrast ratio of at least 4.5:1 (:data:`MIN_CONTRAST`). Styles: ``outline`` (white text, dark
outline, a shadow on busy or bright backgrounds), ``boxed`` (white text on a dark box as opaque as
the background needs) and ``karaoke`` (outline, with pieces highlighted one after another: words
in English, pairs of hanzi in Chinese). Characters no bundled font has are left out and listed in
``Caption.missing`` so the exporter can report them; control characters (NUL, BEL, ESC, ...) are
stripped; ``Caption.note`` says what else was left out (text past the length cap, right-to-left
letters without the raqm layout).
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from promodesk.engines.visuals import typeset as ts
from promodesk.engines.visuals import safearea

STYLES = ("outline", "boxed", "karaoke")
MIN_CONTRAST = 4.5
WHITE = (255, 255, 255)
INK = (16, 16, 16)
HIGHLIGHT = (255, 210, 0)
FADE_US = 100_000  # captions fade in and out over 0.1 s instead of popping


def fit_caption(text: str, size: tuple[int, int], style: str = "outline") -> ts.TextLayout:
    """The caption's layout: at most two balanced lines, the largest size that fits the caption
    area of a frame of ``size`` (w, h) with room for its outline or box."""
    left, top, right, bottom = safearea.caption_area(size)
    lo, hi = safearea.caption_size_limits(size)
    reserve = safearea.caption_reserve(style, hi)
    return ts.fit_text(text, (right - left - 2 * reserve, bottom - top - 2 * reserve),
                       max_lines=2, max_size=hi, min_size=lo)


def choose_look(style: str, background: np.ndarray, font_size: int) -> ts.TextStyle:
    """The drawing style for caption ``style`` over ``background`` pixels ((n, 3) uint8 sampled
    from under the caption): fill, outline, shadow or box chosen so that the fill reaches
    :data:`MIN_CONTRAST` against its immediate surround over every sampled pixel."""
    bg = np.asarray(background, np.float64).reshape(-1, 3)
    lum = ts.relative_luminance(bg) if len(bg) else np.zeros(1)
    brightest = float(np.percentile(lum, 99))
    dark_enough = (1.05 / (brightest + 0.05)) >= MIN_CONTRAST * 1.2
    if style == "boxed":
        pad, radius = safearea.caption_reserve("boxed", font_size), round(font_size * 0.25)
        for opacity in np.arange(0.55, 1.0001, 0.05):
            box_lum = ts.relative_luminance(bg * (1 - opacity)) if len(bg) else np.zeros(1)
            if (1.05 / (float(np.max(box_lum)) + 0.05)) >= MIN_CONTRAST * 1.1:
                break
        return ts.TextStyle(fill=WHITE, box=(0, 0, 0), box_opacity=float(min(opacity, 1.0)),
                            box_pad=pad, box_radius=radius)
    if dark_enough:  # the photo itself is dark under the text: a fine outline is enough
        return ts.TextStyle(fill=WHITE, outline=max(2, round(font_size * 0.06)), outline_color=INK,
                            shadow=font_size * 0.05, shadow_offset=(0, max(1, font_size // 24)),
                            shadow_opacity=0.6)
    return ts.TextStyle(fill=WHITE, outline=max(2, round(font_size * 0.11)), outline_color=INK,
                        shadow=font_size * 0.07, shadow_offset=(0, max(1, font_size // 16)),
                        shadow_opacity=0.75)


def _karaoke_groups(line: str) -> list[str]:
    """Pieces of a line highlighted together: English words; Chinese in pairs of hanzi."""
    groups: list[str] = []
    for piece in ts.text_pieces(line):
        last = groups[-1].strip()[-1] if groups else ""
        if last and ts.is_cjk(piece.strip()[0]) and ts.is_cjk(last) and last not in ts.CLOSING \
                and not piece.startswith(" ") and _cjk_count(groups[-1]) < 2:
            groups[-1] += piece
        else:
            groups.append(piece)
    return groups


def _cjk_count(s: str) -> int:
    return sum(1 for ch in s if ts.is_cjk(ch) and ch not in ts.CLOSING)


class Caption:
    """One cue prepared for drawing on frames of ``size`` (w, h pixels).

    ``background(t_us)`` returns the frame the caption will sit on at ``t_us`` microseconds into
    the cue (without captions), used to choose a legible look; None assumes a mid-grey photo.
    After construction: ``layout``, ``look`` (the chosen :class:`~typeset.TextStyle`), ``xy`` (top-left
    pixel of the sprite), ``box`` (left, top, right, bottom of the sprite: all ink is inside it),
    ``missing`` (characters no bundled font has; they are not drawn) and ``note`` (what else was
    left out, for the user; "" if nothing)."""

    def __init__(self, text: str, style: str, size: tuple[int, int], duration_us: int,
                 background: Callable[[int], np.ndarray] | None = None):
        self.style = style if style in STYLES else "outline"
        self.size, self.duration = size, duration_us
        text = ts.strip_controls(text)
        self.missing = ts.missing_glyphs(text[:ts.MAX_TEXT_CHARS])
        self.layout = fit_caption(text, size, self.style)
        self.note = self.layout.note
        left, top, right, bottom = safearea.caption_area(size)
        m = safearea.caption_reserve(self.style, self.layout.size)
        w, h = self.layout.width + 2 * m, self.layout.height + 2 * m
        x = (left + right - w) // 2
        self.xy = (max(left, min(x, right - w)), bottom - h)
        self.box = (self.xy[0], self.xy[1], self.xy[0] + w, self.xy[1] + h)
        samples = self._sample(background)
        self.look = choose_look(self.style, samples, self.layout.size)
        sprite, (dx, dy) = ts.text_sprite(self.layout, self.look)
        # the sprite's own margin is at most the reserve; centre it in the reserved box
        self.text_origin = (self.xy[0] + m, self.xy[1] + m)  # the layout box's top-left
        self._offset = (self.xy[0] + m + dx, self.xy[1] + m + dy)
        self.sprite = ts.prepare_sprite(sprite)
        self.highlight = None
        if self.style == "karaoke":
            lit = ts.TextStyle(**{**self.look.__dict__, "fill": HIGHLIGHT})
            self.highlight = ts.prepare_sprite(ts.text_sprite(self.layout, lit)[0])
            self._groups = self._karaoke_boxes(-dx)

    def _sample(self, background) -> np.ndarray:
        if background is None:
            return np.full((1, 3), 128, np.uint8)
        l, t, r, b = self.box
        picks = [background(u) for u in (0, self.duration // 2, max(0, self.duration - 1))]
        return np.concatenate([f[t:b:3, l:r:3].reshape(-1, 3) for f in picks])

    def _karaoke_boxes(self, m: int) -> list[tuple[int, int, int, int]]:
        """(start_us, line, x_from, x_to) per highlight group: at start_us the line is lit from
        sprite column x_from to x_to; from the left edge on, or from the right edge for a line
        that reads right to left (Arabic, Hebrew)."""
        lay, pad = self.layout, self.look.outline + 1
        groups, weights = [], []
        for i, line in enumerate(lay.lines):
            x0 = m + ts.line_x(lay, i, self.look.align)
            rtl = ts.reads_right_to_left(line)
            x_end = int(np.ceil(x0 + ts.text_width(line, lay.size, lay.weight)))
            text = ""
            for g in _karaoke_groups(line):
                text += g
                width = ts.text_width(text, lay.size, lay.weight)
                groups.append((i, max(0, int(x_end - width) - pad), self.sprite.shape[1]) if rtl
                              else (i, 0, int(np.ceil(x0 + width)) + pad))
                weights.append(max(1, len(g.strip())))
        cum = np.concatenate([[0], np.cumsum(weights)]) / max(1, sum(weights))
        span = self.duration * 0.9  # the last piece lights up before the cue ends
        return [(int(span * cum[k]), i, a, b) for k, (i, a, b) in enumerate(groups)]

    def _bands(self) -> list[tuple[int, int]]:
        """Vertical sprite bands (y0, y1) of each line, split between the lines' glyphs."""
        lay, m = self.layout, self.look.margin()
        cuts = [m + lay.ascent + i * lay.line_height + round(lay.size * 0.26)
                for i in range(len(lay.lines) - 1)]
        edges = [0] + cuts + [self.sprite.shape[0]]
        return list(zip(edges[:-1], edges[1:]))

    def opacity(self, t_us: int) -> float:
        """Opacity 0..1 at ``t_us`` into the cue (short fades at both ends)."""
        if t_us < 0 or t_us >= self.duration:
            return 0.0
        fade = min(FADE_US, self.duration // 4) or 1
        return float(min(1.0, (t_us + 1) / fade, (self.duration - t_us) / fade))

    def draw(self, frame: np.ndarray, t_us: int) -> None:
        """Draw the caption onto RGB ``frame`` (in place) at ``t_us`` microseconds into the cue."""
        alpha = self.opacity(t_us)
        if alpha <= 0:
            return
        ts.paste_sprite(frame, self.sprite, self._offset, alpha)
        if self.highlight is None:
            return
        lit: dict[int, tuple[int, int]] = {}
        for start, line, x_from, x_to in self._groups:
            if start <= t_us:
                lit[line] = (x_from, x_to)
        bands = self._bands()
        for line, (x0, x1) in lit.items():
            y0, y1 = bands[line]
            h, cols = self.highlight, slice(x0, x1)
            piece = ts.PreparedSprite(h.rgb[y0:y1, cols], h.alpha[y0:y1, cols], h.inverse[y0:y1, cols])
            ts.paste_sprite(frame, piece, (self._offset[0] + x0, self._offset[1] + y0), alpha)
