"""Where model engines run: the device (CUDA, then Apple MPS, then CPU), its number format, its
memory, what to do when memory runs out, and the models kept loaded between jobs.

torch is imported inside the functions that need it, so importing this module costs nothing.
"""

from __future__ import annotations

import gc
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar

from promodesk.engines.base import EngineUnavailable, GenerationError

T = TypeVar("T")

GIB = 1024 ** 3


@dataclass(frozen=True)
class Device:
    """One compute device. ``kind`` is "cuda", "mps" or "cpu"; ``dtype`` the torch number format
    model weights use there ("float16" on GPUs, "float32" on the CPU); memory in bytes (None where
    the device cannot say)."""

    kind: str
    name: str
    dtype: str
    total_bytes: int | None = None
    free_bytes: int | None = None
    driver: str = ""

    @property
    def is_gpu(self) -> bool:
        return self.kind in ("cuda", "mps")

    def torch_device(self):
        """The ``torch.device`` for this device."""
        import torch

        return torch.device("cuda:0" if self.kind == "cuda" else self.kind)

    def torch_dtype(self):
        """The ``torch.dtype`` weights and activations use here."""
        import torch

        return getattr(torch, self.dtype)

    def describe(self) -> str:
        """One line for people: name, number format and memory in GiB."""
        text = f"{self.name} ({self.kind}, {self.dtype})"
        if self.total_bytes:
            free = f"{self.free_bytes / GIB:.1f} GiB free of " if self.free_bytes is not None else ""
            text += f", {free}{self.total_bytes / GIB:.1f} GiB"
        return text


def pick_device(prefer: str | None = None) -> Device:
    """The best device here: CUDA, then Apple MPS, then CPU. ``prefer`` ("cuda", "mps", "cpu", or
    the PROMODESK_DEVICE environment variable) forces one when it is available. Half precision
    (float16) on GPUs, float32 on the CPU. EngineUnavailable where torch is not installed (the
    CPU edition of the installer)."""
    try:
        import torch
    except ImportError:
        raise EngineUnavailable("The model engines need the model extras: pip install "
                                "'promodesk[gpu]' (torch).") from None

    prefer = (prefer or os.environ.get("PROMODESK_DEVICE") or "").lower() or None
    if prefer in (None, "cuda") and torch.cuda.is_available():
        free, total = torch.cuda.mem_get_info(0)
        name = torch.cuda.get_device_name(0)
        driver = f"CUDA {torch.version.cuda}" if torch.version.cuda else ""
        return Device("cuda", name, "float16", int(total), int(free), driver)
    mps = getattr(torch.backends, "mps", None)
    if prefer in (None, "mps") and mps is not None and mps.is_available():
        total = _system_memory_bytes()  # unified memory: the GPU shares the system's RAM
        return Device("mps", "Apple GPU (Metal)", "float16", total, None, "Metal")
    return Device("cpu", _cpu_name(), "float32", _system_memory_bytes(), None, "")


def _cpu_name() -> str:
    import platform

    return f"CPU ({os.cpu_count() or 1} cores, {platform.machine() or 'unknown'})"


