"""A brand kit's font travels with the project: apply_brand copies it into the project's assets and
the shots name the asset, so deleting the kit and moving the project folder leaves the titles
drawn in the kit's font, pixel for pixel. Old projects whose shots name the font by absolute path
still draw in it while the file is there, and say so when it is gone."""

from __future__ import annotations

import shutil
import subprocess
import sys

import numpy as np

from promodesk import RESOURCES
from promodesk.core.brandkit import delete_kit, save_kit
from promodesk.core.projectfile import add_asset, asset_path, load_project, save_project
from promodesk.core.timeline import Clip, Project, Recipe, Take, TrackKind
from promodesk.engines.visuals.brand import apply_brand, font_notes
from promodesk.engines.visuals.photos import load_photo
from promodesk.engines.visuals.shots import ShotRenderer, with_font_file
from promodesk.render.frame import FrameRenderer

PHOTO = RESOURCES / "examples" / "products" / "espresso-cup.png"
FONT = RESOURCES / "fonts" / "DejaVuSans-Bold.ttf"  # unlike the bundled bold chain's Noto
SIZE = (270, 480)
HERO = {"kind": "hero", "title": "Slow Cup Deluxe", "move": "still"}


def branded(tmp_path) -> tuple[Project, object]:
    """A one-shot project in tmp_path/cup.promodesk with kit "Shop" (its font) applied."""
    folder = tmp_path / "cup.promodesk"
    project = Project.for_aspect("9:16", title="cup")
    photo = add_asset(folder, PHOTO)
    project.add_track(TrackKind.VIDEO, "Shots").clips.append(
        Clip(0, 2_000_000, name="hero", takes=[Take(photo, Recipe("shots", dict(HERO), 1))]))
    kit = save_kit("Shop", fonts=[FONT], colors=["#1b3a5c", "#f2b705"], root=tmp_path / "data")
    apply_brand(project, folder, kit, aspects=("9:16",))
    save_project(project, folder)
    return project, folder


def hero_frame(project, folder) -> np.ndarray:
    return FrameRenderer(project, folder, SIZE, captions=False).frame(1_000_000)


def test_the_kit_font_is_in_the_project_and_survives_a_deleted_kit_and_a_moved_folder(tmp_path):
    project, folder = branded(tmp_path)
    hero = project.tracks_of(TrackKind.VIDEO)[0].clips[0]
    font = hero.recipe.params["font"]
    assert project.assets[font].kind == "font" and asset_path(folder, font).is_file()
    assert asset_path(folder, font).read_bytes() == FONT.read_bytes()
    with_kit = hero_frame(project, folder)
    # the title really is in the kit's font: without it the bundled fonts draw other pixels
    bare = {k: v for k, v in hero.recipe.params.items() if k != "font"}
    plain = ShotRenderer(bare, load_photo(PHOTO), SIZE, hero.duration, hero.recipe.seed)
    assert (plain.frame(1_000_000) != with_kit).any(axis=-1).sum() > 200
    # the kit is deleted and the project moves to another place: the same pixels
    delete_kit("Shop", tmp_path / "data")
    moved = tmp_path / "elsewhere" / "cup.promodesk"
    moved.parent.mkdir()
    shutil.move(str(folder), str(moved))
    again = load_project(moved)
    renderer = FrameRenderer(again, moved, SIZE, captions=False)
    assert np.array_equal(renderer.frame(1_000_000), with_kit)
    shot = renderer._shot(again.tracks_of(TrackKind.VIDEO)[0].clips[0])
    assert shot.notes == [] and font_notes(again, moved) == []


def test_an_old_project_naming_the_font_by_path_draws_in_it_or_says_it_is_gone(tmp_path):
    project, folder = branded(tmp_path)
    hero = project.tracks_of(TrackKind.VIDEO)[0].clips[0]
    with_kit = hero_frame(project, folder)
    # as a kit applied before fonts were copied in left it: the kit's file by absolute path
    kept = tmp_path / "kit-font.ttf"
    shutil.copy(FONT, kept)
    hero.recipe.params["font"] = str(kept)
    assert np.array_equal(hero_frame(project, folder), with_kit)
    kept.unlink()
    shot = ShotRenderer(with_font_file(hero.recipe.params, folder), load_photo(PHOTO), SIZE,
                        hero.duration, hero.recipe.seed)
    assert len(shot.notes) == 1 and str(kept) in shot.notes[0] and "bundled" in shot.notes[0]
    assert not np.array_equal(shot.frame(1_000_000), with_kit)
    # the project says so too, and `promodesk render` tells the user before drawing
    notes = font_notes(project, folder)
    assert len(notes) == 1 and str(kept) in notes[0] and "hero" in notes[0]
    save_project(project, folder)
    r = subprocess.run([sys.executable, "-m", "promodesk", "render", str(folder), "-o",
                        str(tmp_path / "out.mp4"), "--captions", "none"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert f"note: The brand font {kept} is gone" in r.stderr
