"""Wan video engine on tiny random Wan pipelines (tests/engines/visuals/tiny_wan.py) saved with
save_pretrained and loaded through the engine's own loader: clips land on the timeline as
takes, the photo is the first frame, progress, cancel, no network, the missing-model message,
the memory tiers, and the fidelity mark."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("diffusers")
pytest.importorskip("ftfy")

import torch  # noqa: E402

from promodesk.core.edits import AddClip, AddTake  # noqa: E402
from promodesk.core.projectfile import add_asset, asset_path  # noqa: E402
from promodesk.core.timeline import (Asset, Clip, Project, Recipe, Take, Track,  # noqa: E402
                                     TrackKind)
from promodesk.engines import registry  # noqa: E402
from promodesk.engines.base import (Cancelled, EngineUnavailable, GenerationError,  # noqa: E402
                                    RequestError)
from promodesk.engines.models.device import GIB, Device, with_memory_retry  # noqa: E402
from promodesk.engines.visuals import wan, wan_memory  # noqa: E402
from promodesk.engines.visuals.photos import load_photo  # noqa: E402
from tests.engines.harness import CancelOnceStarted, refuse_network  # noqa: E402
from tests.engines.visuals.tiny_wan import build_tiny_wan  # noqa: E402

PHOTO = Path(__file__).resolve().parents[3] / "resources/examples/products/espresso-cup.png"
SIZE = (64, 96)  # w, h: multiples of 32, portrait like the 9:16 canvas


@pytest.fixture(scope="module")
def ti2v(tmp_path_factory):
    return build_tiny_wan(tmp_path_factory.mktemp("wan") / "ti2v", "ti2v")


def decode(path: Path) -> tuple[list[np.ndarray], Fraction]:
    """Every frame of the MP4 at ``path`` (RGB) and its frame rate, read with PyAV."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(stream)]
        return frames, Fraction(stream.average_rate)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    """Peak signal-to-noise ratio in dB between two uint8 pictures."""
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def engine_pipeline(folder: Path):
    """The pipeline the engine loaded from ``folder`` (the same object, from the model cache:
    same class and number format)."""
    import diffusers

    from promodesk.engines.models import loading
    from promodesk.engines.models.device import pick_device

    return loading.load_pretrained(folder, diffusers.WanPipeline,
                                   dtype=wan_memory.number_format(pick_device())).net


def luma(rgb: np.ndarray) -> np.ndarray:
    """The BT.601 luma of an RGB picture (H.264's 4:2:0 keeps luma at full resolution)."""
    return rgb.astype(np.float64) @ np.array([0.299, 0.587, 0.114])


def shot_project(folder: Path) -> tuple[Project, str]:
    """A 64x96, 25 fps project with one 0.6 s hero shot of the espresso cup photo."""
    photo_id = add_asset(folder, PHOTO)
    project = Project(fps_num=25, width=SIZE[0], height=SIZE[1])
    track = Track(TrackKind.VIDEO)
    project.tracks.append(track)
    clip = Clip(0, 600_000, [Take(photo_id, Recipe("shots", {"kind": "hero",
                                                              "title": "Morning espresso cup"}))])
    AddClip(track.id, clip, Asset(photo_id, "image")).apply(project)
    return project, clip.id


def test_sizes_frames_and_prompts():
    assert wan.clip_size((1080, 1920), "final") == (704, 1280)   # TI2V-5B native, portrait
    assert wan.clip_size((1920, 1080), "final") == (1280, 704)
    assert wan.clip_size((1080, 1920), "draft") == (480, 864)    # 480p class
    assert wan.clip_size((1080, 1080), "draft", "wan2.1-t2v-1.3b") == (640, 640)
    assert all(v % 32 == 0 for v in wan.clip_size((1080, 1350), "final"))
    assert wan.clip_frames(3.2, 24, 121) == 81 and wan.clip_frames(9.0, 24, 121) == 121
    assert (wan.clip_frames(0.1, 16, 81) - 1) % 4 == 0
    with pytest.raises(RequestError, match="preset"):
        wan.clip_size((1080, 1920), "ultra")
    hero = wan.motion_prompt("hero", "晨光意式浓缩杯 Morning espresso cup")
    assert "orbit" in hero and "cup" in hero and "espresso" in hero
    assert "push in" in wan.motion_prompt("detail", "cup")
    assert "lifestyle scene" in wan.motion_prompt("feature", "cup")
    assert "no product" in wan.scene_prompt("陶瓷 kitchen")


