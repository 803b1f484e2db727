"""The planner: roles, beat-aligned cuts, captions in order inside the video, determinism."""

from __future__ import annotations

import re

import pytest

from promodesk.core.beats import BeatGrid
from promodesk.core.brief import Brief, load_brief
from promodesk.core.copytext import MIN_LINE_US, analyze_copy
from promodesk.core.plan import (ENERGETIC_AT, MIN_SHOT_US, VOICE_GAP_US, PlannedCaption,
                                  is_energetic, music_spec, photo_shot_params, plan_storyboard,
                                  plan_video, shot_params, time_voice_lines)
from tests.core.test_brief import EXAMPLES


def regular_grid(bpm: float, seconds: float, per_bar: int = 4) -> BeatGrid:
    beat = 60e6 / bpm
    beats = tuple(int(round(i * beat)) for i in range(int(seconds * 1e6 / beat)))
    return BeatGrid(beats, beats[::per_bar], int(seconds * 1e6), bpm, per_bar)


def letters(s: str) -> str:
    return re.sub(r"[\W_]+", "", s)


CASES = [("espresso-zh.toml", 96, 20, 0.74), ("launch-en.toml", 120, 30, 0.95),
         ("launch-en.toml", 87, 30, 0.3)]


@pytest.mark.parametrize("name,bpm,seconds,energy", CASES)
def test_storyboard_properties(name, bpm, seconds, energy):
    brief = load_brief(EXAMPLES / name)
    a = analyze_copy(brief.text, brief.language, brief.cta)
    grid = regular_grid(bpm, seconds)
    sb = plan_storyboard(brief, a, grid, seed=3, energy=energy)
    assert sb.energetic == (energy >= ENERGETIC_AT)
    assert {c.style for c in sb.captions} == {"karaoke" if sb.energetic else "outline"}
    # shots tile the whole video
    assert sb.shots[0].start == 0 and sb.shots[-1].end == grid.length == sb.length
    for s, t in zip(sb.shots, sb.shots[1:]):
        assert s.end == t.start and s.duration >= MIN_SHOT_US
    assert sb.shots[0].kind == "hero" and sb.shots[-1].kind == "cta" and sb.shots[-1].cta
    assert any(s.kind == "offer" and s.price for s in sb.shots)
    # every cut on a beat, most on bar lines
    assert all(c in grid.beats for c in sb.cuts)
    assert sum(c in grid.downbeats for c in sb.cuts) >= 0.6 * len(sb.cuts)
    # every sentence in the captions, in order, inside the video, each readable
    assert letters("".join(c.text for c in sb.captions)) == letters(brief.text)
    for c, d in zip(sb.captions, sb.captions[1:]):
        assert c.start + c.duration <= d.start
    assert all(c.duration >= MIN_LINE_US for c in sb.captions)
    assert sb.captions[-1].start + sb.captions[-1].duration <= sb.length
    # transitions fit inside their neighbours
    for prev, shot in zip(sb.shots, sb.shots[1:]):
        d = shot.transition_in["duration_us"]
        assert d <= prev.duration // 2 and d <= shot.duration // 2


def test_deterministic_and_variants_differ():
    brief = load_brief(EXAMPLES / "launch-en.toml")
    a = analyze_copy(brief.text, brief.language, brief.cta)
    grid = regular_grid(120, 30)
    one = plan_storyboard(brief, a, grid, seed=5, variant=0, energy=0.9)
    assert plan_storyboard(brief, a, grid, seed=5, variant=0, energy=0.9) == one
    others = [plan_storyboard(brief, a, grid, seed=5, variant=v, energy=0.9) for v in (1, 2)]
    assert all(o != one for o in others)
    # a variant keeps the hook first and the call to action last
    assert all(o.captions[0].text == "Build it." and o.shots[-1].kind == "cta" for o in others)


def test_too_long_copy_is_cut_with_a_note():
    text = "。".join(f"第{i}个卖点非常重要值得一说" for i in range(200)) + "。仅需99元！"
    brief = Brief(text=text, seconds=15)
    a = analyze_copy(text)
    sb = plan_storyboard(brief, a, regular_grid(100, 15), seed=1)
    assert sb.notes and "too long" in sb.notes[0]
    assert sb.captions[-1].start + sb.captions[-1].duration <= sb.length
    assert sb.captions[0].text.startswith("第0个")
    assert any("99元" in c.text for c in sb.captions)  # the offer survives


def test_no_photos_gives_typographic_cards():
    brief = Brief(text="Fresh coffee every day. Only $9!", seconds=10)
    sb = plan_storyboard(brief, analyze_copy(brief.text), regular_grid(120, 10), seed=0)
    assert {s.kind for s in sb.shots} <= {"card", "offer", "cta"}
    assert all(s.photo is None for s in sb.shots)


