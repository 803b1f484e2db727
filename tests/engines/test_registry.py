"""The engine registry: every recipe name of schema 1 resolves to an engine with its info and
availability; an unknown name is a clear error; a newly registered engine is drawn by the
renderer with no change elsewhere; the diffusion stills engine makes a take through it."""

from __future__ import annotations

import numpy as np
import pytest

from promodesk.core.timeline import Asset, Clip, Project, Recipe, Take, TrackKind
from promodesk.engines import registry
from promodesk.engines.base import (EngineUnavailable, RequestError, TakeRequest, UnknownEngine,
                                    new_seed)

SCHEMA_1_ENGINES = ("shots", "composer", "musicgen", "captions", "voice", "stills")


def test_every_schema_1_engine_name_resolves_with_its_info():
    assert set(SCHEMA_1_ENGINES) <= set(registry.names())
    kinds = {n: registry.info(n).kind for n in SCHEMA_1_ENGINES}
    assert kinds == {"shots": "visuals", "stills": "visuals", "captions": "captions",
                     "composer": "music", "musicgen": "music", "voice": "voice"}
    for name in SCHEMA_1_ENGINES:
        engine = registry.engine(name)
        assert engine is registry.engine(name)  # made once
        assert engine.info.name == name and engine.info.title and engine.info.output_licence
        assert callable(engine.new_take) and isinstance(engine.settings, tuple)
    models = {n for n in SCHEMA_1_ENGINES if registry.info(n).model}
    assert models == {"musicgen", "voice", "stills"}
    assert not registry.info("musicgen").commercial_use and registry.info("composer").commercial_use
    # the built-in engines run here; picture engines draw frames, the others do not
    for name in ("shots", "captions", "composer"):
        assert registry.engine(name).availability() is None
    assert callable(registry.visual_engine("stills").frame_source)
    with pytest.raises(EngineUnavailable, match="not pictures"):
        registry.visual_engine("composer")


def test_a_model_engine_says_what_is_missing_and_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMODESK_MODELS", str(tmp_path / "no-models"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "no-hf"))
    why = registry.engine("stills").availability()
    assert why is not None and "promodesk models download sd-turbo" in why


def test_unknown_engine_is_a_clear_error():
    with pytest.raises(UnknownEngine) as err:
        registry.engine("hologram")
    assert isinstance(err.value, EngineUnavailable) and err.value.name == "hologram"
    assert str(err.value) == ("This project uses the engine 'hologram', which this version of "
                              "PromoDesk does not have; update PromoDesk or regenerate that clip "
                              "with another engine.")
    project = Project.for_aspect("1:1")
    track = project.add_track(TrackKind.VIDEO)
    track.clips.append(Clip(0, 1_000_000, [Take(None, Recipe("shots")),
                                           Take(None, Recipe("hologram"))]))
    assert [name for _, name in registry.unknown_engines(project)] == ["hologram"]
    with pytest.raises(UnknownEngine, match="'hologram'"):
        registry.check_project(project)


class SolidColour:
    """A test engine: every frame one colour from its params."""

    from promodesk.engines.base import EngineInfo

    info = EngineInfo(name="solid", kind="visuals", title="Solid colour",
                      output_licence="test", commercial_use=True)
    settings = ("rgb",)

    def availability(self):
        return None

    def frame_source(self, params, photo, size, duration_us, seed):
        w, h = size

        class Frames:
            def frame(self, t_us):
                return np.full((h, w, 3), params["rgb"], np.uint8)

        return Frames()

    def new_take(self, request, progress=None, cancel=None):
        from promodesk.engines.base import NewTake

        return NewTake(Take(None, Recipe("solid", dict(request.recipe.params),
                                         request.recipe.seed)))


def test_a_registered_engine_is_drawn_by_the_renderer_and_regenerates(tmp_path):
    from promodesk.app.tasks import new_take
    from promodesk.engines.base import CancelToken
    from promodesk.render.frame import FrameRenderer

    project = Project.for_aspect("9:16")
    clip = Clip(0, 1_000_000, [Take(None, Recipe("solid", {"rgb": [10, 200, 30]}))])
    project.add_track(TrackKind.VIDEO).clips.append(clip)
    with pytest.raises(UnknownEngine):
        FrameRenderer(project, tmp_path, (90, 160)).frame(0)
    registry.register("solid", SolidColour)
    try:
        frame = FrameRenderer(project, tmp_path, (90, 160), captions=False).frame(500_000)
        assert frame.shape == (160, 90, 3) and (frame == [10, 200, 30]).all()
        request = registry.take_request(project, tmp_path, clip.id, params={"rgb": [1, 2, 3]},
                                        seed=new_seed(clip.recipe.seed))
        made = new_take({"clip_id": clip.id, "request": request}, lambda f, m="": None,
                        CancelToken())
        assert made.take.recipe.params == {"rgb": [1, 2, 3]} and made.clip_id == clip.id
        assert made.take.recipe.seed != clip.recipe.seed
    finally:
        registry.unregister("solid")
    assert not registry.known("solid")


