"""Snapping picks the nearest candidate within tolerance and nothing outside it."""

from hypothesis import given
from hypothesis import strategies as st

from promodesk.core.snapping import SnapTarget, snap, snap_span, snap_targets
from promodesk.core.timeline import Clip, Marker, Project, Recipe, Take, TrackKind


def test_nearest_within_tolerance_wins():
    cands = [SnapTarget(1_000_000, "beat"), SnapTarget(1_040_000, "edge"), SnapTarget(900_000, "bar")]
    s = snap(1_030_000, cands, tolerance=50_000)
    assert s.time == 1_040_000 and s.target.kind == "edge"


def test_nothing_in_range_keeps_the_time():
    s = snap(1_200_000, [SnapTarget(1_000_000, "beat")], tolerance=100_000)
    assert s.time == 1_200_000 and s.target is None


def test_tolerance_is_inclusive_and_ties_go_earlier():
    s = snap(500, [SnapTarget(600, "beat"), SnapTarget(400, "beat")], tolerance=100)
    assert s.time == 400


@given(st.integers(0, 10**8), st.lists(st.integers(0, 10**8), max_size=40), st.integers(0, 10**6))
def test_snap_property(time, times, tol):
    s = snap(time, [SnapTarget(t, "beat") for t in times], tol)
    in_range = [t for t in times if abs(t - time) <= tol]
    if in_range:
        assert abs(s.time - time) == min(abs(t - time) for t in in_range)
        assert s.target is not None and s.target.time == s.time
    else:
        assert s.time == time and s.target is None


def test_span_snaps_by_its_nearer_edge():
    cands = [SnapTarget(2_000_000, "beat")]
    # the clip's end (1.98 s) is 20 ms from the beat, its start far from anything
    s = snap_span(980_000, 1_000_000, cands, tolerance=50_000)
    assert s.time == 1_000_000 and s.target.time == 2_000_000


def test_targets_collect_edges_playhead_markers_and_beats():
    p = Project()
    t = p.add_track(TrackKind.VIDEO)
    a = Clip(0, 1_000_000, [Take(None, Recipe("shots"))])
    b = Clip(2_000_000, 1_000_000, [Take(None, Recipe("shots"))])
    t.clips += [a, b]
    p.markers.append(Marker(5_000_000, "drop"))
    targets = snap_targets(p, playhead=7_000_000, beats=[500_000], bars=[0], exclude_clip=b.id)
    kinds = {(x.time, x.kind) for x in targets}
    assert kinds == {(0, "edge"), (1_000_000, "edge"), (7_000_000, "playhead"),
                     (5_000_000, "marker"), (0, "bar"), (500_000, "beat")}
