"""The model catalogue, finding models, the safetensors rule, offline loading, and the
``promodesk models`` / ``promodesk doctor`` commands."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from promodesk.engines.models import catalogue as models
from promodesk.engines.models import loading
from promodesk.engines.base import EngineUnavailable

pytest.importorskip("transformers")

from tests.engines.tiny_models import pickle_only, tiny_musicgen  # noqa: E402


def run(*args, env=None):
    return subprocess.run([sys.executable, "-m", "promodesk", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


@pytest.fixture
def empty_places(tmp_path, monkeypatch):
    """No models anywhere: an empty models folder and an empty Hugging Face cache."""
    env = {"PROMODESK_MODELS": str(tmp_path / "models"), "HF_HUB_CACHE": str(tmp_path / "hub")}
    monkeypatch.setenv("PROMODESK_MODELS", env["PROMODESK_MODELS"])
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_CACHE", env["HF_HUB_CACHE"])
    return env


def test_every_model_states_its_licence_and_commercial_use():
    for model in models.CATALOGUE.values():
        assert model.licence and isinstance(model.commercial_use, bool)
        assert model.task in ("music", "stills", "video", "voice", "text") and model.size_bytes > 10**8
        assert all(p.endswith((".safetensors", ".json", ".txt", ".model", ".npy", ".spm",
                               ".jinja")) for p in model.allow_patterns)
    assert not models.info("musicgen-small").commercial_use
    assert models.info("bark-small").commercial_use and models.info("bark-small").licence == "MIT"
    with pytest.raises(EngineUnavailable, match="Known models"):
        models.info("nope")


def test_missing_model_message_says_how_to_get_it(empty_places):
    assert models.locate("musicgen-small") is None
    with pytest.raises(EngineUnavailable) as err:
        models.require("musicgen-small")
    text = str(err.value)
    assert "promodesk models download musicgen-small" in text and "2.4 GB" in text
    assert os.path.join(empty_places["PROMODESK_MODELS"], "musicgen-small") in text


def test_model_in_the_models_folder_is_found(empty_places, tmp_path):
    folder = tiny_musicgen(tmp_path / "models" / "musicgen-small")
    assert models.locate("musicgen-small") == folder
    assert models.require("musicgen-small") == folder


def test_safetensors_rule(tmp_path):
    good = tiny_musicgen(tmp_path / "good")
    models.check_safetensors(good)
    bad = pickle_only(tiny_musicgen(tmp_path / "bad"))
    with pytest.raises(EngineUnavailable, match="can run code"):
        models.check_safetensors(bad)
    with pytest.raises(EngineUnavailable, match="not a model folder"):
        models.check_safetensors(tmp_path)


def test_no_network_sets_and_restores_offline_mode(monkeypatch):
    import huggingface_hub.constants as hub

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setattr(hub, "HF_HUB_OFFLINE", False)
    with loading.no_network():
        assert os.environ["HF_HUB_OFFLINE"] == "1" and hub.HF_HUB_OFFLINE is True
    assert "HF_HUB_OFFLINE" not in os.environ and hub.HF_HUB_OFFLINE is False


def test_models_list_shows_licence_commercial_use_and_presence(empty_places, tmp_path):
    tiny_musicgen(tmp_path / "models" / "musicgen-small")
    r = run("models", "list", env=empty_places)
    assert r.returncode == 0, r.stderr
    rows = {line.split()[0]: line for line in r.stdout.splitlines() if line.strip()}
    assert "CC-BY-NC 4.0" in rows["musicgen-small"] and " no " in rows["musicgen-small"]
    assert str(tmp_path / "models" / "musicgen-small") in rows["musicgen-small"]
    assert rows["bark-small"].split()[4] == "yes" and rows["bark-small"].endswith("no")


def test_models_add_copies_a_safe_folder_and_refuses_pickles(empty_places, tmp_path):
    source = tiny_musicgen(tmp_path / "downloaded")
    r = run("models", "add", "musicgen-small", str(source), env=empty_places)
    assert r.returncode == 0, r.stderr
    target = tmp_path / "models" / "musicgen-small"
    assert (target / "model.safetensors").is_file() and (target / "config.json").is_file()
    assert [p.name for p in (tmp_path / "models").iterdir()] == ["musicgen-small"]
    unsafe = pickle_only(tiny_musicgen(tmp_path / "unsafe"))
    r = run("models", "add", "musicgen-medium", str(unsafe), env=empty_places)
    assert r.returncode == 2 and "safetensors" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "models" / "musicgen-medium").exists()


def test_models_download_unknown_name_and_no_connection(empty_places):
    r = run("models", "download", "nope", env=empty_places)
    assert r.returncode == 2 and "Known models" in r.stderr and "Traceback" not in r.stderr
    # A hub nobody answers (port 9, discard): a clear message, not a traceback.
    env = {**empty_places, "HF_ENDPOINT": "http://127.0.0.1:9", "HF_HUB_ETAG_TIMEOUT": "2",
           "HF_HUB_DOWNLOAD_TIMEOUT": "2"}
    r = run("models", "download", "bark-small", env=env)
    assert r.returncode == 1, r.stderr
    assert "Could not download" in r.stderr and "Traceback" not in r.stderr


def test_doctor_reports_device_engines_audio_fonts_and_ffmpeg(empty_places):
    r = run("doctor", env=empty_places)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    for needle in ("device", "composer (built-in)", "MusicGen (model)",
                   "promodesk models download musicgen-small", "audio output",
                   "NotoSansCJKsc-Regular-subset.otf", "encoder libx264", "hardware H.264"):
        assert needle in out
    assert "Traceback" not in r.stderr
