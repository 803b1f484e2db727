"""The caption style panel with real clicks and keys: a colour and a size typed and applied to all
captions are one undo step and are drawn in the frames (the export's renderer); undo restores the
old pixels; the export draws the style too; a typed in-time moves the caption; a user font file is copied in and used."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt

from promodesk.core.captionstyle import caption_style
from promodesk.core.timeline import TrackKind
from promodesk.core.timeline import frame_at
from promodesk.render.export import export_video
from promodesk.render.frame import FrameRenderer
from tests.render.media import decode

from tests.app.test_timeline_edit import _clip_rect

SIZE = (270, 480)


def _select(qtbot, window, clip) -> None:
    view = window.timeline
    rect = _clip_rect(view, clip.id)
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, Qt.NoModifier,
                     QPoint(int(rect.center().x()), int(rect.center().y())))
    assert view.selected == clip.id


def _type(qtbot, line_edit, text: str) -> None:
    qtbot.mouseClick(line_edit, Qt.LeftButton)
    line_edit.selectAll()
    qtbot.keyClicks(line_edit, text)
    qtbot.keyClick(line_edit, Qt.Key_Return)


def _open_on(qtbot, window, project_folder, index: int):
    """Open the project, click its caption number ``index`` on the timeline and show the
    Captions tab: (the captions, the panel)."""
    assert window.open_project(project_folder)
    captions = window.project.tracks_of(TrackKind.CAPTIONS)[0].clips
    _select(qtbot, window, captions[index])
    window.captions_dock.raise_()
    return captions, window.caption_panel


def _red(frame) -> int:
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return int(((r > 200) & (g < 60) & (b < 60)).sum())


def test_colour_and_size_applied_to_all_are_drawn_and_undone(qtbot, window, project_folder):
    captions, panel = _open_on(qtbot, window, project_folder, 0)
    assert panel.heading.text().startswith("1 caption selected of 2")
    times = [c.start + 500_000 for c in captions]
    before = [FrameRenderer(window.project, window.folder, SIZE).frame(t) for t in times]
    assert all(_red(f) == 0 for f in before)

    _type(qtbot, panel.colour.text, "#ff0000")
    _type(qtbot, panel.size.lineEdit(), "9")
    assert panel.changes() == {"colour": "#FF0000", "size": 0.09}
    qtbot.mouseClick(panel.apply_all, Qt.LeftButton)

    assert window.undo.count() == 1
    styles = [caption_style(c.cue) for c in captions]
    assert [(s.colour, s.size) for s in styles] == [("#FF0000", 0.09)] * 2
    renderer = FrameRenderer(window.project, window.folder, SIZE)
    after = [renderer.frame(t) for t in times]
    assert all(_red(f) > 100 for f in after)
    (cap, _), = renderer.captions_at(times[1])
    assert cap.layout.size == round(0.09 * SIZE[0])
    # and in the exported video: the frame half a second into the second caption
    out = window.folder.parent / "styled.mp4"
    export_video(window.project, window.folder, out, SIZE, span=(0, times[1] + 100_000),
                 loudness=None)
    frames = decode(out, SIZE)
    exported = frames[frame_at(times[1], window.project.fps)]
    r, g, b = (exported[..., i].astype(int) for i in range(3))
    assert ((r > 150) & (g < 90) & (b < 90)).sum() > 50

    qtbot.keyClick(window.timeline, Qt.Key_Z, Qt.ControlModifier)
    assert all(c.cue.look is None for c in captions)
    undone = [FrameRenderer(window.project, window.folder, SIZE).frame(t) for t in times]
    assert all(np.array_equal(a, b) for a, b in zip(undone, before))


def test_a_typed_in_time_moves_the_caption_and_undo_puts_it_back(qtbot, window, project_folder):
    captions, panel = _open_on(qtbot, window, project_folder, 1)
    clip = captions[1]  # 3.0 .. 5.0 s
    assert panel.in_time.value() == 3.0 and panel.out_time.value() == 5.0
    _type(qtbot, panel.in_time.lineEdit(), "3.5")
    assert (clip.start, clip.end) == (3_500_000, 5_500_000)
    assert panel.out_time.value() == 5.5
    _type(qtbot, panel.out_time.lineEdit(), "6.25")
    assert (clip.start, clip.end) == (3_500_000, 6_250_000)
    assert window.undo.count() == 2
    qtbot.keyClick(window.timeline, Qt.Key_Z, Qt.ControlModifier)
    qtbot.keyClick(window.timeline, Qt.Key_Z, Qt.ControlModifier)
    assert (clip.start, clip.end) == (3_000_000, 5_000_000)
    assert panel.in_time.value() == 3.0


def test_a_user_font_file_is_copied_in_and_draws_the_caption(qtbot, window, project_folder):
    from promodesk.engines.visuals.typeset import FONT_DIR

    assert window.open_project(project_folder)
    captions = window.project.tracks_of(TrackKind.CAPTIONS)[0].clips
    clip = captions[1]  # "Order now": drawn by DejaVu instead of Noto when the font is set
    _select(qtbot, window, clip)
    panel = window.caption_panel
    t = clip.start + 500_000
    plain = FrameRenderer(window.project, window.folder, SIZE).frame(t)
    asset_id = panel.add_font_file(FONT_DIR / "DejaVuSans-Bold.ttf")
    assert asset_id in window.project.assets and (window.folder / "assets" / asset_id).is_file()
    assert caption_style(clip.cue).font == asset_id and caption_style(captions[0].cue).font == ""
    assert panel.font.currentData() == asset_id
    styled = FrameRenderer(window.project, window.folder, SIZE).frame(t)
    assert not np.array_equal(plain, styled)
    qtbot.keyClick(window.timeline, Qt.Key_Z, Qt.ControlModifier)  # the style and the asset
    assert asset_id not in window.project.assets and clip.cue.look is None


def test_an_edit_elsewhere_keeps_the_panels_unapplied_changes(qtbot, window, project_folder):
    from promodesk.core.edits import MoveClip

    captions, panel = _open_on(qtbot, window, project_folder, 0)
    _type(qtbot, panel.colour.text, "#00ff00")
    shot = window.project.tracks[0].clips[3]
    assert window.do(MoveClip(shot.id, shot.start + 100_000))  # another clip changes
    assert panel.changes() == {"colour": "#00FF00"}
    qtbot.mouseClick(panel.apply_selected, Qt.LeftButton)
    assert caption_style(captions[0].cue).colour == "#00FF00"
    assert captions[1].cue.look is None
    assert panel.changes() != {"colour": "#00FF00"}  # applied: the panel shows the caption again


def _in_view(area, widget) -> bool:
    """Whether ``widget`` lies whole, left to right, inside scroll area ``area``'s viewport."""
    left = widget.mapTo(area.viewport(), widget.rect().topLeft()).x()
    right = widget.mapTo(area.viewport(), widget.rect().topRight()).x()
    return 0 <= left and right < area.viewport().width()


