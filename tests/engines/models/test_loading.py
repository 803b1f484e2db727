"""The one model loader: a tiny MusicGen saved with ``save_pretrained`` loads on the chosen device,
once, offline; folders that are missing, pickled or ask for their own code are refused with a
message naming the folder and the download command."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("transformers")

from promodesk.engines.base import EngineUnavailable  # noqa: E402
from promodesk.engines.models import loading  # noqa: E402
from promodesk.engines.models.device import MODELS, pick_device  # noqa: E402
from tests.engines.harness import refuse_network  # noqa: E402
from tests.engines.tiny_models import pickle_only, tiny_musicgen  # noqa: E402


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return tiny_musicgen(tmp_path_factory.mktemp("musicgen"))


def _musicgen_classes():
    from transformers import AutoProcessor, MusicgenForConditionalGeneration

    return MusicgenForConditionalGeneration, AutoProcessor


def test_loads_once_offline_on_the_chosen_device(tiny, monkeypatch):
    refuse_network(monkeypatch)  # also empties the model cache
    net_class, processor_class = _musicgen_classes()
    loaded = loading.load_pretrained(tiny, net_class, processor_class)
    device = pick_device()
    assert isinstance(loaded.net, net_class) and not loaded.net.training
    assert type(loaded.processor).__name__ == "MusicgenProcessor"
    assert loaded.device == device
    weights = next(loaded.net.parameters())
    assert weights.dtype == device.torch_dtype() and weights.device.type == device.kind
    assert loaded.key in MODELS.keys()
    again = loading.load_pretrained(tiny, net_class, processor_class)
    assert again.net is loaded.net and again.processor is loaded.processor  # kept, not reloaded
    MODELS.release(loaded.key)


def test_pickled_weights_are_refused_naming_the_folder(tmp_path):
    folder = pickle_only(tiny_musicgen(tmp_path / "m"))
    with pytest.raises(EngineUnavailable) as err:
        loading.load_pretrained(folder, *_musicgen_classes())
    text = str(err.value)
    assert str(folder) in text and "safetensors" in text and "promodesk models download" in text


def test_a_folder_without_weights_says_how_to_get_them(tmp_path):
    folder = tiny_musicgen(tmp_path / "m")
    (folder / "model.safetensors").unlink()
    with pytest.raises(EngineUnavailable, match="no model weights") as err:
        loading.model_folder(folder)
    assert str(folder) in str(err.value) and "promodesk models download" in str(err.value)
    with pytest.raises(EngineUnavailable, match="not a model folder"):
        loading.model_folder(tmp_path / "nowhere")


def test_a_missing_catalogue_model_names_its_folder_and_command(tmp_path, monkeypatch):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "models"))
    import huggingface_hub.constants as hub

    monkeypatch.setattr(hub, "HF_HUB_CACHE", str(tmp_path / "hub"))
    with pytest.raises(EngineUnavailable) as err:
        loading.load_pretrained("musicgen-small", *_musicgen_classes())
    text = str(err.value)
    assert str(tmp_path / "models" / "musicgen-small") in text
    assert "`promodesk models download musicgen-small`" in text


def test_a_folder_missing_a_file_is_not_fetched_from_the_network(tmp_path, monkeypatch):
    refuse_network(monkeypatch)
    folder = tiny_musicgen(tmp_path / "m")
    (folder / "processor_config.json").unlink()
    with pytest.raises(EngineUnavailable, match="missing files") as err:
        loading.load_pretrained(folder, *_musicgen_classes())
    assert str(folder) in str(err.value)


def test_a_folder_that_asks_for_its_own_code_is_refused(tmp_path):
    folder = tiny_musicgen(tmp_path / "m")
    config = json.loads((folder / "config.json").read_text())
    config["auto_map"] = {"AutoModel": "modeling_evil.EvilModel"}
    (folder / "config.json").write_text(json.dumps(config))
    with pytest.raises(EngineUnavailable, match="code of its own.*auto_map"):
        loading.load_pretrained(folder, *_musicgen_classes())
    other = tiny_musicgen(tmp_path / "n")
    (other / "modeling_evil.py").write_text("import os\n")
    with pytest.raises(EngineUnavailable, match="modeling_evil.py"):
        loading.model_folder(other)


def test_availability_names_missing_libraries(tiny):
    assert loading.availability(lambda: tiny, ("torch", "transformers"), "MusicGen") is None
    message = loading.availability(lambda: tiny, ("torch", "no_such_library"), "MusicGen")
    assert "promodesk[gpu]" in message and "MusicGen" in message


def test_only_the_loader_calls_from_pretrained():
    # A second loading path would bypass the rules above (offline, safetensors, no remote code).
    import ast
    from pathlib import Path

    package = Path(loading.__file__).resolve().parents[2]
    callers = []
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "from_pretrained":
                callers.append(str(path.relative_to(package)))
    assert set(callers) == {"engines/models/loading.py"}, callers
