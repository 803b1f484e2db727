"""Wan video engine: product photos that move (image-to-video) and scenes from the copy
(text-to-video), with the Wan 2.x models in diffusers. Registered as the visual engine "wan".

The plain API (no registry needed; the planner and ``make --visuals wan`` call it):

    clip = generate_clip(photo, prompt, folder=project_folder, size=(704, 1280), seconds=3.2,
                         fps=30, preset="draft", seed=7, model="wan2.2-ti2v-5b",
                         progress=progress, cancel=cancel)
    clip.path       # the MP4 in project_folder/assets/ (content-addressed name)
    clip.asset      # its Asset entry (kind "video", duration in microseconds, meta, licence)
    clip.params     # the recipe params: model, prompt, negative, steps, preset, strength,
                    # size, frames, fps, tier, and for a photo "fidelity" (0..1)
    clip.changed    # True when the product no longer looks like the photo (fidelity below
                    # fidelity.FIDELITY_THRESHOLD): fall back to the motion shot

``photo`` is a PIL image (the product; None for a text-to-video scene), ``prompt`` None builds
one (:func:`motion_prompt`, :func:`scene_prompt`). ``size`` (w, h pixels, multiples of 32) comes
from :func:`clip_size` for the canvas aspect and the preset. The engine's ``new_take`` does the
same for a clip of a project and returns the take.

How a clip is made:

1. the photo becomes the first frame: framed for the clip's aspect by the motion shots' own
   camera (:class:`.camera.PhotoCamera`: the product whole, the bands filled with the photo
   blurred or its flat studio colour, a cut-out on the palette's background);
2. the pipeline: ``WanImageToVideoPipeline`` for a photo (with the TI2V-5B weights it runs the
   Wan2.2 ``expand_timesteps`` path: the photo's latent is the clip's first latent frame, kept
   fixed while the rest is denoised), ``WanPipeline`` for a scene; both from one loaded folder
   (:mod:`.wan_memory`, which also steps down the memory tiers on out-of-memory);
3. progress from ``callback_on_step_end``; cancelling raises from that callback, before the
   decode, and nothing is written;
4. the frames are retimed to the shot (trimmed, or slowed when the model's longest clip is
   shorter than the shot) at the project's frame rate and written as H.264 MP4 into the
   project's ``assets/`` (atomic, content-addressed);
5. for a photo, :func:`.fidelity.product_fidelity` scores whether the product is still the
   product; below the threshold the take is labelled "product changed".

Sizes, prompts, the first frame, retiming and the MP4: :mod:`.wan_clip`; memory tiers and
loading: :mod:`.wan_memory`. Presets: ``draft`` (short side 480 px, 12 steps) and ``final`` (the model's native size: 1280x704
or 704x1280 for TI2V-5B, 832x480 for T2V-1.3B; 40 steps). Wan's weights are Apache-2.0:
commercial use allowed.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from promodesk.core.projectfile import add_asset, asset_path
from promodesk.core.timeline import Asset, Recipe, Take, seconds_from_us, us_from_seconds
from promodesk.engines.base import (CancelToken, EngineInfo, EngineUnavailable, NewTake,
                                    Progress, RequestError, TakeRequest, no_progress)
from promodesk.engines.models import loading
from promodesk.engines.models.catalogue import CATALOGUE
from promodesk.engines.visuals.wan_clip import (  # noqa: F401 - the module's public API
    DEFAULT_MODEL, MOTION, NATIVE, NEGATIVE, PRESETS, SCENE_NEGATIVE, STRENGTH, clip_frames,
    clip_size, first_frame, motion_prompt, native, retime, scene_prompt, write_mp4)

LIBRARIES = ("torch", "diffusers", "ftfy")  # diffusers' Wan pipelines clean prompts with ftfy
SETTINGS = ("prompt", "negative", "model", "preset", "steps", "strength", "size", "fps",
            "scene")


# --- one clip ------------------------------------------------------------------------------------

@dataclass
class WanClip:
    """A generated clip stored in a project: ``path`` (the MP4 in ``assets/``), ``asset`` (its
    entry), ``params`` (the recipe params), ``fidelity`` (0..1, None for a scene) and
    ``changed`` (the product no longer looks like the photo)."""

    path: Path
    asset: Asset
    params: dict = field(default_factory=dict)
    fidelity: float | None = None
    changed: bool = False


def generate_clip(photo, prompt: str | None = None, *, folder: Path, size: tuple[int, int],
                  seconds: float, fps: float = 30, preset: str = "draft", seed: int = 0,
                  model: str | Path = DEFAULT_MODEL, steps: int | None = None,
                  negative: str | None = None, strength: float = STRENGTH, kind: str = "hero",
                  copy: str = "", colors: list[str] | None = None,
                  progress: Progress = no_progress, cancel: CancelToken | None = None,
                  prefer: str | None = None) -> WanClip:
    """Generate a clip of ``seconds`` at ``fps`` frames per second, ``size`` (w, h pixels,
    multiples of 32), into project ``folder``'s assets: from ``photo`` (PIL image; its first
    frame) or, with ``photo`` None, a scene from the text. ``prompt``/``negative`` None build
    them from ``kind``, ``copy`` and ``colors``; ``steps`` None takes the preset's; ``strength``
    0..1 is how strongly the prompt steers (guidance scale 1 + 8 x strength; 0.5 is Wan's 5).
    Raises Cancelled (nothing written), RequestError, EngineUnavailable or GenerationError."""
    from promodesk.engines.models.device import (MODELS, is_out_of_memory, pick_device,
                                                 with_memory_retry)
    from promodesk.engines.visuals import wan_memory

    cancel = cancel or CancelToken()
    missing = loading.availability(lambda: None, LIBRARIES, "The Wan video engine")
    if missing:
        raise EngineUnavailable(missing)
    if preset not in PRESETS:
        raise RequestError(f"Unknown preset {preset!r}; choose one of {', '.join(PRESETS)}.")
    w, h = (int(v) for v in size)
    if w % 32 or h % 32 or w < 32 or h < 32:
        raise RequestError(f"A Wan clip's size must be multiples of 32 pixels, not {w}x{h}; "
                           "use wan.clip_size().")
    progress(0.0, "loading the video model")
    folder_of_model = loading.model_folder(model)
    kind_of = wan_memory.layout(folder_of_model)
    if photo is None and kind_of == "i2v":
        raise RequestError("This Wan model makes video from a photo only; choose "
                           f"{DEFAULT_MODEL} for a scene without a photo.")
    if photo is not None and kind_of == "t2v":
        raise RequestError("This Wan model makes scenes from text only; choose "
                           f"{DEFAULT_MODEL} to animate the product photo.")
    _, model_fps, longest = native(model)
    frames_n = clip_frames(seconds, model_fps, longest)
    steps = int(steps or PRESETS[preset][1])
    strength = min(max(float(strength), 0.0), 1.0)
    if prompt is None:
        prompt = motion_prompt(kind, copy, colors) if photo is not None else \
            scene_prompt(copy, colors)
    if negative is None:
        negative = NEGATIVE if photo is not None else SCENE_NEGATIVE
    start, box = (first_frame(photo, (w, h), colors) if photo is not None else (None, None))
    device = pick_device(prefer)
    order = wan_memory.tiers(device)
    first = wan_memory.start_tier(device, str(model), folder_of_model)
    used: list[str] = []

    def on_step(pipe, i, t, tensors):
        cancel.check()  # raises out of the denoising loop at once: no decode, no file
        progress(0.1 + 0.75 * (i + 1) / steps, f"generating: step {i + 1} of {steps}")
        if i + 1 == steps:
            progress(0.85, "decoding the frames")
        return tensors

    def check(_module, _inputs):
        cancel.check()

    def job(tier: str):
        import torch

        loaded, at = wan_memory.load(model, folder_of_model, tier, prefer)
        used.append(at)
        pipe = wan_memory.sibling(loaded.net, photo is not None)
        cancel.check()
        progress(0.1, f"generating ({at})")
        kwargs = dict(prompt=prompt, negative_prompt=negative, height=h, width=w,
                      num_frames=frames_n, num_inference_steps=steps,
                      guidance_scale=1.0 + 8.0 * strength, output_type="np",
                      generator=torch.Generator("cpu").manual_seed(int(seed)),
                      callback_on_step_end=on_step)
        if photo is not None:
            from PIL import Image

            kwargs["image"] = Image.fromarray(start)
        failed = None
        # a step at Final takes seconds, the decode tens of seconds: cancel is also checked
        # before every transformer block and every latent frame the VAE decodes
        hooks = [part.register_forward_pre_hook(check) for part in _cancel_points(pipe)]
        try:
            with torch.inference_mode():
                return pipe(**kwargs).frames[0]
        except Exception as err:  # noqa: BLE001 - only memory errors are handled, others re-raise
            if not is_out_of_memory(err):
                raise
            failed = str(err)
        finally:
            for hook in hooks:
                hook.remove()
        # raised afresh outside the handler: the original traceback would keep this pipeline
        # (and its weights on the card) alive while the next tier loads
        del pipe, loaded, kwargs
        raise torch.OutOfMemoryError(failed)

    video = with_memory_retry(job, order[order.index(first):], "The Wan video model",
                              on_oom=MODELS.release)
    cancel.check()
    progress(0.88, "writing the clip")
    frames = [np.clip(f * 255.0 + 0.5, 0, 255).astype(np.uint8) for f in video]
    rate = Fraction(fps).limit_denominator(1001)
    shown = retime(frames, model_fps, seconds, rate)
    params = {"model": str(model), "prompt": prompt, "negative": negative, "steps": steps,
              "preset": preset, "strength": strength, "size": [w, h], "frames": frames_n,
              "fps": float(fps), "tier": used[-1]}
    fidelity = None
    if photo is not None:
        fidelity = _fidelity(photo, frames, box)
        if fidelity is not None:
            params["fidelity"] = round(fidelity, 3)
    with tempfile.TemporaryDirectory() as tmp:
        asset_id = add_asset(Path(folder), write_mp4(shown, rate, Path(tmp) / "clip.mp4"))
    entry = CATALOGUE.get(str(model))
    licence = entry.licence if entry else "unknown: check the licence of the model folder"
    asset = Asset(asset_id, "video", us_from_seconds(len(shown) / rate),
                  {"width": w, "height": h, "fps": float(rate), "engine": "wan",
                   "model": str(model), "prompt": prompt, "seed": int(seed),
                   "commercial_use": bool(entry and entry.commercial_use),
                   "source": f"wan {preset}"}, licence)
    progress(1.0, "clip ready")
    return WanClip(asset_path(Path(folder), asset_id), asset, params, fidelity,
                   changed=fidelity is not None and fidelity < _threshold())


def _cancel_points(pipe) -> list:
    """The modules before which a running clip checks for cancel: each transformer block and
    the VAE's decoder (called once per latent frame)."""
    points = []
    for part in (pipe.transformer, getattr(pipe, "transformer_2", None)):
        if part is not None:
            points.extend(part.blocks)
    return points + [pipe.vae.decoder]


def _fidelity(photo, frames: list[np.ndarray], box) -> float | None:
    """The product fidelity score of the generated frames (None where the fidelity module is
    not installed)."""
    try:
        from promodesk.engines.visuals.fidelity import product_fidelity
    except ImportError:
        return None
    return float(product_fidelity(photo, frames, box))


def _threshold() -> float:
    from promodesk.engines.visuals.fidelity import FIDELITY_THRESHOLD

    return float(FIDELITY_THRESHOLD)


# --- the engine the registry knows ---------------------------------------------------------------

class WanTakes:
    """Wan 2.x video generation as a visual engine: a new take is a generated video asset (see
    the module docstring); frames are drawn like footage. Params beyond the shot's (``kind``,
    ``title``, ``text``, ``colors``): ``prompt``, ``negative``, ``model`` (catalogue name or
    folder; default wan2.2-ti2v-5b), ``preset`` (draft, final), ``steps``, ``strength`` (0..1),
    ``size`` ([w, h]; default from the canvas and preset), ``fps`` (the project's; default 30),
    ``scene`` (True: a scene from the text even when the clip has a photo), ``photo`` (the
    product photo's asset id, kept so later takes start from the photo again)."""

    settings = SETTINGS
    default_model = DEFAULT_MODEL

    def __init__(self) -> None:
        entry = CATALOGUE.get(self.default_model)
        self.info = EngineInfo(name="wan", kind="visuals", title="Wan video (model)",
                               output_licence=entry.licence if entry else "Apache-2.0",
                               commercial_use=True, model=True)

    def availability(self) -> str | None:
        """None when torch, diffusers and the Wan weights are here, else what is missing and
        the download command."""
        return loading.availability(lambda: loading.model_folder(self.default_model),
                                    LIBRARIES, "The Wan video engine")

    def runs(self, model: str) -> bool:
        """Whether ``model`` (a catalogue name or a folder) is a Wan model this engine runs."""
        if str(model) in NATIVE:
            return True
        if str(model) in CATALOGUE or not Path(str(model)).is_dir():
            return False
        from promodesk.engines.visuals.wan_memory import layout

        try:
            layout(Path(str(model)))
        except EngineUnavailable:
            return False
        return True

    def frame_source(self, params: dict, photo, size: tuple[int, int], duration_us: int,
                     seed: int):
        """The clip's video drawn like footage (``photo`` is its VideoDecoder), filling the
        frame."""
        from promodesk.engines.visuals.footage import FootageSource

        return FootageSource({"fit": params.get("fit", "cover")}, photo, size)

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """Generate a clip for the request's shot (its photo animated, or a scene) with the
        request's seed, stored as a video asset; the take's label says the preset, and
        "product changed" when the fidelity check failed."""
        from promodesk.engines.visuals.photos import load_photo

        cancel = cancel or CancelToken()
        params = dict(request.recipe.params)
        photo_id = params.get("photo")
        if request.asset is not None and request.asset.kind == "image":
            photo_id = request.asset.id
        photo = None
        if photo_id and not params.get("scene"):
            photo = load_photo(asset_path(request.folder, photo_id))
        model = params.get("model") or self.default_model
        preset = params.get("preset") or "draft"
        size = tuple(params["size"]) if params.get("size") else \
            clip_size(request.size, preset, model)
        copy = " ".join(str(params.get(k) or "") for k in ("title", "text")).strip() \
            or request.text
        seconds = seconds_from_us(request.duration_us)
        if seconds <= 0:
            raise RequestError("A Wan clip needs a length; give the clip a duration first.")
        clip = generate_clip(photo, params.get("prompt") or None, folder=request.folder,
                             size=size, seconds=seconds, fps=float(params.get("fps") or 30),
                             preset=preset, seed=int(request.recipe.seed), model=model,
                             steps=int(params["steps"]) if params.get("steps") else None,
                             negative=params.get("negative") or None,
                             strength=float(params.get("strength", STRENGTH)),
                             kind=str(params.get("kind") or "hero"), copy=copy,
                             colors=list(params.get("colors") or []),
                             progress=progress, cancel=cancel)
        params.update(clip.params)
        if photo_id:
            params["photo"] = photo_id
        label = f"wan {preset}" + (" · product changed" if clip.changed else "")
        take = Take(clip.asset.id, Recipe("wan", params, int(request.recipe.seed)),
                    clip.asset.duration, label=label)
        return NewTake(take, clip.asset)

