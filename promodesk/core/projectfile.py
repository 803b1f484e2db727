"""Project folders on disk: ``NAME.promodesk/`` with ``project.json``, ``assets/`` and ``autosave/``.

``project.json`` is plain, readable, diffable JSON with a ``"schema"`` version; older versions are
migrated on load, newer ones refused. ``assets/`` holds content-addressed files named by the
SHA-256 of their bytes, so the same photo imported twice is stored once and a file name can never
point at changed content. Every write is atomic (temp file, fsync, rename): a crash or a full disk
mid-save leaves the previous file intact. Loading problems raise one typed
:class:`ProjectFileError` whose message says what is wrong and what to do; loading never writes
the project. Every value is checked on load (types, frame rate, canvas, times, counts, nesting),
so a damaged or crafted file is refused with its bad value named instead of hanging a render.
Temp files carry their writer's process id; those of killed writers are swept on open and save.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from promodesk.core.timeline import (Asset, CaptionCue, Clip, Marker, Project, Recipe, Take, Track,
                                     TrackKind, US_PER_SECOND)

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

# Temp files carry the writer's process id (``.NAME.pd1234-abcd1234.tmp``) so that one left by a
# killed process can be told from one another process is writing right now.
_TEMP = re.compile(r"\.(?P<name>.*)\.pd(?P<pid>\d+)-[a-z0-9_]{8}(?P<suffix>\.[A-Za-z0-9]+)?")
# The names atomic_writer used before it added the process id; swept once they are a minute old.
_OLD_TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")
_OLD_TEMP_AGE_S = 60
_STALE_AGE_S = 24 * 3600
_TEMP_NAME_CHARS = 80  # of the target's name, so a 255-byte name still has a legal temp name


def temp_prefix(name: str) -> str:
    """The prefix of a PromoDesk temp file for target file ``name`` (shortened so the temp name
    stays within 255 bytes); pass it to ``tempfile.mkstemp``/``mkdtemp`` with the same folder."""
    short = name[:_TEMP_NAME_CHARS]
    while len(short.encode("utf-8", "surrogateescape")) > _TEMP_NAME_CHARS * 2:
        short = short[:-1]
    return f".{short}.pd{os.getpid()}-"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "posix":
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except OSError:  # EPERM: alive, someone else's
            return True
        return True
    try:  # Windows: os.kill(pid, 0) would terminate the process, so ask psutil when present
        import psutil
    except ImportError:
        return True  # unknown: left for the age rule
    return psutil.pid_exists(pid)


def is_stale_temp(path: Path, old_format: bool = False) -> bool:
    """Whether ``path`` is a PromoDesk temp file (or staging folder) nobody is writing any more:
    its writer's process is gone, or it is over a day old. With ``old_format``, temp names from
    before the process id was added count too once they are a minute old."""
    import time

    name = Path(path).name
    m = _TEMP.fullmatch(name)
    try:
        age = time.time() - os.lstat(path).st_mtime
    except OSError:
        return False
    if m:
        return age > _STALE_AGE_S or not _pid_alive(int(m["pid"]))
    return old_format and bool(_OLD_TEMP.fullmatch(name)) and age > _OLD_TEMP_AGE_S


def sweep_stale_temps(folder: Path, old_format: bool = False) -> list[Path]:
    """Remove the stale PromoDesk temp files and staging folders directly in ``folder`` (see
    :func:`is_stale_temp`). Returns what was removed; never raises (a sweep is housekeeping)."""
    import shutil

    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(".") or not is_stale_temp(Path(entry.path), old_format):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(Path(entry.path))
        except OSError:
            pass
    return removed


def sweep_project_temps(folder: Path) -> list[Path]:
    """Sweep stale temp files from a project folder, its assets/ and its autosave/; returns them."""
    folder = Path(folder)
    return [p for sub in (folder, folder / ASSETS_DIR, folder / AUTOSAVE_DIR)
            for p in sweep_stale_temps(sub, old_format=True)]


def readable_mode(path: Path) -> Path:
    """Give ``path`` the permissions a normally created file has (``0666`` less the umask;
    temp files start as 0600). Returns ``path``."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(path, 0o666 & ~mask)
    return Path(path)


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Open ``path`` for writing so that it holds either the old or the new content, never a mix:
    the ``with`` body writes a temp file in the same folder, which is then fsynced and renamed
    over ``path`` (and the folder fsynced). The file gets the usual permissions (0644 under the
    common umask). If the body or the write fails, the temp file is removed, ``path`` is
    untouched and the error propagates."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path.name), suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        readable_mode(Path(tmp))
        os.replace(tmp, path)
    except BaseException as err:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(err, OSError) and not err.filename:
            err.filename = str(path)  # a full disk says which file it could not take
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
    if not c.linked:
        d["linked"] = False
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
        "markers": [{"time": m.time, "name": m.name, **({"colour": m.colour} if m.colour else {})}
                    for m in p.markers],
        "assets": {a.id: {"kind": a.kind, "duration": a.duration, "licence": a.licence,
                          "meta": a.meta} for a in p.assets.values()},
        "brief": p.brief,  # optional on load: files without it (and older readers) still work
    }


