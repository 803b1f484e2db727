"""CaptionStyle: presets, checked dicts (bad values name their field), the project file round
trip (old files without a style load with the preset's look) and SetCaptionStyle as one undo step."""

from __future__ import annotations

import pytest

from promodesk.core.captionstyle import CaptionStyle, SetCaptionStyle, caption_style
from promodesk.core.document import Document, History
from promodesk.core.edits import EditError, EditCaption
from promodesk.core.projectjson import project_from_dict, project_to_dict
from promodesk.core.timeline import CaptionCue, Clip, Project, Recipe, Take, TrackKind


def captions_project(styles=("outline", "boxed", "karaoke")) -> Project:
    p = Project.for_aspect("9:16")
    track = p.add_track(TrackKind.CAPTIONS)
    for i, style in enumerate(styles):
        track.clips.append(Clip(start=i * 1_000_000, duration=1_000_000,
                                takes=[Take(None, Recipe("captions"))], cue=CaptionCue(f"line {i}", style)))
    return p


def test_presets_are_the_old_looks_and_switching_keeps_the_users_choices():
    assert CaptionStyle() == CaptionStyle.for_preset("outline")
    boxed = CaptionStyle.for_preset("boxed")
    assert boxed.box == "#000000" and boxed.outline is None and not boxed.shadow
    mine = CaptionStyle(colour="#FF0000", size=0.05, position=(0.5, 0.3)).with_preset("boxed")
    assert (mine.box, mine.colour, mine.size, mine.position) == ("#000000", "#FF0000", 0.05, (0.5, 0.3))


@pytest.mark.parametrize("field, value", [
    ("colour", "red"), ("outline", "#12345"), ("size", 3.0), ("size", True), ("shadow", "yes"),
    ("box_opacity", 1.5), ("position", [0.5]), ("position", [2, 0.5]), ("preset", "neon"),
    ("font", "../../etc/passwd.ttf"), ("highlight", None)])
def test_a_bad_value_is_refused_naming_its_field(field, value):
    with pytest.raises(ValueError, match=f"^{field}:"):
        CaptionStyle.from_dict({field: value})


def test_dict_round_trip_ignores_unknown_keys_and_fills_missing_ones():
    style = CaptionStyle(preset="karaoke", font="DejaVu Sans", size=0.04, colour="#00FF00",
                         box="#FFFFFF", box_opacity=0.5, highlight="#FF00FF", position=(0.2, 0.8))
    assert CaptionStyle.from_dict({**style.to_dict(), "glow": 3}) == style
    assert CaptionStyle.from_dict({"preset": "boxed"}) == CaptionStyle.for_preset("boxed")


def test_project_file_keeps_a_style_and_old_files_load_with_the_preset_look():
    p = captions_project()
    old = project_to_dict(p)
    assert all("look" not in c["cue"] for c in old["tracks"][0]["clips"])  # nothing new to save
    loaded = project_from_dict(old)
    assert [caption_style(c.cue) for c in loaded.tracks[0].clips] == \
        [CaptionStyle.for_preset(s) for s in ("outline", "boxed", "karaoke")]
    SetCaptionStyle([p.tracks[0].clips[1].id], {"colour": "#ff8800", "size": 0.05}).apply(p)
    again = project_from_dict(project_to_dict(p))
    assert caption_style(again.tracks[0].clips[1].cue).colour == "#FF8800"
    bad = project_to_dict(p)
    bad["tracks"][0]["clips"][1]["cue"]["look"]["size"] = -1
    with pytest.raises(ValueError, match=r"tracks\[0\]\.clips\[1\]\.cue\.look\.size"):
        project_from_dict(bad)


def test_set_caption_style_on_all_clips_is_one_undo_step_and_keeps_each_preset():
    p = captions_project()
    doc = Document(p)
    history = History(doc)
    ids = [c.id for c in p.tracks[0].clips]
    history.push(SetCaptionStyle(ids, {"colour": "#FF0000", "highlight": "#00FFFF"}))
    looks = [caption_style(c.cue) for c in p.tracks[0].clips]
    assert [s.colour for s in looks] == ["#FF0000"] * 3
    assert [s.preset for s in looks] == ["outline", "boxed", "karaoke"]
    assert history.undo()
    assert all(c.cue.look is None for c in p.tracks[0].clips)
    assert [c.cue.style for c in p.tracks[0].clips] == ["outline", "boxed", "karaoke"]


def test_a_bad_change_or_a_non_caption_clip_changes_nothing():
    p = captions_project()
    ids = [c.id for c in p.tracks[0].clips]
    with pytest.raises(EditError, match="colour"):
        SetCaptionStyle(ids, {"colour": "blue"}).apply(p)
    video = p.add_track(TrackKind.VIDEO)
    video.clips.append(Clip(start=0, duration=1_000_000, takes=[Take(None, Recipe("shots"))]))
    with pytest.raises(EditError):
        SetCaptionStyle(ids + [video.clips[0].id], {"colour": "#000000"}).apply(p)
    assert all(c.cue.look is None for c in p.tracks[0].clips)


def test_the_inspectors_preset_box_still_switches_a_styled_caption():
    p = captions_project(("outline",))
    clip = p.tracks[0].clips[0]
    SetCaptionStyle([clip.id], {"colour": "#00FF00"}).apply(p)
    EditCaption(clip.id, clip.cue.text, "boxed").apply(p)
    style = caption_style(clip.cue)
    assert style.preset == "boxed" and style.box == "#000000" and style.colour == "#00FF00"


def test_a_drag_of_the_position_is_one_undo_step():
    p = captions_project(("outline",))
    history = History(Document(p))
    clip = p.tracks[0].clips[0]
    for i in range(20):
        history.push(SetCaptionStyle([clip.id], {"position": (0.5, 0.3 + i * 0.01)}, gesture="drag-1"))
    history.push(SetCaptionStyle([clip.id], {"position": (0.2, 0.2)}, gesture="drag-2"))
    assert caption_style(clip.cue).position == (0.2, 0.2)
    assert history.undo() and caption_style(clip.cue).position == (0.5, 0.49)
    assert history.undo() and clip.cue.look is None
