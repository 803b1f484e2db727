"""A language version added to a made project (the editor's job and edits, without Qt), on a
tiny random Marian model: new caption track in the language, the shots' panel texts translated
with prices verbatim, the English hero's title drawn differently from the Chinese one, one
undo step taking it all back, and the switch between versions saved with the project."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from promodesk.core.brief import read_brief
from promodesk.core.document import Document, History
from promodesk.core.projectfile import load_project, save_project
from promodesk.core.script import has_han
from promodesk.core.timeline import TrackKind
from promodesk.engines.assemble import make_project
from promodesk.engines.base import CancelToken, RequestError
from promodesk.engines.text.add_version import (AddVersion, ShowLanguage, add_language_version,
                                                source_language)
from promodesk.engines.text.protect import facts_of, without_facts
from promodesk.engines.text.versions import (SHOT_TEXTS, languages, shot_texts, shown_language,
                                             track_language)
from promodesk.engines.visuals.shots import ShotRenderer
from promodesk.render.frame import FrameRenderer
from tests.engines.text.tiny_translators import WORDS, tiny_marian

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "data" / "briefs"
BRIEF = (SHARED if SHARED.is_dir() else ROOT / "resources" / "examples" / "briefs") \
    / "espresso-zh.toml"
SIZE = (270, 480)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    work = tmp_path_factory.mktemp("addversion")
    brief, _ = read_brief(BRIEF)
    brief.seconds = 8
    made = make_project(brief, work / "p.promodesk", seed=1)
    return made, tiny_marian(work / "marian", "en"), brief


def _job(made, model, language="en"):
    inputs = {"project": made.project.copy(), "folder": made.folder, "language": language,
              "model": str(model)}
    return add_language_version(inputs, lambda f, m="": None, CancelToken())


def _words(line: str, title: str) -> str:
    """``line`` without its facts (prices, numbers, the product's name ``title``)."""
    return without_facts(line, facts_of(line, [title] if title else []))


def _hero_title(project, folder) -> tuple[np.ndarray, dict]:
    """The hero shot's title pixels (in the Chinese title's box, late in the shot) and its
    params."""
    clip = next(c for c in project.tracks_of(TrackKind.VIDEO)[0].clips
                if c.recipe.params["kind"] == "hero")
    frame = FrameRenderer(project, folder, SIZE, captions=False).frame(
        clip.start + clip.duration * 3 // 4)
    source = dict(clip.recipe.params, **clip.recipe.params.get(SHOT_TEXTS, {}).get("zh", {}))
    l, t, r, b = ShotRenderer(source, None, SIZE, clip.duration).text_boxes()[0]
    return frame[t:b, l:r].astype(int), clip.recipe.params


def test_a_language_version_is_one_undo_step_with_translated_panels(made):
    made_project, model, brief = made
    doc = Document(made_project.project.copy(), made_project.folder)
    history = History(doc)
    zh_title, zh_params = _hero_title(doc.project, doc.folder)
    before_tracks = [(t.id, t.name, t.mute) for t in doc.project.tracks]

    version = _job(made_project, model)
    assert version.language == "en" and version.source == "zh" == source_language(doc.project)
    history.push(AddVersion(version))
    project = doc.project
    assert languages(project) == ["zh", "en"]
    en = next(t for t in project.tracks_of(TrackKind.CAPTIONS) if track_language(t) == "en")
    zh = next(t for t in project.tracks_of(TrackKind.CAPTIONS) if track_language(t) == "zh")
    assert zh.name == "Captions · ZH" and en.mute and not zh.mute  # added, not yet shown
    doc.project.brief = {}  # without the brief's word: still read off the untranslated track
    assert source_language(project) == "zh"
    assert [(c.start, c.duration) for c in en.clips] == [(c.start, c.duration) for c in zh.clips]
    assert all(not has_han(_words(c.cue.text, brief.title)) for c in en.clips)
    # every shot holds both versions' texts; prices the same, copy in English words
    shots = project.tracks_of(TrackKind.VIDEO)[0].clips
    for clip in shots:
        texts = clip.recipe.params[SHOT_TEXTS]
        assert set(texts) == {"zh", "en"}
        assert texts["en"]["price"] == texts["zh"]["price"]
        assert texts["en"]["old_price"] == texts["zh"]["old_price"]
        for key in ("title", "text", "cta"):
            if texts["zh"][key]:
                # the product's name stays as written inside lines; the title is translated
                assert not has_han(_words(texts["en"][key], brief.title if key != "title"
                                          else "")), texts["en"][key]
    assert any(c.recipe.params[SHOT_TEXTS]["zh"]["price"] for c in shots)

    # switching shows the English captions and draws the English panels
    history.push(ShowLanguage("en"))
    assert shown_language(project) == "en" and not en.mute and zh.mute
    en_title, en_params = _hero_title(project, doc.folder)
    assert en_params["title"] == en_params[SHOT_TEXTS]["en"]["title"] != zh_params["title"]
    assert set(en_params["title"].split()) <= set(WORDS["en"])
    assert np.abs(en_title - zh_title).mean() > 5  # other letters drawn in the title's box
    cta = next(c for c in shots if c.recipe.params["kind"] == "cta").recipe.params
    assert cta["price"] == brief.price and cta["cta"] == cta[SHOT_TEXTS]["en"]["cta"]

    # saved and opened again: still the English version
    save_project(project, doc.folder)
    again = load_project(doc.folder)
    assert shown_language(again) == "en"
    assert next(c for c in again.tracks_of(TrackKind.VIDEO)[0].clips
                if c.recipe.params["kind"] == "hero").recipe.params["title"] == en_params["title"]

    # undo: back to Chinese, then the version gone, names as they were
    history.undo()
    assert shown_language(project) == "zh"
    assert np.array_equal(_hero_title(project, doc.folder)[0], zh_title)
    history.undo()
    assert [(t.id, t.name, t.mute) for t in project.tracks] == before_tracks
    assert all(SHOT_TEXTS not in c.recipe.params for c in shots)
    history.redo()
    assert languages(project) == ["zh", "en"]


def test_an_edit_of_a_shown_panel_is_kept_when_switching_back(made):
    made_project, model, _ = made
    doc = Document(made_project.project.copy(), made_project.folder)
    history = History(doc)
    history.push(AddVersion(_job(made_project, model)))
    history.push(ShowLanguage("en"))
    hero = next(c for c in doc.project.tracks_of(TrackKind.VIDEO)[0].clips
                if c.recipe.params["kind"] == "hero")
    hero.recipe.params["title"] = "Dawn Cup"  # as the inspector's new take would leave it
    history.push(ShowLanguage("zh"))
    assert has_han(hero.recipe.params["title"])
    history.push(ShowLanguage("en"))
    assert hero.recipe.params["title"] == "Dawn Cup"
    assert shot_texts(hero.recipe.params, "zh")["title"] == made_project.project.tracks_of(
        TrackKind.VIDEO)[0].clips[0].recipe.params["title"]


def test_a_version_the_project_has_or_no_font_draws_is_refused(made):
    made_project, model, _ = made
    with pytest.raises(RequestError, match="already has a Simplified Chinese version"):
        _job(made_project, model, "zh")
    with pytest.raises(RequestError, match="not a language"):
        _job(made_project, model, "xx")


def test_a_project_with_a_voice_gets_the_version_spoken(tmp_path):
    """An English project read by a tiny Bark: the Chinese version (a tiny Qwen3 writing hanzi)
    gets its own voice track with the project's voice model, each caption timed to its line."""
    from promodesk.core.brief import Brief
    from promodesk.engines.text.add_version import voice_model
    from tests.engines.text.tiny_translators import tiny_qwen3
    from tests.engines.tiny_models import tiny_bark

    brief = Brief(text="Build it. Launch it for $19.", title="Rocket",
                  images=[ROOT / "resources/examples/products/launch.jpg"], seconds=12,
                  aspect="16:9", language="en")
    made = make_project(brief, tmp_path / "v.promodesk", seed=2, voice=tiny_bark(tmp_path / "b"))
    voice = voice_model(made.project)
    assert voice and Path(voice).name == "b"
    version = add_language_version(
        {"project": made.project.copy(), "folder": made.folder, "language": "zh",
         "model": str(tiny_qwen3(tmp_path / "q", "zh")), "voice": voice},
        lambda f, m="": None, CancelToken())
    doc = Document(made.project, made.folder)
    History(doc).push(AddVersion(version))
    by_kind = {t.kind: t for t in doc.project.tracks if track_language(t) == "zh"}
    assert set(by_kind) == {TrackKind.VOICE, TrackKind.CAPTIONS}
    spoken, captions = by_kind[TrackKind.VOICE].clips, by_kind[TrackKind.CAPTIONS].clips
    assert spoken and [(v.start, v.duration) for v in spoken] == \
        [(c.start, c.duration) for c in captions]
    assert all(v.recipe.params["model"] == voice and v.asset in doc.project.assets
               for v in spoken)
    assert all((made.folder / "assets" / v.asset).is_file() for v in spoken)
    assert {track_language(t) for t in doc.project.tracks_of(TrackKind.VOICE)} == {"en", "zh"}
