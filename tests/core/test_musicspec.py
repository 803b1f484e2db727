"""Copy text -> MusicSpec: moods, styles, tempo that fits whole bars, sections, and bad input."""

from __future__ import annotations

import json
import math

import pytest

from promodesk.core.musicspec import (ALIASES, MAX_SECONDS, STYLES, MusicSpec, MusicSpecError,
                                         layout_sections, read_mood, resolve_style,
                                         spec_from_text)


def test_at_least_six_ad_styles_with_real_instruments():
    assert {"upbeat_pop", "inspiring_corporate", "tech_electronic", "elegant_lounge",
            "warm_acoustic", "festive_chinese"} <= set(STYLES)
    for style in STYLES.values():
        assert set(style.instruments) == {"drums", "bass", "keys", "pad", "lead", "extra"}
        assert all(0 <= p <= 127 for p in style.instruments.values())
    chinese = STYLES["festive_chinese"]
    assert chinese.mode == "pentatonic"
    assert chinese.instruments["lead"] in (72, 73, 77)          # piccolo / flute / shakuhachi
    assert chinese.instruments["keys"] in (104, 105, 106, 107)  # plucked strings (koto: guzheng)


@pytest.mark.parametrize("text,style", [
    ("双十一限时抢购，爆款直降！", "upbeat_pop"),
    ("手工上釉，温润如玉，握感舒适。", "warm_acoustic"),
    ("奢华质感，尊享典雅。", "elegant_lounge"),
    ("Smart wireless earbuds with an AI chip.", "tech_electronic"),
    ("新春佳节，团圆喜庆，年货红包送不停", "festive_chinese"),
    ("Build your dream team. Trust, innovation, growth.", "inspiring_corporate"),
    ("A calm, cozy morning coffee at home.", "warm_acoustic"),
    ("Premium luxury leather, refined and exclusive.", "elegant_lounge"),
])
def test_mood_words_pick_the_style(text, style):
    spec = spec_from_text(text, 20)
    assert spec.style == style


def test_energy_follows_the_words():
    _, hot, _ = read_mood("限时抢购！双十一秒杀！Flash sale now!")
    _, calm, _ = read_mood("calm, gentle, slow and soft")
    _, plain, _ = read_mood("a cup")
    assert hot > plain > calm
    fast = spec_from_text("限时抢购！双十一秒杀！", 30, style="pop")
    slow = spec_from_text("calm gentle soft", 30, style="pop")
    assert fast.bpm > slow.bpm


def test_empty_text_gives_a_sensible_default():
    spec = spec_from_text("", 15)
    assert spec.style == "inspiring_corporate" and spec.bars >= 4
    assert spec_from_text("   ", 15).style == "inspiring_corporate"


@pytest.mark.parametrize("name,expected", [
    ("warm", "warm_acoustic"), ("Upbeat pop", "upbeat_pop"), ("tech-electronic", "tech_electronic"),
    ("Festive Chinese", "festive_chinese"), ("国风", "festive_chinese"), ("auto", None),
    (None, None), ("", None), ("LOUNGE", "elegant_lounge"),
])
def test_style_names_and_aliases(name, expected):
    assert resolve_style(name) == expected
    assert all(v in STYLES for v in ALIASES.values())


def test_unknown_style_is_a_clear_error():
    with pytest.raises(MusicSpecError, match="Unknown music style 'disco'.*upbeat_pop"):
        spec_from_text("x", 10, style="disco")


@pytest.mark.parametrize("seconds", [0, -5, 1.5, float("nan"), float("inf"), MAX_SECONDS + 1,
                                     1e9, "abc"])
def test_unusable_lengths_are_clear_errors(seconds):
    with pytest.raises(MusicSpecError, match="second|minute"):
        spec_from_text("sale", seconds)


@pytest.mark.parametrize("bpm", [0, -10, 20, 400, float("nan")])
def test_unusable_tempo_is_a_clear_error(bpm):
    with pytest.raises(MusicSpecError, match="Tempo"):
        spec_from_text("sale", 10, bpm=bpm)


@pytest.mark.parametrize("seconds", [2, 5, 8, 10, 12.5, 15, 20, 30, 45, 60, 97.3, 600])
@pytest.mark.parametrize("style", sorted(STYLES))
def test_auto_tempo_makes_whole_bars_of_exactly_the_length(style, seconds):
    spec = spec_from_text("", seconds, style=style)
    assert spec.seconds == spec.requested_seconds == seconds
    assert math.isclose(spec.bars * spec.seconds_per_bar, seconds, rel_tol=1e-12)
    lo, hi = STYLES[style].bpm_range
    if seconds >= 10:       # long enough for a bar more or less to keep the style's feel
        assert lo * 0.88 <= spec.bpm <= hi * 1.12, spec.bpm
    assert spec.n_samples == round(seconds * 48000)


@pytest.mark.parametrize("seconds,bpm", [(30, 120), (31, 120), (31.9, 120), (10, 97), (7, 60)])
def test_explicit_tempo_is_kept_and_the_ending_absorbs_the_rest(seconds, bpm):
    spec = spec_from_text("sale", seconds, bpm=bpm)
    assert spec.bpm == bpm and spec.seconds == seconds
    ending_start = (spec.bars - 1) * spec.seconds_per_bar
    tail = seconds - ending_start
    assert spec.seconds_per_beat - 1e-9 <= tail < spec.seconds_per_bar + spec.seconds_per_beat


@pytest.mark.parametrize("bars", list(range(1, 41)) + [75, 150])
def test_sections_tile_the_bars_and_end_with_one_ending_bar(bars):
    sections = layout_sections(bars)
    at = 0
    for s in sections:
        assert s["start_bar"] == at and s["bars"] >= 1
        at += s["bars"]
    assert at == bars
    assert sections[-1] == {"name": "ending", "start_bar": bars - 1, "bars": 1}
    if bars >= 6:
        assert sections[0]["name"] == "intro" and sections[-2]["name"] == "chorus"
        assert any(s["name"] in ("verse", "chorus") for s in sections)


def test_spec_round_trips_through_json():
    spec = spec_from_text("温润如玉 双十一限时特惠", 20, seed=7)
    spec.patches.append({"start_bar": 2, "bars": 2, "seed": 9})
    again = MusicSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec
    d = spec.to_dict()
    for key in ("style", "bpm", "key", "mode", "beats_per_bar", "beat_unit", "bars", "sections",
                "instruments", "seconds", "requested_seconds", "seed", "mood", "energy"):
        assert key in d
    assert MusicSpec.from_dict({**d, "from_a_newer_version": 1}) == spec


def test_seed_varies_the_key_but_not_the_structure():
    keys = {spec_from_text("launch", 30, style="pop", seed=s).key for s in range(12)}
    assert len(keys) >= 3
    a, b = spec_from_text("launch", 30, seed=1), spec_from_text("launch", 30, seed=1)
    assert a == b
