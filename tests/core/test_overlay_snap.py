"""Snapping a box dragged in the preview: centre lines, safe-area edges, corners that scale."""

from __future__ import annotations

import numpy as np
import pytest

from promodesk.core.overlay_snap import (Guide, box_around, fitted_box, fitted_scale,
                                         moved_settings, nudge, snap_corner, snap_move)

FRAME = (1080, 1920)
SAFE = (65.0, 192.0, 950.0, 1536.0)  # 9:16's platform safe area at 1080x1920
T = 16.0  # threshold, frame pixels


def size(box):
    return box[2] - box[0], box[3] - box[1]


def test_a_box_near_the_centre_snaps_onto_it_and_lights_both_centre_guides():
    got = snap_move(box_around((540 + 10, 960 - 12), (200, 100)), FRAME, SAFE, T)
    assert got.centre == (540, 960)
    assert set(got.guides) == {Guide("x", 540, "centre"), Guide("y", 960, "centre")}
    assert size(got.box) == (200, 100)


def test_just_outside_the_threshold_nothing_snaps():
    got = snap_move(box_around((540 + T + 1, 700), (200, 100)), FRAME, SAFE, T)
    assert got.centre == (540 + T + 1, 700) and got.guides == ()


def test_an_edge_near_a_safe_edge_lands_on_it():
    box = (SAFE[0] + 9, 400, SAFE[0] + 209, 500)  # left edge 9 px inside the safe left edge
    got = snap_move(box, FRAME, SAFE, T)
    assert got.box[0] == SAFE[0] and got.guides == (Guide("x", SAFE[0], "safe"),)
    box = (700, SAFE[3] - 110, 800, SAFE[3] - 10)  # bottom edge 10 px above the safe bottom
    got = snap_move(box, FRAME, SAFE, T)
    assert got.box[3] == SAFE[3] and Guide("y", SAFE[3], "safe") in got.guides


def test_the_nearest_target_wins():
    box = box_around((545, 1000), (100, 100))
    assert snap_move(box, FRAME, SAFE, T).centre[0] == 540
    # right edge 3 px from the safe edge, centre 10 px from the centre line: the edge wins
    box = (153.0, 1000.0, 947.0, 1100.0)
    got = snap_move(box, FRAME, SAFE, T)
    assert got.box[2] == SAFE[2] and got.guides == (Guide("x", SAFE[2], "safe"),)


def test_dragged_out_of_the_safe_area_it_stays_inside():
    got = snap_move((-300, -50, -100, 50), FRAME, SAFE, T)
    assert got.box == (SAFE[0], SAFE[1], SAFE[0] + 200, SAFE[1] + 100)
    assert set(got.guides) == {Guide("x", SAFE[0], "safe"), Guide("y", SAFE[1], "safe")}
    far = snap_move((2000, 3000, 2100, 3100), FRAME, SAFE, T, snap=False)
    assert far.box == (SAFE[2] - 100, SAFE[3] - 100, SAFE[2], SAFE[3]) and far.guides == ()


def test_without_snapping_the_box_goes_where_it_was_dragged():
    box = box_around((545, 955), (200, 100))
    got = snap_move(box, FRAME, SAFE, T, snap=False)
    assert got.box == box and got.guides == ()


def test_a_corner_drag_scales_about_the_opposite_corner_keeping_the_aspect():
    box = (300.0, 600.0, 500.0, 700.0)
    got = snap_corner(box, 2, (700, 800), FRAME, SAFE, T, snap=False)  # bottom-right outwards
    assert got.box[:2] == (300, 600) and size(got.box) == pytest.approx((400, 200))
    # the pointer off the diagonal: its projection on the diagonal decides
    got = snap_corner(box, 2, (700, 700), FRAME, SAFE, T, snap=False)
    w, h = size(got.box)
    assert w / h == pytest.approx(2.0) and 200 < w < 400
    # the top-left corner dragged inwards shrinks towards the bottom-right corner
    got = snap_corner(box, 0, (400, 650), FRAME, SAFE, T, snap=False)
    assert got.box[2:] == (500, 700) and size(got.box) == pytest.approx((100, 50))


