"""Atomic file writes and their leftovers: a write goes to a temp file in the same folder, is
fsynced and renamed over the target, so a crash or a full disk mid-write leaves the previous file
intact. Temp names carry the writer's process id, so those of a killed writer can be told from a
live one's and swept (:func:`sweep_stale_temps`). Used for project files, assets, music, stills,
caches, subtitles and reports alike."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

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
