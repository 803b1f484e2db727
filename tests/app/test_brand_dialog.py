"""Brand > Brand Kits...: choose a saved kit with real clicks, apply it (a job, then one undo
step), find its logo's pixels on a rendered frame clear of the shots' text, undo with Ctrl+Z,
save the project's logo and colours as a new kit; broken kits and names shown, not raised."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt

from promodesk.app.brand_dialog import BrandDialog
from promodesk.core.brandkit import list_kits, load_kit, save_kit
from promodesk.core.projectfile import asset_path
from promodesk.core.timeline import TrackKind
from promodesk.render.frame import FrameRenderer
from promodesk.render.overlay import overlay_params, place
from tests.app.conftest import wait_jobs
from tests.render.clips import make_logo

RED = (230, 20, 20)
SIZE = (270, 480)


@pytest.fixture
def data(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def menu_click(qtbot, window, title: str, item: str) -> None:
    """Click menu ``title`` in the menu bar, then its ``item``, with the mouse."""
    bar = window.menuBar()
    menu = next(a.menu() for a in bar.actions() if a.text().replace("&", "") == title)
    qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.actionGeometry(menu.menuAction()).center())
    qtbot.waitUntil(menu.isVisible, timeout=5_000)
    action = next(a for a in menu.actions() if a.text() == item)
    qtbot.mouseClick(menu, Qt.LeftButton, pos=menu.actionGeometry(action).center())


def open_brand_dialog(qtbot, window) -> BrandDialog:
    """Brand > Brand Kits... with the mouse: the menu bar's Brand menu, then its item."""
    menu_click(qtbot, window, "Brand", "Brand Kits...")
    shown = lambda: [d for d in window.findChildren(BrandDialog) if d.isVisible()]  # noqa: E731
    qtbot.waitUntil(lambda: bool(shown()), timeout=5_000)
    return shown()[0]


def click_kit(qtbot, dialog: BrandDialog, name: str) -> None:
    item = dialog.kits.findItems(name, Qt.MatchExactly)[0]
    qtbot.mouseClick(dialog.kits.viewport(), Qt.LeftButton,
                     pos=dialog.kits.visualItemRect(item).center())
    assert dialog.kits.currentItem().text() == name


def test_choose_apply_undo_and_save_a_kit(qtbot, window, project_folder, tmp_path, data):
    assert window.open_project(project_folder)
    logo = make_logo(tmp_path / "logo.png", (200, 120), RED, feather=1)
    save_kit("Cafe", logo=logo, colors=["#20304a", "#e0a020"],
             caption_style={"preset": "boxed"}, root=data)
    save_kit("Other", colors=["#000000"], root=data)
    before = window.project.copy()
    dialog = open_brand_dialog(qtbot, window)
    assert [dialog.kits.item(i).text() for i in range(dialog.kits.count())] == ["Cafe", "Other"]
    click_kit(qtbot, dialog, "Cafe")
    assert "logo.png (top-right)" in dialog.details.text()
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    wait_jobs(qtbot, window)
    qtbot.waitUntil(lambda: "applied" in dialog.status.text(), timeout=30_000)
    project = window.project
    overlays = [c for t in project.tracks_of(TrackKind.VIDEO)[1:] for c in t.clips]
    assert [c.name for c in overlays] == ["logo"]
    shots = [c for c in project.tracks_of(TrackKind.VIDEO)[0].clips]
    assert all(c.recipe.params["colors"] == ["#20304a", "#e0a020"] for c in shots)
    assert all(c.cue.style == "boxed" for t in project.tracks_of(TrackKind.CAPTIONS)
               for c in t.clips)
    # the logo is drawn where its overlay puts it, clear of every shot's text
    badge = overlays[0]
    sprite = np.asarray(Image.open(asset_path(project_folder, badge.asset)).convert("RGBA"))
    placed = place(sprite, overlay_params(badge.recipe.params), SIZE)
    renderer = FrameRenderer(project, project_folder, SIZE, captions=False)
    x0, y0, x1, y1 = placed.box
    # the shots' text alone (text_boxes also names the logo's own ink, which captions avoid)
    shots_only = project.copy()
    for track in shots_only.tracks_of(TrackKind.VIDEO)[1:]:
        track.mute = True
    text = FrameRenderer(shots_only, project_folder, SIZE, captions=False).text_boxes(
        0, project.duration)
    assert text
    for box in text:
        assert min(x1, box[2]) <= max(x0, box[0]) or min(y1, box[3]) <= max(y0, box[1]), box
    frame = renderer.frame(shots[0].start + 500_000)
    cx, cy = (x0 + x1) // 2, (y0 + y1) // 2
    block = frame[cy - 2:cy + 3, cx - 4:cx + 5].reshape(-1, 3).astype(int)
    assert (block[:, 0] > 200).all() and (block[:, 1:] < 50).all(), block.mean(axis=0)  # 95%
    # one undo step takes it all back
    dialog.close()
    menu_click(qtbot, window, "Edit", "Undo")  # (offscreen the closed dialog keeps the keys)
    assert [t.name for t in window.project.tracks] == [t.name for t in before.tracks]
    assert window.project.tracks_of(TrackKind.VIDEO)[0].clips[0].recipe.params["colors"] == []
    # save the project's look as a kit: redo first, so it has the logo and colours
    menu_click(qtbot, window, "Edit", "Redo")
    assert len(window.project.tracks_of(TrackKind.VIDEO)) == 2
    dialog = open_brand_dialog(qtbot, window)
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)  # no name yet
    assert "needs a name" in dialog.status.text()
    qtbot.mouseClick(dialog.name, Qt.LeftButton)
    qtbot.keyClicks(dialog.name, "Mine")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert list_kits(data) == ["Cafe", "Mine", "Other"]
    mine = load_kit("Mine", root=data)
    assert (mine.folder / mine.logo).read_bytes() == logo.read_bytes()
    assert mine.color_list == ["#20304a", "#e0a020"] and mine.caption_style["preset"] == "boxed"
    assert dialog.kits.currentItem().text() == "Mine"
    dialog.close()


