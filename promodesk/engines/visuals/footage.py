"""The user's own media on a video track, shown as it is: video clips, images (a logo, a sticker)
and text titles set with the typeset engine. Registered as the visual engine "footage".

A footage clip's recipe params:

- ``fit``: "cover" (default; fills the frame, cropping the overflow) or "contain" (the whole
  picture, black bars) for a clip drawn full frame;
- ``overlay``: present for a clip drawn over the tracks below it instead of covering them (see
  :mod:`promodesk.render.overlay` for its keys: position, scale, rotation, opacity, fades);
- ``text`` (with ``color``, ``outline``, ``box``, ``align``, ``size``): a title, when the clip has
  no file.

Frame sources made here read *source* time: the renderer asks for ``in_point + (t - start)``
(``source_time = True``), so a trimmed clip starts on the frame its in-point names.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from promodesk.core.timeline import Recipe, Take
from promodesk.engines.base import (CancelToken, EngineInfo, NewTake, Progress, RequestError,
                                    TakeRequest, no_progress)
from promodesk.engines.visuals.video import VideoDecoder
from promodesk.engines.visuals import safearea

FITS = ("cover", "contain")


def cover_box(source: tuple[int, int], size: tuple[int, int]) -> tuple[int, int, int, int]:
    """The part (x, y, w, h pixels) of a ``source`` (w, h) picture that fills ``size`` (w, h)
    when scaled to cover it: the centre, cut to the frame's shape."""
    (sw, sh), (w, h) = source, size
    scale = max(w / sw, h / sh)
    cw, ch = min(sw, max(1, round(w / scale))), min(sh, max(1, round(h / scale)))
    return (sw - cw) // 2, (sh - ch) // 2, cw, ch


