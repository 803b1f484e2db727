"""The final audio mix of a project: music, voice and audio tracks (a clip's own sound) with
their gains and each clip's own gain, fades at clip edges and the user's fade handles, music
ducked under the voice and under clips marked as speech. The whole mix is normalised once, at the end, to a platform's
loudness target (-14 LUFS integrated for social platforms, true peak <= -1 dBTP), so the tracks'
gains relative to each other survive: a music track at -6 dB stays 6 dB under the voice. Output
is float32 stereo at 48 kHz, as long as the project (or the span asked for)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import soundfile as sf

from promodesk.core.projectfile import asset_path
from promodesk.core.timeline import Clip, Project, SAMPLE_RATE, TrackKind, US_PER_SECOND, sample_at

TARGET_LUFS = -14.0
CEILING_DBTP = -1.0
# The export dialog's loudness choices: integrated LUFS, or None to keep the mix's own level
# (only turned down as a whole if its peaks would pass the ceiling).
LOUDNESS_TARGETS: dict[str, float | None] = {
    "Social (TikTok, Reels, YouTube): -14 LUFS": -14.0,
    "Podcast / Apple: -16 LUFS": -16.0,
    "Broadcast (EBU R128): -23 LUFS": -23.0,
    "Off: keep the track levels as mixed": None,
}
END_FADE_US = 300_000  # sound still playing where an export range ends fades out over this
# Music under a voice sits this much lower, easing down just before the voice and back after.
DUCK_DB = -10.0
DUCK_ATTACK_US = 120_000
DUCK_RELEASE_US = 400_000
EDGE_FADE_US = 10_000      # against clicks where a clip starts or ends on its own boundary
CUT_FADE_OUT_US = US_PER_SECOND  # music cut short of its own ending fades out over this


def samples(us: int, sr: int = SAMPLE_RATE) -> int:
    """Microseconds -> whole samples at ``sr`` (rounded down)."""
    return sample_at(us, sr)


@lru_cache(maxsize=16)
def _read(path: str, mtime: float, sr: int) -> np.ndarray:
    audio, file_sr = sf.read(path, dtype="float32", always_2d=True)
    if audio.shape[1] == 1:
        audio = np.repeat(audio, 2, axis=1)
    audio = audio[:, :2]
    if file_sr != sr:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(file_sr, sr)
        audio = resample_poly(audio, sr // g, file_sr // g, axis=0).astype(np.float32)
    audio.setflags(write=False)
    return audio


def read_audio(path: Path, sr: int = SAMPLE_RATE) -> np.ndarray:
    """An audio file as float32 stereo (n, 2) at ``sr`` (cached; do not modify the result)."""
    path = Path(path)
    return _read(str(path), path.stat().st_mtime, sr)


def _fade(n: int, length: int, rising: bool) -> np.ndarray:
    length = max(1, min(length, n))
    ramp = np.sin(np.linspace(0.0, np.pi / 2, length, dtype=np.float32)) ** 2
    return ramp if rising else ramp[::-1]


def clip_audio(clip: Clip, folder: Path, kind: TrackKind, sr: int = SAMPLE_RATE) -> np.ndarray:
    """The samples a clip contributes, (n, 2) float32, at its own gain (``clip.gain_db``), with
    fades at its edges: short ones where the clip starts/ends with its source, a longer fade-out
    where music is cut short, and the user's fades (``clip.fade_in``/``fade_out``, us) where
    they are longer; the user's two fades together never pass the clip's length."""
    n = samples(clip.duration, sr)
    out = np.zeros((n, 2), np.float32)
    if not clip.asset:
        return out
    src = read_audio(asset_path(folder, clip.asset), sr)
    start = samples(clip.in_point, sr)
    piece = src[start:start + n]
    out[:len(piece)] = piece
    fade_in = EDGE_FADE_US if clip.in_point == 0 or kind == TrackKind.VOICE else 200_000
    source_end = clip.take.source_duration
    cut_short = source_end is not None and clip.in_point + clip.duration < source_end - EDGE_FADE_US
    fade_out = CUT_FADE_OUT_US if cut_short and kind == TrackKind.MUSIC else EDGE_FADE_US
    fi = samples(min(fade_in, clip.duration // 3), sr)
    fo = samples(min(fade_out, clip.duration // 3), sr)
    user_in, user_out = user_fades(clip)
    fi, fo = max(fi, samples(user_in, sr)), max(fo, samples(user_out, sr))
    if clip.gain_db:
        out *= np.float32(10 ** (clip.gain_db / 20))
    if fi:
        out[:fi] *= _fade(n, fi, True)[:, None]
    if fo:
        out[n - fo:] *= _fade(n, fo, False)[:, None]
    return out


def user_fades(clip: Clip) -> tuple[int, int]:
    """The clip's own fade-in and fade-out in microseconds, held so that together they fit in
    the clip (a fade-in that fills it leaves no room for a fade-out)."""
    fade_in = min(max(clip.fade_in, 0), clip.duration)
    return fade_in, min(max(clip.fade_out, 0), clip.duration - fade_in)


def speech_spans(project: Project) -> list[tuple[int, int]]:
    """(start, end) in microseconds of everything the music ducks under: the voice tracks'
    clips and the sound clips marked as speech (``Clip.duck_music``, a clip's own sound of
    someone talking), on tracks that are not muted."""
    return [(c.start, c.end) for t in project.tracks if not t.mute
            and t.kind in (TrackKind.VOICE, TrackKind.AUDIO) for c in t.clips
            if c.asset and (t.kind == TrackKind.VOICE or c.duck_music)]


def duck_gain(project: Project, n: int, sr: int = SAMPLE_RATE) -> np.ndarray:
    """Per-sample linear gain for music: 1 where nobody speaks, DUCK_DB under the voice and
    under clips marked as speech (:func:`speech_spans`), with smooth ramps (attack before the
    speech starts, release after it ends)."""
    spans = speech_spans(project)
    if not spans:
        return np.ones(n, np.float32)
    low = 10 ** (DUCK_DB / 20)
    points: list[tuple[int, float]] = []
    for a, b in sorted(spans):
        points += [(a - DUCK_ATTACK_US, 1.0), (a, low), (b, low), (b + DUCK_RELEASE_US, 1.0)]
    t = np.arange(n, dtype=np.float64) * (US_PER_SECOND / sr)
    gain = np.ones(n, np.float32)
    for a, b in sorted(spans):  # each voice span pulls the gain down; overlaps take the lowest
        env = np.interp(t, [a - DUCK_ATTACK_US, a, b, b + DUCK_RELEASE_US], [1.0, low, low, 1.0],
                        left=1.0, right=1.0).astype(np.float32)
        np.minimum(gain, env, out=gain)
    return gain


def mix_project(project: Project, folder: Path, sr: int = SAMPLE_RATE,
                normalize: bool = True, target_lufs: float | None = TARGET_LUFS,
                span: tuple[int, int] | None = None) -> tuple[np.ndarray, int]:
    """Mix the project's music, voice and audio tracks: returns (float32 (n, 2), sample rate)
    with n covering ``span`` ((start, end) in microseconds; default the project's whole
    duration). Muted tracks are left out; track and clip gains apply, and clip fades; music
    ducks under voice and speech clips; sound cut off at the
    span's end fades out. Then the whole mix is normalised once to ``target_lufs`` / -1 dBTP
    (unless ``normalize`` is False or ``target_lufs`` None: then it is only turned down as a
    whole when its peaks would pass -1 dBTP). Silence stays silence."""
    n = samples(project.duration, sr) + (1 if project.duration * sr % US_PER_SECOND else 0)
    buses = {TrackKind.MUSIC: np.zeros((n, 2), np.float32),
             TrackKind.VOICE: np.zeros((n, 2), np.float32),
             TrackKind.AUDIO: np.zeros((n, 2), np.float32)}  # clips' own sound, not ducked
    for track in project.tracks:
        if track.kind not in buses or track.mute:
            continue
        gain = np.float32(10 ** (track.gain_db / 20))
        bus = buses[track.kind]
        for clip in track.clips:
            audio = clip_audio(clip, folder, track.kind, sr)
            a = samples(clip.start, sr)
            seg = bus[a:a + len(audio)]
            seg += audio[:len(seg)] * gain
    mix = buses[TrackKind.MUSIC] * duck_gain(project, n, sr)[:, None] + buses[TrackKind.VOICE]
    mix += buses[TrackKind.AUDIO]
    if span is not None:
        mix = _cut(mix, span, sr)
    if float(np.max(np.abs(mix), initial=0.0)) <= 1e-5:
        return mix.astype(np.float32, copy=False), sr
    from promodesk.engines.music.mastering import normalize_loudness, true_peak_dbtp

    if normalize and target_lufs is not None:
        mix = normalize_loudness(mix, sr, target_lufs=target_lufs, ceiling_dbtp=CEILING_DBTP)
    else:
        over = true_peak_dbtp(mix, sr) - CEILING_DBTP
        if over > 0:  # one gain for the whole mix: the tracks keep their levels to each other
            mix = mix * np.float32(10 ** (-over / 20))
    return mix.astype(np.float32, copy=False), sr


def _cut(mix: np.ndarray, span: tuple[int, int], sr: int) -> np.ndarray:
    """The samples of ``mix`` in ``span`` (microseconds; padded with silence past the end), with
    a short fade-out where sound goes on past the span's end."""
    a, b = samples(span[0], sr), samples(span[1], sr)
    out = np.zeros((max(b - a, 0), 2), np.float32)
    piece = mix[a:b]
    out[:len(piece)] = piece
    if b < len(mix) and np.any(np.abs(mix[b:b + sr // 10]) > 1e-5):
        fo = min(samples(END_FADE_US, sr), len(out))
        if fo:
            out[len(out) - fo:] *= _fade(fo, fo, False)[:, None]
    return out
