"""A shop's own media and brand in a made project.

- :func:`add_brief_media`: a brief's clips become shots cut on the plan's bars, showing each
  clip's most active stretch, between the photo shots; its logo sits over the video on an
  overlay track. "Most active" is measured from frame differences: the clip is sampled a few
  times a second at a tiny size and the stretch whose frames change most wins.
- :func:`apply_brand`: a brand kit (:mod:`promodesk.core.brandkit`) on a project: its logo and
  watermark overlays, colours and font in every shot's params (so regenerated shots keep them),
  its caption style on every caption, its intro and outro clips before and after the promo.
- Keeping brand overlays off the shots' text: :func:`place_brand_overlays` chooses, for every
  aspect, the kit's corner when it is clear of every shot's titles, badges and buttons
  (``ShotRenderer.text_boxes``) and of the captions' band, else the nearest clear corner of the
  safe area, else shrinks the logo until one is clear. The choice is stored per aspect in the
  overlay's ``auto`` entry (see :mod:`promodesk.render.overlay`), so one project exports clean
  9:16, 1:1 and 16:9 videos; moving the logo by hand overrides it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from promodesk.core.timeline import (ASPECTS, Asset, Clip, Project, Recipe, Take, TrackKind,
                                     seconds_from_us)
from promodesk.engines.visuals import safearea

SAMPLE_US = 200_000        # activity is measured every this many microseconds
PROBE_SIZE = (64, 36)      # at this size (w, h): enough to see motion, cheap to decode
KEEP_SHOTS = ("hero", "cta", "offer")  # planned shots that stay photos (product, price, end card)
LOGO = {"x": 0.86, "y": 0.08, "scale": 0.18, "opacity": 0.95}
CORNERS = ("top-right", "top-left", "bottom-right", "bottom-left")
GAP = 0.015        # kept between an overlay and any text, as a share of the frame's short side
MIN_SHRINK = 0.4   # a logo shrinks to this share of its size at most to find a clear corner


def activity(path: str | Path, duration_us: int) -> np.ndarray:
    """Mean absolute difference (0..255) between successive frames sampled every SAMPLE_US
    microseconds of the video at ``path``; entry i covers [i, i+1) * SAMPLE_US."""
    import cv2

    from promodesk.engines.visuals.video import VideoDecoder

    decoder = VideoDecoder(path, cache_frames=2)
    try:
        grey = [cv2.cvtColor(cv2.resize(decoder.frame(t), PROBE_SIZE, interpolation=cv2.INTER_AREA),
                             cv2.COLOR_RGB2GRAY).astype(np.float32)
                for t in range(0, max(1, duration_us), SAMPLE_US)]
    finally:
        decoder.close()
    if len(grey) < 2:
        return np.zeros(1, np.float32)
    return np.array([np.abs(b - a).mean() for a, b in zip(grey, grey[1:])], np.float32)


def most_active_start(act: np.ndarray, length_us: int, duration_us: int,
                      avoid: list[tuple[int, int]] = ()) -> int | None:
    """The in-point (microseconds, a multiple of SAMPLE_US) of the ``length_us`` stretch of a
    clip ``duration_us`` long with the most activity, not overlapping the ``avoid`` spans; None
    when the clip is too short or no free stretch is left."""
    if length_us > duration_us:
        return None
    window = max(1, length_us // SAMPLE_US)
    last = (duration_us - length_us) // SAMPLE_US
    sums = np.convolve(act, np.ones(window, np.float32), "valid") if len(act) >= window else \
        np.array([act.sum()])
    best, best_score = None, -1.0
    for i in range(0, min(last, len(sums) - 1) + 1):
        start = i * SAMPLE_US
        if any(start < b and a < start + length_us for a, b in avoid):
            continue
        if sums[i] > best_score:
            best, best_score = start, float(sums[i])
    return best


def add_brief_media(project: Project, folder: Path, media: list[Path], logo: Path | None,
                    with_photos: bool = True) -> list[str]:
    """Put a brief's clips and logo into a planned ``project`` (assets stored in ``folder``):
    clips replace the middle shots of the main track (every other one when there are photos,
    all of them when there are none), each showing a stretch of the clip the shot's length;
    images in ``media`` are left to the photo shots. Returns notes for the user (a clip too
    short for any shot)."""
    from promodesk.engines.visuals.media import import_media

    notes: list[str] = []
    clips = []
    for path in media:
        asset = import_media(folder, path)
        project.assets[asset.id] = asset
        if asset.kind == "video":
            clips.append((asset, activity(Path(folder) / "assets" / asset.id, asset.duration)))
    main = project.tracks_of(TrackKind.VIDEO)[0]
    middle = [c for c in main.clips if c.name not in KEEP_SHOTS]
    targets = middle[1::2] if with_photos and len(middle) > 1 else middle
    used: dict[str, list[tuple[int, int]]] = {}
    for n, shot in enumerate(targets if clips else []):
        asset, act = clips[n % len(clips)]
        start = most_active_start(act, shot.duration, asset.duration, used.get(asset.id, []))
        if start is None:
            start = most_active_start(act, shot.duration, asset.duration)  # reuse a stretch
        if start is None:
            notes.append(f"{asset.meta['source']} is shorter than a shot "
                         f"({seconds_from_us(shot.duration):.1f} s), so a photo shot stays there.")
            continue
        used.setdefault(asset.id, []).append((start, start + shot.duration))
        shot.takes = [Take(asset.id, Recipe("footage", {}), asset.duration,
                           label=asset.meta.get("source", ""))]
        shot.selected, shot.in_point, shot.name = 0, start, "footage"
    if logo is not None:
        add_overlay(project, folder, logo, "logo", "top-right", LOGO["scale"], LOGO["opacity"])
        notes += place_brand_overlays(project, folder)
    return notes


# --- brand overlays: logo and watermark, off the shots' text ---------------------------------------

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
    every built-in shot's titles, badges, buttons and rules (on unmuted video tracks), and the
    captions' band when the project has captions."""
    from promodesk.core.projectfile import asset_path
    from promodesk.engines.visuals.photos import load_photo
    from promodesk.engines.visuals.shots import ShotRenderer

    boxes: list = []
    photos: dict = {}
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.clips if not track.mute else []:
            if clip.recipe.engine != "shots":
                continue
            if clip.asset and clip.asset not in photos:
                photos[clip.asset] = load_photo(asset_path(folder, clip.asset))
            shot = ShotRenderer(clip.recipe.params, photos.get(clip.asset), size, clip.duration,
                                clip.recipe.seed)
            boxes += shot.text_boxes()
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


