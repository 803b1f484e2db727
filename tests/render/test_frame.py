"""render_frame / FrameRenderer: tracks, transitions, mute, captions on top, other aspects,
and the same pixels whichever thread or renderer draws them."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

import pytest

from promodesk.core.timeline import Clip, Recipe, Take, TrackKind, frame_start
from promodesk.engines.base import EngineUnavailable, UnknownEngine
from promodesk.engines.visuals.photos import load_photo
from promodesk.engines.visuals.shots import ShotRenderer
from promodesk.engines.visuals.transitions import blend
from promodesk.engines.visuals.safearea import safe_area
from promodesk.render.frame import FrameRenderer, render_frame

from tests.render.media import EXAMPLES, caption_project, shot_project

SIZE = (270, 480)


def test_caption_only_project_draws_text_on_black_inside_its_box():
    project = caption_project()
    renderer = FrameRenderer(project, ".", SIZE)
    frame = renderer.frame(500_000)
    (caption, _), = renderer.captions_at(500_000)
    l, t, r, b = caption.box
    outside = frame.copy()
    outside[t:b, l:r] = 0
    assert outside.max() == 0 and frame[t:b, l:r].max() == 255
    assert np.array_equal(frame, render_frame(project, 500_000, SIZE, "."))
    assert renderer.frame(2_500_000).max() == 0  # after the last cue: an empty black frame


def test_transition_blends_previous_and_next_shot(tmp_path):
    project = shot_project(tmp_path, shot_us=1_000_000, transition="crossfade")
    renderer = FrameRenderer(project, tmp_path, SIZE, captions=False)
    first, second = project.tracks_of(TrackKind.VIDEO)[0].clips
    photos = [load_photo(tmp_path / "assets" / c.asset) for c in (first, second)]
    shots = [ShotRenderer(c.recipe.params, ph, SIZE, c.duration, c.recipe.seed)
             for c, ph in zip((first, second), photos)]
    t = 1_100_000  # inside [0.8 s, 1.2 s)
    expected = blend(shots[0].frame(t - first.start), shots[1].frame(t - second.start),
                     "crossfade", (t - 800_000) / 400_000)
    assert np.array_equal(renderer.frame(t), expected)
    assert np.array_equal(renderer.frame(300_000), shots[0].frame(300_000))
    assert np.array_equal(renderer.frame(1_500_000), shots[1].frame(500_000))


def test_later_tracks_draw_over_earlier_ones_and_mute_hides(tmp_path):
    project = shot_project(tmp_path)
    top = project.add_track(TrackKind.VIDEO, "Cards")
    params = {"kind": "card", "move": "still", "text": "新品上市", "colors": ["#7a2e1f", "#f3e6d3"]}
    top.clips.append(Clip(0, 500_000, [Take(None, Recipe("shots", params, 3))]))
    card = ShotRenderer(params, None, SIZE, 500_000, 3).frame(200_000)
    renderer = FrameRenderer(project, tmp_path, SIZE, captions=False)
    assert np.array_equal(renderer.frame(200_000), card)
    assert not np.array_equal(renderer.frame(700_000), ShotRenderer(params, None, SIZE, 500_000, 3).frame(500_000))
    top.mute = True
    below = FrameRenderer(project, tmp_path, SIZE, captions=False).frame(200_000)
    assert not np.array_equal(below, card)
    photo = load_photo(EXAMPLES / "products" / "espresso-cup.png")
    first = project.tracks_of(TrackKind.VIDEO)[0].clips[0]
    assert np.array_equal(below, ShotRenderer(first.recipe.params, photo, SIZE, first.duration,
                                              first.recipe.seed).frame(200_000))


def test_a_9x16_project_renders_at_16x9_with_captions_in_that_safe_area(tmp_path):
    project = shot_project(tmp_path, "9:16")
    size = (480, 270)
    with_captions = render_frame(project, 500_000, size, tmp_path)
    without = FrameRenderer(project, tmp_path, size, captions=False).frame(500_000)
    assert with_captions.shape == (270, 480, 3)
    changed = np.argwhere(np.any(with_captions != without, axis=2))
    (top, left), (bottom, right) = changed.min(0), changed.max(0)
    sl, st, sr, sb = safe_area(size)
    assert sl <= left and right < sr and st <= top and bottom < sb


def test_frames_are_the_same_from_any_thread_and_any_renderer(tmp_path):
    project = shot_project(tmp_path)
    times = [frame_start(i, project.fps) for i in range(0, 60, 7)]
    sequential = [FrameRenderer(project, tmp_path, SIZE).frame(t) for t in times]
    shared = FrameRenderer(project, tmp_path, SIZE)
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(shared.frame, reversed(times)))[::-1]
    for a, b in zip(sequential, parallel):
        assert np.array_equal(a, b)


def test_a_caption_asked_for_by_many_threads_at_once_is_made_once(tmp_path):
    """Captions are made outside the renderer's lock (they render frames to choose a look):
    threads asking for the same cue together all get the one caption, and prepare() makes
    ahead of time what a frame then draws."""
    project = shot_project(tmp_path)
    renderer = FrameRenderer(project, tmp_path, SIZE)
    cue = project.tracks_of(TrackKind.CAPTIONS)[0].clips[1]
    with ThreadPoolExecutor(6) as pool:
        made = list(pool.map(lambda _: renderer.caption(cue), range(12)))
    assert all(c is made[0] for c in made)
    assert not renderer._making  # nothing left marked as being made
    other = FrameRenderer(project, tmp_path, SIZE)
    other.prepare(cue.start)
    (ready, start), = [(c, s) for c, s in other.captions_at(cue.start)]
    assert start == cue.start and ready is other.caption(cue)
    assert np.array_equal(other.frame(cue.start + 40_000), renderer.frame(cue.start + 40_000))


def test_a_clip_naming_an_unknown_engine_is_a_clear_error_not_a_shot(tmp_path):
    project = shot_project(tmp_path, shot_us=1_000_000)
    first, second = project.tracks_of(TrackKind.VIDEO)[0].clips
    second.takes[0].recipe.engine = "hologram"  # saved by a newer PromoDesk, say
    renderer = FrameRenderer(project, tmp_path, SIZE, captions=False)
    assert renderer.frame(500_000).std() > 1.0  # clips of known engines still draw
    with pytest.raises(UnknownEngine, match="the engine 'hologram', which this version of "
                                            "PromoDesk does not have; update PromoDesk"):
        renderer.frame(1_500_000)
    cues = caption_project()
    cues.tracks_of(TrackKind.CAPTIONS)[0].clips[0].takes[0].recipe.engine = "neon-text"
    with pytest.raises(UnknownEngine, match="'neon-text'"):
        FrameRenderer(cues, ".", SIZE).frame(500_000)
    # the music engine cannot draw a video clip: said so, not drawn as a shot either
    second.takes[0].recipe.engine = "composer"
    with pytest.raises(EngineUnavailable, match="makes music, not pictures"):
        FrameRenderer(project, tmp_path, SIZE, captions=False).frame(1_500_000)