def test_retime_trims_or_slows_to_the_shot():
    frames = [np.full((2, 2, 3), i, np.uint8) for i in range(25)]  # 1.04 s at 24 fps
    trimmed = wan.retime(frames, 24, 0.5, Fraction(30))
    assert len(trimmed) == 15 and [int(f[0, 0, 0]) for f in trimmed[:3]] == [0, 0, 1]
    slowed = wan.retime(frames, 24, 2.0, Fraction(25))
    assert len(slowed) == 50 and int(slowed[-1][0, 0, 0]) == 24  # the whole clip, evenly
    shown = [int(f[0, 0, 0]) for f in slowed]
    assert shown == sorted(shown) and len(set(shown)) == 25


def test_photo_clip_lands_on_the_timeline_as_a_take(ti2v, tmp_path):
    project, clip_id = shot_project(tmp_path)
    seen = []
    request = registry.take_request(project, tmp_path, clip_id, engine_name="wan", seed=3,
                                    params={"kind": "hero", "title": "Morning espresso cup",
                                            "model": str(ti2v), "steps": 2, "size": list(SIZE),
                                            "fps": 25})
    new = registry.engine("wan").new_take(request, progress=lambda f, m: seen.append((f, m)))
    AddTake(clip_id, new.take, asset=new.asset).apply(project)

    take = project.tracks[0].clips[0].take
    assert take.recipe.engine == "wan" and take.recipe.seed == 3
    params = take.recipe.params
    for key in ("model", "prompt", "negative", "steps", "preset", "strength", "size", "frames",
                "fps", "fidelity", "photo"):
        assert key in params, key
    assert params["size"] == list(SIZE) and params["steps"] == 2 and params["preset"] == "draft"
    assert "orbit" in params["prompt"] and "cup" in params["prompt"]
    assert params["frames"] == 17  # 0.6 s at TI2V's 24 fps: 15 frames, rounded up to 4k + 1
    entry = project.assets[take.asset]
    assert entry.kind == "video" and entry.duration == 600_000 == take.source_duration

    frames, fps = decode(asset_path(tmp_path, take.asset))
    assert fps == 25 and len(frames) == 15 and frames[0].shape == (SIZE[1], SIZE[0], 3)
    # the renderer draws the take's video like footage, frame for frame
    from promodesk.render.frame import render_frame

    for i in (0, 7, 14):
        shown = render_frame(project, i * 40_000 + 1, folder=tmp_path)
        assert psnr(shown, frames[i]) > 45
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert sum("step" in m for _, m in seen) == 2


def test_the_photo_is_the_first_frame(ti2v, tmp_path):
    """TI2V's conditioning path: the framed photo's latent is the clip's first latent frame,
    kept fixed while the rest is denoised, so the first frame is the photo through the VAE
    whatever the seed. The tiny random VAE cannot reproduce a photo (a PSNR against the photo
    itself would measure the VAE, ~10 dB), so the first frame is compared with the same VAE's
    round trip of the framed photo instead: only H.264 (CRF 18) stands between them. On luma,
    as 4:2:0 halves the chroma of the tiny VAE's pixel-sized colour noise; 30 dB is well above
    what an unrelated frame of the same VAE scores (about 20 dB) and below what CRF 18 keeps
    (about 38 dB)."""
    from PIL import Image

    photo = load_photo(PHOTO)
    clips = [wan.generate_clip(photo, "slow orbit", folder=tmp_path, size=SIZE, seconds=0.5,
                               fps=24, seed=seed, model=ti2v, steps=2) for seed in (1, 2)]
    (a, _), (b, _) = decode(clips[0].path), decode(clips[1].path)
    start, box = wan.first_frame(photo, SIZE)
    assert start.shape == (SIZE[1], SIZE[0], 3) and box[2] > box[0] and box[3] > box[1]

    pipe = engine_pipeline(ti2v)
    pixels = pipe.video_processor.preprocess(Image.fromarray(start), height=SIZE[1],
                                             width=SIZE[0]).unsqueeze(2)
    pixels = pixels.to(device=pipe.vae.device, dtype=pipe.vae.dtype)
    with torch.inference_mode():
        latent = pipe.vae.encode(pixels).latent_dist.mode()
        back = pipe.vae.decode(latent).sample
    expected = pipe.video_processor.postprocess_video(back, output_type="np")[0][0]
    expected = np.clip(expected * 255 + 0.5, 0, 255).astype(np.uint8)
    # measured: 38 dB for both seeds; the last frame 20 dB; the photo itself 10.6 dB
    assert psnr(luma(a[0]), luma(expected)) > 30 and psnr(luma(b[0]), luma(expected)) > 30
    assert psnr(luma(a[-1]), luma(expected)) < 30
    assert psnr(a[-1], b[-1]) < psnr(a[0], b[0])  # the seeds differ after the first frame


