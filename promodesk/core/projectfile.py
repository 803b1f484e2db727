"""Project folders on disk: ``NAME.promodesk/`` with ``project.json``, ``assets/`` and ``autosave/``.

``project.json`` is plain, readable, diffable JSON with a ``"schema"`` version; older versions are
migrated on load, newer ones refused. ``assets/`` holds content-addressed files named by the
SHA-256 of their bytes, so the same photo imported twice is stored once and a file name can never
point at changed content. Every write is atomic (temp file, fsync, rename): a crash or a full disk
mid-save leaves the previous file intact. Loading problems raise one typed
:class:`ProjectFileError` whose message says what is wrong and what to do; loading never writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from promodesk.core.timeline import (
    Asset,
    CaptionCue,
    Clip,
    Marker,
    Project,
    Recipe,
    Take,
    Track,
    TrackKind,
)

SCHEMA = 1
SUFFIX = ".promodesk"
PROJECT_FILE = "project.json"
ASSETS_DIR = "assets"
AUTOSAVE_DIR = "autosave"

# Content-addressed names only: a crafted project file must not reach outside assets/.
_ASSET_NAME = re.compile(r"[0-9a-f]{16,64}(\.[a-z0-9]{1,8})?")


class ProjectFileError(Exception):
    """A project that cannot be opened or saved. ``str(err)`` is a message for the user."""

    def __init__(self, path: Path, problem: str, advice: str):
        self.path, self.problem, self.advice = Path(path), problem, advice
        super().__init__(f"{problem} ({self.path}). {advice}")


class ProjectNotFoundError(ProjectFileError):
    """The folder does not exist or holds no project.json."""


class DamagedProjectError(ProjectFileError):
    """project.json is not valid JSON or does not describe a project."""


class NewerProjectError(ProjectFileError):
    """project.json was written by a newer PromoDesk (its schema is above :data:`SCHEMA`)."""


class MissingAssetsError(ProjectFileError):
    """Files the project refers to are missing from assets/; ``missing`` lists their names."""

    def __init__(self, path: Path, missing: list[str]):
        self.missing = missing
        names = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        super().__init__(
            path, f"{len(missing)} media file(s) of this project are missing: {names}",
            "Copy the project's whole assets/ folder back, or regenerate the clips that used them.")


class ProjectSaveError(ProjectFileError):
    """The project could not be written (disk full, no permission); the old file is intact."""


# --- atomic writes -------------------------------------------------------------------------------

@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Open ``path`` for writing so that it holds either the old or the new content, never a mix:
    the ``with`` body writes a temp file in the same folder, which is then fsynced and renamed
    over ``path`` (and the folder fsynced). If the body or the write fails, the temp file is
    removed, ``path`` is untouched and the error propagates."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_writer`); raises OSError with the
    old file untouched on failure."""
    with atomic_writer(path) as f:
        f.write(data)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # not possible on every platform (Windows); the rename is still atomic
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- assets --------------------------------------------------------------------------------------

def asset_path(folder: Path, asset_id: str) -> Path:
    """Path of asset ``asset_id`` inside project ``folder``."""
    if not _ASSET_NAME.fullmatch(asset_id):
        raise ValueError(f"not an asset name: {asset_id!r}")
    return Path(folder) / ASSETS_DIR / asset_id


def add_asset(folder: Path, source: Path | bytes, ext: str | None = None) -> str:
    """Store a file (a path, or bytes with ``ext``) in the project's assets/ and return its id:
    the SHA-256 of its bytes plus its lower-case extension (``"3fa9...c1.png"``). Storing the
    same content again is a no-op."""
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        suffix = (ext or "").lower().lstrip(".")
    else:
        data = Path(source).read_bytes()
        suffix = (ext or Path(source).suffix).lower().lstrip(".")
    asset_id = hashlib.sha256(data).hexdigest() + (f".{suffix}" if suffix else "")
    target = asset_path(folder, asset_id)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(target, data)
    return asset_id


# --- JSON <-> model ------------------------------------------------------------------------------

def _recipe_to(r: Recipe) -> dict:
    return {"engine": r.engine, "params": r.params, "seed": r.seed}


