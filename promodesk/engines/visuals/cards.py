"""The text-bearing pieces of shots, drawn once and composited cheaply on every frame.

A :class:`Layer` is a pre-rendered RGBA picture at a fixed place in the frame (a title, a price
badge, a call-to-action button, a legibility scrim), stored premultiplied so that drawing it on a
frame is two saturating OpenCV operations over its bounding box only. Layers may enter with a short
eased animation (rise and fade, or pop), drawn with a float warp of the small layer so the last
pixels of the motion do not step.

Text is set and rasterised by :mod:`promodesk.engines.visuals.typeset` (fonts, fallback, line breaking,
fitting); this module only decides what goes where and in which colours.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw

from promodesk.engines.visuals import typeset
from promodesk.engines.visuals.palette import Palette

ENTER_SECONDS = 0.45   # length of a layer's entrance
SUPERSAMPLE = 4        # shapes are drawn this much larger and shrunk, for smooth edges

Box = tuple[int, int, int, int]  # left, top, right, bottom pixels


@dataclass
class Layer:
    """An RGBA picture at pixel ``(x, y)`` of the frame, entering at ``delay`` seconds after the
    shot starts with ``enter`` ("rise", "pop" or "" for none); ``role`` says what it is."""

    premultiplied: np.ndarray   # (h, w, 3) uint8: colour times alpha
    inverse_alpha: np.ndarray   # (h, w, 3) uint8: 255 - alpha, per channel
    x: int
    y: int
    enter: str = "rise"
    delay: float = 0.15
    role: str = "text"          # text, badge, button, rule or scrim (a scrim may fill the frame)

    @classmethod
    def from_rgba(cls, rgba: np.ndarray, x: int, y: int, enter: str = "rise",
                  delay: float = 0.15, role: str = "text") -> "Layer":
        """A layer from an (h, w, 4) uint8 straight-alpha picture, cropped to its visible pixels."""
        alpha = rgba[..., 3]
        rows, cols = np.nonzero(alpha.any(axis=1))[0], np.nonzero(alpha.any(axis=0))[0]
        if len(rows) == 0:
            rows, cols = np.array([0]), np.array([0])
        rgba = rgba[rows[0]: rows[-1] + 1, cols[0]: cols[-1] + 1]
        a = rgba[..., 3:4].astype(np.uint16)
        premultiplied = ((rgba[..., :3] * a + 127) // 255).astype(np.uint8)
        inverse = np.repeat(255 - rgba[..., 3:4], 3, axis=2)
        return cls(premultiplied, inverse, x + int(cols[0]), y + int(rows[0]), enter, delay, role)

    @property
    def box(self) -> Box:
        h, w = self.premultiplied.shape[:2]
        return (self.x, self.y, self.x + w, self.y + h)

    def draw(self, frame: np.ndarray, seconds: float) -> None:
        """Composite onto ``frame`` (h, w, 3 uint8, in place) as it looks ``seconds`` into the shot."""
        progress = 1.0 if not self.enter else (seconds - self.delay) / ENTER_SECONDS
        if progress <= 0.0:
            return
        if progress >= 1.0:
            _over(frame, self.premultiplied, self.inverse_alpha, self.x, self.y)
            return
        e = 1 - (1 - progress) ** 3  # ease-out
        h, w = self.premultiplied.shape[:2]
        if self.enter == "pop":   # grow about the centre with a small overshoot
            scale = 0.7 + 0.3 * _back_out(progress)
            pad = int(np.ceil(0.05 * max(w, h)))
            matrix = np.array([[scale, 0.0, (1 - scale) * w / 2 + pad],
                               [0.0, scale, (1 - scale) * h / 2 + pad]])
            size, origin = (w + 2 * pad, h + 2 * pad), (self.x - pad, self.y - pad)
        else:                     # rise into place from a little below
            rise = min(48.0, 0.35 * h)
            matrix = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, (1 - e) * rise]])
            size, origin = (w, h + int(np.ceil(rise))), (self.x, self.y)
        premultiplied = cv2.warpAffine(self.premultiplied, matrix, size, flags=cv2.INTER_LINEAR)
        alpha = 255 - cv2.warpAffine(self.inverse_alpha, matrix, size, flags=cv2.INTER_LINEAR,
                                     borderValue=(255, 255, 255))
        opacity = min(1.0, e * 1.4)
        premultiplied = cv2.convertScaleAbs(premultiplied, alpha=opacity)
        inverse = 255 - cv2.convertScaleAbs(alpha, alpha=opacity)
        _over(frame, premultiplied, inverse, *origin)


def _back_out(p: float) -> float:
    """Ease-out with a small overshoot (the pop of a badge)."""
    c = 1.4
    q = p - 1
    return 1 + (c + 1) * q ** 3 + c * q ** 2


def _over(frame: np.ndarray, premultiplied: np.ndarray, inverse: np.ndarray, x: int, y: int) -> None:
    """frame = layer + frame * (1 - alpha) over the layer's box, clipped to the frame."""
    fh, fw = frame.shape[:2]
    h, w = premultiplied.shape[:2]
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + w, fw), min(y + h, fh)
    if x0 >= x1 or y0 >= y1:
        return
    roi = frame[y0:y1, x0:x1]
    part = (slice(y0 - y, y1 - y), slice(x0 - x, x1 - x))
    kept = cv2.multiply(roi, inverse[part], scale=1 / 255.0)
    roi[...] = cv2.add(kept, premultiplied[part])


