"""What every command checks before it does any work: option values, and the files it will
write. An output that is one of the inputs, a folder, the wrong kind of file, an existing (or
damaged) project, a name too long for the disk, a folder that cannot be written or a disk without
room is refused here, with the file named, so that nothing is overwritten and no long render ends
in an error. Each check raises :class:`~promodesk.commands.errors.CommandError`."""

from __future__ import annotations

import argparse
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from promodesk.commands.errors import EXIT_FAILED, CommandError

MAX_NAME_BYTES = 255   # one file name, on every common file system
MAX_PATH_BYTES = 4000  # a whole path (Linux allows 4096)
MARGIN_BYTES = 20 * 2**20


def finite_number(text: str) -> float:
    """argparse type: a finite float (``inf`` and ``nan`` are refused with a clear message)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def resolved(path: Path) -> Path:
    """``path`` made absolute with links followed; CommandError for a link loop."""
    try:
        return Path(path).expanduser().resolve()
    except (RuntimeError, OSError) as err:  # Python < 3.13 raises RuntimeError on a loop
        raise CommandError(f"{path}: cannot follow this path ({err}); a symbolic link may "
                           "point back at itself. Fix it or choose another name.") from None


def _same(a: Path, b: Path) -> bool:
    if a == b:
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def refuse_inputs(outputs: Iterable[Path], inputs: Iterable[Path],
                  protected: Iterable[Path] = ()) -> None:
    """Refuse (exit 2) an output that is one of ``inputs`` (by path, link or hard link), lies
    inside a ``protected`` folder (a project's assets), or is named twice."""
    ins = [resolved(p) for p in inputs if p]
    guarded = [resolved(p) for p in protected]
    seen: dict[Path, Path] = {}
    for out in outputs:
        target = resolved(out)
        for source in ins:
            if _same(target, source):
                raise CommandError(f"the output {out} is one of the inputs ({source}); PromoDesk "
                                   "never overwrites its inputs. Choose another output name.")
        for folder in guarded:
            if target == folder or folder in target.parents:
                raise CommandError(f"the output {out} is inside {folder}, which belongs to the "
                                   "project; choose a file outside it.")
        if target in seen:
            raise CommandError(f"two outputs would both be written to {out}; choose another "
                               "name.")
        seen[target] = out


def refuse_folder_and_suffix(out: Path, suffixes: tuple[str, ...], what: str) -> None:
    """Refuse (exit 2) an output ``out`` whose name is too long, that is an existing folder or
    something other than a file (a device such as /dev/null, a pipe), or whose extension is not
    one of ``suffixes`` (lower case, with the dot)."""
    refuse_long_names([Path(out)])
    if Path(out).is_dir():
        raise CommandError(f"the output {out} is a folder; give a file name such as "
                           f"{Path(out) / ('promo' + suffixes[0])}.")
    if Path(out).exists() and not Path(out).is_file():  # /dev/null, a pipe, a socket
        raise CommandError(f"the output {out} is not a regular file (a device or a pipe); "
                           f"give a file name ending in {suffixes[0]}.")
    if Path(out).suffix.lower() not in suffixes:
        raise CommandError(f"the output must be {what} ({' or '.join(suffixes)}), not "
                           f"{Path(out).name}; choose a name ending in {suffixes[0]}.")


def _with_companions(paths: Iterable[Path]) -> list[Path]:
    # a video brings its licence list (OUT.licences.json), the longest name written beside it
    from promodesk.render.licences import sidecar_path

    return [q for p in paths
            for q in ([Path(p), sidecar_path(p)] if Path(p).suffix.lower() == ".mp4" else [p])]


def refuse_long_names(paths: Iterable[Path]) -> None:
    """Refuse (exit 2) a file name over 255 bytes or a path over 4000 bytes, before any work;
    a video's name is checked with the files written beside it."""
    for p in _with_companions(paths):
        name = os.fsencode(Path(p).name)
        if len(name) > MAX_NAME_BYTES:
            raise CommandError(f"the file name {Path(p).name[:60]}... is {len(name)} bytes long; "
                               f"file systems allow {MAX_NAME_BYTES}. Choose a shorter name.")
        if len(os.fsencode(str(p))) > MAX_PATH_BYTES:
            raise CommandError(f"the path {str(p)[:60]}... is too long for the file system; "
                               "choose a shorter folder or name.")


def writable_folder(folder: Path, create: bool = False) -> None:
    """Make sure ``folder`` exists (created when ``create``) and a file can be made in it, by
    making and removing a temp file; CommandError naming the folder otherwise."""
    from promodesk.core.atomic import temp_prefix

    folder = Path(folder)
    if not folder.is_dir():
        if folder.exists():
            raise CommandError(f"{folder} is a file, not a folder; choose another output path.")
        if not create:
            raise CommandError(f"the folder {folder} does not exist; create it or choose "
                               "another one.")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise CommandError(f"cannot create the folder {folder} ({err.strerror or err}); "
                               "choose another one.", EXIT_FAILED) from None
    try:
        fd, probe = tempfile.mkstemp(prefix=temp_prefix("probe"), dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as err:
        raise CommandError(f"cannot write in the folder {folder} ({err.strerror or err}); "
                           "choose a folder you can write to.", EXIT_FAILED) from None


def free_space(folder: Path, need_bytes: int) -> None:
    """Refuse (exit 1) when the disk holding ``folder`` has less than ``need_bytes`` free
    (plus a margin): better said now than after a long render."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    need = int(need_bytes) + MARGIN_BYTES
    if free < need:
        raise CommandError(f"the disk holding {folder} has {free / 2**20:.0f} MB free and this "
                           f"needs about {need / 2**20:.0f} MB; free some space or choose a "
                           "folder on another disk.", EXIT_FAILED)


def video_bytes(size: tuple[int, int], seconds: float, fps: float = 30.0) -> int:
    """A generous estimate (bytes) of what exporting ``seconds`` of video at ``size`` puts on
    disk at once: the H.264 file (about 0.15 bit a pixel), the AAC track, and the 32-bit float
    WAV temp file the mix goes through."""
    from promodesk.core.timeline import SAMPLE_RATE

    w, h = size
    return int(seconds * (w * h * fps * 0.15 / 8 + 192_000 / 8 + SAMPLE_RATE * 2 * 4))


def sweep(folders: Iterable[Path]) -> None:
    """Remove stale temp files killed PromoDesk commands left in ``folders`` (see
    :func:`promodesk.core.atomic.sweep_stale_temps`)."""
    from promodesk.core.atomic import sweep_stale_temps

    for folder in {Path(f) for f in folders}:
        sweep_stale_temps(folder)


def project_target(folder: Path, overwrite: bool) -> bool:
    """Check that a command may write a project into ``folder``. Returns True when the folder
    is new (to be made in a staging folder and renamed into place), False when an existing
    project (``overwrite``) or an empty folder is written in place. Refuses (exit 2) an existing
    project without ``overwrite``, a damaged one always, and a folder that holds something
    else."""
    from promodesk.core.projectfile import (PROJECT_FILE, ProjectNotFoundError, ProjectFileError,
                                            read_project_json)

    folder = Path(folder)
    if not folder.exists() and not folder.is_symlink():
        return True
    if not folder.is_dir():
        raise CommandError(f"the project folder {folder} is a file; choose another --project.")
    if (folder / PROJECT_FILE).exists() or (folder / PROJECT_FILE).is_symlink():
        try:
            read_project_json(folder / PROJECT_FILE)
        except ProjectNotFoundError as err:
            raise CommandError(f"the project {folder} cannot be read ({err.problem}); it was "
                               "not overwritten. Choose another --project.") from None
        except ProjectFileError as err:
            raise CommandError(f"the project {folder} is damaged ({err.problem}); PromoDesk "
                               "never overwrites a damaged project. Move it away or choose "
                               "another --project.") from None
        if not overwrite:
            raise CommandError(f"the project {folder} already exists; add --overwrite to "
                               "replace it, or choose another --project.")
        return False
    try:
        empty = not any(folder.iterdir())
    except OSError as err:
        raise CommandError(f"cannot read the folder {folder} ({err.strerror or err}).") from None
    if not empty:
        raise CommandError(f"{folder} already exists and is not a PromoDesk project; choose a "
                           "new --project folder.")
    return False


def readable_clip(path: Path, option: str, photos: bool = False) -> None:
    """Refuse, before any work, a clip given with ``option`` (e.g. "--media", "--intro") that
    is not a video PromoDesk can read (or, with ``photos``, a photo): a sound file, a damaged or
    picture-less video, an unreadable image. Raises CommandError (exit 2) naming the file and
    saying what to do."""
    from promodesk.engines.visuals.media import MediaError, media_kind
    from promodesk.engines.visuals.photos import PhotoError, load_photo
    from promodesk.engines.visuals.video import VideoError, probe_video

    takes = "video clips (MP4, MOV, MKV, WebM)" + (" and photos" if photos else "")
    path = Path(path)
    try:
        kind = media_kind(path)
        if kind == "audio" or (kind == "image" and not photos):
            raise MediaError(f"{path.name} is not a video; {option} takes {takes}.")
        probe_video(path) if kind == "video" else load_photo(path)
    except (MediaError, VideoError, PhotoError) as err:
        raise CommandError(f"{option} {path}: {err}") from None
