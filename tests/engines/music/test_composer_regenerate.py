"""Regenerating a bar range: sample-identical outside the range, no click at the joins, the same
length and grid, and reproducible from the spec it returns."""

from __future__ import annotations

import numpy as np
import pytest

from promodesk.engines.music.arrangement import compose
from promodesk.engines.base import CancelToken, no_progress
from promodesk.engines.music.composer import ComposerEngine, TakeSettings, bar_sample, render_take
from promodesk.engines.music.mastering import integrated_lufs, true_peak_dbtp
from promodesk.core.musicspec import MusicSpec, MusicSpecError, spec_from_text

SR = 48000


@pytest.fixture(scope="module")
def piece():
    spec = spec_from_text("Flash sale: limited launch deal", 12, style="upbeat_pop", seed=5)
    assert spec.bars == 6
    return spec, ComposerEngine().generate(spec)


def assert_clean_join(new: np.ndarray, old: np.ndarray, take: np.ndarray, at: int) -> None:
    """No click: around the join (50 ms each side, crossfades included) every sample-to-sample
    step of the spliced audio is no larger than the steps of the two signals it joins at that
    same place (plus what a crossfade's slope adds, far below a click). A hard cut fails this:
    it steps by the difference between the two signals."""
    lo, hi = at - 2400, at + 2400
    step = np.abs(np.diff(new[lo:hi], axis=0))
    allowed = np.maximum(np.abs(np.diff(old[lo:hi], axis=0)), np.abs(np.diff(take[lo:hi], axis=0)))
    assert np.all(step <= allowed + 0.005), float((step - allowed).max())


@pytest.mark.parametrize("bars", [(2, 4), (1, 2), (0, 2), (3, 6)])
def test_outside_the_range_is_sample_identical_and_joins_are_clean(piece, bars):
    spec, original = piece
    a, b = bars
    new = ComposerEngine().regenerate(spec, bars=bars, seed=42, original=original)
    s_a = bar_sample(spec, a)
    s_b = len(original.audio) if b == spec.bars else bar_sample(spec, b)
    assert new.audio.shape == original.audio.shape and new.audio.dtype == np.float32
    assert np.array_equal(new.audio[:s_a], original.audio[:s_a])
    assert np.array_equal(new.audio[s_b:], original.audio[s_b:])
    inside = np.abs(new.audio[s_a:s_b] - original.audio[s_a:s_b]).max()
    assert inside > 0.01, "the range was not regenerated"
    # The whole regenerated take, before splicing: what the join crossfades into.
    take, _ = render_take(MusicSpec.from_dict(new.meta["spec"]),
                          TakeSettings.from_dict(original.meta["mix"]), no_progress, CancelToken())
    if a > 0:
        assert_clean_join(new.audio, original.audio, take, s_a)
    if s_b < len(original.audio):
        assert_clean_join(new.audio, original.audio, take, s_b)
    assert new.meta["beats_us"] == original.meta["beats_us"]
    assert new.meta["sections"] == original.meta["sections"]
    assert -15.0 <= integrated_lufs(new.audio, SR) <= -13.0
    assert true_peak_dbtp(new.audio, SR) <= -1.0


def test_new_seed_changes_only_the_notes_in_the_range(piece):
    spec, _ = piece
    patched = MusicSpec.from_dict(spec.to_dict())
    patched.patches = [{"start_bar": 2, "bars": 2, "seed": 42}]
    before, after = compose(spec), compose(patched)
    lo, hi = 2 * spec.beats_per_bar, 4 * spec.beats_per_bar

    def outside(notes):
        return [(r, n) for r in notes for n in notes[r] if not lo - 0.1 <= n.start < hi]

    assert outside(before) == outside(after)
    inside = [(n.start, n.pitch) for n in before["lead"] if lo <= n.start < hi]
    assert inside != [(n.start, n.pitch) for n in after["lead"] if lo <= n.start < hi]


def test_regenerated_music_is_reproducible_from_its_spec(piece):
    spec, original = piece
    engine = ComposerEngine()
    first = engine.regenerate(spec, bars=(1, 3), seed=7, original=original)
    assert first.meta["spec"]["patches"] == [{"start_bar": 1, "bars": 2, "seed": 7}]
    again = engine.generate(MusicSpec.from_dict(first.meta["spec"]))
    assert np.array_equal(first.audio, again.audio)
    # Without the original at hand it is rendered again, to the same samples.
    assert np.array_equal(engine.regenerate(spec, bars=(1, 3), seed=7).audio, first.audio)
    # Regenerating again on top keeps the first patch's bars.
    second = engine.regenerate(MusicSpec.from_dict(first.meta["spec"]), bars=(4, 5), seed=8,
                               original=first)
    s4, s5 = bar_sample(spec, 4), bar_sample(spec, 5)
    assert np.array_equal(second.audio[:s4], first.audio[:s4])
    assert np.array_equal(second.audio[s5:], first.audio[s5:])


@pytest.mark.parametrize("bars", [(-1, 2), (3, 3), (4, 2), (0, 7), (5, 99)])
def test_bar_ranges_outside_the_piece_are_clear_errors(piece, bars):
    spec, original = piece
    with pytest.raises(MusicSpecError, match="outside this piece"):
        ComposerEngine().regenerate(spec, bars=bars, seed=1, original=original)
