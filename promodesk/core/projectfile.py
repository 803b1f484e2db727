"""Project folders on disk: ``NAME.promodesk/`` with ``project.json``, ``assets/`` and ``autosave/``.

``project.json`` is plain, readable, diffable JSON with a ``"schema"`` version; older versions are
migrated on load, newer ones refused. ``assets/`` holds content-addressed files named by the
SHA-256 of their bytes, so the same photo imported twice is stored once and a file name can never
point at changed content. Every write is atomic (temp file, fsync, rename): a crash or a full disk
mid-save leaves the previous file intact. Loading problems raise one typed
:class:`ProjectFileError` whose message says what is wrong and what to do; loading never writes
the project. Every value is checked on load (types, frame rate, canvas, times, counts, nesting),
so a damaged or crafted file is refused with its bad value named (:mod:`.projectjson`).
Temp files carry their writer's process id; those of killed writers are swept on open and save.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from promodesk.core.atomic import atomic_write_bytes, sweep_stale_temps
from promodesk.core.projectjson import (ASSET_NAME, MAX_FILE_BYTES, SCHEMA, BadValue,
                                        migrate_1_to_2, project_from_dict, project_to_dict)
from promodesk.core.timeline import Project

SUFFIX = ".promodesk"
PROJECT_FILE = "project.json"
ASSETS_DIR = "assets"
AUTOSAVE_DIR = "autosave"

# Content-addressed names only: a crafted project file must not reach outside assets/.


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


def sweep_project_temps(folder: Path) -> list[Path]:
    """Sweep stale temp files from a project folder, its assets/ and its autosave/; returns them."""
    folder = Path(folder)
    return [p for sub in (folder, folder / ASSETS_DIR, folder / AUTOSAVE_DIR)
            for p in sweep_stale_temps(sub, old_format=True)]


# --- assets --------------------------------------------------------------------------------------

def asset_path(folder: Path, asset_id: str) -> Path:
    """Path of asset ``asset_id`` inside project ``folder``."""
    if not ASSET_NAME.fullmatch(asset_id):
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


# Migrations from schema N to N+1: ``MIGRATIONS[N](dict) -> dict``. Add one per schema change.
MIGRATIONS: dict[int, Callable[[dict], dict]] = {1: migrate_1_to_2}


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
    Returns the path written (mode 0644 under the usual umask). Stale temp files of killed
    saves are swept first. Raises :class:`ProjectSaveError` if it cannot be written; the
    previous project.json is then unchanged."""
    folder = Path(folder)
    data = (json.dumps(project_to_dict(project), ensure_ascii=False, indent=2) + "\n").encode()
    try:
        (folder / ASSETS_DIR).mkdir(parents=True, exist_ok=True)
        sweep_project_temps(folder)
        atomic_write_bytes(project_json_path(folder), data)
    except OSError as err:
        raise ProjectSaveError(folder, f"Could not save the project: {err.strerror or err}",
                               "Free some disk space or choose another folder with File > Save As; "
                               "the previously saved version is intact.") from err
    return project_json_path(folder)


_RESTORE = ("Restore it from a backup or from the project's autosave/ folder; the file was "
            "not changed.")


def read_project_json(path: Path) -> Project:
    """Parse one project.json file (the project's own or an autosave) into a Project. Raises a
    :class:`ProjectFileError` naming the file (and the bad value's place) when it cannot."""
    path = Path(path)
    try:
        if path.is_dir():
            raise DamagedProjectError(path, "The project file is a folder, not a file", _RESTORE)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise DamagedProjectError(
                path, f"The project file is over {MAX_FILE_BYTES // 2**20} MB, far more than "
                "any project needs", _RESTORE)
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ProjectNotFoundError(path, "There is no project file here",
                                   f"Choose a {SUFFIX} folder that contains {PROJECT_FILE}.") from None
    except OSError as err:
        raise ProjectNotFoundError(path, f"The project file cannot be read ({err.strerror or err})",
                                   "Check that the file is there and readable (not a broken "
                                   "link or a link loop).") from None
    try:
        d = json.loads(raw.decode("utf-8"))
        if not isinstance(d, dict):
            raise ValueError("not a JSON object")
    except RecursionError:
        raise DamagedProjectError(path, "The project file is nested too deeply to be a project",
                                  _RESTORE) from None
    except (UnicodeDecodeError, ValueError) as err:
        raise DamagedProjectError(path, f"The project file is damaged ({err})", _RESTORE) from None
    d = _migrate(d, path)
    try:
        return project_from_dict(d)
    except BadValue as err:
        raise DamagedProjectError(path, f"The project file has a value PromoDesk cannot use at "
                                  f"{err}", _RESTORE) from None
    except (KeyError, TypeError, ValueError, AttributeError, RecursionError) as err:
        raise DamagedProjectError(path, f"The project file does not describe a project ({err!r})",
                                  _RESTORE) from None


def referenced_assets(project: Project) -> set[str]:
    """Names of all asset files the project's takes and asset table refer to."""
    names = set(project.assets)
    for track in project.tracks:
        for clip in track.clips:
            names.update(t.asset for t in clip.takes if t.asset)
    return names


def load_project(folder: Path, check_assets: bool = True) -> Project:
    """Read the project in ``folder``. Raises a :class:`ProjectFileError` subclass (not found,
    damaged, newer version, missing assets) with a message for the user. Never writes the
    project; stale temp files a killed save left in the folder are removed."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ProjectNotFoundError(folder, "This project folder does not exist",
                                   f"Choose an existing {SUFFIX} folder.")
    sweep_project_temps(folder)
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


ANSWERED_AUTOSAVES_KEPT = 5


def archive_autosave(folder: Path) -> Path | None:
    """Move ``folder/autosave/project.json`` aside to ``autosave/answered-<UTC time>.json`` once
    the user has answered whether to recover it, so it is not offered again (the newest
    :data:`ANSWERED_AUTOSAVES_KEPT` stay, to dig out by hand). Returns the new path, or None when
    there was none or it could not be moved (then it is offered again next time: nothing lost)."""
    import time

    auto = Path(folder) / AUTOSAVE_DIR
    src = auto / PROJECT_FILE
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    dst, n = auto / f"answered-{stamp}.json", 1
    while dst.exists():
        n += 1
        dst = auto / f"answered-{stamp}-{n}.json"
    try:
        os.replace(src, dst)
    except OSError:
        return None
    for old in sorted(auto.glob("answered-*.json"), key=lambda p: p.stat().st_mtime,
                      reverse=True)[ANSWERED_AUTOSAVES_KEPT:]:
        with contextlib.suppress(OSError):
            old.unlink()
    return dst
