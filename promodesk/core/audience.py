"""Audience pacing: how an audience version's music and cuts differ from the plain version.

An audience version ("students", "office workers", "retirees") has its lines rewritten for it
(engines/text/rewrite.py); this module says how its *music and pace* move: livelier and faster
cut for young audiences, calmer and slower for people at work or retired. It is a pure function
of the audience's name and the plain version's :class:`~promodesk.core.musicspec.MusicSpec`:

- ``energy`` is shifted (it sets the music's dynamics, the model engines' prompt words, and in
  the planner whether the video goes lively: fast cuts, slides, karaoke captions);
- ``bpm`` is scaled, then set again so the piece is still a whole number of bars lasting
  exactly the spec's seconds (the cut stays on the bar lines);
- ``shot_scale`` multiplies the longest a shot may run before the planner splits it (below 1:
  more, shorter shots).

An audience no rule knows leaves the spec as it is, with a note saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from promodesk.core.musicspec import MAX_BPM, MIN_BPM, MusicSpec, layout_sections


@dataclass(frozen=True)
class AudiencePace:
    """How an audience shifts a version: ``energy`` added (-1..1), ``tempo`` (bpm factor),
    ``shot_scale`` (factor on the longest shot), ``mood`` (the spec's mood word, "" to keep)."""

    name: str
    energy: float = 0.0
    tempo: float = 1.0
    shot_scale: float = 1.0
    mood: str = ""


LIVELY = AudiencePace("lively", energy=0.35, tempo=1.12, shot_scale=0.7, mood="upbeat")
CALM = AudiencePace("calm", energy=-0.2, tempo=0.92, shot_scale=1.25, mood="calm")
CALMER = AudiencePace("calmer", energy=-0.3, tempo=0.86, shot_scale=1.4, mood="calm")
PLAIN = AudiencePace("plain")

# Words in an audience's name (English, lower case, whole words; Chinese, anywhere) -> its pace.
# Young audiences get the lively pace; people at work a calm one; older people a calmer one.
RULES: tuple[tuple[AudiencePace, tuple[str, ...]], ...] = (
    (LIVELY, ("student", "students", "teen", "teens", "teenager", "teenagers", "youth",
              "young", "gen z", "gamer", "gamers", "college", "kids", "学生", "大学生",
              "年轻人", "青少年", "玩家", "00后", "z世代")),
    (CALMER, ("retiree", "retirees", "retired", "senior", "seniors", "elderly", "older",
              "grandparents", "退休", "老年", "长辈", "老人")),
    (CALM, ("office", "worker", "workers", "professional", "professionals", "commuter",
            "commuters", "business", "executives", "parents", "上班族", "白领", "职场",
            "商务", "宝妈", "家长")),
)
ENERGY_RANGE = (0.15, 0.95)  # as musicspec.read_mood clips it


def audience_pace(audience: str) -> AudiencePace | None:
    """The pace rule for ``audience`` (first rule with a word in its name), or None when no
    rule knows it."""
    text = " ".join(str(audience).lower().split())
    for pace, words in RULES:
        for word in words:
            if word.isascii():
                if re.search(rf"(?<![a-z]){re.escape(word)}(?![a-z])", text):
                    return pace
            elif word in text:
                return pace
    return None


def _whole_bars(spec: MusicSpec, bpm: float) -> tuple[float, int]:
    """(bpm, bars) near ``bpm`` with a whole number of bars lasting ``spec.seconds`` exactly."""
    per_bar = spec.beats_per_bar * 60.0
    bars = max(1, round(spec.seconds * bpm / per_bar))
    exact = bars * per_bar / spec.seconds
    while exact > MAX_BPM and bars > 1:
        bars -= 1
        exact = bars * per_bar / spec.seconds
    while exact < MIN_BPM:
        bars += 1
        exact = bars * per_bar / spec.seconds
    return exact, bars


def spec_for_audience(spec: MusicSpec, audience: str) -> tuple[MusicSpec, AudiencePace, list[str]]:
    """(the spec of ``audience``'s version, the pace applied, notes for the user): ``spec``
    with its energy shifted, its tempo scaled to whole bars of the same length and its mood
    renamed per :func:`audience_pace`. An unknown audience: ``spec`` unchanged, :data:`PLAIN`
    and a note. ``spec`` itself is never changed."""
    pace = audience_pace(audience)
    if pace is None:
        return spec, PLAIN, [f"No pacing rule for the audience '{audience}': its music and cuts "
                             "are those of the plain version."]
    lo, hi = ENERGY_RANGE
    energy = round(min(hi, max(lo, spec.energy + pace.energy)), 3)
    bpm, bars = _whole_bars(spec, spec.bpm * pace.tempo)
    shifted = replace(spec, energy=energy, bpm=float(bpm), bars=bars,
                      sections=layout_sections(bars) if bars != spec.bars else
                      [dict(s) for s in spec.sections],
                      mood=pace.mood or spec.mood, instruments=dict(spec.instruments),
                      patches=[dict(p) for p in spec.patches])
    return shifted, pace, [f"The {audience} version is paced {pace.name}: "
                           f"{spec.bpm:.0f} -> {bpm:.0f} BPM, energy {spec.energy:.2f} -> "
                           f"{energy:.2f}."]
