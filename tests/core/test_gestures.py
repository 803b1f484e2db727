"""Drag, trim, snap, bar picking and split as the timeline's mouse makes them, without a window:
a drag of many steps lands on a beat, bar, edge, playhead or marker within reach, moves freely with
snapping off, changes track only to one of the same kind, and is one undo step."""

from __future__ import annotations

import copy

import pytest

from promodesk.core.beats import BeatGrid
from promodesk.core.document import Document, History
from promodesk.core.edits import EditError
from promodesk.core.gestures import ClipDrag, bar_numbers, bar_span, pick_bars, split_at_playhead
from promodesk.core.timeline import Marker
from tests.core.test_edits import S, make_project

BEAT = 500_000  # 120 bpm
BEATS = list(range(0, 30 * S, BEAT))
BARS = BEATS[::4]
GRID = BeatGrid(beats=tuple(BEATS), downbeats=tuple(BARS), length=30 * S, bpm=120.0)
REACH = 60_000  # what 10 px are at a typical zoom


def _drag(history: History, part: str, clip_id: str, grab: int, path: list[int], reach=REACH,
          over_track=None, playhead=None):
    """Press at ``grab``, move the mouse through ``path`` (microseconds); returns the last snap."""
    doc = history.document
    drag = ClipDrag.begin(doc.project, clip_id, part, grab, playhead=playhead, grid=GRID)
    snapped = None
    for now in path:
        edit, snapped = drag.step(doc.project, now, reach, over_track)
        try:
            history.push(edit)
        except EditError:
            pass  # in the way: the clip stays where it last fitted
    return snapped


def test_a_moved_clip_snaps_to_a_beat_and_the_drag_is_one_step():
    doc = Document(make_project())
    overlay = doc.project.tracks[1].clips[0]  # V2, 1..3 s, alone on its track
    original = copy.deepcopy(doc.project)
    h = History(doc)
    # grab it at 2 s and pull right in small steps by 1.04 s: start 2.04 s, 40 ms past a bar line
    snapped = _drag(h, "body", overlay.id, 2 * S, list(range(2 * S, 3 * S + 40_001, 10_000)))
    assert overlay.start == 2 * S and snapped.target.kind == "bar"
    assert len(h.done) == 1
    h.undo()
    assert doc.project == original


def test_the_nearer_edge_snaps_and_markers_and_the_playhead_count():
    doc = Document(make_project())
    doc.project.markers.append(Marker(7_730_000, "logo"))  # off every beat
    overlay = doc.project.tracks[1].clips[0]  # 1..3 s
    h = History(doc)
    # end edge to 7.75 s: 20 ms from the marker, 250 ms from any beat
    snapped = _drag(h, "body", overlay.id, 2 * S, [2 * S + 4_750_000])
    assert overlay.end == 7_730_000 and snapped.target.kind == "marker"
    # now 5.73..7.73 s; its end to 13.19 s: 20 ms from the playhead
    snapped = _drag(h, "body", overlay.id, 6 * S, [6 * S + 5_460_000], playhead=13_210_000)
    assert overlay.end == 13_210_000 and snapped.target.kind == "playhead"


def test_snapping_off_moves_exactly_with_the_mouse():
    doc = Document(make_project())
    overlay = doc.project.tracks[1].clips[0]
    h = History(doc)
    snapped = _drag(h, "body", overlay.id, 2 * S, [2 * S + 1_020_000], reach=-1)
    assert overlay.start == 2_020_000 and snapped.target is None


def test_a_move_changes_track_only_to_one_of_the_same_kind():
    doc = Document(make_project())
    v1, v2, music = doc.project.tracks[:3]
    clip = v1.clips[3]  # 9..12 s
    h = History(doc)
    _drag(h, "body", clip.id, 10 * S, [10 * S + 3 * S], over_track=music.id, reach=-1)
    assert doc.project.find_clip(clip.id)[0] is v1 and clip.start == 12 * S
    _drag(h, "body", clip.id, 13 * S, [13 * S + 1 * S], over_track=v2.id, reach=-1)
    assert doc.project.find_clip(clip.id)[0] is v2 and clip.start == 13 * S


def test_a_clip_never_moves_before_zero():
    doc = Document(make_project())
    overlay = doc.project.tracks[1].clips[0]
    h = History(doc)
    _drag(h, "body", overlay.id, 2 * S, [0], reach=-1)
    assert overlay.start == 0


