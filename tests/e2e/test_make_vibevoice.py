"""`promodesk make --voice` (no model named: the default voice) end to end with a tiny random
VibeVoice installed in the models folder: an MP4 with a voice track of one clip per caption line, each caption timed to its spoken line, every voice
asset carrying VibeVoice's licence. The MP4 is read back with PyAV."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")  # the gpu extra; the test set-up installs it
pytest.importorskip("diffusers")

from promodesk.cli import main  # noqa: E402
from promodesk.core.projectfile import load_project  # noqa: E402
from promodesk.core.timeline import TrackKind  # noqa: E402
from promodesk.render.export import export_span, frame_count  # noqa: E402
from tests.e2e.test_make import ROOT  # noqa: E402
from tests.engines.voice.tiny_vibevoice import tiny_vibevoice  # noqa: E402


def test_make_with_the_default_voice_once_vibevoice_is_installed(tmp_path, monkeypatch):
    import av

    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    tiny_vibevoice(tmp_path / "models" / "vibevoice-1.5b")
    model = "vibevoice-1.5b"
    out = tmp_path / "promo.mp4"
    code = main(["make", "--text", "新品上市。立即购买。",
                 "--image", str(ROOT / "resources/examples/products/launch.jpg"),
                 "--seconds", "8", "--aspect", "16:9", "--scale", "0.25",
                 "--project", str(tmp_path / "p.promodesk"), "-o", str(out), "--voice"])
    assert code == 0 and out.is_file()
    project = load_project(tmp_path / "p.promodesk")
    voice = project.tracks_of(TrackKind.VOICE)[0].clips
    captions = project.tracks_of(TrackKind.CAPTIONS)[0].clips
    assert len(voice) == len(captions) >= 1
    for v, c in zip(voice, captions):
        assert (v.start, v.duration) == (c.start, c.duration)
        assert v.recipe.engine == "voice" and v.recipe.params["model"] == str(model)
        assert "VibeVoice" in project.assets[v.take.asset].licence
        assert project.assets[v.take.asset].meta["language"] == "zh"
    with av.open(str(out)) as container:
        assert container.streams.audio and container.streams.video
        frames = container.streams.video[0].frames  # the MP4 holds every frame of the project
    assert abs(frames - frame_count(project, export_span(project))) <= 1
