"""Brand overlays (a logo, a watermark) kept off what the shots write: for every aspect, the
wished corner when its visible pixels are clear of every shot's titles, badges, buttons and rules
(``ShotRenderer.text_boxes``) and of the captions' band, else the nearest clear corner of the
safe area, else the same smaller, down to :data:`MIN_SHRINK`. The spots are stored per aspect in
the overlay's ``auto`` entry (see :mod:`promodesk.render.overlay`), so one project exports clean
9:16, 1:1 and 16:9 videos; moving the overlay by hand overrides them. Pixel boxes are (left,
top, right, bottom), right and bottom exclusive.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from promodesk.core.timeline import ASPECTS, Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.visuals import safearea

CORNERS = ("top-right", "top-left", "bottom-right", "bottom-left")
GAP = 0.015        # kept between an overlay and any text, as a share of the frame's short side
MIN_SHRINK = 0.4   # a logo shrinks to this share of its size at most to find a clear corner


def add_overlay(project: Project, folder: Path, image: Path, role: str, corner: str,
                scale: float, opacity: float, span: tuple[int, int] | None = None,
                brand: str = "") -> Clip:
    """Import ``image`` and put it over the main track as a ``role`` overlay ("logo" or
    "watermark") on its own track right above the main one (replacing a clip of that role
    already there), for ``span`` (start, end microseconds; default the main track's length).
    Its corner is only a wish until :func:`place_brand_overlays` runs; ``brand`` names the kit
    it comes from ("" for a brief's own logo). Returns the clip."""
    from promodesk.engines.visuals.media import import_media

    entry = import_media(folder, image)
    project.assets[entry.id] = entry
    main = project.tracks_of(TrackKind.VIDEO)[0]
    start, end = span or (0, max((c.end for c in main.clips), default=0))
    name = role.capitalize()
    track = next((t for t in project.tracks_of(TrackKind.VIDEO)
                  if t.name == name and all(c.name == role for c in t.clips)), None)
    if track is None:
        track = project.add_track(TrackKind.VIDEO, name)
        # over the shots (a watermark under the logo): right after the main track
        project.tracks.insert(project.tracks.index(main) + 1, project.tracks.pop())
    settings = {"x": 0.5, "y": 0.5, "scale": float(scale), "opacity": float(opacity),
                "auto": {"corner": corner, **({"brand": brand} if brand else {})}}
    clip = Clip(start, max(1, end - start), name=role, takes=[Take(entry.id, Recipe(
        "footage", {"overlay": settings}), label=entry.meta.get("source", ""))])
    track.clips = [clip]
    return clip


def sprite_size(sprite: tuple[int, int], scale: float, size: tuple[int, int]) -> tuple[int, int]:
    """(w, h) pixels of a ``sprite`` (w, h) overlay at ``scale`` in a frame of ``size``, as
    :func:`promodesk.render.overlay.place` sizes it (longer side = scale x shorter frame side)."""
    sw, sh = sprite
    k = max(1e-3, scale) * min(size) / max(sw, sh)
    return max(1, int(np.floor(sw * k))), max(1, int(np.floor(sh * k)))


def corner_box(corner: str, box_size: tuple[int, int], size: tuple[int, int], gap: int = 0
               ) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) pixels of a ``box_size`` (w, h) box in ``corner`` of the part
    of the safe area above the captions' band (``gap`` pixels above it)."""
    left, top, right, _ = safearea.safe_area(size)
    bottom = safearea.caption_area(size)[1] - gap
    w, h = box_size
    x = right - w if corner.endswith("right") else left
    y = top if corner.startswith("top") else bottom - h
    return x, y, x + w, y + h


def _overlap(a, b) -> int:
    return max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))


def inked(box, ink=(0.0, 0.0, 1.0, 1.0)) -> tuple[int, int, int, int]:
    """The part of overlay ``box`` (pixels) its picture really covers: ``ink`` is the box of its
    visible pixels as fractions of the picture (:func:`ink_box`)."""
    l, t, r, b = box
    w, h = r - l, b - t
    return (int(np.floor(l + ink[0] * w)), int(np.floor(t + ink[1] * h)),
            int(np.ceil(l + ink[2] * w)), int(np.ceil(t + ink[3] * h)))


def ink_box(image) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of the visible pixels (alpha > 8) of PIL ``image``, as
    fractions of its size: a logo's transparent margin may lie over text, its ink may not."""
    if image.mode not in ("RGBA", "LA", "PA"):
        return 0.0, 0.0, 1.0, 1.0
    found = image.getchannel("A").point(lambda a: 255 if a > 8 else 0).getbbox()
    if found is None:
        return 0.0, 0.0, 1.0, 1.0
    w, h = image.size
    return found[0] / w, found[1] / h, found[2] / w, found[3] / h


