"""The handles' edits on the model: fades held to the clip, gain bounds, one undo step a drag;
a transition's edge drag snaps to a beat or whole frames and is held to its neighbours."""

from __future__ import annotations

import copy

import pytest

from promodesk.core.beats import BeatGrid
from promodesk.core.document import Document, History
from promodesk.core.edits import EditError
from promodesk.core.gestures import FadeDrag, TransitionDrag
from promodesk.core.handle_edits import SetClipSound, SetTransitionLength
from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind, frame_start
from promodesk.core.transitions import transition_of

S = 1_000_000


def project() -> Project:
    p = Project.for_aspect("9:16")   # 30 fps
    video = p.add_track(TrackKind.VIDEO)
    video.clips.append(Clip(0, 2 * S, [Take(None, Recipe("shots"))], name="a"))
    video.clips.append(Clip(2 * S, 3 * S, [Take(None, Recipe("shots", {"transition_in": {
        "kind": "crossfade", "duration_us": 400_000}}))], name="b"))
    p.add_track(TrackKind.AUDIO).clips.append(
        Clip(0, 4 * S, [Take("ab" * 8 + ".wav", Recipe("footage"), 4 * S)], name="sound"))
    return p


def test_fades_are_held_to_what_the_clip_leaves_and_undo_in_one_step():
    p = project()
    sound = p.tracks[1].clips[0]
    history = History(Document(p))
    history.push(SetClipSound(sound.id, fade_out=S))
    drag = FadeDrag.begin(p, sound.id, "fade_in", 0)
    for now in range(0, 6 * S, 250_000):     # dragged past the fade-out's start
        history.push(drag.step(p, now, -1)[0])
    assert sound.fade_in == 3 * S and sound.fade_out == S
    assert len(history.done) == 2
    history.undo()
    assert sound.fade_in == 0 and sound.fade_out == S
    drag = FadeDrag.begin(p, sound.id, "fade_out", 3 * S)   # grabbed where the handle is
    history.push(drag.step(p, 3 * S + 10, -1)[0])
    assert sound.fade_out == S - 10


def test_sound_settings_refused_where_they_mean_nothing():
    p = project()
    before = copy.deepcopy(p)
    with pytest.raises(EditError):
        History(Document(p)).push(SetClipSound(p.tracks[0].clips[0].id, gain_db=-6))
    with pytest.raises(EditError):
        History(Document(p)).push(SetClipSound(p.tracks[1].clips[0].id, gain_db=20))
    with pytest.raises(ValueError):
        SetClipSound(p.tracks[1].clips[0].id, volume=1)
    assert p == before


def test_transition_edge_drag_snaps_to_a_beat_else_whole_frames_and_is_held():
    p = project()
    b = p.tracks[0].clips[1]
    grid = BeatGrid(beats=(2_700_000,), downbeats=(), length=5 * S)
    history = History(Document(p))
    drag = TransitionDrag.begin(p, b.id, "transition_end", 2_200_000, grid=grid)
    assert drag.edge == 2_200_000
    edit, snapped = drag.step(p, 2_690_000, reach=50_000)   # the edge lands on the beat
    history.push(edit)
    assert snapped.target.kind == "beat" and transition_of(b) == ("crossfade", 1_400_000)
    edit, snapped = drag.step(p, 2_610_000, reach=-1)       # free: whole frames
    history.push(edit)
    assert snapped.target is None and transition_of(b)[1] == frame_start(37, p.fps)  # 1.22 s
    edit, _ = drag.step(p, 9 * S, reach=-1)                  # held to the shorter clip (2 s)
    history.push(edit)
    assert transition_of(b) == ("crossfade", 2 * S)
    assert len(history.done) == 1
    history.undo()
    assert transition_of(b) == ("crossfade", 400_000)
    with pytest.raises(EditError):   # the first clip starts no cut
        history.push(SetTransitionLength(p.tracks[0].clips[0].id, S))
