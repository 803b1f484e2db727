"""The model catalogue: which weights the model engines use, their licence, where they are looked
for on this computer, and the one place that downloads them (only when the user asks).

A model is found in PromoDesk's own models folder (``<user data dir>/models/<name>/``, a plain
Hugging Face folder a user may copy in by hand) or in the Hugging Face cache. Engines never
download: they load through :func:`.loading.load_pretrained`, which calls :func:`require` and
tells the user how to get what is missing.

Safety: only safetensors weights are accepted (pickled ``.bin``/``.pt``/``.ckpt`` files can run
code when loaded); :mod:`.loading` holds the rest of the loading rules.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from promodesk.engines.base import CancelToken, Cancelled, EngineUnavailable, Progress, no_progress

GB = 1000 ** 3

# Files a model needs besides its weights: configs, tokenizers, voice presets. Weights come only
# as safetensors, so a download never fetches a pickle.
_SUPPORT_FILES = ("*.json", "*.txt", "*.model", "*.npy", "*.spm",  # .spm: Marian's tokenizers
                  "*.jinja")  # chat templates (VibeVoice reads its text through one)


@dataclass(frozen=True)
class ModelInfo:
    """One model of the catalogue. ``size_bytes`` is the download size (approximate);
    ``commercial_use`` says whether the weights' licence lets users sell what they make."""

    name: str
    task: str  # "music" | "stills" | "video" | "voice" | "text"
    title: str
    repo_id: str
    size_bytes: int
    licence: str
    commercial_use: bool
    revision: str | None = None
    variant: str | None = None  # diffusers weight variant ("fp16") downloaded instead of full
    note: str = ""

    @property
    def allow_patterns(self) -> list[str]:
        weights = f"*.{self.variant}.safetensors" if self.variant else "*.safetensors"
        return [weights, *_SUPPORT_FILES]


CATALOGUE: dict[str, ModelInfo] = {m.name: m for m in [
    ModelInfo("musicgen-small", "music", "MusicGen small (300M)", "facebook/musicgen-small",
              int(2.4 * GB), "CC-BY-NC 4.0", False,
              note="Meta's MusicGen weights are non-commercial: fine for drafts and pitches, "
                   "not for videos you sell."),
    ModelInfo("musicgen-medium", "music", "MusicGen medium (1.5B)", "facebook/musicgen-medium",
              int(8.0 * GB), "CC-BY-NC 4.0", False,
              note="Better music than small; needs about 8 GB of VRAM in half precision."),
    ModelInfo("ace-step-1.5", "music", "ACE-Step 1.5 XL turbo (8 steps)",
              "ACE-Step/acestep-v15-xl-turbo-diffusers", int(10 * GB), "MIT", True,
              note="Music you may sell (MIT weights; the model card allows commercial use). "
                   "Best on a 16 GB+ graphics card; slow but possible on the CPU."),
    ModelInfo("sd-turbo", "stills", "SD-Turbo (1-4 steps, 512 px)", "stabilityai/sd-turbo",
              int(2.6 * GB), "Stability AI Community License (sai-nc-community)", False,
              variant="fp16",
              note="Commercial use needs registration with Stability AI (free under USD 1M "
                   "yearly revenue); PromoDesk treats it as non-commercial."),
    ModelInfo("sdxl-turbo", "stills", "SDXL-Turbo (1-4 steps, 512-1024 px)",
              "stabilityai/sdxl-turbo", int(7.0 * GB),
              "Stability AI Community License (sai-nc-community)", False, variant="fp16",
              note="Sharper than SD-Turbo; needs about 8 GB of VRAM."),
    ModelInfo("flux-schnell", "stills", "FLUX.1 [schnell] (4 steps, 12B)",
              "black-forest-labs/FLUX.1-schnell", int(34 * GB), "Apache-2.0", True,
              note="Commercial use allowed; needs a 24 GB graphics card."),
    ModelInfo("bark-small", "voice", "Bark small (speaks Chinese and English)", "suno/bark-small",
              int(1.7 * GB), "MIT", True, revision="refs/pr/6",
              note="Safetensors weights live in the repository's pull request 6."),
    ModelInfo("vibevoice-1.5b", "voice", "VibeVoice 1.5B (natural Chinese and English speech)",
              "vibevoice/VibeVoice-1.5B-hf", int(5.4 * GB), "MIT", True,
              note="Microsoft's model card: no real person's voice without consent, and say the "
                   "voice is AI-made. About 7 GB of VRAM; slow on the CPU."),
    # Video generation (engines/visuals/wan.py). Sizes: transformer + umT5-XXL text encoder + VAE.
    ModelInfo("wan2.2-ti2v-5b", "video", "Wan2.2 TI2V 5B (photo or text to video, 1280x704)",
              "Wan-AI/Wan2.2-TI2V-5B-Diffusers", int(34 * GB), "Apache-2.0", True,
              note="Product photos that move, and scenes from the copy; 121 frames at 24 fps. "
                   "Needs about 22 GB of VRAM with offloading (24 GB card), 10-14 GB with "
                   "group offload / fp8 (slower); hours per clip on a CPU."),
    ModelInfo("wan2.1-t2v-1.3b", "video", "Wan2.1 T2V 1.3B (text to video, 832x480)",
              "Wan-AI/Wan2.1-T2V-1.3B-Diffusers", int(17 * GB), "Apache-2.0", True,
              note="Scenes from the copy only (no photo); 81 frames at 16 fps. Needs about "
                   "8 GB of VRAM with offloading."),
    # Translation for language versions (engines/text/translate.py).
    ModelInfo("opus-mt-zh-en", "text", "OPUS-MT Chinese to English (Marian, CPU)",
              "Helsinki-NLP/opus-mt-zh-en", int(0.32 * GB), "CC-BY 4.0", True,
              note="Small and fast on the CPU; credit Helsinki-NLP OPUS-MT. Needs the "
                   "sentencepiece library."),
    ModelInfo("opus-mt-en-zh", "text", "OPUS-MT English to Chinese (Marian, CPU)",
              "Helsinki-NLP/opus-mt-en-zh", int(0.32 * GB), "Apache-2.0 (OPUS-MT: CC-BY 4.0)",
              True, revision="refs/pr/6",
              note="Safetensors weights live in the repository's pull request 6; credit "
                   "Helsinki-NLP OPUS-MT. Needs the sentencepiece library."),
    ModelInfo("qwen3-4b-instruct", "text", "Qwen3 4B Instruct (any language pair, GPU)",
              "Qwen/Qwen3-4B-Instruct-2507", int(8.1 * GB), "Apache-2.0", True,
              note="Translates between any of the offered languages; about 8 GB of VRAM."),
]}


