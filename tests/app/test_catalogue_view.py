"""File > Open Catalogue: the grid of a real batch output folder, clicked with the mouse."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from promodesk.app.catalogue_view import CatalogueView
from promodesk.render.batch import set_approved

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"


@pytest.fixture(scope="module")
def batch_folder(tmp_path_factory) -> Path:
    """A batch output folder made by `promodesk batch`: one product done, one failed."""
    shop = tmp_path_factory.mktemp("shop")
    (shop / "cup.png").write_bytes(PHOTO.read_bytes())
    (shop / "catalogue.csv").write_text(
        "title,text,images,price,seconds\n"
        "Espresso Cup,A small espresso cup. Thick walls keep it warm.,cup.png,$12,5\n"
        "Ghost,This product's photo is missing.,ghost.png,$5,5\n", "utf-8")
    out = shop / "out"
    r = subprocess.run([sys.executable, "-m", "promodesk", "batch", str(shop / "catalogue.csv"),
                        "-o", str(out), "--scale", "0.25"], capture_output=True, text=True,
                       cwd=ROOT, timeout=300)
    assert r.returncode == 1 and "1 made, 1 failed" in r.stdout, r.stderr
    return out


def entries(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text("utf-8"))["products"]


def test_grid_shows_products_and_approve_is_stored(qtbot, batch_folder):
    opened = []
    view = CatalogueView(batch_folder, opened.append)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    assert list(view.cards) == ["espresso-cup", "ghost"]
    cup, ghost = view.cards["espresso-cup"], view.cards["ghost"]
    assert not cup.picture.pixmap().isNull() and cup.picture.pixmap().height() <= 90
    assert "done" in cup.status.text() and "5.0 s" in cup.status.text()
    assert "failed" in ghost.status.text() and "ghost.png" in ghost.status.text()
    assert not ghost.approved.isEnabled() and not ghost.open_button.isEnabled()
    assert "1 done, 1 failed, 0 approved" in view.summary.text()

    qtbot.mouseClick(cup.approved, Qt.LeftButton)
    assert cup.approved.isChecked() and entries(batch_folder)["espresso-cup"]["approved"] is True
    view.refresh()
    assert "1 approved" in view.summary.text()

    qtbot.mouseClick(cup.open_button, Qt.LeftButton)
    assert opened == [batch_folder / "espresso-cup" / "espresso-cup.promodesk"]


def test_regenerate_reruns_that_product_only(qtbot, batch_folder):
    set_approved(batch_folder, "espresso-cup", True)
    view = CatalogueView(batch_folder, lambda folder: None)
    qtbot.addWidget(view)
    view.show()
    cup = view.cards["espresso-cup"]
    assert cup.approved.isChecked()
    video = batch_folder / "espresso-cup" / "espresso-cup.mp4"
    before = video.stat().st_ino
    with qtbot.waitSignal(view.regenerated, timeout=240_000) as done:
        qtbot.mouseClick(cup.regenerate_button, Qt.LeftButton)
        assert "running" in cup.status.text() and not cup.regenerate_button.isEnabled()
    assert done.args == ["espresso-cup", 0]
    after = entries(batch_folder)
    assert after["espresso-cup"]["status"] == "done"
    assert after["espresso-cup"]["approved"] is False  # a new video needs a new approval
    assert video.stat().st_ino != before  # written anew (same bytes: same inputs and seed)
    assert "done" in cup.status.text() and cup.regenerate_button.isEnabled()
    assert after["ghost"]["status"] == "failed"


def test_file_open_catalogue_opens_a_product_in_the_editor(qtbot, window, batch_folder,
                                                           monkeypatch, dialogs, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    action = next(a for a in window.menuBar().actions()[0].menu().actions()
                  if a.text() == "Open Catalogue...")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    action.trigger()
    assert dialogs and dialogs[-1][1] == "Not a catalogue" and "manifest.json" in dialogs[-1][2]

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(batch_folder))
    action.trigger()
    view = window.findChild(CatalogueView)
    assert view is not None and view.isVisible()
    qtbot.mouseClick(view.cards["espresso-cup"].open_button, Qt.LeftButton)
    assert window.folder == batch_folder / "espresso-cup" / "espresso-cup.promodesk"
    assert window.project.duration == 5_000_000
