"""The dark theme greys out a control that cannot be used: the Regenerate with… dialog's video
settings, disabled while Motion is chosen, are drawn dimmer than when the video engine is."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from promodesk.app.theme import apply_theme


def _text_brightness(widget) -> float:
    """The brightest 1% of ``widget``'s pixels (its text: the field is dark), 0..255."""
    image = widget.grab().toImage().convertToFormat(widget.grab().toImage().Format.Format_RGB888)
    a = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    grey = a[:, : image.width() * 3].reshape(image.height(), image.width(), 3).mean(axis=2)
    return float(np.percentile(grey, 99))


def test_disabled_fields_are_drawn_dimmer_in_the_regenerate_dialog(qtbot, window, project_folder):
    from promodesk.app.regenerate_dialog import RegenerateDialog
    from promodesk.core.timeline import TrackKind

    app = QApplication.instance()
    style, palette = app.styleSheet(), app.palette()
    apply_theme(app)
    try:
        assert window.open_project(project_folder)
        shot = window.project.tracks_of(TrackKind.VIDEO)[0].clips[0]
        dialog = RegenerateDialog(window.project, shot.id, window)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert dialog.engine.currentIndex() == 0 and not dialog.model.isEnabled()  # Motion
        off = {w: _text_brightness(w) for w in (dialog.model, dialog.preset, dialog.strength)}
        dialog.engine.setFocus()
        qtbot.keyClick(dialog.engine, Qt.Key_Down)  # the video engine, chosen with the keyboard
        qtbot.waitUntil(lambda: dialog.model.isEnabled(), timeout=3000)
        for w, dim in off.items():
            on = _text_brightness(w)
            assert on - dim > 60, (w, on, dim)
        dialog.reject()
    finally:
        app.setStyleSheet(style)
        app.setPalette(palette)
