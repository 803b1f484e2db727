"""Edits: apply/revert restore the project exactly; refused edits change nothing; invariants hold
after any sequence (hypothesis)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from promodesk.core.edits import (
    AddClip,
    AddTake,
    DeleteClip,
    EditCaption,
    EditError,
    MoveClip,
    SelectTake,
    SplitClip,
    TrimEnd,
    TrimStart,
    min_clip_duration,
)
from promodesk.core.track_edits import AddMarker, EditMarker, RemoveMarker, SetTrackGain, SetTrackMute
from promodesk.core.document import Document, History
from promodesk.core.timeline import Asset, CaptionCue, Clip, Project, Recipe, Take, TrackKind

S = 1_000_000


def still(engine="shots", seed=0):
    return Take(asset=None, recipe=Recipe(engine, {"kind": "hero"}, seed))


def make_project() -> Project:
    p = Project.for_aspect("9:16", "Test")
    v1 = p.add_track(TrackKind.VIDEO, "V1")
    v2 = p.add_track(TrackKind.VIDEO, "V2")
    music = p.add_track(TrackKind.MUSIC, "Music")
    caps = p.add_track(TrackKind.CAPTIONS, "Captions")
    for i in range(4):
        v1.clips.append(Clip(start=i * 3 * S, duration=3 * S, takes=[still(seed=i)], name=f"shot{i}"))
    v2.clips.append(Clip(start=1 * S, duration=2 * S, takes=[still(seed=9)], name="overlay"))
    music.clips.append(Clip(start=0, duration=12 * S, in_point=2 * S,
                            takes=[Take("ab" * 8 + ".wav", Recipe("composer", {}, 1), 20 * S)]))
    for i in range(3):
        caps.clips.append(Clip(start=i * 4 * S, duration=3 * S, takes=[still("captions")],
                               cue=CaptionCue(f"line {i}")))
    return p


def check_invariants(p: Project) -> None:
    for t in p.tracks:
        starts = [c.start for c in t.clips]
        assert starts == sorted(starts)
        for a, b in zip(t.clips, t.clips[1:]):
            assert a.end <= b.start, f"overlap on {t.name}"
        for c in t.clips:
            assert c.duration >= min_clip_duration(p) > 0
            assert c.start >= 0
            src = c.take.source_duration
            if src is not None:
                assert 0 <= c.in_point and c.in_point + c.duration <= src


def test_every_edit_apply_then_revert_restores_exactly():
    p = make_project()
    v1, v2, music, caps = p.tracks
    edits = [
        MoveClip(v2.clips[0].id, 20 * S),
        MoveClip(v2.clips[0].id, 12 * S, track_id=v1.id),
        TrimStart(music.clips[0].id, 1 * S),
        TrimEnd(v1.clips[3].id, 14 * S),
        SplitClip(v1.clips[1].id, 4 * S),
        DeleteClip(v1.clips[1].id),
        DeleteClip(v1.clips[1].id, ripple=True),
        AddTake(v1.clips[0].id, still(seed=42)),
        EditCaption(caps.clips[1].id, "新的字幕", style="boxed"),
        SetTrackGain(music.id, -6.0),
        SetTrackMute(music.id, True),
        AddClip(v1.id, Clip(start=13 * S, duration=1 * S, takes=[still(seed=5)])),
    ]
    for edit in edits:
        before = copy.deepcopy(p)
        edit.apply(p)
        assert p != before, f"{edit.label} changed nothing"
        check_invariants(p)
        edit.revert(p)
        assert p == before, f"{edit.label} did not revert exactly"


def test_a_new_take_registers_its_asset_and_undo_removes_it():
    p = make_project()
    clip = p.tracks[0].clips[0]
    asset = Asset("ef" * 8 + ".png", "image", None, {"seed": 3}, "built-in")
    before = copy.deepcopy(p)
    edit = AddTake(clip.id, Take(asset.id, Recipe("shots", {}, 3)), asset=asset)
    edit.apply(p)
    assert p.assets[asset.id] == asset and clip.asset == asset.id
    edit.revert(p)
    assert asset.id not in p.assets and p == before
    edit.apply(p)  # redo registers it again
    assert p.assets[asset.id] == asset


def test_an_asset_the_project_already_has_stays_after_undo():
    p = make_project()
    music = p.tracks[2]
    known = Asset("ab" * 8 + ".wav", "audio", 20 * S, {}, "built-in")
    p.assets[known.id] = known
    before = copy.deepcopy(p)
    clip = Clip(start=13 * S, duration=1 * S, takes=[Take(known.id, Recipe("composer"), 20 * S)])
    edit = AddClip(music.id, clip, asset=Asset(known.id, "audio", 20 * S, {"other": 1}))
    edit.apply(p)
    assert p.assets[known.id] == known  # the registered metadata is not replaced
    edit.revert(p)
    assert p == before


def test_a_refused_new_take_registers_nothing():
    p = make_project()
    music = p.tracks[2]
    asset = Asset("cd" * 8 + ".wav", "audio", 5 * S)
    before = copy.deepcopy(p)
    with pytest.raises(EditError):
        AddTake(music.clips[0].id, Take(asset.id, Recipe("composer"), 5 * S), asset=asset).apply(p)
    assert p == before


def test_select_take_and_revert():
    p = make_project()
    clip = p.tracks[0].clips[0]
    AddTake(clip.id, still(seed=7)).apply(p)
    assert clip.selected == 1 and clip.recipe.seed == 7
    before = copy.deepcopy(p)
    edit = SelectTake(clip.id, 0)
    edit.apply(p)
    assert clip.recipe.seed == 0
    edit.revert(p)
    assert p == before


def test_ripple_delete_closes_the_gap_on_its_track_only():
    p = make_project()
    v1, v2 = p.tracks[0], p.tracks[1]
    DeleteClip(v1.clips[1].id, ripple=True).apply(p)
    assert [c.start for c in v1.clips] == [0, 3 * S, 6 * S]
    assert v2.clips[0].start == 1 * S


def test_delete_leaves_a_gap():
    p = make_project()
    v1 = p.tracks[0]
    DeleteClip(v1.clips[1].id).apply(p)
    assert [c.start for c in v1.clips] == [0, 6 * S, 9 * S]


def test_split_continues_the_source():
    p = make_project()
    music = p.tracks[2]
    right_id = "r" * 12
    SplitClip(music.clips[0].id, 5 * S, new_clip_id=right_id).apply(p)
    left, right = music.clips
    assert (left.start, left.duration, left.in_point) == (0, 5 * S, 2 * S)
    assert (right.id, right.start, right.duration, right.in_point) == (right_id, 5 * S, 7 * S, 7 * S)


def test_refused_edits_change_nothing():
    p = make_project()
    v1, v2, music, caps = p.tracks
    refused = [
        MoveClip(v1.clips[0].id, 4 * S),                       # onto the next clip
        MoveClip(v1.clips[0].id, -1),                          # before 0:00
        MoveClip(v1.clips[0].id, 30 * S, track_id=music.id),   # video onto music
        TrimEnd(music.clips[0].id, 19 * S),                    # past the end of its source
        TrimStart(music.clips[0].id, -3 * S),                  # before 0:00
        TrimEnd(v1.clips[0].id, 10),                           # shorter than a frame
        SplitClip(v1.clips[0].id, 0),                          # at the edge
        EditCaption(v1.clips[0].id, "not a caption"),
        EditCaption(caps.clips[0].id, "   "),
        SelectTake(v1.clips[0].id, 3),
        AddTake(music.clips[0].id, Take("cd" * 8 + ".wav", Recipe("composer"), 5 * S)),
        SetTrackGain(music.id, 40),
    ]
    for edit in refused:
        before = copy.deepcopy(p)
        with pytest.raises(EditError):
            edit.apply(p)
        assert p == before, f"refused {edit.label} changed the project"


def test_move_across_tracks_of_the_same_kind():
    p = make_project()
    v1, v2 = p.tracks[0], p.tracks[1]
    clip_id = v1.clips[0].id
    h = History(Document(p))
    h.push(MoveClip(clip_id, 5 * S, track_id=v2.id))
    assert p.find_clip(clip_id)[0] is v2 and p.find_clip(clip_id)[1].start == 5 * S
    h.undo()
    assert p.find_clip(clip_id)[0] is v1 and p.find_clip(clip_id)[1].start == 0


def test_a_drag_of_many_moves_is_one_undo_step():
    p = make_project()
    original = copy.deepcopy(p)
    clip_id = p.tracks[1].clips[0].id
    h = History(Document(p))
    for x in range(1, 200):
        h.push(MoveClip(clip_id, 1 * S + x * 1000, gesture="drag-1"))
    assert len(h.done) == 1
    assert p.find_clip(clip_id)[1].start == 1 * S + 199 * 1000
    h.undo()
    assert p == original
    h.redo()
    assert p.find_clip(clip_id)[1].start == 1 * S + 199 * 1000


def test_a_drag_onto_another_track_redoes_onto_that_track():
    p = make_project()
    v1, v2 = p.tracks[0], p.tracks[1]
    clip_id = v1.clips[0].id
    h = History(Document(p))
    h.push(MoveClip(clip_id, 5 * S, track_id=v2.id, gesture="d"))
    h.push(MoveClip(clip_id, 6 * S, gesture="d"))  # the mouse keeps moving along V2
    assert len(h.done) == 1
    h.undo()
    h.redo()
    assert p.find_clip(clip_id)[0] is v2 and p.find_clip(clip_id)[1].start == 6 * S


def test_two_drags_are_two_steps_and_trims_merge_per_drag():
    p = make_project()
    clip_id = p.tracks[1].clips[0].id
    h = History(Document(p))
    h.push(MoveClip(clip_id, 20 * S, gesture=1))
    h.push(MoveClip(clip_id, 21 * S, gesture=2))
    assert len(h.done) == 2
    music_clip = p.tracks[2].clips[0]
    for t in (11 * S, 10 * S, 9 * S):
        h.push(TrimEnd(music_clip.id, t, gesture="trim"))
    for t in (1 * S, 2 * S):
        h.push(TrimStart(music_clip.id, t, gesture="trim-start"))
    assert len(h.done) == 4
    assert (music_clip.start, music_clip.duration, music_clip.in_point) == (2 * S, 7 * S, 4 * S)
    h.undo()
    assert (music_clip.start, music_clip.duration, music_clip.in_point) == (0, 9 * S, 2 * S)
    h.redo()
    assert (music_clip.start, music_clip.duration, music_clip.in_point) == (2 * S, 7 * S, 4 * S)


def test_untagged_moves_never_merge():
    p = make_project()
    clip_id = p.tracks[1].clips[0].id
    h = History(Document(p))
    h.push(MoveClip(clip_id, 20 * S))
    h.push(MoveClip(clip_id, 21 * S))
    assert len(h.done) == 2
    h.undo()
    assert p.find_clip(clip_id)[1].start == 20 * S


def test_moves_merge_only_for_the_same_clip_and_gesture():
    p = make_project()
    v1 = p.tracks[0]
    a, b = v1.clips[3].id, p.tracks[1].clips[0].id
    h = History(Document(p))
    h.push(MoveClip(a, 13 * S, gesture="drag"))
    h.push(MoveClip(b, 20 * S, gesture="drag"))  # same gesture token, another clip
    h.push(MoveClip(b, 21 * S, gesture="drag"))
    assert len(h.done) == 2
    h.undo()
    assert p.find_clip(b)[1].start == 1 * S and p.find_clip(a)[1].start == 13 * S


def test_gain_changes_merge_only_within_one_gesture():
    p = make_project()
    music, v1 = p.tracks[2], p.tracks[0]
    h = History(Document(p))
    for db in (-1.0, -2.0, -3.0):
        h.push(SetTrackGain(music.id, db, gesture="slider-1"))
    assert len(h.done) == 1
    h.push(SetTrackGain(music.id, -4.0, gesture="slider-2"))  # a second drag of the same slider
    h.push(SetTrackGain(music.id, -5.0))  # untagged: its own step
    h.push(SetTrackGain(music.id, -6.0))
    h.push(SetTrackGain(v1.id, -7.0, gesture="slider-2"))  # another track, same token
    assert len(h.done) == 5
    h.undo()
    h.undo()
    assert music.gain_db == -5.0
    h.undo()
    assert music.gain_db == -4.0
    h.undo()
    assert music.gain_db == -3.0
    h.undo()
    assert music.gain_db == 0.0


# --- random sequences ----------------------------------------------------------------------------

edit_steps = st.lists(
    st.tuples(
        st.sampled_from(["move", "move_track", "trim_start", "trim_end", "split", "delete",
                         "ripple", "take", "select", "caption", "gain", "mute", "reorder",
                         "group", "overwrite", "deletes", "paste", "duration", "unlink",
                         "marker"]),
        st.integers(0, 50),            # which clip / track
        st.integers(-2 * S, 25 * S),   # a time
        st.integers(0, 3),             # a small number (take index, gesture)
    ),
    max_size=30,
)


def _build_edit(p: Project, kind: str, which: int, time: int, small: int, gestures=None):
    from promodesk.core import arrange

    clips = [(t, c) for t in p.tracks for c in t.clips]
    if not clips:
        return None
    track, clip = clips[which % len(clips)]
    same_kind = [t for t in p.tracks if t.kind == track.kind]
    main = p.tracks[0].clips
    shot = main[which % len(main)] if main else clip
    g = (gestures or {}).setdefault(small, arrange.Gesture())
    return {
        "reorder": lambda: arrange.ReorderClip(shot.id, time % 5, g),
        "group": lambda: arrange.MoveClips({c.id: max(c.start + time // 8, 0)
                                            for _, c in clips[which % len(clips)::7]}, g),
        "overwrite": lambda: arrange.OverwriteClip(shot.id, time, g),
        "deletes": lambda: arrange.DeleteClips([c.id for _, c in clips[which % len(clips)::9]],
                                               ripple=bool(small % 2)),
        "paste": lambda: arrange.PasteClips([(track.id, clip)], time),
        "duration": lambda: arrange.SetDuration(clip.id, time // 4),
        "unlink": lambda: arrange.SetLinked([clip.id], bool(small % 2)),
        "marker": lambda: AddMarker(time) if small < 2 else RemoveMarker(time),
        "move": lambda: MoveClip(clip.id, time, gesture=small),
        "move_track": lambda: MoveClip(clip.id, time, track_id=same_kind[small % len(same_kind)].id,
                                      gesture=small),
        "trim_start": lambda: TrimStart(clip.id, time, gesture=small),
        "trim_end": lambda: TrimEnd(clip.id, time, gesture=small),
        "split": lambda: SplitClip(clip.id, time),
        "delete": lambda: DeleteClip(clip.id),
        "ripple": lambda: DeleteClip(clip.id, ripple=True),
        "take": lambda: AddTake(clip.id, Take(None, Recipe("shots", {}, time))),
        "select": lambda: SelectTake(clip.id, small),
        "caption": lambda: EditCaption(clip.id, f"caption {time}"),
        "gain": lambda: SetTrackGain(track.id, (time % 70) - 60),
        "mute": lambda: SetTrackMute(track.id, bool(small % 2)),
    }[kind]()


@settings(max_examples=150, deadline=None)
@given(edit_steps)
def test_random_edit_sequences_undo_to_the_original(steps):
    p = make_project()
    original = copy.deepcopy(p)
    h = History(Document(p))
    gestures: dict = {}
    for step in steps:
        edit = _build_edit(p, *step, gestures=gestures)
        if edit is None:
            continue
        before = copy.deepcopy(p)
        try:
            h.push(edit)
        except EditError:
            assert p == before, "a refused edit changed the project"
        check_invariants(p)
    final = copy.deepcopy(p)
    while h.undo():
        check_invariants(p)
    assert p == original
    while h.redo():
        check_invariants(p)
    assert p == final


# --- arranging (core.arrange): magnetic main track, links, ripple, paste, duration, markers ---------

from promodesk.core.arrange import (  # noqa: E402
    DeleteClips, Gesture, MoveClips, OverwriteClip, PasteClips, ReorderClip, SetDuration,
    SetLinked, followers, owner,
)


def _starts(track):
    return [(c.name or (c.cue and c.cue.text), c.start) for c in track.clips]


def test_captions_belong_to_the_shot_they_overlap_most_until_unlinked():
    p = make_project()
    v1, caps = p.tracks[0], p.tracks[3]
    assert [owner(p, c).name for c in caps.clips] == ["shot0", "shot1", "shot3"]
    assert owner(p, v1.clips[0]) is None  # a shot follows nothing
    h = History(Document(p))
    h.push(SetLinked([caps.clips[1].id], False))
    assert owner(p, caps.clips[1]) is None and followers(p, [v1.clips[1].id]) == {v1.clips[1].id: []}
    h.undo()
    assert caps.clips[1].linked
    with pytest.raises(EditError, match="captions and voice"):
        h.push(SetLinked([v1.clips[0].id], False))


def test_reorder_inserts_closes_up_carries_captions_and_undoes_exactly():
    p = make_project()
    before = copy.deepcopy(p)
    v1, caps = p.tracks[0], p.tracks[3]
    h = History(Document(p))
    h.push(ReorderClip(v1.clips[0].id, 2))  # shot0 after shot2
    assert [(c.name, c.start) for c in v1.clips] == [("shot1", 0), ("shot2", 3 * S), ("shot0", 6 * S),
                                                     ("shot3", 9 * S)]
    # line 0 went with shot0 (+6 s), line 1 with shot1 (-3 s), line 2 stayed with shot3 and
    # lost the second that hung out of shot3 (now under line 0)
    assert [(c.cue.text, c.start, c.end) for c in caps.clips] == [
        ("line 1", 1 * S, 4 * S), ("line 0", 6 * S, 9 * S), ("line 2", 9 * S, 11 * S)]
    check_invariants(p)
    h.undo()
    assert p == before
    h.redo()
    assert [c.name for c in v1.clips] == ["shot1", "shot2", "shot0", "shot3"]


def test_a_drag_of_many_arrangements_is_one_step_computed_from_where_it_began():
    p = make_project()
    before = copy.deepcopy(p)
    v1 = p.tracks[0]
    shot0 = v1.clips[0].id
    h = History(Document(p))
    g = Gesture()
    for index in (1, 2, 3, 2):  # the mouse passes over several shots
        h.push(ReorderClip(shot0, index, g))
    assert len(h.done) == 1
    assert [c.name for c in v1.clips] == ["shot1", "shot2", "shot0", "shot3"]
    h.undo()
    assert p == before
    h.redo()
    assert [c.name for c in v1.clips] == ["shot1", "shot2", "shot0", "shot3"]
    h.push(ReorderClip(shot0, 0, Gesture()))  # another drag: another step
    assert len(h.done) == 2


def test_group_move_carries_linked_captions_and_refuses_overlaps_unchanged():
    p = make_project()
    v1, caps = p.tracks[0], p.tracks[3]
    h = History(Document(p))
    last = v1.clips[3]
    h.push(MoveClips({last.id: 13 * S}))
    assert last.start == 13 * S and caps.clips[2].start == 12 * S  # line 2 came along
    snapshot = copy.deepcopy(p)
    with pytest.raises(EditError, match="in the way"):
        h.push(MoveClips({v1.clips[0].id: 1 * S}))
    assert p == snapshot


def test_ripple_delete_of_a_shot_deletes_its_captions_and_closes_up():
    p = make_project()
    before = copy.deepcopy(p)
    v1, caps = p.tracks[0], p.tracks[3]
    h = History(Document(p))
    h.push(DeleteClips([v1.clips[1].id], ripple=True))
    assert [(c.name, c.start) for c in v1.clips] == [("shot0", 0), ("shot2", 3 * S), ("shot3", 6 * S)]
    assert [(c.cue.text, c.start) for c in caps.clips] == [("line 0", 0), ("line 2", 5 * S)]
    h.undo()
    assert p == before
    h.push(DeleteClips([v1.clips[1].id], ripple=False))
    assert [c.start for c in v1.clips] == [0, 6 * S, 9 * S] and len(caps.clips) == 2


def test_overwrite_cuts_what_it_lands_on():
    p = make_project()
    v1 = p.tracks[0]
    h = History(Document(p))
    h.push(OverwriteClip(v1.clips[3].id, 4 * S))  # shot3 over the end of shot1, start of shot2
    assert [(c.name, c.start, c.end) for c in v1.clips] == [
        ("shot0", 0, 3 * S), ("shot1", 3 * S, 4 * S), ("shot3", 4 * S, 7 * S), ("shot2", 7 * S, 9 * S)]
    assert v1.clips[3].in_point == 1 * S  # shot2 lost its first second
    check_invariants(p)


def test_paste_on_the_main_track_inserts_and_later_shots_make_room():
    p = make_project()
    v1, caps = p.tracks[0], p.tracks[3]
    h = History(Document(p))
    edit = PasteClips([(v1.id, v1.clips[0])], 3 * S)
    h.push(edit)
    assert [(c.name, c.start) for c in v1.clips][:3] == [("shot0", 0), ("shot0", 3 * S), ("shot1", 6 * S)]
    assert v1.clips[1].id == edit.new_ids[0] != v1.clips[0].id
    assert caps.clips[1].start == 7 * S  # line 1 followed shot1
    h.undo()
    assert len(v1.clips) == 4 and v1.clips[1].start == 3 * S


def test_a_typed_duration_on_the_main_track_moves_the_later_shots():
    p = make_project()
    v1, caps = p.tracks[0], p.tracks[3]
    h = History(Document(p))
    h.push(SetDuration(v1.clips[0].id, 4 * S))
    assert [c.start for c in v1.clips] == [0, 4 * S, 7 * S, 10 * S]
    assert caps.clips[1].start == 5 * S
    with pytest.raises(EditError, match="at least one frame"):
        h.push(SetDuration(v1.clips[0].id, 0))


def test_split_of_a_shot_continues_its_motion_without_a_transition():
    p = make_project()
    shot = p.tracks[0].clips[1]
    shot.takes[0].recipe.params["transition_in"] = {"kind": "slide", "duration_us": 400_000}
    before = copy.deepcopy(p)
    h = History(Document(p))
    h.push(SplitClip(shot.id, 4 * S, "right"))
    _, right = p.find_clip("right")
    assert shot.recipe.params["motion_us"] == right.recipe.params["motion_us"] == 3 * S
    assert (shot.recipe.params["in_us"], right.recipe.params["in_us"]) == (0, 1 * S)
    assert right.recipe.params["transition_in"]["kind"] == "cut"
    assert shot.recipe.params["transition_in"]["kind"] == "slide"  # the cut into the left stays
    h.push(SplitClip("right", 5 * S, "third"))  # a split of a split keeps counting
    assert p.find_clip("third")[1].recipe.params["in_us"] == 2 * S
    h.push(TrimStart("third", 5 * S + 250_000))  # trimming its start moves through the motion
    assert p.find_clip("third")[1].recipe.params["in_us"] == 2 * S + 250_000
    h.undo()
    assert p.find_clip("third")[1].recipe.params["in_us"] == 2 * S
    h.undo()
    h.undo()
    assert p == before


def test_markers_are_added_renamed_recoloured_and_removed_through_undo():
    p = make_project()
    h = History(Document(p))
    h.push(AddMarker(2 * S, "drop", "#e5484d"))
    h.push(AddMarker(1 * S, "intro"))
    assert [(m.time, m.name) for m in p.markers] == [(1 * S, "intro"), (2 * S, "drop")]
    with pytest.raises(EditError, match="already"):
        h.push(AddMarker(2 * S))
    h.push(EditMarker(2 * S, name="chorus", colour="#3e8ef7", new_time=3 * S))
    assert (p.markers[1].time, p.markers[1].name, p.markers[1].colour) == (3 * S, "chorus", "#3e8ef7")
    h.undo()
    assert (p.markers[1].time, p.markers[1].name, p.markers[1].colour) == (2 * S, "drop", "#e5484d")
    h.push(RemoveMarker(1 * S))
    assert [m.name for m in p.markers] == ["drop"]
    h.undo()
    h.undo()
    h.undo()
    assert p.markers == []
