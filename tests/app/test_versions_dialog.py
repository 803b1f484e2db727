"""Versions in the editor, with real key and mouse events offscreen: Versions > Add Language
Version… runs a job (a tiny random Marian model, in the generation worker process) that adds the
English captions and panel texts as one undo step; the language box switches the version shown
(saved with the project); export writes one MP4 + SRT per language; without a model the dialog
names the download command; the jobs panel cancels the job; and with "Commercial use only" the
music engine picker greys out MusicGen with a tooltip saying why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog

pytest.importorskip("transformers")  # the gpu extra; the test set-up installs it

from promodesk.core.projectfile import load_project  # noqa: E402
from promodesk.core.script import has_han  # noqa: E402
from promodesk.core.timeline import TrackKind  # noqa: E402
from promodesk.engines.text.versions import (SHOT_TEXTS, languages, shown_language,  # noqa: E402
                                             track_language)
from tests.app.conftest import wait_jobs  # noqa: E402
from tests.engines.text.tiny_translators import WORDS, tiny_marian  # noqa: E402


def _dialog(qtbot, window, kind="language"):
    """Open Versions > Add Language (or Audience) Version… and return the dialog."""
    (window.versions.add_language if kind == "language" else window.versions.add_audience).trigger()
    from promodesk.app.versions_dialog import VersionsDialog

    dialog = window.findChildren(VersionsDialog)[-1]
    qtbot.waitExposed(dialog)
    return dialog


def _tick(qtbot, dialog, code: str) -> None:
    """Tick ``code`` in the languages list with the keyboard (row, then Space)."""
    row = next(i for i in range(dialog.languages.count())
               if dialog.languages.item(i).data(Qt.UserRole) == code)
    dialog.languages.setFocus()
    dialog.languages.setCurrentRow(row)
    qtbot.keyClick(dialog.languages, Qt.Key_Space)


def _choose_model_folder(qtbot, dialog, folder: Path, monkeypatch) -> None:
    """Pick "Model folder…" (the last entry) with the End key; the folder dialog answers."""
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    dialog.model.setFocus()
    qtbot.keyClick(dialog.model, Qt.Key_End)


@pytest.fixture
def english(qtbot, window, project_folder, tmp_path, monkeypatch):
    """The test project with an English version added through the dialog."""
    model = tiny_marian(tmp_path / "marian", "en")
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    steps = window.undo.count()
    dialog = _dialog(qtbot, window)
    _tick(qtbot, dialog, "en")
    _choose_model_folder(qtbot, dialog, model, monkeypatch)
    assert dialog.model_choice() == str(model) and dialog.add_button.isEnabled(), dialog.note.text()
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    assert len(dialog.jobs) == 1 and dialog.jobs[0].lane == "gpu"
    row = window.jobs_panel.row_of(dialog.jobs[0])
    assert row is not None  # shown in the jobs panel with its progress
    wait_jobs(qtbot, window, timeout=180_000)
    assert dialog.jobs[0].state == "done", window.statusBar().currentMessage()
    assert window.undo.count() == steps + 1  # one undoable step
    return window, steps


def test_add_language_version_switch_it_and_undo(qtbot, english):
    window, steps = english
    project = window.project
    assert languages(project) == ["zh", "en"] and shown_language(project) == "zh"
    en = next(t for t in project.tracks_of(TrackKind.CAPTIONS) if track_language(t) == "en")
    assert en.mute and [c.start for c in en.clips] == [0, 3_000_000]
    assert all(set(c.cue.text.split()) <= set(WORDS["en"]) for c in en.clips)
    box = window.versions.box
    assert box.isVisible() and [box.itemData(i) for i in range(box.count())] == ["zh", "en"]

    # the language box, with the keyboard: English shown, its panels drawn
    box.setFocus()
    qtbot.keyClick(box, Qt.Key_Down)
    assert shown_language(project) == "en" and not en.mute
    feature = next(c for c in project.tracks_of(TrackKind.VIDEO)[0].clips
                   if c.recipe.params["kind"] == "feature").recipe.params
    assert feature["text"] == feature[SHOT_TEXTS]["en"]["text"] != "Hello"
    assert feature[SHOT_TEXTS]["zh"]["text"] == "Hello"
    # saved with the project: opened again, still English
    window.activateWindow()  # the dialog had the focus
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.timeline, Qt.Key_S, Qt.ControlModifier)
    saved = load_project(window.folder)
    assert window.undo.isClean(), window.statusBar().currentMessage()
    def state(p):
        return [(t.name, t.mute, track_language(t)) for t in p.tracks]

    assert state(saved) == state(project)
    assert shown_language(saved) == "en"

    # undo the switch, then the version: back where it started
    qtbot.keyClick(window.timeline, Qt.Key_Z, Qt.ControlModifier)
    assert shown_language(project) == "zh" and box.currentData() == "zh"
    qtbot.keyClick(window.timeline, Qt.Key_Z, Qt.ControlModifier)
    assert languages(window.project) == [] and window.undo.index() == steps
    assert not box.isVisible()
    assert all(SHOT_TEXTS not in c.recipe.params
               for c in window.project.tracks_of(TrackKind.VIDEO)[0].clips)


def test_export_writes_one_video_and_srt_per_language(qtbot, english, tmp_path):
    from promodesk.app.export_dialog import ExportDialog

    window, _ = english
    for track in window.project.tracks:  # keep the export short: 2 s
        track.clips[:] = [c for c in track.clips if c.start < 2_000_000]
        for c in track.clips:
            c.duration = min(c.duration, 2_000_000 - c.start)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.versions.isVisibleTo(dialog) and dialog.versions.isChecked()
    for name, box in dialog.aspects.items():
        box.setChecked(name == "9:16")
    dialog.quality.setCurrentIndex(1)
    dialog.folder.setText(str(tmp_path / "out"))
    qtbot.mouseClick(dialog.export_button, Qt.LeftButton)
    assert len(dialog.jobs) == 2
    qtbot.waitUntil(lambda: not any(j.active for j in dialog.jobs), timeout=180_000)
    assert not dialog.failures, dialog.failures
    out = tmp_path / "out"
    assert sorted(p.name for p in out.glob("*.mp4")) == ["Espresso-test-en.mp4",
                                                           "Espresso-test-zh.mp4"]
    zh = (out / "Espresso-test-zh.srt").read_text("utf-8")
    en = (out / "Espresso-test-en.srt").read_text("utf-8")
    assert has_han(zh) and not has_han(en) and any(w in en for w in WORDS["en"])
    wait_jobs(qtbot, window)


def test_without_a_model_the_dialog_names_the_download(qtbot, window, project_folder, tmp_path,
                                                       monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "no-models"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-cache"))
    assert window.open_project(project_folder)
    dialog = _dialog(qtbot, window)
    assert not dialog.add_button.isEnabled()  # nothing ticked yet
    codes = [dialog.languages.item(i).data(Qt.UserRole) for i in range(dialog.languages.count())]
    assert "zh" not in codes and "en" in codes  # the project's own language is not offered
    thai = dialog.languages.item(codes.index("th"))  # no bundled font draws Thai
    assert not thai.flags() & Qt.ItemIsEnabled and "No bundled font" in thai.toolTip()
    _tick(qtbot, dialog, "en")
    assert "promodesk models download opus-mt-zh-en" in dialog.note.text()
    assert not dialog.add_button.isEnabled() and dialog.note.isVisible()
    audience = _dialog(qtbot, window, "audience")
    qtbot.keyClicks(audience.audiences, "students")
    assert "paste the copy into the Brief panel" in audience.note.text()
    qtbot.keyClicks(window.brief_panel.copy, "A calm cup for slow mornings.")
    assert "promodesk models download qwen3-4b-instruct" in audience.note.text()
    assert not audience.add_button.isEnabled()


def test_the_jobs_panel_cancels_a_language_job(qtbot, window, project_folder, tmp_path,
                                               monkeypatch):
    model = tiny_marian(tmp_path / "marian", "en")
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    steps = window.undo.count()
    dialog = _dialog(qtbot, window)
    _tick(qtbot, dialog, "en")
    _choose_model_folder(qtbot, dialog, model, monkeypatch)
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    job = dialog.jobs[0]
    qtbot.mouseClick(window.jobs_panel.row_of(job).button, Qt.LeftButton)
    wait_jobs(qtbot, window, timeout=60_000)
    assert job.state == "cancelled"
    assert languages(window.project) == [] and window.undo.index() == steps


def test_commercial_only_greys_out_musicgen_in_the_music_picker(qtbot, window, project_folder):
    from promodesk.app.export_dialog import ExportDialog

    assert window.open_project(project_folder)
    music = window.project.tracks_of(TrackKind.MUSIC)[0].clips[0]
    window.timeline.select_clip(music.id)
    combo = window.inspector.music_engine
    rows = {combo.itemData(i): i for i in range(combo.count())}
    item = combo.model().item(rows["musicgen-small"])
    assert not item.isEnabled() and combo.model().item(rows["ace-step-1.5"]).isEnabled()
    tip = combo.itemData(rows["musicgen-small"], Qt.ToolTipRole)
    assert "CC-BY-NC" in tip and "Commercial Use Only" in tip
    assert not combo.model().item(rows[None]).isEnabled()  # "MusicGen model folder…" too
    # the keyboard steps over it: composer -> ACE-Step
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key_Down)
    assert window.inspector.music_engine_choice() == "ace-step-1.5"
    # the setting turned off in the export dialog: MusicGen can be picked (marked as such)
    dialog = ExportDialog(window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.commercial, Qt.LeftButton,
                     pos=QPoint(8, dialog.commercial.height() // 2))  # on its box
    assert not dialog.commercial.isChecked()
    assert item.isEnabled() and not window.commercial_toggle.isChecked()
    assert "not for videos you sell" in combo.itemData(rows["musicgen-small"], Qt.ToolTipRole)
    # and on again from File > Commercial Use Only
    window.commercial_toggle.trigger()
    assert not item.isEnabled()
    dialog.reject()


def test_add_audience_version_makes_its_own_project(qtbot, window, project_folder, tmp_path,
                                                    monkeypatch):
    """Versions > Add Audience Version… with a tiny Qwen3: the students version is made from
    the brief as its own project beside this one (its own pace and music), listed under Open
    Recent; the open project is left as it was."""
    from promodesk.core.brief import Brief
    from tests.engines.text.tiny_translators import tiny_qwen3

    model = tiny_qwen3(tmp_path / "qwen", "en")
    assert window.open_project(project_folder)
    window.brief_panel.set_brief(Brief(text="A calm cup for slow mornings. Two for $19.",
                                       title="Dawn Cup", seconds=8, cta="Order now"))
    before = window.project.copy()
    dialog = _dialog(qtbot, window, "audience")
    qtbot.keyClicks(dialog.audiences, "students")
    _choose_model_folder(qtbot, dialog, model, monkeypatch)
    assert dialog.add_button.isEnabled(), dialog.note.text()
    qtbot.mouseClick(dialog.add_button, Qt.LeftButton)
    wait_jobs(qtbot, window, timeout=180_000)
    assert dialog.jobs[0].state == "done", window.statusBar().currentMessage()
    folder = Path(window._recent()[0])
    assert folder.parent == project_folder.parent and "students" in folder.name
    made = load_project(folder)
    assert made.brief["cta"] != "Order now"  # rewritten for the audience
    assert window.project == before


def test_the_regenerate_dialog_follows_the_licence_policy(qtbot, window, project_folder):
    """The shot's Regenerate with… dialog: its engines and models are all sellable (Wan is
    Apache-2.0), so none is greyed out; the setting changing after the dialog closed touches
    nothing; a non-commercial engine name is judged as such."""
    from promodesk.app.licence_picks import engine_terms
    from promodesk.app.regenerate_dialog import open_dialog

    assert window.open_project(project_folder)
    shot = window.project.tracks_of(TrackKind.VIDEO)[0].clips[0]
    dialog = open_dialog(window, shot.id)
    assert dialog is not None
    for combo in (dialog.engine, dialog.model):
        assert all(combo.model().item(i).isEnabled() for i in range(combo.count()))
    assert engine_terms("musicgen") and "NC" in engine_terms("musicgen")[1]
    assert engine_terms("wan") is None and engine_terms("shots") is None
    dialog.reject()
    qtbot.waitUntil(lambda: not window.findChildren(type(dialog)))
    window.commercial_toggle.trigger()  # off, then on: the deleted dialog's pickers are left be
    window.commercial_toggle.trigger()
    assert window.licence_policy.on