def _system_memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def free_bytes(device: Device) -> int | None:
    """Memory free on ``device`` right now, in bytes (None where unknown)."""
    if device.kind == "cuda":
        import torch

        return int(torch.cuda.mem_get_info(0)[0])
    if device.kind == "cpu":
        try:
            with open("/proc/meminfo", encoding="ascii") as f:
                for line in f:
                    if line.startswith("MemAvailable:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
    return None


def memory_report(device: Device | None = None) -> str:
    """A short text about the device's memory (VRAM on CUDA): total, free, held by PromoDesk."""
    device = device or pick_device()
    if device.kind != "cuda":
        return device.describe()
    import torch

    free, total = torch.cuda.mem_get_info(0)
    held = torch.cuda.memory_reserved(0)
    return (f"{device.name}: {total / GIB:.1f} GiB VRAM, {free / GIB:.1f} GiB free, "
            f"{held / GIB:.2f} GiB held by PromoDesk")


def is_out_of_memory(err: BaseException) -> bool:
    """True when ``err`` is a device out-of-memory error (CUDA, MPS or CPU allocation)."""
    try:
        import torch

        if isinstance(err, torch.OutOfMemoryError):
            return True
    except (ImportError, AttributeError):
        pass
    if isinstance(err, MemoryError):
        return True
    text = str(err).lower()
    # CPU allocations fail as "DefaultCPUAllocator: can't allocate memory"
    return isinstance(err, RuntimeError) and ("out of memory" in text
                                              or "can't allocate memory" in text)


def release_memory() -> None:
    """Give freed tensors back: collect garbage and empty the CUDA / MPS allocator caches."""
    gc.collect()
    try:
        import torch
    except ImportError:
        return
    if torch.cuda.is_available():
        torch.cuda.empty_cache()
    mps = getattr(torch, "mps", None)
    if mps is not None and getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        mps.empty_cache()


def with_memory_retry(job: Callable[[Any], T], settings: Sequence[Any], engine_title: str,
                      on_oom: Callable[[], None] | None = None) -> T:
    """Run ``job(settings[0])``; on out-of-memory free memory (``on_oom`` drops loaded models,
    then the allocator caches) and try again with the next setting (each smaller than the one
    before: a video engine steps down its memory tiers). Out of memory on the last setting
    becomes a :class:`GenerationError` that suggests the built-in engine."""
    tries = list(settings)
    for attempt, setting in enumerate(tries):
        try:
            return job(setting)
        except Exception as err:  # noqa: BLE001 - only memory errors are handled, others re-raise
            if not is_out_of_memory(err):
                raise
            if on_oom is not None:
                on_oom()
            release_memory()
            if attempt == len(tries) - 1:
                raise GenerationError(
                    f"{engine_title} ran out of memory on this computer, even with a smaller "
                    "setting. Close other programs that use the graphics card, choose a shorter "
                    "length or smaller size, or use the built-in engine, which needs no graphics "
                    "card.") from err
    raise AssertionError("unreachable")


class ModelCache:
    """Loaded models kept between jobs, least recently used first out.

    ``get(key, load, size_bytes)`` returns the cached model or calls ``load()``; before loading it
    evicts old models until ``size_bytes`` fits beside ``reserve_bytes`` on the device (or until
    ``max_models`` is respected). ``release(key)`` / ``release()`` drop one or all on request.
    Thread-safe: the app's GPU worker and the UI thread may both call it."""

    def __init__(self, max_models: int = 3, reserve_bytes: int = 1 * GIB) -> None:
        self.max_models = max_models
        self.reserve_bytes = reserve_bytes
        self._models: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._lock = threading.RLock()

    def __contains__(self, key: str) -> bool:
        return key in self._models

    def keys(self) -> list[str]:
        """Keys of the loaded models, least recently used first."""
        with self._lock:
            return list(self._models)

    def get(self, key: str, load: Callable[[], Any], size_bytes: int = 0,
            device: Device | None = None) -> Any:
        """The model under ``key``, loading it with ``load()`` when absent."""
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key][0]
            self._make_room(size_bytes, device)
            model = load()
            self._models[key] = (model, size_bytes)
            return model

    def _make_room(self, size_bytes: int, device: Device | None) -> None:
        while self._models and len(self._models) >= self.max_models:
            self._drop_oldest()
        if device is None or not size_bytes:
            return
        while self._models:
            free = free_bytes(device)
            if free is None or free - size_bytes >= self.reserve_bytes:
                return
            self._drop_oldest()

    def _drop_oldest(self) -> None:
        self._models.popitem(last=False)
        release_memory()

    def release_others(self, key: str) -> None:
        """Drop every model but the one under ``key`` (after an out-of-memory error)."""
        with self._lock:
            for other in [k for k in self._models if k != key]:
                del self._models[other]
        release_memory()

    def release(self, key: str | None = None) -> None:
        """Drop the model under ``key`` (all models when None) and give its memory back."""
        with self._lock:
            if key is None:
                self._models.clear()
            else:
                self._models.pop(key, None)
        release_memory()


# One cache for the whole process: the GPU worker runs one model job at a time.
MODELS = ModelCache()
