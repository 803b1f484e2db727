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


def _pixels(widget, rect=None) -> np.ndarray:
    """``widget`` (or ``rect`` of it) as drawn: an RGB uint8 array."""
    image = widget.grab(rect).toImage() if rect is not None else widget.grab().toImage()
    image = image.convertToFormat(image.Format.Format_RGB888)
    a = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return a[:, : image.width() * 3].reshape(image.height(), image.width(), 3)


def test_add_language_dialog_shows_its_tick_boxes_and_a_greyed_add(qtbot, window, project_folder):
    """Unticked languages show a box to tick (it was dark on dark), and Add, the dialog's blue
    button, turns grey while nothing is ticked (its colour outranked the disabled one); a real
    click on a box ticks it and Add turns blue."""
    from promodesk.app.theme import ACCENT, BASE, qcolor

    app = QApplication.instance()
    style, palette = app.styleSheet(), app.palette()
    apply_theme(app)
    try:
        assert window.open_project(project_folder)
        window.versions.add_language.trigger()
        from promodesk.app.versions_dialog import VersionsDialog

        qtbot.waitUntil(lambda: any(d.isVisible() for d in window.findChildren(VersionsDialog)),
                        timeout=3000)
        dialog = next(d for d in window.findChildren(VersionsDialog) if d.isVisible())
        qtbot.waitExposed(dialog)
        accent = np.array(qcolor(ACCENT).getRgb()[:3])
        base = np.array(qcolor(BASE).getRgb()[:3])

        def accent_share(widget) -> float:
            return float((np.abs(_pixels(widget).astype(int) - accent).sum(axis=2) < 30).mean())

        assert not dialog.add_button.isEnabled()
        assert accent_share(dialog.add_button) < 0.05  # grey, not the enabled blue
        lst = dialog.languages
        item = lst.item(0)
        row = lst.visualItemRect(item)
        box = row.adjusted(0, 0, -(row.width() - row.height() - 6), 0)  # the row's left end
        px = _pixels(lst.viewport(), box).astype(int)
        outline = (np.abs(px - base).sum(axis=2) > 120).sum()
        assert outline >= 20, outline  # the unticked box's border shows against the list
        qtbot.mouseClick(lst.viewport(), Qt.LeftButton, pos=box.center())
        qtbot.waitUntil(lambda: item.checkState() == Qt.Checked, timeout=2000)
        if dialog.add_button.isEnabled():  # a model may be missing here: then Add stays grey
            assert accent_share(dialog.add_button) > 0.3
        dialog.reject()
    finally:
        app.setStyleSheet(style)
        app.setPalette(palette)