def test_cancel_stops_at_the_next_step_and_leaves_nothing(ti2v, tmp_path):
    job = CancelOnceStarted(lambda fraction, message: "step" in message)
    with pytest.raises(Cancelled):
        wan.generate_clip(load_photo(PHOTO), None, folder=tmp_path, size=SIZE, seconds=0.5,
                          model=ti2v, steps=500, progress=job.progress, cancel=job.token)
    assert job.stopped_at_its_next_check(), job.after_cancel  # step 1 of 500, then no more
    assert list(tmp_path.rglob("*")) == []


def test_cancel_while_decoding_stops_the_decode_and_leaves_nothing(ti2v, tmp_path):
    decoder = engine_pipeline(ti2v).vae.decoder
    decoded = []  # latent frames the VAE finished decoding
    counting = decoder.register_forward_hook(lambda *_: decoded.append(1))
    job = CancelOnceStarted(lambda fraction, message: "decoding" in message)
    try:
        wan.generate_clip(None, "a kitchen", folder=tmp_path / "first", size=SIZE, seconds=0.2,
                          model=ti2v, steps=1)
        assert decoded, "the engine decodes with this pipeline's VAE"
        decoded.clear()
        with pytest.raises(Cancelled):
            wan.generate_clip(load_photo(PHOTO), None, folder=tmp_path / "p", size=SIZE,
                              seconds=0.5, model=ti2v, steps=1, progress=job.progress,
                              cancel=job.token)
    finally:
        counting.remove()
    assert job.cancelled_at is not None and job.after_cancel == []
    assert decoded == []  # stopped before the first latent frame, not after the whole decode
    assert not (tmp_path / "p").exists()


def test_scene_without_a_photo_and_the_other_layouts(tmp_path):
    t2v = build_tiny_wan(tmp_path / "t2v", "t2v")
    scene = wan.generate_clip(None, None, folder=tmp_path / "p", size=SIZE, seconds=0.3, fps=20,
                              model=t2v, steps=1, copy="陶瓷 kitchen morning")
    frames, fps = decode(scene.path)
    assert len(frames) == 6 and fps == 20 and scene.fidelity is None
    assert "no product" in scene.params["prompt"] and "product" in scene.params["negative"]
    with pytest.raises(RequestError, match="text only"):
        wan.generate_clip(load_photo(PHOTO), None, folder=tmp_path / "p", size=SIZE,
                          seconds=0.3, model=t2v, steps=1)
    i2v = build_tiny_wan(tmp_path / "i2v", "i2v")  # Wan2.1 I2V: CLIP image embeddings too
    clip = wan.generate_clip(load_photo(PHOTO), None, folder=tmp_path / "p", size=SIZE,
                             seconds=0.3, fps=20, model=i2v, steps=1)
    assert len(decode(clip.path)[0]) == 6
    with pytest.raises(RequestError, match="photo only"):
        wan.generate_clip(None, None, folder=tmp_path / "p", size=SIZE, seconds=0.3, model=i2v)
    with pytest.raises(RequestError, match="multiples of 32"):
        wan.generate_clip(None, None, folder=tmp_path / "p", size=(100, 96), seconds=0.3,
                          model=t2v)


