"""Diffusion stills engine: backgrounds and lifestyle scenes from a prompt built from the copy,
with a few-step text-to-image model through diffusers' ``AutoPipelineForText2Image``.

The still is a PIL image; the visual engine's ShotRenderer animates it like a product photo
(contract 2: saved into the project's assets it becomes the take's photo asset). Progress comes
from ``callback_on_step_end``; cancelling raises from that callback, which stops the denoising
loop at once and skips the VAE decode (setting the pipeline's ``interrupt`` flag instead would
still decode, several seconds on a CPU). Weights load through :mod:`..models.loading`: safetensors
only, offline, and only pipeline classes diffusers itself ships (no code from a model folder).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from promodesk.core.atomic import atomic_writer
from promodesk.engines.base import (CancelToken, Cancelled, EngineInfo, Progress,
                                    no_progress)
from promodesk.engines.models import loading
from promodesk.engines.models.catalogue import CATALOGUE
from promodesk.engines.models.device import MODELS, with_memory_retry

# Steps and guidance each catalogue model is made for (Turbo / schnell: few steps, no CFG).
_DEFAULTS = {"sd-turbo": (2, 0.0), "sdxl-turbo": (2, 0.0), "flux-schnell": (4, 0.0)}

# Words for common product nouns in Chinese copy: CLIP reads English only.
_ZH_WORDS = {"咖啡": "coffee", "杯": "cup", "茶": "tea", "耳机": "headphones", "手机": "phone",
             "护肤": "skincare", "面霜": "face cream", "香水": "perfume", "鞋": "shoes",
             "包": "bag", "手表": "watch", "灯": "lamp", "晨光": "morning light",
             "早晨": "morning", "清晨": "morning", "木": "wood", "自然": "nature", "花": "flowers",
             "厨房": "kitchen", "家": "home", "运动": "sport", "户外": "outdoor", "夏": "summer",
             "冬": "winter", "春": "spring", "秋": "autumn", "陶瓷": "ceramic", "玻璃": "glass",
             "水果": "fruit", "巧克力": "chocolate", "蛋糕": "cake", "酒": "wine", "书": "books"}
_STOP = {"the", "a", "an", "and", "or", "for", "with", "of", "to", "in", "on", "at", "is", "are",
         "your", "our", "you", "we", "it", "this", "that", "now", "only", "just", "new", "buy",
         "off", "sale", "get", "from", "by", "be", "as"}
_COLOURS = {"red": (200, 40, 40), "orange": (235, 130, 40), "yellow": (235, 210, 60),
            "green": (60, 160, 80), "teal": (40, 150, 150), "blue": (50, 90, 200),
            "purple": (130, 70, 180), "pink": (235, 130, 170), "brown": (120, 80, 50),
            "beige": (225, 210, 180), "white": (245, 245, 245), "grey": (128, 128, 128),
            "black": (20, 20, 20)}
_KINDS = {
    "background": "clean product photography background, soft studio light, empty space for "
                  "text, shallow depth of field",
    "lifestyle": "lifestyle scene, natural light, cozy and inviting, professional photo",
}


def still_prompt(copy: str, kind: str = "background", colors: list[str] | None = None) -> str:
    """An English prompt from the copy: its English words and known Chinese product words,
    the brand colours by name, and the look for ``kind`` ("background" or "lifestyle")."""
    words: list[str] = []
    for zh, en in _ZH_WORDS.items():
        if zh in copy and en not in words:
            words.append(en)
    for w in re.findall(r"[A-Za-z][A-Za-z'-]+", copy):
        w = w.lower()
        if w not in _STOP and w not in words:
            words.append(w)
    parts = [" ".join(words[:10])] if words else []
    names = []
    for hex_colour in colors or []:
        name = _colour_name(hex_colour)
        if name and name not in names:
            names.append(name)
    if names:
        parts.append(" and ".join(names[:3]) + " colour palette")
    parts.append(_KINDS.get(kind, _KINDS["background"]))
    return ", ".join(parts)


def _colour_name(hex_colour: str) -> str | None:
    m = re.fullmatch(r"#?([0-9a-fA-F]{6})", hex_colour.strip())
    if not m:
        return None
    rgb = tuple(int(m.group(1)[i:i + 2], 16) for i in (0, 2, 4))
    return min(_COLOURS, key=lambda n: sum((a - b) ** 2 for a, b in zip(_COLOURS[n], rgb)))


@dataclass
class StillRequest:
    """What to paint: ``prompt``, ``size`` (width, height) in pixels (rounded down to multiples
    of 8), ``seed``; ``steps``/``guidance`` None for the model's own."""

    prompt: str
    size: tuple[int, int] = (512, 512)
    seed: int = 0
    steps: int | None = None
    guidance: float | None = None
    negative: str = "text, watermark, logo, blurry"


