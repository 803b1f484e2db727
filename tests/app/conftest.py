"""Fixtures for the editor tests: a real project folder (photo asset, music WAV with its beat
grid, shots, captions) built from core objects, isolated caches and settings, and a window."""

from __future__ import annotations

from pathlib import Path

import pytest
import soundfile as sf

from promodesk.core.projectfile import add_asset, save_project
from promodesk.core.timeline import Asset, CaptionCue, Clip, Project, Recipe, Take, TrackKind

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"
SECONDS = 8


_MUSIC: dict[int, tuple[bytes, dict, dict]] = {}


def composed_music(seconds: int = SECONDS) -> tuple[bytes, dict, dict]:
    """(WAV bytes, asset meta, spec dict) of real music from the composer, made once per run."""
    if seconds not in _MUSIC:
        import io

        from promodesk.engines.music.composer import ComposerEngine
        from promodesk.core.musicspec import spec_from_text

        spec = spec_from_text("Warm morning coffee in a cup to hold.", seconds, seed=3)
        result = ComposerEngine().generate(spec)
        buf = io.BytesIO()
        sf.write(buf, result.audio, result.sample_rate, format="WAV", subtype="PCM_24")
        _MUSIC[seconds] = (buf.getvalue(), dict(result.meta), spec.to_dict())
    return _MUSIC[seconds]


def shot_params(kind: str, text: str = "") -> dict:
    return {"kind": kind, "move": "auto", "text": text, "title": "", "price": "", "old_price": "",
            "cta": "", "colors": [], "transition_in": {"kind": "cut", "duration_us": 0}}


def build_project(folder: Path, with_music: bool = True) -> Project:
    """Save a small project in ``folder``: 4 shots of 1.5 s every 2.5 s, composed music,
    2 captions."""
    project = Project.for_aspect("9:16", title="Espresso test")
    photo = add_asset(folder, PHOTO)
    project.assets[photo] = Asset(photo, "image", None, {}, "test photo")
    video = project.add_track(TrackKind.VIDEO, "Shots")
    for i, kind in enumerate(["hero", "detail", "feature", "cta"]):
        video.clips.append(Clip(start=i * 2_500_000, duration=1_500_000, name=kind,
                                takes=[Take(photo if kind != "cta" else None,
                                            Recipe("shots", shot_params(kind, "Hello"), 10 + i))]))
    if with_music:
        data, meta, spec = composed_music()
        music_id = add_asset(folder, data, "wav")
        length = meta["duration_us"]
        project.assets[music_id] = Asset(music_id, "audio", length, meta, meta["licence"])
        music = project.add_track(TrackKind.MUSIC, "Music")
        music.clips.append(Clip(start=0, duration=length, name=spec["style"],
                                takes=[Take(music_id, Recipe("composer", spec, spec["seed"]), length)]))
    caps = project.add_track(TrackKind.CAPTIONS, "Captions")
    for i, text in enumerate(["每一个清晨", "Order now"]):
        caps.clips.append(Clip(start=i * 3_000_000, duration=2_000_000, name=text,
                               cue=CaptionCue(text, "outline"), takes=[Take(None, Recipe("captions", {}))]))
    save_project(project, folder)
    return project


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PROMODESK_PROJECTS", str(tmp_path / "projects"))
    monkeypatch.setenv("PROMODESK_EXAMPLE_DIR", str(tmp_path / "example.promodesk"))


@pytest.fixture(autouse=True)
def dialogs(monkeypatch):
    """Every QMessageBox the editor opens, recorded instead of shown (a modal dialog would block
    the test): a list of (kind, title, text). ``question`` answers No / Discard."""
    from PySide6.QtWidgets import QMessageBox

    seen = []

    def record(kind, answer):
        def show(_parent, title, text, *args, **kwargs):
            seen.append((kind, title, text))
            return answer
        return show

    monkeypatch.setattr(QMessageBox, "critical", record("critical", QMessageBox.Ok))
    monkeypatch.setattr(QMessageBox, "warning", record("warning", QMessageBox.Ok))
    monkeypatch.setattr(QMessageBox, "information", record("information", QMessageBox.Ok))
    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.Discard))
    return seen


@pytest.fixture
def project_folder(tmp_path) -> Path:
    folder = tmp_path / "espresso.promodesk"
    build_project(folder)
    return folder


@pytest.fixture
def window(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from promodesk.app.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.IniFormat)
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    warm = w.jobs.warm_up()  # the worker processes, started before a test measures anything
    qtbot.waitUntil(lambda: not any(j.active for j in warm), timeout=30_000)
    yield w
    w.undo.setClean()
    w.jobs.shutdown()
    w.frames.stop()


def wait_jobs(qtbot, window, timeout=60_000):
    """Wait until no job of the window is active."""
    qtbot.waitUntil(lambda: not window.jobs.active_jobs(), timeout=timeout)


class TickProbe:
    """A 10 ms QTimer on the UI thread counting its ticks, and how many came while ``busy()``
    held (say, while jobs ran). Ticks, not milliseconds: a UI thread that waited on a job would
    not tick at all while it ran, on a fast machine or a loaded one. The worst gap in milliseconds
    is a figure for bench/bench_jobs.py."""

    def __init__(self, busy=lambda: True):
        from PySide6.QtCore import QTimer

        self.busy = busy
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.ticks = 0
        self.busy_ticks = 0

    def _tick(self):
        self.ticks += 1
        if self.busy():
            self.busy_ticks += 1

    def __enter__(self):
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.stop()