def test_a_corner_drag_stops_at_the_safe_area_and_at_a_minimum_size():
    box = (300.0, 600.0, 500.0, 700.0)
    got = snap_corner(box, 2, (5000, 2500), FRAME, SAFE, T, snap=False)
    assert got.box[2] == pytest.approx(SAFE[2]) and got.box[3] <= SAFE[3]
    assert size(got.box)[0] / size(got.box)[1] == pytest.approx(2.0)
    tiny = snap_corner(box, 2, (290, 590), FRAME, SAFE, T, snap=False)
    assert max(size(tiny.box)) == pytest.approx(8)


def test_a_corner_snaps_its_moving_edge_to_the_safe_edge_and_lights_only_that_guide():
    box = (SAFE[0], 600.0, SAFE[0] + 200, 700.0)  # the fixed left edge sits on the safe edge
    pointer = (SAFE[2] - 10, 600 + (SAFE[2] - 10 - SAFE[0]) / 2)  # on the diagonal, 10 px short
    got = snap_corner(box, 2, pointer, FRAME, SAFE, T)
    assert got.box[2] == pytest.approx(SAFE[2]) and got.box[0] == SAFE[0]
    assert got.guides == (Guide("x", SAFE[2], "safe"),)
    free = snap_corner(box, 2, pointer, FRAME, SAFE, T, snap=False)
    assert free.box[2] < SAFE[2] - 5 and free.guides == ()


def test_a_corner_can_snap_the_box_centre_onto_the_centre_line():
    box = (300.0, 600.0, 500.0, 700.0)  # anchor top-left (300, 600); centre x = 300 + w/2
    got = snap_corner(box, 2, (300 + 2 * 240 + 6, 600 + 240 + 3), FRAME, SAFE, T)
    assert got.centre[0] == pytest.approx(540) and Guide("x", 540, "centre") in got.guides


def test_a_nudge_moves_by_pixels_and_stays_inside():
    box = (100.0, 300.0, 200.0, 400.0)
    assert nudge(box, 3, -2, SAFE) == (103, 298, 203, 398)
    assert nudge(box, -1000, 0, SAFE)[0] == SAFE[0]


# --- the overlay's own box: the same pixels the renderer places --------------------------------

@pytest.mark.parametrize("frame", [(1080, 1920), (1920, 1080), (1080, 1080), (270, 480), (853, 480)])
@pytest.mark.parametrize("sprite", [(200, 120), (64, 300), (517, 517)])
@pytest.mark.parametrize("x, y, scale, rotation", [(0.5, 0.5, 0.25, 0), (0.9, 0.05, 0.4, 30),
                                                   (0.1, 0.97, 3.0, 45), (0.33, 0.61, 0.137, 7)])
def test_fitted_box_is_the_box_the_renderer_places(frame, sprite, x, y, scale, rotation):
    from promodesk.engines.visuals import safearea
    from promodesk.render.overlay import DEFAULTS, place

    settings = dict(DEFAULTS, x=x, y=y, scale=scale, rotation=rotation)
    rgba = np.zeros((sprite[1], sprite[0], 4), np.uint8)
    rgba[..., 3] = 255
    safe = safearea.safe_area(frame)
    assert fitted_box(sprite, settings, frame, safe) == place(rgba, settings, frame).box


