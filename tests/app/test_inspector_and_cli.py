"""The inspector edits a caption's text (undoable) and regenerates with edited settings; the
`promodesk` command opens the editor and says what to do where there is no display."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import Qt

from tests.app.conftest import wait_jobs


def test_caption_text_edit_in_the_inspector_is_undoable(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    caption = window.project.tracks[2].clips[1]
    window.timeline.select_clip(caption.id)
    assert window.inspector.caption_box.isVisibleTo(window.inspector)
    window.inspector.caption_text.setPlainText("Order today")
    window.inspector.caption_style.setCurrentText("boxed")
    apply = [b for b in window.inspector.caption_box.findChildren(type(window.inspector.regen_seed))
             if b.text() == "Apply text"][0]
    qtbot.mouseClick(apply, Qt.LeftButton)
    assert (caption.cue.text, caption.cue.style) == ("Order today", "boxed")
    window.undo.undo()
    assert (caption.cue.text, caption.cue.style) == ("Order now", "outline")


def test_regenerate_a_shot_with_edited_settings(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    shot = window.project.tracks[0].clips[1]
    window.timeline.select_clip(shot.id)
    window.inspector._editors["move"].setCurrentText("pan_left")
    # a user clicks the button once it is laid out (showing "Regenerate with…" for a shot
    # re-lays the takes box on the next event-loop turn)
    qtbot.waitUntil(lambda: window.inspector.regen_params.height() > 0)
    qtbot.mouseClick(window.inspector.regen_params, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(shot.takes) == 2, timeout=60_000)
    assert shot.recipe.params["move"] == "pan_left" and shot.takes[0].recipe.params["move"] == "auto"
    assert [window.inspector.takes.item(i).text().split(" · ")[0] for i in range(2)] == ["Take 1", "Take 2"]
    wait_jobs(qtbot, window)


def test_promodesk_without_a_display_says_what_to_do():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "promodesk"], capture_output=True, text=True, env=env,
                         timeout=60)
    assert out.returncode == 2
    assert "no display" in out.stderr and "promodesk make" in out.stderr
    assert "Traceback" not in out.stderr


def test_regenerate_a_caption_makes_a_take_checked_by_the_caption_fitter(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    caption = window.project.tracks[2].clips[0]
    job = window.generation.regenerate(caption.id, {"style": "boxed"})
    assert caption.id in window.timeline.jobs
    qtbot.waitUntil(lambda: not job.active, timeout=60_000)
    assert job.state == "done", job.error
    assert len(caption.takes) == 2 and caption.recipe.params["style"] == "boxed"
    assert caption.cue.style == "boxed"  # what the renderer draws
    assert caption.id not in window.timeline.jobs
    window.undo.undo()  # one step takes back the take and the look
    assert len(caption.takes) == 1 and caption.cue.style == "outline"
    wait_jobs(qtbot, window)
