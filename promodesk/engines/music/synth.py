"""SoundFont rendering: notes -> stereo stems with real sampled instruments (TinySoundFont).

The bundled General MIDI SoundFont (resources/soundfonts/MuseScore_General_Lite.sf3, MIT) is
loaded once per process (decoding its compressed samples takes a couple of seconds) and cloned per
note rendered, so stems render independently and deterministically. Event times are rounded to
whole samples, so every note starts on its exact sample.

A stem repeats itself: the same pitch, for the same length, at another velocity. TinySoundFont
plays a note's voices independently of the other notes and scales them exactly in proportion to
the velocity within one velocity layer, so each distinct (pitch, layer, release, cut-off) is
synthesised once and the stem is the sum of its scaled copies: the same sound as playing every
note in one stream (tests/engines/music/test_composer.py compares them), at a fraction of the
cost. The few ways notes do touch each other in TinySoundFont are kept: a note-off releases the
oldest sounding note of that pitch, and a note of an exclusive class (hi-hats) cuts the previous
one off with TinySoundFont's quick release. Notes no longer share a voice limit, and a released
note stops where its tail falls under TAIL_FLOOR.
"""

from __future__ import annotations

import functools
import threading
from typing import Callable, NamedTuple

import numpy as np

from promodesk.engines.base import EngineUnavailable
from promodesk.engines.music import sf2regions
from promodesk import RESOURCES

SOUNDFONT = RESOURCES / "soundfonts" / "MuseScore_General_Lite.sf3"
SOUNDFONT_LICENCE = "MIT (MuseScore General SoundFont Lite 0.2.1, S. Christian Collins; " \
    "Fluid R3 Mono, Frank Wen, Michael Cowgill)"
# The grand pianos' velocity layers are uneven under TinySoundFont (the middle layer plays ~12 dB
# quieter than the soft one, the top one ~15 dB louder), so their velocities are kept inside the
# soft layer, where loudness rises smoothly with velocity. Stem levels are set by the mix anyway.
VELOCITY_RANGE = {0: (0.32, 0.58), 1: (0.32, 0.58)}
TAIL_BLOCK = 32768          # most samples rendered at a time while a released note dies away
TAIL_PIECE = 256            # a released note's tail is measured in pieces of this many samples
# A released note is cut where its tail falls 70 dB under its own peak (about -80 dBFS once
# mastered, under the reverb's own tail of that note and everything else playing) instead of
# running on to TinySoundFont's end of release: a glockenspiel's tail spends nearly half its
# length down there, and the synth a sixth of its time.
TAIL_FLOOR = 10.0 ** (-70.0 / 20.0)
_loaded = None
_lock = threading.Lock()


def soundfont():
    """The loaded SoundFont (shared, read-only; clone it to play). Raises EngineUnavailable."""
    global _loaded
    with _lock:
        if _loaded is None:
            try:
                from tinysoundfont import _tinysoundfont as tsf
            except ImportError as err:
                raise EngineUnavailable(
                    "The composer needs the tinysoundfont package: run scripts/setup.sh "
                    f"({err}).") from None
            if not SOUNDFONT.is_file():
                raise EngineUnavailable(
                    f"The composer's SoundFont is missing: {SOUNDFONT}. Reinstall PromoDesk "
                    "or restore resources/soundfonts/ from the project repository.")
            try:
                _loaded = tsf.SoundFont(str(SOUNDFONT))
                sf2regions.preset_regions(SOUNDFONT)
            except Exception as err:                    # a damaged file
                raise EngineUnavailable(f"The SoundFont {SOUNDFONT.name} could not be read "
                                        f"({err}); restore it from the repository.") from None
        return _loaded


