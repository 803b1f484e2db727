"""Diffusion stills engine on a tiny random Stable-Diffusion-style pipeline saved to a temp folder
and loaded through the engine's loading code."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("diffusers")

from PIL import Image  # noqa: E402

from promodesk.engines.base import Cancelled, EngineUnavailable  # noqa: E402
from promodesk.engines.visuals.diffusion import (StillRequest, StillsEngine, save_still,  # noqa: E402
                                         still_prompt)
from tests.engines.harness import CancelOnceStarted, refuse_network  # noqa: E402
from tests.engines.tiny_models import pickle_only, tiny_stable_diffusion  # noqa: E402


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_stable_diffusion(tmp_path_factory.mktemp("sd"))


def test_prompt_from_chinese_and_english_copy():
    p = still_prompt("晨光意式浓缩杯 Morning espresso cup, 陶瓷 handmade", "lifestyle",
                     ["#d9534f", "#ffffff"])
    assert "cup" in p and "ceramic" in p and "espresso" in p and "handmade" in p
    assert "red and white colour palette" in p and "lifestyle scene" in p
    assert still_prompt("", "background").startswith("clean product photography")


def test_still_has_the_size_progress_and_licence(tiny):
    seen = []
    image = StillsEngine(tiny).generate(StillRequest("warm coffee cup", size=(100, 60), seed=3,
                                                     steps=3),
                                        progress=lambda f, m: seen.append((f, m)))
    assert isinstance(image, Image.Image) and image.mode == "RGB" and image.size == (96, 56)
    pixels = np.asarray(image)
    assert pixels.std() > 1.0  # a picture, not a flat fill
    fractions = [f for f, _ in seen]
    assert fractions[-1] == 1.0 and fractions == sorted(fractions)
    assert sum("step" in m for _, m in seen) == 3
    assert image.info["prompt"] == "warm coffee cup" and image.info["commercial_use"] == "false"


def test_same_seed_same_still(tiny):
    engine = StillsEngine(tiny)
    a = np.asarray(engine.generate(StillRequest("cup", size=(64, 64), seed=1)))
    b = np.asarray(engine.generate(StillRequest("cup", size=(64, 64), seed=1)))
    c = np.asarray(engine.generate(StillRequest("cup", size=(64, 64), seed=2)))
    assert np.array_equal(a, b) and not np.array_equal(a, c)


def test_cancel_stops_at_the_next_step_and_writes_nothing(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    job = CancelOnceStarted(lambda fraction, message: "step" in message)
    with pytest.raises(Cancelled):
        StillsEngine(tiny).generate(StillRequest("cup", size=(256, 256), steps=500),
                                    progress=job.progress, cancel=job.token)
    assert job.stopped_at_its_next_check(), job.after_cancel  # step 1 of 500, then no more
    assert list(tmp_path.iterdir()) == []


def test_save_still_keeps_prompt_and_licence(tiny, tmp_path):
    image = StillsEngine(tiny).generate(StillRequest("teal kitchen", size=(64, 48)))
    path = save_still(image, tmp_path / "still.png")
    back = Image.open(path)
    assert back.size == (64, 48) and back.text["prompt"] == "teal kitchen"
    assert np.array_equal(np.asarray(back.convert("RGB")), np.asarray(image))
    assert [p.name for p in tmp_path.iterdir()] == ["still.png"]


def test_the_still_becomes_a_shot(tiny):
    shots = pytest.importorskip("promodesk.engines.visuals.shots")
    image = StillsEngine(tiny).generate(StillRequest("cup", size=(96, 160)))
    shot = shots.ShotRenderer({"kind": "hero", "move": "push_in", "text": "", "title": "",
                               "price": "", "old_price": "", "cta": "", "colors": []},
                              image, (90, 160), 2_000_000, seed=0)
    a, b = shot.frame(0), shot.frame(2_000_000)
    assert a.shape == (160, 90, 3) and a.dtype == np.uint8 and not np.array_equal(a, b)


def test_missing_model_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(tmp_path / "hub"))
    engine = StillsEngine("sd-turbo")
    assert "promodesk models download sd-turbo" in engine.availability()
    assert engine.info.commercial_use is False and "Stability" in engine.info.output_licence
    with pytest.raises(EngineUnavailable, match="not on this computer"):
        engine.generate("cup")


def test_pickle_weights_are_refused(tmp_path):
    folder = pickle_only(tiny_stable_diffusion(tmp_path / "sd"))
    assert not list(folder.rglob("*.safetensors"))
    with pytest.raises(EngineUnavailable, match="safetensors"):
        StillsEngine(folder).generate("cup")


def test_folder_asking_for_custom_code_is_refused(tmp_path):
    folder = tiny_stable_diffusion(tmp_path / "sd")
    index = json.loads((folder / "model_index.json").read_text())
    index["_class_name"] = "MyEvilPipeline"
    (folder / "model_index.json").write_text(json.dumps(index))
    (folder / "pipeline.py").write_text("import os\n")
    with pytest.raises(EngineUnavailable, match="code of its own"):
        StillsEngine(folder).generate("cup")


def test_generation_opens_no_network_connection(tiny, monkeypatch):
    refuse_network(monkeypatch)
    assert StillsEngine(tiny).generate(StillRequest("cup", size=(64, 64))).size == (64, 64)
