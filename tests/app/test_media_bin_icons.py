"""The bin's items all carry an icon of one size, so their texts line up: a sound (the composed
music) gets bars in the music lane's colour, a photo its thumbnail once made."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from promodesk.app import theme
from promodesk.app.media_bin import THUMB


def _rgb(icon) -> np.ndarray:
    image = icon.pixmap(THUMB).toImage().convertToFormat(icon.pixmap(THUMB).toImage().Format.Format_RGB888)
    a = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return a[:, : image.width() * 3].reshape(image.height(), image.width(), 3).astype(int)


def test_every_bin_item_has_an_icon_and_a_sound_shows_bars(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    bin_ = window.media_bin
    kinds = {a.id: a.kind for a in window.project.assets.values()}
    assert {"audio", "image"} <= set(kinds.values())
    qtbot.waitUntil(lambda: all(a in bin_._thumbs for a, k in kinds.items() if k != "audio"),
                    timeout=30_000)
    music = np.array(theme.qcolor(theme.CLIP_COLORS["music"][1]).getRgb()[:3])
    for i in range(bin_.list.count()):
        item = bin_.list.item(i)
        icon = item.icon()
        assert not icon.isNull(), item.text()
        share = float((np.abs(_rgb(icon) - music).sum(axis=2) < 20).mean())
        if kinds[item.data(Qt.UserRole)] == "audio":
            assert share > 0.1, share  # the bars
        else:
            assert share < 0.1, share  # the photo, not a placeholder
