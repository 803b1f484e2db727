"""Moving and scaling a box in the frame by hand (an overlay's logo or title, a caption block):
where it lands, snapped to the frame's centre lines and the safe area's edges, and which guides
to draw while it is snapped. Pure functions of frame pixels, tested without a window; the preview
only turns mouse positions into frame pixels and calls them.

Boxes are ``(left, top, right, bottom)`` in frame pixels (floats; right/bottom exclusive, as
``engines.visuals.safearea`` and ``render.overlay.Placed.box`` give them). ``safe`` is the
platform safe area of the frame (``engines.visuals.safearea.safe_area``), passed in because core
imports nothing else of promodesk. A box is always kept inside ``safe`` (the renderer keeps an
overlay there too, so what the preview shows is what export draws).

:func:`fitted_box` is the box :func:`promodesk.render.overlay.place` gives an overlay, from the
sprite's size alone (the same arithmetic, no pixels), so handles can follow a drag at mouse speed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]

SNAP_SCREEN_PX = 8  # the preview snaps within this many screen pixels (converted to frame pixels)
MIN_SIDE_PX = 8  # a box scaled by hand keeps its longer side at least this many frame pixels


@dataclass(frozen=True)
class Guide:
    """A line to draw while a box is snapped to it: ``axis`` "x" is a vertical line at
    x = ``pos``, "y" a horizontal one at y = ``pos`` (frame pixels); ``kind`` is "centre" (the
    frame's centre line) or "safe" (an edge of the safe area)."""

    axis: str
    pos: float
    kind: str


@dataclass(frozen=True)
class Snapped:
    """Where a dragged box landed: ``box`` in frame pixels and the ``guides`` it is snapped to."""

    box: Box
    guides: tuple[Guide, ...] = ()

    @property
    def centre(self) -> tuple[float, float]:
        """(x, y) of the box's centre in frame pixels."""
        l, t, r, b = self.box
        return (l + r) / 2, (t + b) / 2

    def centre_fraction(self, frame: tuple[int, int]) -> tuple[float, float]:
        """(x, y) of the box's centre as fractions (0..1) of a ``frame`` (w, h pixels)."""
        cx, cy = self.centre
        return cx / frame[0], cy / frame[1]


# --- the overlay's own box --------------------------------------------------------------------

def _rotated_extent(sprite: tuple[int, int], rotation: float) -> tuple[float, float]:
    """(w, h) in sprite pixels of a ``sprite`` (w, h) rotated by ``rotation`` degrees."""
    sw, sh = sprite
    # numpy's cos/sin, as the renderer's: the last bit decides where a box size floors
    rad = np.deg2rad(float(rotation))
    c, s = abs(float(np.cos(rad))), abs(float(np.sin(rad)))
    return sw * c + sh * s, sw * s + sh * c


def _pixel_scale(sprite: tuple[int, int], settings: dict, frame: tuple[int, int],
                 safe: Box) -> float:
    """Frame pixels per sprite pixel, computed in the same order as ``render.overlay.place``
    (so that flooring the box size gives the very same pixels)."""
    fw, fh = frame
    sw, sh = sprite
    left, top, right, bottom = safe
    scale = max(1e-3, float(settings["scale"])) * min(fw, fh) / max(sw, sh)
    ew, eh = _rotated_extent(sprite, settings["rotation"])
    bw, bh = ew * scale, eh * scale
    return scale * min(1.0, (right - left) / max(bw, 1e-6), (bottom - top) / max(bh, 1e-6))


def fitted_scale(sprite: tuple[int, int], settings: dict, frame: tuple[int, int],
                 safe: Box) -> float:
    """The overlay's ``scale`` setting as the renderer really draws it: ``settings["scale"]``
    (longer sprite side / shorter frame side), shrunk so its rotated box fits in ``safe``."""
    return _pixel_scale(sprite, settings, frame, safe) * max(sprite) / min(frame)


def fitted_box(sprite: tuple[int, int], settings: dict, frame: tuple[int, int], safe: Box,
               exact: bool = False) -> Box:
    """(left, top, right, bottom) frame pixels of an overlay whose picture is ``sprite`` (w, h
    pixels) with ``settings`` (x, y, scale, rotation as in ``render.overlay``) in a ``frame``
    (w, h), exactly as ``render.overlay.place`` puts it: fitted to and kept inside ``safe``.
    With ``exact`` the box before rounding to whole pixels (what a drag starts from, so that
    moving by a pixel moves the settings by exactly a pixel, however often)."""
    fw, fh = frame
    left, top, right, bottom = safe
    px = _pixel_scale(sprite, settings, frame, safe)
    ew, eh = _rotated_extent(sprite, settings["rotation"])
    out_w, out_h = ew * px, eh * px
    if not exact:
        out_w, out_h = max(1, int(math.floor(out_w))), max(1, int(math.floor(out_h)))
    cx, cy = float(settings["x"]) * fw, float(settings["y"]) * fh
    x = min(max(cx - out_w / 2, left), right - out_w)
    y = min(max(cy - out_h / 2, top), bottom - out_h)
    if not exact:
        x, y = int(round(x)), int(round(y))
    return float(x), float(y), float(x + out_w), float(y + out_h)


def moved_settings(settings: dict, before: Box, after: Box, frame: tuple[int, int],
                   sprite: tuple[int, int], safe: Box) -> dict:
    """``settings`` with x, y and scale changed so the overlay drawn at ``before`` (its
    :func:`fitted_box`) is drawn at ``after`` instead (moved and/or scaled, same aspect)."""
    fw, fh = frame
    out = dict(settings)
    l, t, r, b = after
    out["x"], out["y"] = (l + r) / 2 / fw, (t + b) / 2 / fh
    width_before = before[2] - before[0]
    if abs((r - l) - width_before) > 1e-6:
        out["scale"] = fitted_scale(sprite, settings, frame, safe) * (r - l) / max(width_before, 1e-6)
    return out


# --- dragging ---------------------------------------------------------------------------------

def _targets(frame: tuple[int, int], safe: Box) -> dict[str, list[tuple[float, str]]]:
    """Snap lines per axis: (position in frame pixels, kind)."""
    fw, fh = frame
    left, top, right, bottom = safe
    return {"x": [(fw / 2, "centre"), (left, "safe"), (right, "safe")],
            "y": [(fh / 2, "centre"), (top, "safe"), (bottom, "safe")]}


def _inside(box: Box, safe: Box) -> Box:
    """``box`` moved (not resized) to lie inside ``safe``; centred on an axis it cannot fit."""
    l, t, r, b = box
    sl, st, sr, sb = safe
    w, h = r - l, b - t
    nl = (sl + sr - w) / 2 if w > sr - sl else min(max(l, sl), sr - w)
    nt = (st + sb - h) / 2 if h > sb - st else min(max(t, st), sb - h)
    return nl, nt, nl + w, nt + h


def _guides_of(box: Box, frame: tuple[int, int], safe: Box, edges=("lo", "mid", "hi")
               ) -> tuple[Guide, ...]:
    """The guides ``box`` touches (an edge or, for centre lines, its centre on the line)."""
    l, t, r, b = box
    where = {"x": {"lo": l, "mid": (l + r) / 2, "hi": r}, "y": {"lo": t, "mid": (t + b) / 2, "hi": b}}
    found = []
    for axis, lines in _targets(frame, safe).items():
        for pos, kind in lines:
            # the centre line counts for the box's centre; a safe edge for the box's edges
            parts = ("mid",) if kind == "centre" else ("lo", "hi")
            if any(abs(where[axis][p] - pos) < 0.5 for p in parts if p in edges):
                found.append(Guide(axis, pos, kind))
    return tuple(found)


def snap_move(box: Box, frame: tuple[int, int], safe: Box, threshold: float,
              snap: bool = True) -> Snapped:
    """Where a box dragged to ``box`` (frame pixels) lands: kept inside ``safe``, and with
    ``snap`` its centre put on the frame's centre line, or an edge on the safe area's edge, when
    within ``threshold`` frame pixels (the nearest, per axis). Returns the box and its guides."""
    l, t, r, b = _inside(box, safe)
    if snap:
        shift = {}
        for axis, (lo, hi) in (("x", (l, r)), ("y", (t, b))):
            best = None
            for pos, kind in _targets(frame, safe)[axis]:
                for edge in ((lo + hi) / 2,) if kind == "centre" else (lo, hi):
                    d = pos - edge
                    if abs(d) <= threshold and (best is None or abs(d) < abs(best)):
                        best = d
            shift[axis] = best or 0.0
        l, t, r, b = _inside((l + shift["x"], t + shift["y"], r + shift["x"], b + shift["y"]), safe)
    return Snapped((l, t, r, b), _guides_of((l, t, r, b), frame, safe) if snap else ())


def snap_corner(box: Box, corner: int, pointer: tuple[float, float], frame: tuple[int, int],
                safe: Box, threshold: float, snap: bool = True,
                min_side: float = MIN_SIDE_PX) -> Snapped:
    """Where ``box`` (frame pixels) goes when its ``corner`` (0 top-left, 1 top-right,
    2 bottom-right, 3 bottom-left) is dragged to ``pointer`` (frame pixels): scaled about the
    opposite corner, keeping its aspect (the pointer's projection on the diagonal sets the
    scale), kept inside ``safe`` and at least ``min_side`` pixels on its longer side. With
    ``snap`` the moving edges (or the centre) land on a safe edge or centre line within
    ``threshold`` frame pixels. Returns the box and its guides."""
    l, t, r, b = box
    xs, ys = (l, r, r, l), (t, t, b, b)
    cx0, cy0 = xs[corner], ys[corner]
    ax, ay = xs[(corner + 2) % 4], ys[(corner + 2) % 4]
    dx, dy = cx0 - ax, cy0 - ay  # the diagonal from the fixed corner to the dragged one
    w0, h0 = abs(dx), abs(dy)
    k = ((pointer[0] - ax) * dx + (pointer[1] - ay) * dy) / max(dx * dx + dy * dy, 1e-9)
    sl, st, sr, sb = safe
    k_max = min((sr - ax) / dx if dx > 0 else (ax - sl) / -dx if dx < 0 else math.inf,
                (sb - ay) / dy if dy > 0 else (ay - st) / -dy if dy < 0 else math.inf)
    k_min = min(min_side / max(w0, h0, 1e-9), k_max)
    k = min(max(k, k_min), k_max)
    if snap:
        best = None  # (distance in pixels, k)
        for axis, a, d in (("x", ax, dx), ("y", ay, dy)):
            if abs(d) < 1e-9:
                continue
            for pos, kind in _targets(frame, safe)[axis]:
                # a safe edge takes the moving edge; the centre line takes the box's centre
                want = (pos - a) / d if kind == "safe" else 2 * (pos - a) / d
                now = a + k * d if kind == "safe" else a + k * d / 2
                gap = abs(pos - now)
                if k_min <= want <= k_max and gap <= threshold and (best is None or gap < best[0]):
                    best = (gap, want)
        if best is not None:
            k = best[1]
    nx, ny = ax + k * dx, ay + k * dy
    out = (min(ax, nx), min(ay, ny), max(ax, nx), max(ay, ny))
    # the fixed corner's edges touch what they touched before: only moving parts light guides
    moving = _guides_of(out, frame, safe)
    fixed = {("x", ax), ("y", ay)}
    guides = tuple(g for g in moving if g.kind == "centre" or (g.axis, g.pos) not in fixed) if snap else ()
    return Snapped(out, guides)


def nudge(box: Box, dx: float, dy: float, safe: Box) -> Box:
    """``box`` moved by (dx, dy) frame pixels (an arrow key), kept inside ``safe``; no snapping,
    so a nudge can always leave a guide."""
    l, t, r, b = box
    return _inside((l + dx, t + dy, r + dx, b + dy), safe)


def box_around(centre: tuple[float, float], size: tuple[float, float]) -> Box:
    """The box of ``size`` (w, h) centred on ``centre`` (x, y), frame pixels."""
    (cx, cy), (w, h) = centre, size
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
