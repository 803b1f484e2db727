"""Typing into the brief panel of an open project is an unsaved change: the window title shows it,
closing asks to save, and Save writes the typed brief into project.json. Filling the panel from
an opened project, or typing a brief into an empty window, is not."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

from promodesk.core.projectfile import PROJECT_FILE
from tests.app.conftest import wait_jobs


def answer(monkeypatch, reply) -> list[str]:
    """Answer every question with ``reply``; returns the titles asked."""
    asked: list[str] = []

    def question(_parent, title, _text, *args, **kwargs):
        asked.append(title)
        return reply

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def new_window(qtbot, tmp_path):
    from promodesk.app.main_window import MainWindow

    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    w.resize(1200, 800)
    w.show()
    qtbot.waitExposed(w)
    return w


def test_typing_the_title_asks_on_close_and_saves_with_the_project(qtbot, tmp_path,
                                                                    project_folder, monkeypatch):
    asked = answer(monkeypatch, QMessageBox.Save)
    w = new_window(qtbot, tmp_path)
    assert w.open_project(project_folder)
    wait_jobs(qtbot, w)
    panel = w.brief_panel
    panel.set_brief_record({"text": "Warm morning coffee.", "title": "Espresso cup"},
                           project_folder)  # the project's own brief, shown: not an edit
    assert w.undo.isClean() and "*" not in w.windowTitle()

    qtbot.mouseClick(panel.title, Qt.LeftButton)
    panel.title.end(False)
    qtbot.keyClicks(panel.title, " Pro")
    assert panel.title.text() == "Espresso cup Pro"
    assert not w.undo.isClean() and w.windowTitle().endswith("* - PromoDesk")

    w.close()
    assert asked == ["Unsaved changes"] and not w.isVisible()
    saved = json.loads((project_folder / PROJECT_FILE).read_text("utf-8"))
    assert saved["brief"]["title"] == "Espresso cup Pro"
    assert saved["brief"]["text"] == "Warm morning coffee."


def test_cancel_keeps_the_window_and_the_typed_copy(qtbot, tmp_path, project_folder,
                                                    monkeypatch):
    asked = answer(monkeypatch, QMessageBox.Cancel)
    w = new_window(qtbot, tmp_path)
    assert w.open_project(project_folder)
    wait_jobs(qtbot, w)
    before = (project_folder / PROJECT_FILE).read_bytes()
    qtbot.mouseClick(w.brief_panel.copy.viewport(), Qt.LeftButton)
    qtbot.keyClicks(w.brief_panel.copy, "New line of copy")
    assert not w.undo.isClean()
    w.close()
    assert asked == ["Unsaved changes"] and w.isVisible()
    assert (project_folder / PROJECT_FILE).read_bytes() == before  # nothing written unasked
    w.undo.setClean()
    w.close()
    assert not w.isVisible()


def test_a_brief_typed_into_an_empty_window_is_no_unsaved_project(qtbot, tmp_path, monkeypatch):
    asked = answer(monkeypatch, QMessageBox.Cancel)
    w = new_window(qtbot, tmp_path)
    qtbot.keyClicks(w.brief_panel.title, "Espresso cup")
    assert w.brief_panel.title.text() == "Espresso cup" and w.undo.isClean()
    w.close()
    assert asked == [] and not w.isVisible()


def test_the_briefs_photos_are_listed_by_their_files_names(qtbot, window, tmp_path):
    """A generated project stores its photos under their content hashes; the brief panel and
    the media bin list them by the files' own names (two photo.png from two folders: "photo.png"
    and "photo.png (2)"), the hash only in the tooltip. Deleting one with the Delete key
    renumbers the other."""
    from PIL import Image

    from promodesk.core.brief import Brief
    from promodesk.engines.assemble import make_project
    from tests.app.conftest import PHOTO

    photos = [PHOTO]
    for folder, colour in (("shoot-a", (200, 60, 40)), ("shoot-b", (40, 90, 200))):
        (tmp_path / folder).mkdir()
        Image.new("RGB", (640, 640), colour).save(tmp_path / folder / "photo.png")
        photos.append(tmp_path / folder / "photo.png")
    brief = Brief(text="Thick bone china keeps your espresso hot. Order today.", title="Dawn cup",
                  images=photos, aspect="1:1", seconds=5)
    project_folder = tmp_path / "dawn.promodesk"
    make_project(brief, project_folder)
    assert window.open_project(project_folder)
    listed = window.brief_panel.photos
    assert listed.names() == ["espresso-cup.png", "photo.png", "photo.png (2)"]
    for i in range(listed.count()):  # the project's copy, named by its hash, in the tooltip
        stored = listed.item(i).data(Qt.UserRole)
        assert stored.startswith(str(project_folder / "assets")) and stored in listed.item(i).toolTip()
        assert Path(stored).stem not in listed.item(i).text()
    bin_names = {window.media_bin.list.item(i).text().split("\n")[0]
                 for i in range(window.media_bin.list.count())}
    assert {"espresso-cup.png", "photo.png", "photo.png (2)"} <= bin_names
    second = listed.item(1)
    qtbot.mouseClick(listed.viewport(), Qt.LeftButton, pos=listed.visualItemRect(second).center())
    assert listed.selectedItems() == [second]
    qtbot.keyClick(listed, Qt.Key_Delete)
    assert listed.names() == ["espresso-cup.png", "photo.png (2)"]
    for photo in photos[1:]:
        assert listed.add_photo(photo)
    assert listed.names() == ["espresso-cup.png", "photo.png (2)", "photo.png", "photo.png (3)"]
