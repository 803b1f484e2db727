"""The planner: roles, beat-aligned cuts, captions in order inside the video, determinism."""

from __future__ import annotations

import re

import pytest

from promodesk.core.beats import BeatGrid
from promodesk.core.brief import Brief, load_brief
from promodesk.core.copytext import MIN_LINE_US, analyze_copy
from promodesk.core.plan import MIN_SHOT_US, plan_storyboard
from tests.core.test_brief import EXAMPLES


def regular_grid(bpm: float, seconds: float, per_bar: int = 4) -> BeatGrid:
    beat = 60e6 / bpm
    beats = tuple(int(round(i * beat)) for i in range(int(seconds * 1e6 / beat)))
    return BeatGrid(beats, beats[::per_bar], int(seconds * 1e6), bpm, per_bar)


def letters(s: str) -> str:
    return re.sub(r"[\W_]+", "", s)


CASES = [("espresso-zh.toml", 96, 20, "warm"), ("launch-en.toml", 120, 30, "upbeat_pop"),
         ("launch-en.toml", 87, 30, "lounge")]


@pytest.mark.parametrize("name,bpm,seconds,style", CASES)
def test_storyboard_properties(name, bpm, seconds, style):
    brief = load_brief(EXAMPLES / name)
    a = analyze_copy(brief.text, brief.language, brief.cta)
    grid = regular_grid(bpm, seconds)
    sb = plan_storyboard(brief, a, grid, seed=3, style=style)
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
    one = plan_storyboard(brief, a, grid, seed=5, variant=0, style="pop")
    assert plan_storyboard(brief, a, grid, seed=5, variant=0, style="pop") == one
    others = [plan_storyboard(brief, a, grid, seed=5, variant=v, style="pop") for v in (1, 2)]
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
