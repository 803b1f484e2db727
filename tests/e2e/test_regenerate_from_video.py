"""`promodesk regenerate --engine shots` on a shot whose selected take is a generated (Wan)
video: the new motion take starts from the shot's photo, with the shot's own settings (no video
prompt or model), and draws; the video take stays as it was."""

from __future__ import annotations

import subprocess
from pathlib import Path

from promodesk.cli import main
from promodesk.core.projectfile import add_asset, asset_path, load_project, save_project
from promodesk.core.timeline import Asset, Clip, Project, Recipe, Take, TrackKind

ROOT = Path(__file__).resolve().parents[2]
PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"
SHOT = {"kind": "hero", "move": "auto", "text": "Morning espresso", "title": "", "price": "",
        "old_price": "", "cta": "", "colors": [], "transition_in": {"kind": "cut", "duration_us": 0}}


def video_file(path: Path) -> Path:
    """A real 1 s H.264 clip standing in for what the video model wrote."""
    from imageio_ffmpeg import get_ffmpeg_exe

    subprocess.run([get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    "testsrc=size=96x160:rate=25:duration=1", "-pix_fmt", "yuv420p", str(path)],
                   check=True)
    return path


def wan_shot_project(folder: Path, tmp: Path) -> tuple[str, str, str]:
    """A project with one shot: a motion take over the photo, then a Wan video take made from
    it (selected), as the editor's Regenerate with… leaves it. Returns (clip, photo, video)."""
    project = Project.for_aspect("9:16", title="Wan take")
    photo = add_asset(folder, PHOTO)
    project.assets[photo] = Asset(photo, "image", None, {}, "test photo")
    video = add_asset(folder, video_file(tmp / "wan.mp4"))
    project.assets[video] = Asset(video, "video", 1_000_000, {"engine": "wan"}, "Apache-2.0")
    wan_params = dict(SHOT, photo=photo, prompt="slow orbit of the cup", model="wan2.2-ti2v-5b",
                      strength=0.5, preset="draft", steps=2, fidelity=0.3)
    clip = Clip(start=0, duration=1_000_000, name="hero",
                takes=[Take(photo, Recipe("shots", dict(SHOT), 4)),
                       Take(video, Recipe("wan", wan_params, 5), 1_000_000, label="wan draft")],
                selected=1)
    project.add_track(TrackKind.VIDEO, "Shots").clips.append(clip)
    save_project(project, folder)
    return clip.id, photo, video


def test_a_motion_take_after_a_video_take_starts_from_the_photo(tmp_path, capsys):
    folder = tmp_path / "wan.promodesk"
    clip_id, photo, video = wan_shot_project(folder, tmp_path)

    code = main(["regenerate", str(folder), "--clip", clip_id, "--engine", "shots",
                 "--seed", "9"])
    out = capsys.readouterr()
    assert code == 0, out.err
    clip = load_project(folder).tracks[0].clips[0]
    assert len(clip.takes) == 3 and clip.selected == 2
    take = clip.take
    assert take.recipe.engine == "shots" and take.recipe.seed == 9
    assert take.asset == photo  # the photo, not the video the selected take showed
    for key in ("prompt", "model", "strength", "preset", "steps", "fidelity"):
        assert key not in take.recipe.params, key
    assert take.recipe.params["kind"] == "hero" and take.recipe.params["text"] == "Morning espresso"
    assert clip.takes[1].asset == video and asset_path(folder, video).is_file()


def test_a_video_take_selected_regenerates_from_its_photo_too(tmp_path):
    """The request any engine gets for the shot (the editor's R, the dialog, the CLI) names the
    photo; a take by the same engine keeps the video take's own settings."""
    from promodesk.engines import registry

    folder = tmp_path / "wan.promodesk"
    clip_id, photo, _ = wan_shot_project(folder, tmp_path)
    project = load_project(folder)
    for name in ("wan", "shots"):
        request = registry.take_request(project, folder, clip_id, engine_name=name, seed=1)
        assert request.asset is not None and request.asset.id == photo
        assert request.asset.kind == "image"
    same = registry.take_request(project, folder, clip_id, seed=1)
    assert same.recipe.engine == "wan" and same.recipe.params["prompt"] == "slow orbit of the cup"
