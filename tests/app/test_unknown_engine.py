"""A project whose recipes name an engine this version does not have opens in the editor with a
clear message (status bar, and the preview where such a clip would be drawn), no traceback, and
nothing lost: regenerating that clip says why it cannot, saving keeps the recipe as it was."""

from __future__ import annotations

from PySide6.QtCore import Qt

from promodesk.core.projectfile import load_project, save_project
from tests.app.conftest import wait_jobs

MESSAGE = ("This project uses the engine 'hologram', which this version of PromoDesk does not "
           "have; update PromoDesk or regenerate that clip with another engine.")


def test_opening_a_project_with_an_unknown_engine_says_so_and_keeps_it(qtbot, window,
                                                                        project_folder, dialogs):
    project = load_project(project_folder)
    clip = project.tracks[0].clips[1]
    clip.takes[0].recipe.engine = "hologram"
    save_project(project, project_folder)

    assert window.open_project(project_folder)
    assert MESSAGE in window.statusBar().currentMessage()
    assert "Clips affected: 1" in window.statusBar().currentMessage()
    assert not [d for d in dialogs if d[0] == "critical"]
    # the timeline's thumbnails come from the same engines: none for this clip, a strip for others
    wait_jobs(qtbot, window)
    window.media.thumbnails(window.project, window.project.tracks[0].clips[0])
    window.media.thumbnails(window.project, window.project.tracks[0].clips[1])
    wait_jobs(qtbot, window)
    assert len(window.media.thumbnails(window.project, window.project.tracks[0].clips[0])) == 6
    assert window.media.thumbnails(window.project, window.project.tracks[0].clips[1]) == []
    # the preview draws the other clips and says why it cannot draw this one
    window.frames.show(clip.start + 100_000)
    qtbot.waitUntil(lambda: MESSAGE in window.preview.view.note, timeout=60_000)
    assert "Traceback" not in window.preview.view.note
    # R on it: the same message, no job
    window.statusBar().clearMessage()
    window.timeline.select_clip(clip.id)
    qtbot.keyClick(window.timeline, Qt.Key_R)
    assert MESSAGE in window.statusBar().currentMessage()
    assert clip.id not in window.timeline.jobs
    # an edit elsewhere and a save keep the clip and its recipe as they were
    caption = window.project.tracks[2].clips[1]
    window.timeline.select_clip(caption.id)
    window.inspector.caption_text.setPlainText("Order today")
    apply = [b for b in window.inspector.caption_box.findChildren(type(window.inspector.regen_seed))
             if b.text() == "Apply text"][0]
    qtbot.mouseClick(apply, Qt.LeftButton)
    assert window.save()
    saved = load_project(project_folder)
    _, kept = saved.find_clip(clip.id)
    assert kept.recipe.engine == "hologram" and kept.recipe.params == clip.recipe.params
    assert kept.asset == clip.asset and saved.find_clip(caption.id)[1].cue.text == "Order today"
    wait_jobs(qtbot, window)