def test_caption_styles_are_the_ones_the_renderer_draws(tmp_path):
    from promodesk.engines.visuals.takes import CAPTION_STYLES
    from promodesk.render.captions import STYLES

    assert CAPTION_STYLES == STYLES
    request = TakeRequest(Recipe("captions", {"style": "glitter"}, 4), tmp_path,
                          size=(1080, 1920), text="Order now")
    with pytest.raises(RequestError, match="glitter"):
        registry.engine("captions").new_take(request)
    request.recipe.params["style"] = "karaoke"
    made = registry.engine("captions").new_take(request)
    # a new take breaks the line somewhere else (the only other place here: between the words)
    assert made.asset is None and made.take.recipe == Recipe(
        "captions", {"style": "karaoke", "lines": "Order\nnow"}, 4)


def test_stills_engine_paints_a_take_through_the_registry(tmp_path):
    pytest.importorskip("diffusers")
    from PIL import Image

    from promodesk.core.projectfile import asset_path
    from tests.engines.tiny_models import tiny_stable_diffusion

    model = tiny_stable_diffusion(tmp_path / "sd")
    folder = tmp_path / "p.promodesk"
    params = {"kind": "hero", "move": "push_in", "title": "Morning cup", "model": str(model),
              "steps": 2, "resolution": 64}
    request = TakeRequest(Recipe("stills", params, 7), folder, duration_us=2_000_000,
                          size=(1080, 1920))
    made = registry.engine("stills").new_take(request)
    assert made.take.recipe.engine == "stills" and made.take.asset == made.asset.id
    assert made.asset.kind == "image" and made.asset.licence  # the model's licence travels
    assert "morning" in made.take.recipe.params["prompt"]
    still = Image.open(asset_path(folder, made.asset.id))
    assert still.size == (64, 112) and still.info["prompt"] == made.take.recipe.params["prompt"]
    # the renderer draws the still like a photo, through the same engine
    from promodesk.render.frame import FrameRenderer

    project = Project.for_aspect("9:16")
    project.assets[made.asset.id] = made.asset
    project.add_track(TrackKind.VIDEO).clips.append(Clip(0, 2_000_000, [made.take]))
    frame = FrameRenderer(project, folder, (90, 160), captions=False).frame(1_000_000)
    assert frame.shape == (160, 90, 3) and frame.std() > 1.0
    assert isinstance(made.asset, Asset)


def test_music_models_find_their_engine(tmp_path):
    assert registry.engine_for_model("music", "composer") == "composer"
    assert registry.engine_for_model("music", "musicgen-medium") == "musicgen"
    assert registry.engine_for_model("music", "ace-step-1.5") == "acestep"
    assert registry.engine_for_model("music", str(tmp_path)) is None  # not a model folder
    (tmp_path / "config.json").write_text('{"model_type": "musicgen"}')
    assert registry.engine_for_model("music", str(tmp_path)) == "musicgen"
    assert registry.engine_for_model("visuals", "musicgen-small") is None


def test_voice_clip_spoken_again_through_the_registry(tmp_path):
    pytest.importorskip("transformers")
    import soundfile as sf

    from promodesk.core.projectfile import asset_path
    from tests.engines.tiny_models import tiny_bark

    model = tiny_bark(tmp_path / "bark")
    folder = tmp_path / "p.promodesk"
    request = TakeRequest(Recipe("voice", {"text": "Hi there.", "model": str(model)}, 5), folder,
                          duration_us=9_000_000)
    made = registry.engine("voice").new_take(request)
    audio, sr = sf.read(str(asset_path(folder, made.asset.id)), dtype="float32")
    assert sr == 48000 and audio.ndim == 1 and np.abs(audio).max() > 0
    # held to the clip's length, so the take fits the clip it replaces
    assert made.take.source_duration == len(audio) * 1_000_000 // sr >= 9_000_000
    assert made.take.recipe == Recipe("voice", {"text": "Hi there.", "model": str(model)}, 5)
    assert made.asset.meta["text"] == "Hi there." and "MIT" in made.asset.licence
