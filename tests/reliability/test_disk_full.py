"""A full disk: a small tmpfs mounted here (skipped, with the reason, where mounting is not
allowed), and write errors injected into the audio and subtitle writers (run everywhere). Each
case checks the exit code, a message naming the file or folder, no traceback, the inputs
byte-identical and nothing half-written left on the disk."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.reliability.harness import Run, judge, leftovers
from tests.reliability.material import brief_folder, tiny_project


@contextlib.contextmanager
def tmpfs(where: Path, size: str, read_only: bool = False):
    """A tmpfs of ``size`` mounted at ``where`` for the ``with`` body."""
    where.mkdir(parents=True, exist_ok=True)
    opts = f"size={size}" + (",ro" if read_only else "")
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(where)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({r.stderr.strip() or r.returncode}); the "
                    "injected write errors below still run")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(disk: Path, leave_bytes: int = 0) -> None:
    """Fill ``disk`` until about ``leave_bytes`` are free."""
    free = shutil.disk_usage(disk).free - leave_bytes
    with open(disk / "filler", "wb") as f:
        try:
            f.write(b"\0" * max(free, 0))
        except OSError:
            pass


def check(run: Run, tmp: Path) -> None:
    result, verdict = judge(run, tmp)
    assert verdict.ok, (f"{verdict.problems} lost={verdict.lost} left={verdict.left}\n"
                        f"{result.stderr}")


def test_make_onto_a_full_disk_is_refused_before_work(tmp_path):
    brief, _ = brief_folder(tmp_path / "in")
    with tmpfs(tmp_path / "disk", "1m") as disk:
        check(Run(["make", str(brief), "-o", str(disk / "promo.mp4"), "--seconds", "5",
                   "--scale", "0.1"], 1, [str(disk), "MB free"], protect=[tmp_path / "in"]),
              tmp_path)
        assert sorted(os.listdir(disk)) == []


def test_render_onto_a_full_disk_is_refused_before_work(tmp_path):
    folder = tiny_project(tmp_path / "p.promodesk")
    with tmpfs(tmp_path / "disk", "64k") as disk:
        check(Run(["render", str(folder), "-o", str(disk / "x.mp4"), "--encoder", "libx264"], 1,
                  [str(disk), "MB free"], protect=[folder]), tmp_path)
        assert os.listdir(disk) == []


def test_music_onto_a_full_disk_is_refused_before_work(tmp_path):
    with tmpfs(tmp_path / "disk", "1m") as disk:
        check(Run(["music", "Fresh coffee.", "--seconds", "30", "-o", str(disk / "m.wav")], 1,
                  [str(disk), "MB free"]), tmp_path)
        assert os.listdir(disk) == []


def test_read_only_folder_is_refused_before_work(tmp_path):
    brief, _ = brief_folder(tmp_path / "in")
    with tmpfs(tmp_path / "ro", "1m", read_only=True) as ro:
        check(Run(["make", str(brief), "-o", str(ro / "promo.mp4"), "--seconds", "5",
                   "--scale", "0.1"], 1, [str(ro), "cannot write"], protect=[tmp_path / "in"]),
              tmp_path)


@pytest.mark.timeout(300)
def test_project_on_a_disk_that_fills_up_midway(tmp_path):
    """The photo and the music do not fit: a real ENOSPC in the middle of make. No project
    folder, staging folder or temp file is left on that disk."""
    brief, _ = brief_folder(tmp_path / "in")
    with tmpfs(tmp_path / "disk", "300k") as disk:
        check(Run(["make", str(brief), "-o", str(tmp_path / "out" / "promo.mp4"), "--project",
                   str(disk / "p.promodesk"), "--seconds", "5", "--scale", "0.1"], 1,
                  ["disk is full", str(disk / "p.promodesk")], protect=[tmp_path / "in"],
                  absent=[disk / "p.promodesk"]),
              tmp_path)
        assert os.listdir(disk) == [], os.listdir(disk)
        assert not list((tmp_path / "out").glob("*.mp4"))


def test_saving_a_project_onto_a_full_disk_keeps_the_old_one(tmp_path):
    from promodesk.core import projectfile as pf
    from promodesk.core.timeline import Marker

    with tmpfs(tmp_path / "disk", "200k") as disk:
        folder = tiny_project(disk / "p.promodesk")
        old = (folder / "project.json").read_bytes()
        project = pf.load_project(folder)
        project.title = "x" * 4000
        project.markers = [Marker(i * 1000, "m" * 100) for i in range(900)]
        fill(disk)
        with pytest.raises(pf.ProjectSaveError) as err:
            pf.save_project(project, folder)
        assert "intact" in str(err.value) and "p.promodesk" in str(err.value)
        assert (folder / "project.json").read_bytes() == old
        assert not leftovers(disk)
        assert pf.load_project(folder).title == "Tiny"


# --- injected write errors: run everywhere (in this process) ---------------------------------

def _libsndfile_full(*args, **kwargs):
    import soundfile

    raise soundfile.LibsndfileError(9, "Error writing: ")


def _short_write(*args, **kwargs):
    assert 0 == 1  # what soundfile's own check says when the disk took fewer frames


WRITERS = {"libsndfile-error": _libsndfile_full, "short-write": _short_write}


@pytest.mark.parametrize("fault", sorted(WRITERS))
def test_render_audio_temp_on_a_full_disk(tmp_path, monkeypatch, fault):
    import soundfile

    folder = tiny_project(tmp_path / "p.promodesk")
    monkeypatch.setattr(soundfile, "write", WRITERS[fault])
    check(Run(["render", str(folder), "-o", str(tmp_path / "x.mp4"), "--encoder", "libx264"], 1,
              ["disk is full", "x.mp4"], protect=[folder], absent=[tmp_path / "x.mp4"]), tmp_path)


@pytest.mark.parametrize("fault", sorted(WRITERS))
def test_music_on_a_full_disk(tmp_path, monkeypatch, fault):
    import soundfile

    monkeypatch.setattr(soundfile, "write", WRITERS[fault])
    check(Run(["music", "Fresh coffee.", "--seconds", "5", "-o", str(tmp_path / "m.wav")], 1,
              ["m.wav", "disk may be full"], absent=[tmp_path / "m.wav"]), tmp_path)


def test_subtitles_on_a_full_disk(tmp_path, monkeypatch):
    import errno

    import promodesk.render.subtitles as subtitles

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    folder = tiny_project(tmp_path / "p.promodesk")
    monkeypatch.setattr(subtitles, "atomic_write_bytes", full)
    check(Run(["render", str(folder), "-o", str(tmp_path / "x.mp4"), "--encoder", "libx264"], 1,
              ["disk is full", "x.srt"], protect=[folder]), tmp_path)
