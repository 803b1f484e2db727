"""The timeline model: exact integer time, frame conversions, lookups."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from promodesk.core.timeline import (
    Clip, Project, Recipe, Take, TrackKind, frame_at, frame_start, us_from_seconds,
)


@given(st.integers(0, 10**7), st.sampled_from([Fraction(30), Fraction(24), Fraction(30000, 1001),
                                               Fraction(25), Fraction(60)]))
def test_frame_start_maps_back_to_its_frame(frame, fps):
    us = frame_start(frame, fps)
    assert frame_at(us, fps) == frame
    assert frame_at(us - 1, fps) == frame - 1


def test_a_hundred_nudges_do_not_drift():
    fps = Fraction(30000, 1001)
    t = 0
    for _ in range(100):
        t = frame_start(frame_at(t, fps) + 1, fps)
    assert frame_at(t, fps) == 100
    assert t == frame_start(100, fps)


def test_presets_and_lookups():
    p = Project.for_aspect("16:9", "x")
    assert (p.width, p.height) == (1920, 1080)
    v = p.add_track(TrackKind.VIDEO)
    c = Clip(us_from_seconds(1.5), us_from_seconds(2), [Take(None, Recipe("shots"))])
    v.clips.append(c)
    assert p.duration == 3_500_000
    assert v.clip_at(1_499_999) is None and v.clip_at(1_500_000) is c and v.clip_at(3_500_000) is None
    assert p.find_clip(c.id) == (v, c)
    assert p.tracks_of(TrackKind.VIDEO) == [v]
