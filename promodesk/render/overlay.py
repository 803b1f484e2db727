"""Overlay clips (logos, titles, stickers, picture-in-picture) placed and blended over a frame.

An overlay clip's recipe has ``params["overlay"]``, a dict of:

- ``x``, ``y``: where its centre sits, as fractions of the frame (0..1; default 0.5, 0.5);
- ``scale``: its longer side as a fraction of the frame's shorter side (default 0.25), so a logo
  keeps its size relative to the picture in every aspect;
- ``rotation``: degrees, counter-clockwise (default 0);
- ``opacity``: 0..1 (default 1);
- ``fade_in_us``, ``fade_out_us``: microseconds of fade at the clip's start and end (default 0).

A brand overlay (a kit's logo or watermark) also has ``auto``: the spot chosen for each aspect
("9:16": {"x", "y", "scale"}, ...) clear of the shots' text (engines.visuals.brand_overlays),
used while ``x``, ``y`` and ``scale`` are still those it was placed with (``auto["from"]``); once
the user moves or scales it, their values hold in every aspect.

Whatever the values, the overlay's box (after rotation) is kept inside the platform safe area of
the frame's aspect: shrunk to fit, then moved in. Sprites are resampled and blended with
premultiplied alpha, so a soft logo edge over any background has no dark halo and its
transparent surround leaves the frame untouched (no box).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from promodesk.engines.visuals import safearea

DEFAULTS = {"x": 0.5, "y": 0.5, "scale": 0.25, "rotation": 0.0, "opacity": 1.0,
            "fade_in_us": 0, "fade_out_us": 0}


def overlay_params(params: dict) -> dict | None:
    """The clip's overlay settings with defaults filled in, or None when it is not an overlay."""
    found = params.get("overlay")
    if not isinstance(found, dict):
        return None
    out = {k: type(v)(found.get(k, v)) if not isinstance(v, float) else float(found.get(k, v))
           for k, v in DEFAULTS.items()}
    auto = found.get("auto")
    if isinstance(auto, dict) and auto.get("from") == [out["x"], out["y"], out["scale"]]:
        out["auto"] = auto  # still where it was placed: per-aspect spots apply
    return out


@dataclass(frozen=True)
class Placed:
    """A sprite ready to blend: ``rgb`` premultiplied float32 (h, w, 3) 0..255, ``alpha``
    float32 (h, w) 0..1, top-left ``x``, ``y`` in frame pixels."""

    rgb: np.ndarray
    alpha: np.ndarray
    x: int
    y: int

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) in frame pixels, right/bottom exclusive."""
        h, w = self.alpha.shape
        return self.x, self.y, self.x + w, self.y + h


def place(sprite: np.ndarray, settings: dict, size: tuple[int, int]) -> Placed:
    """``sprite`` (RGBA uint8, not premultiplied) scaled, rotated and positioned in a frame of
    ``size`` (w, h pixels) per ``settings`` (see the module), inside the safe area."""
    fw, fh = size
    spot = (settings.get("auto") or {}).get(safearea.aspect_name(size))
    if isinstance(spot, dict):  # the spot chosen for this aspect, clear of the shots' text
        settings = {**settings, **{k: float(spot[k]) for k in ("x", "y", "scale") if k in spot}}
    left, top, right, bottom = safearea.safe_area(size)
    sh, sw = sprite.shape[:2]
    angle = float(settings["rotation"])
    rad = np.deg2rad(angle)
    c, s = abs(np.cos(rad)), abs(np.sin(rad))
    scale = max(1e-3, float(settings["scale"])) * min(fw, fh) / max(sw, sh)
    # shrink until the rotated box fits in the safe area
    bw, bh = (sw * c + sh * s) * scale, (sw * s + sh * c) * scale
    scale *= min(1.0, (right - left) / max(bw, 1e-6), (bottom - top) / max(bh, 1e-6))
    out_w = max(1, int(np.floor((sw * c + sh * s) * scale)))
    out_h = max(1, int(np.floor((sw * s + sh * c) * scale)))
    # premultiply before resampling: averaging a white edge with transparent black pixels would
    # otherwise darken it (the halo)
    a = sprite[..., 3:4].astype(np.float32) / 255.0
    premul = np.dstack([sprite[..., :3].astype(np.float32) * a, a[..., 0] * 255.0])
    m = cv2.getRotationMatrix2D((sw / 2, sh / 2), angle, scale)
    m[0, 2] += out_w / 2 - sw / 2
    m[1, 2] += out_h / 2 - sh / 2
    interp = cv2.INTER_AREA if scale < 0.5 and not angle else cv2.INTER_LINEAR
    if scale < 0.5:  # shrink smoothly first, then rotate: a rotation alone would alias
        small = cv2.resize(premul, (max(1, round(sw * scale)), max(1, round(sh * scale))),
                           interpolation=cv2.INTER_AREA)
        m = cv2.getRotationMatrix2D((small.shape[1] / 2, small.shape[0] / 2), angle, 1.0)
        m[0, 2] += out_w / 2 - small.shape[1] / 2
        m[1, 2] += out_h / 2 - small.shape[0] / 2
        premul, interp = small, cv2.INTER_LINEAR
    warped = cv2.warpAffine(premul, m, (out_w, out_h), flags=interp,
                            borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0, 0))
    alpha = np.clip(warped[..., 3] / 255.0, 0.0, 1.0)
    rgb = np.minimum(warped[..., :3], alpha[..., None] * 255.0)  # premultiplied stays <= alpha
    cx = float(settings["x"]) * fw
    cy = float(settings["y"]) * fh
    x = int(round(min(max(cx - out_w / 2, left), right - out_w)))
    y = int(round(min(max(cy - out_h / 2, top), bottom - out_h)))
    return Placed(np.ascontiguousarray(rgb), np.ascontiguousarray(alpha), x, y)


def opacity_at(settings: dict, t_us: int, duration_us: int) -> float:
    """The overlay's opacity (0..1) ``t_us`` microseconds into a clip ``duration_us`` long."""
    value = float(settings["opacity"])
    fade_in, fade_out = int(settings["fade_in_us"]), int(settings["fade_out_us"])
    if fade_in > 0:
        value *= min(1.0, max(0.0, t_us / fade_in))
    if fade_out > 0:
        value *= min(1.0, max(0.0, (duration_us - t_us) / fade_out))
    return max(0.0, min(1.0, value))


def blend(frame: np.ndarray, placed: Placed, opacity: float = 1.0) -> None:
    """Blend ``placed`` onto RGB uint8 ``frame`` in place (premultiplied "over")."""
    if opacity <= 0:
        return
    fh, fw = frame.shape[:2]
    x0, y0, x1, y1 = placed.box
    cx0, cy0, cx1, cy1 = max(x0, 0), max(y0, 0), min(x1, fw), min(y1, fh)
    if cx0 >= cx1 or cy0 >= cy1:
        return
    crop = (slice(cy0 - y0, cy1 - y0), slice(cx0 - x0, cx1 - x0))
    rgb, alpha = placed.rgb[crop], placed.alpha[crop]
    if opacity < 1.0:
        rgb, alpha = rgb * np.float32(opacity), alpha * np.float32(opacity)
    dst = frame[cy0:cy1, cx0:cx1]
    out = rgb + dst.astype(np.float32) * (1.0 - alpha)[..., None]
    dst[...] = np.clip(out + 0.5, 0, 255).astype(np.uint8)
