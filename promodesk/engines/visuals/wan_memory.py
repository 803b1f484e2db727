"""Where a Wan video pipeline runs and how it fits: the model folder's layout, the number
formats, and the memory tiers the engine steps down through when the graphics card runs out.

Tiers, most memory first (each a setting for :func:`..models.device.with_memory_retry`):

- ``gpu``: the whole pipeline on the graphics card (fastest; TI2V-5B needs ~32 GB);
- ``offload``: diffusers' model CPU offload (text encoder, transformer and VAE take turns on
  the card) plus VAE tiling (the decode works on tiles, not the whole clip at once);
- ``group``: group offload at leaf level with CUDA streams (layers are brought to the card just
  before they run, the next one copied while the current one computes) plus VAE tiling;
- ``fp8``: ``group`` with the transformer's weights stored as float8 (e4m3) and computed in
  the loading format, bfloat16 (diffusers' layerwise casting; norms and embeddings stay in full
  precision).

On the CPU the tiers are ``cpu`` then ``tiled`` (VAE tiling); on Apple GPUs ``gpu`` then
``tiled``. The first tier tried is the first whose typical need fits the free memory
(:func:`start_tier`); a pipeline keeps the tier it was loaded at, so after one step down later
jobs start there too.

Weights load only through :func:`..models.loading.load_pretrained` (safetensors, offline, no
code from the folder). torch and diffusers are imported inside the functions.
"""

from __future__ import annotations

import json
import weakref
from pathlib import Path

from promodesk.engines.base import EngineUnavailable
from promodesk.engines.models import loading
from promodesk.engines.models.device import GIB, Device, free_bytes

CUDA_TIERS = ("gpu", "offload", "group", "fp8")
OTHER_TIERS = {"cpu": ("cpu", "tiled"), "mps": ("gpu", "tiled")}
# Typical peak VRAM per tier in GiB at the model's native size (Wan-AI's published figures:
# T2V-1.3B ~8.2 GB with its text encoder off the card, TI2V-5B runs on a 24 GB card with
# offload; the rest scaled by the weights each tier keeps resident). Not yet measured here.
TIER_NEED_GIB = {
    "wan2.2-ti2v-5b": {"gpu": 34, "offload": 22, "group": 14, "fp8": 10},
    "wan2.1-t2v-1.3b": {"gpu": 20, "offload": 9, "group": 6, "fp8": 5},
}
UNKNOWN_NEED_GIB = {"gpu": 40, "offload": 22, "group": 14, "fp8": 10}

# the tier each loaded pipeline was placed at (pipelines are cached by the loader), and the
# last tier used per model folder (where the next job starts: a step down is remembered)
_TIER: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_LAST: dict[str, str] = {}


def tiers(device: Device) -> tuple[str, ...]:
    """The memory tiers for ``device``, most memory (fastest) first."""
    return CUDA_TIERS if device.kind == "cuda" else OTHER_TIERS.get(device.kind, ("cpu", "tiled"))


def start_tier(device: Device, model: str, folder: Path, free: int | None = None) -> str:
    """The first tier worth trying on ``device`` for catalogue model ``model`` (or a folder)
    in ``folder``: the one its last job ran at, else the fastest whose typical need fits
    ``free`` bytes (default: the memory free now; the smallest tier when none fits)."""
    order = tiers(device)
    last = _LAST.get(str(Path(folder).resolve()))
    if last in order:
        return last
    if device.kind != "cuda":
        return order[0]
    free = (free_bytes(device) or 0) if free is None else free
    need = TIER_NEED_GIB.get(str(model), UNKNOWN_NEED_GIB)
    return next((t for t in order if need[t] * GIB <= free), order[-1])