def _take_to(t: Take) -> dict:
    return {"asset": t.asset, "recipe": _recipe_to(t.recipe),
            "source_duration": t.source_duration, "label": t.label}


def _clip_to(c: Clip) -> dict:
    d: dict[str, Any] = {"id": c.id, "name": c.name, "start": c.start, "duration": c.duration,
                         "in_point": c.in_point, "selected": c.selected,
                         "takes": [_take_to(t) for t in c.takes]}
    if c.cue is not None:
        d["cue"] = {"text": c.cue.text, "style": c.cue.style}
    return d


def project_to_dict(p: Project) -> dict:
    """The JSON-ready dict of ``p`` (schema :data:`SCHEMA`)."""
    return {
        "schema": SCHEMA,
        "title": p.title,
        "fps": [p.fps_num, p.fps_den],
        "size": [p.width, p.height],
        "aspect": p.aspect,
        "tracks": [{"id": t.id, "kind": t.kind.value, "name": t.name, "mute": t.mute,
                    "gain_db": t.gain_db, "clips": [_clip_to(c) for c in t.clips]}
                   for t in p.tracks],
        "markers": [{"time": m.time, "name": m.name} for m in p.markers],
        "assets": {a.id: {"kind": a.kind, "duration": a.duration, "licence": a.licence,
                          "meta": a.meta} for a in p.assets.values()},
    }


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"expected an integer, got {v!r}")
    return v


def _opt_int(v: Any) -> int | None:
    return None if v is None else _int(v)


def _recipe_from(d: dict) -> Recipe:
    return Recipe(engine=str(d["engine"]), params=dict(d.get("params", {})), seed=_int(d.get("seed", 0)))


def _take_from(d: dict) -> Take:
    asset = d.get("asset")
    if asset is not None and not _ASSET_NAME.fullmatch(asset):
        raise ValueError(f"bad asset name {asset!r}")
    return Take(asset=asset, recipe=_recipe_from(d["recipe"]),
                source_duration=_opt_int(d.get("source_duration")), label=str(d.get("label", "")))


def _clip_from(d: dict) -> Clip:
    takes = [_take_from(t) for t in d["takes"]]
    selected = _int(d.get("selected", 0))
    if not takes or not 0 <= selected < len(takes):
        raise ValueError("clip without a valid selected take")
    cue = d.get("cue")
    clip = Clip(start=_int(d["start"]), duration=_int(d["duration"]), takes=takes,
                selected=selected, in_point=_int(d.get("in_point", 0)),
                cue=CaptionCue(str(cue["text"]), str(cue.get("style", "outline"))) if cue else None,
                name=str(d.get("name", "")), id=str(d["id"]))
    if clip.duration <= 0:
        raise ValueError(f"clip {clip.id} has no length")
    return clip


def project_from_dict(d: dict) -> Project:
    """Build a Project from its current-schema dict; raises KeyError/TypeError/ValueError if the
    dict does not describe one."""
    fps_num, fps_den = (_int(x) for x in d["fps"])
    width, height = (_int(x) for x in d["size"])
    if fps_num <= 0 or fps_den <= 0 or width <= 0 or height <= 0:
        raise ValueError("frame rate and size must be positive")
    tracks = []
    for t in d["tracks"]:
        track = Track(kind=TrackKind(t["kind"]), name=str(t.get("name", "")),
                      mute=bool(t.get("mute", False)), gain_db=float(t.get("gain_db", 0.0)),
                      id=str(t["id"]), clips=[_clip_from(c) for c in t["clips"]])
        track.sort()
        tracks.append(track)
    assets = {}
    for asset_id, a in d.get("assets", {}).items():
        if not _ASSET_NAME.fullmatch(asset_id):
            raise ValueError(f"bad asset name {asset_id!r}")
        assets[asset_id] = Asset(id=asset_id, kind=str(a["kind"]), duration=_opt_int(a.get("duration")),
                                 meta=dict(a.get("meta", {})), licence=str(a.get("licence", "")))
    return Project(title=str(d.get("title", "Untitled")), fps_num=fps_num, fps_den=fps_den,
                   width=width, height=height, aspect=str(d.get("aspect", "")), tracks=tracks,
                   markers=[Marker(_int(m["time"]), str(m.get("name", ""))) for m in d.get("markers", [])],
                   assets=assets)


