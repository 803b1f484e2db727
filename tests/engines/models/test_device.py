"""Device choice (expectations follow what torch reports, so this passes with or without a GPU),
out-of-memory handling with a real failed allocation, and the model cache."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from promodesk.engines.base import GenerationError  # noqa: E402
from promodesk.engines.models.device import (ModelCache, is_out_of_memory, memory_report,  # noqa: E402
                                      pick_device, with_memory_retry)


def test_the_device_is_the_one_torch_reports(monkeypatch):
    monkeypatch.delenv("PROMODESK_DEVICE", raising=False)
    device = pick_device()
    mps = getattr(torch.backends, "mps", None)
    if torch.cuda.is_available():
        assert device.kind == "cuda" and device.dtype == "float16" and device.is_gpu
        assert device.torch_device() == torch.device("cuda:0")
        assert device.torch_dtype() is torch.float16
        assert device.name == torch.cuda.get_device_name(0)
        assert device.total_bytes == torch.cuda.mem_get_info(0)[1]
        assert "VRAM" in memory_report(device)
    elif mps is not None and mps.is_available():
        assert device.kind == "mps" and device.dtype == "float16" and device.is_gpu
    else:
        assert device.kind == "cpu" and device.dtype == "float32" and not device.is_gpu


def test_the_cpu_when_asked_for_or_when_the_asked_gpu_is_absent(monkeypatch):
    monkeypatch.setenv("PROMODESK_DEVICE", "cpu")
    cpu = pick_device()
    assert cpu.kind == "cpu" and cpu.dtype == "float32" and not cpu.is_gpu
    assert cpu.torch_device() == torch.device("cpu") and cpu.torch_dtype() is torch.float32
    assert cpu.total_bytes and cpu.total_bytes > 2**30
    assert "cpu" in memory_report(cpu)
    monkeypatch.setenv("PROMODESK_DEVICE", "cuda")  # asked for; where absent, the CPU runs it
    assert pick_device().kind == ("cuda" if torch.cuda.is_available() else "cpu")


def test_out_of_memory_frees_and_retries_once_smaller():
    tried, freed = [], []

    def job(n_bytes):
        tried.append(n_bytes)
        return torch.empty(n_bytes, dtype=torch.uint8).numel()  # 2**50 bytes fails for real

    assert with_memory_retry(job, [2**50, 1024], "Test", on_oom=lambda: freed.append(1)) == 1024
    assert tried == [2**50, 1024] and freed == [1]


def test_out_of_memory_twice_gives_a_clear_message():
    def job(n_bytes):
        return torch.empty(n_bytes, dtype=torch.uint8)

    with pytest.raises(GenerationError, match="built-in engine"):
        with_memory_retry(job, [2**50, 2**49], "MusicGen")


def test_other_errors_are_not_taken_for_memory():
    def job(_):
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        with_memory_retry(job, [1, 2], "Test")
    assert not is_out_of_memory(RuntimeError("shape mismatch"))
    assert is_out_of_memory(torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2 GiB"))


def test_model_cache_keeps_reuses_and_releases():
    loads = []

    def loader(name):
        def load():
            loads.append(name)
            return torch.zeros(4)
        return load

    cache = ModelCache(max_models=2)
    a = cache.get("a", loader("a"))
    assert cache.get("a", loader("a")) is a and loads == ["a"]  # kept between jobs
    cache.get("b", loader("b"))
    cache.get("a", loader("a"))  # a is now the most recently used
    cache.get("c", loader("c"))  # room for two: b, the least recently used, goes
    assert cache.keys() == ["a", "c"]
    cache.release("a")
    assert cache.keys() == ["c"]
    cache.release()
    assert cache.keys() == []


def test_model_cache_makes_room_by_memory():
    cache = ModelCache(max_models=5, reserve_bytes=0)
    cache.get("small", lambda: 1, size_bytes=1)
    # a model bigger than the free memory evicts what is loaded before it loads
    cache.get("huge", lambda: 2, size_bytes=2**60, device=pick_device("cpu"))
    assert cache.keys() == ["huge"]
    cache.get("other", lambda: 3, size_bytes=1)
    cache.release_others("other")
    assert cache.keys() == ["other"]
