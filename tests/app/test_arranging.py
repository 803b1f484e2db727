"""Arranging on the timeline with real mouse and key events: the magnetic main track, ripple
delete carrying captions, multi-select move, split continuity, markers with M, R on picked bars,
and a context menu seen in a screenshot."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt

from promodesk.render.frame import FrameRenderer
from tests.app.conftest import wait_jobs
from tests.app.test_timeline_edit import _clip_rect, _drag, _open


def _centre(view, clip_id) -> QPoint:
    r = _clip_rect(view, clip_id)
    return QPoint(int(r.center().x()), int(r.center().y()))


def _click(qtbot, view, pos: QPoint, modifier=Qt.NoModifier) -> None:
    """A click as a user makes it: the pointer arrives first (pyqtgraph drops a press that
    comes with no move before it in a fresh window), then press and release."""
    qtbot.mouseMove(view.viewport(), pos)
    qtbot.wait(20)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, modifier, pos)


def test_drag_a_shot_onto_another_reorders_and_the_rest_close_up(qtbot, window, project_folder):
    view = _open(window, project_folder)
    video, captions = window.project.tracks[0], window.project.tracks[2]
    hero, detail, feature, cta = video.clips
    cap_hero, cap_detail = captions.clips  # 0..2 s over the hero, 3..5 s mostly over the detail
    grab = _centre(view, hero.id)
    target = QPoint(int(view.x_of(feature.start + feature.duration * 3 // 4)), grab.y())
    _drag(qtbot, view, grab, target, modifier=Qt.ShiftModifier)  # no snapping: exact times
    # the hero went after the feature shot; the gap it left closed; the cta made room
    assert [c.name for c in video.clips] == ["detail", "feature", "hero", "cta"]
    assert [(c.start, c.end) for c in video.clips] == [
        (1_000_000, 2_500_000), (3_500_000, 5_000_000), (6_000_000, 7_500_000),
        (7_500_000, 9_000_000)]
    # captions went with their shots
    assert cap_hero.start - hero.start == 0 and cap_detail.start - detail.start == 500_000
    assert window.undo.count() == 1  # the whole drag is one step
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert [c.name for c in video.clips] == ["hero", "detail", "feature", "cta"]
    assert [c.start for c in video.clips] == [0, 2_500_000, 5_000_000, 7_500_000]
    assert (cap_hero.start, cap_detail.start) == (0, 3_000_000)


def test_ripple_delete_takes_the_shots_caption_and_moves_the_later_ones(qtbot, window,
                                                                       project_folder):
    view = _open(window, project_folder)
    video, captions = window.project.tracks[0], window.project.tracks[2]
    hero, detail = video.clips[:2]
    cap_detail = captions.clips[1]
    _click(qtbot, view, _centre(view, hero.id), Qt.NoModifier)
    assert view.selected == hero.id
    qtbot.keyClick(view, Qt.Key_Delete, Qt.ShiftModifier)
    assert [c.start for c in video.clips] == [1_000_000, 3_500_000, 6_000_000]
    assert [c.cue.text for c in captions.clips] == ["Order now"]  # the hero's caption went too
    assert cap_detail.start - detail.start == 500_000             # still over its shot
    assert window.undo.count() == 1
    window.undo.undo()
    assert len(captions.clips) == 2 and captions.clips[0].start == 0 and hero.start == 0


def test_shift_click_selects_two_and_a_drag_moves_both(qtbot, window, project_folder):
    view = _open(window, project_folder)
    video = window.project.tracks[0]
    feature, cta = video.clips[2:]
    _click(qtbot, view, _centre(view, feature.id), Qt.NoModifier)
    _click(qtbot, view, _centre(view, cta.id), Qt.ControlModifier)
    assert set(view.selection) == {feature.id, cta.id}
    grab = _centre(view, feature.id)
    dx = round(view.x_of(5_400_000) - view.x_of(5_000_000))
    _drag(qtbot, view, grab, grab + QPoint(dx, 0), modifier=Qt.ShiftModifier)
    moved = feature.start - 5_000_000
    assert abs(moved - 400_000) <= 2 / view.xmap().scale
    assert cta.start - 7_500_000 == moved  # both by the same amount
    assert window.undo.count() == 1


def test_marquee_on_empty_track_space_selects_the_clips_it_touches(qtbot, window, project_folder):
    view = _open(window, project_folder)
    video = window.project.tracks[0]
    lane = view.lane_of(video.id)
    y = int(lane.y + lane.h / 2)
    start = QPoint(int(view.x_of(1_800_000)), y)            # in the gap after the hero
    end = QPoint(int(view.x_of(5_600_000)), y)              # into the feature shot
    _drag(qtbot, view, start, end)
    assert set(view.selection) == {video.clips[1].id, video.clips[2].id}
    assert window.undo.count() == 0


def test_split_is_an_invisible_cut(qtbot, window, project_folder):
    view = _open(window, project_folder)
    hero = window.project.tracks[0].clips[0]
    duration = hero.duration
    fps = window.project.fps
    frame_us = int(1e6 / fps)
    cut = 34 * frame_us  # late in the move, after the title's entrance (0.6 s)
    size = (216, 384)
    before = FrameRenderer(window.project.copy(), project_folder, size, captions=False)
    _click(qtbot, view, _centre(view, hero.id), Qt.NoModifier)
    view.set_playhead(cut)
    qtbot.keyClick(view, Qt.Key_S)
    left, right = window.project.tracks[0].clips[:2]
    assert (left.end, right.start) == (cut, cut)
    assert right.recipe.params["transition_in"]["kind"] == "cut"
    after = FrameRenderer(window.project, project_folder, size, captions=False)

    def diff(r, a, b):
        return float(np.abs(r.frame(a).astype(np.int16) - r.frame(b).astype(np.int16)).mean())

    at_cut = diff(after, cut - frame_us, cut)
    # consecutive frames of the unsplit shot after its title has entered (0.6 s), away from the cut
    elsewhere = [diff(before, t, t + frame_us) for t in range(20 * frame_us, duration - frame_us,
                                                               2 * frame_us)
                 if abs(t - cut) > 2 * frame_us]
    assert min(elsewhere) > 0  # the camera moves here, so the comparison means something
    assert at_cut < max(elsewhere)
    # and the right half shows exactly what the unsplit shot showed
    assert np.abs(after.frame(cut + 3 * frame_us).astype(np.int16)
                  - before.frame(cut + 3 * frame_us).astype(np.int16)).max() <= 1


def test_m_adds_a_marker_at_the_playhead_and_undo_takes_it_back(qtbot, window, project_folder):
    view = _open(window, project_folder)
    view.set_playhead(2_000_000)
    qtbot.keyClick(view, Qt.Key_M)
    assert [(m.time, m.name) for m in window.project.markers] == [(2_000_000, "Marker 1")]
    window.arranging.fill_markers_menu(window.markers_menu)
    jump = [a for a in window.markers_menu.actions() if "Marker 1" in a.text()]
    view.set_playhead(0)
    jump[0].trigger()
    assert view.playhead == 2_000_000
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert window.project.markers == []


def test_r_regenerates_the_picked_bars_not_the_selected_shot(qtbot, window, project_folder):
    view = _open(window, project_folder)
    shot = window.project.tracks[0].clips[0]
    music = window.project.tracks[1].clips[0]
    view.select_clip(shot.id)
    view.set_bar_range((1, 2))
    qtbot.keyClick(view, Qt.Key_R)
    assert music.id in view.jobs and shot.id not in view.jobs
    wait_jobs(qtbot, window, timeout=120_000)
    assert len(music.takes) == 2


def test_clip_context_menu_screenshot(qtbot, window, project_folder, tmp_path):
    from promodesk.app.context_menus import clip_menu, ruler_menu

    view = _open(window, project_folder)
    track = window.project.tracks[2]
    clip = track.clips[0]
    view.select_clip(clip.id)
    menu = clip_menu(window, view, track, clip)
    texts = [a.text() for a in menu.actions()]
    assert "Unlink from Shot" in texts and "Ripple Delete\tShift+Del" in texts
    menu.popup(view.mapToGlobal(QPoint(200, 120)))
    qtbot.waitExposed(menu)
    shot = menu.grab()
    assert shot.width() > 100 and shot.height() > 200
    shot.save("/tmp/h1_clip_menu.png")
    menu.close()
    unlink = next(a for a in menu.actions() if a.text() == "Unlink from Shot")
    unlink.trigger()
    assert clip.linked is False
    ruler = ruler_menu(window, view, 1_000_000, view.x_of(1_000_000))
    assert any("Add Marker" in a.text() for a in ruler.actions())


def test_typed_duration_in_the_inspector_moves_the_later_shots(qtbot, window, project_folder):
    view = _open(window, project_folder)
    video = window.project.tracks[0]
    hero, detail = video.clips[:2]
    _click(qtbot, view, _centre(view, hero.id), Qt.NoModifier)
    box = window.inspector.duration
    assert abs(box.value() - 1.5) < 1e-9
    box.selectAll()
    qtbot.keyClicks(box.lineEdit(), "2.00")
    qtbot.keyClick(box.lineEdit(), Qt.Key_Return)
    assert hero.duration == 2_000_000 and detail.start == 3_000_000  # the rest followed
    window.undo.undo()
    assert hero.duration == 1_500_000 and detail.start == 2_500_000


def test_ctrl_d_duplicates_a_shot_after_itself_and_ctrl_c_v_pastes_at_the_playhead(
        qtbot, window, project_folder):
    view = _open(window, project_folder)
    video = window.project.tracks[0]
    hero = video.clips[0]
    _click(qtbot, view, _centre(view, hero.id), Qt.NoModifier)
    qtbot.keyClick(view, Qt.Key_D, Qt.ControlModifier)
    assert [(c.name, c.start) for c in video.clips] == [
        ("hero", 0), ("hero", 1_500_000), ("detail", 4_000_000), ("feature", 6_500_000),
        ("cta", 9_000_000)]
    assert view.selected == video.clips[1].id != hero.id  # the copy is selected
    window.undo.undo()
    assert len(video.clips) == 4
    captions = window.project.tracks[2]
    view.select_clip(captions.clips[1].id)
    qtbot.keyClick(view, Qt.Key_C, Qt.ControlModifier)
    view.set_playhead(6_000_000)
    qtbot.keyClick(view, Qt.Key_V, Qt.ControlModifier)
    assert [(c.cue.text, c.start) for c in captions.clips][-1] == ("Order now", 6_000_000)


def test_the_inspector_button_says_what_a_new_take_changes(qtbot, window, project_folder):
    view = _open(window, project_folder)
    view.select_clip(window.project.tracks[0].clips[0].id)
    assert window.inspector.regen_seed.text() == "New take: next layout and move"
    view.select_clip(window.project.tracks[2].clips[0].id)
    assert window.inspector.regen_seed.text() == "New take: another line break"
    view.select_clip(window.project.tracks[1].clips[0].id)
    assert window.inspector.regen_seed.text() == "Regenerate (new seed)"


def test_alt_drag_overwrites_what_the_shot_lands_on(qtbot, window, project_folder):
    view = _open(window, project_folder)
    video = window.project.tracks[0]
    feature, cta = video.clips[2:]
    grab = _centre(view, cta.id)  # 8.25 s
    dx = round(view.x_of(6_250_000) - view.x_of(8_250_000))  # cta to start at 5.5 s
    _drag(qtbot, view, grab, grab + QPoint(dx, 0), modifier=Qt.AltModifier | Qt.ShiftModifier)
    assert abs(cta.start - 5_500_000) <= 2 / view.xmap().scale
    assert feature.end == cta.start and feature.start == 5_000_000  # feature cut where cta lands
    assert [c.name for c in video.clips] == ["hero", "detail", "feature", "cta"]
    assert window.undo.count() == 1
    window.undo.undo()
    assert (feature.end, cta.start) == (6_500_000, 7_500_000)


def test_r_on_a_shot_and_on_a_caption_adds_takes_that_say_what_changed(qtbot, window,
                                                                        project_folder):
    view = _open(window, project_folder)
    shot = window.project.tracks[0].clips[0]
    caption = window.project.tracks[2].clips[0]
    for clip in (shot, caption):
        view.select_clip(clip.id)
        qtbot.keyClick(view, Qt.Key_R)
        wait_jobs(qtbot, window)
        qtbot.waitUntil(lambda c=clip: len(c.takes) == 2, timeout=60_000)
    assert shot.take.label == "pan right · layout 2" and shot.recipe.params["variant"] == 1
    assert caption.take.label.startswith("line break: ")
    assert "\n" in caption.recipe.params["lines"]
    assert "line break" in window.statusBar().currentMessage()