# Migrations from schema N to N+1: ``MIGRATIONS[N](dict) -> dict``. Add one per schema change.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {}


def _migrate(d: dict, path: Path) -> dict:
    version = d.get("schema")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise DamagedProjectError(path, "The project file has no valid schema version",
                                  "It may have been edited by hand; restore it from a backup or "
                                  "from the project's autosave/ folder.")
    if version > SCHEMA:
        raise NewerProjectError(
            path, f"This project was saved by a newer PromoDesk (file format {version}, this "
            f"version reads up to {SCHEMA})", "Update PromoDesk to open it; the file was not changed.")
    while version < SCHEMA:
        d = MIGRATIONS[version](d)
        version += 1
        d["schema"] = version
    return d


# --- save / load ---------------------------------------------------------------------------------

def project_json_path(folder: Path) -> Path:
    return Path(folder) / PROJECT_FILE


def save_project(project: Project, folder: Path) -> Path:
    """Write ``project`` to ``folder/project.json`` atomically (creating the folder and assets/).
    Returns the path written. Raises :class:`ProjectSaveError` if it cannot be written; the
    previous project.json is then unchanged."""
    folder = Path(folder)
    data = (json.dumps(project_to_dict(project), ensure_ascii=False, indent=2) + "\n").encode()
    try:
        (folder / ASSETS_DIR).mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(project_json_path(folder), data)
    except OSError as err:
        raise ProjectSaveError(folder, f"Could not save the project: {err.strerror or err}",
                               "Free some disk space or choose another folder with File > Save As; "
                               "the previously saved version is intact.") from err
    return project_json_path(folder)


def read_project_json(path: Path) -> Project:
    """Parse one project.json file (the project's own or an autosave) into a Project."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProjectNotFoundError(path, "There is no project file here",
                                   f"Choose a {SUFFIX} folder that contains {PROJECT_FILE}.") from None
    try:
        d = json.loads(raw.decode("utf-8"))
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
    except (UnicodeDecodeError, ValueError) as err:
        raise DamagedProjectError(path, f"The project file is damaged ({err})",
                                  "Restore it from a backup or from the project's autosave/ "
                                  "folder; the file was not changed.") from None
    d = _migrate(d, path)
    try:
        return project_from_dict(d)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise DamagedProjectError(path, f"The project file does not describe a project ({err!r})",
                                  "Restore it from a backup or from the project's autosave/ "
                                  "folder; the file was not changed.") from None


def referenced_assets(project: Project) -> set[str]:
    """Names of all asset files the project's takes and asset table refer to."""
    names = set(project.assets)
    for track in project.tracks:
        for clip in track.clips:
            names.update(t.asset for t in clip.takes if t.asset)
    return names


def load_project(folder: Path, check_assets: bool = True) -> Project:
    """Read the project in ``folder``. Raises a :class:`ProjectFileError` subclass (not found,
    damaged, newer version, missing assets) with a message for the user; never writes."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProjectNotFoundError(folder, "This project folder does not exist",
                                   f"Choose an existing {SUFFIX} folder.")
    project = read_project_json(project_json_path(folder))
    if check_assets:
        missing = sorted(a for a in referenced_assets(project)
                         if not asset_path(folder, a).is_file())
        if missing:
            raise MissingAssetsError(folder, missing)
    return project


def save_project_as(project: Project, src: Path | None, dst: Path) -> Path:
    """Save ``project`` into a new folder ``dst``, copying the assets it uses from ``src``."""
    dst = Path(dst)
    (dst / ASSETS_DIR).mkdir(parents=True, exist_ok=True)
    if src is not None and Path(src).resolve() != dst.resolve():
        for name in referenced_assets(project):
            s, d = asset_path(src, name), asset_path(dst, name)
            if s.is_file() and not d.exists():
                atomic_write_bytes(d, s.read_bytes())
    return save_project(project, dst)
