"""Arrangement: a MusicSpec becomes notes, bar by bar, for six roles (drums, bass, keys, pad, lead,
extra).

Harmony (progressions, voicings) depends only on the style and the spec's seed; everything played
in a bar (melody, fills, little variations) comes from a random generator seeded by that bar's seed
and index. So regenerating bars a..b with a new seed changes those bars and nothing else, which is
what lets the composer splice them into the original. Times are in beats from the start.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from promodesk.engines.music import grooves as G
from promodesk.core.musicspec import NOTE_NAMES, MusicSpec

ROLES = ("drums", "bass", "keys", "pad", "lead", "extra")
SCALES = {"major": (0, 2, 4, 5, 7, 9, 11), "minor": (0, 2, 3, 5, 7, 8, 10),
          "pentatonic": (0, 2, 4, 7, 9)}
JITTER_S = {"drums": 0.002, "bass": 0.003, "keys": 0.006, "pad": 0.0, "lead": 0.007,
            "extra": 0.006}


@dataclass(frozen=True)
class Note:
    """One note: ``start`` and ``length`` in beats, ``pitch`` MIDI number, ``velocity`` 0..1."""

    start: float
    length: float
    pitch: int
    velocity: float


@dataclass(frozen=True)
class Chord:
    """A chord: ``root`` pitch class, ``tones`` pitch classes from the root up, ``degree`` 1..7."""

    root: int
    tones: tuple
    degree: int


@dataclass
class Motif:
    """The melodic idea: a one-bar rhythm, a contour in scale steps, and how it is sequenced."""

    rhythm: list
    contour: list
    sequence_step: int


def bar_seeds(spec: MusicSpec) -> list[int]:
    """The seed that composes each bar: the spec's, or the last patch covering that bar."""
    seeds = [int(spec.seed)] * spec.bars
    for patch in spec.patches:
        for b in range(patch["start_bar"], min(spec.bars, patch["start_bar"] + patch["bars"])):
            seeds[b] = int(patch["seed"])
    return seeds


def make_motif(seed: int) -> Motif:
    """The motif for ``seed`` (the same seed always gives the same motif)."""
    rng = np.random.default_rng([seed & 0xFFFFFFFF, 101])
    rhythm = G.RHYTHMS[int(rng.integers(len(G.RHYTHMS)))]
    steps = rng.choice([-2, -1, 1, 2, 3, -3], size=len(rhythm) - 1,
                       p=[0.15, 0.3, 0.25, 0.15, 0.075, 0.075])
    contour = [0] + [int(c) for c in np.clip(np.cumsum(steps), -4, 5)]
    return Motif(rhythm, contour, int(rng.choice([-1, 1, 2])))


def harmony(spec: MusicSpec) -> list[list[tuple[float, Chord]]]:
    """For each bar, its chords as (beat offset within the bar, Chord)."""
    rng = np.random.default_rng([spec.seed & 0xFFFFFFFF, 11])
    progs = G.PROGRESSIONS[spec.style]
    chosen = {kind: progs[kind][int(rng.integers(len(progs[kind])))].split()
              for kind in ("verse", "chorus")}
    minor = spec.mode == "minor"
    lift = ["6", "7"] if minor else ["4", "5"]
    bars: list[list[str]] = []
    for sec in spec.sections:
        n, name = sec["bars"], sec["name"]
        if name == "ending":
            seq = ["1"]
        elif name == "intro":
            seq = (chosen["verse"] * 2)[-n:] if n < 4 else chosen["verse"]
        elif name == "lift":
            seq = (lift * 2)[-n:]
        else:
            seq = chosen["chorus" if name == "chorus" else "verse"]
        bars.extend(seq[i % len(seq)] for i in range(n))
    if len(bars) >= 2:
        bars[-2] = str(G.CADENCE.get(spec.style, 5))
    half = spec.beats_per_bar / 2
    return [[(i * half, chord_of(int(d), spec)) for i, d in enumerate(symbol.split("/"))]
            for symbol in bars]


def chord_of(degree: int, spec: MusicSpec) -> Chord:
    """The diatonic chord on ``degree`` of the spec's key (pentatonic styles avoid 4 and 7)."""
    key = NOTE_NAMES.index(spec.key)
    scale = SCALES["minor" if spec.mode == "minor" else "major"]
    count = 4 if spec.style in G.SEVENTHS else 3
    steps = [(degree - 1 + 2 * k) for k in range(count)]
    if spec.mode == "pentatonic":
        steps = [s + 1 if scale[s % 7] in (5, 11) else s for s in steps]
    tones = tuple(dict.fromkeys((key + scale[s % 7]) % 12 for s in steps))
    return Chord((key + scale[(degree - 1) % 7]) % 12, tones, degree)