def models_folder() -> Path:
    """PromoDesk's own models folder (``PROMODESK_MODELS`` overrides it, for tests and shared
    installs): ``<user data dir>/PromoDesk/models``."""
    override = os.environ.get("PROMODESK_MODELS")
    if override:
        return Path(override)
    from platformdirs import user_data_path

    return user_data_path("PromoDesk", appauthor=False) / "models"


def info(name: str) -> ModelInfo:
    """The catalogue entry for ``name``; EngineUnavailable (listing the names) when unknown."""
    try:
        return CATALOGUE[name]
    except KeyError:
        raise EngineUnavailable(f"There is no model called '{name}'. Known models: "
                                f"{', '.join(CATALOGUE)} (see `promodesk models list`).") from None


def _is_model_folder(folder: Path) -> bool:
    return (folder / "config.json").is_file() or (folder / "model_index.json").is_file()


def _cached_snapshot(model: ModelInfo) -> Path | None:
    """The model's snapshot folder in the Hugging Face cache, without touching the network."""
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import LocalEntryNotFoundError
    except ImportError:
        return None
    try:
        path = Path(snapshot_download(model.repo_id, revision=model.revision,
                                      local_files_only=True))
    except (LocalEntryNotFoundError, OSError, ValueError):
        return None
    return path if _is_model_folder(path) and _weight_files(path) else None


def locate(name: str) -> Path | None:
    """The folder holding model ``name`` on this computer (models folder first, then the Hugging
    Face cache), or None. Reads only local files."""
    model = info(name)
    own = models_folder() / model.name
    if _is_model_folder(own):
        return own
    return _cached_snapshot(model)


def how_to_get(model: ModelInfo) -> str:
    """The sentence telling a user how to get ``model``."""
    return (f"Download it with {download_command(model.name)} "
            f"(about {model.size_bytes / GB:.1f} GB, licence {model.licence}), or copy a "
            f"Hugging Face folder of {model.repo_id} to {models_folder() / model.name}.")


def require(name: str) -> Path:
    """The folder of model ``name``, checked safe to load; EngineUnavailable saying what is
    missing and how to get it otherwise."""
    model = info(name)
    folder = locate(name)
    if folder is None:
        raise EngineUnavailable(f"The {model.title} model is not on this computer. "
                                f"{how_to_get(model)}")
    check_safetensors(folder, name)
    return folder


_PICKLE_SUFFIXES = (".bin", ".pt", ".pth", ".ckpt", ".pkl")


