"""The public loudness functions (contract 1; the final mix uses them too)."""

from __future__ import annotations

import numpy as np
import pytest

from promodesk.engines.music.mastering import integrated_lufs, normalize_loudness, true_peak_dbtp

SR = 48000


def test_true_peak_sees_the_peak_between_samples():
    # A sine at a quarter of the rate, sampled 45 degrees off its crests: every sample is at
    # 0.707 (-3 dBFS) but the waveform reaches 1.0 between them.
    t = np.arange(SR)
    x = np.sin(2 * np.pi * t / 4 + np.pi / 4).astype(np.float32)
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-3.01, abs=0.02)
    assert true_peak_dbtp(x, SR) == pytest.approx(0.0, abs=0.2)
    assert true_peak_dbtp(np.zeros((SR, 2), np.float32), SR) == float("-inf")


def test_integrated_loudness_of_a_reference_tone():
    # BS.1770's calibration: a 997 Hz sine at 0 dBFS in one channel reads -3.01 LUFS, so one at
    # -20 dBFS in both channels of a stereo pair reads -20 LUFS.
    t = np.arange(5 * SR) / SR
    tone = (0.1 * np.sin(2 * np.pi * 997 * t)).astype(np.float32)
    assert integrated_lufs(np.stack([tone, tone], axis=1), SR) == pytest.approx(-20.0, abs=0.2)
    assert integrated_lufs(np.zeros((SR, 2), np.float32), SR) == float("-inf")


@pytest.mark.parametrize("level", [0.01, 0.3, 1.0])
def test_normalize_reaches_the_target_under_the_ceiling(level):
    rng = np.random.default_rng(1)
    t = np.arange(8 * SR) / SR
    music = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.1 * rng.normal(size=t.size)
    music[:: SR // 2] += 3.0                         # sharp peaks that a plain gain would clip
    audio = (level * np.stack([music, 0.8 * music], axis=1)).astype(np.float32)
    out = normalize_loudness(audio, SR)
    assert out.shape == audio.shape and out.dtype == np.float32
    assert integrated_lufs(out, SR) == pytest.approx(-14.0, abs=0.5)
    assert true_peak_dbtp(out, SR) <= -1.0
    quiet = normalize_loudness(audio, SR, target_lufs=-23.0, ceiling_dbtp=-2.0)
    assert integrated_lufs(quiet, SR) == pytest.approx(-23.0, abs=0.5)
    assert true_peak_dbtp(quiet, SR) <= -2.0


def test_normalize_keeps_mono_and_leaves_silence_alone():
    t = np.arange(2 * SR) / SR
    mono = (0.05 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    out = normalize_loudness(mono, SR)
    assert out.shape == mono.shape
    assert integrated_lufs(out, SR) == pytest.approx(-14.0, abs=0.5)
    silence = np.zeros((SR, 2), np.float32)
    assert np.array_equal(normalize_loudness(silence, SR), silence)


def _music(seconds: float = 6.0) -> np.ndarray:
    rng = np.random.default_rng(3)
    t = np.arange(int(seconds * SR)) / SR
    beat = np.exp(-((t % 0.5) * 18.0))                  # a pulse, so the gating has work to do
    x = beat * np.sin(2 * np.pi * 110 * t) + 0.05 * rng.normal(size=t.size)
    x[int(2 * SR):int(3 * SR)] *= 0.01                  # a quiet stretch under the relative gate
    return np.stack([0.3 * x, 0.2 * np.roll(x, 100)], axis=1).astype(np.float32)


@pytest.mark.parametrize("shape", ["stereo", "mono", "channel-major view"])
def test_integrated_loudness_agrees_with_pyloudnorm(shape):
    import pyloudnorm

    audio = _music()
    if shape == "mono":
        audio = audio[:, 0]
    elif shape == "channel-major view":
        audio = np.ascontiguousarray(audio.T).T
    reference = pyloudnorm.Meter(SR).integrated_loudness(np.asarray(audio, np.float64))
    assert integrated_lufs(audio, SR) == pytest.approx(reference, abs=0.001)


def test_true_peak_near_peaks_is_the_full_oversampled_answer():
    audio = _music()
    audio[SR + 7] = [0.9, -0.2]                          # lone peaks the search must find
    audio[4 * SR + 3] = [-0.1, -0.95]
    assert true_peak_dbtp(audio, SR, near_peaks_db=3.0) == pytest.approx(
        true_peak_dbtp(audio, SR), abs=1e-6)


def test_bus_chain_and_reverb_are_pedalboards_own():
    from pedalboard import (Compressor, HighpassFilter, HighShelfFilter, LowShelfFilter,
                            Pedalboard, PeakFilter, Reverb)

    from promodesk.engines.music.mastering import bus_chain, reverb

    bus = np.ascontiguousarray(_music().T)
    chain = Pedalboard([HighpassFilter(cutoff_frequency_hz=32.0),
                        LowShelfFilter(cutoff_frequency_hz=90.0, gain_db=1.0, q=0.7),
                        PeakFilter(cutoff_frequency_hz=320.0, gain_db=-1.5, q=0.9),
                        HighShelfFilter(cutoff_frequency_hz=9000.0, gain_db=1.5, q=0.7),
                        Compressor(threshold_db=-16.0, ratio=2.0, attack_ms=15.0,
                                   release_ms=160.0)])
    ours, theirs = bus_chain(bus, SR), chain(bus, SR)
    # Apart from float32 rounding of the low shelf's coefficients and state (about -63 dB here;
    # moving one shelf by 0.2 dB reads -43 dB):
    assert 10 * np.log10(np.sum((ours - theirs) ** 2) / np.sum(theirs ** 2)) < -55.0
    # The reverb hears the sum of its input channels, so a mono send is the stereo one.
    plate = Pedalboard([HighpassFilter(cutoff_frequency_hz=250.0),
                        Reverb(room_size=0.5, damping=0.45, wet_level=1.0, dry_level=0.0,
                               width=1.0)])
    wet = plate(bus, SR)
    assert np.abs(wet).max() > 0.01
    assert np.abs(reverb(bus[0] + bus[1], SR, 0.5) - wet).max() < 1e-5
