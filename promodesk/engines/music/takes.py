"""The music engines as the registry sees them (:mod:`promodesk.engines.registry`): the built-in
composer ("composer") and MusicGen ("musicgen"). A new take is the whole piece again with a new
seed and the (edited) spec, or only a bar range, every sample outside it the current take's.
"""

from __future__ import annotations

import io

from promodesk.core.timeline import Asset, Recipe, Take, us_from_seconds
from promodesk.engines.base import (CancelToken, NewTake, Progress, RequestError, TakeRequest,
                                    no_progress, stage)


def music_take(engine, request: TakeRequest, progress: Progress, cancel: CancelToken,
               label_suffix: str = "", kept: tuple[str, ...] = ()) -> NewTake:
    """A new take of a music clip made by ``engine`` (ComposerEngine, MusicGenEngine,
    AceStepEngine) from ``request.recipe.params`` (a MusicSpec dict): with ``request.bars``
    (first, last; 1-based, inclusive) only those bars are new and every other sample is the
    current take's file's (passed to the engine as the original, so it is not rendered again);
    else the whole piece with the new seed. ``kept`` names engine settings in the params kept
    beside the spec in the new recipe; ``label_suffix`` ends the take's label. The audio is
    stored as a 24-bit WAV in the project's assets/; returns the take (its recipe records the
    spec, with any bar patch; its length in microseconds) and the new asset's entry."""
    import soundfile as sf

    from promodesk.core.musicspec import MusicSpec, MusicSpecError
    from promodesk.core.projectfile import add_asset, asset_path
    from promodesk.engines.music.composer import MusicResult

    params, seed = dict(request.recipe.params), int(request.recipe.seed)
    try:
        spec = MusicSpec.from_dict(params)
    except (TypeError, ValueError) as err:
        raise RequestError(f"These music settings cannot be read ({err}).") from None
    try:
        if request.bars:
            first, last = (int(b) for b in request.bars)
            if not 1 <= first <= last <= spec.bars:
                raise RequestError(f"Bars {first}-{last} are outside this piece; it has bars "
                                   f"1-{spec.bars}.")
            original = None
            if request.asset is not None and request.asset.meta:
                audio, sr = sf.read(str(asset_path(request.folder, request.asset.id)),
                                    dtype="float32", always_2d=True)
                original = MusicResult(audio, sr, dict(request.asset.meta))
            result = engine.regenerate(spec, bars=(first - 1, last), seed=seed,
                                       progress=stage(progress, 0.0, 0.9), cancel=cancel,
                                       original=original)
            label = f"bars {first}-{last}"
        else:
            spec.seed, spec.patches = seed, []
            result = engine.generate(spec, stage(progress, 0.0, 0.9), cancel)
            label = "new seed"
    except MusicSpecError as err:
        raise RequestError(str(err)) from None
    cancel.check()
    progress(0.92, "Saving the music")
    buf = io.BytesIO()
    sf.write(buf, result.audio, result.sample_rate, format="WAV", subtype="PCM_24")
    asset_id = add_asset(request.folder, buf.getvalue(), "wav")
    length = us_from_seconds(len(result.audio) / result.sample_rate)
    meta = dict(result.meta)
    new_spec = dict(meta.get("spec") or spec.to_dict())
    for key in kept:
        if key in params:
            new_spec[key] = params[key]
    asset = Asset(asset_id, "audio", length, meta, str(meta.get("licence", "")))
    take = Take(asset_id, Recipe(request.recipe.engine, new_spec, seed), length,
                label=label + label_suffix)
    progress(1.0, "Music ready")
    return NewTake(take, asset)


class ComposerTakes:
    """The built-in composer (SoundFont, offline, commercial use allowed)."""

    settings = ("style", "bpm", "key", "mode", "seconds")

    def __init__(self) -> None:
        from promodesk.engines.music.composer import ComposerEngine

        self.engine = ComposerEngine()
        self.info = self.engine.info

    def availability(self) -> str | None:
        """None when the SoundFont and the synth libraries are here, else what is missing."""
        return self.engine.availability()

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """See :func:`music_take`."""
        return music_take(self.engine, request, progress, cancel or CancelToken())


class ModelMusicTakes:
    """A music model engine (its class named by ``module``/``engine_class``). Param ``model``: a
    catalogue name or a model folder (default ``default_model``), kept in the take's recipe."""

    settings = ("model",)
    module = engine_class = default_model = label = ""

    def __init__(self) -> None:
        self.info = self._class().info

    def _class(self):
        import importlib

        return getattr(importlib.import_module(self.module), self.engine_class)

    def availability(self) -> str | None:
        """None when the default model is installed here, else what is missing."""
        return self._class()(self.default_model).availability()

    def runs(self, model: str) -> bool:
        """Whether ``model`` (a catalogue name or a model folder) is one this engine runs."""
        return str(model).startswith(self.default_model.split("-")[0])

    def new_take(self, request: TakeRequest, progress: Progress = no_progress,
                 cancel: CancelToken | None = None) -> NewTake:
        """See :func:`music_take`; the model named by the ``model`` param runs in this
        process."""
        params = dict(request.recipe.params)
        params["model"] = str(params.get("model") or self.default_model)
        request = TakeRequest(Recipe(request.recipe.engine, params, request.recipe.seed),
                              request.folder, request.asset, request.duration_us, request.size,
                              request.bars, request.text)
        return music_take(self._class()(params["model"]), request, progress,
                          cancel or CancelToken(), f" · {self.label}", kept=("model",))


class MusicGenTakes(ModelMusicTakes):
    """MusicGen (its output is non-commercial). Also runs any model folder no other music
    engine claims (the editor's "MusicGen model folder...")."""

    module, engine_class = "promodesk.engines.music.musicgen", "MusicGenEngine"
    default_model, label = "musicgen-small", "MusicGen"

    def runs(self, model: str) -> bool:
        return super().runs(model) or _folder_config(model, "config.json", '"musicgen"')


class AceStepTakes(ModelMusicTakes):
    """ACE-Step 1.5 (MIT; commercial use allowed)."""

    module, engine_class = "promodesk.engines.music.acestep", "AceStepEngine"
    default_model, label = "ace-step-1.5", "ACE-Step"

    def runs(self, model: str) -> bool:
        return super().runs(model) or _folder_config(model, "model_index.json", "AceStep")


def _folder_config(model: str, name: str, needle: str) -> bool:
    """Whether ``model`` is a folder whose ``name`` file mentions ``needle``."""
    from pathlib import Path

    try:
        return needle in (Path(model) / name).read_text("utf-8")
    except (OSError, ValueError):
        return False
