"""Overlay tracks: logos, titles and picture-in-picture composited bottom to top with alpha."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from promodesk.core.projectfile import save_project
from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.visuals.media import import_media
from promodesk.render.frame import FrameRenderer
from promodesk.render.overlay import opacity_at, overlay_params, place
from promodesk.engines.visuals import safearea
from tests.render.clips import ffmpeg_frames, make_clip, make_logo, psnr

GREY = (128, 128, 128)
SIZES = {"9:16": (270, 480), "1:1": (360, 360), "16:9": (480, 270)}


def solid(folder, name, colour, size=(64, 64)):
    path = folder / name
    Image.new("RGB", size, colour).save(path)
    return path


def project_with(folder, layers, size=(360, 360), project: Project | None = None,
                 duration: int = 2_000_000) -> Project:
    """A project (``project``, else a new 1:1 one of ``size``) whose video tracks (bottom first)
    each hold one clip of ``duration`` microseconds: (file or None, params) per layer."""
    project = project or Project(width=size[0], height=size[1], aspect="1:1", fps_num=25)
    for i, (path, params) in enumerate(layers):
        asset = None
        if path is not None:
            entry = import_media(folder, path)
            project.assets[entry.id] = entry
            asset = entry.id
        track = project.add_track(TrackKind.VIDEO, f"V{i + 1}")
        track.clips.append(Clip(0, duration, [Take(asset, Recipe("footage", params))]))
    save_project(project, folder)
    return project


def test_a_logos_soft_edge_has_no_halo_and_no_box(tmp_path):
    logo = make_logo(tmp_path / "logo.png", colour=(255, 255, 255), feather=0.5)
    white = solid(tmp_path, "white.png", (255, 255, 255))
    over = {"overlay": {"x": 0.5, "y": 0.5, "scale": 0.37, "rotation": 12}}
    frame = FrameRenderer(project_with(tmp_path, [(white, {}), (logo, over)]), tmp_path).frame(0)
    # white over white stays white everywhere: an unpremultiplied resample would grey the edge
    assert frame.min() >= 254
    red = make_logo(tmp_path / "red.png", colour=(230, 20, 20), feather=0.5)
    grey = solid(tmp_path, "grey.png", GREY)
    frame = FrameRenderer(project_with(tmp_path, [(grey, {}), (red, over)]), tmp_path).frame(0)
    r, g = frame[..., 0].astype(int), frame[..., 1].astype(int)
    inside = (r > 225) & (g < 25)
    outside = (frame == GREY).all(axis=-1)
    edge = ~inside & ~outside
    assert inside.sum() > 500 and outside.sum() > 0.7 * frame[..., 0].size and edge.sum() > 50
    # every edge pixel lies between the logo's colour and the background: no dark fringe
    assert (r[edge] >= 127).all() and (g[edge] >= 19).all() and (g[edge] <= 129).all()
    # the transparent surround left the background exactly as it was (no box): the grey
    # region is a single blob around a logo-shaped hole, seen at the frame's corners
    assert outside[:40].all() and outside[-40:].all()


@pytest.mark.parametrize("aspect", list(SIZES))
@pytest.mark.parametrize("x, y, scale, rotation", [(0.99, 0.01, 0.4, 30), (0.0, 1.0, 0.3, 0),
                                                   (0.5, 0.5, 3.0, 45)])
def test_an_overlay_stays_inside_the_safe_area(tmp_path, aspect, x, y, scale, rotation):
    size = SIZES[aspect]
    logo = make_logo(tmp_path / "logo.png", colour=(250, 250, 0), feather=1)
    black = solid(tmp_path, "black.png", (0, 0, 0))
    over = {"overlay": {"x": x, "y": y, "scale": scale, "rotation": rotation}}
    project = project_with(tmp_path, [(black, {}), (logo, over)], size)
    frame = FrameRenderer(project, tmp_path, size).frame(0)
    ys, xs = np.nonzero(frame.max(axis=-1) > 0)
    left, top, right, bottom = safearea.safe_area(size)
    assert len(xs) > 20
    assert xs.min() >= left and xs.max() < right and ys.min() >= top and ys.max() < bottom


def test_opacity_and_fades_scale_the_overlay(tmp_path):
    white = solid(tmp_path, "white.png", (255, 255, 255))
    black = solid(tmp_path, "black.png", (0, 0, 0))
    over = {"overlay": {"scale": 0.3, "opacity": 0.8, "fade_in_us": 500_000,
                        "fade_out_us": 400_000}}
    renderer = FrameRenderer(project_with(tmp_path, [(black, {}), (white, over)]), tmp_path)
    centre = lambda t: int(renderer.frame(t)[180, 180, 0])  # noqa: E731
    assert centre(0) == 0
    assert abs(centre(250_000) - round(255 * 0.8 * 0.5)) <= 1
    assert abs(centre(1_000_000) - round(255 * 0.8)) <= 1
    assert abs(centre(1_800_000) - round(255 * 0.8 * 0.5)) <= 1
    settings = overlay_params(over)
    assert opacity_at(settings, 2_000_000, 2_000_000) == 0.0


def test_tracks_composite_bottom_to_top(tmp_path):
    """A red base, a picture-in-picture clip over it, a logo over that; then a full-frame clip
    on a higher track covers everything under it."""
    clip = make_clip(tmp_path / "pip.mp4", size=(160, 120), seconds=2.0)
    red = solid(tmp_path, "red.png", (200, 0, 0))
    logo = make_logo(tmp_path / "logo.png", colour=(0, 0, 255), feather=1)
    pip = {"overlay": {"x": 0.7, "y": 0.7, "scale": 0.4}}
    badge = {"overlay": {"x": 0.7, "y": 0.7, "scale": 0.15}}
    project = project_with(tmp_path, [(red, {}), (clip, pip), (logo, badge)])
    frame = FrameRenderer(project, tmp_path).frame(400_000)
    assert tuple(frame[30, 30]) == (200, 0, 0)           # the base shows where nothing covers it
    assert tuple(frame[252, 252]) == (0, 0, 255)         # the logo on top at its centre
    # the picture-in-picture box holds the clip's frame 10, scaled to 144x108
    placed = place(np.dstack([ffmpeg_frames(clip, (160, 120))[10],
                              np.full((120, 160), 255, np.uint8)]),
                   overlay_params(pip), (360, 360))
    x0, y0, x1, y1 = placed.box
    window = frame[y0 + 4:y1 - 4, x0 + 4:x0 + 40]         # left of the logo
    assert psnr(window, placed.rgb[4:-4, 4:40].round().astype(np.uint8)) >= 35
    project.add_track(TrackKind.VIDEO, "Cover").clips.append(
        Clip(0, 2_000_000, [Take(project.tracks[0].clips[0].asset, Recipe("footage", {}))]))
    covered = FrameRenderer(project, tmp_path).frame(400_000)
    assert (covered == np.array([200, 0, 0], np.uint8)).all()


@pytest.mark.parametrize("aspect", list(SIZES))
def test_a_title_is_set_by_the_typeset_engine_inside_the_safe_area(tmp_path, aspect):
    size = SIZES[aspect]
    black = solid(tmp_path, "black.png", (0, 0, 0))
    title = {"text": "新品上市 New arrival", "color": "#ffcc00", "outline": 0,
             "overlay": {"x": 0.5, "y": 0.15, "scale": 0.9}}
    frame = FrameRenderer(project_with(tmp_path, [(black, {}), (None, title)], size),
                          tmp_path, size).frame(0)
    ys, xs = np.nonzero(frame.max(axis=-1) > 0)
    left, top, right, bottom = safearea.safe_area(size)
    assert xs.min() >= left and xs.max() < right and ys.min() >= top and ys.max() < bottom
    ink = (frame[..., 0] > 240) & (frame[..., 1] > 190) & (frame[..., 2] < 20)
    assert ink.sum() > 40 and ys.max() < size[1] // 2  # in the upper part, where it was put


def test_moving_a_logo_is_a_new_take_that_undo_takes_back(tmp_path):
    """What the inspector's 'Regenerate with these settings' does with edited overlay params."""
    from promodesk.core.document import Document, History
    from promodesk.core.edits import AddTake
    from promodesk.engines import registry

    black = solid(tmp_path, "black.png", (0, 0, 0))
    white = solid(tmp_path, "white.png", (255, 255, 255))
    project = project_with(tmp_path, [(black, {}), (white, {"overlay": {"x": 0.25, "y": 0.5,
                                                                        "scale": 0.1}})])
    logo = project.tracks[1].clips[0]
    history = History(Document(project, tmp_path))
    request = registry.take_request(project, tmp_path, logo.id,
                                    params={"overlay": {"x": 0.75, "y": 0.5, "scale": 0.1}})
    made = registry.engine("footage").new_take(request)
    history.push(AddTake(logo.id, made.take, asset=made.asset))

    def white_at(x):
        return FrameRenderer(project, tmp_path).frame(0)[180, x, 0] == 255

    assert white_at(270) and not white_at(90)
    history.undo()
    assert white_at(90) and not white_at(270)
