"""`promodesk regenerate` on a project made from the example brief: a shot, a caption and bars
2-3 of the music each gain a new take (the music sample-identical outside those bars), `--list`
shows them, bad requests exit 2 with a clear message, and a project naming an engine this
version lacks is refused by `promodesk render` with that message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from promodesk.core.brief import read_brief
from promodesk.core.projectfile import asset_path, load_project, save_project
from promodesk.core.timeline import TrackKind
from promodesk.render.frame import FrameRenderer

ROOT = Path(__file__).resolve().parents[2]
BRIEF = ROOT / "resources" / "examples" / "briefs" / "espresso-zh.toml"
SIZE = (180, 320)


def promodesk(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-m", "promodesk", *map(str, args)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert "Traceback" not in out.stderr, out.stderr
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    from promodesk.engines.assemble import make_project

    brief, problems = read_brief(BRIEF)
    assert not problems
    brief.seconds = 10
    folder = tmp_path_factory.mktemp("regen") / "espresso.promodesk"
    make_project(brief, folder, seed=1)
    return folder


def listed(folder: Path) -> dict[str, list[str]]:
    out = promodesk("regenerate", folder, "--list")
    assert out.returncode == 0, out.stderr
    rows = [line.split() for line in out.stdout.splitlines()[1:]]
    return {row[0]: row for row in rows}


def test_a_shot_a_caption_and_music_bars_gain_takes(made):
    before = load_project(made)
    shot = before.tracks_of(TrackKind.VIDEO)[0].clips[1]
    caption = before.tracks_of(TrackKind.CAPTIONS)[0].clips[0]
    music = before.tracks_of(TrackKind.MUSIC)[0].clips[0]
    assert music.recipe.params["bars"] >= 4  # so bars 2-3 have music before and after them
    rows = listed(made)
    assert rows[shot.id][1:2] == ["video"] and rows[shot.id][-1] == "shots"
    assert rows[music.id][1] == "music" and rows[music.id][-1] == "composer"
    assert rows[caption.id][1] == "captions" and rows[caption.id][-1] == "captions"
    old_frame = FrameRenderer(before, made, SIZE, captions=False).frame(shot.start + 300_000)

    out = promodesk("regenerate", made, "--clip", shot.id, "--set", "move=pan_left",
                    "--set", 'colors=["#102030", "#f0e0d0"]')
    assert out.returncode == 0, out.stderr
    out = promodesk("regenerate", made, "--clip", caption.id[:6], "--set", "style=boxed")
    assert out.returncode == 0, out.stderr
    out = promodesk("regenerate", made, "--clip", music.id, "--bars", "2-3", "--seed", "42")
    assert out.returncode == 0, out.stderr
    assert "bars 2-3" in out.stdout

    after = load_project(made)
    _, new_shot = after.find_clip(shot.id)
    assert len(new_shot.takes) == 2 and new_shot.selected == 1
    assert new_shot.recipe.params["move"] == "pan_left"
    assert new_shot.recipe.params["colors"] == ["#102030", "#f0e0d0"]
    assert new_shot.takes[0].recipe.params["move"] == shot.recipe.params["move"]
    assert new_shot.asset == shot.asset and new_shot.recipe.seed != shot.recipe.seed
    new_frame = FrameRenderer(after, made, SIZE, captions=False).frame(shot.start + 300_000)
    assert np.abs(new_frame.astype(int) - old_frame).mean() > 2  # the picture changed

    _, new_caption = after.find_clip(caption.id)
    assert len(new_caption.takes) == 2 and new_caption.recipe.params["style"] == "boxed"
    assert new_caption.cue.style == "boxed" and new_caption.cue.text == caption.cue.text

    _, new_music = after.find_clip(music.id)
    assert len(new_music.takes) == 2 and new_music.selected == 1
    assert new_music.recipe.engine == "composer" and new_music.recipe.seed == 42
    assert new_music.take.label == "bars 2-3"
    assert new_music.recipe.params["patches"][-1] == {"start_bar": 1, "bars": 2, "seed": 42}
    assert new_music.asset != music.asset and new_music.asset in after.assets
    old, sr = sf.read(str(asset_path(made, music.asset)), dtype="float32")
    new, sr2 = sf.read(str(asset_path(made, new_music.asset)), dtype="float32")
    assert sr == sr2 and new.shape == old.shape
    downbeats = after.assets[music.asset].meta["downbeats_us"]
    bar2, bar4 = (downbeats[i] * sr // 1_000_000 for i in (1, 3))
    assert np.array_equal(new[:bar2], old[:bar2])      # bar 1: sample-identical
    assert np.array_equal(new[bar4:], old[bar4:])      # bar 4 on: sample-identical
    assert np.abs(new[bar2:bar4] - old[bar2:bar4]).max() > 1e-2  # bars 2-3: new music

    rows = listed(made)
    for clip_id in (shot.id, caption.id, music.id):
        assert rows[clip_id][-4:-1] == ["2", "(selected", "2)"]
    untouched = before.tracks_of(TrackKind.VIDEO)[0].clips[0]
    assert rows[untouched.id][-4:-1] == ["1", "(selected", "1)"]
    # saved atomically: a readable project.json, no temp files beside it
    json.loads((made / "project.json").read_text("utf-8"))
    assert sorted(p.name for p in made.iterdir() if p.is_file()) == ["project.json"]


@pytest.mark.parametrize("args, words", [
    (["--clip", "0000nothere"], "no clip '0000nothere'"),
    (["--clip", "{music}", "--bars", "3-2"], "--bars must be"),
    (["--clip", "{music}", "--bars", "2-40"], "outside this piece"),
    (["--clip", "{shot}", "--set", "wobble=1"], "no setting 'wobble'"),
    (["--clip", "{shot}", "--set", "move=sideways"], "move must be one of"),
    (["--clip", "{shot}", "--engine", "hologram"], "the engine 'hologram', which this version"),
])
def test_bad_requests_exit_2_with_a_clear_message_and_change_nothing(made, args, words):
    project = load_project(made)
    ids = {"music": project.tracks_of(TrackKind.MUSIC)[0].clips[0].id,
           "shot": project.tracks_of(TrackKind.VIDEO)[0].clips[0].id}
    text = (made / "project.json").read_bytes()
    out = promodesk("regenerate", made, *[a.format(**ids) for a in args])
    assert out.returncode == 2 and words in out.stderr, out.stderr
    assert (made / "project.json").read_bytes() == text


def test_render_refuses_a_project_naming_an_unknown_engine(made, tmp_path):
    project = load_project(made)
    folder = tmp_path / "future.promodesk"
    for asset in project.assets:
        (folder / "assets").mkdir(parents=True, exist_ok=True)
        (folder / "assets" / asset).write_bytes(asset_path(made, asset).read_bytes())
    project.tracks_of(TrackKind.VIDEO)[0].clips[0].takes[0].recipe.engine = "hologram"
    project.tracks_of(TrackKind.VIDEO)[0].clips[0].selected = 0
    save_project(project, folder)
    out = promodesk("render", folder, "-o", tmp_path / "out.mp4")
    assert out.returncode == 2, out.stderr
    assert "This project uses the engine 'hologram'" in out.stderr
    assert not (tmp_path / "out.mp4").exists()
    out = promodesk("regenerate", folder, "--list")
    assert "hologram (unknown here)" in out.stdout