def test_energy_comes_from_the_spec_not_the_style_name():
    # the same style name, calm words and lively words: the spec's energy decides the pace
    calm = Brief(text="A calm, cozy morning. Soft and gentle.", seconds=20, style="upbeat_pop")
    lively = Brief(text="Flash sale! Limited deal, save now! Hot launch offer!", seconds=20,
                   style="warm")
    calm_spec, lively_spec = music_spec(calm, seed=1), music_spec(lively, seed=1)
    assert calm_spec.style == "upbeat_pop" and lively_spec.style == "warm_acoustic"
    assert not is_energetic(calm_spec.energy) and is_energetic(lively_spec.energy)
    assert not plan_video(calm, calm_spec, seed=1).energetic
    assert plan_video(lively, lively_spec, seed=1).energetic


@pytest.mark.parametrize("name", ["espresso-zh.toml", "launch-en.toml"])
def test_plan_video_cuts_on_the_specs_bar_lines(name):
    brief = load_brief(EXAMPLES / name)
    spec = music_spec(brief, seed=2)
    grid = BeatGrid.from_spec(spec)
    board = plan_video(brief, spec, seed=2)
    assert board == plan_video(brief, spec, seed=2)
    assert board.length == grid.length == round(brief.seconds * 1e6)
    assert board.title == brief.title
    assert board.cuts and all(c in grid.beats for c in board.cuts)
    assert sum(c in grid.downbeats for c in board.cuts) >= 0.6 * len(board.cuts)
    assert music_spec(brief, seed=2, variant=1).seed != spec.seed


def test_plan_video_refuses_empty_copy():
    from promodesk.core.brief import BriefError

    brief = Brief(text=" 。 ", seconds=10)
    with pytest.raises(BriefError, match="copy is empty"):
        plan_video(brief, music_spec(brief))


def _captions(*starts: int) -> list[PlannedCaption]:
    return [PlannedCaption(f"line {i}", s, 1_500_000, i) for i, s in enumerate(starts)]


def test_voice_lines_start_at_their_planned_time_or_after_the_previous_line():
    planned = _captions(0, 2_000_000, 4_000_000, 9_000_000)
    spoken = [1_000_000, 3_100_000, 500_000, 700_000]
    timed, notes = time_voice_lines(planned, spoken, length=20_000_000)
    assert notes == []
    assert [(c.start, c.duration) for c in timed] == [
        (0, 1_000_000),                                   # planned time, spoken length
        (2_000_000, 3_100_000),                           # planned time still free
        (5_100_000 + VOICE_GAP_US, 500_000),              # pushed after the long line + gap
        (9_000_000, 700_000)]                             # back on its planned time
    assert [c.text for c in timed] == [c.text for c in planned]
    assert all(a.start + a.duration + VOICE_GAP_US <= b.start for a, b in zip(timed, timed[1:]))


def test_voice_lines_past_the_end_are_left_out_with_a_note():
    planned = _captions(0, 1_000_000, 2_000_000)
    timed, notes = time_voice_lines(planned, [2_000_000, 2_000_000, 2_000_000], length=5_000_000)
    # the second line starts at 2.2 s and ends at 4.2 s; the third would end at 6.4 s
    assert [(c.start, c.duration) for c in timed] == [(0, 2_000_000), (2_200_000, 2_000_000)]
    assert len(notes) == 1 and "1 line(s) were left out" in notes[0]
    # a line ending exactly at the end still fits
    timed, notes = time_voice_lines(_captions(0), [5_000_000], length=5_000_000)
    assert len(timed) == 1 and notes == []


def test_shot_params_of_a_planned_shot_and_of_a_dropped_photo():
    brief = load_brief(EXAMPLES / "espresso-zh.toml")
    spec = music_spec(brief, seed=1)
    board = plan_video(brief, spec, seed=1)
    keys = {"kind", "move", "text", "title", "price", "old_price", "cta", "colors",
            "transition_in"}
    for shot in board.shots:
        params = shot_params(shot, brief)
        assert set(params) == keys and params["kind"] == shot.kind
        assert params["colors"] == list(brief.brand_colors)
        assert params["transition_in"] == shot.transition_in
        assert params["transition_in"] is not shot.transition_in
    offer = next(s for s in board.shots if s.kind == "offer")
    assert shot_params(offer, brief)["price"] == brief.price
    dropped = photo_shot_params()
    assert set(dropped) == keys and dropped["kind"] == "detail" and dropped["colors"] == []
    assert dropped["transition_in"] == {"kind": "crossfade", "duration_us": 300_000}
    dropped["transition_in"]["duration_us"] = 0
    assert photo_shot_params(["#ffffff"])["transition_in"]["duration_us"] == 300_000
