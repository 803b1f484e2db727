"""A video clip's linked sound is trimmed and split with it, sample-exact; moved and deleted
with it (arrange); left alone once unlinked; undo puts both back."""

from __future__ import annotations

import copy

import pytest

from promodesk.core.arrange import DeleteClips, MoveClips, SetLinked
from promodesk.core.document import Document, History
from promodesk.core.edits import EditError, SplitClip, TrimEnd, TrimStart
from promodesk.core.gestures import ClipDrag
from promodesk.core.sound_links import sounds_of
from promodesk.core.timeline import (SAMPLE_RATE, Asset, Clip, Project, Recipe, Take, TrackKind,
                                     sample_at)

S = 1_000_000
VIDEO, SOUND = "a" * 16 + ".mp4", "b" * 16 + ".wav"


def footage_project(sound_of: bool = True) -> tuple[Project, Clip, Clip]:
    """A 10 s clip used from 2 s for 4 s at 1 s on the main track, its sound on an audio track."""
    p = Project.for_aspect("16:9", fps=25)
    p.assets[VIDEO] = Asset(VIDEO, "video", 10 * S, {"sound": SOUND})
    p.assets[SOUND] = Asset(SOUND, "audio", 10 * S - 20_000)  # a little shorter, as AAC is
    main = p.add_track(TrackKind.VIDEO, "Main")
    video = Clip(S, 4 * S, [Take(VIDEO, Recipe("footage"), 10 * S)], in_point=2 * S, name="v")
    main.clips.append(video)
    params = {"sound_of": video.id} if sound_of else {}
    sound = Clip(S, 4 * S, [Take(SOUND, Recipe("footage", params), 10 * S - 20_000)],
                 in_point=2 * S, name="v")
    p.add_track(TrackKind.AUDIO, "Clip sound").clips.append(sound)
    return p, video, sound


def in_step(video: Clip, sound: Clip) -> None:
    assert (sound.start, sound.in_point, sound.duration) == \
        (video.start, video.in_point, video.duration)
    # sample-exact: the same samples at 48 kHz
    assert sample_at(sound.start - sound.in_point) == sample_at(video.start - video.in_point)
    assert sample_at(sound.duration, SAMPLE_RATE) == sample_at(video.duration, SAMPLE_RATE)


@pytest.mark.parametrize("named", [True, False])
def test_trims_carry_the_sound_in_step_and_undo_together(named):
    p, video, sound = footage_project(sound_of=named)
    before = copy.deepcopy(p)
    history = History(Document(p))
    history.push(TrimStart(video.id, S + 333_333))       # not on a frame, not on a sample
    in_step(video, sound)
    assert video.in_point == 2 * S + 333_333
    history.push(TrimEnd(video.id, 4 * S + 17))
    in_step(video, sound)
    history.push(TrimStart(video.id, 500_000))           # longer again, into the source
    in_step(video, sound)
    history.undo(), history.undo(), history.undo()
    assert p == before


def test_a_trim_drag_is_one_step_and_the_sound_follows_every_step():
    p, video, sound = footage_project()
    before = copy.deepcopy(p)
    history = History(Document(p))
    drag = ClipDrag.begin(p, video.id, "end", 5 * S)
    for now in range(5 * S, 3 * S, -97_531):
        edit, _ = drag.step(p, now, -1)
        history.push(edit)
        in_step(video, sound)
    assert len(history.done) == 1
    history.undo()
    assert p == before
    history.redo()
    in_step(video, sound)


def test_the_sound_is_held_to_its_own_source_at_the_end():
    p, video, sound = footage_project()
    History(Document(p)).push(TrimEnd(video.id, S + 8 * S))   # the picture's source end
    assert video.duration == 8 * S
    assert sound.duration == 8 * S - 20_000 and sound.start == video.start
    assert sound.in_point == video.in_point


