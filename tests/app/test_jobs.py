"""Generation in the editor: from a brief to clips on every track, regenerating a shot and a bar
range of the music into new takes without blocking the UI thread, cancelling, failing cleanly,
damaged projects and autosave."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt, QTimer

from promodesk.app.jobs import Job
from promodesk.core.brief import load_brief
from promodesk.core.projectfile import asset_path, load_project
from tests.app.conftest import ROOT, TickProbe, wait_jobs

BRIEF = ROOT / "resources" / "examples" / "briefs" / "espresso-zh.toml"


def test_generate_from_brief_puts_clips_on_every_track(qtbot, window, tmp_path):
    brief = load_brief(BRIEF)
    brief.seconds = 8
    window.brief_panel.set_brief(brief)
    assert window.brief_panel.copy.toPlainText().startswith("每一个清晨")
    qtbot.mouseClick(window.brief_panel.button, Qt.LeftButton)
    job = window.generation.brief_job
    assert job is not None and job.lane == "gpu"
    qtbot.waitUntil(lambda: not job.active, timeout=120_000)
    assert job.state == "done", job.error
    kinds = {t.kind.value: len(t.clips) for t in window.project.tracks}
    assert kinds["video"] >= 2 and kinds["music"] == 1 and kinds["captions"] >= 2
    assert window.folder is not None and window.folder.is_relative_to(tmp_path / "projects")
    assert [lane.track.kind.value for lane in window.timeline.lanes] == [t.kind.value for t in window.project.tracks]
    assert window.timeline.bars  # the music's bar lines are on the ruler
    load_project(window.folder)  # saved and readable


def test_regenerate_shot_and_music_bars_without_blocking(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    shot = window.project.tracks[0].clips[0]
    music = window.project.tracks[1].clips[0]
    old_audio, sr = sf.read(str(asset_path(project_folder, music.asset)), dtype="float32")
    window.timeline.select_clip(shot.id)
    with TickProbe(busy=lambda: bool(window.jobs.active_jobs())) as probe:
        qtbot.keyClick(window.timeline, Qt.Key_R)  # R: regenerate the selection with a new seed
        assert shot.id in window.timeline.jobs  # the running job is shown on the clip
        window.timeline.select_clip(music.id)
        window.timeline.set_bar_range((2, 2))
        qtbot.keyClick(window.timeline, Qt.Key_R)
        wait_jobs(qtbot, window, timeout=120_000)
        qtbot.wait(50)
    # The UI thread's event loop kept turning while the jobs ran (a UI thread waiting on them
    # would not tick at all); how long its worst gap was is bench/bench_jobs.py's figure.
    assert probe.busy_ticks >= 5, probe.busy_ticks
    assert len(shot.takes) == 2 and shot.selected == 1
    assert shot.takes[1].recipe.seed != shot.takes[0].recipe.seed
    assert len(music.takes) == 2 and music.selected == 1
    new_audio, _ = sf.read(str(asset_path(project_folder, music.asset)), dtype="float32")
    meta = window.project.assets[music.asset].meta
    bar2, bar3 = (meta["downbeats_us"][1] * sr // 1_000_000, meta["downbeats_us"][2] * sr // 1_000_000)
    assert new_audio.shape == old_audio.shape
    assert np.array_equal(new_audio[:bar2 - 4800], old_audio[:bar2 - 4800])  # before the bars: identical
    assert np.abs(new_audio[bar2:bar3] - old_audio[bar2:bar3]).max() > 0.01  # the bar changed
    assert meta["spec"]["patches"][-1]["start_bar"] == 1
    # switching back to the first take is one undoable edit
    window.inspector.show_clip(window.project, music.id)
    window.inspector.takes.setCurrentRow(0)
    assert music.selected == 0
    window.undo.undo()
    assert music.selected == 1
    assert (project_folder / "autosave" / "project.json").is_file()  # autosaved after the jobs


def test_cancel_a_generation_from_the_jobs_panel(qtbot, window, tmp_path):
    brief = load_brief(BRIEF)
    brief.seconds = 30
    before = window.project
    job = window.generation.generate(brief, folder=tmp_path / "cancelled.promodesk")
    row = window.jobs_panel.row_of(job)
    qtbot.waitUntil(lambda: job.state == "running", timeout=60_000)
    qtbot.mouseClick(row.button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not job.active, timeout=120_000)
    assert job.state == "cancelled"  # not "done": it stopped before the 30 s video was made
    assert window.project is before
    assert not (tmp_path / "cancelled.promodesk").exists()
    assert window.brief_panel.button.isEnabled()


def test_failed_job_shows_its_message_and_changes_nothing(qtbot, window, project_folder):
    assert window.open_project(project_folder)
    wait_jobs(qtbot, window)
    shot = window.project.tracks[0].clips[0]
    asset_path(project_folder, shot.asset).write_bytes(b"not a photo any more")
    job = window.generation.regenerate(shot.id)
    qtbot.waitUntil(lambda: not job.active, timeout=30_000)
    assert job.state == "failed"
    assert "photo" in job.error.lower() or "image" in job.error.lower()
    assert len(shot.takes) == 1 and window.undo.count() == 0
    assert "failed" in window.statusBar().currentMessage()
    assert shot.id not in window.timeline.jobs


def test_job_errors_and_cancel_tokens_on_a_plain_function(qtbot, window):
    steps = []

    def slow(inputs, progress, cancel):
        for i in range(500):
            steps.append(i)
            progress(i / 500, "working")
            time.sleep(0.01)
        return "finished"

    job = window.jobs.submit(Job("Slow", slow, None))
    qtbot.waitUntil(lambda: job.state == "running" and bool(steps), timeout=60_000)
    job.cancel()
    qtbot.waitUntil(lambda: not job.active, timeout=60_000)
    # cancelled at its next progress report: it ended Cancelled, long before its 500th step
    assert job.state == "cancelled" and job.result is None and len(steps) < 500

    def broken(inputs, progress, cancel):
        raise ValueError("the brief has no text")

    job = window.jobs.submit(Job("Broken", broken, None))
    qtbot.waitUntil(lambda: not job.active, timeout=60_000)
    assert job.state == "failed" and job.error == "the brief has no text"


def wait_for_the_ui_thread(inputs, progress, cancel):
    """A job that can only finish once the UI thread has written the file ``inputs`` while the
    job runs; returns the file's text."""
    path = Path(inputs)
    progress(0.0, "waiting for the UI thread")
    while not path.exists():
        cancel.check()
        time.sleep(0.005)
    return path.read_text()