# Bounds a project file must keep: past them a crafted or damaged file would hang the renderer,
# eat gigabytes or allocate terabytes (a caption at 10^13 us, a 16000x16000 canvas, 100000 fps).
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_FPS = 240
MAX_SIDE, MIN_SIDE = 7680, 16
MAX_TIME_US = 3600 * US_PER_SECOND      # one hour: a promo, with room to spare
MAX_TRACKS, MAX_CLIPS, MAX_TAKES, MAX_MARKERS, MAX_ASSETS = 100, 5000, 200, 1000, 20000
MAX_TEXT = 5000                      # characters of a caption, a title, a name
MAX_NESTING = 20                     # levels of lists/dicts inside recipe params and asset meta
MIN_GAIN_DB, MAX_GAIN_DB = -100.0, 24.0


class _Bad(ValueError):
    """A value in project.json outside what a project can hold; ``where`` is its JSON path."""

    def __init__(self, where: str, what: str):
        self.where = where
        super().__init__(f"{where}: {what}")


def _int(v: Any, where: str = "value", lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise _Bad(where, f"expected a whole number, got {_show(v)}")
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        raise _Bad(where, f"{v} is outside {lo}..{hi}")
    return v


def _time(v: Any, where: str) -> int:
    return _int(v, where, 0, MAX_TIME_US)


def _opt_time(v: Any, where: str) -> int | None:
    return None if v is None else _time(v, where)


def _text(v: Any, where: str, default: str = "") -> str:
    if v is None:
        return default
    if not isinstance(v, str):
        raise _Bad(where, f"expected text, got {_show(v)}")
    if len(v) > MAX_TEXT:
        raise _Bad(where, f"{len(v)} characters is over the {MAX_TEXT}-character limit")
    return v


def _list(v: Any, where: str, most: int) -> list:
    if not isinstance(v, list):
        raise _Bad(where, f"expected a list, got {_show(v)}")
    if len(v) > most:
        raise _Bad(where, f"{len(v)} entries is over the limit of {most}")
    return v


def _dict(v: Any, where: str) -> dict:
    if not isinstance(v, dict):
        raise _Bad(where, f"expected an object, got {_show(v)}")
    return v


def _plain(v: Any, where: str, depth: int = 0) -> Any:
    """``v`` checked to be plain JSON no deeper than :data:`MAX_NESTING` with finite numbers."""
    if depth > MAX_NESTING:
        raise _Bad(where, f"nested more than {MAX_NESTING} levels deep")
    if isinstance(v, dict):
        return {k: _plain(x, f"{where}.{k}", depth + 1) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x, f"{where}[{i}]", depth + 1) for i, x in enumerate(v)]
    if isinstance(v, float) and not math.isfinite(v):
        raise _Bad(where, f"{v} is not a finite number")
    return v