def test_moved_settings_put_the_overlay_where_it_was_dragged():
    from promodesk.render.overlay import DEFAULTS

    sprite, settings = (200, 120), dict(DEFAULTS, x=0.3, y=0.4, scale=0.3)
    before = fitted_box(sprite, settings, FRAME, SAFE)
    grown = snap_corner(before, 2, (before[2] + 120, before[3] + 72), FRAME, SAFE, T, snap=False)
    moved = snap_move((grown.box[0] + 50, grown.box[1] + 80, grown.box[2] + 50, grown.box[3] + 80),
                      FRAME, SAFE, T, snap=False)
    new = moved_settings(settings, before, moved.box, FRAME, sprite, SAFE)
    after = fitted_box(sprite, new, FRAME, SAFE)
    assert after == pytest.approx(moved.box, abs=1.0)
    assert new["scale"] > settings["scale"]
    # a move alone leaves the scale exactly as it was
    same = moved_settings(settings, before, snap_move(before, FRAME, SAFE, 0).box, FRAME, sprite, SAFE)
    assert same["scale"] == settings["scale"]


def test_the_fitted_scale_is_what_a_too_large_overlay_is_drawn_at():
    settings = {"x": 0.5, "y": 0.5, "scale": 5.0, "rotation": 0.0}
    s = fitted_scale((200, 200), settings, FRAME, SAFE)
    assert s == pytest.approx((SAFE[2] - SAFE[0]) / 1080)


# --- the edit a drag ends with -----------------------------------------------------------------

def test_set_overlay_moves_every_take_undoes_and_merges_only_one_gesture():
    from promodesk.core.document import Document, History
    from promodesk.core.edits import EditError
    from promodesk.core.media_edits import SetOverlay
    from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind

    project = Project.for_aspect("9:16")
    base = project.add_track(TrackKind.VIDEO, "Shots")
    base.clips.append(Clip(0, 1_000_000, [Take(None, Recipe("footage", {"text": "Hi"}))]))
    logo = project.add_track(TrackKind.VIDEO, "Logo")
    takes = [Take("a", Recipe("footage", {"overlay": {"x": 0.8, "y": 0.1, "opacity": 0.5}})),
             Take("a", Recipe("footage", {"overlay": {"x": 0.2}}))]
    logo.clips.append(Clip(0, 1_000_000, takes))
    clip = logo.clips[0]
    history = History(Document(project))
    history.push(SetOverlay(clip.id, {"x": 0.5, "y": 0.5}))
    assert [t.recipe.params["overlay"]["x"] for t in clip.takes] == [0.5, 0.5]
    assert clip.takes[0].recipe.params["overlay"]["opacity"] == 0.5  # other keys kept
    history.push(SetOverlay(clip.id, {"x": 0.51}, gesture="nudge-1"))
    history.push(SetOverlay(clip.id, {"x": 0.52}, gesture="nudge-1"))
    history.push(SetOverlay(clip.id, {"y": 0.6}, gesture="nudge-2"))
    assert len(history.done) == 3
    history.undo()
    history.undo()
    assert clip.recipe.params["overlay"] == {"x": 0.5, "y": 0.5, "opacity": 0.5}
    history.undo()
    assert [t.recipe.params["overlay"] for t in clip.takes] == [
        {"x": 0.8, "y": 0.1, "opacity": 0.5}, {"x": 0.2}]
    with pytest.raises(EditError, match="not an overlay"):
        history.push(SetOverlay(base.clips[0].id, {"x": 0.5}))


def test_moves_from_the_exact_box_never_drift():
    from promodesk.render.overlay import DEFAULTS

    sprite, settings = (200, 120), dict(DEFAULTS, x=0.3, y=0.4, scale=0.3)
    for _ in range(25):  # 25 one-pixel nudges move the logo 25 pixels, not 25 roundings
        box = fitted_box(sprite, settings, FRAME, SAFE, exact=True)
        settings = moved_settings(settings, box, nudge(box, 1.0, 0, SAFE), FRAME, sprite, SAFE)
    assert settings["x"] * FRAME[0] == pytest.approx(0.3 * FRAME[0] + 25)
    assert fitted_box(sprite, settings, FRAME, SAFE) == pytest.approx(
        fitted_box(sprite, settings, FRAME, SAFE, exact=True), abs=1)
