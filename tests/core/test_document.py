"""The document tells its listeners what each edit, undo and redo changed; a refused edit tells
nothing; listeners that are gone are not called; History undoes through the document."""

from __future__ import annotations

import gc

import pytest

from promodesk.core.document import Change, Document, Event, History
from promodesk.core.edits import AddTake, DeleteClip, EditError, MoveClip, SplitClip
from promodesk.core.track_edits import SetTrackMute
from promodesk.core.timeline import Asset, Recipe, Take
from tests.core.test_edits import S, make_project


def _listen(doc: Document) -> list[Change]:
    seen: list[Change] = []
    doc.events.changed.connect(seen.append)
    return seen


def test_an_edit_and_its_undo_tell_what_changed():
    doc = Document(make_project())
    v1, v2 = doc.project.tracks[:2]
    seen = _listen(doc)
    clip_id = v1.clips[0].id
    move = MoveClip(clip_id, 5 * S, track_id=v2.id, gesture="g")
    doc.apply(move)
    doc.revert(move)
    assert [(c.kind, c.edit, c.clips, c.tracks, c.undone) for c in seen] == [
        ("clips", move, {clip_id}, {v1.id, v2.id}, False),
        ("clips", move, {clip_id}, {v1.id, v2.id}, True),
    ]


def test_split_and_ripple_delete_name_their_clips_and_track():
    doc = Document(make_project())
    v1 = doc.project.tracks[0]
    seen = _listen(doc)
    split = SplitClip(v1.clips[0].id, 1 * S, new_clip_id="right")
    doc.apply(split)
    doc.apply(DeleteClip(v1.clips[2].id, ripple=True))
    assert seen[0].clips == {v1.clips[0].id, "right"} and seen[0].tracks == {v1.id}
    assert seen[1].tracks == {v1.id}


def test_a_track_edit_is_of_kind_tracks():
    doc = Document(make_project())
    music = doc.project.tracks[2]
    seen = _listen(doc)
    doc.apply(SetTrackMute(music.id, True))
    assert (seen[0].kind, seen[0].tracks, seen[0].clips) == ("tracks", {music.id}, set())


def test_a_take_with_its_asset_names_the_asset_on_apply_and_undo():
    doc = Document(make_project())
    clip = doc.project.tracks[0].clips[0]
    asset = Asset("12" * 8 + ".png", "image")
    seen = _listen(doc)
    history = History(doc)
    history.push(AddTake(clip.id, Take(asset.id, Recipe("shots")), asset=asset))
    assert asset.id in doc.project.assets
    history.undo()
    assert asset.id not in doc.project.assets and len(clip.takes) == 1
    assert [(c.assets, c.undone) for c in seen] == [({asset.id}, False), ({asset.id}, True)]
    history.redo()
    assert doc.project.assets[asset.id] == asset and len(seen) == 3


def test_a_refused_edit_tells_nothing():
    doc = Document(make_project())
    seen = _listen(doc)
    with pytest.raises(EditError):
        doc.apply(MoveClip(doc.project.tracks[0].clips[0].id, -1))
    assert seen == []


def test_replacing_the_project_and_the_folder(tmp_path):
    doc = Document()
    seen = _listen(doc)
    other = make_project()
    doc.replace(other, tmp_path / "a.promodesk")
    doc.set_folder(tmp_path / "b.promodesk")
    assert doc.project is other and doc.folder == tmp_path / "b.promodesk"
    assert [c.kind for c in seen] == ["project", "folder"]


def test_bound_methods_are_held_weakly_and_disconnect_works():
    class View:
        def __init__(self):
            self.seen = 0

        def on_change(self, _change):
            self.seen += 1

    event = Event()
    kept, dropped = View(), View()
    event.connect(kept.on_change)
    event.connect(dropped.on_change)
    calls = []
    event.connect(calls.append)  # a plain callable is held strongly
    del dropped
    gc.collect()
    event.emit("x")
    assert kept.seen == 1 and calls == ["x"] and len(event) == 2
    event.disconnect(kept.on_change)
    event.emit("y")
    assert kept.seen == 1 and calls == ["x", "y"] and len(event) == 1
