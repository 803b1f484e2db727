"""SoundFont rendering: notes -> stereo stems with real sampled instruments (TinySoundFont).

The bundled General MIDI SoundFont (resources/soundfonts/MuseScore_General_Lite.sf3, MIT) is
loaded once per process (decoding its compressed samples takes a couple of seconds) and cloned per
stem, so stems render independently and deterministically. Event times are rounded to whole
samples; the synth runs between events, so every note starts on its exact sample.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Callable

import numpy as np

from promodesk.engines.base import EngineUnavailable
from promodesk import RESOURCES

SOUNDFONT = RESOURCES / "soundfonts" / "MuseScore_General_Lite.sf3"
SOUNDFONT_LICENCE = "MIT (MuseScore General SoundFont Lite 0.2.1, S. Christian Collins; " \
    "Fluid R3 Mono, Frank Wen, Michael Cowgill)"
MAX_VOICES = 48
# The grand pianos' velocity layers are uneven under TinySoundFont (the middle layer plays ~12 dB
# quieter than the soft one, the top one ~15 dB louder), so their velocities are kept inside the
# soft layer, where loudness rises smoothly with velocity. Stem levels are set by the mix anyway.
VELOCITY_RANGE = {0: (0.32, 0.58), 1: (0.32, 0.58)}
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
            except Exception as err:                    # a damaged file
                raise EngineUnavailable(f"The SoundFont {SOUNDFONT.name} could not be read "
                                        f"({err}); restore it from the repository.") from None
        return _loaded


def events_for(notes, seconds_per_beat: float, sample_rate: int, n_samples: int) -> list:
    """(sample, order, pitch, velocity) note-on/off events sorted by time; offs before ons at the
    same sample so a repeated pitch restarts cleanly. Events at or past the end are dropped."""
    events = []
    for n in notes:
        on = int(round(n.start * seconds_per_beat * sample_rate))
        off = int(round((n.start + n.length) * seconds_per_beat * sample_rate))
        if on >= n_samples:
            continue
        events.append((on, 1, n.pitch, n.velocity))
        if off < n_samples:
            events.append((max(off, on + 1), 0, n.pitch, 0.0))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return events


def render_stem(notes, program: int, drums: bool, seconds_per_beat: float, n_samples: int,
                sample_rate: int = 48000, check: Callable[[], None] | None = None) -> np.ndarray:
    """Play ``notes`` (times in beats) on GM ``program`` (or drum kit ``program`` when ``drums``)
    and return float32 stereo audio, shape (n_samples, 2). ``check`` is called between blocks
    (for cancellation)."""
    from tinysoundfont import _tinysoundfont as tsf

    synth = tsf.SoundFont(soundfont())
    synth.set_output(tsf.OutputMode.StereoInterleaved, sample_rate, 0.0)
    synth.set_max_voices(MAX_VOICES)
    channel = 9 if drums else 0
    synth.channel_set_bank(channel, 0)
    synth.channel_set_preset_number(channel, int(program), bool(drums))
    low, high = (0.0, 1.0) if drums else VELOCITY_RANGE.get(int(program), (0.0, 1.0))
    out = np.zeros((n_samples, 2), dtype=np.float32)
    flat = out.reshape(-1)
    at = 0
    block = sample_rate // 4
    for sample, kind, pitch, velocity in events_for(notes, seconds_per_beat, sample_rate,
                                                    n_samples) + [(n_samples, 2, 0, 0.0)]:
        while at < sample:
            end = min(sample, at + block)
            synth.render(memoryview(flat[2 * at:2 * end].view(np.uint8)), False)
            at = end
            if check is not None and at % block == 0:
                check()
        if kind == 1:
            synth.channel_note_on(channel, pitch, low + (high - low) * float(velocity))
        elif kind == 0:
            synth.channel_note_off(channel, pitch)
    return out
