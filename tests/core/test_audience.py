"""Audience pacing (core.audience): students get livelier, faster-cut music; office workers and
retirees calmer, slower; an unknown audience leaves the plan as it was, with a note. The cut
stays on whole bars of the same length."""

from __future__ import annotations

from pathlib import Path

from promodesk.core.audience import audience_pace, spec_for_audience
from promodesk.core.beats import BeatGrid
from promodesk.core.brief import Brief
from promodesk.core.plan import music_spec, plan_video

PHOTO = Path(__file__).resolve().parents[2] / "resources/examples/products/launch.jpg"
BRIEF = Brief(text="每一个清晨，都值得一杯好咖啡。加厚骨瓷，保温更持久。"
                   "手工上釉，温润如玉，握感舒适。90毫升黄金容量，完美萃取每一滴醇香。"
                   "两只装仅需99元！",
              title="晨光杯", images=[PHOTO], seconds=30, language="zh", price="¥99")


def _plan(audience: str | None):
    spec = music_spec(BRIEF, seed=3)
    if audience is None:
        return spec, plan_video(BRIEF, spec, seed=3), []
    shifted, pace, notes = spec_for_audience(spec, audience)
    return shifted, plan_video(BRIEF, shifted, seed=3, shot_scale=pace.shot_scale), notes


def test_students_get_livelier_music_and_faster_cuts():
    plain_spec, plain, _ = _plan(None)
    spec, board, notes = _plan("students")
    assert spec.bpm > plain_spec.bpm * 1.05
    assert spec.energy > plain_spec.energy + 0.3 and spec.mood == "upbeat"
    assert len(board.shots) > len(plain.shots)
    assert max(s.duration for s in board.shots) < max(s.duration for s in plain.shots)
    assert "students" in notes[0] and "BPM" in notes[0]
    # still whole bars lasting exactly the same: the cuts stay on the spec's bar lines
    assert spec.seconds == plain_spec.seconds
    assert BeatGrid.from_spec(spec).length == BeatGrid.from_spec(plain_spec).length
    assert abs(spec.bars * spec.beats_per_bar * 60.0 / spec.bpm - spec.seconds) < 1e-9
    assert sum(s["bars"] for s in spec.sections) == spec.bars
    downbeats = set(BeatGrid.from_spec(spec).downbeats)
    assert all(cut in downbeats or cut in BeatGrid.from_spec(spec).beats for cut in board.cuts)


def test_office_workers_and_retirees_get_calmer_slower_music_and_longer_shots():
    plain_spec, plain, _ = _plan(None)
    office, office_board, _ = _plan("office workers")
    retirees, retiree_board, _ = _plan("退休老人")
    for spec in (office, retirees):
        assert spec.bpm < plain_spec.bpm and spec.energy < plain_spec.energy
        assert spec.mood == "calm"
    assert retirees.bpm <= office.bpm
    assert len(retiree_board.shots) <= len(office_board.shots) <= len(plain.shots)


def test_plain_and_unknown_audiences_leave_the_spec_unchanged_with_a_note():
    plain_spec, plain, _ = _plan(None)
    spec, board, notes = _plan("cat owners")
    assert spec == plain_spec
    assert [(s.kind, s.start, s.duration) for s in board.shots] == \
        [(s.kind, s.start, s.duration) for s in plain.shots]
    assert notes and "cat owners" in notes[0] and "plain version" in notes[0]
    assert music_spec(BRIEF, seed=3) == plain_spec  # nothing changed the plain spec in place


def test_audience_words_in_english_and_chinese():
    assert audience_pace("College Students").name == "lively"
    assert audience_pace("大学生").name == "lively"
    assert audience_pace("busy office workers").name == "calm"
    assert audience_pace("seniors").name == "calmer"
    assert audience_pace("studentsville") is None  # whole words only
    assert audience_pace("") is None
