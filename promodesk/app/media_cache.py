"""Waveform peaks and thumbnail strips: computed once per asset in a job, cached on disk.

Both live under the user's cache folder (``platformdirs.user_cache_dir("promodesk")``, or
``$PROMODESK_CACHE``), named by the content hash of what they were made from: an audio asset's id
is already the SHA-256 of its bytes, and a thumbnail strip is keyed by the take's asset, recipe and
length. So a cache entry can never describe changed content, and projects share entries.

Waveforms are stored as a pyramid of (min, max) peaks: level 0 has one pair per
:data:`BLOCK` samples, each next level folds :data:`FOLD` pairs into one. Drawing a ten-minute
waveform then costs what one screen of it costs: :func:`column_peaks` reads the coarsest level
that still has a pair per pixel column.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from promodesk.core.atomic import atomic_writer

BLOCK = 256  # samples per level-0 peak (5.3 ms at 48 kHz)
FOLD = 8
THUMB_HEIGHT = 72  # pixels; the video lane draws the strip at this height
THUMB_FRAMES = 6
RENDER_HEIGHT = 320  # thumbnails are rendered this tall, then shrunk to THUMB_HEIGHT


def cache_dir(kind: str) -> Path:
    """The folder holding cached ``kind`` files (``waveforms`` or ``thumbnails``), created."""
    root = os.environ.get("PROMODESK_CACHE")
    if not root:
        import platformdirs

        root = platformdirs.user_cache_dir("promodesk", appauthor=False)
    folder = Path(root) / kind
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Peaks:
    """Peak pyramid of a mono-folded audio file. ``levels[i]`` is an array (n, 2) float32 of
    (min, max) per ``BLOCK * FOLD**i`` samples; ``seconds`` is the file's length."""

    sample_rate: int
    seconds: float
    levels: list[np.ndarray]

    def samples_per_peak(self, level: int) -> int:
        return BLOCK * FOLD ** level


def _save_atomic_npz(path: Path, **arrays) -> None:
    with atomic_writer(path) as f:
        np.savez(f, **arrays)


def load_peaks(asset_id: str) -> Peaks | None:
    """The cached peaks of audio asset ``asset_id``, or None when they are not built yet."""
    path = cache_dir("waveforms") / f"{asset_id}.npz"
    if not path.is_file():
        return None
    try:
        with np.load(path) as data:
            n = int(data["n_levels"])
            return Peaks(int(data["sample_rate"]), float(data["seconds"]),
                         [data[f"level{i}"] for i in range(n)])
    except (OSError, ValueError, KeyError):
        return None  # a damaged entry is rebuilt


def build_peaks(inputs: tuple[str, Path], progress, cancel) -> Peaks:
    """Job: read audio file ``inputs[1]`` (asset id ``inputs[0]``) in chunks and build its peak
    pyramid, cache it and return it. Raises ``RuntimeError`` with a user message when the file
    cannot be read."""
    import soundfile

    asset_id, path = inputs
    cached = load_peaks(asset_id)
    if cached is not None:
        return cached
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, OSError) as err:
        raise RuntimeError(f"Cannot read the audio file {Path(path).name} ({err}).") from None
    chunk = BLOCK * 4096
    parts = []
    done = 0
    with soundfile.SoundFile(str(path)) as f:
        for block in f.blocks(blocksize=chunk, dtype="float32", always_2d=True):
            cancel.check()
            mono = block.mean(axis=1)
            pad = (-len(mono)) % BLOCK
            if pad:
                mono = np.concatenate([mono, np.zeros(pad, np.float32)])
            frames = mono.reshape(-1, BLOCK)
            parts.append(np.stack([frames.min(axis=1), frames.max(axis=1)], axis=1))
            done += len(block)
            progress(0.9 * done / max(info.frames, 1), "Reading audio")
    level = np.concatenate(parts) if parts else np.zeros((1, 2), np.float32)
    levels = [level.astype(np.float32)]
    while len(levels[-1]) > FOLD:
        prev = levels[-1]
        pad = (-len(prev)) % FOLD
        if pad:
            prev = np.concatenate([prev, np.repeat(prev[-1:], pad, axis=0)])
        folded = prev.reshape(-1, FOLD, 2)
        levels.append(np.stack([folded[:, :, 0].min(axis=1), folded[:, :, 1].max(axis=1)], axis=1))
    peaks = Peaks(int(info.samplerate), info.frames / info.samplerate, levels)
    _save_atomic_npz(cache_dir("waveforms") / f"{asset_id}.npz", sample_rate=peaks.sample_rate,
                     seconds=peaks.seconds, n_levels=len(levels),
                     **{f"level{i}": lv for i, lv in enumerate(levels)})
    progress(1.0, "Waveform ready")
    return peaks


