"""Playback without a sound card (silent, on the wall clock, and the status bar says why), the
preview showing real rendered frames, photos dropped on the video track, and a long painting
session that keeps the interpreter healthy."""

from __future__ import annotations

import sys

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from tests.app.conftest import PHOTO, wait_jobs


def test_space_plays_silently_without_an_output_device(qtbot, window, project_folder, monkeypatch):
    import sounddevice

    monkeypatch.setattr(sounddevice, "query_devices", lambda *a, **k: {})  # a machine with no output
    assert window.open_project(project_folder)
    qtbot.keyClick(window.timeline, Qt.Key_Space)
    qtbot.waitUntil(lambda: window.timeline.playhead > 300_000, timeout=5000)
    assert window.transport.playback.playing
    qtbot.waitUntil(lambda: "silent" in window.audio_label.text(), timeout=30_000)
    qtbot.keyClick(window.timeline, Qt.Key_Space)
    stopped = window.timeline.playhead
    qtbot.wait(100)
    assert not window.transport.playback.playing and window.timeline.playhead == stopped
    qtbot.keyClick(window.timeline, Qt.Key_Home)
    assert window.timeline.playhead == 0
    qtbot.keyClick(window.timeline, Qt.Key_Right)
    assert window.timeline.playhead == 33_334  # one frame at 30 fps
    wait_jobs(qtbot, window)


def test_preview_shows_the_rendered_frame(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    window.timeline.set_playhead(700_000)
    qtbot.waitUntil(lambda: window.preview.view.image is not None, timeout=60_000)
    image = window.preview.view.image
    assert (image.width(), image.height()) == (270, 480)
    colours = {image.pixelColor(x, y).name() for x in range(0, 270, 9) for y in range(0, 480, 16)}
    assert len(colours) > 50  # the photo shot, not a flat placeholder


def test_photo_dropped_on_the_video_track_becomes_a_shot(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    view = window.timeline
    video = window.project.tracks[0]
    lane = view.lane_of(video.id)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(PHOTO))])
    pos = QPointF(view.x_of(4_100_000), lane.y + lane.h / 2)
    vp = view.viewport()  # the events a file manager's drag makes: enter, move, drop
    assert QApplication.sendEvent(vp, QDragEnterEvent(pos.toPoint(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    over_music = QPoint(int(pos.x()), int(view.lane_of(window.project.tracks[1].id).y + 10))
    move = QDragMoveEvent(over_music, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    QApplication.sendEvent(vp, move)
    assert not move.isAccepted()  # photos go on the video track only
    QApplication.sendEvent(vp, QDragMoveEvent(pos.toPoint(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    assert QApplication.sendEvent(vp, QDropEvent(pos, Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    qtbot.waitUntil(lambda: len(video.clips) == 5, timeout=30_000)
    new = next(c for c in video.clips if c.name == "photo")
    assert new.start in view.bars or new.start == video.clips[-2].end  # on a bar, or after the end
    assert new.recipe.engine == "shots" and new.asset in window.project.assets
    window.undo.undo()
    assert len(video.clips) == 4
    wait_jobs(qtbot, window)


def test_long_editing_session_keeps_none_alive(qtbot, window, project_folder):
    # PySide6 6.12.0 dropped a reference to None on every void call under Python 3.11; the
    # editor would abort after a few thousand paints. Painting must leave None's count alone.
    assert window.open_project(project_folder)
    view = window.timeline
    view.grab()
    before = sys.getrefcount(None)
    for _ in range(30):
        view.viewport().repaint()
    assert sys.getrefcount(None) >= before - 50