class StillsEngine:
    """A text-to-image model as a visuals engine. ``model`` is a catalogue name ("sd-turbo") or
    a diffusers model folder."""

    def __init__(self, model: str | Path = "sd-turbo", device: str | None = None) -> None:
        self.model, self.prefer = model, device
        entry = CATALOGUE.get(str(model))
        licence = entry.licence if entry else "unknown: check the licence of the model folder"
        self.info = EngineInfo(name="stills", kind="visuals", title="Diffusion stills (model)",
                               output_licence=licence,
                               commercial_use=bool(entry and entry.commercial_use), model=True)

    def folder(self) -> Path:
        """The model folder (checked safe to load); EngineUnavailable when missing."""
        return loading.model_folder(self.model)

    def availability(self) -> str | None:
        """None when the engine can run here, else what is missing and how to get it."""
        return loading.availability(self.folder, ("torch", "diffusers"), "Diffusion stills")

    def _load(self) -> loading.LoadedModel:
        from diffusers import AutoPipelineForText2Image

        return loading.load_pretrained(self.model, AutoPipelineForText2Image, prefer=self.prefer)

    def generate(self, request: StillRequest | str, progress: Progress = no_progress,
                 cancel: CancelToken | None = None):
        """The still for ``request`` as a PIL RGB image of the request's size (multiples of 8).
        ``image.info`` carries prompt, seed, model, licence and commercial_use."""
        import torch

        cancel = cancel or CancelToken()
        if isinstance(request, str):
            request = StillRequest(request)
        width, height = (max(8, int(v) // 8 * 8) for v in request.size)
        progress(0.0, "loading the image model")
        loaded = self._load()
        pipe = loaded.net
        steps, guidance = _DEFAULTS.get(str(self.model), (4, 0.0))
        steps = request.steps or steps
        guidance = guidance if request.guidance is None else request.guidance

        def on_step(pipeline, i, t, tensors):
            cancel.check()  # raises Cancelled out of the denoising loop at once
            progress(0.05 + 0.9 * (i + 1) / steps, f"painting: step {i + 1} of {steps}")
            return tensors

        def job(save_memory: bool):
            if save_memory:  # the retry after out-of-memory: slower, much less memory
                pipe.enable_attention_slicing()
                if hasattr(pipe, "vae") and hasattr(pipe.vae, "enable_tiling"):
                    pipe.vae.enable_tiling()
            generator = torch.Generator("cpu").manual_seed(int(request.seed))
            kwargs = dict(prompt=request.prompt, num_inference_steps=steps,
                          guidance_scale=guidance, width=width, height=height,
                          generator=generator, callback_on_step_end=on_step)
            if guidance > 1.0 and request.negative:
                kwargs["negative_prompt"] = request.negative
            with torch.inference_mode():
                return pipe(**kwargs).images[0]

        cancel.check()
        image = with_memory_retry(job, [False, True], "The image model",
                                  on_oom=lambda: MODELS.release_others(loaded.key))
        if cancel.cancelled:
            raise Cancelled()
        image = image.convert("RGB")
        image.info.update(prompt=request.prompt, seed=str(request.seed), model=str(self.model),
                          licence=self.info.output_licence,
                          commercial_use=str(self.info.commercial_use).lower())
        progress(1.0, "still ready")
        return image


def save_still(image, path: Path) -> Path:
    """Write ``image`` as PNG at ``path`` atomically (temp file + rename), keeping the prompt,
    seed, model and licence as PNG text. Returns ``path``."""
    from PIL.PngImagePlugin import PngInfo

    path = Path(path)
    info = PngInfo()
    for key in ("prompt", "seed", "model", "licence", "commercial_use"):
        if key in image.info:
            info.add_text(key, str(image.info[key]))
    with atomic_writer(path) as f:
        image.save(f, format="PNG", pnginfo=info)
    return path
