"""The editor's job functions: generate a project from a brief, a new take of a shot, a caption
or (a bar range of) the music, import a dropped photo, mix the audio for playback, export.

Each is ``fn(inputs, progress, cancel)``, Qt-free and picklable by reference, so the generation
worker process can run it (see :mod:`promodesk.app.worker_process`). Inputs are plain copies made
on the UI thread (recipes, paths, a project snapshot); the open project is never touched here.
Regenerations return a :class:`RegeneratedTake`, which the UI thread applies as one ``AddTake``.
"""

from __future__ import annotations

import io
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

from promodesk.core.timeline import Asset, Recipe, Take
from promodesk.engines.base import stage


@dataclass
class RegeneratedTake:
    """The result of a regeneration: the take to add to ``clip_id``, and for music the new
    audio asset's entry for ``project.assets``."""

    clip_id: str
    take: Take
    asset: Asset | None = None


def new_seed(old: int) -> int:
    """A fresh seed different from ``old``."""
    seed = random.randrange(1, 100_000)  # short enough to read out in the takes list
    return seed if seed != old else seed + 1


def shot_take(inputs: dict, progress, cancel) -> RegeneratedTake:
    """A new take of a video clip: the shots recipe with ``params`` and ``seed``, checked by
    rendering its thumbnail strip with the real shot renderer (cached, so the timeline shows it
    at once). inputs: clip_id, asset, photo (path or None), params, seed, duration_us, aspect."""
    from promodesk.app import media_cache

    recipe = {"engine": "shots", "params": inputs["params"], "seed": inputs["seed"]}
    key = media_cache.thumbnail_key(inputs["asset"], recipe, inputs["duration_us"],
                                    media_cache.THUMB_HEIGHT)
    media_cache.build_thumbnails({"key": key, "params": inputs["params"], "seed": inputs["seed"],
                                  "photo": inputs["photo"], "duration_us": inputs["duration_us"],
                                  "aspect": inputs["aspect"]}, progress, cancel)
    take = Take(inputs["asset"], Recipe("shots", dict(inputs["params"]), int(inputs["seed"])),
                None, label="regenerated")
    return RegeneratedTake(inputs["clip_id"], take)


def caption_take(inputs: dict, progress, cancel) -> RegeneratedTake:
    """A new take of a caption clip with ``params``/``seed``, checked by laying the text out in
    the project's caption area with the real caption fitter. inputs: clip_id, text, style,
    params, seed, size (w, h)."""
    from promodesk.render.captions import fit_caption

    progress(0.2, "Fitting the caption")
    fit_caption(inputs["text"], tuple(inputs["size"]), inputs["style"])
    cancel.check()
    take = Take(None, Recipe("captions", dict(inputs["params"]), int(inputs["seed"])), None,
                label="regenerated")
    progress(1.0, "Caption ready")
    return RegeneratedTake(inputs["clip_id"], take)


def music_take(inputs: dict, progress, cancel) -> RegeneratedTake:
    """A new take of a music clip: the whole piece again with a new seed and the edited spec, or
    with ``bars`` (first, last; 1-based, inclusive) only those bars replaced, the rest
    sample-identical (to the current take's file, which is passed to the composer as the original
    so it is not rendered again). The audio is stored in the project's assets/. inputs: clip_id,
    folder, spec (MusicSpec dict), seed, bars or None, audio (current take's file), meta (its
    asset meta), engine ("composer", or a MusicGen model: a catalogue name or a model folder)."""
    import soundfile as sf

    from promodesk.core.projectfile import add_asset
    from promodesk.engines.music.composer import ComposerEngine, MusicResult
    from promodesk.core.musicspec import MusicSpec

    spec = MusicSpec.from_dict(dict(inputs["spec"]))
    model = inputs.get("engine") or "composer"
    if model == "composer":
        engine, recipe_engine = ComposerEngine(), "composer"
    else:  # the model engine runs in this (generation) process, one job at a time
        from promodesk.engines.music.musicgen import MusicGenEngine

        engine, recipe_engine = MusicGenEngine(model=model), "musicgen"
    bars = inputs.get("bars")
    if bars:
        first, last = bars
        original = None
        if inputs.get("audio") and inputs.get("meta"):
            audio, sr = sf.read(str(inputs["audio"]), dtype="float32", always_2d=True)
            original = MusicResult(audio, sr, dict(inputs["meta"]))
        result = engine.regenerate(spec, bars=(first - 1, last), seed=int(inputs["seed"]),
                                   progress=stage(progress, 0.0, 0.9), cancel=cancel,
                                   original=original)
        label = f"bars {first}-{last}"
    else:
        spec.seed, spec.patches = int(inputs["seed"]), []
        result = engine.generate(spec, stage(progress, 0.0, 0.9), cancel)
        label = "new seed"
    cancel.check()
    progress(0.92, "Saving the music")
    buf = io.BytesIO()
    sf.write(buf, result.audio, result.sample_rate, format="WAV", subtype="PCM_24")
    asset_id = add_asset(Path(inputs["folder"]), buf.getvalue(), "wav")
    length = int(round(len(result.audio) * 1_000_000 / result.sample_rate))
    meta = dict(result.meta)
    new_spec = dict(meta.get("spec") or spec.to_dict())
    if recipe_engine != "composer":
        new_spec["model"] = str(model)
        label = f"{label} · MusicGen"
    asset = Asset(asset_id, "audio", length, meta, str(meta.get("licence", "")))
    take = Take(asset_id, Recipe(recipe_engine, new_spec, int(inputs["seed"])),
                length, label=label)
    progress(1.0, "Music ready")
    return RegeneratedTake(inputs["clip_id"], take, asset)


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
    """Job: export one aspect; removes the subtitle files when they were not asked for.
    Returns the ExportResult."""
    from promodesk.render.export import export_video

    result = export_video(inputs["project"], inputs["folder"], inputs["out"], size=inputs["size"],
                          captions=inputs["captions"], progress=progress, cancel=cancel)
    if not inputs["subtitle_files"]:
        for path in result.subtitles:
            Path(path).unlink(missing_ok=True)
        result.subtitles = []
    return result
