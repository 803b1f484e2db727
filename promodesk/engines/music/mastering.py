"""Mastering: mix bus processing (EQ, glue compression, reverb send, limiter: pedalboard, its EQ
filters run as one scipy cascade of the same coefficients) and loudness (ITU-R BS.1770 integrated
loudness with pyloudnorm's filters, true peak by 4x oversampling).

Public loudness functions (contract 1; the final mix uses them too):
``integrated_lufs(audio, sr)``, ``true_peak_dbtp(audio, sr)`` and
``normalize_loudness(audio, sr, target_lufs=-14.0, ceiling_dbtp=-1.0)``.
Audio is float32 shaped (n_samples, channels) throughout.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

SILENCE_LUFS = -70.0          # BS.1770's absolute gate: anything quieter counts as silence
_SAFETY_DB = 0.5              # the limiter's sample ceiling sits this far under the true-peak one


def integrated_lufs(audio: np.ndarray, sr: int) -> float:
    """Integrated loudness in LUFS (BS.1770-4, gated); -inf for silence or audio under 0.4 s.

    pyloudnorm's K-weighting filters and gating, computed in one pass: both filter stages run
    as one second-order-section cascade over both channels, and the 400 ms gating blocks (75 %
    overlap) are sums of 100 ms hops instead of a Python loop over blocks. Agrees with
    ``pyloudnorm.Meter(sr).integrated_loudness`` to within 0.001 LU."""
    import pyloudnorm
    from scipy.signal import sosfilt

    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    n, channels = audio.shape
    if n < int(0.4 * sr) or not np.any(audio):
        return float("-inf")
    stages = pyloudnorm.Meter(sr)._filters.values()          # high shelf, then high pass
    sos = np.array([np.r_[f.b * f.passband_gain, f.a] for f in stages])
    weighted = sosfilt(sos.astype(np.float32), _channel_major(audio), axis=1)
    hop, block = int(round(0.1 * sr)), int(round(0.4 * sr))
    hops = -(-n // hop)
    padded = weighted
    if hops * hop != n:
        padded = np.zeros((channels, hops * hop), dtype=np.float32)
        padded[:, :n] = weighted
    hop_power = np.einsum("chk,chk->ch", *(padded.reshape(channels, hops, hop),) * 2)
    hop_power = hop_power.astype(np.float64)
    blocks = int(round((n / sr - 0.4) / 0.1)) + 1       # as BS.1770 (and pyloudnorm) count them
    hop_power = np.pad(hop_power, ((0, 0), (0, max(0, blocks + 3 - hops))))
    z = sum(hop_power[:, k:k + blocks] for k in range(4)) / block     # (channels, blocks)
    gains = np.array([1.0, 1.0, 1.0, 1.41, 1.41][:channels])[:, None]
    with np.errstate(divide="ignore"):
        block_lufs = -0.691 + 10.0 * np.log10(np.sum(gains * z, axis=0))
    gated = block_lufs >= SILENCE_LUFS
    if not np.any(gated):
        return float("-inf")
    relative = -0.691 + 10.0 * np.log10(np.sum(gains[:, 0] * z[:, gated].mean(axis=1))) - 10.0
    gated = (block_lufs > relative) & (block_lufs > SILENCE_LUFS)
    if not np.any(gated):
        return float("-inf")
    return float(-0.691 + 10.0 * np.log10(np.sum(gains[:, 0] * z[:, gated].mean(axis=1))))


@functools.cache
def _oversampling_filter() -> np.ndarray:
    from scipy.signal import firwin

    # 4x interpolation low-pass, 12 taps per phase as in BS.1770-4 Annex 2, gain 4 for zero-stuffing.
    return (4.0 * firwin(48, 0.25 * 0.95, window=("kaiser", 8.0))).astype(np.float32)


def true_peak_dbtp(audio: np.ndarray, sr: int, near_peaks_db: float | None = None) -> float:
    """True peak in dBTP: the largest absolute sample of the 4x oversampled signal (BS.1770-4
    Annex 2); -inf for silence. ``sr`` is accepted for symmetry (the method is rate-free).

    With ``near_peaks_db`` only the interpolated values next to samples within that many dB of the
    sample peak are computed (a 12-tap interpolator cannot lift quieter stretches above it when
    the margin is >= 3 dB): the same answer, much faster, for the mastering loop."""
    from scipy.signal import upfirdn

    audio = np.asarray(audio, dtype=np.float32)
    if audio.ndim == 1:
        audio = audio[:, None]
    sample_peak = max(float(audio.max()), -float(audio.min())) if audio.size else 0.0
    if sample_peak == 0.0:
        return float("-inf")
    h = _oversampling_filter()
    taps = len(h) // 4
    # phases[m, p] = h[4m + p]: output 4k + p of upfirdn(h, x, up=4) is sum_m x[k - m] h[4m + p].
    phases = h.reshape(taps, 4)
    peak = sample_peak
    n = audio.shape[0]
    for ch in range(audio.shape[1]):
        x = audio[:, ch]
        if near_peaks_db is None:
            peak = max(peak, float(np.max(np.abs(upfirdn(h, np.ascontiguousarray(x), up=4)))))
            continue
        floor = np.float32(sample_peak * 10.0 ** (-near_peaks_db / 20.0))
        loud = _at_least(x, floor)
        if loud.size == 0:                     # a quiet channel cannot hold the true peak
            continue
        k = np.unique((loud[:, None] + np.arange(-taps, taps + 1)).ravel())
        k = k[(k >= 0) & (k < n + taps - 1)]
        idx = k[:, None] - np.arange(taps)
        window = np.where((idx >= 0) & (idx < n), x[np.clip(idx, 0, n - 1)], np.float32(0.0))
        peak = max(peak, float(np.max(np.abs(window @ phases))))
    return 20.0 * np.log10(peak)


def _at_least(x: np.ndarray, level: np.float32, block: int = 256) -> np.ndarray:
    """Indices of the samples of ``x`` (1-D) whose magnitude is >= ``level``, looking inside only
    the blocks whose extremes reach it."""
    m = len(x) // block * block
    blocks = x[:m].reshape(-1, block)
    reach = np.flatnonzero((blocks.max(axis=1) >= level) | (blocks.min(axis=1) <= -level))
    candidates = np.concatenate([(reach[:, None] * block + np.arange(block)).ravel(),
                                 np.arange(m, len(x))])
    values = x[candidates]
    return candidates[(values >= level) | (values <= -level)]


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
    return _interleaved(_limited(audio, sr, settings))


def _limited(audio: np.ndarray, sr: int, settings: LoudnessSettings) -> np.ndarray:
    """``apply_loudness``'s result, channel-major (channels, n) as pedalboard returns it."""
    from pedalboard import BrickwallLimiter, Gain, Pedalboard

    board = Pedalboard([Gain(gain_db=settings.gain_db),
                        BrickwallLimiter(ceiling_db=settings.ceiling_db, release_ms=120.0)])
    y = board(_channel_major(audio), sr)
    if settings.trim_db:
        y *= np.float32(10.0 ** (settings.trim_db / 20.0))
    return y