def place(pc: int, low: int) -> int:
    """The lowest MIDI note >= ``low`` with pitch class ``pc``."""
    return low + (pc - low) % 12


def voicing(chord: Chord, previous: list[int] | None, low: int = 55) -> list[int]:
    """Close-position voicing of ``chord`` from ``low`` up, the inversion nearest ``previous``."""
    options = []
    for r in range(len(chord.tones)):
        tones = chord.tones[r:] + chord.tones[:r]
        notes = [place(tones[0], low)]
        for pc in tones[1:]:
            notes.append(place(pc, notes[-1] + 1))
        options.append(notes)
    target = previous or [low + 7] * 3
    return min(options, key=lambda v: abs(np.mean(v) - np.mean(target)) + 0.1 * (v[-1] - v[0]))


class BarWriter:
    """Writes the notes of one bar: sixteenth steps to beats (with swing), humanised by the bar's
    random generator."""

    def __init__(self, spec: MusicSpec, bar: int, rng: np.random.Generator):
        self.spec, self.bar, self.rng = spec, bar, rng
        self.origin = bar * spec.beats_per_bar
        self.swing = G.SWING.get(spec.style, 0.0)
        self.beats_per_second = spec.bpm / 60.0
        self.notes: dict[str, list[Note]] = {role: [] for role in ROLES}

    def beat(self, step: float) -> float:
        swing = self.swing if float(step).is_integer() and int(step) % 4 == 2 else 0.0
        return self.origin + step / 4.0 + swing

    def add(self, role: str, step: float, steps: float, pitch: int, velocity: float,
            offset_s: float = 0.0) -> None:
        jitter = self.rng.normal(0.0, JITTER_S[role]) if JITTER_S[role] else 0.0
        start = max(0.0, self.beat(step) + (jitter + offset_s) * self.beats_per_second)
        vel = min(1.0, max(0.05, velocity * (1.0 + self.rng.normal(0.0, 0.04))))
        self.notes[role].append(Note(start, max(0.05, steps / 4.0), int(pitch), vel))


def pattern_notes(pattern: str) -> list[tuple[int, int, str]]:
    """(step, length in steps, mark) for each onset of a 16-step pattern string."""
    out = []
    for step, mark in enumerate(pattern):
        if mark in ".-":
            continue
        length = 1
        while step + length < len(pattern) and pattern[step + length] == "-":
            length += 1
        out.append((step, length, mark))
    return out


def chord_at(chords: list[tuple[float, Chord]], step: int) -> Chord:
    """The chord sounding at sixteenth ``step`` of a bar."""
    return [c for at, c in chords if at * 4 <= step][-1]


def arpeggio(chord: Chord, low: int) -> list[int]:
    """Rising arpeggio of ``chord`` from its root at or above ``low``: root, fifth-ish, octave..."""
    root = place(chord.root, low)
    upper = sorted(place(pc, root) for pc in chord.tones if pc != chord.root)
    return [root] + upper[-1:] + [root + 12] + [u + 12 for u in upper] + [root + 24]


def comp(w: BarWriter, role: str, kind: str, pattern, chords, voiced: list[list[int]],
         level: float, low: int) -> None:
    """Accompaniment figures: stabs, arpeggios, guitar strums, power chords, or doubling."""
    if kind == "stabs":
        for step, length, _ in pattern_notes(pattern):
            chord_index = min(len(voiced) - 1, sum(at * 4 <= step for at, _ in chords) - 1)
            for i, p in enumerate(voiced[chord_index]):
                w.add(role, step, length * 0.9, p + (low - 55), level * (0.9 + 0.1 * (step % 8 == 0)))
    elif kind == "arp":
        for step, length, mark in pattern_notes(pattern):
            notes = arpeggio(chord_at(chords, step), low)
            w.add(role, step, max(length, 2) * 1.1, notes[int(mark) % len(notes)],
                  level * (1.0 if step % 4 == 0 else 0.85))
    elif kind == "strum":
        spread = 0.011
        for step, length, mark in pattern_notes(pattern):
            chord = chord_at(chords, step)
            root = place(chord.root, low)
            strings = [root, root + 7, root + 12] + sorted(place(pc, root + 13) for pc in chord.tones
                                                           if pc != chord.root)
            if mark == "U":
                strings = strings[::-1][:4]
            for i, p in enumerate(strings):
                w.add(role, step, length * 0.95, p, level * (0.8 if mark == "U" else 1.0) - 0.03 * i,
                      offset_s=i * spread)
    elif kind == "power":
        for step, length, _ in pattern_notes(pattern):
            root = place(chord_at(chords, step).root, low)
            for p in (root, root + 7):
                w.add(role, step, 1.5, p, level * (1.0 if step % 4 == 0 else 0.8))