def fit_frame(rgb: np.ndarray, size: tuple[int, int], fit: str = "cover") -> np.ndarray:
    """``rgb`` (h, w, 3) scaled to fill ``size`` (w, h pixels): "cover" crops the overflow
    around the centre, "contain" letterboxes on black. Returns a new uint8 array."""
    w, h = size
    sh, sw = rgb.shape[:2]
    if fit == "cover":
        # crop the source to the frame's shape first, so only what shows is resampled
        x, y, cw, ch = cover_box((sw, sh), size)
        return _scaled(rgb[y:y + ch, x:x + cw], size)
    scale = min(w / sw, h / sh)
    nw, nh = max(1, round(sw * scale)), max(1, round(sh * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    scaled = rgb if (nw, nh) == (sw, sh) else cv2.resize(rgb, (nw, nh), interpolation=interp)
    out = np.zeros((h, w, 3), np.uint8)
    x, y = (w - nw) // 2, (h - nh) // 2
    out[y:y + nh, x:x + nw] = scaled
    return out


def _scaled(crop: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``crop`` (already the frame's shape, from :func:`cover_box`) resized to ``size`` (w, h):
    area-averaged when shrinking, bicubic when enlarging. A new array."""
    if crop.shape[1::-1] == tuple(size):
        return crop.copy()
    interp = cv2.INTER_AREA if crop.shape[1] > size[0] else cv2.INTER_CUBIC
    return cv2.resize(np.ascontiguousarray(crop), tuple(size), interpolation=interp)


class FootageSource:
    """Frames of one footage clip at ``size`` (w, h). ``media`` is a :class:`VideoDecoder`, a
    PIL image (RGB or RGBA) or None (a title from ``params['text']``).

    ``frame(t_us)`` gives the full-frame picture at source time ``t_us`` (uint8 (h, w, 3));
    ``sprite(t_us)`` the picture at its own size with alpha (uint8 (h, w, 4), not
    premultiplied), for overlays. ``still`` says whether the picture never changes.
    ``sample_frame`` / ``sample_sprite`` are the cheap rough versions (a video's keyframe at or
    before the time) for sampling what is under a caption."""

    source_time = True

    def __init__(self, params: dict, media, size: tuple[int, int]):
        self.params = dict(params)
        self.size = (int(size[0]), int(size[1]))
        # an overlay drawn whole (a timeline thumbnail) shows all of the logo or title
        self.fit = self.params.get("fit", "contain" if "overlay" in self.params else "cover")
        if self.fit not in FITS:
            raise RequestError(f"fit must be one of {', '.join(FITS)}, not {self.fit!r}")
        self.media = media
        self.still = not isinstance(media, VideoDecoder)
        self._sprite = None if not self.still else _still_sprite(self.params, media, self.size)
        self._cover = None  # the part of a video that fills the frame, once its size is seen

    def sprite(self, t_us: int) -> np.ndarray:
        """The picture at source time ``t_us`` with its alpha channel (see the class)."""
        if self._sprite is not None:
            return self._sprite
        rgb = self.media.frame(t_us)
        return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])

    def sample_sprite(self, t_us: int) -> np.ndarray:
        """Like :meth:`sprite`, but a video shows its keyframe at or before ``t_us`` (one
        decode, leaving the decoder :meth:`sprite` reads where it is)."""
        if self._sprite is not None:
            return self._sprite
        rgb = self.media.keyframe(t_us)
        return np.dstack([rgb, np.full(rgb.shape[:2], 255, np.uint8)])

    def sample_frame(self, t_us: int) -> np.ndarray:
        """Like :meth:`frame`, but a video shows its keyframe at or before source time
        ``t_us``: roughly the picture then, for sampling (a caption's background), at one decode
        and without moving the decoder :meth:`frame` reads."""
        if self.still:
            return self.frame(t_us)
        return fit_frame(self.media.keyframe(t_us), self.size, self.fit)

    def frame(self, t_us: int) -> np.ndarray:
        """The picture filling the frame at source time ``t_us`` (transparency over black)."""
        if self.still:
            rgba = self._sprite.astype(np.float32)
            rgb = (rgba[..., :3] * (rgba[..., 3:] / 255.0)).round().astype(np.uint8)
        elif self.fit == "cover" and self._cover is not None:
            # the decoder converts only the part that shows (the same pixels, a third the work
            # for 16:9 footage in a 9:16 frame)
            rgb = self.media.frame(t_us, crop=self._cover)
            if rgb.shape[1::-1] == self._cover[2:]:
                return _scaled(rgb, self.size)
            self._cover = cover_box(rgb.shape[1::-1], self.size)  # the file changed size
        else:
            rgb = self.media.frame(t_us)
            if self.fit == "cover":
                self._cover = cover_box(rgb.shape[1::-1], self.size)
        return fit_frame(rgb, self.size, self.fit)


def _still_sprite(params: dict, media, size: tuple[int, int]) -> np.ndarray:
    """An image's RGBA pixels (shrunk so its shorter side is at most ``size``'s longer side:
    neither a full-frame picture nor an overlay is ever drawn larger, and an 8000-pixel logo cost
    seconds of float maths per placement), or a title set with the typeset engine at ``size``'s
    scale."""
    if media is not None:
        rgba = media.convert("RGBA")
        shrink = max(size) / min(rgba.size)
        if shrink < 1:  # Pillow resamples RGBA premultiplied, so edges keep no dark halo
            rgba = rgba.resize((max(1, round(rgba.width * shrink)),
                                max(1, round(rgba.height * shrink))), Image.Resampling.LANCZOS,
                                reducing_gap=3.0)
        return np.asarray(rgba)
    from promodesk.engines.visuals import typeset as ts

    text = str(params.get("text") or "").strip()
    if not text:
        raise RequestError("A title clip needs some text (params['text']).")
    # titles scale with the canvas's short side, so they re-layout for every aspect
    left, top, right, bottom = safearea.safe_area(size)
    unit = min(size)
    font = max(10, round(unit * float(params.get("size", 0.07))))
    layout = ts.fit_text(text, (right - left, (bottom - top) // 3), max_lines=3,
                         max_size=font, min_size=max(8, font // 3))
    box = params.get("box")
    style = ts.TextStyle(fill=_rgb(params.get("color", "#ffffff")),
                         outline=max(0, round(font * float(params.get("outline", 0.06)))),
                         outline_color=_rgb(params.get("outline_color", "#000000")),
                         box=_rgb(box) if box else None, box_pad=round(font * 0.3) if box else 0,
                         box_radius=round(font * 0.2) if box else 0,
                         align=params.get("align", "center"))
    sprite, _ = ts.text_sprite(layout, style)
    return sprite


def _rgb(colour) -> tuple[int, int, int]:
    if isinstance(colour, (list, tuple)):
        return tuple(int(c) for c in colour[:3])
    text = str(colour).lstrip("#")
    if len(text) != 6:
        raise RequestError(f"A colour must look like #rrggbb, not {colour!r}.")
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


class FootageTakes:
    """The user's own clips, images and titles, shown as they are (no generation)."""

    info = EngineInfo(name="footage", kind="visuals", title="Your footage, images and titles",
                      output_licence="Your own material: its licence is yours to know.",
                      commercial_use=True)
    settings = ("fit", "overlay", "text", "color", "outline", "box", "align", "size")

    def availability(self) -> str | None:
        """None when PyAV (FFmpeg's libraries) imports, else how to get it."""
        try:
            import av  # noqa: F401
        except ImportError:
            return "PyAV is not installed; reinstall PromoDesk (pip install av)."
        return None

    def frame_source(self, params: dict, photo, size: tuple[int, int], duration_us: int,
                     seed: int) -> FootageSource:
        """A :class:`FootageSource`; ``photo`` is the take's media (a VideoDecoder for a
        video asset, a PIL image, or None for a title)."""
        return FootageSource(params, photo, size)

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """The same media with the request's params (fit, overlay, title text), checked by
        laying it out once."""
        cancel = cancel or CancelToken()
        params = dict(request.recipe.params)
        progress(0.3, "Checking the settings")
        if request.asset is None:
            FootageSource(params, None, request.size)
        elif params.get("fit", "cover") not in FITS:
            raise RequestError(f"fit must be one of {', '.join(FITS)}, not {params['fit']!r}")
        cancel.check()
        progress(1.0, "Ready")
        take = Take(request.asset.id if request.asset else None,
                    Recipe(self.info.name, params, int(request.recipe.seed)),
                    request.asset.duration if request.asset else None, label="edited")
        return NewTake(take)
