"""The composer's audio, checked by independent tools: librosa's beat tracker for the tempo and the
beat grid, pyloudnorm / 4x oversampling for loudness and true peak, soundfile for the files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from promodesk.engines.music.arrangement import compose, harmony
from promodesk.engines.base import Cancelled, CancelToken
from promodesk.engines.music.composer import ComposerEngine, write_music
from promodesk.engines.music.mastering import integrated_lufs, true_peak_dbtp
from promodesk.core.musicspec import STYLES, MusicSpec, spec_from_text

SR = 48000
SECONDS = 10.0
_renders: dict = {}


def render(style: str, seed: int = 0, seconds: float = SECONDS, bpm=None):
    """A cached render, so the tempo, loudness and length tests share one per style."""
    key = (style, seed, seconds, bpm)
    if key not in _renders:
        spec = spec_from_text("", seconds, style=style, bpm=bpm, seed=seed)
        _renders[key] = (spec, ComposerEngine().generate(spec))
    return _renders[key]


def tracked_beats(audio: np.ndarray) -> tuple[float, np.ndarray]:
    import librosa

    y = librosa.resample(audio.mean(axis=1), orig_sr=SR, target_sr=22050)
    tempo, beats = librosa.beat.beat_track(y=y, sr=22050, hop_length=256, units="time")
    return float(np.atleast_1d(tempo)[0]), beats


@pytest.mark.parametrize("style", sorted(STYLES))
def test_beat_tracker_finds_the_specs_tempo_and_grid(style):
    spec, result = render(style)
    tempo, beats = tracked_beats(result.audio)
    ratios = [tempo / spec.bpm * f for f in (1.0, 0.5, 2.0)]
    assert min(abs(r - 1.0) for r in ratios) <= 0.02, (tempo, spec.bpm)
    # The tracked beats fall on the published grid (or on its half-beats when it counts double).
    factor = 2 if abs(tempo / spec.bpm - 2.0) < 0.05 else 1
    grid = np.arange(0, spec.seconds, spec.seconds_per_beat / factor)
    assert np.allclose(grid[::factor], np.array(result.meta["beats_us"]) / 1e6, atol=1e-6)
    offsets = np.array([np.min(np.abs(grid - b)) for b in beats])
    assert len(beats) >= 0.6 * spec.seconds / spec.seconds_per_beat * factor
    assert np.median(offsets) < 0.06, offsets


@pytest.mark.parametrize("style", sorted(STYLES))
def test_length_loudness_and_true_peak(style):
    spec, result = render(style)
    audio = result.audio
    assert audio.dtype == np.float32 and audio.shape == (round(SECONDS * SR), 2)
    assert result.sample_rate == SR
    assert abs(len(audio) / SR - SECONDS) <= 0.001
    assert -15.0 <= integrated_lufs(audio, SR) <= -13.0
    assert true_peak_dbtp(audio, SR) <= -1.0
    assert np.all(np.isfinite(audio)) and audio[-1].tolist() == [0.0, 0.0]
    # Stereo, and no silent gap anywhere before the final tail fades.
    assert np.abs(audio[:, 0] - audio[:, 1]).max() > 0.01
    frames = audio[: int((SECONDS - 1.0) * SR)].reshape(-1, SR // 10, 2)
    rms_db = 10 * np.log10(np.mean(frames ** 2, axis=(1, 2)) + 1e-20)
    assert rms_db.min() > -45.0, rms_db.min()


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_instrument_plays_and_the_piece_is_arranged(style):
    spec, result = render(style)
    notes = compose(spec)
    for role in ("drums", "bass", "keys", "pad", "lead"):
        assert notes[role], role
    long_spec = spec_from_text("", 30, style=style)
    long_notes = compose(long_spec)
    assert long_notes["extra"], "the chorus layer"
    chords = [c.root for bar in harmony(long_spec) for _, c in bar]
    assert len(set(chords)) >= 3                                  # a progression, not a drone
    tonic = harmony(long_spec)[-1][0][1]
    assert tonic.degree == 1                                      # it ends home
    ending = (long_spec.bars - 1) * long_spec.beats_per_bar
    assert any(n.start >= ending - 0.1 for n in long_notes["drums"])   # a final hit
    assert not any(n.start > ending + 0.5 for role in long_notes for n in long_notes[role])
    last = [n for n in long_notes["lead"] if n.start >= ending - 0.1]    # humanised timing
    assert last and all(p.pitch % 12 == tonic.root for p in last)


def test_festive_chinese_melody_is_pentatonic():
    spec = spec_from_text("新年快乐", 30, style="festive_chinese", seed=4)
    from promodesk.core.musicspec import NOTE_NAMES
    key = NOTE_NAMES.index(spec.key)
    lead = compose(spec)["lead"]
    assert lead and {(n.pitch - key) % 12 for n in lead} <= {0, 2, 4, 7, 9}


def test_same_spec_and_seed_is_bit_identical_and_seeds_differ():
    spec, first = render("upbeat_pop")
    again = ComposerEngine().generate(MusicSpec.from_dict(spec.to_dict()))
    assert np.array_equal(first.audio, again.audio)
    other = spec_from_text("", SECONDS, style="upbeat_pop", seed=1)
    other.key = spec.key               # same key: only the seed's melody and rhythms differ
    a, b = compose(spec), compose(other)
    assert [(n.start, n.pitch) for n in a["lead"]] != [(n.start, n.pitch) for n in b["lead"]]
    other_audio = ComposerEngine().generate(other).audio
    assert not np.array_equal(first.audio, other_audio)


def test_explicit_tempo_keeps_the_exact_length():
    spec, result = render("warm_acoustic", seconds=9.3, bpm=100)
    assert spec.bpm == 100 and len(result.audio) == round(9.3 * SR)
    assert result.meta["beats_us"][1] == 600000
    tempo, _ = tracked_beats(result.audio)
    assert min(abs(tempo / 100 * f - 1) for f in (1, 0.5, 2)) <= 0.02


def test_meta_is_the_asset_contract_and_written_beside_the_wav(tmp_path):
    import soundfile

    spec, result = render("festive_chinese")
    meta = result.meta
    assert meta["bpm"] == spec.bpm and meta["key"] == spec.key and meta["mode"] == "pentatonic"
    assert meta["time_signature"] == [4, 4] and meta["engine"] == "composer"
    assert meta["commercial_use"] is True and "MIT" in meta["licence"]
    assert all(isinstance(t, int) for t in meta["beats_us"] + meta["downbeats_us"])
    assert meta["downbeats_us"] == meta["beats_us"][::4]
    assert meta["sections"][0]["start_us"] == 0
    assert meta["sections"][-1]["end_us"] == meta["duration_us"] == int(SECONDS * 1e6)
    for a, b in zip(meta["sections"], meta["sections"][1:]):
        assert a["end_us"] == b["start_us"] and b["start_us"] in meta["downbeats_us"]
    wav, js = write_music(result, tmp_path / "sub" / "music.wav")
    audio, sr = soundfile.read(wav, dtype="float32")
    assert sr == SR and np.array_equal(audio, result.audio)
    assert json.loads(js.read_text("utf-8")) == json.loads(json.dumps(meta))
    assert MusicSpec.from_dict(json.loads(js.read_text("utf-8"))["spec"]) == spec
    assert sorted(p.name for p in (tmp_path / "sub").iterdir()) == ["music.json", "music.wav"]


def test_progress_is_reported_and_cancel_stops_the_job():
    spec = spec_from_text("", 6, style="tech_electronic")
    seen = []
    ComposerEngine().generate(spec, progress=lambda f, m="": seen.append((f, m)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0 and len(seen) >= 6
    token = CancelToken()

    def cancel_soon(fraction, message=""):
        if fraction > 0.2:
            token.cancel()

    with pytest.raises(Cancelled):
        ComposerEngine().generate(spec, progress=cancel_soon, cancel=token)


def test_engine_declares_itself():
    engine = ComposerEngine()
    assert engine.availability() is None
    assert engine.info.kind == "music" and engine.info.commercial_use and not engine.info.model


def test_music_command_writes_wav_and_json_and_prints_one_line(tmp_path):
    import subprocess
    import sys

    import soundfile

    out = tmp_path / "music.wav"
    run = subprocess.run([sys.executable, "-m", "promodesk", "music", "双十一限时抢购，立即下单！",
                          "--seconds", "4", "--seed", "3", "-o", str(out)],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 1 and "4.000 s" in lines[0] and "upbeat_pop" in lines[0]
    assert "LUFS" in lines[0] and "BPM" in lines[0]
    audio, sr = soundfile.read(out, dtype="float32")
    assert sr == SR and audio.shape == (4 * SR, 2)
    meta = json.loads(out.with_suffix(".json").read_text("utf-8"))
    assert meta["seed"] == 3 and meta["beats_us"][0] == 0 and meta["commercial_use"] is True
    for args, message in ((["--seconds", "-3"], "at least"), (["--style", "disco"], "disco"),
                          (["--bpm", "500"], "Tempo")):
        bad = subprocess.run([sys.executable, "-m", "promodesk", "music", "sale", *args,
                              "-o", str(tmp_path / "bad.wav")], capture_output=True, text=True)
        assert bad.returncode == 2 and message in bad.stderr and "Traceback" not in bad.stderr
    assert not (tmp_path / "bad.wav").exists()
    wrong = subprocess.run([sys.executable, "-m", "promodesk", "music", "sale", "-o",
                            str(tmp_path / "x.mp3")], capture_output=True, text=True)
    assert wrong.returncode == 2 and ".wav" in wrong.stderr


def _stream(notes, program: int, drums: bool, seconds_per_beat: float, n: int) -> np.ndarray:
    """TinySoundFont playing every note of ``notes`` in one stream, event by event: the reference
    the synth's render-each-distinct-note-once must sound like."""
    from tinysoundfont import _tinysoundfont as tsf

    from promodesk.engines.music import synth

    s = tsf.SoundFont(synth.soundfont())
    s.set_output(tsf.OutputMode.StereoInterleaved, SR, 0.0)
    channel = 9 if drums else 0
    s.channel_set_bank(channel, 0)
    s.channel_set_preset_number(channel, program, drums)
    low, high = (0.0, 1.0) if drums else synth.VELOCITY_RANGE.get(program, (0.0, 1.0))
    out = np.zeros((n, 2), np.float32)
    flat, at = out.reshape(-1), 0
    for t, kind, pitch, vel, _ in synth.events_for(notes, seconds_per_beat, SR, n) + [(n, 2, 0, 0, 0)]:
        if t > at:
            s.render(memoryview(flat[2 * at:2 * t].view(np.uint8)), False)
            at = t
        if kind == 1:
            s.channel_note_on(channel, pitch, low + (high - low) * vel)
        elif kind == 0:
            s.channel_note_off(channel, pitch)
    return out


