"""The one way model engines load weights: :func:`load_pretrained`.

The rules, in one place:

- Weights come from PromoDesk's models folder or the Hugging Face cache (:mod:`.catalogue`), or a
  folder the user names; never from the network while generating. Loading runs with the Hugging
  Face libraries offline (``HF_HUB_OFFLINE``) and ``local_files_only``; only
  ``promodesk models download`` goes online, when the user asks.
- Safetensors only: a folder (or a pipeline part) holding only pickled ``.bin``/``.pt`` weights is
  refused with a message saying why and what to do, and loading asks for ``use_safetensors``.
- No code from a model folder: ``trust_remote_code`` is always False, and a folder that ships
  ``.py`` files or names classes outside diffusers/transformers is refused before loading.
- Device and number format come from :func:`.device.pick_device`; loaded models are kept in
  :data:`.device.MODELS` between jobs.
- Missing weights are an :class:`EngineUnavailable` naming the folder looked in and the
  ``promodesk models download NAME`` command.

torch, transformers and diffusers are imported by the engines, when a job runs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from promodesk.engines.base import EngineUnavailable
from promodesk.engines.models import catalogue
from promodesk.engines.models.device import MODELS, Device, pick_device


@dataclass(frozen=True)
class LoadedModel:
    """A model ready to run: ``net`` (a transformers model in eval mode, or a diffusers
    pipeline) on ``device``, its ``processor`` (None when not asked for), and ``key``, its name
    in :data:`.device.MODELS` (to release the others after an out-of-memory error)."""

    net: Any
    processor: Any
    device: Device
    key: str


def model_folder(model: str | Path) -> Path:
    """The folder of ``model`` (a catalogue name or a folder path), checked safe to load:
    safetensors weights only and no code of its own. EngineUnavailable saying what is missing or
    wrong, and how to get the model, otherwise."""
    if str(model) in catalogue.CATALOGUE:
        folder = catalogue.require(str(model))
    else:
        folder = Path(model)
        catalogue.check_safetensors(folder)
    refuse_own_code(folder)
    return folder


def availability(folder: Callable[[], Path], libraries: tuple[str, ...],
                 title: str) -> str | None:
    """None when ``libraries`` import and ``folder()`` finds the model, else what is missing and
    how to get it (an engine's ``availability``)."""
    missing = [lib for lib in libraries if importlib.util.find_spec(lib) is None]
    if missing:
        return (f"{title} needs the model extras: pip install 'promodesk[gpu]' "
                f"({', '.join(libraries)}).")
    try:
        folder()
    except EngineUnavailable as err:
        return str(err)
    return None


def load_pretrained(model: str | Path, model_class: Any, processor_class: Any = None,
                    prefer: str | None = None, dtype: str | None = None,
                    place: Callable[[Any, Device], Any] | None = None) -> LoadedModel:
    """``model`` (catalogue name or folder) loaded with ``model_class.from_pretrained`` (a
    transformers model class or a diffusers pipeline class) and, when given,
    ``processor_class.from_pretrained``, on the device :func:`pick_device` chooses (``prefer``
    forces one) in its number format; kept in the model cache, so a second call is free.
    ``dtype`` (a torch dtype name, "bfloat16") loads in that format instead of the device's;
    ``place(net, device)`` puts the loaded net where it runs instead of moving all of it onto
    the device (a video pipeline too big for the card offloads parts of itself to the CPU).
    EngineUnavailable when the folder is missing, unsafe or not loadable offline."""
    folder = model_folder(model)
    device = pick_device(prefer)
    # A folder downloaded as half-precision files (the catalogue's "fp16" variant) has no
    # full-precision weights; load those, cast to the device's format.
    variant = "fp16" if any(folder.rglob("*.fp16.safetensors")) else None
    size = catalogue.folder_bytes(folder)
    if device.dtype == "float16" and variant is None:
        size //= 2  # float32 files held in half precision
    key = f"{model_class.__name__}:{folder.resolve()}:{device.kind}" + (f":{dtype}" if dtype else "")
    torch_dtype = device.torch_dtype()
    if dtype:
        import torch

        torch_dtype = getattr(torch, dtype)

    def load() -> tuple[Any, Any]:
        safe = dict(local_files_only=True, trust_remote_code=False)
        try:
            with no_network():
                processor = (processor_class.from_pretrained(folder, **safe)
                             if processor_class is not None else None)
                net = model_class.from_pretrained(folder, use_safetensors=True, variant=variant,
                                                  dtype=torch_dtype, **safe)
        except OSError as err:  # a file the folder lacks: it would have to be downloaded
            reason = str(err).split(". ")[0]  # the rest of the library's text is about the hub
            raise EngineUnavailable(
                f"{folder} is missing files needed to load it ({reason}). Download the model "
                f"again with {catalogue.download_command(_name_of(model))}, or copy a complete "
                "Hugging Face folder there.") from err
        if hasattr(net, "set_progress_bar_config"):  # a diffusers pipeline: no console bars
            net.set_progress_bar_config(disable=True)
        net = place(net, device) if place is not None else net.to(device.torch_device())
        if hasattr(net, "eval"):
            net.eval()
        return net, processor

    net, processor = MODELS.get(key, load, size, device)
    return LoadedModel(net, processor, device, key)


def _name_of(model: str | Path) -> str | None:
    return str(model) if str(model) in catalogue.CATALOGUE else None


# -- no code from a model folder --------------------------------------------------------------------

_OWN_LIBRARIES = (None, "diffusers", "transformers")


def _ships_with_libraries(library: str | None) -> bool:
    """Whether a model_index.json part's library is diffusers, transformers, or one of diffusers'
    own pipeline packages (parts such as ACE-Step's condition encoder live in
    ``diffusers.pipelines.ace_step`` and are named by that package)."""
    if library in _OWN_LIBRARIES:
        return True
    return bool(library) and str(library).isidentifier() and \
        importlib.util.find_spec(f"diffusers.pipelines.{library}") is not None


def refuse_own_code(folder: Path) -> None:
    """Raise EngineUnavailable when ``folder`` would need code of its own to load: Python files
    in it, a diffusers ``model_index.json`` naming a pipeline or part that diffusers /
    transformers do not ship, or a transformers config with an ``auto_map`` (remote code)."""
    folder = Path(folder)
    asks: list[str] = [str(p.relative_to(folder)) for p in folder.rglob("*.py")]
    index = folder / "model_index.json"
    if index.is_file():
        spec = _read_json(index)
        name = str(spec.get("_class_name", ""))
        import diffusers

        if not hasattr(diffusers, name):
            asks.append(name or "no pipeline class")
        asks += [f"{part}: {value[1]} from {value[0]}" for part, value in spec.items()
                 if isinstance(value, list) and value and not _ships_with_libraries(value[0])]
    for config in [*folder.rglob("config.json"), *folder.rglob("*_config.json")]:
        if "auto_map" in _read_json(config):
            asks.append(f"{config.relative_to(folder)}: auto_map")
    if asks:
        raise EngineUnavailable(
            f"{folder} asks for code of its own ({', '.join(asks)}); PromoDesk only loads "
            "models whose code ships with transformers or diffusers, so a model folder cannot "
            "run code on this computer.")


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        raise EngineUnavailable(f"{path} cannot be read as JSON; the model folder is damaged. "
                                "Download the model again.") from None
    return data if isinstance(data, dict) else {}


# -- offline while loading ---------------------------------------------------------------------------

_OFFLINE_VARS = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE")


@contextlib.contextmanager
def no_network():
    """While inside, Hugging Face libraries run offline (HF_HUB_OFFLINE and friends set, also in
    an already imported huggingface_hub). Models load inside this; only
    :func:`.catalogue.download` goes online, and only when the user asks."""
    saved = {k: os.environ.get(k) for k in _OFFLINE_VARS}
    os.environ.update({k: "1" for k in _OFFLINE_VARS})
    _set_hub_offline_flag()
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        _set_hub_offline_flag()


def _set_hub_offline_flag() -> None:
    # huggingface_hub reads the variable once, at import; keep its copy in step with ours.
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:
        value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
        constants.HF_HUB_OFFLINE = value.upper() in {"1", "ON", "YES", "TRUE"}
