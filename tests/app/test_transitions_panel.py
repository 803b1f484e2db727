"""The transitions panel: a transition dropped on a cut of the timeline (a real drop event) is in
the exported frames; Apply to all cuts sets every cut in one undo step."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from promodesk.app.transitions_panel import MIME
from promodesk.core.timeline import Clip
from promodesk.core.transitions import cuts, transition_of
from promodesk.render.frame import FrameRenderer


def _end_to_end(window) -> list[Clip]:
    """Close the gaps between the shots, so each meets the next at a cut."""
    shots = window.project.tracks[0].clips
    for prev, clip in zip(shots, shots[1:]):
        clip.start = prev.end
    window.document.replace(window.project, window.folder)
    return window.project.tracks[0].clips


def _drop(view, kind: str, us: int, y: float) -> None:
    mime = QMimeData()
    mime.setData(MIME, kind.encode())
    pos = QPointF(view.x_of(us) + 3, y)
    for event_type in (QDropEvent.Type.DragEnter, QDropEvent.Type.DragMove, QDropEvent.Type.Drop):
        from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent

        cls = {QDropEvent.Type.DragEnter: QDragEnterEvent, QDropEvent.Type.DragMove: QDragMoveEvent,
               QDropEvent.Type.Drop: QDropEvent}[event_type]
        QApplication.sendEvent(view.viewport(), cls(pos.toPoint() if cls is not QDropEvent else pos,
                                                    Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))


def test_a_dropped_crossfade_is_in_the_frames_and_all_cuts_take_one(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    shots = _end_to_end(window)
    assert [c.id for c in cuts(window.project)] == [c.id for c in shots[1:]]
    panel = window.transitions_panel
    window.transitions_dock.raise_()  # its tab clicked: the live thumbnails are made
    qtbot.waitUntil(lambda: not panel.list.item(1).icon().isNull(), timeout=10_000)
    assert panel.list.count() == 4
    panel.length.setValue(0.8)
    view = window.timeline
    lane = view.lane_of(window.project.tracks[0].id)
    cut = shots[1]
    _drop(view, "crossfade", cut.start, lane.y + lane.h / 2)
    assert transition_of(cut) == ("crossfade", 800_000)
    assert window.undo.count() == 1

    renderer = FrameRenderer(window.project, window.folder, (180, 320))
    at_cut = renderer.frame(cut.start).astype(int)
    before = renderer.frame(cut.start - 500_000).astype(int)  # outgoing shot alone
    after = renderer.frame(cut.start + 500_000).astype(int)   # incoming shot alone
    # the frame at the cut is a mix: unlike either side alone
    assert np.abs(at_cut - before).mean() > 3 and np.abs(at_cut - after).mean() > 3

    panel.list.setCurrentRow(3)  # zoom
    qtbot.mouseClick(panel.to_all, Qt.LeftButton)
    assert [transition_of(c)[0] for c in cuts(window.project)] == ["zoom"] * 3
    assert window.undo.count() == 2
    window.undo.undo()
    assert [transition_of(c)[0] for c in cuts(window.project)] == ["crossfade", "cut", "cut"]
