"""The inspector's voice picker with real clicks, offscreen, on tiny real voice models run in the
editor's generation worker: a bad recording is named and changes nothing; a good one is stored
and a new take is spoken in it (the recipe names it); Bark offers its preset speakers of the
line's language; speaking again (a line, or the track's lines of that language and engine) is an
ordinary job in the jobs panel, which Cancel stops."""

from __future__ import annotations

import pytest
import soundfile as sf
from PySide6.QtCore import Qt

pytest.importorskip("transformers")
pytest.importorskip("diffusers")

from promodesk.core.projectfile import add_asset, load_project, save_project  # noqa: E402
from promodesk.core.timeline import Asset, Clip, Recipe, Take, TrackKind  # noqa: E402
from promodesk.engines.voice.voices import SAMPLE_KEY, SPEAKER_KEY  # noqa: E402
from tests.app.conftest import wait_jobs  # noqa: E402
from tests.engines.tiny_models import tiny_bark  # noqa: E402
from tests.engines.voice.test_voice_choice import chirp  # noqa: E402
from tests.engines.voice.tiny_bark_speakers import add_bark_speakers  # noqa: E402
from tests.engines.voice.tiny_vibevoice import tiny_vibevoice  # noqa: E402

LONG = "晨光温润手感，" * 12


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp("voices")
    bark = add_bark_speakers(tiny_bark(root / "bark"), ["v2/zh_speaker_3", "v2/zh_speaker_5",
                                                        "v2/en_speaker_6"])
    return tiny_vibevoice(root / "vibevoice"), bark


@pytest.fixture
def voiced(project_folder, models, tmp_path):
    """The test project with a voice track: a VibeVoice line and a long one, then two Chinese
    Bark lines and an English one."""
    vibevoice, bark = models
    project = load_project(project_folder)
    speech = add_asset(project_folder, chirp(tmp_path / "take.wav", seconds=1.5))
    project.assets[speech] = Asset(speech, "audio", 1_500_000, {}, "test")
    track = project.add_track(TrackKind.VOICE, "Voice")
    for i, (text, model) in enumerate([("Hi there.", vibevoice), (LONG, vibevoice),
                                       ("新品上市。", bark), ("立即购买。", bark), ("Hi.", bark)]):
        track.clips.append(Clip(start=i * 2_000_000, duration=1_500_000, name=text[:6],
                                takes=[Take(speech, Recipe("voice", {"text": text,
                                                                     "model": str(model)}, 1),
                                            1_500_000)]))
    save_project(project, project_folder)
    return project_folder


def pick(qtbot, combo, text):
    """Open the drop-down and click the item whose text starts with ``text`` (the picker may
    then choose another: a refused recording leaves the choice as it was)."""
    i = next(i for i in range(combo.count()) if combo.itemText(i).startswith(text))
    combo.showPopup()
    view = combo.view()
    qtbot.waitUntil(view.isVisible)
    rect = view.visualRect(view.model().index(i, 0))
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: not view.isVisible())


def click(qtbot, window, button):
    """Scroll the inspector to ``button`` (as a user would) and click it."""
    from PySide6.QtWidgets import QScrollArea

    window.inspector.findChild(QScrollArea).ensureWidgetVisible(button)
    qtbot.waitUntil(lambda: not button.visibleRegion().isEmpty())
    qtbot.mouseClick(button, Qt.LeftButton)


def voice_clips(window):
    return window.project.tracks_of(TrackKind.VOICE)[0].clips


