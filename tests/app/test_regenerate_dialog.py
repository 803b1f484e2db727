"""The editor's "Regenerate with…": choosing Motion (built-in) or the video engine for a shot,
with a prompt and strength, run as a job in the jobs panel: without the model the panel says how
to get it; with a tiny random Wan model the take lands with its recipe and licence (and, the
tiny model not keeping the product, is marked "product changed"); Cancel leaves nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from promodesk.app.jobs_panel import JobRow
from promodesk.app.regenerate_dialog import MOTION_TITLE, RegenerateDialog
from promodesk.core.projectfile import load_project, save_project
from tests.app.conftest import wait_jobs


@pytest.fixture(autouse=True)
def no_models(tmp_path, monkeypatch):
    """No downloaded models, set before the editor's worker processes start."""
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "no-models"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "no-hf"))
    monkeypatch.setenv("PROMODESK_DEVICE", "cpu")


def open_dialog(qtbot, window, clip) -> RegenerateDialog:
    """Select ``clip`` on the timeline and click the inspector's Regenerate with…"""
    window.timeline.select_clip(clip.id)
    button = window.inspector.regen_with
    assert button.isVisibleTo(window.inspector)
    qtbot.waitUntil(lambda: button.height() > 0)  # laid out, as it is when a person clicks
    qtbot.mouseClick(button, Qt.LeftButton)
    shown = [d for d in window.findChildren(RegenerateDialog) if d.isVisible()]
    assert len(shown) == 1 and shown[0].clip_id == clip.id
    return shown[0]


def choose_video_engine(qtbot, dialog: RegenerateDialog, prompt: str) -> None:
    """Pick the video engine with the keyboard, type the prompt, set the strength."""
    assert dialog.engine.currentText() == MOTION_TITLE and not dialog.prompt.isEnabled()
    dialog.engine.setFocus()
    qtbot.keyClick(dialog.engine, Qt.Key_Down)
    assert dialog.engine.currentData() == "wan" and dialog.prompt.isEnabled()
    qtbot.keyClicks(dialog.prompt, prompt)
    dialog.strength.selectAll()
    qtbot.keyClicks(dialog.strength.lineEdit(), "0.7")
    qtbot.keyClick(dialog.strength, Qt.Key_Tab)
    assert dialog.strength.value() == pytest.approx(0.7)


def click_regenerate(qtbot, dialog: RegenerateDialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.Ok), Qt.LeftButton)


def job_row(window) -> JobRow:
    rows = [r for r in window.jobs_panel.findChildren(JobRow) if "Regenerate" in r.job.title]
    assert rows
    return rows[-1]


def assets(folder) -> set[str]:
    return {p.name for p in (folder / "assets").iterdir()}


def test_the_video_engine_without_its_model_says_how_to_get_it(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    hero = window.project.tracks[0].clips[0]
    before = assets(project_folder)
    dialog = open_dialog(qtbot, window, hero)
    choose_video_engine(qtbot, dialog, "slow turn on a marble table")
    assert "promodesk models download wan2.2-ti2v-5b" in dialog.note.text()
    click_regenerate(qtbot, dialog)
    wait_jobs(qtbot, window)
    row = job_row(window)
    assert row.job.state == "failed"
    assert "promodesk models download wan2.2-ti2v-5b" in row.message.text()
    assert row.button.text() == "Dismiss"
    assert len(hero.takes) == 1 and assets(project_folder) == before


def test_motion_is_offered_for_a_shot_and_makes_a_take(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    detail = window.project.tracks[0].clips[1]
    dialog = open_dialog(qtbot, window, detail)
    assert [dialog.engine.itemText(i) for i in range(dialog.engine.count())][0] == MOTION_TITLE
    click_regenerate(qtbot, dialog)
    wait_jobs(qtbot, window)
    assert len(detail.takes) == 2 and detail.selected == 1
    assert detail.recipe.engine == "shots" and detail.asset == detail.takes[0].asset


def test_the_tiny_wan_model_makes_a_take_and_cancel_leaves_nothing(qtbot, window, project_folder,
                                                                    tmp_path):
    pytest.importorskip("diffusers")  # the gpu extra; the test set-up installs it
    from tests.engines.visuals.tiny_wan import build_tiny_wan

    model = build_tiny_wan(tmp_path / "tiny-wan", "ti2v")
    # small clips: the shots' recipes carry the video engine's size (and, for the one to be
    # cancelled, many steps), which the dialog passes on with the shot's own settings
    project = load_project(project_folder)
    hero, detail = project.tracks[0].clips[:2]
    hero.takes[0].recipe.params["size"] = [32, 64]
    detail.takes[0].recipe.params.update(size=[32, 64], steps=400)
    save_project(project, project_folder)
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    hero, detail = window.project.tracks[0].clips[:2]

    dialog = open_dialog(qtbot, window, hero)
    choose_video_engine(qtbot, dialog, "slow turn on a marble table")
    dialog.set_model(str(model))  # what the "Model folder…" item's folder picker sets
    assert dialog.note.text().startswith("Generated on this computer")
    click_regenerate(qtbot, dialog)
    row = job_row(window)
    qtbot.waitUntil(lambda: not row.job.active, timeout=240_000)
    assert row.job.state == "done", row.message.text()
    assert row.bar.value() == 1000
    assert len(hero.takes) == 2 and hero.selected == 1
    take = hero.take
    params = take.recipe.params
    assert take.recipe.engine == "wan" and params["model"] == str(model)
    assert params["prompt"] == "slow turn on a marble table" and params["strength"] == 0.7
    assert params["steps"] == 12 and take.recipe.seed != hero.takes[0].recipe.seed
    asset = window.project.assets[take.asset]
    assert asset.kind == "video" and asset.licence and asset.meta["prompt"] == params["prompt"]
    assert (project_folder / "assets" / take.asset).is_file()
    # the tiny random model does not keep the product: marked, and the inspector says so
    assert "product changed" in take.label and params["fidelity"] < 0.5
    window.inspector.show_clip(window.project, hero.id)
    assert "Product changed" in window.inspector.info.text()
    # a second take from the generated one starts from the photo again, with Motion
    dialog = open_dialog(qtbot, window, hero)
    assert dialog.engine.currentData() == "wan"
    assert dialog.prompt.toPlainText() == "slow turn on a marble table"
    engine, motion = dialog.choice()
    assert engine == "wan" and "fidelity" not in motion and motion["kind"] == "hero"
    dialog.reject()

    # cancelled in the middle of generating: no take, no file
    before = assets(project_folder)
    dialog = open_dialog(qtbot, window, detail)
    choose_video_engine(qtbot, dialog, "close push on the rim")
    dialog.set_model(str(model))
    click_regenerate(qtbot, dialog)
    row = job_row(window)
    qtbot.waitUntil(lambda: "step" in row.message.text(), timeout=240_000)
    qtbot.mouseClick(row.button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not row.job.active, timeout=30_000)
    assert row.job.state == "cancelled"
    assert len(detail.takes) == 1 and assets(project_folder) == before
