"""What went wrong, in the user's words: the one description of an expected failure, shared by
every ``promodesk`` command (promodesk.commands.errors, which adds its own CommandError and turns
the kind into the exit code) and the editor's jobs panel (app.worker_process.describe_error).

:func:`describe` maps an exception to (kind, message): the message names the file and says what
to do; the kind is the command's exit code (FAILED while working, BAD_INPUT refused before any
work, CANCELLED). None means the exception is not one a user can cause: a bug.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path

FAILED, BAD_INPUT = 1, 2  # failed while working / bad input, refused before any work
CANCELLED = 130  # as shells report Ctrl-C

MEMORY = "not enough memory. Close other programs, or make a shorter or smaller video."


def _named(err: OSError) -> str:
    name = err.filename or getattr(err, "filename2", None)
    return f" ({name})" if name else ""


def os_error(err: OSError) -> tuple[int, str]:
    """(kind, message) of a failed file operation: a full disk, no permission, a missing file..."""
    where = _named(err)
    what = err.strerror or str(err)
    if err.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return FAILED, (f"the disk is full{where}. Free some space or choose a folder on "
                        "another disk; files already there were not changed.")
    if err.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return FAILED, (f"no permission: {what}{where}. Choose a folder you can write to, or "
                        "check the file's permissions.")
    if err.errno == errno.ENOENT:
        return BAD_INPUT, f"not found: {what}{where}. Check the path."
    if err.errno == errno.ELOOP:
        return BAD_INPUT, f"a symbolic link points back at itself{where}. Fix or remove it."
    if err.errno == errno.ENAMETOOLONG:
        return BAD_INPUT, f"the file name is too long{where}. Choose a shorter name."
    if err.errno in (errno.EISDIR, errno.ENOTDIR):
        return BAD_INPUT, f"{what}{where}: a folder and a file were mixed up. Check the path."
    if err.errno == errno.ENOMEM:
        return FAILED, MEMORY
    return FAILED, (f"a file could not be read or written: {what}{where}. Check the disk "
                    "and try again.")


def from_soundfile(err: BaseException) -> bool:
    """Whether ``err`` came out of soundfile (which reports a full disk as LibsndfileError, or
    as a bare AssertionError when fewer frames than asked were written)."""
    if type(err).__module__.startswith("soundfile"):
        return True
    tb = err.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return tb is not None and "soundfile" in Path(tb.tb_frame.f_code.co_filename).name


def describe(err: BaseException) -> tuple[int, str] | None:
    """(kind, message for the user) for an expected failure, or None for a bug. The kind is
    FAILED, BAD_INPUT or CANCELLED (the command's exit code)."""
    from promodesk.core.brief import BriefError
    from promodesk.core.projectfile import ProjectFileError, ProjectSaveError

    if isinstance(err, ProjectSaveError):
        return FAILED, str(err)
    if isinstance(err, (BriefError, ProjectFileError)):
        return BAD_INPUT, str(err)
    name = type(err).__name__
    # The errors of the engines and the renderer, matched by the names of the error's classes
    # (so an engine's own subclass maps like its base): core imports neither, and importing
    # their modules here would load cv2 and the synth for every command.
    kinds = {cls.__name__ for cls in type(err).__mro__}
    if kinds & {"MusicSpecError", "PhotoError", "SubtitleError", "EngineUnavailable",
                "RequestError"}:
        return BAD_INPUT, str(err)
    if kinds & {"ExportError", "GenerationError", "FontError"}:
        return FAILED, str(err)
    if name == "Cancelled":
        return CANCELLED, "cancelled; nothing half-written was left behind"
    if isinstance(err, MemoryError):
        return FAILED, MEMORY
    if isinstance(err, RecursionError):
        return BAD_INPUT, ("an input file is nested too deeply to be a brief or a project "
                           "(lists inside lists hundreds of levels deep). Check the file.")
    if from_soundfile(err):
        return FAILED, (f"an audio file could not be written or read ({err or name}); the "
                        "disk may be full. Free some space or choose another folder.")
    if isinstance(err, OSError):
        return os_error(err)
    if isinstance(err, UnicodeError) and not _utf8_system():
        return BAD_INPUT, (f"this system's language setting cannot spell a file name or "
                           f"text ({str(err)[:120]}). Run PromoDesk with a UTF-8 locale, "
                           "e.g. LANG=C.UTF-8.")
    return None


def _utf8_system() -> bool:
    """Whether file names and the terminal use UTF-8 (then a Unicode error is a bug, not the
    locale)."""
    import locale

    names = (sys.getfilesystemencoding(), locale.getpreferredencoding(False))
    return all(n.lower().replace("-", "") == "utf8" for n in names)
