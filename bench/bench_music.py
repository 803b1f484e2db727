"""Composer speed and sound, per style, on ONE CPU core: renders 30 s of each style and prints the
real-time factor (seconds of music per second of CPU time, the process pinned to one core with
os.sched_setaffinity) beside the budget of >= 100x, PASS or FAIL, with wall time beside it (on a
shared machine wall time also counts other processes, so the budget is judged on CPU time). Each
style is rendered ``--repeat`` times (5) and the best is kept. Beside the speed, what an
independent check measures of the same audio: librosa's tempo (error against the spec, allowing
double/half), integrated loudness (target -14 LUFS) and true peak (<= -1 dBTP).

The SoundFont is loaded once per process (a couple of seconds of decoding, printed on its own,
not counted) and one warm-up piece of the same length runs first, so each row is the cost of one
piece in a process that has composed before.

    .venv/bin/python bench/bench_music.py [--seconds 30] [--seed 0] [--repeat 5]
                                          [--png OUT.png [--style S]]

``--png`` also draws a mel spectrogram over a waveform (with the -1 dBFS line) of one render, to
look at: silence gaps, clipping and a missing instrument show there.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")       # before numpy/scipy load: one core, really
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUDGET = 100.0


def measured_tempo(audio: np.ndarray, sr: int) -> float:
    import librosa

    y = librosa.resample(audio.mean(axis=1), orig_sr=sr, target_sr=22050)
    tempo, _ = librosa.beat.beat_track(y=y, sr=22050, hop_length=256)
    return float(np.atleast_1d(tempo)[0])


def tempo_error(tempo: float, bpm: float) -> float:
    """Relative error in percent against the spec's tempo, its double or its half."""
    return 100.0 * min(abs(tempo / (bpm * f) - 1.0) for f in (1.0, 2.0, 0.5))


def picture(audio: np.ndarray, sr: int, out: Path, title: str) -> None:
    """A mel spectrogram (top) over a peak waveform with the -1 dBFS line (bottom), as PNG."""
    import librosa
    from PIL import Image, ImageDraw

    width, spec_h, wave_h = 1400, 320, 160
    mel = librosa.feature.melspectrogram(y=audio.mean(axis=1), sr=sr, n_fft=2048,
                                         hop_length=512, n_mels=160, fmax=20000)
    db = np.clip((librosa.power_to_db(mel, ref=np.max) + 80.0) / 80.0, 0.0, 1.0)[::-1]
    db = db[:, np.linspace(0, db.shape[1] - 1, width).astype(int)]
    rgb = np.stack([db ** 0.8, db ** 2.2, 0.3 + 0.5 * db * (1 - db)], axis=-1)
    canvas = Image.new("RGB", (width, 20 + spec_h + wave_h), (0, 0, 0))
    canvas.paste(Image.fromarray((rgb * 255).astype(np.uint8)).resize((width, spec_h)), (0, 20))
    draw = ImageDraw.Draw(canvas)
    draw.text((5, 4), title, fill=(255, 255, 255))
    top, mid, n = 20 + spec_h, 20 + spec_h + wave_h / 2, len(audio)
    for x in range(width):
        seg = audio[x * n // width:(x + 1) * n // width]
        draw.line([(x, mid - seg.max() * wave_h / 2), (x, mid - seg.min() * wave_h / 2)],
                  fill=(120, 200, 255))
    for sign in (1, -1):
        y = mid - sign * 10 ** (-1 / 20) * wave_h / 2
        draw.line([(0, y), (width, y)], fill=(255, 60, 60))
    draw.line([(0, top), (width, top)], fill=(80, 80, 80))
    canvas.save(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="renders per style; best kept")
    parser.add_argument("--png", type=Path, default=None, help="also draw this render as PNG")
    parser.add_argument("--style", default="upbeat_pop", help="the style --png draws")
    args = parser.parse_args()

    cpu = sorted(os.sched_getaffinity(0))[-1]
    os.sched_setaffinity(0, {cpu})

    from promodesk.engines.music import synth
    from promodesk.engines.music.composer import ComposerEngine
    from promodesk.engines.music.mastering import integrated_lufs, true_peak_dbtp
    from promodesk.core.musicspec import STYLES, spec_from_text

    wall, cpu_t = time.perf_counter(), time.process_time()
    synth.soundfont()
    print(f"pinned to CPU {cpu}; SoundFont load (once per process, not counted): "
          f"{time.process_time() - cpu_t:.2f} s CPU, {time.perf_counter() - wall:.2f} s wall")
    engine = ComposerEngine()
    engine.generate(spec_from_text("", args.seconds, style="upbeat_pop", seed=args.seed + 1))

    print(f"{'style':<22}{'bpm':>8}{'tempo':>9}{'err %':>7}{'LUFS':>8}{'dBTP':>7}"
          f"{'cpu s':>8}{'wall s':>8}{'x real time':>13}{'budget':>8}")
    factors = []
    for style in STYLES:
        spec = spec_from_text("", args.seconds, style=style, seed=args.seed)
        best_cpu = best_wall = float("inf")
        for _ in range(max(1, args.repeat)):
            wall, cpu_t = time.perf_counter(), time.process_time()
            result = engine.generate(spec)
            best_cpu = min(best_cpu, time.process_time() - cpu_t)
            best_wall = min(best_wall, time.perf_counter() - wall)
        sr = result.sample_rate
        tempo = measured_tempo(result.audio, sr)
        factor = args.seconds / best_cpu
        factors.append(factor)
        print(f"{style:<22}{spec.bpm:>8.2f}{tempo:>9.2f}{tempo_error(tempo, spec.bpm):>7.2f}"
              f"{integrated_lufs(result.audio, sr):>8.2f}{true_peak_dbtp(result.audio, sr):>7.2f}"
              f"{best_cpu:>8.3f}{best_wall:>8.3f}{factor:>12.1f}x{BUDGET:>7.0f}x "
              f"{'PASS' if factor >= BUDGET else 'FAIL'}")
        if args.png and style == args.style:
            picture(result.audio, sr, args.png,
                    f"{style} seed {args.seed}: {spec.bpm:.1f} BPM {spec.key} {spec.mode}, "
                    f"{args.seconds:g} s, sections "
                    + " ".join(f"{s['name']}@{s['start_bar']}" for s in spec.sections))
    slowest = min(factors)
    print(f"slowest style: {slowest:.1f}x real time on one core (CPU time; budget >= "
          f"{BUDGET:.0f}x): {'PASS' if slowest >= BUDGET else 'FAIL'}")
    if args.png:
        print(f"picture: {args.png}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