# --- a brand kit on a project --------------------------------------------------------------------

WATERMARK_SCALE = 0.12


def _opposite(corner: str) -> str:
    v, h = corner.split("-")
    return f"{'bottom' if v == 'top' else 'top'}-{'left' if h == 'right' else 'right'}"


def apply_brand(project: Project, folder: Path, kit, aspects=tuple(ASPECTS),
                report=None) -> list[str]:
    """Put brand kit ``kit`` (:class:`promodesk.core.brandkit.BrandKit`) on ``project`` (assets
    stored in project ``folder``), in place:

    1. its colours and first font in every built-in shot's params (every take, so regenerated
       and flipped takes keep them) and in the project's brief (photos dropped later);
    2. its caption style on every caption (its font the kit's first font when the style names
       none);
    3. its intro and outro clips on the main track before and after the promo (everything else
       moves later by the intro's length), their sound on an audio track linked to them;
    4. its logo and watermark as overlays over the promo (not the intro/outro), kept off every
       shot's text in each of ``aspects`` (:func:`place_brand_overlays`).

    Applying a kit again replaces the last one's overlays and clips. Returns notes for the user
    (about the aspects in ``report``, None: all).
    Raises BrandKitError when the kit's fonts lack glyphs the shots' copy needs."""
    from promodesk.core.brandkit import check_fonts_for
    from promodesk.core.projectfile import add_asset

    notes: list[str] = []
    main = project.tracks_of(TrackKind.VIDEO)[0]
    _remove_brand(project)
    shots = [c for t in project.tracks_of(TrackKind.VIDEO) for c in t.clips
             if c.recipe.engine == "shots"]
    copy = "".join(str(t.recipe.params.get(k) or "") for c in shots for t in c.takes
                   for k in ("text", "title", "price", "old_price", "cta"))
    copy += "".join(c.cue.text for t in project.tracks_of(TrackKind.CAPTIONS) for c in t.clips
                    if c.cue is not None)
    check_fonts_for(kit, copy)
    # 1. colours and font into the shots
    font = str(kit.path(kit.fonts[0])) if kit.fonts else None
    for clip in shots:
        for take in clip.takes:
            if kit.color_list:
                take.recipe.params["colors"] = list(kit.color_list)
            if font:
                take.recipe.params["font"] = font
            else:
                take.recipe.params.pop("font", None)
    if kit.color_list and isinstance(project.brief, dict):
        project.brief["brand_colors"] = list(kit.color_list)
    # 2. caption style
    font_asset = None
    if kit.fonts:
        font_asset = add_asset(folder, kit.path(kit.fonts[0]))
        name = re.sub(r"^font\d+-", "", Path(kit.fonts[0]).stem)  # as the kit was given it
        project.assets[font_asset] = Asset(font_asset, "font", None,
                                           {"name": name, "source": kit.fonts[0],
                                            "brand": kit.name},
                                           "the shop's own font: its licence is the shop's to know")
    _style_captions(project, kit.caption_style, font_asset)
    # 3. intro and outro
    start, end = 0, max((c.end for c in main.clips), default=0)
    if kit.intro:
        clip = _brand_clip(project, folder, kit.path(kit.intro), "intro", 0)
        _shift(project, clip.duration, keep=clip)
        start, end = clip.duration, end + clip.duration
    if kit.outro:
        _brand_clip(project, folder, kit.path(kit.outro), "outro", end)
    # 4. logo and watermark over the promo
    if kit.logo:
        add_overlay(project, folder, kit.path(kit.logo), "logo", kit.corner, kit.logo_scale, 0.95,
                    (start, end), kit.name)
    if kit.watermark:
        add_overlay(project, folder, kit.path(kit.watermark), "watermark",
                    _opposite(kit.corner), WATERMARK_SCALE, kit.watermark_opacity, (start, end),
                    kit.name)
    if isinstance(project.brief, dict):
        project.brief["brand"] = kit.name
    notes += place_brand_overlays(project, folder, aspects, report)
    return notes