def events_for(notes, seconds_per_beat: float, sample_rate: int, n_samples: int) -> list:
    """(sample, order, pitch, velocity, note index) note-on/off events sorted by time; offs before
    ons at the same sample so a repeated pitch restarts cleanly. Events at or past the end are
    dropped."""
    events = []
    for i, n in enumerate(notes):
        on = int(round(n.start * seconds_per_beat * sample_rate))
        off = int(round((n.start + n.length) * seconds_per_beat * sample_rate))
        if on >= n_samples:
            continue
        events.append((on, 1, n.pitch, n.velocity, i))
        if off < n_samples:
            events.append((max(off, on + 1), 0, n.pitch, 0.0, i))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return events


class Play(NamedTuple):
    """One note as TinySoundFont will play it: from sample ``start``, released ``release``
    samples later and cut off (quick release) ``cut`` samples later; None for never."""

    start: int
    pitch: int
    velocity: float
    layer: tuple
    release: int | None
    cut: int | None


class _Instrument:
    """A preset's regions and the velocity layer each (pitch, velocity) plays."""

    def __init__(self, preset_index: int):
        self.preset_index = preset_index
        self.regions = sf2regions.preset_regions(SOUNDFONT)[preset_index]

    def layer(self, pitch: int, velocity: float) -> tuple:
        """Indices of the regions a note sounds (TinySoundFont's integer MIDI velocity, from
        float32 arithmetic as in tsf.h)."""
        return _layer(self.preset_index, pitch, int(np.float32(velocity) * np.float32(127.0)))

    def groups(self, layer: tuple) -> set[int]:
        return {self.regions[i].group for i in layer if self.regions[i].group}


@functools.lru_cache(maxsize=65536)
def _layer(preset_index: int, pitch: int, midi_velocity: int) -> tuple:
    regions = sf2regions.preset_regions(SOUNDFONT)[preset_index]
    return tuple(i for i, r in enumerate(regions)
                 if r.lokey <= pitch <= r.hikey and r.lovel <= midi_velocity <= r.hivel)


def plan(events: list, instrument: _Instrument, scale: Callable[[float], float]) -> list[Play]:
    """The notes of ``events`` (from events_for) in order, with their release and cut-off times as
    TinySoundFont's channel rules give them: a note-off releases the oldest unreleased note of its
    pitch; a note in an exclusive class cuts off (and so releases) every earlier note of that
    class. ``scale`` maps a note's velocity to the synth's."""
    plays: dict[int, list] = {}                       # note index -> Play fields, in start order
    unreleased: dict[int, list[int]] = {}             # pitch -> note indices, oldest first
    by_group: dict[int, list[int]] = {}               # exclusive class -> sounding note indices
    for sample, kind, pitch, vel, i in events:
        if kind == 0:
            waiting = unreleased.get(pitch)
            if waiting:
                j = waiting.pop(0)
                plays[j][4] = sample - plays[j][0]
            continue
        v = scale(vel)
        layer = instrument.layer(pitch, v)
        groups = instrument.groups(layer)
        for g in groups:
            for j in by_group.pop(g, []):
                if plays[j][5] is None:
                    plays[j][5] = sample - plays[j][0]
                    waiting = unreleased[plays[j][1]]
                    if j in waiting:
                        waiting.remove(j)
        plays[i] = [sample, pitch, v, layer, None, None]
        unreleased.setdefault(pitch, []).append(i)
        for g in groups:
            by_group.setdefault(g, []).append(i)
    return [Play(*p) for p in plays.values()]