def drums(w: BarWriter, kind: str, fill: bool, crash: bool, level: float) -> None:
    """The style's groove for ``kind``; its last two beats replaced by a fill when ``fill``."""
    style = w.spec.style
    groove = G.DRUMS[style][kind]
    for name, pattern in groove.items():
        for step, mark in enumerate(pattern):
            if mark == "." or (fill and step >= 8 and name != "kick"):
                continue
            if fill and step > 8 and name == "kick":
                continue
            w.add("drums", step, 2, G.DRUM_NOTES[name], level * G.VELOCITY[mark])
    if fill:
        choice = G.FILL_CHOICES[style][int(w.rng.integers(len(G.FILL_CHOICES[style])))]
        for step, name, mark in G.FILLS[choice]:
            w.add("drums", step, 1, G.DRUM_NOTES[name], level * G.VELOCITY[mark])
    if crash:
        for name in G.CRASH.get(style, ("crash",)):
            w.add("drums", 0, 12, G.DRUM_NOTES[name], level * (0.6 if style == "elegant_lounge" else 0.85))
        if "kick" not in groove:
            w.add("drums", 0, 2, G.DRUM_NOTES["kick"], level * 0.9)


def bass(w: BarWriter, pattern: str, chords, next_root: int, low: int, level: float) -> None:
    """The bass line: pattern letters turned into chord tones in the bass register."""
    for step, length, mark in pattern_notes(pattern):
        chord = chord_at(chords, step)
        root = place(chord.root, low)
        third = place(chord.tones[1], root) if len(chord.tones) > 1 else root
        fifth = place(chord.tones[2], root) if len(chord.tones) > 2 else root + 7
        target = place(next_root, low)
        pitch = {"R": root, "O": root + 12, "F": fifth if fifth - root <= 7 else fifth - 12,
                 "T": third, "A": target - 1 if target - 1 != root else target + 1}[mark]
        w.add("bass", step, length * 0.92, pitch, level * (1.0 if step % 8 == 0 else 0.85))


