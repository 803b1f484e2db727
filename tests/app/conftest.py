"""Fixtures for the editor tests: a real project folder (photo asset, music WAV with its beat
grid, shots, captions) built from core objects, isolated caches and settings, and a window."""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from promodesk.core.projectfile import add_asset, save_project
from promodesk.core.timeline import Asset, CaptionCue, Clip, Project, Recipe, Take, TrackKind

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"
BPM = 120
BEAT_US = 60_000_000 // BPM  # 500 ms
SECONDS = 8


def _music_wav(seconds: int = SECONDS) -> tuple[bytes, dict]:
    """A short real WAV: a decaying tone on every beat, louder on bar lines, and its meta."""
    sr = 48000
    n = seconds * sr
    t = np.arange(n) / sr
    audio = 0.05 * np.sin(2 * np.pi * 110 * t)
    beats = list(range(0, seconds * 1_000_000, BEAT_US))
    for i, b in enumerate(beats):
        a = b * sr // 1_000_000
        k = np.arange(min(6000, n - a))
        audio[a:a + len(k)] += (0.8 if i % 4 == 0 else 0.4) * np.exp(-k / 900) * np.sin(2 * np.pi * 880 * k / sr)
    stereo = np.stack([audio, audio], axis=1).astype(np.float32)
    import io

    buf = io.BytesIO()
    sf.write(buf, stereo, sr, format="WAV", subtype="PCM_16")
    meta = {"bpm": BPM, "key": "C", "mode": "major", "time_signature": [4, 4], "beats_us": beats,
            "downbeats_us": beats[::4], "seconds": float(seconds), "seed": 1, "engine": "test-tone",
            "sections": [{"name": "intro", "start_us": 0, "end_us": 4_000_000, "start_bar": 0, "bars": 2},
                         {"name": "chorus", "start_us": 4_000_000, "end_us": 8_000_000, "start_bar": 2, "bars": 2}]}
    return buf.getvalue(), meta


def shot_params(kind: str, text: str = "") -> dict:
    return {"kind": kind, "move": "auto", "text": text, "title": "", "price": "", "old_price": "",
            "cta": "", "colors": [], "transition_in": {"kind": "cut", "duration_us": 0}}


def build_project(folder: Path, with_music: bool = True) -> Project:
    """Save a small project in ``folder``: 4 shots (1 s, 1.5 s apart), music, 2 captions."""
    project = Project.for_aspect("9:16", title="Espresso test")
    photo = add_asset(folder, PHOTO)
    project.assets[photo] = Asset(photo, "image", None, {}, "test photo")
    video = project.add_track(TrackKind.VIDEO, "Shots")
    for i, kind in enumerate(["hero", "detail", "feature", "cta"]):
        video.clips.append(Clip(start=i * 2_000_000, duration=1_500_000, name=kind,
                                takes=[Take(photo if kind != "cta" else None,
                                            Recipe("shots", shot_params(kind, "Hello"), 10 + i))]))
    if with_music:
        data, meta = _music_wav()
        music_id = add_asset(folder, data, "wav")
        project.assets[music_id] = Asset(music_id, "audio", SECONDS * 1_000_000, meta, "test")
        music = project.add_track(TrackKind.MUSIC, "Music")
        music.clips.append(Clip(start=0, duration=SECONDS * 1_000_000, name="music",
                                takes=[Take(music_id, Recipe("composer", {"style": "test"}, 1),
                                            SECONDS * 1_000_000)]))
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
    yield w
    w.undo.setClean()
    w.jobs.shutdown()
    w.frames.stop()


def wait_jobs(qtbot, window, timeout=60_000):
    """Wait until no job of the window is active."""
    qtbot.waitUntil(lambda: not window.jobs.active_jobs(), timeout=timeout)


class StallProbe:
    """A 10 ms QTimer on the UI thread recording the longest gap between ticks (ms)."""

    def __init__(self):
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = None
        self.worst = 0.0
        self.ticks = 0

    def _tick(self):
        now = time.perf_counter()
        if self.last is not None:
            self.worst = max(self.worst, (now - self.last) * 1000)
        self.last = now
        self.ticks += 1

    def __enter__(self):
        self.last = time.perf_counter()
        self.timer.start()
        return self

    def __exit__(self, *exc):
        self.timer.stop()