def test_trims_snap_their_edge_and_keep_the_other():
    doc = Document(make_project())
    music = doc.project.tracks[2].clips[0]  # 0..12 s, in-point 2 s of a 20 s source
    h = History(doc)
    _drag(h, "end", music.id, 12 * S, list(range(12 * S, 10 * S - 30_001, -100_000)) + [10 * S - 30_000])
    assert (music.start, music.end) == (0, 10 * S)  # 30 ms before a bar line: snapped to it
    _drag(h, "start", music.id, 0, [1 * S + 20_000])
    assert (music.start, music.end, music.in_point) == (1 * S, 10 * S, 3 * S)
    assert len(h.done) == 2
    h.undo()
    h.undo()
    assert (music.start, music.duration, music.in_point) == (0, 12 * S, 2 * S)


def test_a_trim_past_the_source_stops_where_it_last_fitted():
    doc = Document(make_project())
    music = doc.project.tracks[2].clips[0]  # 18 s of source left from the in-point
    h = History(doc)
    _drag(h, "end", music.id, 12 * S, [17 * S, 19 * S, 25 * S], reach=-1)
    assert music.end == 17 * S


def test_bar_picking_and_the_span_of_the_bars():
    assert pick_bars(GRID, 2_100_000, 200_000) == (1, 2)
    assert pick_bars(GRID, 4_500_000, 4_600_000) == (3, 3)
    assert pick_bars(None, 0, S) is None
    assert bar_span(GRID, (1, 2)) == (0, 4 * S)
    assert bar_span(GRID, (len(BARS), len(BARS))) == (BARS[-1], BARS[-1] + 2 * S)
    assert bar_span(GRID, None) is None


def test_bars_of_a_trimmed_music_clip_keep_their_numbers():
    from promodesk.core.beats import timeline_grid
    from promodesk.core.timeline import Asset

    p = make_project()
    music = p.tracks[2].clips[0]  # shows its source from 2 s: bar 2 of the piece starts at 0:00
    p.assets[music.asset] = Asset(music.asset, "audio", 20 * S, {
        "beats_us": list(range(0, 20 * S, BEAT)), "downbeats_us": list(range(0, 20 * S, 4 * BEAT)),
        "seconds": 20.0, "bpm": 120.0})
    grid = timeline_grid(p)
    assert grid.downbeats[:2] == (0, 2 * S) and bar_numbers(grid)[:2] == [2, 3]
    assert pick_bars(grid, 2_500_000, 2_600_000) == (3, 3)
    assert bar_span(grid, (3, 4)) == (2 * S, 6 * S)


def test_split_takes_the_selection_else_the_clip_under_the_playhead():
    p = make_project()
    v1, v2 = p.tracks[:2]
    assert split_at_playhead(p, 4 * S, None).clip_id == v1.clips[1].id
    assert split_at_playhead(p, 2 * S, v2.clips[0].id).clip_id == v2.clips[0].id
    p.tracks = [t for t in p.tracks if t.kind.value == "music"]
    with pytest.raises(EditError, match="Select a clip"):
        split_at_playhead(p, 25 * S, None)


def test_a_shot_dragged_over_another_on_the_main_track_is_inserted_in_one_step():
    doc = Document(make_project())
    before = copy.deepcopy(doc.project)
    v1 = doc.project.tracks[0]
    first = v1.clips[0]
    h = History(doc)
    # grab shot0 in its middle (1.5 s) and carry it over shot2's right half (8 s)
    _drag(h, "body", first.id, int(1.5 * S), [3 * S, 5 * S, 7 * S, 8 * S], reach=-1)
    assert [c.name for c in v1.clips] == ["shot1", "shot2", "shot0", "shot3"]
    assert [c.start for c in v1.clips] == [0, 3 * S, 6 * S, 9 * S]  # no gap, no overlap
    assert len(h.done) == 1
    h.undo()
    assert doc.project == before


def test_alt_drag_on_the_main_track_overwrites():
    doc = Document(make_project())
    v1 = doc.project.tracks[0]
    last = v1.clips[3]
    h = History(doc)
    drag = ClipDrag.begin(doc.project, last.id, "body", 10 * S)
    for now in (9 * S, 8 * S):
        h.push(drag.step(doc.project, now, -1, overwrite=True)[0])
    assert [(c.name, c.start, c.end) for c in v1.clips] == [
        ("shot0", 0, 3 * S), ("shot1", 3 * S, 6 * S), ("shot2", 6 * S, 7 * S), ("shot3", 7 * S, 10 * S)]
    assert len(h.done) == 1


def test_a_selected_group_moves_together():
    doc = Document(make_project())
    caps = doc.project.tracks[3]
    a, b = caps.clips[0], caps.clips[1]
    h = History(doc)
    drag = ClipDrag.begin(doc.project, a.id, "body", 1 * S, selection=(a.id, b.id))
    for now in (1 * S + 200_000, 1 * S + 500_000):
        h.push(drag.step(doc.project, now, -1)[0])
    assert (a.start, b.start) == (500_000, 4 * S + 500_000)
    assert len(h.done) == 1
