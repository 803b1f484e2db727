"""The editor's job functions: generate a project from a brief, a new take of a clip (through the
engine registry: a shot, a caption, (a bar range of) the music...), import a dropped photo, mix
the audio for playback, export.

Each is ``fn(inputs, progress, cancel)``, Qt-free and picklable by reference, so the generation
worker process can run it (see :mod:`promodesk.app.worker_process`). Inputs are plain copies made
on the UI thread (recipes, paths, a project snapshot); the open project is never touched here.
Regenerations return a :class:`RegeneratedTake`, which the UI thread applies as one ``AddTake``
(which also registers the new asset, so undo takes both back).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from promodesk.core.timeline import Asset, Take
from promodesk.engines.base import stage


@dataclass
class RegeneratedTake:
    """The result of a regeneration: the take to add to ``clip_id``, and for music the new
    audio asset's entry for ``project.assets``."""

    clip_id: str
    take: Take
    asset: Asset | None = None


def new_take(inputs: dict, progress, cancel) -> RegeneratedTake:
    """A new take of a clip from the engine its request's recipe names (found in
    :mod:`promodesk.engines.registry`, so new engines need nothing here). A picture engine's take
    also gets its thumbnail strip rendered into the cache, so the timeline shows it at once.
    inputs: clip_id, request (a TakeRequest)."""
    from promodesk.engines import registry

    request = inputs["request"]
    engine = registry.engine(request.recipe.engine)
    made = engine.new_take(request, stage(progress, 0.0, 0.8), cancel)
    cancel.check()
    if callable(getattr(engine, "frame_source", None)):
        _warm_thumbnails(made.take, request, stage(progress, 0.8, 1.0, "thumbnails"), cancel)
    return RegeneratedTake(inputs["clip_id"], made.take, made.asset)


def _warm_thumbnails(take: Take, request, progress, cancel) -> None:
    """Render the new take's thumbnail strip into the cache (app.media_cache)."""
    from promodesk.app import media_cache
    from promodesk.core.projectfile import asset_path

    recipe = {"engine": take.recipe.engine, "params": take.recipe.params,
              "seed": take.recipe.seed}
    key = media_cache.thumbnail_key(take.asset, recipe, request.duration_us,
                                    media_cache.THUMB_HEIGHT)
    from promodesk.engines.visuals.shots import with_font_file  # a brand kit's font asset

    media_cache.build_thumbnails(
        {"key": key, "engine": take.recipe.engine,
         "params": with_font_file(take.recipe.params, request.folder), "seed": take.recipe.seed,
         "photo": asset_path(request.folder, take.asset) if take.asset else None,
         "duration_us": request.duration_us, "aspect": request.size}, progress, cancel)


def make_from_brief(inputs, progress, cancel):
    """The lead's brief -> project pipeline into a new folder; the folder is removed again when
    it fails or is cancelled. inputs: (brief, folder, seed). Returns (project, folder)."""
    from promodesk.engines.assemble import make_project

    brief, folder, seed = inputs
    try:
        made = make_project(brief, folder, seed=seed, progress=progress, cancel=cancel)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return made.project, made.folder


def import_photo(inputs, progress, cancel) -> str:
    """Check a dropped photo decodes and store it in the project's assets/; returns its id.
    inputs: (photo path, project folder)."""
    from promodesk.core.projectfile import add_asset
    from promodesk.engines.visuals.photos import load_photo

    path, folder = inputs
    progress(0.2, "Reading the photo")
    load_photo(path)
    cancel.check()
    return add_asset(Path(folder), Path(path))


def mix_for_playback(inputs, progress, cancel):
    """The project's final audio mix (render.mix) for playback: float32 (n, 2) at 48 kHz.
    inputs: (project snapshot, folder)."""
    from promodesk.render.mix import mix_project

    project, folder = inputs
    progress(0.1, "Mixing the audio")
    audio, _sr = mix_project(project, folder)
    cancel.check()
    return audio


def run_export(inputs: dict, progress, cancel):
    """Job: export one aspect (inputs: project, folder, out, size, captions, subtitle_files, and
    optionally span (in, out microseconds) and loudness (LUFS or None)); removes the subtitle
    files when they were not asked for. Returns the ExportResult."""
    from promodesk.render.export import export_video
    from promodesk.render.mix import TARGET_LUFS

    result = export_video(inputs["project"], inputs["folder"], inputs["out"], size=inputs["size"],
                          captions=inputs["captions"], progress=progress, cancel=cancel,
                          span=inputs.get("span"), loudness=inputs.get("loudness", TARGET_LUFS))
    if not inputs["subtitle_files"]:
        for path in result.subtitles:
            Path(path).unlink(missing_ok=True)
        result.subtitles = []
    return result
