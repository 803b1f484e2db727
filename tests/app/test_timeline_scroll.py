"""Ten tracks in a 1366x768 window: the lanes keep their minimum heights and scroll up and down
under a fixed ruler (wheel, scroll bar, a drag held at the edge); the headers move with their
lanes; clicks and drags on a scrolled timeline reach the track under the mouse. A sound clip's
label (and the music's section names) sit clear of its fade handles."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from promodesk.app import timeline_paint as paint
from promodesk.app.main_window import TIMELINE_MIN_H
from promodesk.core.media_edits import AddTrack
from promodesk.core.projectfile import load_project, save_project
from promodesk.core.timeline import Asset, Clip, Recipe, Take, TrackKind
from tests.app.conftest import shot_params
from tests.app.test_timeline_edit import _drag
from tests.render.media import tone_asset

S = 1_000_000


def _ten_tracks(folder) -> None:
    """The fixture project (shots, music, captions) and seven more tracks below it: sounds and
    voices holding a 2 s tone each, two more video tracks; the last track is a sound."""
    project = load_project(folder)
    tone = tone_asset(folder, 2, 440, 0.3)
    project.assets[tone] = Asset(tone, "audio", 2 * S)
    photo = next(a for a in project.assets.values() if a.kind == "image").id
    for i, (kind, name) in enumerate([(TrackKind.AUDIO, "Sound 1"), (TrackKind.VOICE, "Voice 1"),
                                      (TrackKind.VIDEO, "Logo"), (TrackKind.AUDIO, "Sound 2"),
                                      (TrackKind.VOICE, "Voice 2"), (TrackKind.VIDEO, "Overlay"),
                                      (TrackKind.AUDIO, "Sound 3")]):
        track = project.add_track(kind, name)
        if kind == TrackKind.VIDEO:
            track.clips.append(Clip(S, 2 * S, [Take(photo, Recipe("shots", shot_params("hero"), 7))],
                                    name=f"{name} shot"))
        else:  # the last sound's tone starts later, out of the way of one dragged onto its track
            start = 5 * S if name == "Sound 3" else i * S // 4
            track.clips.append(Clip(start, 2 * S, [Take(tone, Recipe("footage"), 2 * S)],
                                    name=f"{name} tone", fade_in=300_000 if i == 0 else 0))
    save_project(project, folder)


def _open(qtbot, window, folder):
    _ten_tracks(folder)
    assert window.open_project(folder)
    window.resize(1366, 768)
    view = window.timeline
    qtbot.waitUntil(lambda: window.timeline_panel.height() >= TIMELINE_MIN_H, timeout=5000)
    qtbot.waitUntil(lambda: view.v_max() > 0 and window.timeline_panel.v_scroll.isVisible(),
                    timeout=5000)
    assert len(view.lanes) == 10
    return view


def _wheel(view, notches: int, modifiers=Qt.NoModifier, over=None) -> None:
    """A real wheel turn over the middle of the lanes, or of the widget ``over`` (negative
    ``notches``: towards the user, down)."""
    target = over if over is not None else view.viewport()
    pos = QPointF(target.width() / 2, target.height() / 2)
    ev = QWheelEvent(pos, QPointF(target.mapToGlobal(pos.toPoint())), QPoint(0, 0),
                     QPoint(0, 120 * notches), Qt.NoButton, modifiers, Qt.NoScrollPhase, False)
    QApplication.sendEvent(target, ev)


def _middle(view, lane, clip) -> QPoint:
    return QPoint(round(view.x_of(clip.start + clip.duration // 2)), round(lane.y + lane.h / 2))


def _headers_beside_lanes(panel, view) -> bool:
    """Every header whose lane is in view has its top on its lane's top row (panel pixels)."""
    level = [(row, lane) for row, lane in zip(panel._rows, view.lanes)
             if paint.RULER_H <= lane.y and lane.y + lane.h <= view.viewport().height()]
    return bool(level) and all(
        row.isVisible() and row.height() == int(lane.h)
        and abs(row.mapTo(panel, QPoint(0, 0)).y()
                - view.viewport().mapTo(panel, QPoint(0, int(lane.y))).y()) <= 1
        for row, lane in level)