def _error_db(audio: np.ndarray, reference: np.ndarray) -> float:
    return float(10 * np.log10(np.sum((audio - reference) ** 2) / np.sum(reference ** 2)))


@pytest.mark.parametrize("program,drums", [(0, False), (89, False), (0, True)])
def test_stems_sound_like_every_note_played_in_one_stream(program, drums):
    from promodesk.engines.music.arrangement import Note
    from promodesk.engines.music.synth import render_stem

    if drums:
        # Closed and open hi-hats cut each other off (an exclusive class); the kicks' velocities
        # cross the kit's velocity layers (a new sample at MIDI 81).
        notes = [Note(i * 0.5, 0.5, 46 if i % 4 == 0 else 42, 0.5 + 0.05 * (i % 3))
                 for i in range(12)] + [Note(float(i), 0.5, 36, 0.6 + 0.02 * i) for i in range(6)]
    else:
        # Repeated pitches at other velocities (reused, scaled), one overlapping its repeat (a
        # note-off releases the oldest sounding note of its pitch), lengths that differ.
        notes = [Note(0.0, 1.0, 60, 0.5), Note(0.0, 1.0, 64, 0.6), Note(1.0, 1.0, 60, 0.7),
                 Note(1.0, 1.0, 64, 0.4), Note(2.0, 1.5, 60, 0.55), Note(2.5, 1.0, 60, 0.65),
                 Note(3.0, 0.5, 67, 0.3)]
    n = 4 * SR
    stem = render_stem(notes, program, drums, 0.5, n, SR)
    reference = _stream(notes, program, drums, 0.5, n)
    assert stem.shape == (n, 2) and np.abs(reference).max() > 0.01
    # What is left differs by TinySoundFont's 64-sample envelope steps and by tails cut 70 dB
    # under their peak: far under hearing.
    assert _error_db(stem, reference) < -50.0