def _channel_major(audio: np.ndarray) -> np.ndarray:
    """(channels, n) float32 C-contiguous for (n, channels) ``audio``; no copy when ``audio`` is
    already a transposed view of such an array."""
    audio = np.asarray(audio, dtype=np.float32)
    if audio.T.flags.c_contiguous:
        return audio.T
    out = np.empty(audio.T.shape, dtype=np.float32)
    for c in range(len(out)):           # a row at a time: 3x faster than a transposing copy
        out[c] = audio[:, c]
    return out


def _interleaved(audio: np.ndarray) -> np.ndarray:
    """(n, channels) float32 C-contiguous from channel-major (channels, n) ``audio``."""
    out = np.empty(audio.shape[::-1], dtype=np.float32)
    for c in range(len(audio)):
        out[:, c] = audio[c]
    return out


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
        flat = _channel_major(x).reshape(-1)
        return max(float(np.dot(flat, flat)), 1e-30)

    settings = LoudnessSettings(target_lufs - loud, ceiling_dbtp - _SAFETY_DB)
    before = energy(audio)
    for attempt in range(4):
        y = _limited(audio, sr, settings).T
        lost_db = 10.0 * np.log10(before * 10.0 ** (settings.gain_db / 10.0) / energy(y))
        shortfall = (target_lufs - loud) - (settings.gain_db - lost_db)
        if shortfall < 0.2 or attempt == 3 or settings.gain_db > target_lufs - loud + 12.0:
            break
        settings = LoudnessSettings(settings.gain_db + shortfall, settings.ceiling_db)
    over = true_peak_dbtp(y, sr, near_peaks_db=3.0) - ceiling_dbtp
    if over > -0.02:                      # an inter-sample over the sample limiter let through
        settings = LoudnessSettings(settings.gain_db, settings.ceiling_db, -(over + 0.05))
        y *= np.float32(10.0 ** (settings.trim_db / 20.0))
    return _interleaved(y.T), settings


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


def _first_order_highpass(cutoff_hz: float, sr: int) -> list[float]:
    # JUCE's makeFirstOrderHighPass, as pedalboard's HighpassFilter uses it.
    k = np.tan(np.pi * cutoff_hz / sr)
    return [1.0 / (1.0 + k), -1.0 / (1.0 + k), 0.0, 1.0, (k - 1.0) / (1.0 + k), 0.0]


