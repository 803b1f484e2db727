"""The window at a laptop's 1366x768: the timeline keeps 300 px, nothing is forced wider or
taller than the screen, panels close and come back; File > Open takes a .promodesk folder like a
file; File > New starts clean."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit

from promodesk.app.main_window import TIMELINE_MIN_H
from promodesk.app.project_dialog import project_dialog


def test_1366x768_keeps_the_timeline_300_px_high(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.timeline_panel.height() >= TIMELINE_MIN_H, timeout=5000)
    assert window.preview.view.height() >= 150  # the preview gives way, but stays usable
    hint = window.minimumSizeHint()
    assert hint.width() <= 1366 and hint.height() <= 740, hint  # nothing pushed off-screen
    assert window.timeline.width() >= 600


def test_panels_close_and_come_back_from_the_view_menu(qtbot, window):
    dock = window.inspector_dock
    assert dock.features() & dock.DockWidgetFeature.DockWidgetClosable
    toggle = dock.toggleViewAction()
    toggle.trigger()
    qtbot.waitUntil(lambda: not dock.isVisible(), timeout=2000)
    toggle.trigger()
    qtbot.waitUntil(dock.isVisible, timeout=2000)


def test_open_takes_a_project_folder_like_a_file(qtbot, window, project_folder):
    dialog = project_dialog(window, project_folder.parent)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    name.setFocus()
    qtbot.keyClicks(name, project_folder.name)
    qtbot.keyClick(name, Qt.Key_Return)  # Qt would walk into the folder: it is chosen instead
    qtbot.waitUntil(lambda: dialog.project_folder is not None, timeout=5000)
    assert dialog.project_folder == project_folder and dialog.result() == QDialog.DialogCode.Accepted

    inside = project_dialog(window, project_folder)  # project.json picked inside it
    qtbot.addWidget(inside)
    inside.show()
    qtbot.waitExposed(inside)
    name = inside.findChild(QLineEdit, "fileNameEdit")
    qtbot.keyClicks(name, "project.json")
    qtbot.keyClick(name, Qt.Key_Return)
    qtbot.waitUntil(lambda: inside.project_folder is not None, timeout=5000)
    assert inside.project_folder == project_folder


def test_new_starts_clean(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    window.brief_panel.copy.setPlainText("Old copy")
    window.brief_panel.photos.add_photo(project_folder.parent.parent / "x.png")
    view = window.preview.view
    qtbot.waitUntil(lambda: view.image is not None, timeout=60_000)
    window.undo.setClean()
    qtbot.keyClick(window, Qt.Key_N, Qt.ControlModifier)
    assert window.folder is None and window.project.duration == 0
    assert window.brief_panel.copy.toPlainText() == "" and window.brief_panel.photos.count() == 0
    assert window.brief_panel.title.text() == "" and view.image is None
    QApplication.processEvents()


def test_the_playhead_moves_over_the_cached_lanes(qtbot, window, project_folder):
    """Moving the playhead keeps the timeline's cached picture and repaints only the playhead's
    own strip; an edit drops the picture."""
    assert window.open_project(project_folder)
    view = window.timeline
    view.viewport().repaint()
    picture = view.canvas.picture
    assert picture is not None
    before = view.viewport().grab().toImage()
    x0 = view.playhead_item.x()
    view.set_playhead(3_000_000)
    qtbot.waitUntil(lambda: view.playhead_item.x() == view.x_of(3_000_000), timeout=2000)
    view.viewport().repaint()
    assert view.canvas.picture is picture  # the lanes were not drawn again
    after = view.viewport().grab().toImage()
    changed = [x for x in range(after.width()) if before.pixel(x, 200) != after.pixel(x, 200)]
    assert changed and all(abs(x - x0) <= 8 or abs(x - view.x_of(3_000_000)) <= 8 for x in changed)
    window.mark_in_out(0)  # anything drawn in the lanes changing drops the picture
    assert view.canvas.picture is None
