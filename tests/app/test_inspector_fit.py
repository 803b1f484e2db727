"""The inspector at a laptop's 1366x768, with real clicks: a clip's sound shows its Sound box in
sight without scrolling, every field of it and of a music clip is on screen or scrolled to, and
its recipe names the clip it comes from by the clip's name (its id only in the tooltip)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QScrollArea

from promodesk.core.timeline import TrackKind
from promodesk.engines.visuals.media import import_media, sound_asset
from tests.render.clips import make_clip


def _click_clip(qtbot, window, clip) -> None:
    view = window.timeline
    track, _ = window.project.find_clip(clip.id)
    lane = view.lane_of(track.id)
    x = view.x_of(clip.start + clip.duration // 2)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=QPoint(int(x), int(lane.y + lane.h / 2)))
    qtbot.waitUntil(lambda: view.selected == clip.id, timeout=3000)


def _inside(area, widget) -> bool:
    """Whether ``widget`` lies whole inside the scroll area's viewport, as now scrolled."""
    top_left = widget.mapTo(area.viewport(), widget.rect().topLeft())
    bottom_right = widget.mapTo(area.viewport(), widget.rect().bottomRight())
    return (top_left.x() >= 0 and top_left.y() >= 0 and bottom_right.x() < area.viewport().width()
            and bottom_right.y() < area.viewport().height())


def _fields(inspector) -> list:
    """Every field the inspector shows now (the recipe's editors included)."""
    candidates = [inspector.duration, inspector.clip_gain, inspector.duck, inspector.takes,
                  inspector.regen_seed, inspector.regen_params, inspector.music_engine,
                  inspector.bar_from, inspector.bar_to, inspector.regen_bars,
                  *inspector._editors.values()]
    return [w for w in candidates if w.isVisibleTo(inspector)]


def _sound_of_clip(window, project_folder, tmp_path):
    asset = import_media(project_folder, make_clip(tmp_path / "beach walk.mp4", size=(320, 180),
                                                   seconds=1.0, tone_hz=440))
    window.project.assets[asset.id] = asset
    window.project.assets[asset.meta["sound"]] = sound_asset(project_folder, asset)
    main = window.project.tracks_of(TrackKind.VIDEO)[0]
    video = window.media_bin.place(asset.id, main.id, window.project.duration)
    window.timeline.fit()
    return video, window.project.tracks_of(TrackKind.AUDIO)[0].clips[0]


def test_a_clip_sounds_inspector_fits_at_1366x768(qtbot, window, project_folder, tmp_path):
    window.resize(1366, 768)
    assert window.open_project(project_folder)
    video, sound = _sound_of_clip(window, project_folder, tmp_path)
    _click_clip(qtbot, window, sound)
    inspector = window.inspector
    area = inspector.findChild(QScrollArea)
    qtbot.waitUntil(lambda: inspector.sound_box.isVisible() and window.inspector_dock.width() < 300,
                    timeout=5000)
    qtbot.wait(50)
    # the whole of it fits (a 96 px takes list below the Sound box pushed 80 px under the fold)
    assert area.verticalScrollBar().maximum() == 0, (area.widget().height(), area.viewport().height())
    for w in (inspector.duration, inspector.clip_gain, inspector.duck):
        assert _inside(area, w), w
    for w in _fields(inspector):  # every field: in sight, or brought there by scrolling
        area.ensureWidgetVisible(w)
        assert _inside(area, w), w
    named = inspector._editors["sound_of"]
    assert named.text() == video.name == "beach walk.mp4"
    assert video.id in named.toolTip() and video.id not in named.text()
    assert inspector.edited_params()["sound_of"] == video.id  # the recipe keeps the id


def test_every_field_of_a_music_clip_is_reachable_at_1366x768(qtbot, window, project_folder):
    window.resize(1366, 768)
    assert window.open_project(project_folder)
    music = window.project.tracks_of(TrackKind.MUSIC)[0].clips[0]
    window.timeline.fit()
    _click_clip(qtbot, window, music)
    inspector = window.inspector
    area = inspector.findChild(QScrollArea)
    qtbot.waitUntil(lambda: inspector.bars_box.isVisible() and window.inspector_dock.width() < 300,
                    timeout=5000)
    fields = _fields(inspector)
    assert len(fields) > 6 and inspector._editors  # with its recipe: more than fits, it scrolls
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0, timeout=3000)
    for w in fields:
        area.ensureWidgetVisible(w)
        assert _inside(area, w), (w, [k for k, v in inspector._editors.items() if v is w])
    engine = inspector.music_engine  # a long model title: whole, or elided in the middle
    shown, whole = engine.shown_text(), engine.currentText()
    assert shown == whole or ("…" in shown and shown[-4:] == whole[-4:]), shown
    assert engine.fontMetrics().horizontalAdvance(shown) < engine.width()
    caption = window.project.tracks_of(TrackKind.CAPTIONS)[0].clips[0]
    _click_clip(qtbot, window, caption)  # a recipe with nothing in it: no empty "Recipe" frame
    qtbot.waitUntil(lambda: inspector.caption_box.isVisible(), timeout=3000)
    assert not caption.recipe.params and not inspector.params_box.isVisible()
