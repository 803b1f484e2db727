"""A brand logo never sits on a shot's text: the default top-right corner collides with the 16:9
hero title and end card and the 9:16 offer's price badge, so each aspect gets the nearest clear
corner (checked against ShotRenderer.text_boxes), and the logo's pixels are really drawn there."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from promodesk import RESOURCES
from promodesk.core.projectfile import add_asset, asset_path, save_project
from promodesk.core.timeline import CaptionCue, Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.visuals.brand import LOGO
from promodesk.engines.visuals.brand_overlays import (add_overlay, choose_spot, corner_box,
                                                      place_brand_overlays, sprite_size)
from promodesk.engines.visuals.photos import load_photo
from promodesk.engines.visuals.shots import ShotRenderer
from promodesk.render.frame import FrameRenderer
from promodesk.render.overlay import overlay_params, place
from tests.render.clips import make_logo

PHOTO = RESOURCES / "examples" / "products" / "espresso-cup.png"
RED = (230, 20, 20)
SHOTS = [
    {"kind": "hero", "title": "Espresso Cup Deluxe"},
    {"kind": "offer", "price": "$19", "old_price": "$29"},
    {"kind": "cta", "title": "Espresso Cup Deluxe", "price": "$19", "cta": "Order today"},
]


def branded_project(folder, aspect: str) -> Project:
    project = Project.for_aspect(aspect, title="cup")
    photo = add_asset(folder, PHOTO)
    main = project.add_track(TrackKind.VIDEO, "Shots")
    for n, params in enumerate(SHOTS):
        main.clips.append(Clip(n * 2_000_000, 2_000_000, name=params["kind"],
                               takes=[Take(photo, Recipe("shots", dict(params), n))]))
    captions = project.add_track(TrackKind.CAPTIONS, "Captions")
    captions.clips.append(Clip(0, 6_000_000, [Take(None, Recipe("captions", {}))],
                               cue=CaptionCue("A cup for slow mornings")))
    logo = make_logo(folder / "logo.png", (200, 120), RED, feather=1)
    add_overlay(project, folder, logo, "logo", "top-right", 0.22, 1.0)
    place_brand_overlays(project, folder)
    save_project(project, folder)
    return project


def intersects(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize("aspect,size,kinds", [("16:9", (960, 540), ("hero", "cta")),
                                               ("9:16", (540, 960), ("offer",))])
def test_the_logo_keeps_off_every_shots_text_and_is_drawn(tmp_path, aspect, size, kinds):
    project = branded_project(tmp_path, aspect)
    main, logo_track = project.tracks_of(TrackKind.VIDEO)[:2]
    logo = logo_track.clips[0]
    settings = overlay_params(logo.recipe.params)
    sprite = np.asarray(Image.open(asset_path(tmp_path, logo.asset)).convert("RGBA"))
    placed = place(sprite, settings, size)
    # the default corner was really in the way at this aspect (the defect this fixes)
    default = place(sprite, {**settings, **LOGO, "auto": None}, size)
    ys, xs = np.nonzero(default.alpha > 8 / 255)
    old = (default.x + xs.min(), default.y + ys.min(), default.x + xs.max() + 1,
           default.y + ys.max() + 1)
    photo = load_photo(PHOTO)
    boxes = {c.name: ShotRenderer(c.recipe.params, photo, size, c.duration,
                                  c.recipe.seed).text_boxes() for c in main.clips}
    assert any(intersects(old, b) for k in kinds for b in boxes[k]), (old, boxes)
    # the logo's visible pixels (its transparent margin may lie over anything)
    ys, xs = np.nonzero(placed.alpha > 8 / 255)
    ink = (placed.x + xs.min(), placed.y + ys.min(), placed.x + xs.max() + 1,
           placed.y + ys.max() + 1)
    for kind, found in boxes.items():
        for box in found:
            assert not intersects(ink, box), (kind, ink, box)
    renderer = FrameRenderer(project, tmp_path, size, captions=False)
    x0, y0, x1, y1 = placed.box
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    for clip in main.clips:
        frame = renderer.frame(clip.start + clip.duration // 2)
        block = frame[cy - 2:cy + 3, cx - 4:cx + 5].reshape(-1, 3).astype(int)
        assert (np.abs(block - RED) <= 3).all(), (clip.name, block.mean(axis=0))
        # outside the logo's rounded rectangle, the alpha composite left the shot's pixels
        logo_track.mute = True
        bare = FrameRenderer(project, tmp_path, size, captions=False).frame(
            clip.start + clip.duration // 2)
        logo_track.mute = False
        alpha = placed.alpha > 0
        region = (slice(y0, y1), slice(x0, x1))
        assert (frame[region][~alpha] == bare[region][~alpha]).all()
        # and inside, a soft edge is a blend between the two
        edge = (placed.alpha > 0.2) & (placed.alpha < 0.8)
        assert edge.any() and (frame[region][edge] != bare[region][edge]).any()


def test_the_logo_stays_in_its_corner_where_nothing_is_written(tmp_path):
    project = branded_project(tmp_path, "9:16")
    auto = project.tracks_of(TrackKind.VIDEO)[1].clips[0].recipe.params["overlay"]["auto"]
    assert auto["9:16"]["corner"] != "top-right"      # the price badge is there in 9:16
    assert set(auto) >= {"9:16", "1:1", "16:9", "from", "corner"}
    empty = choose_spot((200, 120), (1080, 1920), [], "top-right", 0.2)
    assert empty[0] == "top-right" and empty[1] == pytest.approx(0.2)


def test_a_crowded_frame_shrinks_the_logo_before_giving_up(tmp_path):
    size = (1080, 1080)
    full = corner_box("top-right", sprite_size((200, 120), 0.3, size), size)
    # text just below a small logo's reach in every corner: only a shrunk logo fits
    avoid = [corner_box(c, sprite_size((200, 120), 0.3, size), size) for c in
             ("top-left", "bottom-left", "bottom-right")]
    l, t, r, b = full
    avoid.append((l, t + (b - t) * 3 // 4, r, b))
    corner, scale, box = choose_spot((200, 120), size, avoid, "top-right", 0.3)
    assert corner == "top-right" and scale < 0.3
    assert not any(intersects(box, a) for a in avoid)


def test_moving_the_logo_by_hand_overrides_the_automatic_spots(tmp_path):
    project = branded_project(tmp_path, "16:9")
    params = project.tracks_of(TrackKind.VIDEO)[1].clips[0].recipe.params
    assert "auto" in overlay_params(params)
    moved = {"overlay": {**params["overlay"], "x": 0.3, "y": 0.4}}
    assert "auto" not in overlay_params(moved)
    sprite = np.zeros((120, 200, 4), np.uint8)
    box = place(sprite, overlay_params(moved), (960, 540)).box
    assert abs((box[0] + box[2]) / 2 - 0.3 * 960) <= 1


def test_applying_a_kit_again_replaces_the_last_one(tmp_path):
    from promodesk.core.brandkit import save_kit
    from promodesk.engines.visuals.brand import apply_brand
    from tests.render.clips import make_clip

    project = branded_project(tmp_path, "9:16")  # with a brief's own logo (no kit)
    starts = [(c.name, c.start) for t in project.tracks for c in t.clips]
    mark = make_logo(tmp_path / "mark.png", (80, 80), (255, 255, 255))
    intro = make_clip(tmp_path / "intro.mp4", seconds=1.0, tone_hz=330)
    first = save_kit("first", watermark=mark, intro=intro, colors=["#102030"],
                     root=tmp_path / "data")
    apply_brand(project, tmp_path, first)
    main = project.tracks_of(TrackKind.VIDEO)[0]
    assert main.clips[0].name == "intro" and main.clips[1].start == main.clips[0].duration
    names = [t.name for t in project.tracks]
    assert "Watermark" in names and "Logo" in names and "Brand sound" in names
    mark_clip = next(t for t in project.tracks if t.name == "Watermark").clips[0]
    logo_clip = next(t for t in project.tracks if t.name == "Logo").clips[0]
    assert mark_clip.start == main.clips[0].duration  # over the promo, not the intro
    # watermark and logo never share a corner, in any aspect
    for aspect in ("9:16", "1:1", "16:9"):
        assert (mark_clip.recipe.params["overlay"]["auto"][aspect]["corner"]
                != logo_clip.recipe.params["overlay"]["auto"][aspect]["corner"])
    second = save_kit("second", colors=["#ffffff", "#000000"], root=tmp_path / "data")
    apply_brand(project, tmp_path, second)
    assert [(c.name, c.start) for t in project.tracks for c in t.clips] == starts
    assert [t.name for t in project.tracks] == ["Shots", "Logo", "Captions"]
    assert main.clips[0].recipe.params["colors"] == ["#ffffff", "#000000"]


def test_a_logo_too_big_for_any_clear_corner_is_noted_for_the_exported_aspects(tmp_path):
    project = branded_project(tmp_path, "9:16")
    big = make_logo(tmp_path / "big.png", (400, 400), RED, feather=1)
    add_overlay(project, tmp_path, big, "logo", "top-right", 0.5, 1.0)
    notes = place_brand_overlays(project, tmp_path)
    assert any(n.startswith("In 9:16") and "logo" in n for n in notes), notes
    assert place_brand_overlays(project, tmp_path, report=("9:16",)) == \
        [n for n in notes if n.startswith("In 9:16")]
    # 16:9 has room on the left, where no shot writes: nothing to say about it
    assert place_brand_overlays(project, tmp_path, report=("16:9",)) == []
