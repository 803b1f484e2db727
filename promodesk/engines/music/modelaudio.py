"""What the music model engines (MusicGen, ACE-Step) share: the text prompt built from a music spec,
the move between a model's own rate and PromoDesk's 48 kHz stereo, the samples of a bar range,
and a beat grid estimated from audio for music no grid was laid for."""

from __future__ import annotations

from typing import Any

import numpy as np

from promodesk.core.timeline import SAMPLE_RATE, sample_at, us_from_seconds
from promodesk.engines.base import GenerationError

# General MIDI program families -> words MusicGen's text encoder knows.
_GM_FAMILIES = ["piano", "chromatic percussion", "organ", "guitar", "bass", "strings",
                "strings ensemble", "brass", "saxophone", "flute", "synth lead", "synth pad",
                "synth effects", "ethnic instruments", "percussion", "sound effects"]


def music_prompt(spec: Any, extra: str = "") -> str:
    """The English text prompt for ``spec`` (a MusicSpec, or anything with style / bpm / key /
    mode / instruments / mood attributes): style, mood, instruments, key and tempo."""
    parts = []
    style = str(getattr(spec, "style", "") or "").replace("_", " ")
    mood = getattr(spec, "mood", None) or getattr(spec, "moods", None)
    if isinstance(mood, (list, tuple)):
        mood = ", ".join(str(m) for m in mood)
    energy = getattr(spec, "energy", None)
    if isinstance(energy, (int, float)):
        parts.append("energetic" if energy > 0.66 else "relaxed" if energy < 0.33 else "steady")
    if mood and str(mood) not in ("neutral", *style.split()):
        parts.append(str(mood))
    parts.append(f"{style} background music for a product video" if style
                 else "background music for a product video")
    instruments = getattr(spec, "instruments", None) or {}
    names = []
    for role, program in dict(instruments).items():
        name = "drums" if "drum" in str(role) else _GM_FAMILIES[int(program) // 8 % 16]
        if name not in names:
            names.append(name)
    if names:
        parts.append("with " + ", ".join(names))
    key, mode = getattr(spec, "key", None), getattr(spec, "mode", None)
    if key:
        parts.append(f"in {key} {mode or ''}".strip())
    bpm = getattr(spec, "bpm", None)
    if bpm:
        parts.append(f"{float(bpm):.0f} bpm")
    if extra:
        parts.append(extra)
    return ", ".join(parts)


def bar_samples(meta: dict, bars: tuple[int, int], n: int) -> tuple[int, int]:
    """The sample span ``(s0, s1)`` at 48 kHz of bars ``a``..``b - 1`` (zero-based, of
    ``meta["downbeats_us"]``) in a piece of ``n`` samples; a range running past the last bar line
    ends at the end. GenerationError (a message for the user) for a range outside the piece."""
    downbeats = list(meta.get("downbeats_us") or [])
    a, b = bars
    if not downbeats or not 0 <= a < b:
        raise GenerationError("Choose a bar range inside the music to regenerate.")
    s0 = sample_at(downbeats[a]) if a < len(downbeats) else n
    s1 = sample_at(downbeats[b]) if b < len(downbeats) else n
    if s0 >= n:
        raise GenerationError("That bar range starts after the end of the music.")
    return s0, s1


def to_48k_stereo(audio: np.ndarray, sr: int, seconds: float, headroom: float | None = 0.89) -> np.ndarray:
    """(channels, samples) at ``sr`` -> float32 (n, 2) at 48 kHz, exactly ``seconds`` long; peaks
    above ``headroom`` (linear; None: untouched) are scaled down to it."""
    from math import gcd

    from scipy.signal import resample_poly

    sr = int(sr)
    g = gcd(SAMPLE_RATE, sr)
    out = audio.astype(np.float64) if sr == SAMPLE_RATE else resample_poly(
        audio.astype(np.float64), SAMPLE_RATE // g, sr // g, axis=1,
        padtype="line")  # no edge ramp, even with a DC offset
    out = np.repeat(out, 2, axis=0) if out.shape[0] == 1 else out[:2]
    n = int(round(seconds * SAMPLE_RATE))
    out = np.pad(out, ((0, 0), (0, max(0, n - out.shape[1]))))[:, :n].T
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    if headroom is not None and peak > headroom:  # loudness is set later, in the mix
        out = out * (headroom / peak)
    return np.ascontiguousarray(out, dtype=np.float32)


def from_48k(audio: np.ndarray, sr: int) -> np.ndarray:
    """float32 (n, 2) at 48 kHz -> (2, samples) at the model's rate ``sr``."""
    from math import gcd

    from scipy.signal import resample_poly

    sr = int(sr)
    if sr == SAMPLE_RATE:
        return np.ascontiguousarray(audio.T, dtype=np.float32)
    g = gcd(SAMPLE_RATE, sr)
    return resample_poly(audio.T.astype(np.float64), sr // g, SAMPLE_RATE // g,
                         axis=1, padtype="line").astype(np.float32)


def beat_meta(audio: np.ndarray, spec: Any) -> dict:
    """Beat grid of ``audio`` (float32 (n, 2) at 48 kHz) estimated with librosa, in the contract's
    meta shape (bpm, beats_us, downbeats_us, sections, time signature). Where librosa finds no
    steady beat the spec's tempo lays the grid."""
    import librosa

    beats_per_bar = int(getattr(spec, "beats_per_bar", 4) or 4)
    beat_unit = int(getattr(spec, "beat_unit", 4) or 4)
    spec_bpm = float(getattr(spec, "bpm", 0) or 120.0)
    seconds = audio.shape[0] / SAMPLE_RATE
    mono = audio.mean(axis=1)
    tempo, beats = librosa.beat.beat_track(y=mono, sr=SAMPLE_RATE, start_bpm=spec_bpm,
                                           units="time", hop_length=512)
    tempo = float(np.atleast_1d(tempo)[0]) if np.size(tempo) else 0.0
    source = "estimated"
    if len(beats) < 4 or not 40 <= tempo <= 240:
        step = 60.0 / spec_bpm
        beats, tempo, source = np.arange(0.0, seconds, step), spec_bpm, "spec"
    beats_us = [us_from_seconds(t) for t in beats]
    downbeats_us = beats_us[::beats_per_bar]
    sections = []
    bar_us = [*downbeats_us, us_from_seconds(seconds)]
    for sec in getattr(spec, "sections", None) or []:
        start, count = int(sec["start_bar"]), int(sec["bars"])
        if start >= len(downbeats_us):
            break
        end = bar_us[min(start + count, len(bar_us) - 1)]
        sections.append({"name": sec["name"], "start_us": bar_us[start], "end_us": end,
                         "start_bar": start, "bars": count})
    return {"bpm": round(tempo, 2), "key": getattr(spec, "key", ""),
            "mode": getattr(spec, "mode", ""), "time_signature": [beats_per_bar, beat_unit],
            "beats_us": beats_us, "downbeats_us": downbeats_us, "sections": sections,
            "beat_source": source}
