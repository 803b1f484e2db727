"""Animated shots from a product photo: the built-in visual engine (contract 2 of the notes).

A video clip's take has ``Recipe(engine="shots", params={...})``; render_frame builds one
:class:`ShotRenderer` per clip and asks it for frames. Kinds:

- ``hero``: the product, a slow push-in, the title on top;
- ``detail``: a close-up panning across the product;
- ``feature``: the photo beside (or under) a colour panel with the feature line;
- ``offer``: the product with a round price badge, the old price struck through;
- ``cta``: the end card, brand colours, title, price and a call-to-action button;
- ``card``: copy over a colour field, or over the photo blurred.

Everything heavy happens in ``__init__`` (framing, pre-scaled photo, backdrop, palette, text
sprites); :meth:`ShotRenderer.frame` is one warp of the photo plus compositing of small layers
(a few milliseconds at 1080x1920). Framing and moves: :mod:`promodesk.engines.visuals.camera`; text pieces:
:mod:`promodesk.engines.visuals.cards`; text setting: :mod:`promodesk.engines.visuals.typeset`.
"""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from promodesk.engines.visuals import cards
from promodesk.engines.visuals import typeset
from promodesk.engines.visuals.camera import MOVES, PhotoCamera
from promodesk.engines.visuals.palette import contrast_ratio, palette_from_colors
from promodesk.engines.visuals.saliency import salient_box
from promodesk.core.timeline import seconds_from_us
from promodesk.engines.visuals import safearea

KINDS = ("hero", "detail", "feature", "offer", "cta", "card")
TEXT_FIELDS = ("text", "title", "price", "old_price", "cta")
MAX_PHOTO_SIDE = 4096   # larger photos are shrunk first; no frame needs more
# Layout variants a regenerate steps through (params["variant"]): 0 the product centred, 1 to
# the left (a feature's panel on the other side, an end card's photo under the copy), 2 to the
# right (a copy card in reversed colours (1) or on the accent colour (2), left-aligned).
VARIANTS = 3
VARIANT_FOCUS = 0.72    # variants 1 and 2 frame the product in this share of the width


def shot_params(params: dict) -> dict:
    """``params`` with every contract-2 key present and checked (kind, move, texts, colours,
    transition_in); raises ValueError for an unknown kind or move."""
    out = dict(params)
    out.setdefault("kind", "hero")
    out.setdefault("move", "auto")
    if out["kind"] not in KINDS:
        raise ValueError(f"shot kind must be one of {', '.join(KINDS)}, not {out['kind']!r}")
    if out["move"] not in MOVES:
        raise ValueError(f"move must be one of {', '.join(MOVES)}, not {out['move']!r}")
    for key in TEXT_FIELDS:
        out[key] = str(out.get(key) or "")
    out["colors"] = list(out.get("colors") or [])
    out.setdefault("transition_in", {"kind": "cut", "duration_us": 0})
    return out


def with_font_file(params: dict, folder) -> dict:
    """A copy of shot ``params`` whose ``font``, when it names a font asset of the project (its
    file name in ``folder``/assets, as a brand kit stores it), is that file's absolute path: a
    ShotRenderer cannot see the project folder. A font given as a path (projects branded before
    kit fonts were copied in) and an asset whose file is gone are left as they are (the shot
    then notes that it draws in the bundled fonts)."""
    from pathlib import Path

    from promodesk.core.projectfile import asset_path

    out = dict(params)
    font = out.get("font")
    if isinstance(font, str) and font and folder is not None and Path(font).name == font:
        path = asset_path(folder, font)
        if path.is_file():
            out["font"] = str(path.resolve())
    return out


