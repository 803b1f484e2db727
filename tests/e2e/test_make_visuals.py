"""`promodesk make --visuals auto|motion|wan`: the video engine's clips in the made video, the
fallback to motion shots when the product changed, and the clear refusals without the model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from promodesk.core.projectfile import load_project
from promodesk.core.timeline import TrackKind
from tests.e2e.media import probe
from tests.e2e.test_make import ROOT

PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"
COPY = "Fresh espresso every morning. Order now."


def make(tmp_path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `promodesk make` on a short one-photo brief with no models installed (empty model
    folders) and the CPU as the device, plus ``env``."""
    run_env = {**os.environ, "PROMODESK_MODELS": str(tmp_path / "no-models"),
               "HF_HOME": str(tmp_path / "no-hf"), "PROMODESK_DEVICE": "cpu", **(env or {})}
    return subprocess.run([sys.executable, "-m", "promodesk", "make", "--text", COPY,
                           "--image", str(PHOTO), "--seconds", "5", "--scale", "0.25",
                           "--aspect", "16:9", *args],
                          capture_output=True, text=True, env=run_env, timeout=600)


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("note:")]


def test_wan_without_its_model_names_the_download_and_writes_nothing(tmp_path):
    out = tmp_path / "promo.mp4"
    r = make(tmp_path, "--visuals", "wan", "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "promodesk models download wan2.2-ti2v-5b" in r.stderr
    assert not out.exists() and not (tmp_path / "promo.promodesk").exists()


def test_wan_with_a_folder_that_is_no_model_is_refused(tmp_path):
    r = make(tmp_path, "--visuals", "wan", "--video-model", str(tmp_path / "nothing-here"),
             "-o", str(tmp_path / "promo.mp4"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "nothing-here" in r.stderr and "promodesk models download" in r.stderr


def test_auto_without_the_model_makes_motion_shots_with_one_note(tmp_path):
    out = tmp_path / "promo.mp4"
    r = make(tmp_path, "--visuals", "auto", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert len(notes(r.stderr)) == 1, r.stderr
    assert "motion shots" in notes(r.stderr)[0] and "promodesk models download" in r.stderr
    project = load_project(tmp_path / "promo.promodesk")
    shots = project.tracks_of(TrackKind.VIDEO)[0].clips
    assert shots and all(len(c.takes) == 1 and c.recipe.engine == "shots" for c in shots)
    assert probe(out).frames > 0


def test_motion_says_nothing_about_video(tmp_path):
    r = make(tmp_path, "--visuals", "motion", "-o", str(tmp_path / "promo.mp4"))
    assert r.returncode == 0, r.stderr
    assert notes(r.stderr) == []


# --- with a tiny random Wan model (built offline, loaded through the engine's real loader) ----

@pytest.fixture(scope="module")
def tiny_wan(tmp_path_factory):
    pytest.importorskip("diffusers")  # the gpu extra; the test set-up installs it
    from tests.engines.visuals.tiny_wan import build_tiny_wan

    return build_tiny_wan(tmp_path_factory.mktemp("wan") / "ti2v", "ti2v")


def make_wan(folder: Path, model: Path, images: list[Path]):
    """make_project with the tiny Wan model: a 5-second 16:9 brief, small clips, 2 steps."""
    from promodesk.core.brief import Brief
    from promodesk.engines.assemble import make_project

    brief = Brief(text=COPY, images=images, seconds=5, aspect="16:9", cta="Order now")
    return make_project(brief, folder, seed=3, visuals="wan", video_model=model,
                        video_params={"size": [64, 32], "steps": 2})


def test_auto_with_the_model_but_no_gpu_makes_motion_shots_with_one_note(tmp_path, tiny_wan):
    r = make(tmp_path, "--visuals", "auto", "--video-model", str(tiny_wan),
             "-o", str(tmp_path / "promo.mp4"))
    assert r.returncode == 0, r.stderr
    assert len(notes(r.stderr)) == 1 and "CUDA" in notes(r.stderr)[0], r.stderr
    shots = load_project(tmp_path / "promo.promodesk").tracks_of(TrackKind.VIDEO)[0].clips
    assert all(c.recipe.engine == "shots" for c in shots)


def test_wan_scenes_for_shots_without_a_photo_are_in_the_video(tmp_path, tiny_wan):
    from promodesk.core.projectfile import asset_path
    from promodesk.engines.visuals.footage import FootageSource
    from promodesk.engines.visuals.shots import ShotRenderer
    from promodesk.engines.visuals.video import VideoDecoder, probe_video
    from promodesk.render.export import export_video
    from promodesk.core.timeline import frame_at, frame_start
    from tests.e2e.media import decode_frame

    made = make_wan(tmp_path / "scene.promodesk", tiny_wan, [])
    assert made.notes == []
    project = load_project(made.folder)
    shots = project.tracks_of(TrackKind.VIDEO)[0].clips
    scenes = [c for c in shots if c.recipe.engine == "wan"]
    assert scenes and all(c.name == "card" for c in scenes)
    assert all(c.recipe.engine == "shots" for c in shots if c.name in ("offer", "cta"))
    scene = scenes[0]
    assert [t.recipe.engine for t in scene.takes] == ["shots", "wan"] and scene.selected == 1
    asset = project.assets[scene.asset]
    assert asset.kind == "video" and asset.meta["engine"] == "wan"
    clip = probe_video(asset_path(made.folder, scene.asset))
    assert (clip.width, clip.height) == (64, 32)
    assert abs(clip.duration_us - scene.duration) <= 1_000_000 / clip.fps

    out = tmp_path / "scene.mp4"
    size = (320, 180)
    export_video(project, made.folder, out, size, captions="none")
    info = probe(out)
    assert (info.width, info.height) == size and info.frames == round(5 * float(project.fps))
    # the exported frame in the middle of the scene is the generated clip's, not the card's
    fps = project.fps
    middle = frame_start(frame_at(scene.start + scene.duration // 2, fps), fps)
    frame = decode_frame(out, middle / 1e6 + 0.001, size).astype(int)
    wan = FootageSource({}, VideoDecoder(asset_path(made.folder, scene.asset)), size)
    card = ShotRenderer(scene.takes[0].recipe.params, None, size, scene.duration,
                        scene.takes[0].recipe.seed)
    from_wan = np.abs(frame - wan.frame(middle - scene.start).astype(int)).mean()
    from_card = np.abs(frame - card.frame(middle - scene.start).astype(int)).mean()
    assert from_wan < 12 and from_card > 2 * from_wan, (from_wan, from_card)


def test_a_take_that_changed_the_product_falls_back_to_the_motion_shot(tmp_path, tiny_wan):
    from promodesk.engines.visuals.fidelity import FIDELITY_THRESHOLD

    made = make_wan(tmp_path / "photo.promodesk", tiny_wan, [PHOTO])
    project = load_project(made.folder)
    animated = [c for c in project.tracks_of(TrackKind.VIDEO)[0].clips if len(c.takes) > 1]
    assert animated and all(c.name in ("hero", "detail", "feature") for c in animated)
    for clip in animated:
        generated = clip.takes[1]
        # a tiny random model does not keep the product: the motion shot stays selected
        assert generated.recipe.engine == "wan" and "product changed" in generated.label
        assert generated.recipe.params["fidelity"] < FIDELITY_THRESHOLD
        assert clip.selected == 0 and clip.recipe.engine == "shots"
        assert project.assets[generated.asset].kind == "video"
    assert len(made.notes) == len(animated)
    assert all("changed the product" in n and "motion shot" in n for n in made.notes)


def test_stills_paint_the_backgrounds_of_the_cards(tmp_path):
    """The diffusion stills engine in the plan: under "stills" (what auto picks with a
    commercial stills model and a GPU but no video model) each card gets a painted background."""
    pytest.importorskip("diffusers")
    from promodesk.core.brief import Brief
    from promodesk.core.projectfile import asset_path
    from promodesk.engines import registry
    from promodesk.engines.assemble import make_project
    from promodesk.engines.visuals.photos import load_photo
    from tests.engines.tiny_models import tiny_stable_diffusion

    model = tiny_stable_diffusion(tmp_path / "sd")
    brief = Brief(text=COPY, images=[], seconds=5, aspect="16:9", cta="Order now")
    made = make_project(brief, tmp_path / "stills.promodesk", seed=3, visuals="stills",
                        still_model=model)
    project = load_project(made.folder)
    shots = project.tracks_of(TrackKind.VIDEO)[0].clips
    cards = [c for c in shots if c.name == "card"]
    assert cards and all(c.recipe.engine == "shots" for c in shots if c.name != "card")
    size, card = (320, 180), cards[0]
    assert [t.recipe.engine for t in card.takes] == ["shots", "stills"] and card.selected == 1
    still = load_photo(asset_path(made.folder, card.asset))
    assert min(still.size) == 512 and project.assets[card.asset].meta["engine"] == "stills"
    middle = card.duration // 2
    painted = registry.visual_engine("stills").frame_source(
        card.recipe.params, still, size, card.duration, card.recipe.seed).frame(middle)
    plain = registry.visual_engine("shots").frame_source(
        card.takes[0].recipe.params, None, size, card.duration, card.recipe.seed).frame(middle)
    assert np.abs(painted.astype(int) - plain.astype(int)).mean() > 5


def test_auto_paints_only_with_a_stills_model_that_allows_commercial_use(tmp_path, monkeypatch):
    pytest.importorskip("diffusers")
    from promodesk.engines.assemble import still_model_here
    from tests.engines.tiny_models import tiny_stable_diffusion

    models = tmp_path / "models"
    monkeypatch.setenv("PROMODESK_MODELS", str(models))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "no-hf"))
    tiny_stable_diffusion(models / "sd-turbo")  # non-commercial weights: never chosen for auto
    assert still_model_here() is None
    tiny_stable_diffusion(models / "flux-schnell")  # a stand-in under the Apache-2.0 name
    assert still_model_here() == "flux-schnell"


def test_a_text_only_video_model_leaves_the_photo_shots_as_motion_shots(tmp_path):
    pytest.importorskip("diffusers")
    from tests.engines.visuals.tiny_wan import build_tiny_wan

    model = build_tiny_wan(tmp_path / "t2v", "t2v")
    made = make_wan(tmp_path / "photo.promodesk", model, [PHOTO])
    shots = load_project(made.folder).tracks_of(TrackKind.VIDEO)[0].clips
    assert all(len(c.takes) == 1 and c.recipe.engine == "shots" for c in shots)
    assert len(made.notes) == 1 and "text only" in made.notes[0], made.notes
    assert "motion shot stays" in made.notes[0]