def test_a_sound_in_the_way_refuses_the_trim_and_changes_nothing():
    p, video, sound = footage_project()
    audio = p.tracks_of(TrackKind.AUDIO)[0]
    audio.clips.append(Clip(0, S // 2, [Take(SOUND, Recipe("footage"), 10 * S)], name="other"))
    before = copy.deepcopy(p)
    with pytest.raises(EditError):
        History(Document(p)).push(TrimStart(video.id, S // 4))
    assert p == before


def test_split_cuts_both_at_the_same_time_and_the_halves_stay_linked():
    p, video, sound = footage_project()
    before = copy.deepcopy(p)
    history = History(Document(p))
    split = SplitClip(video.id, 2 * S + 123_457)
    history.push(split)
    main, audio = p.tracks_of(TrackKind.VIDEO)[0], p.tracks_of(TrackKind.AUDIO)[0]
    assert len(main.clips) == len(audio.clips) == 2
    for v, s in zip(main.clips, audio.clips):
        in_step(v, s)
    right = main.clips[1]
    assert sounds_of(p, right) == [(audio, audio.clips[1])]
    assert sounds_of(p, video) == [(audio, audio.clips[0])]
    # the right half's sound goes with the right half: trimmed and moved with it
    history.push(TrimEnd(right.id, right.end - S))
    in_step(right, audio.clips[1])
    history.push(MoveClips({right.id: right.start + S}))
    in_step(right, audio.clips[1])
    history.push(DeleteClips([right.id]))
    assert len(audio.clips) == 1
    for _ in range(4):
        history.undo()
    assert p == before
    history.redo()
    assert [c.id for c in audio.clips][1] == split.new_sound_ids[sound.id]


def test_an_unlinked_sound_stays_where_it_is():
    p, video, sound = footage_project()
    history = History(Document(p))
    history.push(SetLinked([sound.id], False))
    history.push(TrimStart(video.id, 2 * S))
    history.push(SplitClip(video.id, 3 * S))
    assert (sound.start, sound.in_point, sound.duration) == (S, 2 * S, 4 * S)
    assert len(p.tracks_of(TrackKind.AUDIO)[0].clips) == 1


# --- the sound settings in project.json -----------------------------------------------------

SCHEMA_1 = {  # a project.json as PromoDesk wrote it before clips had sound settings
    "schema": 1, "title": "Old", "fps": [30, 1], "size": [1080, 1920], "aspect": "9:16",
    "tracks": [{"id": "t1", "kind": "audio", "name": "Clip sound", "mute": False,
                "gain_db": -3.0,
                "clips": [{"id": "c1", "name": "", "start": 0, "duration": 2000000,
                           "in_point": 0, "selected": 0,
                           "takes": [{"asset": None, "recipe": {"engine": "footage",
                                                                "params": {}, "seed": 0},
                                      "source_duration": None, "label": ""}]}]}],
    "markers": [], "assets": {},
}


def test_a_schema_1_project_opens_with_default_sound_settings_and_saves_as_2(tmp_path):
    import json

    from promodesk.core import projectfile as pf

    folder = tmp_path / "old.promodesk"
    folder.mkdir()
    (folder / "project.json").write_text(json.dumps(SCHEMA_1))
    project = pf.load_project(folder)
    clip = project.tracks[0].clips[0]
    assert (clip.gain_db, clip.fade_in, clip.fade_out, clip.duck_music) == (0.0, 0, 0, False)
    assert project.tracks[0].gain_db == -3.0
    assert json.loads((folder / "project.json").read_text())["schema"] == 1  # not rewritten
    clip.gain_db, clip.fade_in, clip.fade_out, clip.duck_music = -6.5, 250_000, 500_000, True
    pf.save_project(project, folder)
    saved = json.loads((folder / "project.json").read_text())
    assert saved["schema"] == pf.SCHEMA == 2
    again = pf.load_project(folder).tracks[0].clips[0]
    assert (again.gain_db, again.fade_in, again.fade_out, again.duck_music) == \
        (-6.5, 250_000, 500_000, True)


@pytest.mark.parametrize("key, value, where", [
    ("fade_in", 2_000_001, "fade_in"), ("fade_out", -1, "fade_out"), ("gain_db", 99.0, "gain_db"),
    ("fade_in", 0.5, "fade_in"),
])
def test_bad_sound_settings_are_refused_with_their_place(key, value, where):
    from promodesk.core.projectjson import project_from_dict

    d = copy.deepcopy(SCHEMA_1)
    d["tracks"][0]["clips"][0][key] = value
    with pytest.raises(ValueError, match=rf"tracks\[0\]\.clips\[0\]\.{where}"):
        project_from_dict(d)


def test_a_typed_duration_carries_the_sound_too():
    from promodesk.core.arrange import SetDuration

    p, video, sound = footage_project()
    history = History(Document(p))
    history.push(SetDuration(video.id, 2 * S + 1))
    in_step(video, sound)
    history.undo()
    assert sound.duration == 4 * S


def test_ripple_delete_brings_the_later_clips_sound_along_in_step():
    from promodesk.core.arrange import DeleteClips

    p, video, sound = footage_project()
    history = History(Document(p))
    history.push(SplitClip(video.id, 3 * S))   # two pictures, two sounds, end to end
    main, audio = p.tracks_of(TrackKind.VIDEO)[0], p.tracks_of(TrackKind.AUDIO)[0]
    right = main.clips[1]
    history.push(DeleteClips([video.id], ripple=True))
    assert main.clips == [right] and len(audio.clips) == 1 and right.start == S
    in_step(right, audio.clips[0])
    assert audio.clips[0].in_point == 4 * S   # the same source moment under the same frame


def test_splitting_a_linked_sound_splits_its_picture_with_it():
    p, video, sound = footage_project()
    before = copy.deepcopy(p)
    history = History(Document(p))
    history.push(SplitClip(sound.id, 2 * S))
    main, audio = p.tracks_of(TrackKind.VIDEO)[0], p.tracks_of(TrackKind.AUDIO)[0]
    assert len(main.clips) == len(audio.clips) == 2
    for v, s in zip(main.clips, audio.clips):
        in_step(v, s)
    history.push(TrimEnd(main.clips[1].id, 4 * S))   # each half keeps its own sound
    in_step(main.clips[1], audio.clips[1])
    history.undo()
    history.undo()
    assert p == before


# --- an overwrite drag (Alt) on the main track ---------------------------------------------------

PHOTO = "c" * 16 + ".png"


def overwrite_project() -> tuple[Project, Clip, Clip, Clip]:
    """The footage clip (1..5 s, with its sound) and a 1.2 s photo shot at 7 s after it."""
    p, video, sound = footage_project()
    p.assets[PHOTO] = Asset(PHOTO, "image")
    shot = Clip(7 * S, 1_200_000, [Take(PHOTO, Recipe("shots", {"kind": "detail"}))], name="s")
    p.tracks_of(TrackKind.VIDEO)[0].clips.append(shot)
    return p, video, sound, shot


def drag_over(p: Project, history: History, shot: Clip, to: int, step: int = -131_071) -> None:
    """Drag ``shot`` with Alt held from where it is to start at ``to`` (us), many mouse moves."""
    drag = ClipDrag.begin(p, shot.id, "body", shot.start)
    now = shot.start
    while now != to:
        now = max(now + step, to) if step < 0 else min(now + step, to)
        edit, _ = drag.step(p, now, -1, overwrite=True)
        history.push(edit)


@pytest.mark.parametrize("to, left", [(4 * S + 1_234, True), (S - 700_001, False)])
def test_an_overwrite_drag_trims_the_covered_clips_sound_in_step(to, left):
    """The shot covers the footage's end (or its start): the footage's sound ends (or starts)
    exactly where the picture now does, sample-exact; one undo step puts both back."""
    p, video, sound, shot = overwrite_project()
    before = copy.deepcopy(p)
    history = History(Document(p))
    drag_over(p, history, shot, to)
    assert len(history.done) == 1 and shot.start == to
    if left:
        assert video.end == to and video.start == S
    else:
        assert video.start == shot.end and video.in_point == 2 * S + shot.end - S
    in_step(video, sound)
    audio = p.tracks_of(TrackKind.AUDIO)[0]
    assert audio.clips == [sound] and sounds_of(p, video) == [(audio, sound)]
    history.undo()
    assert p == before
    history.redo()
    in_step(video, sound)


def test_an_overwrite_inside_a_clip_splits_its_sound_with_it():
    p, video, sound, shot = overwrite_project()
    before = copy.deepcopy(p)
    history = History(Document(p))
    drag_over(p, history, shot, 2 * S + 333_333)
    main, audio = p.tracks_of(TrackKind.VIDEO)[0], p.tracks_of(TrackKind.AUDIO)[0]
    head, tail = [c for c in main.clips if c.asset == VIDEO]
    assert head is video and head.end == shot.start and tail.start == shot.end
    assert len(audio.clips) == 2
    for picture, part in zip((head, tail), audio.clips):
        in_step(picture, part)
        assert sounds_of(p, picture) == [(audio, part)]
    # nothing sounds under the photo, and the tail's sound picks up where its picture does
    assert audio.clips[0].end == shot.start and audio.clips[1].start == shot.end
    assert audio.clips[1].in_point - audio.clips[0].in_point == shot.end - video.start
    # the tail's sound is the tail's: trimmed with it
    history.push(TrimEnd(tail.id, tail.end - S))
    in_step(tail, audio.clips[1])
    history.undo(), history.undo()
    assert p == before


def test_an_overwrite_over_the_whole_clip_takes_its_sound_too():
    p, video, sound, shot = overwrite_project()
    shot.duration = 4 * S
    history = History(Document(p))
    drag_over(p, history, shot, S, step=-S)
    assert [c.id for c in p.tracks_of(TrackKind.VIDEO)[0].clips] == [shot.id]
    assert p.tracks_of(TrackKind.AUDIO)[0].clips == []