def layout(folder: Path) -> str:
    """The kind of Wan pipeline in ``folder`` from its ``model_index.json``: "ti2v" (Wan2.2
    TI2V-5B: text and photo to video, ``expand_timesteps``), "i2v" (photo to video only) or
    "t2v" (text to video only). EngineUnavailable for a folder that is not a Wan pipeline."""
    index = Path(folder) / "model_index.json"
    try:
        spec = json.loads(index.read_text("utf-8"))
    except (OSError, ValueError):
        raise EngineUnavailable(f"{folder} has no readable model_index.json, so it is not a "
                                "diffusers Wan pipeline. Download one with `promodesk models "
                                "download wan2.2-ti2v-5b`.") from None
    name = spec.get("_class_name", "")
    if name not in ("WanPipeline", "WanImageToVideoPipeline"):
        raise EngineUnavailable(f"{folder} holds a {name or 'model'} pipeline, not a Wan video "
                                "pipeline (WanPipeline or WanImageToVideoPipeline).")
    if spec.get("expand_timesteps"):
        return "ti2v"
    return "i2v" if name == "WanImageToVideoPipeline" else "t2v"


def number_format(device: Device) -> str | None:
    """The torch dtype name the weights load in: bfloat16 on CUDA cards that have it (Wan is
    trained in it; float16 overflows in its T5 text encoder), else the device's own."""
    if device.kind == "cuda":
        import torch

        return "bfloat16" if torch.cuda.is_bf16_supported() else "float16"
    return None


def load(model: str | Path, folder: Path, tier: str, prefer: str | None = None):
    """The pipeline for ``model`` placed at ``tier`` (or at a lower tier it was already moved
    to), as ``(LoadedModel, tier)``. A cached pipeline at a higher tier than asked is dropped
    and loaded again at ``tier``."""
    import diffusers

    from promodesk.engines.models.device import MODELS, pick_device

    cls = (diffusers.WanImageToVideoPipeline if layout(folder) == "i2v"
           else diffusers.WanPipeline)
    device = pick_device(prefer)
    order = tiers(device)

    def place(net, device):
        return place_at(net, device, tier)

    loaded = loading.load_pretrained(model, cls, prefer=prefer, dtype=number_format(device),
                                     place=place)
    had = _TIER.get(loaded.net, tier)
    if order.index(had) < order.index(tier):  # cached with more memory than we may use now
        MODELS.release(loaded.key)
        loaded = loading.load_pretrained(model, cls, prefer=prefer, dtype=number_format(device),
                                         place=place)
        had = tier
    _LAST[str(Path(folder).resolve())] = had
    return loaded, had


def place_at(net, device: Device, tier: str):
    """Put pipeline ``net`` on ``device`` as ``tier`` says (any tier on any device: on the CPU
    "group" and "fp8" run without CUDA streams, which tests use); returns it."""
    import torch

    _TIER[net] = tier
    if device.kind == "cuda":
        net.vae.to(torch.float32)  # the VAE decodes in full precision (Wan's recommendation)
    if tier in ("cpu", "gpu", "tiled"):
        net = net.to(device.torch_device())
    elif tier == "offload":
        net.enable_model_cpu_offload(device=device.torch_device())
    else:
        if tier == "fp8":
            for part in (net.transformer, getattr(net, "transformer_2", None)):
                if part is not None:
                    part.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn,
                                                  compute_dtype=part.dtype)
        net.enable_group_offload(onload_device=device.torch_device(),
                                 offload_device=torch.device("cpu"), offload_type="leaf_level",
                                 use_stream=device.kind == "cuda")
    if tier not in ("cpu", "gpu"):
        net.vae.enable_tiling()  # the decode in tiles: the whole clip at once needs the most
    return net


def sibling(pipe, image_to_video: bool):
    """The pipeline that makes the other kind of clip from the same loaded parts (no copy): a
    ``WanImageToVideoPipeline`` over a TI2V ``WanPipeline``'s parts, or the reverse. The parts
    keep their offload hooks, so the sibling runs in the same memory tier."""
    import diffusers

    cls = diffusers.WanImageToVideoPipeline if image_to_video else diffusers.WanPipeline
    if isinstance(pipe, cls):
        return pipe
    parts = {k: v for k, v in pipe.components.items()
             if k in ("tokenizer", "text_encoder", "vae", "scheduler", "transformer",
                      "transformer_2")}
    other = cls(**parts, boundary_ratio=pipe.config.boundary_ratio,
                expand_timesteps=bool(pipe.config.expand_timesteps))
    other.set_progress_bar_config(disable=True)
    _TIER[other] = _TIER.get(pipe, "gpu")
    return other
