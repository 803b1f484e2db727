"""What an export is made of, and under which licences: the licence policy of every export.

Every take on the timeline was made by an engine (its recipe says which) into an asset whose entry
keeps the licence of what made it. :func:`project_licences` lists, for each clip's selected take,
the engine, the licence and whether the output may be used in a video that is sold. An export
writes that list into the MP4 (its ``comment`` tag, JSON) and beside it (``OUT.licences.json``),
and, with "commercial use only" (on by default in the editor and the command line), refuses a
project holding a take whose licence forbids commercial use (:func:`check_commercial`).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from promodesk.core.timeline import Project

SIDECAR_SUFFIX = ".licences.json"
METADATA_KEY = "comment"  # the one free-text tag the MP4 muxer always writes (©cmt)
ALLOW_HINT = ("To export it anyway (for a draft or a pitch, not for sale), turn off \"Commercial "
              "use only\" in the export dialog, or pass --allow-non-commercial on the command "
              "line; or regenerate that clip with a commercial engine (composer, acestep).")


class LicenceError(ValueError):
    """An export refused because a take may not be used commercially; the message names the
    clip and how to allow it. ``clips`` are the offending :class:`AssetLicence` entries."""

    def __init__(self, clips: list["AssetLicence"]):
        self.clips = clips
        names = "; ".join(f"clip '{c.clip}' on track '{c.track}' ({c.engine}: {c.licence})"
                          for c in clips)
        super().__init__(f"Commercial use only: {names} may not be used in a video that is "
                         f"sold. {ALLOW_HINT}")


@dataclass(frozen=True)
class AssetLicence:
    """One clip's selected take: its ``track`` and ``clip`` names, the ``engine`` that made it,
    the ``asset`` file (None for takes drawn from no file, such as captions), the ``licence``
    text and whether ``commercial_use`` is allowed."""

    track: str
    clip: str
    engine: str
    asset: str | None
    licence: str
    commercial_use: bool


def _engine_terms(name: str) -> tuple[str, bool]:
    """(licence, commercial use) the engine ``name`` declares. An engine this version does not
    know (a newer project's, a file imported by other software) declares nothing: its take is
    judged by its asset's licence alone (refused only when that says non-commercial)."""
    from promodesk.engines import registry
    from promodesk.engines.base import EngineUnavailable

    try:
        info = registry.info(name)
    except EngineUnavailable:
        return f"unknown engine '{name}'", True
    return info.output_licence, bool(info.commercial_use)


def project_licences(project: Project) -> list[AssetLicence]:
    """One :class:`AssetLicence` per clip of ``project`` (its selected take) on every track not
    muted, in track order.
    The asset's own licence and ``commercial_use`` (what the engine recorded when it made the
    file) win over what the engine declares today."""
    entries = []
    for track in project.tracks:
        if track.mute:
            continue  # a muted track is not in the export
        for clip in track.clips:
            if not clip.takes:
                continue
            take = clip.take
            licence, commercial = _engine_terms(take.recipe.engine)
            asset = project.assets.get(take.asset) if take.asset else None
            if asset is not None:
                licence = asset.licence or licence
                if "commercial_use" in asset.meta:
                    commercial = bool(asset.meta["commercial_use"])
                elif asset.licence and "non-commercial" in asset.licence.lower():
                    commercial = False
            translation = take.recipe.params.get("translation")
            if isinstance(translation, dict) and translation.get("licence"):
                # a language version's caption: its words come from the translation model
                licence = (f"{licence}; text translated by {translation.get('model', '?')} "
                           f"({translation['licence']})")
            entries.append(AssetLicence(track.name, clip.name or clip.id, take.recipe.engine,
                                        take.asset, licence, commercial))
    return entries


def non_commercial(project: Project) -> list[AssetLicence]:
    """The clips of ``project`` whose selected take may not be used commercially."""
    return [e for e in project_licences(project) if not e.commercial_use]


def check_commercial(project: Project) -> None:
    """Raise :class:`LicenceError` naming every clip of ``project`` whose selected take may not
    be used in a video that is sold."""
    bad = non_commercial(project)
    if bad:
        raise LicenceError(bad)


def summary(entries: list[AssetLicence]) -> dict:
    """What an export records: every asset's engine and licence, and whether the whole video
    may be sold (``commercial_use``)."""
    return {"commercial_use": all(e.commercial_use for e in entries),
            "assets": [asdict(e) for e in entries]}


def metadata_args(entries: list[AssetLicence]) -> list[str]:
    """ffmpeg output options writing :func:`summary` as compact JSON into the MP4's comment."""
    text = json.dumps(summary(entries), ensure_ascii=False, separators=(",", ":"))
    return ["-metadata", f"{METADATA_KEY}={text}"]


def sidecar_path(video: Path) -> Path:
    """Where the licence list of ``video`` goes: ``OUT.licences.json`` beside ``OUT.mp4``."""
    video = Path(video)
    return video.with_name(video.stem + SIDECAR_SUFFIX)


def write_sidecar(video: Path, entries: list[AssetLicence]) -> Path:
    """Write :func:`summary` of ``entries`` beside ``video`` (atomically); returns its path."""
    from promodesk.core.atomic import atomic_writer

    path = sidecar_path(video)
    text = json.dumps(summary(entries), ensure_ascii=False, indent=2) + "\n"
    with atomic_writer(path) as f:
        f.write(text.encode("utf-8"))
    return path


def read_video_licences(video: Path) -> dict:
    """The licence summary an export wrote into ``video``'s metadata (read with PyAV), {} when
    it has none."""
    import av

    with av.open(str(video)) as container:
        text = container.metadata.get(METADATA_KEY, "")
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}
