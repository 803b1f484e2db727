"""Language versions in one project: a track's language from its clips' recipes, the version an
export shows (the others' caption and voice tracks muted), and the one naming rule for their
files."""

from __future__ import annotations

from pathlib import Path

import pytest

from promodesk.core.timeline import CaptionCue, Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.text.versions import (language_version, languages, show_language,
                                             track_language)
from promodesk.render.outputs import language_output_paths, output_paths
from promodesk.render.subtitles import cues_from_project


def _project() -> Project:
    p = Project.for_aspect("9:16")
    p.add_track(TrackKind.MUSIC, "Music").clips.append(
        Clip(0, 2_000_000, [Take(None, Recipe("composer"))]))
    for lang, text in (("zh", "好咖啡"), ("en", "good coffee")):
        voice = p.add_track(TrackKind.VOICE, f"Voice {lang}")
        voice.clips.append(Clip(0, 1_000_000, [Take(None, Recipe("voice", {"language": lang}))]))
        caps = p.add_track(TrackKind.CAPTIONS, f"Captions {lang}")
        caps.clips.append(Clip(0, 1_000_000, [Take(None, Recipe("captions", {"language": lang}))],
                               cue=CaptionCue(text, "outline")))
    return p


def test_each_version_shows_only_its_own_captions_and_voice():
    p = _project()
    assert languages(p) == ["zh", "en"]
    assert [track_language(t) for t in p.tracks] == [None, "zh", "zh", "en", "en"]
    en = language_version(p, "en")
    assert [c.text for c in cues_from_project(en)] == ["good coffee"]
    assert [t.mute for t in en.tracks] == [False, True, True, False, False]
    assert [t.mute for t in p.tracks] == [False] * 5  # the original is left as it was
    show_language(p, "zh")
    assert [c.text for c in cues_from_project(p)] == ["好咖啡"]
    with pytest.raises(KeyError):
        show_language(p, "ja")


def test_language_files_are_named_after_the_output():
    out = Path("/x/ad.mp4")
    assert language_output_paths(out, ["9:16"], ["zh"]) == {(0, "9:16", "zh"): out}
    paths = language_output_paths(out, ["9:16", "1:1"], ["zh", "en"], variants=2)
    assert paths[(0, "9:16", "zh")] == Path("/x/ad-zh-v1-9x16.mp4")
    assert language_output_paths(out, ["9:16", "1:1"], ["zh", "en"])[(0, "1:1", "en")] \
        == Path("/x/ad-en-1x1.mp4")
    assert paths[(1, "1:1", "en")] == Path("/x/ad-en-v2-1x1.mp4")
    assert len(set(paths.values())) == 8
    # one language: the names output_paths gives, so a plain export is named as before
    assert {k[:2]: v for k, v in language_output_paths(out, ["1:1", "16:9"], ["en"]).items()} \
        == output_paths(out, ["1:1", "16:9"])