def _show(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 40 else text[:37] + "..."


# Recipe parameters the renderer reads directly: their types are checked on load so that a
# hand-edited value fails here, with its place named, instead of deep inside a render.
_SHOT_TEXT = ("kind", "move", "text", "title", "price", "old_price", "cta")


def _recipe_params(engine: str, params: dict, where: str) -> dict:
    params = _plain(_dict(params, where), where)
    if engine == "shots":
        for key in _SHOT_TEXT:
            _text(params.get(key), f"{where}.{key}")
        for i, c in enumerate(_list(params.get("colors") or [], f"{where}.colors", 64)):
            _text(c, f"{where}.colors[{i}]")
    tr = params.get("transition_in")
    if tr is not None:
        tr = _dict(tr, f"{where}.transition_in")
        _text(tr.get("kind"), f"{where}.transition_in.kind")
        if "duration_us" in tr:
            _time(tr["duration_us"], f"{where}.transition_in.duration_us")
    return params


def _recipe_from(d: Any, where: str) -> Recipe:
    d = _dict(d, where)
    engine = _text(d.get("engine"), f"{where}.engine")
    if not engine:
        raise _Bad(f"{where}.engine", "missing")
    return Recipe(engine=engine, params=_recipe_params(engine, d.get("params") or {},
                                                       f"{where}.params"),
                  seed=_int(d.get("seed", 0), f"{where}.seed", -2**63, 2**63 - 1))


def _take_from(d: Any, where: str) -> Take:
    d = _dict(d, where)
    asset = d.get("asset")
    if asset is not None and not (isinstance(asset, str) and _ASSET_NAME.fullmatch(asset)):
        raise _Bad(f"{where}.asset", f"not an asset file name: {_show(asset)}")
    return Take(asset=asset, recipe=_recipe_from(d.get("recipe"), f"{where}.recipe"),
                source_duration=_opt_time(d.get("source_duration"), f"{where}.source_duration"),
                label=_text(d.get("label"), f"{where}.label"))


def _clip_from(d: Any, where: str) -> Clip:
    d = _dict(d, where)
    takes = [_take_from(t, f"{where}.takes[{i}]")
             for i, t in enumerate(_list(d.get("takes"), f"{where}.takes", MAX_TAKES))]
    if not takes:
        raise _Bad(f"{where}.takes", "a clip needs at least one take")
    selected = _int(d.get("selected", 0), f"{where}.selected", 0, len(takes) - 1)
    cue = d.get("cue")
    if cue is not None:
        cue = _dict(cue, f"{where}.cue")
        cue = CaptionCue(_text(cue.get("text"), f"{where}.cue.text"),
                         _text(cue.get("style"), f"{where}.cue.style", "outline"))
    start = _time(d.get("start"), f"{where}.start")
    duration = _int(d.get("duration"), f"{where}.duration", 1, MAX_TIME_US - start)
    clip_id = _text(d.get("id"), f"{where}.id")
    if not clip_id:
        raise _Bad(f"{where}.id", "missing")
    return Clip(start=start, duration=duration, takes=takes, selected=selected,
                in_point=_time(d.get("in_point", 0), f"{where}.in_point"), cue=cue,
                name=_text(d.get("name"), f"{where}.name"), id=clip_id,
                linked=d.get("linked", True) is not False)


def _gain(v: Any, where: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _Bad(where, f"expected a number of decibels, got {_show(v)}")
    if not MIN_GAIN_DB <= v <= MAX_GAIN_DB:
        raise _Bad(where, f"{v:g} dB is outside {MIN_GAIN_DB:g}..{MAX_GAIN_DB:g} dB")
    return float(v)


def project_from_dict(d: dict) -> Project:
    """Build a Project from its current-schema dict, checking every value's type and bounds
    (frame rate, canvas, times, counts, nesting). Raises ValueError (whose message starts with
    the JSON path of the bad value) if the dict does not describe a project PromoDesk can open."""
    d = _dict(d, "project")
    fps = _list(d.get("fps"), "fps", 2)
    size = _list(d.get("size"), "size", 2)
    if len(fps) != 2:
        raise _Bad("fps", "expected [numerator, denominator]")
    if len(size) != 2:
        raise _Bad("size", "expected [width, height]")
    fps_num = _int(fps[0], "fps[0]", 1, MAX_FPS * 1001)
    fps_den = _int(fps[1], "fps[1]", 1, 1001)
    if not 1 <= fps_num / fps_den <= MAX_FPS:
        raise _Bad("fps", f"{fps_num}/{fps_den} frames per second is outside 1..{MAX_FPS}")
    width = _int(size[0], "size[0]", MIN_SIDE, MAX_SIDE)
    height = _int(size[1], "size[1]", MIN_SIDE, MAX_SIDE)
    tracks = []
    for i, t in enumerate(_list(d.get("tracks"), "tracks", MAX_TRACKS)):
        where = f"tracks[{i}]"
        t = _dict(t, where)
        try:
            kind = TrackKind(t.get("kind"))
        except ValueError:
            raise _Bad(f"{where}.kind", f"{_show(t.get('kind'))} is not one of "
                       f"{', '.join(k.value for k in TrackKind)}") from None
        clips = [_clip_from(c, f"{where}.clips[{j}]")
                 for j, c in enumerate(_list(t.get("clips"), f"{where}.clips", MAX_CLIPS))]
        track_id = _text(t.get("id"), f"{where}.id")
        if not track_id:
            raise _Bad(f"{where}.id", "missing")
        track = Track(kind=kind, name=_text(t.get("name"), f"{where}.name"),
                      mute=bool(t.get("mute", False)),
                      gain_db=_gain(t.get("gain_db", 0.0), f"{where}.gain_db"),
                      id=track_id, clips=clips)
        track.sort()
        tracks.append(track)
    assets = {}
    raw_assets = _dict(d.get("assets", {}), "assets")
    if len(raw_assets) > MAX_ASSETS:
        raise _Bad("assets", f"{len(raw_assets)} entries is over the limit of {MAX_ASSETS}")
    for asset_id, a in raw_assets.items():
        where = f"assets.{asset_id}"
        if not _ASSET_NAME.fullmatch(asset_id):
            raise _Bad("assets", f"not an asset file name: {_show(asset_id)}")
        a = _dict(a, where)
        assets[asset_id] = Asset(id=asset_id, kind=_text(a.get("kind"), f"{where}.kind"),
                                 duration=_opt_time(a.get("duration"), f"{where}.duration"),
                                 meta=_plain(_dict(a.get("meta", {}), f"{where}.meta"),
                                             f"{where}.meta"),
                                 licence=_text(a.get("licence"), f"{where}.licence"))
    markers = []
    for i, m in enumerate(_list(d.get("markers", []), "markers", MAX_MARKERS)):
        m = _dict(m, f"markers[{i}]")
        markers.append(Marker(_time(m.get("time"), f"markers[{i}].time"),
                              _text(m.get("name"), f"markers[{i}].name"),
                              _text(m.get("colour"), f"markers[{i}].colour")))
    return Project(title=_text(d.get("title"), "title", "Untitled"), fps_num=fps_num,
                   fps_den=fps_den, width=width, height=height,
                   aspect=_text(d.get("aspect"), "aspect"), tracks=tracks, markers=markers,
                   assets=assets, brief=_plain(_dict(d.get("brief", {}), "brief"), "brief"))


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
    except _Bad as err:
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