def test_the_font_box_shows_its_whole_name_at_1366x768(qtbot, window, project_folder, tmp_path):
    """At 1366x768 (the caption dock 290 px wide) the font box shows "Default (Noto Sans)" and
    each bundled family whole (it read "Default (N" beside its button); a font file's long name
    is elided in the middle and whole in the tooltip; nothing is cut on the right."""
    import shutil

    from PySide6.QtWidgets import QScrollArea

    from promodesk.core.captionstyle import BUNDLED_FONTS
    from promodesk.engines.visuals.typeset import FONT_DIR

    window.resize(1366, 768)
    assert window.open_project(project_folder)
    captions = window.project.tracks_of(TrackKind.CAPTIONS)[0].clips
    window.captions_dock.raise_()
    _select(qtbot, window, captions[1])
    panel = window.caption_panel
    qtbot.waitUntil(lambda: panel.font.isVisible() and window.captions_dock.width() < 300,
                    timeout=5000)
    area = panel.findChild(QScrollArea)
    assert area.widget().width() <= area.viewport().width()
    assert _in_view(area, panel.font) and _in_view(area, panel.add_font)
    assert panel.font.shown_text() == "Default (Noto Sans)" == panel.font.toolTip()
    fm = panel.font.fontMetrics()
    assert panel.add_font.width() >= fm.horizontalAdvance(panel.add_font.text())
    panel.font.setFocus()
    for family in BUNDLED_FONTS:  # chosen with the keyboard, as a user steps through them
        qtbot.keyClick(panel.font, Qt.Key_Down)
        assert panel.font.currentText() == family and panel.font.shown_text() == family
    long_name = "Northwind Corporate Display Typeface Condensed Bold"
    font_file = tmp_path / f"{long_name}.ttf"
    shutil.copy(FONT_DIR / "DejaVuSans-Bold.ttf", font_file)
    asset_id = panel.add_font_file(font_file)
    assert panel.font.currentData() == asset_id and panel.font.currentText() == long_name
    shown = panel.font.shown_text()
    assert "…" in shown and shown.startswith("Northwind") and shown.endswith("Bold")
    assert panel.font.toolTip() == long_name
    assert _in_view(area, panel.font) and area.widget().width() <= area.viewport().width()
    # another file of that name (another font): told apart by a number, the hash in the tooltip
    (tmp_path / "other").mkdir()
    other = tmp_path / "other" / font_file.name
    shutil.copy(FONT_DIR / "DejaVuSans.ttf", other)
    other_id = panel.add_font_file(other)
    assert other_id != asset_id and panel.font.currentText() == f"{long_name} (2)"
    i = panel.font.currentIndex()
    assert other_id in panel.font.itemData(i, Qt.ToolTipRole) and other_id not in panel.font.currentText()
