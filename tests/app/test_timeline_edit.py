"""Editing on the timeline with real mouse events: drag with snapping, one undo step, trims,
split, delete, and the lanes drawing thumbnails and waveforms."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from tests.app.conftest import wait_jobs


def _drag(qtbot, view, start: QPoint, end: QPoint, modifier=Qt.NoModifier, steps: int = 8):
    vp = view.viewport()
    qtbot.mousePress(vp, Qt.LeftButton, modifier, start)
    for i in range(1, steps + 1):
        p = start + (end - start) * i / steps
        qtbot.wait(12)  # pyqtgraph drops mouse moves closer than 10 ms apart
        if modifier == Qt.NoModifier:
            qtbot.mouseMove(vp, QPoint(int(p.x()), int(p.y())))
        else:  # QTest's mouseMove carries no modifiers: send the move a user holding one makes
            local = QPointF(int(p.x()), int(p.y()))
            QApplication.sendEvent(vp, QMouseEvent(QEvent.MouseMove, local, vp.mapToGlobal(local),
                                                   Qt.NoButton, Qt.LeftButton, modifier))
    qtbot.wait(12)
    qtbot.mouseRelease(vp, Qt.LeftButton, modifier, end)


def _clip_rect(view, clip_id: str) -> QRectF:
    """Where a clip is drawn, in viewport pixels: where to aim the mouse."""
    track, clip = view.project.find_clip(clip_id)
    lane = view.lane_of(track.id)
    return QRectF(view.x_of(clip.start), lane.y, view.x_of(clip.end) - view.x_of(clip.start), lane.h)


def _beat_between(view, lo: int, hi: int) -> int:
    beats = [b for b in view.beats if lo <= b <= hi and b not in view.bars]
    assert beats, f"the fixture music has no beat between {lo} and {hi} us"
    return beats[0]


def _open(window, project_folder):
    assert window.open_project(project_folder)
    return window.timeline


def test_drag_snaps_to_a_beat_and_one_undo_restores(qtbot, window, project_folder):
    view = _open(window, project_folder)
    clip = window.project.tracks[0].clips[1]  # 2.5 .. 4.0 s; free from 1.5 to 5.0 s
    assert clip.start == 2_500_000
    beat = _beat_between(view, 2_900_000, 3_400_000)  # a beat that is not a clip edge
    rect = _clip_rect(view, clip.id)
    grab = QPoint(int(rect.center().x()), int(rect.center().y()))
    # aim 40 ms past the beat: inside the 10 px snapping reach at this zoom
    assert view.xmap().scale * 40_000 < 10
    dx = view.x_of(beat + 40_000) - view.x_of(clip.start)
    _drag(qtbot, view, grab, grab + QPoint(round(dx), 0))
    assert clip.start == beat
    assert view.snap_shown is None  # the indicator goes when the drag ends
    assert window.undo.count() == 1  # the whole drag is one step
    window.undo.undo()
    assert clip.start == 2_500_000
    assert window.undo.count() == 1 and window.undo.index() == 0


def test_drag_with_shift_does_not_snap(qtbot, window, project_folder):
    view = _open(window, project_folder)
    clip = window.project.tracks[0].clips[1]
    rect = _clip_rect(view, clip.id)
    grab = QPoint(int(rect.center().x()), int(rect.center().y()))
    target = _beat_between(view, 2_900_000, 3_400_000) - 40_000
    dx = view.x_of(target) - view.x_of(clip.start)
    _drag(qtbot, view, grab, grab + QPoint(round(dx), 0), modifier=Qt.ShiftModifier)
    assert clip.start not in view.beats
    assert abs(clip.start - target) <= 1 / view.xmap().scale + 1  # within a pixel of the mouse


def test_trim_end_by_dragging_the_edge(qtbot, window, project_folder):
    view = _open(window, project_folder)
    clip = window.project.tracks[0].clips[0]  # 0 .. 1.5 s
    rect = _clip_rect(view, clip.id)
    grab = QPoint(int(rect.right()) - 2, int(rect.center().y()))
    beat = _beat_between(view, 600_000, 1_450_000)
    dx = view.x_of(beat + 20_000) - view.x_of(clip.end)
    _drag(qtbot, view, grab, grab + QPoint(round(dx), 0))
    assert clip.end == beat
    window.undo.undo()
    assert clip.duration == 1_500_000


def test_split_delete_ripple_and_keys(qtbot, window, project_folder):
    view = _open(window, project_folder)
    video = window.project.tracks[0]
    first = video.clips[0]
    view.select_clip(first.id)
    view.set_playhead(500_000)
    qtbot.keyClick(view, Qt.Key_S)
    assert [c.duration for c in video.clips[:2]] == [500_000, 1_000_000]
    view.select_clip(video.clips[1].id)
    qtbot.keyClick(view, Qt.Key_Delete, Qt.ShiftModifier)  # ripple: later clips move left 1 s
    assert [c.start for c in video.clips] == [0, 1_500_000, 4_000_000, 6_500_000]
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)
    assert [c.start for c in video.clips] == [0, 500_000, 2_500_000, 5_000_000, 7_500_000]
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert len(video.clips) == 4
    before = view.xmap().scale
    qtbot.keyClick(view, Qt.Key_Equal, Qt.ControlModifier)
    assert view.xmap().scale > before * 1.5


def test_lanes_show_waveform_and_thumbnails(qtbot, window, project_folder):
    view = _open(window, project_folder)
    view.grab()  # painting asks for the waveform and thumbnails: jobs build them
    music = window.project.tracks[1].clips[0]
    shot = window.project.tracks[0].clips[0]
    qtbot.waitUntil(lambda: window.media.peaks(music.asset) is not None
                    and bool(window.media.thumbnails(window.project, shot)), timeout=60_000)
    wait_jobs(qtbot, window)
    thumbs = window.media.thumbnails(window.project, shot)
    assert len(thumbs) == 6 and thumbs[0].height() == 72
    image = view.grab().toImage()
    # the thumbnail strip shows the photo: not just the flat clip colour
    rect = _clip_rect(view, shot.id)
    colours = {image.pixelColor(int(rect.left()) + dx, int(rect.center().y())).name()
               for dx in range(4, int(rect.width()) - 4, 3)}
    assert len(colours) > 8
    # the waveform draws bright columns on the music lane where the beats are
    mrect = _clip_rect(view, music.id)
    x = int(view.x_of(0)) + 2
    column = [image.pixelColor(x, y).lightness() for y in range(int(mrect.top()) + 20, int(mrect.bottom()) - 4)]
    assert max(column) > 120


def test_dragging_across_the_bars_row_picks_a_bar_range(qtbot, window, project_folder):
    view = _open(window, project_folder)
    bars = view.bars
    assert len(bars) >= 3
    y = 44 - 8  # the bars row: the lower half of the ruler
    a = QPoint(int(view.x_of(bars[0] + 200_000)), y)
    b = QPoint(int(view.x_of(bars[1] + 200_000)), y)
    _drag(qtbot, view, a, b)
    assert view.bar_range == (1, 2)
    assert (window.inspector.bar_from.value(), window.inspector.bar_to.value()) == (1, 2)
    assert view.bar_span_us() == (bars[0], bars[2])
    assert window.undo.count() == 0  # choosing bars is not an edit


def test_markers_are_drawn_and_clips_snap_to_them(qtbot, window, project_folder):
    from promodesk.core.timeline import Marker

    view = _open(window, project_folder)
    window.project.markers.append(Marker(2_870_000, "logo"))  # off every beat
    view.refresh()
    image = view.grab().toImage()
    x = int(view.x_of(2_870_000))
    assert image.pixelColor(x + 2, 44 // 2 - 6).name() == "#ffd24c"  # the marker's flag
    clip = window.project.tracks[0].clips[1]
    rect = _clip_rect(view, clip.id)
    grab = QPoint(int(rect.center().x()), int(rect.center().y()))
    dx = view.x_of(2_870_000 + 30_000) - view.x_of(clip.start)
    _drag(qtbot, view, grab, grab + QPoint(round(dx), 0))
    assert clip.start == 2_870_000


def test_a_new_music_take_and_its_asset_are_one_undo_step(qtbot, window, project_folder):
    view = _open(window, project_folder)
    music = window.project.tracks[1].clips[0]
    old_asset = music.asset
    rect = _clip_rect(view, music.id)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(int(rect.center().x()), int(rect.center().y())))
    assert view.selected == music.id
    bars = view.bars
    y = 44 - 8  # the bars row of the ruler
    _drag(qtbot, view, QPoint(int(view.x_of(bars[1] + 200_000)), y),
          QPoint(int(view.x_of(bars[1] + 400_000)), y))
    assert view.bar_range == (2, 2)
    qtbot.keyClick(view, Qt.Key_R)
    qtbot.waitUntil(lambda: len(music.takes) == 2, timeout=120_000)
    new_asset = music.asset
    assert new_asset != old_asset and new_asset in window.project.assets
    assert window.inspector.takes.count() == 2
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier)  # the take and its asset go together
    assert music.asset == old_asset and new_asset not in window.project.assets
    assert window.inspector.takes.count() == 1
    qtbot.keyClick(view, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert music.asset == new_asset and new_asset in window.project.assets
    wait_jobs(qtbot, window)


def test_views_follow_a_change_made_on_the_document_alone(qtbot, window, project_folder):
    from promodesk.core.document import History
    from promodesk.core.edits import MoveClip
    from promodesk.core.track_edits import SetTrackMute

    view = _open(window, project_folder)
    shot = window.project.tracks[0].clips[1]  # 2.5 .. 4.0 s
    rect = _clip_rect(view, shot.id)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(int(rect.center().x()), int(rect.center().y())))
    assert window.inspector.info.text().startswith("starts 2.50 s")
    header = window.timeline_panel._rows[1]
    assert header.track.kind.value == "music" and not header.mute.isChecked()
    lane_y = int(rect.center().y())
    x_new = int(view.x_of(4_600_000))
    background = view.grab().toImage().pixelColor(x_new, lane_y).name()
    # a script's Qt-free history on the window's document: no window method is called
    history = History(window.document)
    history.push(MoveClip(shot.id, 3_400_000))  # now 3.4 .. 4.9 s
    history.push(SetTrackMute(window.project.tracks[1].id, True))
    assert window.inspector.info.text().startswith("starts 3.40 s")
    assert header.mute.isChecked()
    assert view.grab().toImage().pixelColor(x_new, lane_y).name() != background
    history.undo()
    history.undo()
    assert window.inspector.info.text().startswith("starts 2.50 s") and not header.mute.isChecked()
    assert view.grab().toImage().pixelColor(x_new, lane_y).name() == background
    window.document.set_folder(project_folder.parent / "copy.promodesk")
    assert "copy.promodesk" in window.windowTitle()


def test_gain_steps_of_one_spin_box_session_are_one_undo_step(qtbot, window, project_folder):
    _open(window, project_folder)
    header = window.timeline_panel._rows[1]
    music = window.project.tracks[1]
    assert header.track is music and header.gain is not None
    qtbot.mouseClick(header.gain.lineEdit(), Qt.LeftButton)
    for _ in range(3):
        qtbot.keyClick(header.gain, Qt.Key_Up)
    assert music.gain_db == 3.0 and window.undo.count() == 1
    qtbot.keyClick(header.gain, Qt.Key_Return)  # the session ends: the next step is a new one
    qtbot.keyClick(header.gain, Qt.Key_Up)
    assert music.gain_db == 4.0 and window.undo.count() == 2
    window.undo.undo()
    assert music.gain_db == 3.0 and header.gain.value() == 3.0
    window.undo.undo()
    assert music.gain_db == 0.0 and header.gain.value() == 0.0
