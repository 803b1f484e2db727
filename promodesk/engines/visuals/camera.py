"""The camera over a product photo: framing for any aspect, eased moves, one float warp per frame.

A :class:`PhotoCamera` fills a region (the whole frame, or the photo half of a feature layout)
with the photo. Framing follows one rule: the product's box (:func:`saliency.salient_box`) is never
cut. When cropping the photo to fill the region keeps the whole box in view, the camera crops around
it; when it would not, the whole box is shown and the uncovered bands get a backdrop: the photo
blurred and dimmed, or a flat colour when the photo's edge is a plain studio background (or it is a
cut-out with transparency), which reads as the photo simply extending.

Each frame is placed by a display scale ``s`` (region pixels per photo pixel) and the photo point
``(cx, cy)`` at the region's centre, both eased over the shot. The photo is cropped to what the
move ever shows and pre-scaled once to the largest scale used, so each frame is one
``cv2.warpAffine`` (bilinear, float matrix, no integer crops: sub-pixel smooth) at a scale of 0.85..1,
then a copy of the backdrop into the bands, with the band's edge pixel blended by coverage.
"""

from __future__ import annotations

import math
import random

import cv2
import numpy as np

MOVES = ("auto", "push_in", "pull_out", "pan_left", "pan_right", "pan_up", "pan_down", "still")
ZOOM_PER_SECOND = 0.03     # push-in speed: 3% of scale per second ...
ZOOM_RANGE = (0.04, 0.12)  # ... but at least 4% and at most 12% over a shot
PAN_PER_SECOND = 0.22      # pan speed, in region widths (or heights) per second
DETAIL_ZOOM = 1.35         # a detail shot looks this much closer than the filling crop ...
MAX_UPSCALE = 3.5          # ... unless that would enlarge the photo's pixels more than this
FEATHER = 0.04             # a photo edge fades into its backdrop over this share of the region


def ease(u: float) -> float:
    """Eased progress for camera moves: mostly smoothstep with a little linear, so the move starts
    and ends gently but never stands still; ``u`` is clamped to 0..1."""
    u = min(max(u, 0.0), 1.0)
    return 0.3 * u + 0.7 * u * u * (3.0 - 2.0 * u)


