"""The timeline's handles with real mouse events: a sound clip's fade handles (one undo step,
held to the clip, heard as a ramp in the mix) and a transition's edge (its length changes, whole
frames, one undo step, the crossfade rendered over the new length)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt

from promodesk.core.projectfile import add_asset, save_project
from promodesk.core.timeline import Asset, Clip, Project, Recipe, Take, TrackKind
from promodesk.core.transitions import transition_of
from promodesk.render.frame import FrameRenderer
from promodesk.render.mix import mix_project
from tests.app.conftest import PHOTO, shot_params
from tests.app.test_timeline_edit import _drag
from tests.render.media import tone_asset

S = 1_000_000
SR = 48_000


def _handles_project(folder) -> Project:
    """Two shots end to end (0-2 s, 2-4 s) with a 0.4 s crossfade at the cut, and a 440 Hz
    tone of 4 s on an audio track."""
    project = Project.for_aspect("9:16", title="Handles")
    photo = add_asset(folder, PHOTO)
    project.assets[photo] = Asset(photo, "image", None, {}, "test photo")
    video = project.add_track(TrackKind.VIDEO, "Shots")
    video.clips.append(Clip(0, 2 * S, [Take(photo, Recipe("shots", shot_params("hero"), 1))],
                            name="hero"))
    params = shot_params("cta", "Buy")
    params["transition_in"] = {"kind": "crossfade", "duration_us": 400_000}
    video.clips.append(Clip(2 * S, 2 * S, [Take(None, Recipe("shots", params, 2))], name="cta"))
    tone = tone_asset(folder, 4, 440, 0.3)
    project.assets[tone] = Asset(tone, "audio", 4 * S)
    project.add_track(TrackKind.AUDIO, "Sound").clips.append(
        Clip(0, 4 * S, [Take(tone, Recipe("footage"), 4 * S)], name="tone"))
    save_project(project, folder)
    return project


def _open(window, tmp_path):
    folder = tmp_path / "handles.promodesk"
    _handles_project(folder)
    assert window.open_project(folder)
    return window.timeline


def _pt(x: float, y: float) -> QPoint:
    return QPoint(round(x), round(y))


def test_fade_handles_drag_in_one_step_held_to_the_clip_and_ramp_the_mix(qtbot, window,
                                                                          tmp_path):
    view = _open(window, tmp_path)
    track = window.project.tracks_of(TrackKind.AUDIO)[0]
    clip = track.clips[0]
    lane = view.lane_of(track.id)
    top = lane.y + 6  # in the handles' strip at the clip's top
    grab = _pt(view.x_of(clip.start) + 4, top)
    assert view.hit(QPointF(grab))[2] == "fade_in"
    assert view.hit(QPointF(view.x_of(clip.start) + 4, lane.y + lane.h / 2))[2] == "start"
    # Shift: no snapping, the fade follows the mouse to the pixel
    _drag(qtbot, view, grab, grab + _pt(view.x_of(S) - view.x_of(0), 0), Qt.ShiftModifier)
    px = 1 / view.xmap().scale
    assert abs(clip.fade_in - S) <= 2 * px
    assert window.undo.count() == 1
    # the fade-out handle dragged far past the start stops where the fade-in ends
    grab = _pt(view.x_of(clip.end) - 4, top)
    assert view.hit(QPointF(grab))[2] == "fade_out"
    _drag(qtbot, view, grab, _pt(view.x_of(0) - 30, top), Qt.ShiftModifier)
    assert clip.fade_out == clip.duration - clip.fade_in
    assert window.undo.count() == 2
    window.undo.undo()
    assert clip.fade_out == 0 and abs(clip.fade_in - S) <= 2 * px
    audio, _ = mix_project(window.project, window.folder, normalize=False)
    env = lambda t: np.max(np.abs(audio[int(t * SR):int(t * SR) + SR // 50, 0])) / 0.3  # noqa
    fade = clip.fade_in / S
    assert env(0.0) < 0.02 and abs(env(fade / 2) - 0.5) < 0.06 and env(fade + 0.1) > 0.99
    assert env(fade * 0.25) < env(fade / 2) < env(fade * 0.75) < env(fade + 0.1)
    window.undo.undo()
    assert clip.fade_in == 0


def test_dragging_a_transitions_edge_changes_its_length_in_one_step(qtbot, window, tmp_path):
    view = _open(window, tmp_path)
    main = window.project.tracks_of(TrackKind.VIDEO)[0]
    cut = main.clips[1]
    lane = view.lane_of(main.id)
    y = lane.y + lane.h / 2 + 10   # the bow tie's height
    edge = _pt(view.x_of(2 * S + 200_000), y)
    assert view.hit(QPointF(edge))[1:] == (cut, "transition_end")
    view.canvas.hoverEvent(_Hover(view.canvas.mapFromScene(view.mapToScene(edge))))
    assert view.canvas.cursor().shape() == Qt.SizeHorCursor
    _drag(qtbot, view, edge, _pt(view.x_of(2 * S + 500_000), y))
    assert transition_of(cut) == ("crossfade", S)   # 2 x 0.5 s, in whole frames (30 at 30 fps)
    assert window.undo.count() == 1
    # the left edge dragged far out stops at the shorter neighbour's length (2 s)
    edge = _pt(view.x_of(2 * S - 500_000), y)
    assert view.hit(QPointF(edge))[2] == "transition_start"
    _drag(qtbot, view, edge, _pt(view.x_of(0) + 2, y))
    assert transition_of(cut) == ("crossfade", 2 * S)
    window.undo.undo()
    assert transition_of(cut) == ("crossfade", S)
    # rendered: at 1.75 s (inside the new 1.5-2.5 s, outside the old 1.8-2.2 s) the picture is
    # a blend of the two shots; before 1.5 s it is the first shot alone
    size = (90, 160)
    now = FrameRenderer(window.project, window.folder, size)
    plain = window.project.copy()
    plain.tracks[0].clips[1].takes[0].recipe.params["transition_in"] = {"kind": "cut",
                                                                        "duration_us": 0}
    cut_only = FrameRenderer(plain, window.folder, size)
    a, b = cut_only.frame(1_750_000), cut_only.frame(2_100_000)
    blended = now.frame(1_750_000).astype(float)
    assert np.abs(blended - a).mean() > 2
    # a quarter of the way (eased) from the first shot to the second
    assert np.abs(blended - a).mean() < np.abs(blended - b).mean()
    assert np.array_equal(now.frame(1_450_000), cut_only.frame(1_450_000))
    mid = now.frame(2 * S).astype(float)   # the new mid-point: half of each
    assert np.abs(mid - cut_only.frame(1_966_667)).mean() > 2
    assert np.abs(mid - b).mean() > 2
    window.undo.undo()
    assert transition_of(cut) == ("crossfade", 400_000)


class _Hover:
    """A hover event at ``pos`` (canvas coordinates), as pyqtgraph hands it to an item."""

    def __init__(self, pos):
        self._pos = pos

    def isExit(self):
        return False

    def pos(self):
        return self._pos


def test_the_inspector_sets_a_sound_clips_gain_and_ducking(qtbot, window, tmp_path):
    view = _open(window, tmp_path)
    track = window.project.tracks_of(TrackKind.AUDIO)[0]
    clip = track.clips[0]
    rect_y = view.lane_of(track.id).y + view.lane_of(track.id).h - 10
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier,
                     _pt(view.x_of(2 * S), rect_y))
    inspector = window.inspector
    assert inspector.clip_id == clip.id and inspector.sound_box.isVisibleTo(inspector)
    spin = inspector.clip_gain
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "-6")
    qtbot.keyClick(spin, Qt.Key_Return)
    assert clip.gain_db == -6.0 and window.undo.count() == 1
    qtbot.mouseClick(inspector.duck, Qt.LeftButton,
                     pos=QPoint(8, inspector.duck.height() // 2))
    assert clip.duck_music and window.undo.count() == 2
    window.undo.undo()
    window.undo.undo()
    assert clip.gain_db == 0.0 and not clip.duck_music and spin.value() == 0.0


def test_a_sound_clips_menu_unlinks_it_from_its_shot(qtbot, window, tmp_path):
    from promodesk.app.context_menus import clip_menu

    view = _open(window, tmp_path)
    sound_track = window.project.tracks_of(TrackKind.AUDIO)[0]
    sound = sound_track.clips[0]
    view.select_clip(sound.id)
    menu = clip_menu(window, view, sound_track, sound)
    unlink = [a for a in menu.actions() if a.text() == "Unlink from Shot"]
    assert unlink
    unlink[0].trigger()
    assert sound.linked is False and window.undo.count() == 1


def test_trimming_a_clip_with_the_mouse_trims_its_linked_sound(qtbot, window, tmp_path):
    view = _open(window, tmp_path)
    main = window.project.tracks_of(TrackKind.VIDEO)[0]
    hero = main.clips[0]
    sound = window.project.tracks_of(TrackKind.AUDIO)[0].clips[0]
    sound.takes[0].recipe.params["sound_of"] = hero.id   # as the media bin places footage
    sound.duration = hero.duration
    lane = view.lane_of(main.id)
    y = lane.y + 12   # above the bow tie
    grab = _pt(view.x_of(hero.end) - 3, y)
    assert view.hit(QPointF(grab))[1:] == (hero, "end")
    _drag(qtbot, view, grab, _pt(view.x_of(1_500_000) - 3, y), Qt.ShiftModifier)
    px = 1 / view.xmap().scale
    assert abs(hero.duration - 1_500_000) <= 2 * px
    assert (sound.start, sound.in_point, sound.duration) == (hero.start, hero.in_point,
                                                             hero.duration)
    assert window.undo.count() == 1
    window.undo.undo()
    assert hero.duration == sound.duration == 2 * S
