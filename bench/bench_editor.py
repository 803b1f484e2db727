"""Editor budgets: launch to window shown (1.5 s, no torch), timeline repaint with 300 clips and
a 10-minute waveform (16 ms), and the playhead moving alone (4 ms: the lanes come from the
timeline's cached picture, the playhead is an item of its own). The UI thread's worst stall while
jobs run (50 ms) and cancel latency (1 s) are bench/bench_jobs.py's.

Whole-timeline repaint: the cached picture dropped (as any edit, scroll or zoom does) and the
viewport repainted at once (QWidget.repaint: paint and composite, no event loop between).
Playhead-only: the playhead moved by a few pixels and the viewport repainted.

Each figure is printed beside its budget and beside a baseline taken in the same run (a bare Qt
window's launch), since the machine is shared.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_editor.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

LAUNCH = """
import sys, time
from PySide6.QtWidgets import QApplication
{body}
app.processEvents()
heavy = sorted(m for m in ("torch", "transformers", "diffusers", "accelerate") if m in sys.modules)
print(time.time(), ",".join(heavy) or "-")
"""
EDITOR = """
from promodesk.app.main_window import MainWindow
from promodesk.app.theme import apply_theme
app = QApplication([])
apply_theme(app)
w = MainWindow()
w.show()
"""
BARE = """
from PySide6.QtWidgets import QMainWindow
app = QApplication([])
w = QMainWindow()
w.show()
"""


def launch_seconds(body: str) -> tuple[float, str]:
    code = LAUNCH.format(body=body)
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PROMODESK_CACHE": tempfile.mkdtemp()})
    shown, heavy = out.stdout.split()[-2:]
    return float(shown) - t0, heavy


def bench_launch() -> None:
    editor = [launch_seconds(EDITOR) for _ in range(3)]
    bare = [launch_seconds(BARE)[0] for _ in range(3)]
    best = min(s for s, _ in editor)
    heavy = editor[0][1]
    print(f"launch to window shown: {best:.2f} s (best of 3; budget 1.50 s; bare Qt window "
          f"{min(bare):.2f} s, ratio {best / min(bare):.1f}x); heavy modules imported: {heavy}")


def _ten_minute_audio(folder: Path) -> Path:
    import numpy as np
    import soundfile as sf

    sr, seconds = 48000, 600
    t = np.arange(sr * seconds, dtype=np.float32) / sr
    audio = (0.4 * np.sin(2 * np.pi * 0.25 * t) * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    path = folder / "tenminutes.wav"
    sf.write(path, np.stack([audio, audio], axis=1), sr, subtype="PCM_16")
    return path


def bench_repaint() -> None:
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtWidgets import QApplication

    from promodesk.app import media_cache
    from promodesk.app.jobs import JobRunner
    from promodesk.app.media import MediaStore, pixmap_from_rgb
    from promodesk.app.timeline import TimelineView
    from promodesk.app.undo import ProjectUndo
    from promodesk.core.document import Document
    from promodesk.core.projectfile import add_asset
    from promodesk.core.timeline import Asset, CaptionCue, Clip, Project, Recipe, Take, TrackKind
    from promodesk.engines.base import CancelToken, no_progress

    app = QApplication.instance() or QApplication([])
    folder = Path(tempfile.mkdtemp()) / "bench.promodesk"
    (folder / "assets").mkdir(parents=True)
    os.environ["PROMODESK_CACHE"] = str(folder.parent / "cache")
    wav = add_asset(folder, _ten_minute_audio(folder.parent))
    photo = add_asset(folder, ROOT / "resources" / "examples" / "products" / "espresso-cup.png")
    project = Project.for_aspect("9:16", "bench")
    length = 600_000_000
    beats = list(range(0, length, 500_000))
    project.assets[wav] = Asset(wav, "audio", length, {"beats_us": beats, "downbeats_us": beats[::4],
                                                       "seconds": 600.0, "bpm": 120, "sections": []})
    video, music, captions = (project.add_track(k) for k in (TrackKind.VIDEO, TrackKind.MUSIC, TrackKind.CAPTIONS))
    params = {"kind": "hero", "move": "auto", "text": "", "title": "", "price": "", "old_price": "",
              "cta": "", "colors": [], "transition_in": {"kind": "cut", "duration_us": 0}}
    for i in range(300):
        video.clips.append(Clip(i * 2_000_000, 1_900_000, [Take(photo, Recipe("shots", params, 1))], name=f"shot {i}"))
        captions.clips.append(Clip(i * 2_000_000, 1_500_000, [Take(None, Recipe("captions", {}))],
                                   cue=CaptionCue(f"Caption number {i} with a few words"), name=str(i)))
    music.clips.append(Clip(0, length, [Take(wav, Recipe("composer", {}, 1), length)], name="music",
                            fade_in=2_000_000, fade_out=4_000_000))  # its fade handles drawn too
    jobs = JobRunner()
    media = MediaStore(jobs)
    media.set_folder(folder)
    peaks = media_cache.build_peaks((wav, folder / "assets" / wav), no_progress, CancelToken())
    media._peaks[wav] = peaks
    key, frames = media_cache.build_thumbnails({"key": "bench", "params": params, "seed": 1,
                                                "photo": folder / "assets" / photo,
                                                "duration_us": 1_900_000, "aspect": (1080, 1920)},
                                               no_progress, CancelToken())
    strip = [pixmap_from_rgb(f) for f in frames]
    media.thumbnails = lambda _project, _clip: strip  # every clip shows the real strip
    document = Document()
    view = TimelineView(media, document, ProjectUndo(document))
    view.resize(1400, 320)
    document.replace(project, folder)
    view.show()
    app.processEvents()
    image = QImage(view.viewport().size(), QImage.Format_ARGB32_Premultiplied)
    for label, zoom in (("whole 10 minutes (300 clips visible)", None), ("zoomed to 20 s", 20.0)):
        if zoom:
            view.vb.setXRange(100, 100 + zoom, padding=0)
            app.processEvents()
        times = []
        if os.environ.get("BENCH_PROFILE"):
            import cProfile, pstats
            painter = QPainter(image)
            prof = cProfile.Profile(); prof.enable(); view.paint_all(painter); prof.disable(); painter.end()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(12)
        cpu = []
        for _ in range(25):
            painter = QPainter(image)
            t, c = time.perf_counter(), time.thread_time()
            view.paint_all(painter)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
            painter.end()
        full, full_cpu = [], []
        for _ in range(25):
            t, c = time.perf_counter(), time.thread_time()
            view.canvas.update()  # drop the cached picture, as an edit or a scroll does
            view.viewport().repaint()
            full.append((time.perf_counter() - t) * 1000)
            full_cpu.append((time.thread_time() - c) * 1000)
        moved, moved_cpu = [], []
        (x0, x1), _ = view.vb.viewRange()
        for i in range(60):  # a playhead playing across the view
            us = int((x0 + (x1 - x0) * (0.1 + 0.01 * i)) * 1e6)
            t, c = time.perf_counter(), time.thread_time()
            view.set_playhead(us)
            view.viewport().repaint()
            moved.append((time.perf_counter() - t) * 1000)
            moved_cpu.append((time.thread_time() - c) * 1000)
        print(f"timeline, {label}: whole-timeline repaint median {statistics.median(full):.1f} ms "
              f"wall ({statistics.median(full_cpu):.1f} ms CPU; the rest is a shared machine), "
              f"worst {max(full):.1f} ms (budget 16 ms); playhead-only repaint median "
              f"{statistics.median(moved):.2f} ms wall ({statistics.median(moved_cpu):.2f} ms "
              f"CPU), worst {max(moved):.2f} ms (budget 4 ms); painting the lanes alone "
              f"(paint_all into an image) {statistics.median(times):.1f} ms wall "
              f"({statistics.median(cpu):.1f} ms CPU)")
    jobs.shutdown()


if __name__ == "__main__":
    bench_launch()
    bench_repaint()