def _style_captions(project: Project, style: dict, font_asset: str | None) -> None:
    """Give every caption cue ``style`` (a CaptionStyle dict), its font ``font_asset`` when the
    style names none; an empty style with no font leaves the captions as they are."""
    from promodesk.core.captionstyle import CaptionStyle

    if not style and font_asset is None:
        return
    look = CaptionStyle.from_dict(dict(style))
    if font_asset is not None and not look.font:
        look = look.changed({"font": font_asset})
    for track in project.tracks_of(TrackKind.CAPTIONS):
        for clip in track.clips:
            if clip.cue is not None:
                clip.cue.style = look.preset
                clip.cue.look = None if look.is_preset_default() else look


def _brand_clip(project: Project, folder: Path, path: Path, role: str, start: int) -> Clip:
    """The kit's ``role`` video ("intro" or "outro") at ``start`` on the main track, its sound
    on a linked audio clip. Returns the video clip."""
    from promodesk.core.sound_links import mark_sound_of
    from promodesk.engines.visuals.media import import_media, sound_asset

    asset = import_media(folder, path)
    project.assets[asset.id] = asset
    main = project.tracks_of(TrackKind.VIDEO)[0]
    clip = Clip(start, asset.duration, name=role, takes=[Take(
        asset.id, Recipe("footage", {"brand": role}), asset.duration, label=asset.meta["source"])])
    main.clips.append(clip)
    main.sort()
    sound = sound_asset(folder, asset)
    if sound is not None:
        project.assets[sound.id] = sound
        track = next((t for t in project.tracks_of(TrackKind.AUDIO) if t.name == "Brand sound"),
                     None) or project.add_track(TrackKind.AUDIO, "Brand sound")
        piece = Clip(start, min(clip.duration, sound.duration or clip.duration), name=role,
                     takes=[Take(sound.id, Recipe("footage", {"brand": role}), sound.duration)])
        mark_sound_of(piece, clip.id)
        track.clips.append(piece)
        track.sort()
    return clip


def _shift(project: Project, by: int, keep: Clip) -> None:
    """Move every clip but ``keep`` (and its sound) and every marker ``by`` microseconds later."""
    for track in project.tracks:
        for clip in track.clips:
            if clip is not keep and clip.recipe.params.get("sound_of") != keep.id:
                clip.start += by
    for marker in project.markers:
        marker.time += by
    for track in project.tracks:
        track.sort()


def _from_kit(clip: Clip) -> bool:
    """Whether ``clip`` was put there by a brand kit (intro, outro, their sound, an overlay)."""
    params = clip.recipe.params
    return bool(params.get("brand")) or bool(((params.get("overlay") or {}).get("auto") or {})
                                             .get("brand"))


def _remove_brand(project: Project) -> None:
    """Take a previous kit's intro, outro (moving the rest back), logo and watermark off; tracks
    left empty by that go too."""
    main = project.tracks_of(TrackKind.VIDEO)[0]
    intro = next((c for c in main.clips if c.recipe.params.get("brand") == "intro"), None)
    emptied = set()
    for track in project.tracks:
        kept = [c for c in track.clips if not _from_kit(c)]
        if len(kept) != len(track.clips) and not kept and track is not main:
            emptied.add(track.id)
        track.clips = kept
    project.tracks = [t for t in project.tracks if t.id not in emptied]
    if intro is not None:
        for track in project.tracks:
            for clip in track.clips:
                clip.start = max(0, clip.start - intro.duration)
        for marker in project.markers:
            marker.time = max(0, marker.time - intro.duration)


def brand_job(inputs, progress, cancel) -> Project:
    """Job: ``inputs`` = (project, folder, kit name, data folder or None); returns a copy of the
    project with the kit applied (:func:`apply_brand`; its files copied into ``folder``), for
    the editor to put in place as one undoable edit. Raises BrandKitError for a kit that is
    gone, damaged or whose fonts lack the copy's glyphs."""
    from promodesk.core.brandkit import load_kit

    project, folder, name, root = inputs
    progress(0.1, f"Loading brand kit {name}")
    kit = load_kit(name, root)
    cancel.check()
    branded = project.copy()
    progress(0.3, "Placing the logo clear of the shots' text")
    apply_brand(branded, Path(folder), kit)
    progress(1.0, "Brand kit applied")
    return branded
