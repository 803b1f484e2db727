"""Previewing another aspect before export: the switch above the preview renders the frames the
export of that aspect would have, with safe-area guides drawn over them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from promodesk.app import theme
from promodesk.app.preview import TITLE_SAFE, preview_size, safe_rect


def _guide_pixels(view) -> int:
    """How many pixels on the title-safe frame's top edge have the guide colour."""
    image = view.grab().toImage()
    r = safe_rect(view.frame_rect, TITLE_SAFE)
    y = int(r.top())
    want = QColor(theme.SAFE_AREA)
    hits = 0
    for x in range(int(r.left()) + 2, int(r.right()) - 2):
        for dy in (-1, 0, 1):
            c = image.pixelColor(x, y + dy)
            if abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) < 90:
                hits += 1
                break
    return hits


def test_the_switch_previews_16_9_with_safe_areas(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    view = window.preview.view
    qtbot.waitUntil(lambda: view.image is not None, timeout=60_000)
    assert view.image.height() > view.image.width()  # the project's own 9:16
    assert window.preview.aspects.buttons["9:16"].isChecked()

    qtbot.mouseClick(window.preview.aspects.buttons["16:9"], Qt.LeftButton)
    qtbot.waitUntil(lambda: view.image is not None and view.image.width() > view.image.height(),
                    timeout=60_000)
    assert (view.image.width(), view.image.height()) == preview_size(window.project, aspect="16:9")
    assert window.frames.aspect == "16:9" and window.project.aspect == "9:16"  # a preview only
    wide = view.frame_rect
    assert abs(wide.width() / wide.height() - 16 / 9) < 0.02
    assert _guide_pixels(view) > 0.8 * safe_rect(wide, TITLE_SAFE).width()

    qtbot.mouseClick(window.preview.aspects.safe_areas, Qt.LeftButton)  # guides off
    assert _guide_pixels(view) < 0.2 * safe_rect(wide, TITLE_SAFE).width()

    qtbot.mouseClick(window.preview.aspects.buttons["9:16"], Qt.LeftButton)
    qtbot.waitUntil(lambda: view.image.height() > view.image.width(), timeout=60_000)
    assert window.frames.aspect is None
