"""`make` with a voice engine: one voice clip per caption line, captions timed to the speech,
music ducked under it. Runs a tiny random Bark through the engine's real loading code."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("torch")  # the gpu extra; the test set-up installs it

from promodesk.core.brief import Brief  # noqa: E402
from promodesk.core.plan import music_spec, plan_video, time_voice_lines  # noqa: E402
from promodesk.core.projectfile import load_project  # noqa: E402
from promodesk.core.timeline import TrackKind  # noqa: E402
from promodesk.render.mix import DUCK_DB, mix_project  # noqa: E402
from promodesk.engines.assemble import make_project  # noqa: E402
from tests.e2e.test_make import ROOT  # noqa: E402
from tests.engines.tiny_models import tiny_bark  # noqa: E402


def test_voice_over_times_the_captions(tmp_path):
    model = tiny_bark(tmp_path / "bark")
    brief = Brief(text="Build it. Launch it.", images=[ROOT / "resources/examples/products/launch.jpg"],
                  seconds=8, aspect="16:9", cta="Order now")
    made = make_project(brief, tmp_path / "v.promodesk", seed=2, voice=model)
    project = load_project(made.folder)
    voice = project.tracks_of(TrackKind.VOICE)[0].clips
    captions = project.tracks_of(TrackKind.CAPTIONS)[0].clips
    assert len(voice) == len(captions) >= 1
    for v, c in zip(voice, captions):
        assert (v.start, v.duration) == (c.start, c.duration)
        assert v.take.source_duration == v.duration and v.recipe.engine == "voice"
    for a, b in zip(voice, voice[1:]):
        assert a.end <= b.start
    assert voice[-1].end <= project.duration
    # the timing is core's rule applied to the plan and the spoken lengths
    planned = plan_video(brief, music_spec(brief, seed=2), seed=2).captions
    timed, notes = time_voice_lines(planned, [v.duration for v in voice], project.duration)
    assert [(c.start, c.duration) for c in timed] == [(c.start, c.duration) for c in captions]
    assert notes == [] and len(planned) >= len(timed)
    assert (len(timed) < len(planned)) == any("voice-over" in n for n in made.notes)
    # under the voice the music is DUCK_DB lower: (full mix - voice alone) vs music alone
    voice_track, music_track = project.tracks_of(TrackKind.VOICE)[0], project.tracks_of(TrackKind.MUSIC)[0]
    full, sr = mix_project(project, made.folder, normalize=False)
    music_track.mute = True
    voice_only, _ = mix_project(project, made.folder, normalize=False)
    music_track.mute, voice_track.mute = False, True
    music_only, _ = mix_project(project, made.folder, normalize=False)
    a, b = voice[0].start * sr // 1_000_000, voice[0].end * sr // 1_000_000
    mid = slice(a + (b - a) // 4, b - (b - a) // 4)
    rms = lambda x: float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    ratio_db = 20 * np.log10(rms(full[mid] - voice_only[mid]) / rms(music_only[mid]))
    assert abs(ratio_db - DUCK_DB) < 0.5


def test_missing_voice_model_is_a_clear_message(tmp_path):
    from promodesk.engines.base import EngineUnavailable

    brief = Brief(text="Build it.", seconds=6)
    with pytest.raises(EngineUnavailable) as err:
        make_project(brief, tmp_path / "v.promodesk", voice=tmp_path / "no-such-model")
    assert "no-such-model" in str(err.value)
