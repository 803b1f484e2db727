"""The one error boundary every ``promodesk`` command runs inside.

Expected failures (a bad brief or project, a full disk, a missing ffmpeg, a broken codec, not
enough memory, a closed output pipe) become one message that names the file and says what to do,
and one exit code from the table below. Anything else is a bug: the user gets a short message and
the path of a crash log holding the traceback (in the user's data folder), never a bare traceback.
SIGTERM and SIGHUP stop a command the way Ctrl-C does, so its temp files are removed.

Exit codes (the same for every command):

    0    done
    1    failed while working: disk full, a file could not be written, the encoder or a codec
         failed, out of memory, ffmpeg or the fonts missing or broken
    2    bad input, refused before any work: a brief, photo, project, option or output name
         that cannot be used (the message names it); nothing was written
    70   internal error: a bug; the message gives the crash log's path
    129  stopped by SIGHUP (the terminal closed)
    130  cancelled with Ctrl-C
    141  the output pipe was closed (e.g. ``promodesk models list | head -1``)
    143  stopped by SIGTERM
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from typing import Callable

from promodesk.core import failures
from promodesk.core.failures import from_soundfile  # noqa: F401 - re-exported: commands.music

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, failures.FAILED, failures.BAD_INPUT
EXIT_INTERNAL = 70
EXIT_CANCELLED = failures.CANCELLED
EXIT_BROKEN_PIPE = 141
SIGNAL_EXIT_BASE = 128  # a command stopped by signal N exits 128 + N, as shells report it


class CommandError(Exception):
    """A failure a command reports to the user as is: ``str(err)`` is the message (it names
    the file or option), ``code`` the exit code."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT):
        super().__init__(message)
        self.code = code


class Terminated(BaseException):
    """Raised in the main thread on SIGTERM/SIGHUP, so ``finally`` blocks and temp-file cleanup
    run as they do for Ctrl-C. A BaseException, like KeyboardInterrupt, so that ``except
    Exception`` handlers do not swallow it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum, frame) -> None:
    # A second signal must not cut the clean-up short; kill -9 still ends the process.
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            signal.signal(sig, signal.SIG_IGN)
    raise Terminated(signum)


def install_signal_handlers() -> None:
    """Turn SIGTERM and SIGHUP into :class:`Terminated` (main thread only)."""
    for name in ("SIGTERM", "SIGHUP"):
        sig = getattr(signal, name, None)
        if sig is not None:
            try:
                signal.signal(sig, _raise_terminated)
            except (ValueError, OSError):  # not the main thread, or not allowed here
                pass


# The CLI's memory advice names its options; the rest of the words are core.failures'.
_MEMORY = ("not enough memory. Close other programs, or make a shorter or smaller video "
           "(--seconds, --scale).")


def describe(err: BaseException) -> tuple[int, str] | None:
    """(exit code, message for the user) for an expected failure, or None for a bug: a
    CommandError as it says, anything else as :func:`promodesk.core.failures.describe` (the
    words the editor's jobs panel shows too)."""
    if isinstance(err, CommandError):
        return err.code, str(err)
    known = failures.describe(err)
    if known is not None and known[1] == failures.MEMORY:
        return known[0], _MEMORY
    return known


def crash_log_folder() -> Path:
    """Where crash logs go: ``<user data folder>/PromoDesk/crash-logs``."""
    from platformdirs import user_data_path

    return user_data_path("PromoDesk", appauthor=False) / "crash-logs"


def write_crash_log(err: BaseException, argv: list[str]) -> Path | None:
    """Write the traceback of ``err`` with the version, platform and command line to a new
    crash log; returns its path, or None if no log could be written anywhere."""
    import datetime
    import platform
    import tempfile
    import traceback

    from promodesk import __version__

    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (f"PromoDesk {__version__} crash at {datetime.datetime.now().isoformat()}\n"
            f"python {sys.version.split()[0]} on {platform.platform()}\n"
            f"command: promodesk {' '.join(argv)}\n\n"
            + "".join(traceback.format_exception(type(err), err, err.__traceback__)))
    for folder in (crash_log_folder, lambda: Path(tempfile.gettempdir())):
        try:
            target = folder()
            target.mkdir(parents=True, exist_ok=True)
            path = target / f"crash-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8", errors="backslashreplace")
            return path
        except Exception:  # noqa: BLE001 - a crash log must never raise a second crash
            continue
    return None


def say(message: str) -> None:
    """Print ``promodesk: message`` on stderr; never raises (stderr may be closed)."""
    try:
        print(f"promodesk: {message}", file=sys.stderr, flush=True)
    except Exception:  # noqa: BLE001
        pass


def _silence_stdout() -> None:
    # The reader went away: point stdout at /dev/null so the flush at exit cannot raise again.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def safe_streams() -> None:
    """Make stdout/stderr unable to fail on characters the locale cannot encode (a C locale
    without UTF-8 turns them into escapes instead of a UnicodeEncodeError)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")
        except (AttributeError, ValueError, OSError):
            pass


def check_cwd() -> None:
    """Raise CommandError when the working directory was deleted (relative paths cannot work)."""
    try:
        os.getcwd()
    except (FileNotFoundError, OSError):
        raise CommandError("the current folder no longer exists (it was deleted or moved). "
                           "cd to an existing folder and run the command again.") from None


def run_command(func: Callable[[], int], argv: list[str]) -> int:
    """Run ``func`` (a command) inside the boundary; returns the exit code from the table."""
    try:
        code = func()
        sys.stdout.flush()
        return code
    except KeyboardInterrupt:
        say("cancelled; no partial file was left behind")
        return EXIT_CANCELLED
    except Terminated as stop:
        try:
            name = signal.Signals(stop.signum).name
        except ValueError:
            name = str(stop.signum)
        say(f"stopped ({name}); no partial file was left behind")
        return SIGNAL_EXIT_BASE + stop.signum
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except SystemExit:
        raise
    except BaseException as err:  # noqa: BLE001 - this is the boundary
        try:
            known = describe(err)
        except Exception:  # noqa: BLE001
            known = None
        if known is not None:
            code, message = known
            say(message)
            return code
        log = write_crash_log(err, argv)
        where = f" The details are in {log}" if log else ""
        say(f"something went wrong inside PromoDesk ({type(err).__name__}: "
            f"{str(err)[:200]}).{where}; please send that file with a bug report.")
        return EXIT_INTERNAL