def choose_spot(sprite: tuple[int, int], size: tuple[int, int], avoid: list, corner: str,
                scale: float, ink=(0.0, 0.0, 1.0, 1.0)) -> tuple[str, float, tuple[int, int, int, int]]:
    """(corner, scale, pixel box) for an overlay of ``sprite`` (w, h) in a frame of ``size``
    whose visible part (``ink``, see :func:`inked`) is clear of every box in ``avoid`` (kept
    :data:`GAP` away): the wished ``corner`` at ``scale`` when clear, else the nearest clear
    corner, else the same at smaller scales down to :data:`MIN_SHRINK`; when nothing is clear,
    the spot covering the least text."""
    gap = round(GAP * min(size))
    grown = [(l - gap, t - gap, r + gap, b + gap) for l, t, r, b in avoid]
    centre = {c: corner_box(c, (2, 2), size) for c in CORNERS}
    home = centre[corner]
    order = sorted(CORNERS, key=lambda c: (c != corner, np.hypot(centre[c][0] - home[0],
                                                                 centre[c][1] - home[1])))
    best = None
    for shrink in np.linspace(1.0, MIN_SHRINK, 7):
        for c in order:
            box = corner_box(c, sprite_size(sprite, scale * shrink, size), size, gap + 1)
            covered = sum(_overlap(inked(box, ink), g) for g in grown)
            if covered == 0:
                return c, float(scale * shrink), box
            if best is None or covered < best[0]:
                best = (covered, c, float(scale * shrink), box)
    return best[1], best[2], best[3]


def text_boxes(project: Project, folder: Path, size: tuple[int, int]) -> list:
    """Pixel boxes at ``size`` of everything written on the frame that overlays keep out of:
    the titles, badges, buttons and rules of every clip on an unmuted video track whose frame
    source writes some (``text_boxes()``: built-in shots, stills; footage and overlays write
    none), and the captions' band when the project has captions."""
    from promodesk.core.projectfile import asset_path
    from promodesk.engines import registry
    from promodesk.engines.visuals.photos import load_photo
    from promodesk.engines.visuals.shots import with_font_file

    boxes: list = []
    photos: dict = {}
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.clips if not track.mute else []:
            params = clip.recipe.params
            entry = project.assets.get(clip.asset or "")
            if "overlay" in params or not registry.known(clip.recipe.engine) or \
                    (entry is not None and entry.kind != "image"):
                continue  # overlays, footage and generated video write no text of their own
            if clip.asset and clip.asset not in photos:
                photos[clip.asset] = load_photo(asset_path(folder, clip.asset))
            source = registry.visual_engine(clip.recipe.engine).frame_source(
                with_font_file(params, folder), photos.get(clip.asset), size, clip.duration,
                clip.recipe.seed)
            boxes += getattr(source, "text_boxes", lambda: [])()
    if any(c.cue is not None for t in project.tracks_of(TrackKind.CAPTIONS) for c in t.clips):
        boxes.append(safearea.caption_area(size))
    return boxes


def place_brand_overlays(project: Project, folder: Path, aspects=tuple(ASPECTS),
                         report=None) -> list[str]:
    """Choose, for every aspect in ``aspects``, where each brand overlay (a clip whose overlay
    settings have an ``auto`` entry with its wished ``corner``) goes: clear of every shot's text
    and of the overlays placed before it (:func:`choose_spot`). The spots are stored in the
    overlay's ``auto`` entry by aspect; its own x, y and scale are the spot for the project's
    aspect (what the editor shows and moves). Returns notes for the user about the aspects in
    ``report`` (None: all): one where no corner is clear even of a smaller overlay, or where it
    had to shrink."""
    from promodesk.core.projectfile import asset_path
    from promodesk.engines.visuals.photos import load_photo

    brand = [c for t in project.tracks_of(TrackKind.VIDEO) for c in t.clips
             if isinstance((c.recipe.params.get("overlay") or {}).get("auto"), dict)]
    brand.sort(key=lambda c: c.name != "logo")  # the logo has first choice of corner
    if not brand:
        return []
    notes, pictures = [], {}
    for aspect in aspects:
        size = ASPECTS[aspect]
        avoid = text_boxes(project, folder, size)
        for clip in brand:
            settings = clip.recipe.params["overlay"]
            auto = settings["auto"]
            image = pictures.get(clip.asset) or load_photo(asset_path(folder, clip.asset))
            pictures[clip.asset] = image
            ink = ink_box(image)
            wish = auto.get("corner", "top-right")
            scale = float(auto.get("scale", settings["scale"]))
            corner, got, box = choose_spot(image.size, size, avoid, wish, scale, ink)
            if report is not None and aspect not in report:
                pass
            elif any(_overlap(inked(box, ink), a) for a in avoid):
                notes.append(f"In {aspect} no corner is clear of the shots' text, so the "
                             f"{clip.name} covers as little of it as it can; move it in the "
                             "preview if it hides something.")
            elif got < scale * 0.99:
                notes.append(f"In {aspect} the {clip.name} is drawn at {got / scale:.0%} of its "
                             "size to stay clear of the shots' text.")
            avoid.append(inked(box, ink))
            auto.setdefault("scale", scale)
            auto[aspect] = {"x": (box[0] + box[2]) / 2 / size[0],
                            "y": (box[1] + box[3]) / 2 / size[1], "scale": got, "corner": corner}
    for clip in brand:
        settings = clip.recipe.params["overlay"]
        own = settings["auto"].get(project.aspect) or settings["auto"][aspects[0]]
        settings.update(x=own["x"], y=own["y"], scale=own["scale"])
        settings["auto"]["from"] = [own["x"], own["y"], own["scale"]]
    return notes