def melody(w: BarWriter, motif: Motif, chords, kind: str, phrase_pos: int, cadence: bool,
           centre: int, level: float) -> None:
    """The lead: the motif, sequenced, lifted a third in choruses, stretched in breaks, and
    answered by a long chord tone at phrase ends."""
    spec = w.spec
    key = NOTE_NAMES.index(spec.key)
    scale = [p for p in range(36, 110) if (p - key) % 12 in SCALES[spec.mode]]
    shift = {"chorus": 2, "break": -1}.get(kind, 0)
    if phrase_pos == 1:
        shift += motif.sequence_step
    first = chords[0][1]
    anchor = min((i for i, p in enumerate(scale) if p % 12 in first.tones),
                 key=lambda i: abs(scale[i] - centre))
    rhythm, contour = list(motif.rhythm), list(motif.contour)
    if kind == "break":
        rhythm = [(s * 2, n * 2) for s, n in rhythm if s < 8]
    if cadence:
        keep = [i for i, (s, _) in enumerate(rhythm) if s < 8][:3]
        rhythm = [rhythm[i] for i in keep] + [(8, 8)]
        contour = [contour[i] for i in keep] + [contour[keep[-1]] if keep else 0]
    elif kind == "chorus" and phrase_pos == 2:
        longest = max(range(len(rhythm)), key=lambda i: rhythm[i][1])
        s, n = rhythm[longest]
        if n >= 4:
            rhythm[longest:longest + 1] = [(s, n // 2), (s + n // 2, n - n // 2)]
            contour[longest:longest + 1] = [contour[longest],
                                            contour[longest] + int(w.rng.choice([-1, 1]))]
    for (step, length), c in zip(rhythm, contour):
        if w.rng.random() < 0.2 and step % 8 and length <= 2:
            c += int(w.rng.choice([-1, 1]))
        i = int(np.clip(anchor + c + shift, 0, len(scale) - 1))
        tones = chord_at(chords, step).tones
        if step % 8 == 0 or length >= 4:
            i = min((j for j in range(i - 2, i + 3) if 0 <= j < len(scale)
                     and scale[j] % 12 in tones), key=lambda j: abs(j - i), default=i)
        vel = level * (1.0 if step % 8 == 0 else 0.88)
        if spec.style == "festive_chinese" and length >= 3 and w.rng.random() < 0.45:
            w.add("lead", step, 0.35, scale[min(i + 1, len(scale) - 1)], vel * 0.8,
                  offset_s=-0.06)
        w.add("lead", step, length * 0.95, scale[i], vel)


def compose(spec: MusicSpec) -> dict[str, list[Note]]:
    """All notes of the piece, per role, with times in beats."""
    chords = harmony(spec)
    seeds = bar_seeds(spec)
    motifs = {s: make_motif(s) for s in set(seeds)}
    keys_kind, keys_patterns = G.KEYS[spec.style]
    extra_kind, extra_arg = G.EXTRA[spec.style]
    centre = G.LEAD_CENTRE[spec.style]
    low_keys = {"arp": 50, "stabs": 55, "strum": 40}[keys_kind]
    if spec.style in ("festive_chinese", "tech_electronic"):
        low_keys = 57
    energy = 0.85 + 0.15 * spec.energy
    notes: dict[str, list[Note]] = {role: [] for role in ROLES}
    pad_voicing: list[int] | None = None
    for index, sec in enumerate(spec.sections):
        kind = sec["name"]
        following = spec.sections[index + 1]["name"] if index + 1 < len(spec.sections) else None
        for pos in range(sec["bars"]):
            bar = sec["start_bar"] + pos
            w = BarWriter(spec, bar, np.random.default_rng([seeds[bar] & 0xFFFFFFFF, bar, 3]))
            here = chords[bar]
            voiced = []
            for _, chord in here:
                pad_voicing = voicing(chord, pad_voicing)
                voiced.append(pad_voicing)
            if kind == "ending":
                ending(w, here[0][1], pad_voicing, low_keys, centre)
            else:
                last = pos == sec["bars"] - 1
                next_root = chords[min(bar + 1, spec.bars - 1)][0][1].root
                loud = energy * {"intro": 0.8, "verse": 0.85, "break": 0.8}.get(kind, 1.0)
                drums(w, kind, fill=last and kind != "lift", crash=pos == 0 and kind in
                      ("verse", "chorus", "lift"), level=loud)
                if G.BASS[spec.style][kind]:
                    bass(w, G.BASS[spec.style][kind], here, next_root, 36, loud)
                comp(w, "keys", keys_kind, keys_patterns[kind], here, voiced, 0.75 * loud, low_keys)
                if spec.style == "festive_chinese" and last and following == "ending":
                    gliss(w, here[-1][1])
                for (at, _), v in zip(here, voiced):
                    length = 16 / len(here) - 0.3
                    for p in v:
                        w.add("pad", at * 4, length, p, (0.7 if kind == "chorus" else 0.55) * loud)
                if kind in ("verse", "chorus", "break"):
                    melody(w, motifs[seeds[bar]], here, kind, pos % 4,
                           cadence=last or pos % 4 == 3, centre=centre, level=0.8 * loud)
                elif kind == "lift":
                    chord = here[0][1]
                    for step, p in ((0, place(chord.tones[-1], centre - 5)),
                                    (8, place(chord.tones[0], centre))):
                        w.add("lead", step, 7.5, p, 0.7 * loud)
                if kind == "chorus":
                    if extra_kind == "double":
                        for n in w.notes["lead"]:
                            w.notes["extra"].append(Note(n.start, n.length, n.pitch + extra_arg,
                                                         n.velocity * 0.7))
                    else:
                        comp(w, "extra", extra_kind, extra_arg, here, voiced, 0.65 * loud,
                             {"arp": 62, "stabs": 55, "power": 40}[extra_kind])
            for role in ROLES:
                notes[role].extend(w.notes[role])
    return notes


def gliss(w: BarWriter, chord: Chord) -> None:
    """A guzheng-style rising pentatonic glissando over the last beat into the ending."""
    key = NOTE_NAMES.index(w.spec.key)
    run = [p for p in range(67, 92) if (p - key) % 12 in SCALES["pentatonic"]][:8]
    for i, p in enumerate(run):
        w.add("keys", 12 + i * 0.5, 2.0, p, 0.55 + 0.05 * i)


def ending(w: BarWriter, tonic: Chord, pad_voicing: list[int], low_keys: int, centre: int) -> None:
    """The final bar: everyone on the tonic, held, then left to ring into the fade."""
    spec = w.spec
    tail_beats = spec.seconds / spec.seconds_per_beat - w.origin
    hold = max(1.0, 0.6 * tail_beats) * 4        # in steps
    for name in G.CRASH.get(spec.style, ("crash",)) + ("kick",):
        w.add("drums", 0, hold, G.DRUM_NOTES[name], 0.85 if spec.style != "elegant_lounge" else 0.55)
    w.add("bass", 0, hold, place(tonic.root, 36), 0.9)
    for p in pad_voicing:
        w.add("pad", 0, hold, p, 0.6)
    root = place(tonic.root, low_keys)
    for i, p in enumerate([root, root + 7, root + 12] + [place(pc, root + 13) for pc in tonic.tones[1:]]):
        w.add("keys", 0, hold, p, 0.7, offset_s=0.012 * i)
    w.add("lead", 0, hold, place(tonic.root, centre - 6), 0.75)