def test_a_clip_that_lost_the_product_is_marked(ti2v, tmp_path):
    """A random model does not keep the product: the fidelity check must say so."""
    from promodesk.engines.visuals.fidelity import FIDELITY_THRESHOLD

    project, clip_id = shot_project(tmp_path)
    request = registry.take_request(project, tmp_path, clip_id, engine_name="wan", seed=5,
                                    params={"kind": "detail", "model": str(ti2v), "steps": 1,
                                            "size": list(SIZE)})
    new = registry.engine("wan").new_take(request)
    assert new.take.recipe.params["fidelity"] < FIDELITY_THRESHOLD
    assert "product changed" in new.take.label


def test_generation_opens_no_network_connection(ti2v, tmp_path, monkeypatch):
    refuse_network(monkeypatch)  # also drops the cached pipeline, so it loads again
    clip = wan.generate_clip(None, "a kitchen", folder=tmp_path, size=SIZE, seconds=0.2,
                             model=ti2v, steps=1)
    assert clip.path.is_file()


def test_missing_model_says_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(tmp_path / "hub"))
    engine = registry.engine("wan")
    assert "promodesk models download wan2.2-ti2v-5b" in engine.availability()
    assert engine.info.output_licence == "Apache-2.0" and engine.info.commercial_use
    project, clip_id = shot_project(tmp_path)
    request = registry.take_request(project, tmp_path, clip_id, engine_name="wan")
    with pytest.raises(EngineUnavailable, match="promodesk models download wan2.2-ti2v-5b"):
        engine.new_take(request)
    assert engine.runs("wan2.1-t2v-1.3b") and not engine.runs("sd-turbo")


def test_memory_tiers_step_down_in_order(tmp_path):
    cuda = Device("cuda", "test card", "float16", 24 * GIB, None)
    assert wan_memory.tiers(cuda) == ("gpu", "offload", "group", "fp8")
    assert wan_memory.tiers(Device("cpu", "cpu", "float32")) == ("cpu", "tiled")
    need = wan_memory.TIER_NEED_GIB["wan2.2-ti2v-5b"]
    assert wan_memory.start_tier(cuda, "wan2.2-ti2v-5b", tmp_path, free=80 * GIB) == "gpu"
    assert wan_memory.start_tier(cuda, "wan2.2-ti2v-5b", tmp_path,
                                 free=need["offload"] * GIB) == "offload"
    assert wan_memory.start_tier(cuda, "wan2.2-ti2v-5b", tmp_path, free=2 * GIB) == "fp8"

    tried, freed = [], []

    def job(tier):  # the first two tiers really run out of memory (2**50 bytes)
        tried.append(tier)
        return torch.empty(2**50 if tier in ("gpu", "offload") else 8, dtype=torch.uint8).numel()

    assert with_memory_retry(job, wan_memory.tiers(cuda), "Wan",
                             on_oom=lambda: freed.append(1)) == 8
    assert tried == ["gpu", "offload", "group"] and len(freed) == 2
    with pytest.raises(GenerationError, match="ran out of memory"):
        with_memory_retry(lambda tier: torch.empty(2**50, dtype=torch.uint8), ("a", "b", "c"),
                          "Wan")


def test_group_offload_and_fp8_tiers_run_the_same_pipeline(ti2v):
    """The lower tiers' diffusers hooks (leaf-level group offload; float8 weight storage by
    layerwise casting) on the CPU: the same clip, and fp8's within its rounding."""
    import diffusers

    from promodesk.engines.models import loading
    from promodesk.engines.models.device import MODELS

    start, _ = wan.first_frame(load_photo(PHOTO), SIZE)
    from PIL import Image

    clips = {}
    for tier in ("cpu", "group", "fp8"):
        MODELS.release()
        loaded = loading.load_pretrained(
            ti2v, diffusers.WanPipeline,
            place=lambda net, device, tier=tier: wan_memory.place_at(net, device, tier))
        pipe = wan_memory.sibling(loaded.net, image_to_video=True)
        clips[tier] = pipe(image=Image.fromarray(start), prompt="cup", height=SIZE[1],
                           width=SIZE[0], num_frames=5, num_inference_steps=1,
                           guidance_scale=1.0, output_type="np",
                           generator=torch.Generator("cpu").manual_seed(0)).frames[0]
    MODELS.release()
    assert np.allclose(clips["group"], clips["cpu"], atol=1e-5)
    difference = np.abs(clips["fp8"] - clips["cpu"]).max()
    assert 0 < difference < 0.2  # float8 weights change the numbers, not the picture