def test_a_damaged_kit_is_shown_not_applied(qtbot, window, project_folder, tmp_path, data):
    assert window.open_project(project_folder)
    kit = save_kit("Broken", colors=["#000000"], root=data)
    (kit.folder / "kit.json").write_text("{oops")
    dialog = open_brand_dialog(qtbot, window)
    click_kit(qtbot, dialog, "Broken")
    assert str(kit.folder / "kit.json") in dialog.details.text()
    assert "brand save Broken" in dialog.details.text()
    assert not dialog.apply_button.isEnabled()
    dialog.close()


def test_a_kit_whose_font_lacks_the_copys_glyphs_is_refused(qtbot, window, project_folder,
                                                            tmp_path, data):
    from promodesk import RESOURCES

    assert window.open_project(project_folder)  # its captions are partly Chinese
    save_kit("Latin", fonts=[RESOURCES / "fonts" / "DejaVuSans.ttf"], root=data)
    tracks = len(window.project.tracks)
    dialog = open_brand_dialog(qtbot, window)
    click_kit(qtbot, dialog, "Latin")
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    wait_jobs(qtbot, window)
    qtbot.waitUntil(lambda: "no glyphs" in dialog.status.text(), timeout=30_000)
    assert "font1-DejaVuSans.ttf" in dialog.status.text()
    assert len(window.project.tracks) == tracks and window.undo.count() == 0
    dialog.close()


def test_closing_the_dialog_before_the_job_ends_still_applies_the_kit(qtbot, window,
                                                                     project_folder, tmp_path,
                                                                     data):
    from PySide6.QtWidgets import QDialogButtonBox

    assert window.open_project(project_folder)
    save_kit("Cafe", logo=make_logo(tmp_path / "logo.png", (200, 120), RED), root=data)
    dialog = open_brand_dialog(qtbot, window)
    click_kit(qtbot, dialog, "Cafe")
    qtbot.mouseClick(dialog.apply_button, Qt.LeftButton)
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.Close)
    qtbot.mouseClick(close, Qt.LeftButton)
    wait_jobs(qtbot, window)
    qtbot.waitUntil(lambda: window.undo.count() == 1, timeout=30_000)
    assert "Cafe applied" in window.statusBar().currentMessage()
    assert [t.name for t in window.project.tracks_of(TrackKind.VIDEO)] == ["Shots", "Logo"]


def test_the_save_box_title_fits_its_box_at_1366x768(qtbot, window, project_folder, data):
    """Its title ran past the box's right border; every group box title now fits."""
    from PySide6.QtWidgets import QGroupBox

    window.resize(1366, 768)
    assert window.open_project(project_folder)
    dialog = open_brand_dialog(qtbot, window)
    qtbot.waitExposed(dialog)
    for group in dialog.findChildren(QGroupBox):
        title = group.fontMetrics().horizontalAdvance(group.title())
        assert title + 24 <= group.width(), (group.title(), title, group.width())
    assert dialog.frameGeometry().height() <= 768
    dialog.reject()