@pytest.mark.parametrize("lane", ["gpu", "thread"])
def test_the_ui_thread_keeps_turning_while_a_job_runs(qtbot, window, tmp_path, lane):
    flag = tmp_path / f"{lane}.txt"
    job = window.jobs.submit(Job("Waits for the UI thread", wait_for_the_ui_thread, str(flag),
                                 lane=lane))
    ticks = []

    def tick():  # on the UI thread: once the job runs, leave it the note it waits for
        ticks.append(job.state)
        if job.state == "running" and not flag.exists():
            (tmp_path / "note").write_text(f"tick {len(ticks)}")
            os.replace(tmp_path / "note", flag)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    qtbot.waitUntil(lambda: not job.active, timeout=60_000)
    timer.stop()
    # the order of events: the job started, the UI thread ticked, then the job could end
    assert job.state == "done", job.error
    assert job.result == f"tick {ticks.index('running') + 1}"


def deaf_to_cancel(inputs, progress, cancel):
    """A job inside one long call that never looks at its token (a model's weights loading)."""
    progress(0.0, "loading the model")
    time.sleep(600)
    return "loaded"


def answer(inputs, progress, cancel):
    return f"answered {inputs}"


def test_cancel_ends_a_job_stuck_in_a_long_call_and_the_next_job_runs(qtbot, window):
    """A generation job that cannot hear its token (loading model weights) is cancelled
    anyway: after a short grace its worker process is ended, and the next job gets a new one."""
    job = window.jobs.submit(Job("Load a model", deaf_to_cancel, None, lane="gpu"))
    qtbot.waitUntil(lambda: job.state == "running" and job.message == "loading the model",
                    timeout=60_000)
    job.cancel()
    qtbot.waitUntil(lambda: not job.active, timeout=60_000)
    assert job.state == "cancelled" and job.result is None
    after = window.jobs.submit(Job("Next", answer, 7, lane="gpu"))
    qtbot.waitUntil(lambda: not after.active, timeout=60_000)
    assert after.state == "done" and after.result == "answered 7"


def test_damaged_project_shows_an_error_dialog(qtbot, window, project_folder, dialogs):
    (project_folder / "project.json").write_text('{"schema": 1, "tracks": [')
    assert window.open_project(project_folder) is False
    assert dialogs and dialogs[-1][0] == "critical"
    assert "damaged" in dialogs[-1][2]
    assert window.folder is None  # still the empty project; nothing was overwritten
    assert (project_folder / "project.json").read_text() == '{"schema": 1, "tracks": ['


def test_newer_autosave_is_offered_on_open(qtbot, window, project_folder, dialogs):
    data = json.loads((project_folder / "project.json").read_text())
    data["title"] = "Recovered title"
    (project_folder / "autosave").mkdir()
    auto = project_folder / "autosave" / "project.json"
    auto.write_text(json.dumps(data))
    import os

    st = (project_folder / "project.json").stat()
    os.utime(auto, (st.st_mtime + 5, st.st_mtime + 5))
    assert window.open_project(project_folder)
    assert dialogs[-1][0] == "question" and "autosave" in dialogs[-1][2]
