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
