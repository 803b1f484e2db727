"""Every engine a recipe can name, by name: ``Recipe.engine`` -> an
:class:`~promodesk.engines.base.Engine`.

The app, the command line and the renderer find engines here and nowhere else, so a new engine
(video generation, another music or voice model, translation) is one :func:`register` call in its
medium's module list below, with no change to the app. Names are what saved projects store
(schema 1 recipes say "shots", "composer", "musicgen", "captions", "voice", "stills"), so a name
once used keeps its meaning.

Engines are made on first use: importing this module imports no engine code, and model engines
load torch and friends only when they run.
"""

from __future__ import annotations

import importlib
import threading
from typing import Callable

from promodesk.core.timeline import Clip, Project, Recipe
from promodesk.engines.base import (Engine, EngineInfo, EngineUnavailable, TakeRequest,
                                    UnknownEngine, VisualEngine)

_FACTORIES: dict[str, Callable[[], Engine]] = {}
_MADE: dict[str, Engine] = {}
_LOCK = threading.Lock()


def register(name: str, factory: Callable[[], Engine]) -> None:
    """Make ``factory()`` the engine recipes call ``name`` (replacing any earlier one)."""
    with _LOCK:
        _FACTORIES[name] = factory
        _MADE.pop(name, None)


def unregister(name: str) -> None:
    """Forget the engine ``name`` (recipes naming it become unknown)."""
    with _LOCK:
        _FACTORIES.pop(name, None)
        _MADE.pop(name, None)


def _lazy(module: str, attribute: str) -> Callable[[], Engine]:
    return lambda: getattr(importlib.import_module(module), attribute)()


# The built-in and model engines, by medium. Order is the order `names()` lists them in.
for _name, _module, _attr in [
        ("shots", "promodesk.engines.visuals.takes", "ShotTakes"),
        ("stills", "promodesk.engines.visuals.takes", "StillTakes"),
        ("captions", "promodesk.engines.visuals.takes", "CaptionTakes"),
        ("footage", "promodesk.engines.visuals.footage", "FootageTakes"),
        ("wan", "promodesk.engines.visuals.wan", "WanTakes"),
        ("composer", "promodesk.engines.music.takes", "ComposerTakes"),
        ("musicgen", "promodesk.engines.music.takes", "MusicGenTakes"),
        ("acestep", "promodesk.engines.music.takes", "AceStepTakes"),
        ("voice", "promodesk.engines.voice.takes", "VoiceTakes"),
        ("vibevoice", "promodesk.engines.voice.takes", "VibeVoiceTakes"),
        ("translate", "promodesk.engines.text.translate", "TranslationEngine")]:
    register(_name, _lazy(_module, _attr))


def names() -> list[str]:
    """The names of every registered engine."""
    return list(_FACTORIES)


def known(name: str) -> bool:
    """Whether an engine is registered as ``name``."""
    return name in _FACTORIES


def engine(name: str) -> Engine:
    """The engine recipes call ``name`` (made once per process). Raises :class:`UnknownEngine`
    when this version has none by that name."""
    found = _MADE.get(name)
    if found is not None:
        return found
    with _LOCK:
        if name not in _FACTORIES:
            raise UnknownEngine(name)
        if name not in _MADE:
            _MADE[name] = _FACTORIES[name]()
        return _MADE[name]


def info(name: str) -> EngineInfo:
    """What the engine ``name`` declares (UnknownEngine when there is none)."""
    return engine(name).info


def visual_engine(name: str) -> VisualEngine:
    """The engine ``name`` when it draws frames (shots, stills); UnknownEngine when there is
    none, EngineUnavailable when it makes something else (music on a video track)."""
    found = engine(name)
    if not callable(getattr(found, "frame_source", None)):
        raise EngineUnavailable(f"The engine '{name}' makes {found.info.kind}, not pictures, so a "
                                "clip on a video track cannot use it; regenerate that clip with "
                                "the 'shots' engine.")
    return found


def engine_for_model(kind: str, model: str) -> str | None:
    """The name of the ``kind`` engine that runs ``model`` (an engine name, a catalogue model
    name or a model folder); model engines say which they run (``runs(model)``). None when no
    engine does."""
    if known(model) and info(model).kind == kind:
        return model
    for name in names():
        found = engine(name)
        if found.info.kind == kind and callable(getattr(found, "runs", None)) and found.runs(model):
            return name
    return None


def unknown_engines(project: Project) -> list[tuple[Clip, str]]:
    """(clip, engine name) of every take in ``project`` whose recipe names an engine this
    version does not have."""
    return [(clip, take.recipe.engine) for track in project.tracks for clip in track.clips
            for take in clip.takes if not known(take.recipe.engine)]


def check_project(project: Project) -> None:
    """Raise :class:`UnknownEngine` for the first take in ``project`` whose engine is unknown."""
    missing = unknown_engines(project)
    if missing:
        raise UnknownEngine(missing[0][1])


def take_params(project: Project, clip_id: str, engine_name: str) -> dict:
    """The recipe params a new take of clip ``clip_id`` by ``engine_name`` starts from: the
    selected take's own, except for a shot taken to the other shot engine (motion <-> video),
    which starts from the shot's own settings (engines.visuals.takes.shot_basis), so a motion
    take made after a video take carries no video prompt or model. Raises KeyError for a clip
    the project does not have."""
    from promodesk.engines.visuals.takes import MOTION, VIDEO, is_shot, shot_basis

    _, clip = project.find_clip(clip_id)
    if engine_name != clip.recipe.engine and engine_name in (MOTION, VIDEO) and is_shot(clip):
        return shot_basis(project, clip)[0]
    return dict(clip.recipe.params)


def take_request(project: Project, folder, clip_id: str, *, engine_name: str | None = None,
                 params: dict | None = None, seed: int = 0,
                 bars: tuple[int, int] | None = None) -> TakeRequest:
    """The request for a new take of clip ``clip_id``: its selected take's recipe with
    ``engine_name`` and ``params`` when given (else :func:`take_params`) and ``seed``; the current
    take's asset entry; the clip's length; the canvas; ``bars`` (first, last; 1-based) for music.
    A shot's new motion or video take starts from the shot's photo, not from the video the
    selected take may be (engines.visuals.takes.shot_basis). Raises KeyError for a clip the
    project does not have."""
    from pathlib import Path

    from promodesk.core.timeline import Asset
    from promodesk.engines.visuals.takes import MOTION, VIDEO, is_shot, shot_basis

    _, clip = project.find_clip(clip_id)
    recipe = clip.recipe
    asset = None
    if clip.asset:
        asset = project.assets.get(clip.asset) or Asset(clip.asset, "image")
    if (engine_name or recipe.engine) in (MOTION, VIDEO) and is_shot(clip):
        _, asset = shot_basis(project, clip)
    if params is None:
        params = take_params(project, clip_id, engine_name or recipe.engine)
    return TakeRequest(
        recipe=Recipe(engine_name or recipe.engine, dict(params), int(seed)),
        folder=Path(folder), asset=asset, duration_us=clip.duration,
        size=(project.width, project.height), bars=tuple(bars) if bars else None,
        text=clip.cue.text if clip.cue is not None else "")
