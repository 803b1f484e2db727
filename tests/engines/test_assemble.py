"""Brief -> project: the plan is made on the spec's beat grid before any audio, and the composer's
audio carries exactly that grid, so every cut the planner put on a bar line is on one."""

from __future__ import annotations

import pytest

from promodesk.core.beats import BeatGrid
from promodesk.core.brief import load_brief
from promodesk.core.musicspec import SAMPLE_RATE, STYLES, MusicSpec, spec_from_text
from promodesk.core.projectfile import load_project
from promodesk.core.timeline import TrackKind
from promodesk.engines.assemble import make_project
from promodesk.engines.music import composer
from promodesk.engines.music.mastering import LoudnessSettings
from tests.core.test_brief import EXAMPLES

SETTINGS = composer.TakeSettings({"drums": 0.0}, LoudnessSettings(0.0, -1.0))


@pytest.mark.parametrize("style", sorted(STYLES))
def test_composer_grid_is_the_spec_grid(style):
    for seconds in (2.0, 6.0, 7.3, 20.0, 30.0, 61.7, 180.0):
        for seed, bpm in ((0, None), (5, None), (77, None), (1, 97.0), (3, 133.3)):
            spec = spec_from_text("", seconds, style=style, seed=seed, bpm=bpm)
            grid = BeatGrid.from_spec(spec)
            meta = composer.music_meta(spec, SETTINGS)
            assert BeatGrid.from_meta(meta) == grid
            assert meta["duration_us"] == grid.length
            # and the audio's bars start where the grid says (to the sample)
            for bar, t in enumerate(grid.downbeats):
                assert abs(composer.bar_sample(spec, bar) - t * SAMPLE_RATE / 1e6) <= 1


@pytest.fixture(scope="module", params=["espresso-zh.toml", "launch-en.toml"])
def made(request, tmp_path_factory):
    brief = load_brief(EXAMPLES / request.param)
    brief.seconds = 10
    seen: list[str] = []
    folder = tmp_path_factory.mktemp("assemble") / "p.promodesk"
    result = make_project(brief, folder, seed=3, progress=lambda f, m: seen.append(m))
    return brief, result, seen


def test_cuts_fall_on_the_spec_grids_bar_lines(made):
    brief, result, _ = made
    project = load_project(result.folder)
    music = project.tracks_of(TrackKind.MUSIC)[0].clips[0]
    spec = MusicSpec.from_dict(music.recipe.params)
    grid = BeatGrid.from_spec(spec)
    # the audio made carries the grid the plan was cut on
    assert BeatGrid.from_meta(project.assets[music.asset].meta) == grid
    assert music.duration == grid.length == project.duration == 10_000_000
    shots = project.tracks_of(TrackKind.VIDEO)[0].clips
    cuts = [c.start for c in shots[1:]]
    assert cuts and cuts == result.storyboard.cuts
    assert all(c in grid.beats for c in cuts)
    assert sum(c in grid.downbeats for c in cuts) >= 0.6 * len(cuts)
    assert shots[0].start == 0 and shots[-1].end == grid.length
    # captions stay inside the video, in order
    caps = project.tracks_of(TrackKind.CAPTIONS)[0].clips
    assert caps and all(a.end <= b.start for a, b in zip(caps, caps[1:]))
    assert caps[-1].end <= grid.length
    assert project.title == brief.title


def test_planning_comes_before_the_music(made):
    _, _, seen = made
    first_music = next(i for i, m in enumerate(seen) if m.startswith("music"))
    assert seen.index("planning the shots") < first_music
    assert seen[-1] == "project saved"


def test_shot_recipes_come_from_the_plan(made):
    from promodesk.core.plan import shot_params

    brief, result, _ = made
    shots = result.project.tracks_of(TrackKind.VIDEO)[0].clips
    assert [c.recipe.params for c in shots] == [shot_params(s, brief)
                                                for s in result.storyboard.shots]
    assert all(c.recipe.engine == "shots" for c in shots)
