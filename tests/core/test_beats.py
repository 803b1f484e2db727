"""The beat grid: from a music spec (before any audio), from asset meta, and on the timeline."""

from __future__ import annotations

import pytest

from promodesk.core.beats import BeatGrid, Section, timeline_grid
from promodesk.core.musicspec import STYLES, spec_from_text
from promodesk.core.timeline import Asset, Clip, Project, Recipe, Take, TrackKind


@pytest.mark.parametrize("seconds,bpm", [(20, None), (30, None), (7.3, None), (12, 97.0),
                                         (2.5, 240.0)])
def test_grid_from_spec_is_the_tempo_bar_by_bar(seconds, bpm):
    spec = spec_from_text("Flash sale on smart earbuds!", seconds, bpm=bpm, seed=2)
    grid = BeatGrid.from_spec(spec)
    beat = 60e6 / spec.bpm
    assert grid.length == round(seconds * 1e6) and grid.bpm == spec.bpm
    assert grid.beats[0] == 0 and all(b < grid.length for b in grid.beats)
    assert grid.beats[-1] + beat >= grid.length - 1       # no beat inside the piece is missing
    assert all(abs(b - k * beat) <= 0.5 for k, b in enumerate(grid.beats))
    assert grid.downbeats == grid.beats[::4]
    # a whole-bar piece (tempo chosen) has exactly its bars; a kept tempo may add the tail's bar
    assert len(grid.downbeats) in (spec.bars, spec.bars + 1)
    # sections tile the piece on bar lines, in order, the ending running to the end
    assert grid.sections[0].start == 0 and grid.sections[-1].end == grid.length
    assert grid.sections[-1].name == "ending"
    for a, b in zip(grid.sections, grid.sections[1:]):
        assert a.end == b.start and b.start in grid.downbeats
        assert b.start_bar == a.start_bar + a.bars


def test_meta_round_trip():
    spec = spec_from_text("温润手感，清晨咖啡。", 20, seed=4)
    grid = BeatGrid.from_spec(spec)
    meta = dict(grid.to_meta(), seconds=spec.seconds, bpm=spec.bpm, time_signature=[4, 4])
    assert BeatGrid.from_meta(meta) == grid
    shifted = BeatGrid.from_meta(meta, offset=1_000)
    assert shifted.beats[3] == grid.beats[3] + 1_000
    assert shifted.sections[1].start == grid.sections[1].start + 1_000


def test_every_style_gives_a_grid():
    for style in STYLES:
        spec = spec_from_text("", 15, style=style)
        grid = BeatGrid.from_spec(spec)
        assert len(grid.downbeats) == spec.bars and grid.nearest(1) == 0


def _music_project(clips: list[tuple[int, int, int]], seconds: float = 8.0) -> Project:
    """A project with one music asset (120 bpm: a beat every 0.5 s, a bar every 2 s) placed as
    (start, duration, in_point) clips on one music track, and a second music track after it."""
    spec = spec_from_text("", seconds, style="upbeat_pop", bpm=120.0)
    meta = dict(BeatGrid.from_spec(spec).to_meta(), seconds=spec.seconds, bpm=spec.bpm,
                time_signature=[4, 4])
    project = Project.for_aspect("9:16")
    project.assets["m"] = Asset("m", "audio", int(seconds * 1e6), meta, "")
    project.assets["n"] = Asset("n", "audio", int(seconds * 1e6),
                                dict(meta, beats_us=[7], downbeats_us=[7]), "")
    project.add_track(TrackKind.VIDEO, "Shots")
    music = project.add_track(TrackKind.MUSIC, "Music")
    for start, duration, in_point in clips:
        music.clips.append(Clip(start=start, duration=duration, in_point=in_point,
                                takes=[Take("m", Recipe("composer", {}, 0), int(seconds * 1e6))]))
    other = project.add_track(TrackKind.MUSIC, "Other")
    other.clips.append(Clip(start=0, duration=1_000_000,
                            takes=[Take("n", Recipe("composer", {}, 0), int(seconds * 1e6))]))
    return project


def test_timeline_grid_follows_the_clips():
    # the piece from 3 s in (bar 2 starts 1 s after the clip) placed at 10 s for 4 s
    project = _music_project([(10_000_000, 4_000_000, 3_000_000)])
    grid = timeline_grid(project)
    assert grid is not None and grid.bpm == 120.0 and grid.length == 14_000_000
    assert grid.beats == tuple(range(10_000_000, 14_000_000, 500_000))
    assert grid.downbeats == (11_000_000, 13_000_000)
    assert [grid.bar_number(i) for i in range(2)] == [3, 4]
    assert all(s.start >= 10_000_000 and s.end <= 14_000_000 for s in grid.sections)
    assert grid.sections[0].start == 10_000_000


def test_timeline_grid_of_two_clips_and_of_none():
    project = _music_project([(0, 2_000_000, 0), (4_000_000, 2_000_000, 0)])
    grid = timeline_grid(project)
    assert grid.downbeats == (0, 4_000_000) and grid.bar_numbers == (1, 1)
    assert 2_000_000 not in grid.beats and 4_500_000 in grid.beats
    assert timeline_grid(Project.for_aspect("9:16")) is None
    assert BeatGrid((0,), (0,), 10).bar_number(0) == 1
    assert Section("verse", 0, 1).bars == 0