def test_ten_tracks_scroll_with_the_wheel_and_the_bar_and_the_bottom_clip_takes_a_click(
        qtbot, window, project_folder):
    view = _open(qtbot, window, project_folder)
    panel = window.timeline_panel
    height = view.viewport().height()
    for lane in view.lanes:  # no lane is squeezed below its usable height to fit
        assert lane.h >= paint.LANE_MIN_HEIGHTS.get(lane.track.kind.value, paint.LANE_MIN_OTHER)
    bottom = view.lanes[-1]
    clip = bottom.track.clips[0]
    assert bottom.y >= height  # out of view, under the horizontal scroll bar
    # a click as low as the view goes, at the clip's time, does not reach it
    qtbot.mouseClick(view.viewport(), Qt.LeftButton,
                     pos=QPoint(round(view.x_of(clip.start + S)), height - 2))
    assert view.selected != clip.id
    assert _headers_beside_lanes(panel, view)
    # the wheel over a header's gain box scrolls the lanes; the gain changes only once focused
    music = next(row for row in panel._rows if row.track.kind == TrackKind.MUSIC)
    _wheel(view, -1, over=music.gain)
    assert view.v_offset > 0 and music.track.gain_db == 0.0 and window.undo.count() == 0
    _wheel(view, 1, over=music.gain)
    assert view.v_offset == 0
    qtbot.mouseClick(music.gain, Qt.LeftButton, pos=QPoint(8, music.gain.height() // 2))
    qtbot.waitUntil(music.gain.hasFocus, timeout=2000)
    _wheel(view, 1, over=music.gain)  # clicked into: now the wheel steps its gain
    assert music.track.gain_db == 1.0 and view.v_offset == 0
    window.undo.undo()
    assert music.track.gain_db == 0.0
    bottom = view.lanes[-1]  # the edits laid the lanes out again

    x0 = view.vb.viewRange()[0]
    for _ in range(40):  # the wheel, turned towards the user, scrolls down to the end
        _wheel(view, -1)
        if view.v_offset == view.v_max():
            break
    assert view.v_offset == view.v_max() > 0
    assert view.vb.viewRange()[0] == x0  # in time nothing moved: neither zoom nor pan
    assert panel.v_scroll.value() == view.v_offset
    assert bottom.y + bottom.h <= height
    qtbot.waitUntil(lambda: _headers_beside_lanes(panel, view), timeout=3000)
    first = panel._rows[0]  # scrolled up under the title cell, which stays on top
    assert first.mapTo(panel, QPoint(0, first.height())).y() <= paint.RULER_H
    assert panel.headers.childAt(40, paint.RULER_H // 2) is panel.headers.title
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=_middle(view, bottom, clip))
    qtbot.waitUntil(lambda: view.selected == clip.id, timeout=3000)
    # the ruler stays at the top: a click on it moves the playhead, wherever the lanes are
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=QPoint(round(view.x_of(3 * S)), 8))
    assert abs(view.playhead - 3 * S) <= 1 / view.xmap().scale + 1

    # Shift-wheel still scrolls in time and Ctrl-wheel still zooms; the lanes stay put
    _wheel(view, -1, Qt.ShiftModifier)
    assert view.vb.viewRange()[0][0] > x0[0] and view.v_offset == view.v_max()
    span = view.vb.viewRange()[0][1] - view.vb.viewRange()[0][0]
    _wheel(view, 1, Qt.ControlModifier)
    assert view.vb.viewRange()[0][1] - view.vb.viewRange()[0][0] < span * 0.95
    assert view.v_offset == view.v_max()
    view.fit()

    # back up with the wheel, then down again by clicking the scroll bar's trough
    for _ in range(40):
        _wheel(view, 1)
    assert view.v_offset == 0 and panel.v_scroll.value() == 0
    bar = panel.v_scroll
    for _ in range(10):
        qtbot.mouseClick(bar, Qt.LeftButton, pos=QPoint(bar.width() // 2, bar.height() - 20))
        if view.v_offset == view.v_max():
            break
    assert view.v_offset == view.v_max()
    view.select_clip(None)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=_middle(view, bottom, clip))
    qtbot.waitUntil(lambda: view.selected == clip.id, timeout=3000)
    assert _headers_beside_lanes(panel, view)


def test_a_drag_on_a_scrolled_timeline_lands_on_the_track_under_the_mouse(
        qtbot, window, project_folder):
    view = _open(qtbot, window, project_folder)
    view.set_v_offset(view.v_max())
    tracks = view.project.tracks
    sound2, sound3 = next(t for t in tracks if t.name == "Sound 2"), tracks[-1]
    clip = sound2.clips[0]
    start = clip.start
    src, dst = view.lane_of(sound2.id), view.lane_of(sound3.id)
    assert paint.RULER_H <= src.y and dst.y + dst.h <= view.viewport().height()
    grab = _middle(view, src, clip)
    shift = round(view.x_of(start + S) - view.x_of(start))  # one second later, too
    _drag(qtbot, view, grab, QPoint(grab.x() + shift, round(dst.y + dst.h / 2)), Qt.ShiftModifier)
    assert view.project.find_clip(clip.id)[0] is sound3
    assert abs(clip.start - (start + S)) <= 2 / view.xmap().scale
    assert window.undo.count() == 1


def test_a_clip_held_at_the_bottom_edge_scrolls_the_lanes_and_lands_on_the_last_track(
        qtbot, window, project_folder):
    view = _open(qtbot, window, project_folder)
    tracks = view.project.tracks
    vp = view.viewport()
    # a clip grabbed in the edge zone and dragged along it, not towards the edge, stays put
    low = view.lane_at(vp.height() - 10)
    near = low.track.clips[0]
    grab = QPoint(round(view.x_of(near.start + near.duration // 2)), vp.height() - 10)
    start = near.start
    _drag(qtbot, view, grab, grab + QPoint(round(view.x_of(S // 2) - view.x_of(0)), 0),
          Qt.ShiftModifier)
    assert view.v_offset == 0 and near.start > start and near in low.track.clips
    window.undo.undo()

    sound1, sound3 = next(t for t in tracks if t.name == "Sound 1"), tracks[-1]
    clip = sound1.clips[0]
    lane = view.lane_of(sound1.id)
    assert view.v_offset == 0 and lane.y + lane.h <= view.viewport().height()
    grab = _middle(view, lane, clip)
    edge = QPoint(grab.x(), vp.height() - 1)  # the view's last row: the edge zone
    qtbot.mousePress(vp, Qt.LeftButton, Qt.NoModifier, grab)
    for i in range(1, 7):
        qtbot.wait(12)  # pyqtgraph drops mouse moves closer than 10 ms apart
        qtbot.mouseMove(vp, grab + (edge - grab) * i / 6)
    qtbot.waitUntil(lambda: view.v_offset == view.v_max(), timeout=5000)  # held still: it scrolls
    assert view.lane_for_drag(edge.y()).track is sound3  # the last lane, now in view
    qtbot.mouseRelease(vp, Qt.LeftButton, Qt.NoModifier, edge)
    assert view.project.find_clip(clip.id)[0] is sound3
    assert window.undo.count() == 1  # one step (the drag undone above is dropped)


def test_a_sound_clips_label_stands_clear_of_its_fade_handles(qtbot, window, project_folder):
    view = _open(qtbot, window, project_folder)
    xm = view.xmap()
    checked = 0
    for lane in view.lanes:
        kind = lane.track.kind.value
        if kind not in ("audio", "voice", "music"):
            continue
        for clip in lane.track.clips:
            rect = view.clip_rect(xm, lane, clip)
            assert paint.fades_shown(rect)
            area, between = paint.label_area(xm, rect, kind, clip)  # as the lanes are painted
            placed = paint.clip_label_rect(area, clip.name, between)
            assert placed is not None, clip.name  # the label is shown, not dropped for room
            strip, shown = placed
            assert shown.startswith(clip.name[:4])  # it starts readable (elided at its end only)
            for handle in paint.fade_handle_rects(xm, rect, clip):
                # the handle's outline is drawn half a pixel outside its square
                assert not strip.intersects(handle.adjusted(-1, -1, 1, 1)), (clip.name, strip, handle)
            if kind == "music":  # its section names along the top keep clear of the handles too
                bands = paint.section_bands(xm, rect, view.grid.sections,
                                            paint.between_fade_handles(xm, rect, clip))
                assert bands and bands[0][2]  # the first section's name is shown
                for _, box, _ in bands:
                    for handle in paint.fade_handle_rects(xm, rect, clip):
                        assert not box.intersects(handle.adjusted(-1, -1, 1, 1))
            # and the handles are still grabbed where they are drawn
            fade_in, fade_out = paint.fade_handle_rects(xm, rect, clip)
            assert view.hit(fade_in.center())[1:] == (clip, "fade_in")
            assert view.hit(fade_out.center())[1:] == (clip, "fade_out")
            checked += 1
    assert checked >= 5


def test_a_track_added_below_the_view_is_scrolled_into_it(qtbot, window, project_folder):
    view = _open(qtbot, window, project_folder)
    assert view.v_offset == 0
    window.undo.do(AddTrack(TrackKind.AUDIO, "Sound 4"))
    lane = view.lanes[-1]
    assert lane.track.name == "Sound 4" and view.v_offset == view.v_max() > 0
    assert paint.RULER_H <= lane.y and lane.y + lane.h <= view.viewport().height()
    assert _headers_beside_lanes(window.timeline_panel, view)
    assert window.timeline_panel._rows[-1].track is lane.track
