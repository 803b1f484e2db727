"""A shop's own media and brand in a made project.

- :func:`add_brief_media`: a brief's clips become shots cut on the plan's bars, showing each
  clip's most active stretch, between the photo shots; its logo sits over the video on an
  overlay track. "Most active" is measured from frame differences: the clip is sampled a few
  times a second at a tiny size and the stretch whose frames change most wins.
- :func:`apply_brand`: a brand kit (:mod:`promodesk.core.brandkit`) on a project: its logo and
  watermark overlays, colours and font in every shot's params (so regenerated shots keep them),
  its caption style on every caption, its intro and outro clips before and after the promo.
  Overlays are kept off the shots' text by :mod:`promodesk.engines.visuals.brand_overlays`.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from promodesk.core.timeline import (ASPECTS, Asset, Clip, Project, Recipe, Take, TrackKind,
                                     seconds_from_us)
from promodesk.engines.visuals.brand_overlays import add_overlay, place_brand_overlays

SAMPLE_US = 200_000        # activity is measured every this many microseconds
PROBE_SIZE = (64, 36)      # at this size (w, h): enough to see motion, cheap to decode
KEEP_SHOTS = ("hero", "cta", "offer")  # planned shots that stay photos (product, price, end card)
LOGO = {"x": 0.86, "y": 0.08, "scale": 0.18, "opacity": 0.95}
MIN_CLIP_US = 1_000_000    # a clip shown for less than this is a flash, not a shot


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


# A brief's ``media_sound``: how loud a clip's own sound plays, in dB, and whether the music
# ducks under it. "under" keeps room tone and product sounds audible below the music (about
# where editors sit ambience under a music bed); "speech" is someone talking: full level, music
# ducked as under the voice-over; "mute" leaves the clip's sound out.
MEDIA_SOUND = {"under": (-12.0, False), "speech": (0.0, True)}


def add_brief_media(project: Project, folder: Path, media: list[Path], logo: Path | None,
                    with_photos: bool = True, sound: str = "under") -> list[str]:
    """Put a brief's clips and logo into a planned ``project`` (assets stored in ``folder``):
    clips replace the middle shots of the main track (every other one when there are photos,
    all of them when there are none), each showing a stretch of the clip the shot's length,
    with that stretch of the clip's own sound on a linked audio clip as ``sound`` says
    (:data:`MEDIA_SOUND`, or "mute"); images in ``media`` are left to the photo shots. Returns
    notes for the user (a clip too short for any shot)."""
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
        if start is None and _cut_at_a_beat(project, shot, asset.duration):
            # a phone clip shorter than the shot: it shows for the beats it lasts, the photo after
            start = most_active_start(act, shot.duration, asset.duration, used.get(asset.id, [])) \
                or 0
        if start is None:
            notes.append(f"{asset.meta['source']} is shorter than a shot "
                         f"({seconds_from_us(shot.duration):.1f} s), so a photo shot stays there.")
            continue
        used.setdefault(asset.id, []).append((start, start + shot.duration))
        shot.takes = [Take(asset.id, Recipe("footage", {}), asset.duration,
                           label=asset.meta.get("source", ""))]
        shot.selected, shot.in_point, shot.name = 0, start, "footage"
        if sound in MEDIA_SOUND:
            gain_db, duck = MEDIA_SOUND[sound]
            _linked_sound(project, folder, asset, shot, "Clip sound", gain_db=gain_db,
                          duck_music=duck)
    if logo is not None:
        add_overlay(project, folder, logo, "logo", "top-right", LOGO["scale"], LOGO["opacity"])
        notes += place_brand_overlays(project, folder)
    return notes


def _cut_at_a_beat(project: Project, shot: Clip, length_us: int) -> bool:
    """Split ``shot`` (a main-track clip) at the latest beat of the music that ends at most
    ``length_us`` after the shot starts and leaves both halves at least MIN_CLIP_US long, so a
    clip that short can take the first half; returns whether it was split."""
    from promodesk.core.beats import BeatGrid
    from promodesk.core.edits import SplitClip

    music = project.tracks_of(TrackKind.MUSIC)
    if not music or not music[0].clips or music[0].clips[0].asset not in project.assets:
        return False
    grid = BeatGrid.from_meta(project.assets[music[0].clips[0].asset].meta)
    beats = [b for b in grid.beats if shot.start + MIN_CLIP_US <= b <= shot.start + length_us
             and b <= shot.end - MIN_CLIP_US]
    if not beats:
        return False
    SplitClip(shot.id, beats[-1]).apply(project)
    return True


# --- a brand kit on a project --------------------------------------------------------------------

WATERMARK_SCALE = 0.12


def _opposite(corner: str) -> str:
    v, h = corner.split("-")
    return f"{'bottom' if v == 'top' else 'top'}-{'left' if h == 'right' else 'right'}"


def apply_brand(project: Project, folder: Path, kit, aspects=tuple(ASPECTS),
                report=None) -> list[str]:
    """Put brand kit ``kit`` (:class:`promodesk.core.brandkit.BrandKit`) on ``project`` (assets
    stored in project ``folder``), in place:

    1. its colours and first font (copied into the project's assets; the params name the
       asset) in the params of every clip laid out as a shot (built-in shots, generated stills;
       every take, so regenerated and flipped takes keep them) and the colours in the project's
       brief (photos dropped later);
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
    # clips laid out as shots (built-in shots, generated stills): their params carry colours
    shots = [c for t in project.tracks_of(TrackKind.VIDEO) for c in t.clips
             if c.recipe.engine == "shots" or "colors" in c.recipe.params]
    copy = "".join(str(t.recipe.params.get(k) or "") for c in shots for t in c.takes
                   for k in ("text", "title", "price", "old_price", "cta"))
    copy += "".join(c.cue.text for t in project.tracks_of(TrackKind.CAPTIONS) for c in t.clips
                    if c.cue is not None)
    check_fonts_for(kit, copy)
    # the kit's first font is copied into the project's assets (content addressed), so shots
    # and captions keep it when the kit is deleted or the project moves to another machine
    font_asset = None
    if kit.fonts:
        font_asset = add_asset(folder, kit.path(kit.fonts[0]))
        # as the kit was given it (a batch job's copy also has its own "NN-" in front)
        name = re.sub(r"^(\d+-)?font\d+-", "", Path(kit.fonts[0]).stem)
        project.assets[font_asset] = Asset(font_asset, "font", None,
                                           {"name": name, "source": kit.fonts[0],
                                            "brand": kit.name},
                                           "the shop's own font: its licence is the shop's to know")
    # 1. colours and font (the asset's name; renderers resolve it: shots.with_font_file)
    for clip in shots:
        for take in clip.takes:
            if kit.color_list:
                take.recipe.params["colors"] = list(kit.color_list)
            if font_asset:
                take.recipe.params["font"] = font_asset
            else:
                take.recipe.params.pop("font", None)
    if kit.color_list and isinstance(project.brief, dict):
        project.brief["brand_colors"] = list(kit.color_list)
    # 2. caption style
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
    from promodesk.engines.visuals.media import import_media

    asset = import_media(folder, path)
    project.assets[asset.id] = asset
    main = project.tracks_of(TrackKind.VIDEO)[0]
    clip = Clip(start, asset.duration, name=role, takes=[Take(
        asset.id, Recipe("footage", {"brand": role}), asset.duration, label=asset.meta["source"])])
    main.clips.append(clip)
    main.sort()
    _linked_sound(project, folder, asset, clip, "Brand sound", params={"brand": role})
    return clip