# --- text ----------------------------------------------------------------------------------------

def text_layer(text: str, box: Box, colour, *, max_lines: int = 2, max_size: int = 96,
               min_size: int = 18, weight: str = "bold", align: str = "center",
               valign: str = "center", shadow: bool = False, enter: str = "rise",
               delay: float = 0.15) -> Layer | None:
    """``text`` fitted into ``box`` (as large as fits in ``max_lines``), drawn in ``colour`` with a
    soft shadow when it sits on a photo; None for empty text. The ink stays inside ``box``."""
    if not text.strip():
        return None
    style = typeset.TextStyle(fill=tuple(colour), align=align,
                              shadow=max(2.0, max_size / 16) if shadow else 0.0,
                              shadow_offset=(0, max(1, max_size // 30)) if shadow else (0, 0),
                              shadow_opacity=0.75)
    margin = style.margin()
    inner = (box[2] - box[0] - 2 * margin, box[3] - box[1] - 2 * margin)
    layout = typeset.fit_text(text, inner, max_lines=max_lines, max_size=max_size,
                              min_size=min_size, weight=weight)
    sprite, (dx, dy) = typeset.text_sprite(layout, style)
    free_x = inner[0] - layout.width
    x = box[0] + margin + {"left": 0, "center": free_x // 2, "right": free_x}[align]
    free_y = inner[1] - layout.height
    y = box[1] + margin + {"top": 0, "center": free_y // 2, "bottom": free_y}[valign]
    return Layer.from_rgba(sprite, x + dx, y + dy, enter, delay)


def fits(text: str, width: int, max_lines: int, size: int, weight: str = "bold") -> bool:
    """Whether ``text`` sets in ``max_lines`` lines of ``width`` pixels at ``size`` pixels or more."""
    layout = typeset.fit_text(text, (width, size * max_lines * 2), max_lines=max_lines,
                              max_size=size, min_size=size, weight=weight)
    return not layout.truncated


# --- shapes --------------------------------------------------------------------------------------

def _shape(size: tuple[int, int], draw) -> np.ndarray:
    """An (h, w) uint8 coverage mask: ``draw(ImageDraw, scale)`` on a supersampled canvas."""
    w, h = size
    big = Image.new("L", (w * SUPERSAMPLE, h * SUPERSAMPLE), 0)
    draw(ImageDraw.Draw(big), SUPERSAMPLE)
    return np.asarray(big.resize((w, h), Image.Resampling.BOX))


def _rgba(colour, coverage: np.ndarray) -> np.ndarray:
    h, w = coverage.shape
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = colour
    out[..., 3] = coverage
    return out


def paste(rgba: np.ndarray, sprite: np.ndarray, x: int, y: int) -> None:
    """Composite straight-alpha ``sprite`` over straight-alpha ``rgba`` in place at (x, y)."""
    h, w = sprite.shape[:2]
    dst = rgba[y:y + h, x:x + w].astype(np.float32)
    src = sprite[: dst.shape[0], : dst.shape[1]].astype(np.float32)
    a_s, a_d = src[..., 3:4] / 255, dst[..., 3:4] / 255
    a_o = a_s + a_d * (1 - a_s)
    rgb = (src[..., :3] * a_s + dst[..., :3] * a_d * (1 - a_s)) / np.maximum(a_o, 1e-6)
    rgba[y:y + h, x:x + w] = np.dstack([rgb, a_o * 255]).round().clip(0, 255).astype(np.uint8)


def price_badge(price: str, old_price: str, palette: Palette, diameter: int) -> np.ndarray:
    """A round badge in the accent colour: the price large, the old price above it smaller and
    struck through, on a soft shadow. Returns an RGBA uint8 picture a little larger than
    ``diameter`` (the shadow)."""
    d = diameter
    disc = _shape((d, d), lambda g, s: g.ellipse((s, s, d * s - s - 1, d * s - s - 1), fill=255))
    badge = _rgba(palette.accent, disc)
    shadow = 0.12  # share of the diameter the soft shadow needs around the disc
    inner = int(d * 0.70)   # the square inside the circle that text may use
    left = (d - inner) // 2
    old_h = int(inner * 0.26) if old_price.strip() else 0
    ink = palette.on_accent
    if old_h:
        old = typeset.fit_text(old_price, (int(inner * 0.8), old_h), max_lines=1,
                               max_size=int(d * 0.13), min_size=10, weight="regular")
        sprite, (dx, dy) = typeset.text_sprite(old, typeset.TextStyle(fill=tuple(ink)))
        ox = (d - old.width) // 2
        oy = (d - inner) // 2 + (old_h - old.height) // 2 + int(inner * 0.06)
        sprite[..., 3] = (sprite[..., 3].astype(np.uint16) * 190 // 255).astype(np.uint8)
        paste(badge, sprite, ox + dx, oy + dy)
        # strike-through across the old price's x-height
        line_y = oy + int(old.ascent * 0.62)
        thick = max(2, old.size // 12)
        strike = _shape((d, d), lambda g, s: g.line(
            ((ox - 4) * s, line_y * s, (ox + old.width + 4) * s, (line_y - old.size * 0.15) * s),
            fill=255, width=thick * s))
        paste(badge, _rgba(ink, strike), 0, 0)
    price_box = (inner, inner - old_h - int(inner * 0.10))
    layout = typeset.fit_text(price, price_box, max_lines=2, max_size=int(d * 0.30),
                              min_size=12, weight="bold")
    sprite, (dx, dy) = typeset.text_sprite(layout, typeset.TextStyle(fill=tuple(ink)))
    top = (d - inner) // 2 + old_h + int(inner * 0.04)
    paste(badge, sprite, left + (inner - layout.width) // 2 + dx,
          top + (price_box[1] - layout.height) // 2 + dy)
    return _with_shadow(badge, int(d * shadow))


def _with_shadow(rgba: np.ndarray, pad: int) -> np.ndarray:
    """``rgba`` on a soft drop shadow (a blurred, offset copy of its alpha), ``pad`` pixels larger
    on each side, so it separates from a busy photo."""
    h, w = rgba.shape[:2]
    out = np.zeros((h + 2 * pad, w + 2 * pad, 4), np.uint8)
    alpha = np.zeros(out.shape[:2], np.float32)
    alpha[pad + pad // 4: pad + pad // 4 + h, pad: pad + w] = rgba[..., 3]
    alpha = cv2.GaussianBlur(alpha, (0, 0), sigmaX=max(1.0, pad / 3)) * 0.45
    out[..., 3] = alpha.astype(np.uint8)
    paste(out, rgba, pad, pad)
    return out


def button(label: str, palette: Palette, max_width: int, height: int) -> np.ndarray | None:
    """A rounded call-to-action button in the accent colour sized to ``label``: RGBA uint8,
    ``height`` pixels high, or taller when a long label takes a second line."""
    if not label.strip():
        return None
    pad = height // 2
    least = max(12, int(height * 0.22))  # smaller than this, a label on a phone is hard to read
    for lines in (1, 2):  # a long call to action wraps rather than shrink to a speck or lose its end
        layout = typeset.fit_text(label, (max_width - 2 * pad, int(height * 0.56 * lines)),
                                  max_lines=lines, max_size=int(height * 0.5), min_size=least,
                                  weight="bold")
        if not layout.truncated:
            break
    radius = height // 2
    height = max(height, layout.height + int(height * 0.44))
    width = min(max_width, layout.width + 2 * pad)
    shape = _shape((width, height), lambda g, s: g.rounded_rectangle(
        (0, 0, width * s - 1, height * s - 1), radius=radius * s, fill=255))
    pill = _rgba(palette.accent, shape)
    sprite, (dx, dy) = typeset.text_sprite(layout, typeset.TextStyle(fill=tuple(palette.on_accent)))
    paste(pill, sprite, (width - layout.width) // 2 + dx, (height - layout.height) // 2 + dy)
    return pill


def scrim(width: int, height: int, strength: float = 0.5, side: str = "top") -> np.ndarray:
    """A black gradient (RGBA) that darkens a photo behind text: ``strength`` alpha at the
    ``side`` edge ("top", "left" or "right") fading to nothing across the picture."""
    length = height if side == "top" else width
    ramp = np.linspace(1.0, 0.0, length, dtype=np.float32) ** 1.6
    alpha = (ramp * strength * 255).astype(np.uint8)
    if side == "top":
        alpha = np.repeat(alpha[:, None], width, axis=1)
    else:
        alpha = np.repeat((alpha if side == "left" else alpha[::-1])[None, :], height, axis=0)
    return _rgba((0, 0, 0), alpha)