def _weight_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.suffix in (".safetensors", *_PICKLE_SUFFIXES)
            and not p.name.startswith("training_args")]


def download_command(name: str | None = None) -> str:
    """The command that downloads catalogue model ``name``, quoted for a message (with a NAME
    placeholder and where to find the names when ``name`` is None)."""
    if name:
        return f"`promodesk models download {name}`"
    return "`promodesk models download NAME` (`promodesk models list` shows the names)"


def check_safetensors(folder: Path, name: str | None = None) -> None:
    """Refuse a model folder whose weights are not all in safetensors files.

    Every folder holding weights (the model itself, or each part of a diffusers pipeline) must
    hold a ``.safetensors`` file; a part with only pickled weights raises EngineUnavailable,
    whose message names the folder and the download command for ``name`` (a catalogue name)."""
    folder = Path(folder)
    if not folder.is_dir() or not _is_model_folder(folder):
        raise EngineUnavailable(f"{folder} is not a model folder (no config.json or "
                                "model_index.json in it). Choose the folder of a Hugging Face "
                                f"model, or download one with {download_command(name)}.")
    weights = _weight_files(folder)
    by_dir: dict[Path, set[str]] = {}
    for w in weights:
        by_dir.setdefault(w.parent, set()).add(w.suffix)
    unsafe = sorted(str(d.relative_to(folder)) or "." for d, sfx in by_dir.items()
                    if ".safetensors" not in sfx)
    if not weights:
        raise EngineUnavailable(
            f"{folder} holds no model weights (no .safetensors file): the model was not copied "
            f"or downloaded completely. Download it with {download_command(name)}.")
    if unsafe:
        where = ", ".join(unsafe)
        raise EngineUnavailable(
            f"{folder} has no safetensors weights (in: {where}). PromoDesk loads only safetensors "
            "files, because pickled weights (.bin, .pt, .ckpt) can run code on your computer. "
            f"Download the model again with {download_command(name)}, or convert it to "
            "safetensors with a tool you trust.")


def folder_bytes(folder: Path) -> int:
    """Total size of the files under ``folder`` in bytes (links followed)."""
    return sum(p.stat().st_size for p in Path(folder).rglob("*") if p.is_file())


def status() -> Iterator[tuple[ModelInfo, Path | None]]:
    """Each catalogue model with the folder it is in (None when absent)."""
    for name, model in CATALOGUE.items():
        yield model, locate(name)


def download(name: str, progress: Progress = no_progress,
             cancel: CancelToken | None = None) -> Path:
    """Download model ``name`` into the Hugging Face cache and return its folder.

    Resumable: files already complete are skipped and a partly downloaded file continues where it
    stopped (huggingface_hub keeps ``.incomplete`` files). Progress is in bytes of the total;
    cancelling stops within a chunk and keeps what was fetched for the next try."""
    try:
        from huggingface_hub import snapshot_download
        from tqdm.auto import tqdm
    except ImportError:  # the CPU edition of the installer has no model libraries
        raise EngineUnavailable("Downloading models needs the model extras: pip install "
                                "'promodesk[gpu]' (huggingface_hub).") from None

    model = info(name)
    cancel = cancel or CancelToken()

    class _Bytes(tqdm):
        """huggingface_hub's byte counters, reported as our progress instead of printed."""

        def __init__(self, *args, **kwargs):
            kwargs["disable"] = False
            kwargs["file"] = open(os.devnull, "w")  # noqa: SIM115 - closed in close()
            super().__init__(*args, **kwargs)
            self._devnull = kwargs["file"]

        def update(self, n=1):
            cancel.check()
            result = super().update(n)
            if self.unit == "B" and str(self.desc).startswith("Reconstruct") and self.total:
                progress(min(self.n / self.total, 0.999),
                         f"downloading: {self.n / GB:.2f} of {self.total / GB:.2f} GB")
            return result

        def close(self):
            super().close()
            self._devnull.close()

    progress(0.0, f"downloading {model.title} from {model.repo_id}")
    try:
        path = snapshot_download(model.repo_id, revision=model.revision,
                                 allow_patterns=model.allow_patterns, tqdm_class=_Bytes)
    except Cancelled:
        raise
    except Exception as err:  # noqa: BLE001 - network and hub errors become one clear message
        raise EngineUnavailable(
            f"Could not download {model.title} from {model.repo_id}: {err}. Check the internet "
            "connection and try again; what was already fetched is kept.") from err
    folder = Path(path)
    check_safetensors(folder, name)
    progress(1.0, f"{model.title} is ready")
    return folder
