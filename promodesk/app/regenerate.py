"""Regeneration jobs: make a new take of a shot, a caption or (a bar range of) the music.

Each is a job function ``fn(inputs, progress, cancel)`` run on the generation worker. Inputs are
plain copies made on the UI thread (recipes, paths); the project itself is never touched here.
Each returns a :class:`RegeneratedTake`: the new take and, for music, the asset entry to register,
which the UI thread then applies as one ``AddTake`` edit.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

from promodesk.core.timeline import Asset, Recipe, Take


@dataclass
class RegeneratedTake:
    """The result of a regeneration: the take to add to ``clip_id``, and for music the new
    audio asset's entry for ``project.assets``."""

    clip_id: str
    take: Take
    asset: Asset | None = None


def new_seed(old: int) -> int:
    """A fresh seed different from ``old``."""
    seed = random.randrange(1, 2**31 - 1)
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
    sample-identical. The audio is stored in the project's assets/. inputs: clip_id, folder,
    spec (MusicSpec dict), seed, bars or None."""
    import soundfile as sf

    from promodesk.core.projectfile import add_asset
    from promodesk.engines.composer import ComposerEngine
    from promodesk.engines.musicspec import MusicSpec

    spec = MusicSpec.from_dict(dict(inputs["spec"]))
    engine = ComposerEngine()
    bars = inputs.get("bars")
    if bars:
        first, last = bars
        result = engine.regenerate(spec, bars=(first - 1, last), seed=int(inputs["seed"]),
                                   progress=_scaled(progress, 0.0, 0.9), cancel=cancel)
        label = f"bars {first}-{last}"
    else:
        spec.seed = int(inputs["seed"])
        result = engine.generate(spec, _scaled(progress, 0.0, 0.9), cancel)
        label = "new seed"
    cancel.check()
    progress(0.92, "Saving the music")
    buf = io.BytesIO()
    sf.write(buf, result.audio, result.sample_rate, format="WAV", subtype="PCM_24")
    asset_id = add_asset(Path(inputs["folder"]), buf.getvalue(), "wav")
    length = int(round(len(result.audio) * 1_000_000 / result.sample_rate))
    meta = dict(result.meta)
    new_spec = meta.get("spec") or spec.to_dict()
    asset = Asset(asset_id, "audio", length, meta, str(meta.get("licence", "")))
    take = Take(asset_id, Recipe("composer", new_spec, int(meta.get("seed", inputs["seed"]))),
                length, label=label)
    progress(1.0, "Music ready")
    return RegeneratedTake(inputs["clip_id"], take, asset)


def _scaled(progress, lo: float, hi: float):
    return lambda f, m="": progress(lo + (hi - lo) * f, m)
