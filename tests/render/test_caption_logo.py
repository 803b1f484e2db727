"""Captions keep clear of a logo or watermark overlay as they do of a shot's titles: with a logo
moved by hand into any corner of the safe area (the bottom ones sit in the caption band), in
every aspect, the caption's box and the logo's visible pixels never meet, and the caption is
really drawn (it is moved, not dropped)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from promodesk import RESOURCES
from promodesk.core.projectfile import add_asset, asset_path
from promodesk.core.timeline import CaptionCue, Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.visuals.brand_overlays import add_overlay
from promodesk.render.frame import FrameRenderer
from promodesk.render.overlay import overlay_params, place
from tests.render.clips import make_logo

PHOTO = RESOURCES / "examples" / "products" / "espresso-cup.png"
SIZES = {"9:16": (360, 640), "1:1": (480, 480), "16:9": (640, 360)}
CORNERS = {"top-left": (0.0, 0.0), "top-right": (1.0, 0.0), "bottom-left": (0.0, 1.0),
           "bottom-right": (1.0, 1.0)}
TEXT = "Thick porcelain keeps every espresso hot to the last sip"


def logo_project(folder, aspect: str, corner: str | None) -> Project:
    project = Project.for_aspect(aspect, title="cup")
    photo = add_asset(folder, PHOTO)
    project.add_track(TrackKind.VIDEO, "Shots").clips.append(Clip(0, 2_000_000, name="hero", takes=[
        Take(photo, Recipe("shots", {"kind": "hero", "title": "Slow Cup", "move": "still"}, 1))]))
    project.add_track(TrackKind.CAPTIONS, "Captions").clips.append(
        Clip(0, 2_000_000, [Take(None, Recipe("captions", {}))], cue=CaptionCue(TEXT)))
    if corner is not None:
        logo = add_overlay(project, folder, make_logo(folder / "logo.png", (200, 120), (230, 20, 20),
                                                      feather=1), "logo", corner, 0.3, 1.0)
        x, y = CORNERS[corner]  # moved by hand: the per-aspect spots no longer apply
        logo.recipe.params["overlay"] = {"x": x, "y": y, "scale": 0.3, "opacity": 1.0}
    return project


def logo_ink(project, folder, size) -> tuple[int, int, int, int]:
    clip = project.tracks_of(TrackKind.VIDEO)[1].clips[0]
    sprite = np.asarray(Image.open(asset_path(folder, clip.asset)).convert("RGBA"))
    placed = place(sprite, overlay_params(clip.recipe.params), size)
    ys, xs = np.nonzero(placed.alpha > 8 / 255)
    return (placed.x + xs.min(), placed.y + ys.min(), placed.x + xs.max() + 1,
            placed.y + ys.max() + 1)


def meets(a, b) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


@pytest.mark.parametrize("aspect", SIZES)
def test_captions_keep_clear_of_a_logo_in_every_corner(tmp_path, aspect):
    size = SIZES[aspect]
    bare = logo_project(tmp_path, aspect, None)
    cue = bare.tracks_of(TrackKind.CAPTIONS)[0].clips[0]
    alone = FrameRenderer(bare, tmp_path, size).caption(cue).box
    in_the_way = 0
    for corner in CORNERS:
        project = logo_project(tmp_path, aspect, corner)
        ink = logo_ink(project, tmp_path, size)
        in_the_way += meets(alone, ink)  # where the caption would sit without the logo
        renderer = FrameRenderer(project, tmp_path, size)
        caption = renderer.caption(project.tracks_of(TrackKind.CAPTIONS)[0].clips[0])
        assert not meets(caption.box, ink), (corner, caption.box, ink)
        # still a caption a person can read, drawn where its box says
        assert caption.layout.size >= 0.6 * FrameRenderer(bare, tmp_path, size).caption(cue).layout.size
        with_caption = renderer.frame(1_000_000)
        plain = renderer.video_frame(1_000_000)
        l, t, r, b = caption.box
        assert (with_caption[t:b, l:r] != plain[t:b, l:r]).any(axis=-1).sum() > 100
        assert np.array_equal(with_caption[ink[1]:ink[3], ink[0]:ink[2]],
                              plain[ink[1]:ink[3], ink[0]:ink[2]])
    assert in_the_way >= 1  # the bottom corners were really in the caption's way
