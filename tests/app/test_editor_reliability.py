"""The editor under faults: its worker processes die with it (even after kill -9), closing with
Discard is quiet, an autosave is recovered once and marked modified, the brief travels with the
project."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from promodesk.core.edits import EditCaption
from promodesk.core.projectfile import AUTOSAVE_DIR, PROJECT_FILE, load_project, save_project
from promodesk.core.timeline import TrackKind
from tests.app.conftest import wait_jobs

ROOT = Path(__file__).resolve().parents[2]


# --- worker processes die with the editor --------------------------------------------------------

EDITOR = "import sys; from promodesk.app.run import run_editor; sys.exit(run_editor())"


def _proc_stat(pid: int) -> tuple[str, int] | None:
    """(state letter, parent pid) of process ``pid`` from /proc, or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0], int(fields[1])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    stat = _proc_stat(pid)
    return stat is not None and stat[0] != "Z"


def _descendants(root: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _proc_stat(int(entry.name))):
            parents[int(entry.name)] = stat[1]
    found, frontier = [], [root]
    while frontier:
        kids = [pid for pid, ppid in parents.items() if ppid in frontier]
        found += kids
        frontier = kids
    return found


def _workers(editor: int) -> list[int]:
    """Pids of the editor's worker processes (generation, cpu, export, preview; the resource
    tracker too): its descendants running multiprocessing's entry points."""
    return [pid for pid in _descendants(editor) if "multiprocessing" in _cmdline(pid)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads processes from /proc")
def test_worker_processes_exit_when_the_editor_is_killed(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PROMODESK_QUIT_AFTER_MS": "120000",
           "PROMODESK_CACHE": str(tmp_path / "cache"), "PROMODESK_PROJECTS": str(tmp_path / "p"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, "-c", EDITOR], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    everyone: list[int] = []
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while time.monotonic() < deadline:  # warm_up starts generation, cpu and export workers
            workers = [w for w in _workers(proc.pid) if "resource_tracker" not in _cmdline(w)]
            if len(workers) >= 3:
                break
            assert proc.poll() is None, proc.stdout.read()
            time.sleep(0.2)
        assert len(workers) >= 3, f"the editor started {len(workers)} worker processes"
        time.sleep(1.0)  # let them finish starting (the parent-death watch is set up first thing)
        everyone = _workers(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and any(_alive(w) for w in everyone):
            time.sleep(0.1)
        left = [(w, _cmdline(w)[-60:]) for w in everyone if _alive(w)]
        assert left == [], f"worker processes outlived the killed editor: {left}"
    finally:
        if proc.poll() is None:
            proc.kill()
        for w in everyone:  # only when the test failed: never leave them behind
            if _alive(w):
                os.kill(w, signal.SIGKILL)
        proc.stdout.close()


# --- closing with Discard ----------------------------------------------------------------------

def _first_caption(project):
    return project.tracks_of(TrackKind.CAPTIONS)[0].clips[0]


def test_closing_with_discard_leaves_no_traceback(qtbot, tmp_path, project_folder, dialogs, capfd):
    import shiboken6
    from PySide6.QtCore import QSettings

    from promodesk.app.main_window import MainWindow

    # not handed to qtbot: the test deletes it itself
    w = MainWindow(settings=QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat))
    w.show()
    qtbot.waitExposed(w)
    assert w.open_project(project_folder)
    assert w.do(EditCaption(_first_caption(w.project).id, "changed", "outline"))
    assert not w.undo.isClean()
    w.close()  # the dialogs fixture answers Discard
    assert [d[1] for d in dialogs] == ["Unsaved changes"] and not w.isVisible()
    shiboken6.delete(w)  # what the end of the program does: the window and its undo stack go
    qtbot.wait(10)
    err = capfd.readouterr().err
    assert "RuntimeError" not in err and "already deleted" not in err, err


# --- autosave recovery -------------------------------------------------------------------------

def _autosave_newer(folder: Path, text: str) -> Path:
    """Write an autosave (as the editor does) whose first caption reads ``text``, newer than
    project.json."""
    from promodesk.app.main_window import write_autosave
    from promodesk.core.projectfile import project_to_dict

    project = load_project(folder)
    _first_caption(project).cue.text = text
    data = (json.dumps(project_to_dict(project), ensure_ascii=False) + "\n").encode()
    write_autosave((folder, data), None, None)
    auto = folder / AUTOSAVE_DIR / PROJECT_FILE
    later = (folder / PROJECT_FILE).stat().st_mtime + 30
    os.utime(auto, (later, later))
    return auto


def _answer(monkeypatch, answer: str) -> list[str]:
    """Answer every question with QMessageBox.<answer>; returns the titles asked."""
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []

    def question(_parent, title, _text, *args, **kwargs):
        asked.append(title)
        return getattr(QMessageBox, answer)

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def test_a_recovered_autosave_is_modified_and_not_offered_again(qtbot, window, project_folder,
                                                                 monkeypatch):
    auto = _autosave_newer(project_folder, "recovered caption")
    asked = _answer(monkeypatch, "Yes")
    assert window.open_project(project_folder)
    assert asked == ["Recover autosave?"]
    assert _first_caption(window.project).cue.text == "recovered caption"
    assert not window.undo.isClean() and " * - PromoDesk" in window.windowTitle()
    assert not auto.exists() and len(list(auto.parent.glob("answered-*.json"))) == 1
    # Quit asks (answered Yes here, which is neither Save nor Discard: the window stays)
    window.close()
    assert asked == ["Recover autosave?", "Unsaved changes"] and window.isVisible()
    # the recovered state is autosaved again at the next tick, in case of another crash
    assert window.autosave() is not None
    wait_jobs(qtbot, window)
    assert json.loads(auto.read_text("utf-8"))["tracks"][-1]["clips"][0]["cue"]["text"] == \
        "recovered caption"
    # opened again: nothing newer than project.json is offered any more
    auto.unlink()
    asked.clear()
    assert window.open_project(project_folder) and asked == []


def test_an_autosave_answered_no_is_archived_and_the_saved_project_opens(window, project_folder,
                                                                         monkeypatch):
    auto = _autosave_newer(project_folder, "not wanted")
    asked = _answer(monkeypatch, "No")
    assert window.open_project(project_folder)
    assert asked == ["Recover autosave?"]
    assert _first_caption(window.project).cue.text != "not wanted" and window.undo.isClean()
    assert not auto.exists() and len(list(auto.parent.glob("answered-*.json"))) == 1
    assert window.open_project(project_folder) and asked == ["Recover autosave?"]  # not again


# --- the brief travels with the project --------------------------------------------------------

def test_the_brief_is_saved_with_the_project_and_restored_on_open(qtbot, window, project_folder):
    from PySide6.QtCore import Qt

    from promodesk.core.brief import Brief
    from tests.app.conftest import PHOTO

    assert window.open_project(project_folder)
    panel = window.brief_panel
    qtbot.keyClicks(panel.title, "Dawn espresso cup")
    qtbot.keyClicks(panel.copy, "Thick bone china keeps it hot. Order today.")
    qtbot.keyClicks(panel.price, "$49")
    qtbot.keyClicks(panel.cta, "Order now")
    panel.aspect.setCurrentText("1:1")
    panel.seconds.setValue(20)
    inside = next((project_folder / "assets").glob("*.png"))  # the project's copy of a photo
    assert panel.photos.add_photo(inside) and panel.photos.add_photo(PHOTO)
    qtbot.keyClick(window, Qt.Key_S, Qt.ControlModifier)  # File > Save
    saved = json.loads((project_folder / PROJECT_FILE).read_text("utf-8"))["brief"]
    assert saved["title"] == "Dawn espresso cup" and saved["price"] == "$49"
    assert saved["images"] == [f"assets/{inside.name}", str(PHOTO)]  # its own photos move with it

    panel.set_brief(Brief(text=""))  # another project was shown in between
    assert window.open_project(project_folder)
    restored = panel.brief()
    assert (restored.title, restored.text, restored.price, restored.cta, restored.aspect,
            restored.seconds) == ("Dawn espresso cup", "Thick bone china keeps it hot. Order today.",
                                  "$49", "Order now", "1:1", 20)
    assert [p.resolve() for p in restored.images] == [inside.resolve(), PHOTO.resolve()]


def test_project_files_without_a_brief_still_open(project_folder):
    data = json.loads((project_folder / PROJECT_FILE).read_text("utf-8"))
    data.pop("brief", None)  # as written before the brief was saved
    (project_folder / PROJECT_FILE).write_text(json.dumps(data), "utf-8")
    project = load_project(project_folder)
    assert project.brief == {}
    project.brief = {"text": "Hello", "images": ["assets/x.png"]}
    save_project(project, project_folder)
    assert load_project(project_folder).brief == project.brief


def test_a_generated_project_carries_its_brief_into_the_editor(window, tmp_path):
    from promodesk.core.brief import Brief
    from promodesk.engines.assemble import make_project
    from tests.app.conftest import PHOTO

    brief = Brief(text="Thick bone china keeps your espresso hot. Order today.", title="Dawn cup",
                  images=[PHOTO], aspect="1:1", seconds=5, price="$49", cta="Order now")
    folder = tmp_path / "dawn.promodesk"
    make_project(brief, folder)
    saved = load_project(folder).brief
    assert saved["images"][0].startswith("assets/") and saved["price"] == "$49"

    moved = tmp_path / "elsewhere" / "dawn.promodesk"  # the project folder moves; its photos too
    moved.parent.mkdir()
    folder.rename(moved)
    assert window.open_project(moved)
    shown = window.brief_panel.brief()
    assert (shown.title, shown.text, shown.price, shown.cta, shown.aspect, shown.seconds) == \
        ("Dawn cup", brief.text, "$49", "Order now", "1:1", 5)
    assert len(shown.images) == 1 and shown.images[0].is_file()
    assert shown.images[0].resolve().parent == (moved / "assets").resolve()