def _linked_sound(project: Project, folder: Path, video: Asset, clip: Clip, track_name: str,
                  params: dict | None = None, gain_db: float = 0.0,
                  duck_music: bool = False) -> Clip | None:
    """The stretch of ``video``'s own sound that ``clip`` (showing it from its in-point) plays,
    as a sound clip linked to it on the audio track ``track_name`` (made when missing), at
    ``gain_db`` dB; None when the video has no sound there."""
    from promodesk.core.sound_links import mark_sound_of
    from promodesk.engines.visuals.media import sound_asset

    sound = sound_asset(folder, video)
    if sound is None or (sound.duration or 0) <= clip.in_point:
        return None
    project.assets[sound.id] = sound
    track = next((t for t in project.tracks_of(TrackKind.AUDIO) if t.name == track_name),
                 None) or project.add_track(TrackKind.AUDIO, track_name)
    piece = Clip(clip.start, min(clip.duration, sound.duration - clip.in_point),
                 takes=[Take(sound.id, Recipe("footage", dict(params or {})), sound.duration)],
                 in_point=clip.in_point, name=clip.name, gain_db=gain_db, duck_music=duck_music)
    mark_sound_of(piece, clip.id)
    track.clips.append(piece)
    track.sort()
    return piece


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


def font_notes(project: Project, folder: Path) -> list[str]:
    """Notes for the user, one per missing font, about clips whose shots name a font (a brand
    kit's) that is neither a font asset in project ``folder`` nor an existing file (a project
    branded before kit fonts were copied in, whose kit was since deleted or which moved to
    another machine): their text is drawn in the bundled fonts. [] when every font is there."""
    from promodesk.engines.visuals.shots import with_font_file

    gone: dict[str, list[str]] = {}
    for track in project.tracks_of(TrackKind.VIDEO):
        for clip in track.clips:
            font = clip.recipe.params.get("font")
            if isinstance(font, str) and font and \
                    not Path(with_font_file(clip.recipe.params, folder)["font"]).is_file():
                gone.setdefault(font, []).append(clip.name or clip.id)
    return [f"The brand font {font} is gone, so {len(names)} shot(s) ({', '.join(names[:4])}"
            f"{', ...' if len(names) > 4 else ''}) draw their text in the bundled fonts: apply "
            "the brand kit again (Brand > Brand Kits..., or make --brand)."
            for font, names in gone.items()]


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
