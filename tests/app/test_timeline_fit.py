"""A short timeline (1366x768) with six tracks: the lanes shrink to the view's height so every
track, the last one too, stays in sight and clickable with no scrolling (down to each kind's
minimum height; past that the lanes scroll: test_timeline_scroll.py); the headers follow the
lanes."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from promodesk.app import timeline_paint as paint
from promodesk.app.main_window import TIMELINE_MIN_H
from promodesk.core.projectfile import load_project, save_project
from promodesk.core.timeline import TrackKind


def test_every_lane_fits_a_1366x768_timeline_and_the_last_takes_a_click(qtbot, window, project_folder):
    project = load_project(project_folder)
    for kind, name in ((TrackKind.VIDEO, "Logo"), (TrackKind.AUDIO, "Clip sound"),
                       (TrackKind.VOICE, "Voice")):
        project.add_track(kind, name)
    save_project(project, project_folder)
    assert window.open_project(project_folder)
    window.resize(1366, 768)
    view = window.timeline
    qtbot.waitUntil(lambda: window.timeline_panel.height() >= TIMELINE_MIN_H, timeout=5000)
    natural = sum(paint.LANE_HEIGHTS.get(t.kind.value, paint.LANE_HEIGHT_OTHER) + paint.LANE_GAP
                  for t in view.project.tracks)
    assert paint.RULER_H + natural > view.viewport().height()  # they would not fit as drawn before
    qtbot.waitUntil(lambda: view.lanes[-1].y + view.lanes[-1].h <= view.viewport().height(), timeout=5000)
    assert len(view.lanes) == 6
    for lane in view.lanes:
        assert lane.h >= paint.LANE_MIN_HEIGHTS.get(lane.track.kind.value, paint.LANE_MIN_OTHER)
    # each header sits beside its lane, as high as it, its name and mute button in view
    panel = window.timeline_panel

    def beside() -> bool:
        rows = panel._rows
        return len(rows) == len(view.lanes) and all(
            row.height() == int(lane.h) and abs(row.mapTo(panel, QPoint(0, 0)).y()
                                                - view.viewport().mapTo(panel, QPoint(0, int(lane.y))).y()) <= 1
            for row, lane in zip(rows, view.lanes))
    qtbot.waitUntil(beside, timeout=5000)
    for row in panel._rows:
        assert row.mute.isVisible() and row.mute.geometry().bottom() < row.height()
        if row.gain is not None:  # a sound track's gain box, whole, under the name
            assert row.gain.isVisible() and row.gain.geometry().top() > row.mute.geometry().bottom()
            assert row.gain.geometry().bottom() < row.height()
            assert row.gain.height() >= 20
    assert any(row.gain is not None for row in panel._rows if row.track.kind == TrackKind.MUSIC)
    # a real click on the bottom lane's first caption picks it
    captions = next(lane for lane in view.lanes if lane.track.kind == TrackKind.CAPTIONS)
    cue = captions.track.clips[0]
    x = int(view.x_of(cue.start + cue.duration // 2))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=QPoint(x, int(captions.y + captions.h / 2)))
    qtbot.waitUntil(lambda: view.selected == cue.id, timeout=3000)

    short = sum(lane.h for lane in view.lanes)
    window.resize(1600, 1000)  # more room: the lanes grow back towards their own heights
    qtbot.waitUntil(lambda: sum(lane.h for lane in view.lanes) > short, timeout=5000)
    assert view.lanes[-1].y + view.lanes[-1].h <= view.viewport().height()