class PhotoCamera:
    """Renders the photo into a ``region`` (w, h) pixel box for shot progress ``u`` (0..1).

    ``photo``: uint8 RGB (h, w, 3) or RGBA (h, w, 4) array; ``salient``: the product box in photo
    pixels; ``move``: one of :data:`MOVES`; ``close``: frame as a detail close-up (crops into the
    product on purpose, and pans across it); ``seconds``: the shot's length (sets move distances);
    ``flat_color``: backdrop colour for cut-outs and plain-background photos; ``focus``: the part
    (x, y, w, h) of the region the product must sit in (default all of it), leaving room for a
    badge or a title beside it."""

    def __init__(self, photo: np.ndarray, salient, region: tuple[int, int], move: str = "push_in",
                 close: bool = False, seconds: float = 4.0, seed: int = 0,
                 flat_color: tuple[int, int, int] | None = None,
                 focus: tuple[int, int, int, int] | None = None) -> None:
        if move not in MOVES:
            raise ValueError(f"move must be one of {', '.join(MOVES)}, not {move!r}")
        self.region = (int(region[0]), int(region[1]))
        self.focus = tuple(focus) if focus else (0, 0, *self.region)
        rgb, self.flat_color = _flatten(photo, flat_color)
        self.photo_size = (rgb.shape[1], rgb.shape[0])
        self.salient = tuple(float(v) for v in salient)
        self.close = close
        self.move = _auto_move(move, close, seed)
        self._plan(seconds)
        self._prepare_source(rgb)
        self.backdrop = self._make_backdrop(rgb)
        self._still = None  # the one picture of a camera that does not move

    # --- framing and moves ----------------------------------------------------------------------

    def _plan(self, seconds: float) -> None:
        """Choose the start and end (scale, photo point at the focus centre) of the move."""
        (rw, rh), (pw, ph) = self.region, self.photo_size
        fw, fh = self.focus[2:]
        x0, y0, x1, y1 = self.salient
        sw, sh = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
        cover = max(rw / pw, rh / ph)              # smallest scale that fills the region
        # largest scale that keeps the product whole inside the focus area
        fits = self._largest_fitting(min(fw / sw, fh / sh))
        amount = min(max(ZOOM_PER_SECOND * seconds, ZOOM_RANGE[0]), ZOOM_RANGE[1])
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        if self.close:
            base = cover * min(max(MAX_UPSCALE / cover, 1.0), DETAIL_ZOOM)
        elif fits >= cover * (1 + amount / 2):
            base = cover                            # crop around the product
        else:
            base = fits / (1 + amount)              # whole product, backdrop in the bands
        self.mode = "crop" if base >= cover * 0.999 else "backdrop"
        move = self.move
        if move in ("push_in", "pull_out"):
            top = base * (1 + amount) if self.close else min(base * (1 + amount), max(fits, base))
            start, end = (base, top) if move == "push_in" else (top, base)
            self.keys = ((start, centre), (end, centre))
        elif move.startswith("pan_"):
            scale = base if self.close else min(base * (1 + amount / 2), max(fits, base))
            self.keys = self._pan_keys(move, scale, centre, seconds)
        else:
            self.keys = ((base, centre), (base, centre))

    def _offsets(self, scale: float, axis: int):
        """Allowed positions (region pixels) of the photo's left (or top) edge at ``scale``: where
        the photo stays inside the region or covers it, and where the product stays in focus."""
        region, extent = self.region[axis], self.photo_size[axis]
        low, high = sorted((0.0, region - extent * scale))
        start, length = self.focus[axis], self.focus[axis + 2]
        first, last = self.salient[axis], self.salient[axis + 2]
        return (low, high), (start - scale * first, start + length - scale * last)

    def _fits_at(self, scale: float) -> bool:
        for axis in (0, 1):
            (low, high), (p_low, p_high) = self._offsets(scale, axis)
            if max(low, p_low) > min(high, p_high) + 0.25:
                return False
        return True

    def _largest_fitting(self, limit: float) -> float:
        """The largest scale up to ``limit`` at which the product can sit whole in the focus area
        with the photo still inside (or covering) the region; bisection, feasibility grows as the
        scale shrinks."""
        if self._fits_at(limit):
            return limit
        low, high = limit * 0.05, limit
        for _ in range(30):
            mid = (low + high) / 2
            low, high = (mid, high) if self._fits_at(mid) else (low, mid)
        return low

    def _pan_keys(self, move: str, scale: float, centre, seconds: float):
        """Start and end keys of a pan at ``scale``: across the product for close-ups, else as far
        as the product stays whole (at most :data:`PAN_PER_SECOND` region widths a second)."""
        (fw, fh), (pw, ph) = self.focus[2:], self.photo_size
        x0, y0, x1, y1 = self.salient
        axis = 0 if move in ("pan_left", "pan_right") else 1
        view = (fw if axis == 0 else fh) / scale                # window length in photo pixels
        lo_s, hi_s = (x0, x1) if axis == 0 else (y0, y1)
        extent = pw if axis == 0 else ph
        if self.close:   # travel from one end of the product to the other (inside the photo)
            lo, hi = lo_s + view / 2, hi_s - view / 2
            if hi < lo:
                lo, hi = hi, lo
        else:            # keep the whole product in the window
            lo, hi = hi_s - view / 2, lo_s + view / 2
        if view < extent:
            lo, hi = max(lo, view / 2), min(hi, extent - view / 2)
        mid = centre[axis]
        if hi <= lo:
            lo = hi = mid
        limit = PAN_PER_SECOND * seconds * view / 2
        lo, hi = max(lo, mid - limit), min(hi, mid + limit)
        lo, hi = min(lo, mid), max(hi, mid)
        # pan_right / pan_down: the view travels right / down, so the photo slides left / up
        start, end = (lo, hi) if move in ("pan_right", "pan_down") else (hi, lo)
        a = (start, centre[1]) if axis == 0 else (centre[0], start)
        b = (end, centre[1]) if axis == 0 else (centre[0], end)
        return ((scale, a), (scale, b))

    def place(self, u: float) -> tuple[float, float, float]:
        """(scale, cx, cy) at progress ``u``: region pixels per photo pixel, and the photo point
        (photo pixels) at the region's centre."""
        e = ease(u)
        (s0, (ax, ay)), (s1, (bx, by)) = self.keys
        scale = s0 * (s1 / s0) ** e   # geometric, so a push-in looks even-paced
        centre = []
        for axis, key in ((0, ax + (bx - ax) * e), (1, ay + (by - ay) * e)):
            # the keys hold the photo point at the focus centre: that puts the photo's edge at
            # `offset`; keep the product in focus, then the photo inside (or over) the region
            offset = self.focus[axis] + self.focus[axis + 2] / 2 - scale * key
            (low, high), (p_low, p_high) = self._offsets(scale, axis)
            if not self.close and p_low <= p_high:
                offset = min(max(offset, p_low), p_high)
            offset = min(max(offset, low), high)
            centre.append((self.region[axis] / 2 - offset) / scale)
        return scale, centre[0], centre[1]

    def to_region(self, u: float, box) -> tuple[float, float, float, float]:
        """A box in photo pixels mapped to region pixels at progress ``u``."""
        scale, cx, cy = self.place(u)
        rw, rh = self.region
        return (scale * (box[0] - cx) + rw / 2, scale * (box[1] - cy) + rh / 2,
                scale * (box[2] - cx) + rw / 2, scale * (box[3] - cy) + rh / 2)

    def photo_rect(self, u: float) -> tuple[float, float, float, float]:
        """Where the whole photo lies in region pixels at progress ``u`` (may exceed the region)."""
        return self.to_region(u, (0.0, 0.0, *self.photo_size))

    # --- pixels ---------------------------------------------------------------------------------

    def _prepare_source(self, rgb: np.ndarray) -> None:
        """Crop the photo to what any frame shows and pre-scale it to the largest scale used."""
        rw, rh = self.region
        left, top, right, bottom = math.inf, math.inf, -math.inf, -math.inf
        for i in range(33):
            scale, cx, cy = self.place(i / 32)
            left, right = min(left, cx - rw / 2 / scale), max(right, cx + rw / 2 / scale)
            top, bottom = min(top, cy - rh / 2 / scale), max(bottom, cy + rh / 2 / scale)
        pw, ph = self.photo_size
        self._crop = (max(0, math.floor(left) - 2), max(0, math.floor(top) - 2),
                      min(pw, math.ceil(right) + 2), min(ph, math.ceil(bottom) + 2))
        cx0, cy0, cx1, cy1 = self._crop
        top_scale = max(self.keys[0][0], self.keys[1][0])
        size = (max(1, round((cx1 - cx0) * top_scale)), max(1, round((cy1 - cy0) * top_scale)))
        part = rgb[cy0:cy1, cx0:cx1]
        shrink = size[0] < part.shape[1]
        # scaled by exactly top_scale (OpenCV keeps an explicit factor as given, the size being
        # rounded), so a frame at the top scale (every frame of a pan) is a pure shift
        interpolation = cv2.INTER_AREA if shrink else cv2.INTER_CUBIC
        if min(size) >= 2:
            scaled = cv2.resize(part, None, fx=top_scale, fy=top_scale, interpolation=interpolation)
            self._source_scale = (top_scale, top_scale)
        else:  # a sliver (a region a pixel high): to its size, a factor would round to nothing
            scaled = cv2.resize(part, size, interpolation=interpolation)
            self._source_scale = (size[0] / (cx1 - cx0), size[1] / (cy1 - cy0))
        # kept with a fourth channel: OpenCV's 4-channel warp is about twice as fast as its
        # 3-channel one (bench/bench_shots.py), and the frame is the same to the bit; and with
        # a pixel of its edge repeated around it, so a shift's 2x2 window always fits
        self._source = cv2.copyMakeBorder(cv2.cvtColor(scaled, cv2.COLOR_RGB2RGBA), 1, 1, 1, 1,
                                          cv2.BORDER_REPLICATE)

    def _make_backdrop(self, rgb: np.ndarray) -> np.ndarray | None:
        """The region-sized backdrop for the bands (None when the photo always covers the region)."""
        rw, rh = self.region
        covered = all(_covers(self.photo_rect(i / 8), self.region) for i in range(9))
        if covered:
            return None
        if self.flat_color is not None:
            return np.full((rh, rw, 3), self.flat_color, np.uint8)
        # the photo as placed at the start, mirrored beyond its edges and blurred: the bands read
        # as the scene continuing out of focus, in the photo's own colours
        small = (max(8, rw // 8), max(8, rh // 8))
        scale, cx, cy = self.place(0.0)
        scale /= 8
        matrix = np.float32([[scale, 0, small[0] / 2 - scale * cx], [0, scale, small[1] / 2 - scale * cy]])
        tiny = cv2.warpAffine(rgb, matrix, small, flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REFLECT)
        blurred = cv2.GaussianBlur(tiny, (0, 0), sigmaX=max(small) / 25)
        dimmed = cv2.convertScaleAbs(blurred, alpha=0.6, beta=6)
        return cv2.resize(dimmed, (rw, rh), interpolation=cv2.INTER_CUBIC)

    def render(self, u: float) -> np.ndarray:
        """The region's pixels at progress ``u``: uint8 RGB (h, w, 3), a new array."""
        if self.keys[0] == self.keys[1]:  # a still camera: every frame is the same picture
            if self._still is None:
                self._still = self._render(0.0)
            return self._still.copy()
        return self._render(u)

    def _render(self, u: float) -> np.ndarray:
        scale, cx, cy = self.place(u)
        rw, rh = self.region
        # warp only the rows and columns the photo reaches; the backdrop fills the rest
        left, top, right, bottom = self.photo_rect(u) if self.backdrop is not None else (0, 0, rw, rh)
        ca, ra = max(0, math.floor(left)), max(0, math.floor(top))
        cb, rb = min(rw, math.ceil(right)), min(rh, math.ceil(bottom))
        k = scale / self._source_scale[0], scale / self._source_scale[1]
        # photo point p lands at region x = rw/2 + scale * (p - cx); the source pixel i has its
        # centre at crop coordinate (i + 0.5) / source scale, the region pixel j at j + 0.5; the
        # source's border pixel comes first (i = -1)
        ox = rw / 2 - scale * (cx - self._crop[0]) + 0.5 * k[0] - 0.5 - ca - k[0]
        oy = rh / 2 - scale * (cy - self._crop[1]) + 0.5 * k[1] - 0.5 - ra - k[1]
        out = np.empty((rh, rw, 3), np.uint8)
        # the photo's pixels go straight into their place in the frame (no copy)
        cv2.cvtColor(_resample(self._source, k, (ox, oy), (cb - ca, rb - ra)),
                     cv2.COLOR_RGBA2RGB, dst=out[ra:rb, ca:cb])
        if self.backdrop is not None:
            _fill_bands(out, self.backdrop, (left, top, right, bottom))
        return out


def _resample(source: np.ndarray, k: tuple[float, float], offset: tuple[float, float],
              size: tuple[int, int]) -> np.ndarray:
    """``source`` scaled by ``k`` (x, y) and moved by ``offset`` (x, y pixels) into ``size``
    (w, h): bilinear, edges replicated, as ``cv2.warpAffine`` with the matrix
    [[kx, 0, ox], [0, ky, oy]]. At scale 1 (a pan, a still) it is a sub-pixel shift: the four
    neighbours' weights are the same for every pixel, so it is one 2x2 ``cv2.filter2D`` over
    the source's window, about half the time of the general warp (bench/bench_shots.py)."""
    w, h = size
    if k == (1.0, 1.0):
        # output pixel (x, y) reads source (x - ox, y - oy): whole part and fraction
        ix, iy = math.floor(-offset[0]), math.floor(-offset[1])
        fx, fy = -offset[0] - ix, -offset[1] - iy
        if ix >= 0 and iy >= 0 and ix + w + 1 <= source.shape[1] and iy + h + 1 <= source.shape[0]:
            kernel = np.float32([[(1 - fx) * (1 - fy), fx * (1 - fy)], [(1 - fx) * fy, fx * fy]])
            window = source[iy:iy + h + 1, ix:ix + w + 1]
            return cv2.filter2D(window, -1, kernel, anchor=(0, 0),
                                borderType=cv2.BORDER_REPLICATE)[:h, :w]
    matrix = np.array([[k[0], 0.0, offset[0]], [0.0, k[1], offset[1]]])
    return cv2.warpAffine(source, matrix, size, flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def _flatten(photo: np.ndarray, flat_color):
    """RGB pixels and the flat backdrop colour: cut-outs are laid on ``flat_color`` (or light grey);
    photos with a plain, even border extend with that border colour."""
    if photo.ndim == 3 and photo.shape[2] == 4:
        colour = tuple(flat_color) if flat_color is not None else (236, 236, 232)
        alpha = photo[..., 3:4].astype(np.float32) / 255.0
        rgb = photo[..., :3] * alpha + np.asarray(colour, np.float32) * (1 - alpha)
        return np.ascontiguousarray(rgb.round().astype(np.uint8)), colour
    rgb = np.ascontiguousarray(photo[..., :3])
    ring = max(1, min(rgb.shape[:2]) // 40)
    border = np.concatenate([rgb[:ring].reshape(-1, 3), rgb[-ring:].reshape(-1, 3),
                             rgb[:, :ring].reshape(-1, 3), rgb[:, -ring:].reshape(-1, 3)])
    if border.astype(np.float32).std(axis=0).max() < 6.0:  # a studio sweep: extend it
        return rgb, tuple(int(v) for v in np.median(border, axis=0))
    return rgb, None


def _auto_move(move: str, close: bool, seed: int) -> str:
    if move != "auto":
        return move
    if close:
        return random.Random(seed).choice(["pan_left", "pan_right"])
    return "push_in"


def _covers(rect, region) -> bool:
    x0, y0, x1, y1 = rect
    return x0 <= 0.01 and y0 <= 0.01 and x1 >= region[0] - 0.01 and y1 >= region[1] - 0.01


def _fill_bands(out: np.ndarray, backdrop: np.ndarray, rect) -> None:
    """Copy the backdrop where the photo does not reach. The photo's edges fade into it over up to
    :data:`FEATHER` of the region (never more than the band is wide), so a band reads as the scene
    going out of focus rather than a strip stuck on; an edge that just meets the region's border
    fades over nothing, so the look changes continuously as a push-in grows the photo."""
    h, w = out.shape[:2]
    x0, y0, x1, y1 = rect
    feather = FEATHER * min(h, w)
    _ramp(out, backdrop, _edge_weights(h, y0, y1, feather), rows=True)
    _ramp(out, backdrop, _edge_weights(w, x0, x1, feather), rows=False)


def _edge_weights(n: int, start: float, end: float, feather: float) -> np.ndarray:
    """Photo weight 0..1 of each of ``n`` pixels along an axis where the photo spans [start, end):
    pixel coverage at a hard edge, a smoothstep ramp of up to ``feather`` pixels inside it."""
    pos = np.arange(n, dtype=np.float64)
    weight = np.ones(n)
    if start > 0:
        ramp = min(feather, start)
        weight *= np.clip((pos + 1 - start) / (ramp + 1), 0, 1)
    if end < n:
        ramp = min(feather, n - end)
        weight *= np.clip((end - pos) / (ramp + 1), 0, 1)
    return weight * weight * (3 - 2 * weight)


def _ramp(out: np.ndarray, backdrop: np.ndarray, weight: np.ndarray, rows: bool) -> None:
    """out = weight * out + (1 - weight) * backdrop along rows (or columns), touching only the
    pixels whose weight is below 1."""
    dst = out if rows else out.transpose(1, 0, 2)
    src = backdrop if rows else backdrop.transpose(1, 0, 2)
    empty = np.nonzero(weight <= 1e-4)[0]
    for run in np.split(empty, np.nonzero(np.diff(empty) > 1)[0] + 1):
        if len(run):
            dst[run[0]: run[-1] + 1] = src[run[0]: run[-1] + 1]
    mixed = np.nonzero((weight > 1e-4) & (weight < 1 - 1e-4))[0]
    if len(mixed):
        wgt = weight[mixed].astype(np.float32)[:, None, None]
        dst[mixed] = (dst[mixed] * wgt + src[mixed] * (1 - wgt) + 0.5).astype(np.uint8)