def render_stem(notes, program: int, drums: bool, seconds_per_beat: float, n_samples: int,
                sample_rate: int = 48000, check: Callable[[], None] | None = None,
                out: np.ndarray | None = None) -> np.ndarray:
    """Play ``notes`` (times in beats) on GM ``program`` (or drum kit ``program`` when ``drums``)
    and return float32 stereo audio, shape (n_samples, 2), written into ``out`` when given (a
    float32 (n_samples, 2) array; its contents are replaced). ``check`` is called now and then
    (for cancellation)."""
    from scipy.linalg.blas import saxpy
    from tinysoundfont import _tinysoundfont as tsf

    font = soundfont()
    channel = 9 if drums else 0

    def synth():
        s = tsf.SoundFont(font)
        s.set_output(tsf.OutputMode.StereoInterleaved, sample_rate, 0.0)
        s.channel_set_bank(channel, 0)
        s.channel_set_preset_number(channel, int(program), bool(drums))
        return s

    instrument = _Instrument(synth().channel_get_preset_index(channel))
    low, high = (0.0, 1.0) if drums else VELOCITY_RANGE.get(int(program), (0.0, 1.0))
    plays = plan(events_for(notes, seconds_per_beat, sample_rate, n_samples), instrument,
                 lambda v: low + (high - low) * float(v))
    if out is None:
        out = np.zeros((n_samples, 2), dtype=np.float32)
    else:
        out.fill(0.0)
    # Every distinct note is rendered once into ``sound`` and added, scaled, wherever it plays.
    alike: dict[tuple, list[Play]] = {}
    for p in plays:
        alike.setdefault((p.pitch, p.layer, p.release, p.cut), []).append(p)
    sound = _workspace(n_samples)
    flat_out, flat_sound = out.reshape(-1), sound.reshape(-1)
    for k, same in enumerate(alike.values()):
        if check is not None and k % 16 == 0:
            check()
        first = same[0]
        length = render_note(synth(), channel, first, n_samples - first.start, sound)
        for p in same:
            m = min(length, n_samples - p.start)
            if m > 0:     # out[start:start + m] += sound[:m] * (velocity ratio), in one pass
                saxpy(flat_sound, flat_out, n=2 * m, a=p.velocity / first.velocity,
                      offy=2 * p.start)
    return out


_local = threading.local()


def _workspace(n_samples: int) -> np.ndarray:
    """A float32 (>= n_samples, 2) scratch array kept per thread, in which a stem's notes are
    rendered one at a time: rendering allocates (and page-faults) no fresh memory per note."""
    have = getattr(_local, "sound", None)
    if have is None or len(have) < n_samples:
        have = _local.sound = np.empty((n_samples, 2), np.float32)
    return have


def render_note(synth, channel: int, play: Play, limit: int, into: np.ndarray) -> int:
    """Render ``play`` alone on a fresh ``synth`` into ``into`` (float32, >= ``limit`` rows) from
    its start until it has died away, at most ``limit`` samples. Returns the samples written."""
    flat = into.reshape(-1)

    def render(a: int, b: int) -> None:
        synth.render(memoryview(flat[2 * a:2 * b].view(np.uint8)), False)

    stops = sorted((t, kind) for t, kind in ((play.release, 0), (play.cut, 1)) if t is not None)
    synth.channel_note_on(channel, play.pitch, play.velocity)
    at = 0
    for t, kind in stops:
        t = min(t, limit)
        if t > at:
            render(at, t)
            at = t
        if kind == 0:
            synth.channel_note_off(channel, play.pitch)
        else:
            synth.channel_sounds_off(channel)      # what a new exclusive-class note does
    sounded = flat[:2 * at]
    peak = max(float(sounded.max()), -float(sounded.min())) if at else 0.0
    block = TAIL_BLOCK // 32                         # most tails are short: start small
    while at < limit:
        b = min(limit, at + block)
        block = min(2 * block, TAIL_BLOCK)
        render(at, b)
        pieces = (b - at) // TAIL_PIECE
        if stops and pieces:
            # Released: stop where the tail has fallen TAIL_FLOOR_DB under the note's peak (and
            # stays there: it only decays), or has ended (TinySoundFont leaves zeros).
            chunk = into[at:at + pieces * TAIL_PIECE].reshape(pieces, -1)
            loudest = np.maximum(chunk.max(axis=1), -chunk.min(axis=1))
            peak = max(peak, float(loudest.max()))
            audible = np.flatnonzero(loudest > peak * TAIL_FLOOR)
            if not audible.size or audible[-1] < pieces - 1:
                return at + (int(audible[-1]) + 1) * TAIL_PIECE if audible.size else at
        at = b
    return limit