def test_velocity_layers_are_read_from_the_soundfont_as_tinysoundfont_plays_them():
    from tinysoundfont import _tinysoundfont as tsf

    from promodesk.engines.music import synth
    from promodesk.engines.music.synth import Play, _Instrument, render_note

    def alone(velocity: float) -> np.ndarray:
        s = tsf.SoundFont(synth.soundfont())
        s.set_output(tsf.OutputMode.StereoInterleaved, SR, 0.0)
        s.channel_set_bank(9, 0)
        s.channel_set_preset_number(9, 0, True)
        into = np.zeros((SR, 2), np.float32)
        play = Play(0, 36, velocity, (), SR // 4, None)
        return into[:render_note(s, 9, play, SR, into)].copy()

    s = tsf.SoundFont(synth.soundfont())
    s.channel_set_bank(9, 0)
    s.channel_set_preset_number(9, 0, True)
    kick = _Instrument(s.channel_get_preset_index(9))
    soft, softer, loud = alone(0.6), alone(0.45), alone(0.7)
    # Same layer: the sound scales exactly with velocity. Another layer: another sample.
    assert kick.layer(36, 0.6) == kick.layer(36, 0.45) != kick.layer(36, 0.7)
    m = min(len(soft), len(softer))
    assert np.allclose(softer[:m] * (0.6 / 0.45), soft[:m], atol=1e-5)
    m = min(len(soft), len(loud))
    assert not np.allclose(soft[:m] * (0.7 / 0.6), loud[:m], atol=1e-3)
    # The hi-hats share an exclusive class; the kick has none.
    hats = {kick.groups(kick.layer(p, 0.5)) != set() for p in (42, 44, 46)}
    assert hats == {True} and kick.groups(kick.layer(36, 0.5)) == set()
