"""`promodesk make --voice-sample` / `--speaker` / the brief's ``voice`` end to end with tiny
models in the models folder: every voice clip's recipe names the stored recording (or the Bark
speaker), and a bad recording stops make before any work, naming the file."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")
pytest.importorskip("diffusers")

from promodesk.cli import main  # noqa: E402
from promodesk.core.projectfile import load_project  # noqa: E402
from promodesk.core.timeline import TrackKind  # noqa: E402
from promodesk.engines.voice.voices import SAMPLE_KEY, read_voice_sample  # noqa: E402
from tests.e2e.test_make import ROOT  # noqa: E402
from tests.engines.tiny_models import tiny_bark  # noqa: E402
from tests.engines.voice.test_voice_choice import chirp  # noqa: E402
from tests.engines.voice.tiny_bark_speakers import add_bark_speakers  # noqa: E402
from tests.engines.voice.tiny_vibevoice import tiny_vibevoice  # noqa: E402

PHOTO = str(ROOT / "resources/examples/products/launch.jpg")


@pytest.fixture
def models(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    tiny_vibevoice(tmp_path / "models" / "vibevoice-1.5b")
    add_bark_speakers(tiny_bark(tmp_path / "models" / "bark-small"), ["v2/zh_speaker_3"])
    return tmp_path / "models"


def test_make_speaks_in_the_given_recording_and_the_project_keeps_it(models, tmp_path):
    sample = chirp(tmp_path / "speaker.wav", seconds=3.5)
    brief = tmp_path / "brief.toml"
    brief.write_text('text = "新品上市。立即购买。"\nvoice = {zh = "speaker.wav"}\n', "utf-8")
    code = main(["make", str(brief), "--image", PHOTO, "--seconds", "8", "--aspect", "16:9",
                 "--scale", "0.25", "--project", str(tmp_path / "p.promodesk"),
                 "-o", str(tmp_path / "promo.mp4"), "--voice"])
    assert code == 0
    folder = tmp_path / "p.promodesk"
    voice = load_project(folder).tracks_of(TrackKind.VOICE)[0].clips
    assert len(voice) >= 1
    ids = {clip.recipe.params[SAMPLE_KEY] for clip in voice}
    assert len(ids) == 1
    stored = folder / "assets" / ids.pop()
    # the project holds the recording itself: it speaks on when the original is gone
    assert stored.read_bytes() == sample.read_bytes()
    sample.unlink()
    assert len(read_voice_sample(stored)) == 3.5 * 24000


@pytest.mark.parametrize("option, says", [
    (["--voice-sample", "zh={bad}"], "cannot be read as audio"),
    (["--voice-sample", "de={bad}"], "LANGUAGE zh or en"),
    (["--speaker", "zh=v2/zh_speaker_3"], "preset speakers are Bark's"),
    (["--voice", "bark-small", "--speaker", "zh=v2/zh_speaker_9"],
     "'v2/zh_speaker_9' is not one of bark-small's zh speakers (v2/zh_speaker_3)"),
    (["--voice", "bark-small", "--voice-sample", "zh={good}"],
     "cannot speak in the voice of a recording"),
])
def test_a_bad_choice_stops_make_before_any_work(models, tmp_path, capsys, option, says):
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio", "utf-8")
    code = main(["make", "--text", "新品上市。", "--image", PHOTO, "--seconds", "8",
                 "--project", str(tmp_path / "p.promodesk"), "-o", str(tmp_path / "promo.mp4"),
                 *[o.format(bad=bad, good=chirp(tmp_path / "me.wav")) for o in option]])
    assert code != 0 and says in capsys.readouterr().err
    assert not (tmp_path / "p.promodesk").exists() and not (tmp_path / "promo.mp4").exists()


def test_a_recording_without_vibevoice_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(tmp_path / "hub"))
    tiny_bark(tmp_path / "models" / "bark-small")  # the default voice here: Bark
    code = main(["make", "--text", "新品上市。", "--image", PHOTO, "--seconds", "8",
                 "-o", str(tmp_path / "promo.mp4"),
                 "--voice-sample", f"zh={chirp(tmp_path / 'me.wav')}"])
    assert code != 0
    assert "promodesk models download vibevoice-1.5b" in capsys.readouterr().err


def test_each_language_version_speaks_in_its_own_recording(tmp_path):
    """make_project with language versions (a tiny Qwen3 writing hanzi) and a recording per
    language: each language's voice clips name that language's stored recording."""
    from promodesk.core.brief import Brief
    from promodesk.engines.assemble import make_project
    from promodesk.engines.text.versions import track_language
    from promodesk.engines.voice.voices import VoicePick, store_voice_sample
    from tests.engines.text.tiny_translators import tiny_qwen3

    samples = {"en": chirp(tmp_path / "tom.wav", seconds=3.0),
               "zh": chirp(tmp_path / "anna.wav", seconds=5.0)}
    brief = Brief(text="Launch it for $19.", title="Rocket", images=[ROOT / "resources/examples/products/launch.jpg"],
                  seconds=8, aspect="16:9", language="en")
    made = make_project(brief, tmp_path / "v.promodesk", seed=2,
                        voice=VoicePick(str(tiny_vibevoice(tmp_path / "vv")), samples),
                        languages=["en", "zh"], translator=tiny_qwen3(tmp_path / "q", "zh"))
    project = load_project(made.folder)
    spoken = {track_language(t): {c.recipe.params.get(SAMPLE_KEY) for c in t.clips}
              for t in project.tracks_of(TrackKind.VOICE)}
    want = {lang: {store_voice_sample(made.folder, path)} for lang, path in samples.items()}
    assert spoken == want and want["en"] != want["zh"]