def test_speak_again_in_a_chosen_recording(qtbot, window, voiced, tmp_path):
    assert window.open_project(voiced)
    wait_jobs(qtbot, window)
    picker = window.inspector.voice_picker
    clip = voice_clips(window)[0]
    window.timeline.select_clip(clip.id)
    assert picker.isVisibleTo(window.inspector) and "consent" in picker.note.text()
    assert [picker.voices.itemText(i) for i in range(picker.voices.count())] == [
        "This take's voice", "Use a recording…"]
    assets = sorted(p.name for p in (voiced / "assets").iterdir())
    # a text file named .wav: the message names it, nothing is stored, the choice stays
    bad = tmp_path / "notes.wav"
    bad.write_text("not a recording", "utf-8")
    picker.ask_for_recording = lambda _parent: str(bad)
    pick(qtbot, picker.voices, "Use a recording")
    assert str(bad) in window.statusBar().currentMessage()
    assert picker.voices.currentText() == "This take's voice" and picker.choice() is None
    assert sorted(p.name for p in (voiced / "assets").iterdir()) == assets
    # a good one: stored, offered, chosen; speaking again makes a take in its voice
    good = chirp(tmp_path / "anna.flac", seconds=4.0)
    picker.ask_for_recording = lambda _parent: str(good)
    pick(qtbot, picker.voices, "Use a recording")
    key, sample = picker.choice()
    assert key == SAMPLE_KEY and (voiced / "assets" / sample).read_bytes() == good.read_bytes()
    # shown by the file's name (the project records it, as an import would), the hash in the tooltip
    assert picker.voices.currentText() == "anna.flac" and sample in picker.voices.toolTip()
    assert window.project.assets[sample].meta["source"] == "anna.flac"
    click(qtbot, window, picker.speak_again)
    assert any(row.job.clip_id == clip.id for row in window.jobs_panel.job_rows()), \
        window.statusBar().currentMessage()
    wait_jobs(qtbot, window, timeout=180_000)
    assert len(clip.takes) == 2 and clip.selected == 1, window.statusBar().currentMessage()
    assert clip.recipe.params[SAMPLE_KEY] == sample and clip.recipe.params["text"] == "Hi there."
    info = sf.info(str(voiced / "assets" / clip.take.asset))
    assert info.samplerate == 48000 and info.frames > 0
    assert picker.choice() == (SAMPLE_KEY, sample)  # the new take shows its voice
    named = window.inspector._editors[SAMPLE_KEY]  # the recipe names the recording too
    assert named.text() == "anna.flac" and sample in named.toolTip()
    # another voice clip offers the project's recording; Cancel in the jobs panel adds no take
    long = voice_clips(window)[1]
    window.timeline.select_clip(long.id)
    assert picker.voices.itemText(1) == "anna.flac" and picker.choice() is None
    pick(qtbot, picker.voices, "anna.flac")
    assert picker.choice() == (SAMPLE_KEY, sample)
    click(qtbot, window, picker.speak_again)
    row = next(r for r in window.jobs_panel.job_rows() if r.job.clip_id == long.id)
    qtbot.waitUntil(lambda: row.job.fraction > 0.05, timeout=120_000)
    qtbot.mouseClick(row.button, Qt.LeftButton)
    wait_jobs(qtbot, window)
    assert row.job.state == "cancelled" and len(long.takes) == 1
    # undo takes the new take back: the recording stays stored (other takes may name it)
    window.undo.undo()
    assert len(clip.takes) == 1 and (voiced / "assets" / sample).is_file()
    # another recording of the same file name, from another folder: told apart by a number
    (tmp_path / "second").mkdir()
    other = chirp(tmp_path / "second" / "anna.flac", seconds=5.0)
    picker.ask_for_recording = lambda _parent: str(other)
    pick(qtbot, picker.voices, "Use a recording")
    assert picker.voices.currentText() == "anna.flac (2)" and picker.choice()[1] != sample


def test_bark_offers_its_speakers_of_the_lines_language(qtbot, window, voiced):
    assert window.open_project(voiced)
    wait_jobs(qtbot, window)
    picker = window.inspector.voice_picker
    clip = voice_clips(window)[2]
    window.timeline.select_clip(clip.id)
    assert [picker.voices.itemText(i) for i in range(picker.voices.count())] == [
        "Bark's default speaker", "zh speaker 3", "zh speaker 5"]
    assert not picker.note.isVisibleTo(picker)  # no recording: no cloning
    pick(qtbot, picker.voices, "zh speaker 5")
    assert picker.choice() == (SPEAKER_KEY, "v2/zh_speaker_5")
    click(qtbot, window, picker.speak_again)
    wait_jobs(qtbot, window, timeout=180_000)
    assert len(clip.takes) == 2, window.statusBar().currentMessage()
    assert clip.recipe.params[SPEAKER_KEY] == "v2/zh_speaker_5"
    assert picker.voices.currentText() == "zh speaker 5"
    # the track's lines: the Chinese Bark ones, one job each; the English and VibeVoice ones stay
    pick(qtbot, picker.voices, "zh speaker 3")
    click(qtbot, window, picker.speak_track)
    assert sorted(r.job.clip_id for r in window.jobs_panel.job_rows() if r.job.active) == sorted(
        c.id for c in voice_clips(window)[2:4])
    wait_jobs(qtbot, window, timeout=180_000)
    assert [len(c.takes) for c in voice_clips(window)] == [1, 1, 3, 2, 1]
    assert all(c.recipe.params[SPEAKER_KEY] == "v2/zh_speaker_3" for c in voice_clips(window)[2:4])