def _shelf(cutoff_hz: float, q: float, gain_db: float, sr: int, high: bool) -> list[float]:
    # JUCE's makeLowShelf / makeHighShelf (pedalboard's LowShelfFilter / HighShelfFilter).
    a_ = np.sqrt(10.0 ** (gain_db / 20.0))
    w = 2.0 * np.pi * cutoff_hz / sr
    cos, beta = np.cos(w), np.sin(w) * np.sqrt(a_) / q
    s = 1.0 if high else -1.0
    b = [a_ * (a_ + 1 + s * (a_ - 1) * cos + beta), -2 * s * a_ * (a_ - 1 + s * (a_ + 1) * cos),
         a_ * (a_ + 1 + s * (a_ - 1) * cos - beta)]
    a = [a_ + 1 - s * (a_ - 1) * cos + beta, 2 * s * (a_ - 1 - s * (a_ + 1) * cos),
         a_ + 1 - s * (a_ - 1) * cos - beta]
    return [x / a[0] for x in b] + [1.0, a[1] / a[0], a[2] / a[0]]


def _peak(cutoff_hz: float, q: float, gain_db: float, sr: int) -> list[float]:
    # JUCE's makePeakFilter (pedalboard's PeakFilter).
    a_ = np.sqrt(10.0 ** (gain_db / 20.0))
    w = 2.0 * np.pi * cutoff_hz / sr
    alpha, c2 = np.sin(w) / (2.0 * q), -2.0 * np.cos(w)
    b, a = [1 + alpha * a_, c2, 1 - alpha * a_], [1 + alpha / a_, c2, 1 - alpha / a_]
    return [x / a[0] for x in b] + [1.0, a[1] / a[0], a[2] / a[0]]


def bus_eq(sr: int) -> np.ndarray:
    """The master bus's tone shaping as float32 second-order sections: a 32 Hz high pass, +1 dB
    low shelf at 90 Hz, -1.5 dB at 320 Hz, +1.5 dB high shelf at 9 kHz. These are pedalboard's
    HighpassFilter, LowShelfFilter, PeakFilter and HighShelfFilter (JUCE's coefficient formulas,
    float32 state), run as one scipy cascade: half the time of four plugin passes."""
    return np.array([_first_order_highpass(32.0, sr), _shelf(90.0, 0.7, 1.0, sr, high=False),
                     _peak(320.0, 0.9, -1.5, sr), _shelf(9000.0, 0.7, 1.5, sr, high=True)],
                    dtype=np.float32)


def bus_chain(bus: np.ndarray, sr: int) -> np.ndarray:
    """The master bus before loudness, channel-major (2, n) float32 in and out: gentle tone
    shaping (``bus_eq``) and glue compression (pedalboard's Compressor)."""
    from pedalboard import Compressor
    from scipy.signal import sosfilt

    shaped = sosfilt(bus_eq(sr), bus, axis=1)
    return Compressor(threshold_db=-16.0, ratio=2.0, attack_ms=15.0, release_ms=160.0)(shaped, sr)


def reverb(send: np.ndarray, sr: int, room_size: float) -> np.ndarray:
    """The wet signal (channel-major (2, n) float32) of a plate-like reverb for the send bus
    ``send``, mono (n,): low end filtered out first (250 Hz, as pedalboard's HighpassFilter).
    pedalboard's (JUCE's) Reverb feeds its two comb banks the sum of its input channels, so a
    mono send in the left channel and silence in the right is the stereo send, heard the same."""
    from pedalboard import Reverb
    from scipy.signal import sosfilt

    stereo = np.zeros((2, len(send)), dtype=np.float32)
    stereo[0] = sosfilt(np.array([_first_order_highpass(250.0, sr)], np.float32),
                        np.asarray(send, dtype=np.float32))
    return Reverb(room_size=room_size, damping=0.45, wet_level=1.0, dry_level=0.0,
                  width=1.0)(stereo, sr)


def master(mix: np.ndarray, send: np.ndarray, sr: int, room_size: float,
           settings: LoudnessSettings | None = None,
           target_lufs: float = -14.0, ceiling_dbtp: float = -1.0):
    """Mastered stereo audio from a dry ``mix`` ((n, 2) float32; a transposed view of a
    channel-major (2, n) array is read without copying) and a mono reverb ``send`` (n,).

    Returns (audio float32 (n, 2), LoudnessSettings used). Pass ``settings`` to process another
    take of the same piece exactly like the first (regenerated bars keep the level)."""
    bus = reverb(send, sr, room_size)                    # channel-major (2, n), ours to change
    bus *= np.float32(0.3)
    bus += np.asarray(mix, dtype=np.float32).T
    bus = bus_chain(bus, sr).T
    if settings is None:
        return fit_loudness(bus, sr, target_lufs, ceiling_dbtp)
    return apply_loudness(bus, sr, settings), settings
