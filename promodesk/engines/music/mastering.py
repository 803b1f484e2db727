"""Mastering: mix bus processing (pedalboard: EQ, glue compression, reverb send, limiter) and
loudness (ITU-R BS.1770 integrated loudness with pyloudnorm, true peak by 4x oversampling).

Public loudness functions (contract 1; the final mix uses them too):
``integrated_lufs(audio, sr)``, ``true_peak_dbtp(audio, sr)`` and
``normalize_loudness(audio, sr, target_lufs=-14.0, ceiling_dbtp=-1.0)``.
Audio is float32 shaped (n_samples, channels) throughout.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SILENCE_LUFS = -70.0          # BS.1770's absolute gate: anything quieter counts as silence
_SAFETY_DB = 0.5              # the limiter's sample ceiling sits this far under the true-peak one


def integrated_lufs(audio: np.ndarray, sr: int) -> float:
    """Integrated loudness in LUFS (BS.1770-4, gated); -inf for silence or audio under 0.4 s."""
    import pyloudnorm

    audio = np.asarray(audio, dtype=np.float32)     # float32 halves the filter time, same result
    if audio.shape[0] < int(0.4 * sr) or not np.any(audio):
        return float("-inf")
    return float(pyloudnorm.Meter(sr).integrated_loudness(audio))


def _oversampling_filter() -> np.ndarray:
    from scipy.signal import firwin

    # 4x interpolation low-pass, 12 taps per phase as in BS.1770-4 Annex 2, gain 4 for zero-stuffing.
    return (4.0 * firwin(48, 0.25 * 0.95, window=("kaiser", 8.0))).astype(np.float32)


def true_peak_dbtp(audio: np.ndarray, sr: int, near_peaks_db: float | None = None) -> float:
    """True peak in dBTP: the largest absolute sample of the 4x oversampled signal (BS.1770-4
    Annex 2); -inf for silence. ``sr`` is accepted for symmetry (the method is rate-free).

    With ``near_peaks_db`` only the stretches within that many dB of the sample peak are
    oversampled (a 12-tap interpolator cannot lift quieter stretches above it when the margin is
    >= 3 dB): the same answer, faster, for the mastering loop."""
    from scipy.signal import upfirdn

    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    sample_peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if sample_peak == 0.0:
        return float("-inf")
    h = _oversampling_filter()
    peak = sample_peak
    for ch in range(audio.shape[1]):
        x = np.ascontiguousarray(audio[:, ch])
        if near_peaks_db is None:
            peak = max(peak, float(np.max(np.abs(upfirdn(h, x, up=4)))))
            continue
        loud = np.flatnonzero(np.abs(x) >= sample_peak * 10.0 ** (-near_peaks_db / 20.0))
        if not loud.size:  # this channel stays well under the other's peak
            continue
        starts = loud[np.r_[True, np.diff(loud) > 24]]
        ends = loud[np.r_[np.diff(loud) > 24, True]]
        for a, b in zip(starts, ends):
            a, b = max(0, a - 12), min(len(x), b + 13)
            peak = max(peak, float(np.max(np.abs(upfirdn(h, x[a:b], up=4)[48:-48] if b - a > 24
                                                 else upfirdn(h, x[a:b], up=4)))))
    return 20.0 * np.log10(peak)


@dataclass(frozen=True)
class LoudnessSettings:
    """How ``normalize_loudness`` reached its target, so another take of the same piece can be
    processed identically: ``gain_db`` before the limiter, the limiter's sample ``ceiling_db``,
    and ``trim_db`` after it (negative when an inter-sample peak needed room)."""

    gain_db: float
    ceiling_db: float
    trim_db: float = 0.0

    def to_dict(self) -> dict:
        return {"gain_db": self.gain_db, "ceiling_db": self.ceiling_db, "trim_db": self.trim_db}


def apply_loudness(audio: np.ndarray, sr: int, settings: LoudnessSettings) -> np.ndarray:
    """``audio`` (n, channels) through gain, a look-ahead brick-wall limiter and trim; float32."""
    from pedalboard import BrickwallLimiter

    gain = np.float32(10.0 ** (settings.gain_db / 20.0))
    x = np.ascontiguousarray(np.asarray(audio, dtype=np.float32).T * gain)   # a new array
    y = BrickwallLimiter(ceiling_db=settings.ceiling_db, release_ms=120.0)(x, sr)
    y *= np.float32(10.0 ** (settings.trim_db / 20.0))
    return np.ascontiguousarray(y.T, dtype=np.float32)


def loudness_settings(audio: np.ndarray, sr: int, target_lufs: float = -14.0,
                      ceiling_dbtp: float = -1.0) -> LoudnessSettings:
    """Settings that bring ``audio`` to ``target_lufs`` (within about 0.3 LU unless that would
    take more than 12 dB of limiting) with its true peak at or under ``ceiling_dbtp``."""
    return fit_loudness(audio, sr, target_lufs, ceiling_dbtp)[1]


def fit_loudness(audio: np.ndarray, sr: int, target_lufs: float = -14.0,
                 ceiling_dbtp: float = -1.0) -> tuple[np.ndarray, LoudnessSettings]:
    """(``audio`` processed, the LoudnessSettings that did it); see ``loudness_settings``.

    Loudness is measured once (BS.1770); what the limiter then takes away is made up from the
    energy it removed, which tracks the loudness change closely and costs one pass instead of
    another loudness measurement per try."""
    loud = integrated_lufs(audio, sr)
    if loud == float("-inf"):
        settings = LoudnessSettings(0.0, ceiling_dbtp - _SAFETY_DB)
        return apply_loudness(audio, sr, settings), settings

    def energy(x: np.ndarray) -> float:
        flat = np.ascontiguousarray(x, dtype=np.float32).reshape(-1)
        return max(float(np.dot(flat, flat)), 1e-30)

    settings = LoudnessSettings(target_lufs - loud, ceiling_dbtp - _SAFETY_DB)
    before = energy(audio)
    for attempt in range(4):
        y = apply_loudness(audio, sr, settings)
        lost_db = 10.0 * np.log10(before * 10.0 ** (settings.gain_db / 10.0) / energy(y))
        shortfall = (target_lufs - loud) - (settings.gain_db - lost_db)
        if shortfall < 0.2 or attempt == 3 or settings.gain_db > target_lufs - loud + 12.0:
            break
        settings = LoudnessSettings(settings.gain_db + shortfall, settings.ceiling_db)
    over = true_peak_dbtp(y, sr, near_peaks_db=3.0) - ceiling_dbtp
    if over > -0.02:                      # an inter-sample over the sample limiter let through
        settings = LoudnessSettings(settings.gain_db, settings.ceiling_db, -(over + 0.05))
        y *= np.float32(10.0 ** (settings.trim_db / 20.0))
    return y, settings


def normalize_loudness(audio: np.ndarray, sr: int, target_lufs: float = -14.0,
                       ceiling_dbtp: float = -1.0) -> np.ndarray:
    """``audio`` at ``target_lufs`` integrated loudness (LUFS) with true peak <= ``ceiling_dbtp``
    (dBTP), limiting peaks when a plain gain would exceed the ceiling. Silence comes back as is.
    Returns float32 of the same shape."""
    audio = np.asarray(audio, dtype=np.float32)
    mono = audio.ndim == 1
    x = audio[:, None] if mono else audio
    y, _ = fit_loudness(x, sr, target_lufs, ceiling_dbtp)
    return y[:, 0] if mono else y


def bus_chain(room_size: float, sr: int):
    """The master bus before loudness: gentle tone shaping and glue compression (pedalboard)."""
    from pedalboard import (Compressor, HighpassFilter, HighShelfFilter, LowShelfFilter,
                            Pedalboard, PeakFilter)

    return Pedalboard([
        HighpassFilter(cutoff_frequency_hz=32.0),
        LowShelfFilter(cutoff_frequency_hz=90.0, gain_db=1.0, q=0.7),
        PeakFilter(cutoff_frequency_hz=320.0, gain_db=-1.5, q=0.9),
        HighShelfFilter(cutoff_frequency_hz=9000.0, gain_db=1.5, q=0.7),
        Compressor(threshold_db=-16.0, ratio=2.0, attack_ms=15.0, release_ms=160.0),
    ])


def reverb(send: np.ndarray, sr: int, room_size: float) -> np.ndarray:
    """The wet signal of a plate-like reverb for the send bus (low end filtered out first)."""
    from pedalboard import HighpassFilter, Pedalboard, Reverb

    board = Pedalboard([HighpassFilter(cutoff_frequency_hz=250.0),
                        Reverb(room_size=room_size, damping=0.45, wet_level=1.0, dry_level=0.0,
                               width=1.0)])
    return board(np.ascontiguousarray(send.T, dtype=np.float32), sr).T


def master(mix: np.ndarray, send: np.ndarray, sr: int, room_size: float,
           settings: LoudnessSettings | None = None,
           target_lufs: float = -14.0, ceiling_dbtp: float = -1.0):
    """Mastered stereo audio from a dry ``mix`` and a reverb ``send`` (both (n, 2) float32).

    Returns (audio float32 (n, 2), LoudnessSettings used). Pass ``settings`` to process another
    take of the same piece exactly like the first (regenerated bars keep the level)."""
    wet = reverb(send, sr, room_size)
    bus = np.ascontiguousarray((mix + 0.3 * wet).T, dtype=np.float32)
    bus = bus_chain(room_size, sr)(bus, sr).T
    if settings is None:
        return fit_loudness(bus, sr, target_lufs, ceiling_dbtp)
    return apply_loudness(bus, sr, settings), settings
