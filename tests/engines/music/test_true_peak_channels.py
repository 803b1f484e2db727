"""True peak with one channel far quieter than the other (music panned hard, a mono source on
one side): the fast near-peaks path must measure the loud channel and skip the quiet one."""

from __future__ import annotations

import numpy as np

from promodesk.engines.music.mastering import fit_loudness, true_peak_dbtp

SR = 48000


def test_a_quiet_channel_is_skipped_not_an_error():
    t = np.arange(SR) / SR
    loud = 0.9 * np.sin(2 * np.pi * 997 * t)
    audio = np.stack([loud, 0.05 * loud], axis=1).astype(np.float32)
    fast = true_peak_dbtp(audio, SR, near_peaks_db=3.0)
    full = true_peak_dbtp(audio, SR)
    assert abs(fast - full) < 1e-6 and -1.2 < full < 0.0


def test_fit_loudness_masters_a_one_sided_mix():
    rng = np.random.default_rng(1)
    audio = np.zeros((4 * SR, 2), np.float32)
    audio[:, 0] = rng.normal(0, 0.2, 4 * SR)
    y, _ = fit_loudness(audio, SR, -14.0, -1.0)
    assert true_peak_dbtp(y, SR) <= -1.0 + 1e-3 and not np.any(y[:, 1])
