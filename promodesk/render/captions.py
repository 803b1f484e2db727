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
letters without the raqm layout, a font file that could not be read).

A :class:`~promodesk.core.captionstyle.CaptionStyle` changes the look: font, size, colours,
outline, shadow, box, karaoke highlight and position (clamped into the safe area). A style that is
its preset's own look draws exactly what the preset drew before styles existed. ``keep_out``
boxes (a shot's titles, badges and buttons: ``ShotRenderer.text_boxes()``) are never covered:
the caption moves above or below them within the safe area, and shrinks when no spot is free.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from promodesk.core.captionstyle import CaptionStyle, rgb
from promodesk.engines.visuals import typeset as ts
from promodesk.engines.visuals import safearea

STYLES = ("outline", "boxed", "karaoke")
MIN_CONTRAST = 4.5
WHITE = (255, 255, 255)
INK = (16, 16, 16)
HIGHLIGHT = (255, 210, 0)
FADE_US = 100_000  # captions fade in and out over 0.1 s instead of popping


# Bundled families (CaptionStyle.font) -> (weight, first font file in resources/fonts or "").
BUNDLED_FONTS = {"": ("regular", ""), "Noto Sans SC": ("regular", ""), "Noto Sans SC Bold": ("bold", ""),
                 "DejaVu Sans": ("regular", "DejaVuSans.ttf"),
                 "DejaVu Sans Bold": ("bold", "DejaVuSans-Bold.ttf")}


def fit_caption(text: str, size: tuple[int, int], style: str = "outline", weight: str = "regular",
                font_share: float | None = None, shrink: float = 1.0,
                width: int | None = None) -> ts.TextLayout:
    """The caption's layout: at most two balanced lines, the largest size that fits the caption
    area of a frame of ``size`` (w, h) with room for its outline or box (``style`` "boxed" keeps
    a box's room). ``font_share`` (a share of the short side) sets the size, shrunk only when two
    lines at it would not fit the safe area's width; ``shrink`` scales the largest size down;
    ``width`` (pixels) narrows the area, for a caption beside a shot's side panel."""
    left, top, right, bottom = safearea.caption_area(size)
    lo, hi = safearea.caption_size_limits(size)
    height = bottom - top
    if font_share is not None:
        hi = max(6, round(font_share * min(size)))
        lo = min(lo, hi)
        s_top, s_bottom = safearea.safe_area(size)[1::2]
        height = max(height, (s_bottom - s_top) // 2)
    if shrink < 1:  # making room beside a shot's text: smaller than the band's smallest
        hi = max(8, round(hi * shrink))
    lo = min(lo, hi)
    reserve = safearea.caption_reserve(style, hi)
    width = right - left if width is None else min(width, right - left)
    return ts.fit_text(text, (width - 2 * reserve, height - 2 * reserve),
                       max_lines=2, max_size=hi, min_size=lo, weight=weight)


def font_weight(font: str, font_file: Path | None = None) -> tuple[str, str]:
    """(typeset weight, note) for CaptionStyle ``font``: a bundled family, or ``font_file`` (the
    font asset's path); a font file that is missing or unreadable falls back to the bundled
    font and the note says so ("" when all is well)."""
    if font in BUNDLED_FONTS:
        base, first = BUNDLED_FONTS[font]
        return (f"{base}:{first}" if first else base), ""
    if font_file is not None:
        try:
            from fontTools.ttLib import TTFont
            from PIL import ImageFont

            with TTFont(str(font_file), lazy=True, fontNumber=0) as f:
                f.getBestCmap()
            ImageFont.truetype(str(font_file), 12)
            return f"regular:{Path(font_file).resolve()}", ""
        except Exception as err:  # fontTools and FreeType raise their own errors for bad files
            return "regular", (f"The caption font {font} cannot be read ({err}); the bundled font "
                               "was used. Choose the font file again in the caption style panel.")
    return "regular", (f"The caption font {font} is not in the project's assets; the bundled font "
                       "was used. Choose the font file again in the caption style panel.")


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


def styled_look(style: CaptionStyle, auto: ts.TextStyle, font_size: int) -> ts.TextStyle:
    """The drawing style for ``style``: ``auto`` (what :func:`choose_look` picked for the
    background) with the user's colours, outline, shadow and box; outline width, shadow blur and
    an unset box opacity stay as legibility chose them."""
    if style.is_preset_default():
        return auto
    outline = auto.outline or max(2, round(font_size * 0.08))
    shadow = auto.shadow or font_size * 0.07
    offset = auto.shadow_offset if auto.shadow else (0, max(1, font_size // 16))
    return ts.TextStyle(
        fill=rgb(style.colour),
        outline=outline if style.outline else 0,
        outline_color=rgb(style.outline) if style.outline else auto.outline_color,
        shadow=shadow if style.shadow else 0.0, shadow_offset=offset if style.shadow else (0, 0),
        shadow_opacity=auto.shadow_opacity if auto.shadow else 0.75,
        box=rgb(style.box) if style.box else None,
        box_opacity=style.box_opacity if style.box_opacity is not None else
        (auto.box_opacity if auto.box is not None else 0.85),
        box_pad=auto.box_pad or safearea.caption_reserve("boxed", font_size),
        box_radius=auto.box_radius or round(font_size * 0.25))


class Caption:
    """One cue prepared for drawing on frames of ``size`` (w, h pixels).

    ``style`` is a preset name or a :class:`~promodesk.core.captionstyle.CaptionStyle`;
    ``font_file`` the path of its font asset (for a user font). ``background(t_us)`` returns the
    frame the caption will sit on at ``t_us`` microseconds into the cue (without captions), used
    to choose a legible look; None assumes a mid-grey photo. ``keep_out``: pixel boxes (left,
    top, right, bottom) the caption must not cover (the shot's own text).
    After construction: ``layout``, ``look`` (the chosen :class:`~typeset.TextStyle`), ``xy`` (top-left
    pixel of the sprite), ``box`` (left, top, right, bottom of the sprite: all ink is inside it),
    ``missing`` (characters no bundled font has; they are not drawn) and ``note`` (what else was
    left out, for the user; "" if nothing)."""

    def __init__(self, text: str, style: str | CaptionStyle, size: tuple[int, int], duration_us: int,
                 background: Callable[[int], np.ndarray] | None = None,
                 font_file: Path | None = None, keep_out=()):
        if not isinstance(style, CaptionStyle):
            style = CaptionStyle.for_preset(style if style in STYLES else "outline")
        self.caption_style = style
        self.style = style.preset
        self.size, self.duration = size, duration_us
        text = ts.strip_controls(text)
        self.missing = ts.missing_glyphs(text[:ts.MAX_TEXT_CHARS])
        weight, font_note = font_weight(style.font, font_file)
        room = "boxed" if style.box else "outline"
        safe = safearea.safe_area(size)
        gap = max(2, round(min(size) * 0.01))
        for shrink in [0.85 ** k for k in range(9)]:
            # the whole safe area first, then beside a box that fills its height (a side panel)
            for area in self._areas(safe, keep_out, gap):
                self.layout = fit_caption(text, size, room, weight, style.size, shrink,
                                          width=area[2] - area[0])
                m = safearea.caption_reserve(room, self.layout.size)
                w, h = self.layout.width + 2 * m, self.layout.height + 2 * m
                # in the whole safe area only up or down: sideways, it is centred in a side area
                xy = safearea.clear_spot(w, h, self._wanted_xy(w, h, area), area, keep_out, gap,
                                         sideways=area != safe) if keep_out else self._wanted_xy(w, h, safe)
                if xy is not None:
                    break
            if xy is not None or self.layout.size <= 8:
                break
        self.xy = xy if xy is not None else self._wanted_xy(w, h, safe)  # nothing free: the band
        self.note = " ".join(n for n in (self.layout.note, font_note) if n)
        self.box = (self.xy[0], self.xy[1], self.xy[0] + w, self.xy[1] + h)
        samples = self._sample(background)
        self.look = styled_look(style, choose_look(room, samples, self.layout.size), self.layout.size)
        sprite, (dx, dy) = ts.text_sprite(self.layout, self.look)
        # the sprite's own margin is at most the reserve; centre it in the reserved box
        self.text_origin = (self.xy[0] + m, self.xy[1] + m)  # the layout box's top-left
        self._offset = (self.xy[0] + m + dx, self.xy[1] + m + dy)
        self.sprite = ts.prepare_sprite(sprite)
        self.highlight = None
        if self.style == "karaoke":
            lit = ts.TextStyle(**{**self.look.__dict__, "fill": rgb(style.highlight)})
            self.highlight = ts.prepare_sprite(ts.text_sprite(self.layout, lit)[0])
            self._groups = self._karaoke_boxes(-dx)

    @staticmethod
    def _areas(safe, keep_out, gap: int) -> list[tuple[int, int, int, int]]:
        """Where the caption may go, best first: the safe area, then the parts of it left and
        right of a keep-out box that runs through the caption band (widest first)."""
        left, top, right, bottom = safe
        sides = []
        for l, t, r, b in keep_out:
            if b > bottom - (bottom - top) // 4:
                sides += [(left, top, min(right, l - gap), bottom),
                          (max(left, r + gap), top, right, bottom)]
        sides = [a for a in sides if a[2] - a[0] >= (right - left) * 0.3]
        return [safe] + sorted(set(sides), key=lambda a: a[0] - a[2])

    def _wanted_xy(self, w: int, h: int, safe) -> tuple[int, int]:
        """Top-left the style asks for: centred at the bottom of the caption band, or centred on
        the style's position, kept inside the safe area ``safe``."""
        left, top, right, bottom = safe
        position = self.caption_style.position
        if position is None:
            band_left, _, band_right, band_bottom = safearea.caption_area(self.size)
            band_left, band_right = max(band_left, left), min(band_right, right)
            x = (band_left + band_right - w) // 2
            return max(band_left, min(x, band_right - w)), band_bottom - h
        x = round(position[0] * self.size[0] - w / 2)
        y = round(position[1] * self.size[1] - h / 2)
        return max(left, min(x, right - w)), max(top, min(y, bottom - h))

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
