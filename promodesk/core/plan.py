"""The storyboard planner: which shot carries which line, how long each runs, where the cuts fall.

``plan_video(brief, spec, seed, variant)`` is the whole plan as a function of the brief and its
music spec (``music_spec(brief, seed, variant)``): copy analysis, then the storyboard on the
spec's beat grid (``BeatGrid.from_spec``), so no audio is needed to plan. ``time_voice_lines``
re-times the planned captions to a voice-over once its lines are spoken. ``shot_params`` and
``photo_shot_params`` are the ``shots`` engine recipes of a planned shot and of a dropped photo.

``plan_storyboard`` takes the brief, the analysed copy and a beat grid. The copy is the script,
kept in its order: the first sentence is the hook (a hero shot), sentences with a price or deal
become offer shots, the rest features (feature panels and detail pans), and the video ends on a
call-to-action card. Shot lengths follow the time their captions need to be read, then every cut
is moved onto a bar line of the music (or a beat when a bar is too coarse). Captions are timed
inside their shots. Deterministic for a seed; other variants permute the feature sentences and
vary photos, moves and transitions for A/B tests. All times are integer microseconds.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from promodesk.core.beats import BeatGrid
from promodesk.core.brief import Brief, BriefError, BriefProblem
from promodesk.core.copytext import MIN_LINE_US, CaptionLine, CopyAnalysis, analyze_copy
from promodesk.core.musicspec import MusicSpec, spec_from_text
from promodesk.core.timeline import seconds_from_us

MIN_SHOT_US = 1_200_000
CTA_CARD_US = 2_500_000
# Copy may be read up to this much faster than the comfortable pace before sentences are dropped.
MAX_SQUEEZE = 1.4
# The music spec's energy (0..1, read from the copy's words) from which the video goes lively:
# fast cuts, slides and karaoke captions. 0.5 is neutral copy; each net lively word adds 0.12, so
# this takes clearly lively copy (a launch, a sale), not one "!" in calm copy.
ENERGETIC_AT = 0.8
# A voice-over line starts at least this long after the previous line ends.
VOICE_GAP_US = 200_000
# A photo dropped on the timeline becomes a detail shot that crossfades in.
DROPPED_PHOTO_TRANSITION = {"kind": "crossfade", "duration_us": 300_000}

DEFAULT_CTA = {"zh": "立即抢购", "ja": "今すぐ購入", "en": "Shop now", "mixed": "立即抢购"}


@dataclass
class PlannedShot:
    """One shot: its kind (hero, detail, feature, offer, cta, card), span, photo (index into the
    brief's images, None for none), the text it shows, its camera move and the transition into
    it (``{"kind", "duration_us"}``)."""

    kind: str
    start: int
    duration: int
    photo: int | None
    text: str = ""
    title: str = ""
    price: str = ""
    old_price: str = ""
    cta: str = ""
    move: str = "auto"
    transition_in: dict = field(default_factory=lambda: {"kind": "cut", "duration_us": 0})
    sentences: list[int] = field(default_factory=list)

    @property
    def end(self) -> int:
        return self.start + self.duration


@dataclass
class PlannedCaption:
    """A caption line on screen from ``start`` for ``duration`` (us)."""

    text: str
    start: int
    duration: int
    sentence: int
    style: str = "outline"


@dataclass
class Storyboard:
    """The plan of a video: shots, captions, its length (us), and notes for the user (e.g.
    sentences that did not fit)."""

    shots: list[PlannedShot]
    captions: list[PlannedCaption]
    length: int
    energetic: bool
    notes: list[str] = field(default_factory=list)
    title: str = ""

    @property
    def cuts(self) -> list[int]:
        """Times (us) where one shot cuts to the next."""
        return [s.start for s in self.shots[1:]]


@dataclass
class _Segment:
    role: str
    sentences: list[int]
    lines: list[CaptionLine]

    @property
    def read_us(self) -> int:
        return sum(line.read_us for line in self.lines)


def is_energetic(energy: float) -> bool:
    """Whether music of ``energy`` (a MusicSpec's energy, 0..1) calls for fast cuts."""
    return energy >= ENERGETIC_AT


def _segments(analysis: CopyAnalysis, rng: random.Random, variant: int) -> list[_Segment]:
    """One segment per sentence with its role; the last CTA sentence rides on the end card."""
    last = len(analysis.sentences) - 1
    segs: list[_Segment] = []
    for i in range(len(analysis.sentences)):
        lines = [line for line in analysis.lines if line.sentence == i]
        hook = segs[0] if segs and segs[0].role == "hook" else None
        # Punchy openers ("Build it. Launch it. Watch it fly.") stay together as the hook.
        if hook is not None and len(segs) == 1 and i < last and len(hook.lines) < 3 \
                and len(lines) == 1 and lines[0].read_us <= MIN_LINE_US \
                and i not in analysis.offer_sentences:
            hook.sentences.append(i)
            hook.lines += lines
            continue
        if i == 0:
            role = "hook"
        elif i == last and analysis.cta_sentence == i:
            role = "cta"
        elif i in analysis.offer_sentences:
            role = "offer"
        else:
            role = "feature"
        segs.append(_Segment(role, [i], lines))
    if variant:
        feature_at = [k for k, s in enumerate(segs) if s.role == "feature"]
        shuffled = [segs[k] for k in feature_at]
        rng.shuffle(shuffled)
        for k, seg in zip(feature_at, shuffled):
            segs[k] = seg
    if not segs or segs[-1].role != "cta":
        segs.append(_Segment("cta", [], []))
    return segs


def _fit_copy(segs: list[_Segment], length: int, notes: list[str]) -> list[_Segment]:
    """Drop feature sentences (last first) while the copy cannot be read in ``length`` even at
    MAX_SQUEEZE; then trim lines of what is left. Records what was dropped in ``notes``."""
    def need() -> int:
        return sum(max(s.read_us, MIN_SHOT_US) for s in segs if s.lines) + \
            sum(CTA_CARD_US for s in segs if not s.lines)

    whole = need()  # the whole copy at a comfortable pace
    dropped = []
    while need() > length * MAX_SQUEEZE:
        features = [s for s in segs if s.role == "feature"]
        if not features:
            break
        segs.remove(features[-1])
        dropped += features[-1].sentences
    budget = int(length * MAX_SQUEEZE) - sum(CTA_CARD_US for s in segs if not s.lines)
    cut_lines = 0
    for seg in segs:
        keep = []
        for line in seg.lines:
            if budget - max(line.read_us, MIN_LINE_US) >= 0 or not keep:
                keep.append(line)
                budget -= max(line.read_us, MIN_LINE_US)
            else:
                cut_lines += 1
        seg.lines = keep
    note = _length_note(length, whole, len(dropped), cut_lines, need() / max(length, 1))
    if note:
        notes.append(note)
    return segs


def _length_note(length: int, whole: int, sentences: int, lines: int, pace: float) -> str | None:
    """One line for the user when the copy does not fit ``length`` (us): what was left out
    (``sentences``, caption ``lines``) or how much faster than comfortable it is read (``pace``:
    reading time over length), and the length that reads all of it (``whole``, us) at a
    comfortable pace. None when the copy fits."""
    from promodesk.core.brief import MAX_SECONDS

    left = " and ".join(f"{n} {what}" for n, what in ((sentences, "sentence(s)"),
                                                      (lines, "caption line(s)")) if n)
    if not left and pace <= 1.05:  # within a twentieth of a comfortable pace: no note
        return None
    seconds = -(-whole // 1_000_000)
    fix = (f"make the video about {seconds} s long or shorten the copy"
           if seconds <= MAX_SECONDS else
           f"shorten the copy: even {MAX_SECONDS} s, the longest, cannot hold all of it")
    if left:
        return (f"The copy is too long for {seconds_from_us(length):.0f} s: {left} were left "
                f"out; {fix}.")
    return (f"The copy is read {pace:.1f}x faster than comfortable to fit "
            f"{seconds_from_us(length):.0f} s; {fix}.")


def _cut_points(weights: list[int], grid: BeatGrid, length: int) -> list[int]:
    """Shot boundaries [0, c1, ..., length] with interior cuts on bar lines where a bar line is
    near the ideal place, else on the nearest beat; every shot at least MIN_SHOT_US long."""
    total = sum(weights)
    ideal, acc = [], 0
    for w in weights[:-1]:
        acc += w
        ideal.append(acc * length // total)
    cuts = [0]
    bar = max(1, grid.length // max(1, len(grid.downbeats)))
    for k, target in enumerate(ideal):
        remaining = len(ideal) - k  # shots after this cut
        lo, hi = cuts[-1] + MIN_SHOT_US, length - remaining * MIN_SHOT_US
        choices = [t for t in grid.downbeats if lo <= t <= hi and abs(t - target) <= bar // 2]
        if not choices:
            choices = [t for t in grid.beats if lo <= t <= hi]
        cut = min(choices, key=lambda t: (abs(t - target), t)) if choices else \
            min(max(target, lo), hi)
        cuts.append(cut)
    cuts.append(length)
    return cuts


def _time_captions(seg: _Segment, start: int, end: int, grid: BeatGrid, style: str) -> list[PlannedCaption]:
    """Spread a segment's lines over [start, end): in proportion to reading time, none shorter
    than 1.2 s where the span allows, joins moved onto beats when that keeps the minimum."""
    lines = seg.lines
    if not lines:
        return []
    span = end - start
    floor = min(MIN_LINE_US, span // len(lines))
    durs = [line.read_us for line in lines]
    fixed: set[int] = set()
    for _ in range(len(lines)):
        free = [i for i in range(len(lines)) if i not in fixed]
        rest = span - floor * len(fixed)
        weight = sum(durs[i] for i in free) or 1
        scaled = {i: durs[i] * rest // weight for i in free}
        short = [i for i in free if scaled[i] < floor]
        if not short:
            break
        fixed.update(short)
    out_durs = [floor if i in fixed else scaled[i] for i in range(len(lines))]
    bounds, t = [start], start
    for d in out_durs[:-1]:
        t += d
        snapped = grid.nearest(t)
        if snapped - bounds[-1] >= floor and end - snapped >= floor * (len(lines) - len(bounds)):
            t = snapped
        bounds.append(t)
    bounds.append(end)
    return [PlannedCaption(line.text, a, b - a, line.sentence, style)
            for line, a, b in zip(lines, bounds, bounds[1:])]


_MOVES = {"hero": ["push_in"], "detail": ["pan_left", "pan_right", "pan_up"],
          "feature": ["push_in", "still"], "offer": ["push_in", "pull_out"], "cta": ["still"],
          "card": ["still", "push_in"]}


def plan_storyboard(brief: Brief, analysis: CopyAnalysis, grid: BeatGrid, seed: int = 0,
                    variant: int = 0, energy: float = 0.5, shot_scale: float = 1.0) -> Storyboard:
    """Plan shots and captions for ``brief`` over the music described by ``grid``.

    ``energy`` is the music's (MusicSpec.energy, 0..1; it sets the pace of cuts, transitions
    and the caption style); ``shot_scale`` multiplies the longest a shot runs before it is split
    (an audience's pace, core.audience). The storyboard's length is the music's length.
    Deterministic for (seed, variant)."""
    rng = random.Random(seed * 1009 + variant)
    notes = list(analysis.notes)
    length = grid.length
    energetic = is_energetic(energy)
    segs = _fit_copy(_segments(analysis, rng, variant), length, notes)

    # Pace: a long segment becomes several shots (hero then details) so nothing sits too long.
    max_shot = int((3_500_000 if energetic else 5_000_000) * shot_scale)
    weights = [max(s.read_us, MIN_SHOT_US) if s.lines else CTA_CARD_US for s in segs]
    scale = length / sum(weights)
    plan: list[tuple[_Segment, int, int]] = []  # (segment, part, parts)
    shot_weights = []
    for seg, w in zip(segs, weights):
        parts = max(1, min(3, round(w * scale / max_shot))) if seg.role != "cta" else 1
        for p in range(parts):
            plan.append((seg, p, parts))
            shot_weights.append(w // parts)
    cuts = _cut_points(shot_weights, grid, length)

    photos = list(range(len(brief.images)))
    if variant and photos:
        rng.shuffle(photos)
    offer = analysis.offer
    price = brief.price or offer.price or (
        f"Save {offer.discount}" if offer.discount and analysis.language == "en" else offer.discount)
    cta = brief.cta or analysis.cta or DEFAULT_CTA.get(analysis.language, "Shop now")
    shots: list[PlannedShot] = []
    for n, ((seg, part, parts), a, b) in enumerate(zip(plan, cuts, cuts[1:])):
        photo = photos[n % len(photos)] if photos else None
        if seg.role == "hook":
            kind = "hero" if part == 0 else "detail"
        elif seg.role == "offer":
            kind = "offer" if part == 0 else "detail"
        elif seg.role == "cta":
            kind = "cta"
        else:
            kind = rng.choice(["feature", "feature", "detail"]) if part == 0 else "detail"
        if photo is None and kind in ("hero", "detail", "feature"):
            kind = "card"
        text = " ".join(analysis.key_phrases[i] for i in seg.sentences) if kind in (
            "feature", "card") else ""
        shots.append(PlannedShot(
            kind=kind, start=a, duration=b - a, photo=photo, text=text, title=brief.title,
            price=price if kind in ("offer", "cta") else "",
            old_price=offer.old_price if kind == "offer" else "",
            cta=cta if kind == "cta" else "", move=rng.choice(_MOVES[kind]),
            sentences=list(seg.sentences)))

    beat = grid.beat_us or 500_000
    for prev, shot in zip(shots, shots[1:]):
        kind = rng.choice(["cut", "slide", "zoom", "cut"] if energetic else
                          ["crossfade", "crossfade", "slide"])
        if shot.kind == "cta":
            kind = "crossfade"
        want = min(beat, 500_000) if kind == "crossfade" else min(beat // 2, 300_000)
        dur = 0 if kind == "cut" else min(want, prev.duration // 2, shot.duration // 2)
        shot.transition_in = {"kind": kind, "duration_us": dur}

    caption_style = "karaoke" if energetic else "outline"
    captions: list[PlannedCaption] = []
    for seg in segs:
        mine = [s for (sg, _, _), s in zip(plan, shots) if sg is seg]
        if mine:
            captions += _time_captions(seg, mine[0].start, mine[-1].end, grid, caption_style)
    return Storyboard(shots=shots, captions=captions, length=length, energetic=energetic,
                      notes=notes, title=brief.title or next(iter(analysis.key_phrases), ""))


def music_spec(brief: Brief, seed: int = 0, variant: int = 0) -> MusicSpec:
    """The music spec of ``brief``: its style (or one read from the copy), a tempo that fits
    ``brief.seconds`` in whole bars, mood and energy from the words. Deterministic for (seed,
    variant). Raises MusicSpecError for an unknown style or an unusable length."""
    style = None if brief.style in ("", "auto") else brief.style
    return spec_from_text(brief.text, brief.seconds, style=style, seed=seed + 7919 * variant)


def plan_video(brief: Brief, spec: MusicSpec, seed: int = 0, variant: int = 0,
               shot_scale: float = 1.0) -> Storyboard:
    """The whole plan of a video for ``brief`` on the music ``spec`` describes: the copy read
    into caption lines, shots cut on the spec's bar lines, captions timed inside them, the pace
    set by the spec's energy (and ``shot_scale``, see plan_storyboard). Needs no audio. Raises
    BriefError when the copy is empty."""
    analysis = analyze_copy(brief.text, brief.language, brief.cta)
    if not analysis.lines:
        raise BriefError([BriefProblem("text", "the copy is empty; write a sentence or two "
                                               "about the product")], brief.source)
    return plan_storyboard(brief, analysis, BeatGrid.from_spec(spec), seed=seed, variant=variant,
                           energy=spec.energy, shot_scale=shot_scale)


def time_voice_lines(captions: list[PlannedCaption], spoken_us: list[int], length: int,
                     gap_us: int = VOICE_GAP_US) -> tuple[list[PlannedCaption], list[str]]:
    """Captions re-timed to a voice-over: line ``i`` is spoken for ``spoken_us[i]``
    microseconds, starting at its planned time or ``gap_us`` after the previous line ends,
    whichever is later, and its caption shows exactly while it is spoken. Lines that would run
    past ``length`` (us) are left out, from the first that does not fit.

    Returns (the timed captions, one per line kept, in order; notes for the user)."""
    timed: list[PlannedCaption] = []
    t = 0
    for cap, spoken in zip(captions, spoken_us):
        start = max(cap.start, t)
        if start + spoken > length:
            return timed, [f"The voice-over is longer than the video: {len(captions) - len(timed)}"
                           " line(s) were left out. Shorten the copy or make the video longer."]
        timed.append(PlannedCaption(cap.text, start, int(spoken), cap.sentence, cap.style))
        t = start + spoken + gap_us
    return timed, []


def shot_params(shot: PlannedShot, brief: Brief) -> dict:
    """The ``shots`` engine recipe parameters of a planned shot (contract 2): kind, move,
    texts, the brief's brand colours and the transition into it."""
    return {"kind": shot.kind, "move": shot.move, "text": shot.text, "title": shot.title,
            "price": shot.price, "old_price": shot.old_price, "cta": shot.cta,
            "colors": list(brief.brand_colors), "transition_in": dict(shot.transition_in)}


def photo_shot_params(colors: list[str] | tuple[str, ...] = ()) -> dict:
    """The ``shots`` engine recipe parameters of a photo dropped on the timeline: a detail shot
    with an automatic move, no text, crossfading in (``colors``: brand colours, may be empty)."""
    return {"kind": "detail", "move": "auto", "text": "", "title": "", "price": "",
            "old_price": "", "cta": "", "colors": list(colors),
            "transition_in": dict(DROPPED_PHOTO_TRANSITION)}
