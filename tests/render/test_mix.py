"""The audio mix: gains, mute, fades, ducking under voice, loudness targets."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from promodesk.core.projectfile import add_asset
from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind
from promodesk.render.mix import DUCK_DB, SAMPLE_RATE, mix_project

S = 1_000_000
SR = SAMPLE_RATE


def tone(seconds: float, freq: float, amp: float = 0.3, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    x = (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)
    return np.stack([x, x], axis=1)


def wav_asset(folder, audio, sr=SR) -> str:
    buf = io.BytesIO()
    sf.write(buf, audio, sr, format="WAV", subtype="FLOAT")
    return add_asset(folder, buf.getvalue(), "wav")


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


@pytest.fixture
def music_project(tmp_path):
    p = Project.for_aspect("9:16")
    music = p.add_track(TrackKind.MUSIC)
    asset = wav_asset(tmp_path, tone(4.0, 220))
    music.clips.append(Clip(0, 4 * S, [Take(asset, Recipe("composer"), 4 * S)]))
    return p, tmp_path


def test_length_and_passthrough(music_project):
    p, folder = music_project
    audio, sr = mix_project(p, folder, normalize=False)
    assert sr == SR and audio.shape == (4 * SR, 2) and audio.dtype == np.float32
    mid = audio[SR:3 * SR, 0]
    assert abs(rms(mid) - 0.3 / np.sqrt(2)) < 1e-3


def test_gain_and_mute(music_project):
    p, folder = music_project
    p.tracks[0].gain_db = -6.0
    audio, _ = mix_project(p, folder, normalize=False)
    assert abs(rms(audio[SR:3 * SR]) / (0.3 / np.sqrt(2)) - 10 ** (-6 / 20)) < 1e-3
    p.tracks[0].mute = True
    audio, _ = mix_project(p, folder, normalize=False)
    assert np.all(audio == 0)


def test_edges_are_faded_without_clicks(music_project):
    p, folder = music_project
    clip = p.tracks[0].clips[0]
    clip.in_point, clip.duration = S // 2, 2 * S  # cut from the middle of the source
    audio, _ = mix_project(p, folder, normalize=False)
    assert abs(audio[0, 0]) < 1e-3 and abs(audio[len(audio) - 1, 0]) < 1e-3
    assert np.max(np.abs(np.diff(audio[:, 0]))) < 0.3 * 2 * np.pi * 220 / SR * 1.05


def test_music_ducks_under_voice(music_project, tmp_path):
    p, folder = music_project
    voice = p.add_track(TrackKind.VOICE)
    v_asset = wav_asset(folder, tone(1.0, 1000, 0.2))
    voice.clips.append(Clip(2 * S, 1 * S, [Take(v_asset, Recipe("voice"), 1 * S)]))
    with_voice, _ = mix_project(p, folder, normalize=False)
    voice.mute = True
    without, _ = mix_project(p, folder, normalize=False)
    # before the voice the music is untouched; under it, the music part is DUCK_DB lower
    assert np.allclose(with_voice[: SR], without[: SR])
    seg = slice(int(2.3 * SR), int(2.7 * SR))
    spectrum = np.abs(np.fft.rfft(with_voice[seg, 0]))
    freqs = np.fft.rfftfreq(seg.stop - seg.start, 1 / SR)
    band = lambda f: spectrum[np.argmin(np.abs(freqs - f))]
    ref = np.abs(np.fft.rfft(without[seg, 0]))[np.argmin(np.abs(freqs - 220))]
    assert abs(20 * np.log10(band(220) / ref) - DUCK_DB) < 0.5
    assert band(1000) > band(220)  # the voice (1 kHz) is on top


def test_silence_stays_silent(tmp_path):
    p = Project.for_aspect("1:1")
    v = p.add_track(TrackKind.VIDEO)
    v.clips.append(Clip(0, 2 * S, [Take(None, Recipe("shots"))]))
    audio, _ = mix_project(p, tmp_path)
    assert audio.shape == (2 * SR, 2) and not audio.any()


def test_loudness_targets(music_project):
    from promodesk.engines.music import mastering

    p, folder = music_project
    p.tracks[0].gain_db = -12.0
    audio, sr = mix_project(p, folder)
    assert abs(mastering.integrated_lufs(audio, sr) + 14.0) <= 1.0
    assert mastering.true_peak_dbtp(audio, sr) <= -1.0 + 0.05


def test_track_gains_survive_the_loudness_target(music_project):
    """The whole mix is normalised once: music at -6 dB stays 6 dB under a voice left at 0 dB,
    while the mix as a whole still meets -14 LUFS."""
    from promodesk.engines.music import mastering

    p, folder = music_project
    voice = p.add_track(TrackKind.VOICE)
    v_asset = wav_asset(folder, tone(1.0, 1000, 0.3))
    voice.clips.append(Clip(3 * S, 1 * S, [Take(v_asset, Recipe("voice"), 1 * S)]))
    music_part, voice_part = slice(int(0.5 * SR), int(2 * SR)), slice(int(3.3 * SR), int(3.8 * SR))

    def music_under_voice_db(gain_db: float) -> float:
        p.tracks[0].gain_db = gain_db
        audio, sr = mix_project(p, folder)
        assert abs(mastering.integrated_lufs(audio, sr) + 14.0) <= 1.0
        return 20 * np.log10(rms(audio[music_part]) / rms(audio[voice_part]))

    assert abs(music_under_voice_db(-6.0) - music_under_voice_db(0.0) + 6.0) <= 0.5


def test_no_target_keeps_the_levels_as_mixed(music_project):
    p, folder = music_project
    p.tracks[0].gain_db = -6.0
    audio, _ = mix_project(p, folder, target_lufs=None)
    assert abs(rms(audio[SR:3 * SR]) / (0.3 / np.sqrt(2)) - 10 ** (-6 / 20)) < 1e-3


def test_a_span_is_cut_out_and_fades_where_the_music_goes_on(music_project):
    p, folder = music_project
    audio, _ = mix_project(p, folder, normalize=False, span=(S, 2 * S))
    assert audio.shape == (SR, 2)
    assert abs(rms(audio[: SR // 2]) - 0.3 / np.sqrt(2)) < 1e-3  # untouched before the fade
    assert np.max(np.abs(audio[-20:])) < 0.01  # faded out: the music did not end here
