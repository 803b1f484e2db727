"""Transitions between two shots' frames: cut, crossfade, slide and zoom.

:func:`blend` takes the outgoing frame ``a``, the incoming frame ``b`` (both drawn at the same
time t, see contract 2) and the linear progress through the transition, and eases inside. At
progress 0 the result is exactly ``a``, at 1 exactly ``b``. Every kind is one or two OpenCV passes
over the frame, so a transition costs about what a shot frame costs.
"""

from __future__ import annotations

import cv2
import numpy as np

KINDS = ("cut", "crossfade", "slide", "zoom")
ZOOM_OUT_GROWTH = 0.35   # the outgoing shot grows by this much while it fades
ZOOM_IN_START = 0.80     # the incoming shot grows from this scale to full frame


def ease_in_out(p: float) -> float:
    """Cubic ease-in-out of ``p`` clamped to 0..1 (slow, fast, slow)."""
    p = min(max(p, 0.0), 1.0)
    return 4 * p * p * p if p < 0.5 else 1 - (-2 * p + 2) ** 3 / 2


def blend(a: np.ndarray, b: np.ndarray, kind: str, progress: float) -> np.ndarray:
    """The frame ``progress`` (0..1, linear) of the way from ``a`` to ``b``: uint8 (h, w, 3) RGB.

    ``kind``: "cut" (switches at the middle), "crossfade", "slide" (``b`` pushes ``a`` out to the
    left) or "zoom" (``a`` grows and fades while ``b`` grows from the centre into place). Unknown
    kinds raise ValueError."""
    if kind not in KINDS:
        raise ValueError(f"transition kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if a.shape != b.shape:
        raise ValueError(f"frames differ in size: {a.shape} and {b.shape}")
    progress = float(progress)
    if progress <= 0.0:
        return a.copy()
    if progress >= 1.0:
        return b.copy()
    if kind == "cut":
        return (a if progress < 0.5 else b).copy()
    e = ease_in_out(progress)
    if kind == "crossfade":
        return cv2.addWeighted(a, 1.0 - e, b, e, 0.0)
    if kind == "slide":
        return _slide(a, b, e)
    return _zoom(a, b, e)


def _slide(a: np.ndarray, b: np.ndarray, e: float) -> np.ndarray:
    """``b`` enters from the right, pushing ``a`` out to the left; sub-pixel offsets are resolved by
    one float warp of the two frames side by side."""
    h, w = a.shape[:2]
    shift = e * w
    whole = int(shift)
    frac = shift - whole
    out = np.empty_like(a)
    # integer part: a plain copy; the fractional remainder: a bilinear shift of that copy
    out[:, : w - whole] = a[:, whole:]
    out[:, w - whole:] = b[:, :whole]
    if frac > 1e-3:
        edge = b[:, whole: whole + 1] if whole < w else b[:, -1:]
        padded = np.concatenate([out, edge], axis=1)
        matrix = np.array([[1.0, 0.0, -frac], [0.0, 1.0, 0.0]])
        out = cv2.warpAffine(padded, matrix, (w, h), flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_REPLICATE)
    return out


def _zoom(a: np.ndarray, b: np.ndarray, e: float) -> np.ndarray:
    """``a`` scales up about the centre and fades; ``b`` scales from :data:`ZOOM_IN_START` to 1
    over it and fades in quickly, so the cut reads as flying forward into the next shot."""
    h, w = a.shape[:2]
    out = _scaled(a, 1.0 + ZOOM_OUT_GROWTH * e, cv2.BORDER_REPLICATE)
    scale = ZOOM_IN_START + (1.0 - ZOOM_IN_START) * e
    # b covers a centred box; warp just that box and mix it over the growing a
    x0, y0 = int((w - w * scale) / 2), int((h - h * scale) / 2)
    x1, y1 = w - x0, h - y0
    matrix = np.array([[scale, 0.0, (1 - scale) * (w - 1) / 2 - x0],
                       [0.0, scale, (1 - scale) * (h - 1) / 2 - y0]])
    arriving = cv2.warpAffine(b, matrix, (x1 - x0, y1 - y0), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)
    alpha = min(1.0, e * 1.6)
    out[y0:y1, x0:x1] = cv2.addWeighted(out[y0:y1, x0:x1], 1.0 - alpha, arriving, alpha, 0.0)
    return out


def _scaled(frame: np.ndarray, scale: float, border: int) -> np.ndarray:
    """``frame`` scaled by ``scale`` about its centre, same size (float warp)."""
    h, w = frame.shape[:2]
    matrix = np.array([[scale, 0.0, (1 - scale) * (w - 1) / 2],
                       [0.0, scale, (1 - scale) * (h - 1) / 2]])
    return cv2.warpAffine(frame, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=border)
