"""Job budgets: the UI thread never blocked more than 50 ms while jobs run, and a cancelled job
ended within 1 s.

- UI-thread stall: the worst gap of a 10 ms QTimer on the editor's UI thread while it generates a
  project from a brief, and while it regenerates a shot and two bars of music (key R, as a user
  does), beside the idle UI thread's worst gap in the same run (the machine is shared).
- Cancel latency: from ``Job.cancel()`` on the UI thread (the jobs panel's Cancel) to the job's
  end for a generation running in the worker process; and from ``CancelToken.cancel()`` on
  another thread to ``Cancelled`` inside each engine: the composer, and MusicGen, diffusion
  stills and Bark on tiny random-weight models (their speed per step is not the real models',
  but how often they look at the token is the engines' own code).

The tests check the same properties by the order of events (tests/app/test_jobs.py,
tests/engines/harness.py); the figures live here because they depend on the machine.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_jobs.py [--only stall,cancel,engines]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STALL_BUDGET_MS = 50.0
CANCEL_BUDGET_S = 1.0
BRIEF = ROOT / "resources" / "examples" / "briefs" / "espresso-zh.toml"


class _Editor:
    """A main window with its worker processes started, and a 10 ms tick recorder."""

    def __init__(self):
        from PySide6.QtCore import QEventLoop, QSettings, QTimer
        from PySide6.QtWidgets import QApplication

        from promodesk.app.main_window import MainWindow

        self.app = QApplication.instance() or QApplication([])
        self.all_events = QEventLoop.AllEvents
        self.tmp = Path(tempfile.mkdtemp())
        os.environ["PROMODESK_CACHE"] = str(self.tmp / "cache")
        os.environ["PROMODESK_PROJECTS"] = str(self.tmp / "projects")
        self.window = MainWindow(QSettings(str(self.tmp / "s.ini"), QSettings.IniFormat))
        self.window.resize(1400, 900)
        self.window.show()
        self.spin_until(lambda: False, 0.5)
        warm = self.window.jobs.warm_up()
        self.spin_until(lambda: not any(j.active for j in warm), 60)
        self.gaps: list[float] = []
        self.at: list[float] = []  # when each gap ended, in seconds from the measure's start
        self._last = self._t0 = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000)
        self.at.append(now - self._t0)
        self._last = now

    def spin_until(self, done, seconds: float) -> float:
        """Run the event loop until ``done()`` or ``seconds`` pass; returns the seconds spent."""
        t0 = time.perf_counter()
        while not done() and time.perf_counter() - t0 < seconds:
            self.app.processEvents(self.all_events, 5)
            time.sleep(0.001)
        return time.perf_counter() - t0

    def measure(self, done, seconds: float, start=None) -> tuple[list[float], float]:
        """Tick gaps in ms while the event loop runs until ``done()`` (or ``seconds``), after
        calling ``start()`` (when given) with the timer running; and the seconds it took."""
        self.gaps.clear()
        self.at.clear()
        self._last = self._t0 = time.perf_counter()
        self.timer.start()
        if start is not None:
            start()
        took = self.spin_until(done, seconds)
        self.timer.stop()
        self.worst_at = self.at[self.gaps.index(max(self.gaps))] if self.gaps else 0.0
        return list(self.gaps), took

    def idle_jobs(self) -> bool:
        return not self.window.jobs.active_jobs()

    def close(self) -> None:
        self.window.undo.setClean()
        self.window.jobs.shutdown()
        self.window.frames.stop()


def _stall_line(label: str, gaps: list[float], took: float, idle: list[float],
                worst_at: float | None = None) -> str:
    where = f" (ending {worst_at:.2f} s in)" if worst_at is not None else ""
    worst = max(gaps) if gaps else 0.0
    p99 = sorted(gaps)[int(len(gaps) * 0.99)] if gaps else 0.0
    verdict = "within" if worst <= STALL_BUDGET_MS else "OVER"
    return (f"UI-thread stall while {label} ({took:.1f} s, {len(gaps)} ticks): worst {worst:.0f} ms"
            f"{where}, "
            f"p99 {p99:.0f} ms ({verdict} budget {STALL_BUDGET_MS:.0f} ms); idle baseline worst "
            f"{max(idle):.0f} ms")


def bench_stall() -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from promodesk.core.brief import load_brief
    from tests.app.conftest import build_project

    editor = _Editor()
    idle, _ = editor.measure(lambda: False, 3.0)
    brief = load_brief(BRIEF)
    brief.seconds = 15
    jobs = []
    busy, took = editor.measure(lambda: not jobs[0].active, 600, start=lambda: jobs.append(
        editor.window.generation.generate(brief, folder=editor.tmp / "made.promodesk")))
    job = jobs[0]
    print(_stall_line(f"generating a 15 s project ({job.state})", busy, took, idle,
                      editor.worst_at))
    after, took = editor.measure(lambda: False, 4.0)
    print(_stall_line("showing it (thumbnail, waveform and mix jobs, preview frames)", after,
                      took, idle, editor.worst_at))

    folder = editor.tmp / "espresso.promodesk"
    build_project(folder)
    editor.window.open_project(folder)
    editor.spin_until(editor.idle_jobs, 60)
    shot = editor.window.project.tracks[0].clips[0]
    music = editor.window.project.tracks[1].clips[0]
    timeline = editor.window.timeline

    def regenerate() -> None:
        timeline.select_clip(shot.id)
        QTest.keyClick(timeline, Qt.Key_R)
        timeline.select_clip(music.id)
        timeline.set_bar_range((2, 3))
        QTest.keyClick(timeline, Qt.Key_R)

    busy, took = editor.measure(editor.idle_jobs, 600, start=regenerate)
    print(_stall_line("regenerating a shot and bars 2-3 of the music", busy, took, idle,
                      editor.worst_at))
    editor.close()


def _cancel_line(label: str, seconds: list[float]) -> str:
    worst = max(seconds)
    verdict = "within" if worst <= CANCEL_BUDGET_S else "OVER"
    return (f"cancel latency, {label}: worst {worst * 1000:.0f} ms, median "
            f"{statistics.median(seconds) * 1000:.0f} ms over {len(seconds)} ({verdict} budget "
            f"{CANCEL_BUDGET_S * 1000:.0f} ms)")


def bench_cancel_in_editor(runs: int = 3) -> None:
    from promodesk.core.brief import load_brief

    editor = _Editor()
    took = []
    for i in range(runs):
        brief = load_brief(BRIEF)
        brief.seconds = 30
        job = editor.window.generation.generate(brief, folder=editor.tmp / f"c{i}.promodesk")
        editor.spin_until(lambda: job.fraction > 0.1 or not job.active, 120)
        if not job.active:
            print(f"cancel latency, editor generation: the job ended ({job.state}) before it "
                  "could be cancelled")
            continue
        t0 = time.perf_counter()
        job.cancel()
        editor.spin_until(lambda: not job.active, 60)
        took.append(time.perf_counter() - t0)
        assert job.state == "cancelled", job.state
        editor.spin_until(editor.idle_jobs, 60)
    if took:
        print(_cancel_line("editor generation in the worker process (Cancel to job ended)", took))
    editor.close()


def _engine_cancel_seconds(run, started) -> float:
    """Seconds from ``token.cancel()`` on this thread to ``Cancelled`` inside ``run(progress,
    token)`` on another, cancelled once ``started(fraction, message)`` first holds."""
    from promodesk.engines.base import Cancelled, CancelToken

    token, going, ended = CancelToken(), threading.Event(), [None]

    def progress(fraction: float, message: str = "") -> None:
        if started(fraction, message):
            going.set()

    def job() -> None:
        try:
            run(progress, token)
        except Cancelled:
            ended[0] = time.perf_counter()

    worker = threading.Thread(target=job)
    worker.start()
    if not going.wait(600):
        raise RuntimeError("the job never reported progress")
    t0 = time.perf_counter()
    token.cancel()
    worker.join()
    if ended[0] is None:
        raise RuntimeError("the job was not cancelled")
    return ended[0] - t0


def bench_cancel_in_engines(runs: int = 3) -> None:
    from promodesk.core.musicspec import spec_from_text
    from promodesk.engines.music.composer import ComposerEngine

    spec = spec_from_text("calm warm morning coffee", 60.0, bpm=100, seed=1)
    engines = [("composer, 60 s of music",
                lambda p, t: ComposerEngine().generate(spec, p, t), lambda f, m: f > 0.05)]
    try:
        from tests.engines.tiny_models import tiny_bark, tiny_musicgen, tiny_stable_diffusion
    except ImportError:
        tiny_musicgen = None
    if tiny_musicgen is not None:
        from promodesk.engines.music.musicgen import MusicGenEngine
        from promodesk.engines.visuals.diffusion import StillRequest, StillsEngine
        from promodesk.engines.voice.bark import VoiceEngine

        folder = Path(tempfile.mkdtemp())
        musicgen = MusicGenEngine(tiny_musicgen(folder / "musicgen"))
        stills = StillsEngine(tiny_stable_diffusion(folder / "sd"))
        voice = VoiceEngine(tiny_bark(folder / "bark"))
        request = StillRequest("cup", size=(256, 256), steps=500)
        engines += [
            ("MusicGen (tiny), 60 s", lambda p, t: musicgen.generate(spec, p, t),
             lambda f, m: f > 0.05),
            ("diffusion stills (tiny), 500 steps", lambda p, t: stills.generate(request, p, t),
             lambda f, m: "step" in m),
            ("Bark voice (tiny), five long lines",
             lambda p, t: voice.generate(["晨光温润手感" * 20] * 5, p, t), lambda f, m: f > 0),
        ]
    else:
        print("(no transformers/diffusers here: model engines skipped)")
    for label, run, started in engines:
        print(_cancel_line(label, [_engine_cancel_seconds(run, started) for _ in range(runs)]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="stall,cancel,engines",
                        help="comma-separated: stall, cancel (in the editor), engines")
    args = parser.parse_args()
    parts = set(args.only.split(","))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if "stall" in parts:
        bench_stall()
    if "cancel" in parts:
        bench_cancel_in_editor()
    if "engines" in parts:
        bench_cancel_in_engines()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