class ShotRenderer:
    """Frames of one shot: ``params`` per contract 2, ``photo`` (PIL image from
    :func:`photos.load_photo`, or None), ``size`` (w, h) pixels, ``duration_us`` microseconds.

    ``notes`` lists what the user should know (characters no bundled font can draw, a brand
    font that is gone). ``params["font"]`` is a font file's path: resolve a project's font asset
    first with :func:`with_font_file`."""

    def __init__(self, params: dict, photo: Image.Image | None, size: tuple[int, int],
                 duration_us: int, seed: int = 0) -> None:
        self.params = shot_params(params)
        self.size = (int(size[0]), int(size[1]))
        self.duration_us = max(1, int(duration_us))
        self.seconds = seconds_from_us(self.duration_us)
        self.seed = seed
        self.variant = int(self.params.get("variant") or 0) % VARIANTS
        if photo is not None and max(photo.size) > MAX_PHOTO_SIDE:
            photo = photo.copy()
            photo.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE), Image.Resampling.LANCZOS)
        self.photo = photo
        self.palette = palette_from_colors(self.params["colors"], photo)
        w, h = self.size
        self.safe = safearea.safe_area((w, h))
        self.unit = min(w, h)                        # text sizes scale with the short side
        self.orientation = "portrait" if h > w * 1.2 else "landscape" if w > h * 1.2 else "square"
        self.base: np.ndarray | None = None          # static frame under the camera region
        self.region: tuple[int, int, int, int] | None = None  # camera's x, y, w, h
        self.camera: PhotoCamera | None = None
        self.layers: list[cards.Layer] = []
        self.panels: list[tuple[int, int, int, int]] = []  # colour panels the shot's copy sits on
        self.notes = [f"Not in the bundled fonts, left out: {''.join(missing)}"
                      for missing in [self._missing_glyphs()] if missing]
        kind = self.params["kind"]
        if photo is None and kind != "cta":
            kind = "card"  # every photo kind falls back to copy on a colour field
        self.kind = kind
        font = self.params.get("font")
        with typeset.first_font(font) as used:  # a brand kit's font, if any
            getattr(self, f"_layout_{kind}")()
        if font and not used:  # never silently: the titles look different without it
            self.notes.append(f"The brand font {font} is missing or unreadable, so this shot's "
                              "text is drawn in the bundled fonts: apply the brand kit again.")

    # --- per frame ------------------------------------------------------------------------------

    def frame(self, t_us: int) -> np.ndarray:
        """The shot at ``t_us`` microseconds after its start: a new uint8 (h, w, 3) RGB array.
        Times before 0 or after the duration (drawn during transitions) hold the first or last
        camera position. Safe to call from several threads at once (nothing here changes)."""
        u = t_us / self.duration_us
        w, h = self.size
        if self.camera is not None and self.region == (0, 0, w, h):
            out = self.camera.render(u)
        else:
            out = self.base.copy()
            if self.camera is not None:
                x, y, rw, rh = self.region
                out[y:y + rh, x:x + rw] = self.camera.render(u)
        seconds = seconds_from_us(t_us)
        for layer in self.layers:
            layer.draw(out, seconds)
        return out

    def text_boxes(self) -> list[tuple[int, int, int, int]]:
        """Pixel boxes (left, top, right, bottom; right/bottom exclusive) of everything the shot
        writes on the frame: titles, body text, price badges, buttons and rules (not scrims).
        Captions and overlays (a logo, a watermark) keep out of them."""
        return [tuple(int(v) for v in layer.box) for layer in self.layers if layer.role != "scrim"]

    def panel_boxes(self) -> list[tuple[int, int, int, int]]:
        """Pixel boxes (left, top, right, bottom; exclusive) of the colour panels the shot's copy
        sits on beside the photo (a landscape feature's side panel): a caption across a panel's
        edge reads as part of the panel, so captions keep out of them too."""
        return list(self.panels)

    # --- layouts ----------------------------------------------------------------------------------

    def _layout_hero(self) -> None:
        self._titled_camera(self.params["title"])

    def _layout_detail(self) -> None:
        self._full_camera("auto", close=True)

    def _layout_offer(self) -> None:
        price, old = self.params["price"], self.params["old_price"]
        if not (price or old):
            self._titled_camera(self.params["title"])
            return
        w, h = self.size
        left, top, right, _ = self.safe
        diameter = int(self.unit * (0.38 if self.orientation == "portrait" else 0.36))
        badge = cards.price_badge(price or old, old if price else "", self.palette, diameter)
        bh, bw = badge.shape[:2]
        shadow = int(bw - diameter) // 2     # the badge's soft shadow may fall on the photo
        below = top + bh - shadow
        beside = (0, 0, right - bw + shadow, h)              # badge top right, product left
        under = (0, below, w, self.safe[3] - below)          # badge on top, product below it
        # (the product may reach into the captions' band: above it, it would be too small)
        x0, y0, x1, y1 = self._salient()
        focus = max((beside, under), key=lambda f: min(f[2] / (x1 - x0), f[3] / (y1 - y0)))
        self._full_camera("push_in", focus=focus)
        x, y = self._free_spot(bw, bh)
        self.layers.append(cards.Layer.from_rgba(badge, x, y, enter="pop", delay=0.2,
                                                 role="badge"))

    def _layout_feature(self) -> None:
        w, h = self.size
        left, top, right, bottom = self.safe
        self.base = self._colour_field()
        flip = self.variant == 1   # the panel on the other side
        if self.orientation == "landscape":
            panel = int(w * 0.42)
            self._region_camera((panel if flip else 0, 0, w - panel, h), "push_in")
            self.panels.append((0, 0, panel, h) if flip else (w - panel, 0, w, h))
            area = ((left, top, panel - int(w * 0.05), self._caption_top()) if flip else
                    (w - panel + int(w * 0.05), top, right, self._caption_top()))
        else:
            panel = int(h * (0.40 if self.orientation == "portrait" else 0.42))
            if flip:   # photo on top, copy under it, above the captions' band
                low = self._caption_top()
                self._region_camera((0, 0, w, low - panel), "push_in")
                area = (left, low - panel + int(h * 0.03), right, low)
            else:
                self._region_camera((0, panel, w, h - panel), "push_in")
                area = (left, top, right, panel - int(h * 0.04))
        body, title = self.params["text"], self.params["title"]
        if not body:
            body, title = title, ""
        self._text_stack(area, [
            ("bar", None),
            ("title", title, self._title_colour(), 1, 0.055),
            ("body", body, self.palette.text, 4, 0.085),
        ], align="left")

    def _layout_cta(self) -> None:
        w, h = self.size
        left, top, right, _ = self.safe
        low = self._caption_top()
        self.base = self._colour_field()
        area = (left, top, right, low)
        if self.photo is not None:
            if self.orientation == "portrait" and self.variant == 1:   # copy above, photo below
                margin = int(w * 0.08)
                photo_h = int(h * 0.32)
                slot = (margin, low - photo_h, w - 2 * margin, photo_h)
                area = (left, top, right, low - photo_h - int(h * 0.03))
            elif self.orientation == "portrait":   # photo above, copy below
                margin = int(w * 0.08)
                photo_h = int(h * 0.32)
                slot = (margin, top, w - 2 * margin, photo_h)
                area = (left, top + photo_h + int(h * 0.03), right, low)
            else:                                # photo left, copy right
                slot = (left, top, w // 2 - left, low - top)
                area = (int(w * 0.55), top, right, low)
            self._region_camera(_fit_box(slot, self.photo.size), "push_in")
        self._text_stack(area, [
            ("title", self.params["title"], self.palette.text, 2, 0.1),
            ("title", self.params["price"], self._title_colour(), 1, 0.08),
            ("button", self.params["cta"]),
        ], align="center")

    def _layout_card(self) -> None:
        w, h = self.size
        if self.photo is not None:
            blurred = self._blurred_photo()
            box = (blurred.shape[1] * 0.45, blurred.shape[0] * 0.45,
                   blurred.shape[1] * 0.55, blurred.shape[0] * 0.55)
            move = "push_in" if self.params["move"] == "auto" else self.params["move"]
            self.camera = PhotoCamera(blurred, box, (w, h), move, seconds=self.seconds,
                                      seed=self.seed)
            self.region = (0, 0, w, h)
            ink = (255, 255, 255)
        elif self.variant == 2:   # the copy on the accent colour
            self.base = self._colour_field(self.palette.accent)
            ink = self.palette.on_accent
        elif self.variant == 1:   # the colours reversed: background-coloured copy on the ink
            self.base = self._colour_field(self.palette.text)
            ink = self.palette.background
        else:
            self.base = self._colour_field()
            ink = self.palette.text
        left, top, right, _ = self.safe
        body, title = self.params["text"], self.params["title"]
        if not body:
            body, title = title, ""
        title_ink = self._title_colour() if self.photo is None and not self.variant else ink
        self._text_stack((left, top, right, self._caption_top()), [
            ("bar", None) if self.variant else ("title", "", ink, 1, 0.06),
            ("title", title, title_ink, 1, 0.06),
            ("body", body, ink, 5, 0.1),
        ], align=("center", "left", "left")[self.variant], shadow=self.photo is not None)

    # --- pieces -----------------------------------------------------------------------------------

    def _full_camera(self, default_move: str, close: bool = False, focus=None) -> None:
        w, h = self.size
        self._region_camera((0, 0, w, h), "auto" if close else default_move, close, focus)

    def _region_camera(self, region, default_move: str, close: bool = False, focus=None) -> None:
        x, y, rw, rh = region
        rgba = np.asarray(self.photo)
        move = self.params["move"] if self.params["move"] != "auto" else default_move
        if self.variant:   # frame the product to the left (1) or right (2) of where it was
            fx, fy, fw, fh = focus if focus is not None else (0, 0, rw, rh)
            narrow = int(fw * VARIANT_FOCUS)
            focus = (fx if self.variant == 1 else fx + fw - narrow, fy, narrow, fh)
        self.camera = PhotoCamera(rgba, self._salient(), (rw, rh), move, close=close,
                                  seconds=self.seconds, seed=self.seed,
                                  flat_color=self.palette.background if self.photo.mode == "RGBA"
                                  else None, focus=focus)
        self.region = (x, y, rw, rh)

    def _product_box(self) -> tuple[float, float, float, float]:
        """Where the product is on the frame over the whole shot (pixels), for placing text."""
        x, y = self.region[:2]
        boxes = [self.camera.to_region(u, self.camera.salient) for u in (0.0, 0.5, 1.0)]
        return (min(b[0] for b in boxes) + x, min(b[1] for b in boxes) + y,
                max(b[2] for b in boxes) + x, max(b[3] for b in boxes) + y)

    def _free_spot(self, width: int, height: int) -> tuple[int, int]:
        """Top-left of a ``width`` x ``height`` picture in the upper safe area that covers as
        little of the product as it can (ties: nearest the top right)."""
        left, top, right, bottom = self.safe
        product = self._product_box()
        low = top + max(0, (bottom - top) // 2 - height)  # the lower part is for captions
        best = None
        for fy in np.linspace(0.0, 1.0, 7):
            for fx in np.linspace(1.0, 0.0, 9):
                x = int(left + fx * max(0, right - left - width))
                y = int(top + fy * max(0, low - top))
                cost = _overlap(product, (x, y, x + width, y + height)) + fy * width * 2 + \
                    (1 - fx) * width
                if best is None or cost < best[0]:
                    best = (cost, x, y)
        return best[1], best[2]

    def _salient(self) -> tuple[float, float, float, float]:
        """The product's box in the photo (pixels), found once."""
        if getattr(self, "_product", None) is None:
            self._product = salient_box(self.photo)
        return self._product

    def _titled_camera(self, title: str) -> None:
        """The full-frame photo with ``title`` in white over a dark scrim: across the top of the
        safe area with the product framed below it, or (landscape) down the right side with the
        product framed to its left."""
        w, h = self.size
        left, top, right, bottom = self.safe
        if not title:
            self._full_camera("push_in")
            return
        size = int(self.unit * 0.1)
        if self.orientation == "landscape":
            column = int((right - left) * 0.4)
            lines = next((n for n in (1, 2) if cards.fits(title, column, n, int(self.unit * 0.06))), 3)
            layer = cards.text_layer(title, (right - column, top, right, bottom), (255, 255, 255),
                                     max_lines=lines, max_size=size, align="right", valign="top",
                                     shadow=True)
            gutter = w - layer.box[0] + int(self.unit * 0.04)
            self._full_camera("push_in", focus=(0, 0, w - gutter, h))
            veil = cards.scrim(min(w, gutter + int(self.unit * 0.12)), h, 0.5, "right")
            self.layers.append(cards.Layer.from_rgba(veil, w - veil.shape[1], 0, enter="",
                                                     role="scrim"))
        else:
            layer = cards.text_layer(title, (left, top, right, top + int(self.unit * 0.26)),
                                     (255, 255, 255), max_lines=2, max_size=size, valign="top",
                                     shadow=True)
            below = layer.box[3] + int(self.unit * 0.04)
            self._full_camera("push_in", focus=(0, below, w, self._caption_top() - below))
            veil = cards.scrim(w, below + int(self.unit * 0.08), 0.55, "top")
            self.layers.append(cards.Layer.from_rgba(veil, 0, 0, enter="", role="scrim"))
        self.layers.append(layer)

    def _text_stack(self, area, items, align: str, shadow: bool = False) -> None:
        """Blocks laid top to bottom in ``area`` and centred vertically there as a group; when
        they do not fit, all of them shrink together until they do.

        ``items``: ("bar",) an accent rule, ("title"/"body", text, colour, max_lines, size as a
        share of the short side), ("button", label)."""
        x0, y0, x1, y1 = area
        shrink = 1.0
        for _ in range(8):
            placed = self._stack(area, items, align, shadow, shrink)
            used = max((layer.box[3] for layer in placed), default=y0)
            if used <= y1:
                break
            shrink *= 0.85
        shift = max(0, (y1 - used) // 2)
        for layer in placed:
            layer.y += shift
        self.layers.extend(placed)

    def _stack(self, area, items, align: str, shadow: bool, shrink: float) -> list[cards.Layer]:
        x0, y0, x1, y1 = area
        width = x1 - x0
        unit = self.unit * shrink
        gap = int(unit * 0.03)
        placed: list[cards.Layer] = []
        y = y0
        for n, item in enumerate(items):
            kind = item[0]
            if kind == "bar":
                bar = np.zeros((max(4, self.unit // 90), int(self.unit * 0.09), 4), np.uint8)
                bar[..., :3], bar[..., 3] = self.palette.accent, 255
                bx = x0 if align == "left" else x0 + (width - bar.shape[1]) // 2
                placed.append(cards.Layer.from_rgba(bar, bx, y, delay=0.1, role="rule"))
                y += bar.shape[0] + gap
            elif kind == "button":
                pill = cards.button(item[1], self.palette, int(width * 0.8), int(unit * 0.13))
                if pill is not None:
                    bx = x0 if align == "left" else x0 + (width - pill.shape[1]) // 2
                    placed.append(cards.Layer.from_rgba(pill, bx, y + gap, enter="pop",
                                                        delay=0.35, role="button"))
                    y += pill.shape[0] + 2 * gap
            else:
                _, text, colour, lines, share = item
                layer = cards.text_layer(text, (x0, y, x1, max(y1, y + 1)), colour,
                                         max_lines=lines, max_size=int(unit * share),
                                         align=align, valign="top", shadow=shadow,
                                         delay=0.15 + 0.1 * n, weight="bold")
                if layer is not None:
                    placed.append(layer)
                    y = layer.box[3] + gap
        return placed

    def _caption_top(self) -> int:
        """Top of the band at the bottom of the safe area where the captions track draws (about
        two caption lines); shots keep their text, and in portrait their product, above it."""
        return safearea.caption_area(self.size)[1]

    def _title_colour(self):
        accent, background = self.palette.accent, self.palette.background
        return accent if contrast_ratio(accent, background) >= 3.0 else self.palette.text

    def _colour_field(self, colour=None) -> np.ndarray:
        """``colour`` (default the palette background) with a soft diagonal light, so a flat
        card has some depth; the light comes from the other side in variant 1."""
        w, h = self.size
        ys, xs = np.mgrid[0:h:8, 0:w:8].astype(np.float32)
        across = xs / w if self.variant != 1 else 1 - xs / w
        light = 1.08 - 0.16 * (across * 0.4 + (ys / h) * 0.6)
        base = self.palette.background if colour is None else colour
        small = np.asarray(base, np.float32) * light[..., None]
        small = np.clip(small, 0, 255).astype(np.uint8)
        return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)

    def _blurred_photo(self) -> np.ndarray:
        """The photo heavily blurred and dimmed, so white copy on it reads (contrast >= 4.5)."""
        rgb = np.asarray(self.photo.convert("RGB"))
        scale = 480 / max(rgb.shape[:2])
        small = cv2.resize(rgb, (max(8, round(rgb.shape[1] * scale)), max(8, round(rgb.shape[0] * scale))),
                           interpolation=cv2.INTER_AREA)
        blurred = cv2.GaussianBlur(small, (0, 0), sigmaX=14)
        return cv2.convertScaleAbs(blurred, alpha=0.42, beta=4)

    def _missing_glyphs(self) -> str:
        text = "".join(self.params[key] for key in TEXT_FIELDS)
        return "".join(typeset.missing_glyphs(text, "bold"))


def _fit_box(slot, photo_size) -> tuple[int, int, int, int]:
    """The largest box with the photo's aspect inside ``slot`` (x, y, w, h), centred in it, so a
    framed photo needs no backdrop bands."""
    x, y, w, h = slot
    pw, ph = photo_size
    scale = min(w / pw, h / ph)
    bw, bh = min(w, round(pw * scale)), min(h, round(ph * scale))
    return (x + (w - bw) // 2, y + (h - bh) // 2, bw, bh)


def _overlap(a, b) -> float:
    """Area in pixels shared by boxes ``a`` and ``b`` (left, top, right, bottom)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, w) * max(0.0, h)
