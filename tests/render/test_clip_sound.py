"""A clip's own sound in the mix: in step with its picture after a trim (decoded from the
exported MP4), its own gain heard in the export against the rest, its fades as a ramp, and the
music ducking under a clip marked as speech."""

from __future__ import annotations

import subprocess

import numpy as np

from promodesk.core.document import Document, History
from promodesk.core.edits import TrimStart
from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.visuals.media import import_media, sound_asset
from promodesk.render.export import export_video, ffmpeg_exe
from promodesk.render.mix import DUCK_DB, SAMPLE_RATE, mix_project
from tests.render.test_export import SMALL, _audio_of, _band_db, _music_voice_project
from tests.render.test_mix import rms, tone, wav_asset

S = 1_000_000
SR = SAMPLE_RATE


def _footage_with_a_late_tone(path):
    """5 s of testsrc2 at 25 fps whose sound is 440 Hz for 1 s, silent for 1 s, then 440 Hz
    again from 2 s on."""
    subprocess.run([ffmpeg_exe(), "-y", "-loglevel", "error",
                    "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25:duration=5",
                    "-f", "lavfi", "-i", "aevalsrc=0.3*sin(2*PI*440*t)*(lt(t\\,1)+gte(t\\,2))"
                                         ":s=48000:d=5",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", "5",
                    str(path)], check=True)
    return path


def _onset_us(audio: np.ndarray, sr: int = SR) -> int:
    """Where the sound first reaches half its peak level (10 ms RMS windows), microseconds."""
    win = sr // 100
    x = audio[: len(audio) // win * win, 0].reshape(-1, win)
    level = np.sqrt(np.mean(x.astype(np.float64) ** 2, axis=1))
    first = int(np.argmax(level >= level.max() / 2))
    return first * win * S // sr


def test_a_trimmed_clips_tone_is_heard_in_step_with_its_picture(tmp_path):
    folder = tmp_path / "p.promodesk"
    video = import_media(folder, _footage_with_a_late_tone(tmp_path / "late.mp4"))
    sound = sound_asset(folder, video)
    project = Project(width=160, height=120, aspect="16:9", fps_num=25)
    project.assets.update({video.id: video, sound.id: sound})
    main = project.add_track(TrackKind.VIDEO, "Main")
    shot = Clip(S, 4 * S, [Take(video.id, Recipe("footage"), video.duration)], in_point=S // 2)
    main.clips.append(shot)
    heard = Clip(S, 4 * S, [Take(sound.id, Recipe("footage", {"sound_of": shot.id}),
                                 sound.duration)], in_point=S // 2)
    project.add_track(TrackKind.AUDIO, "Clip sound").clips.append(heard)
    History(Document(project, folder)).push(TrimStart(shot.id, 1_800_000))
    assert (heard.start, heard.in_point) == (shot.start, shot.in_point) == (1_800_000, 1_300_000)
    out = tmp_path / "trimmed.mp4"
    export_video(project, folder, out, size=(160, 120), captions="none")
    # the first second of tone was trimmed away with the picture (untrimmed it would sound at
    # 1.0-1.5 s); the second starts 2 s into the source: at start - in_point + 2 s
    want = shot.start - shot.in_point + 2 * S
    assert abs(_onset_us(_audio_of(out)) - want) <= S // 25   # within one frame
    mix, _ = mix_project(project, folder)
    assert abs(_onset_us(mix) - want) <= S // 25


def test_a_clips_own_gain_is_heard_in_the_export(tmp_path):
    """The music clip at -6 dB comes out 6 +-0.5 dB lower against the voice than at 0 dB, with
    the track left at 0 dB and both exports normalised to -14 LUFS."""
    levels = []
    for gain in (0.0, -6.0):
        project = _music_voice_project(tmp_path, 0.0)
        project.tracks_of(TrackKind.MUSIC)[0].clips[0].gain_db = gain
        out = tmp_path / f"clip{int(gain)}.mp4"
        export_video(project, tmp_path, out, size=SMALL, captions="none")
        audio = _audio_of(out)[:, 0]
        levels.append(_band_db(audio[int(0.3 * SR):int(1.3 * SR)], 220)
                      - _band_db(audio[int(1.8 * SR):int(2.3 * SR)], 1000))
    assert abs(levels[1] - levels[0] + 6.0) <= 0.5, levels


def _one_clip(tmp_path, kind=TrackKind.AUDIO) -> tuple[Project, Clip]:
    p = Project.for_aspect("9:16")
    asset = wav_asset(tmp_path, tone(4.0, 220))
    clip = Clip(0, 4 * S, [Take(asset, Recipe("footage"), 4 * S)])
    p.add_track(kind).clips.append(clip)
    return p, clip


def test_clip_gain_adds_to_the_track_gain(tmp_path):
    p, clip = _one_clip(tmp_path)
    p.tracks[0].gain_db, clip.gain_db = -3.0, -3.0
    audio, _ = mix_project(p, tmp_path, normalize=False)
    assert abs(rms(audio[SR:3 * SR]) / (0.3 / np.sqrt(2)) - 10 ** (-6 / 20)) < 1e-3


def test_fades_ramp_the_samples_and_never_pass_the_clip(tmp_path):
    p, clip = _one_clip(tmp_path)
    clip.fade_in, clip.fade_out = 1_000_000, 500_000
    audio, _ = mix_project(p, tmp_path, normalize=False)
    peak = 0.3
    env = lambda t: np.max(np.abs(audio[int(t * SR):int(t * SR) + SR // 50, 0])) / peak  # noqa
    # sin^2 ramps: a quarter in, half way, three quarters; full level between the fades
    assert env(0.0) < 0.02
    assert abs(env(0.49) - 0.5) < 0.06 and env(0.24) < env(0.49) < env(0.74) < env(0.98)
    assert abs(env(2.0) - 1.0) < 0.01
    assert abs(env(3.74) - 0.5) < 0.06 and env(3.97) < 0.05
    clip.fade_in, clip.fade_out = 3_000_000, 3_000_000   # more than the clip: the out is held
    audio, _ = mix_project(p, tmp_path, normalize=False)
    assert np.max(np.abs(audio[int(3.2 * SR):int(3.3 * SR), 0])) > 0.7 * peak


def test_music_ducks_under_a_clip_marked_as_speech(tmp_path):
    p = Project.for_aspect("9:16")
    music = p.add_track(TrackKind.MUSIC)
    music.clips.append(Clip(0, 4 * S, [Take(wav_asset(tmp_path, tone(4.0, 220)),
                                            Recipe("composer"), 4 * S)]))
    speech = Clip(2 * S, S, [Take(wav_asset(tmp_path, tone(1.0, 1000, 0.2)),
                                  Recipe("footage"), S)])
    p.add_track(TrackKind.AUDIO, "Clip sound").clips.append(speech)
    seg = slice(int(2.3 * SR), int(2.7 * SR))

    def music_db() -> float:
        audio, _ = mix_project(p, tmp_path, normalize=False)
        return _band_db(audio[seg, 0], 220)

    plain = music_db()   # not marked: the clip's own sound leaves the music as it is
    speech.duck_music = True
    ducked = music_db()
    assert abs(ducked - plain - DUCK_DB) < 0.5
    p.tracks[1].mute = True   # a muted track ducks nothing
    assert abs(music_db() - plain) < 0.01