def column_peaks(peaks: Peaks, t0: float, t1: float, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """(mins, maxs), each ``columns`` long, of the audio between ``t0`` and ``t1`` seconds of the
    file, one pair per pixel column; zeros where the file has no audio."""
    columns = max(int(columns), 1)
    span = max(t1 - t0, 1e-9)
    samples_per_col = span * peaks.sample_rate / columns
    level = 0
    while level + 1 < len(peaks.levels) and peaks.samples_per_peak(level + 1) <= samples_per_col:
        level += 1
    data = peaks.levels[level]
    per = peaks.samples_per_peak(level)
    edges = (t0 + span * np.arange(columns + 1) / columns) * peaks.sample_rate / per
    idx = np.clip(edges.astype(np.int64), 0, len(data))
    lo, hi = idx[:-1], np.maximum(idx[1:], idx[:-1] + 1)
    valid = lo < len(data)
    mins = np.zeros(columns, np.float32)
    maxs = np.zeros(columns, np.float32)
    if valid.any():
        starts = lo[valid]
        # reduceat runs each column to the next one's start; cut the data at the last column's end
        end = int(min(hi[valid][-1], len(data)))
        mins[valid] = np.minimum.reduceat(data[:end, 0], starts)
        maxs[valid] = np.maximum.reduceat(data[:end, 1], starts)
        narrow = valid & (hi - lo <= 1)
        mins[narrow] = data[lo[narrow], 0]
        maxs[narrow] = data[lo[narrow], 1]
    return mins, maxs


# --- thumbnails ----------------------------------------------------------------------------------

def thumbnail_key(asset: str | None, recipe: dict, duration_us: int, height: int) -> str:
    """Cache key of a clip take's thumbnail strip."""
    blob = json.dumps([asset, recipe, duration_us, height], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


def load_thumbnails(key: str) -> list[np.ndarray] | None:
    """The cached strip ``key`` as a list of (h, w, 3) uint8 frames, or None if not built."""
    path = cache_dir("thumbnails") / f"{key}.npz"
    if not path.is_file():
        return None
    try:
        with np.load(path) as data:
            strip = data["frames"]
    except (OSError, ValueError, KeyError):
        return None
    return list(strip)


def build_thumbnails(inputs: dict, progress, cancel) -> tuple[str, list[np.ndarray]]:
    """Job: render ``THUMB_FRAMES`` small frames of one video take across its length with the
    take's engine (the renderer's own frame source), cache them and return ``(key, frames)``.

    ``inputs``: key, engine (default shots), params, seed, photo (path or None), duration_us,
    aspect (w, h) of the project canvas."""
    from promodesk.engines import registry
    from promodesk.engines.visuals.media import open_media

    key = inputs["key"]
    cached = load_thumbnails(key)
    if cached is not None:
        return key, cached
    from PIL import Image

    w_canvas, h_canvas = inputs["aspect"]

    def size(height: int) -> tuple[int, int]:
        return max(2, int(round(height * w_canvas / h_canvas / 2)) * 2), height

    # Shots are laid out for real screens: render at RENDER_HEIGHT, then shrink with Pillow.
    photo = open_media(inputs["photo"]) if inputs.get("photo") else None  # a photo or footage
    cancel.check()
    # drawn by the take's engine (UnknownEngine for one this version lacks: no strip)
    engine = registry.visual_engine(inputs.get("engine", "shots"))
    renderer = engine.frame_source(dict(inputs["params"]), photo, size(RENDER_HEIGHT),
                                   int(inputs["duration_us"]), int(inputs.get("seed", 0)))
    frames = []
    duration = int(inputs["duration_us"])
    for i in range(THUMB_FRAMES):
        cancel.check()
        t = int(duration * (i + 0.5) / THUMB_FRAMES)
        if getattr(renderer, "source_time", False):  # footage reads its file by time
            t += int(inputs.get("in_point_us", 0))
        big = Image.fromarray(np.ascontiguousarray(renderer.frame(t)[:, :, :3], dtype=np.uint8))
        frames.append(np.asarray(big.resize(size(THUMB_HEIGHT), Image.LANCZOS)))
        progress((i + 1) / THUMB_FRAMES, "Thumbnails")
    _save_atomic_npz(cache_dir("thumbnails") / f"{key}.npz", frames=np.stack(frames))
    return key, frames
