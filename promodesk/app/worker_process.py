"""The generation worker process: runs job functions one at a time, away from the editor's
interpreter, so an engine that holds the GIL in a long C call (a synthesiser, a limiter, a model)
cannot freeze the UI thread. Qt-free: the child imports only this module and the job's own.

Protocol: the parent puts ``(job_no, fn, inputs)`` on ``inbox`` (``None`` to stop); the child
answers on ``outbox`` with ``(job_no, "progress", fraction, message)`` and finally one of
``(job_no, "done", pickled result)``, ``(job_no, "failed", message)``, ``(job_no, "cancelled")``. To cancel,
the parent stores the job's number in the shared ``cancel_flag``; the job's token sees it at its
next ``check()``.

A worker dies with the editor, even a killed one (``kill -9`` runs no clean-up in the editor):
:func:`die_with_parent` asks Linux for a parent-death signal and, everywhere, watches the pipe
multiprocessing keeps open to the parent (it reads end-of-file when the parent is gone).
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
import traceback

from promodesk.engines.base import Cancelled, CancelToken, throttle

# Errors a user can act on keep their message; anything else is reported as an internal error.
USER_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError, RuntimeError, LookupError)
PROGRESS_INTERVAL_S = 0.05  # at most 20 progress reports a second reach the editor


class SharedCancel(CancelToken):
    """A cancel token the parent process sets through a shared integer."""

    def __init__(self, flag, job_no: int):
        super().__init__()
        self.flag, self.job_no = flag, job_no

    @property
    def cancelled(self) -> bool:
        return self._event.is_set() or self.flag.value == self.job_no

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()


def describe_error(title: str, err: BaseException) -> str:
    """The message a failed job shows: the same words the CLI prints for an expected failure
    (promodesk.core.failures: what failed, which file, what to do), else the error's own for
    other user errors, else an internal one."""
    from promodesk.core.failures import describe

    known = describe(err)
    if known is not None and known[1]:
        message = known[1]
        first = message.split(maxsplit=1)[0].rstrip(":,")
        # the CLI's words follow "promodesk: "; a row starts a sentence (not a file's name)
        return message[:1].upper() + message[1:] if first.isalpha() else message
    if isinstance(err, USER_ERRORS):
        return str(err) or type(err).__name__
    return f"{title} failed because of an internal error ({type(err).__name__}: {err})."


def _yield_cpu_to_the_editor() -> None:
    """Run below the editor's priority, so on a busy machine the UI thread is scheduled first."""
    if hasattr(os, "nice"):
        try:
            os.nice(8)
        except OSError:
            pass


def die_with_parent() -> None:
    """Make this worker process end when the process that started it ends, however it ends.

    Linux: ``prctl(PR_SET_PDEATHSIG, SIGTERM)``, so the kernel ends the worker when its parent
    thread exits (the editor's lane threads live as long as the editor and quit at shutdown).
    SIGTERM rather than SIGKILL: with Python's default handling it ends the process at once, even
    inside a long C call, yet a job that installs a handler (to remove its temp files) still gets
    to run it. Everywhere, as well: a
    daemon thread waits on multiprocessing's parent sentinel (a pipe whose other end only the
    parent holds; it reads end-of-file when the parent is gone) and ends the process with
    ``os._exit``. Outside a multiprocessing child (a test calling a loop in-process) it does
    nothing."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            PR_SET_PDEATHSIG = 1
            libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl (an unusual libc): the watcher thread below still ends us
        if os.getppid() != parent.pid:
            os._exit(0)  # the parent died before the signal was asked for
    threading.Thread(target=_exit_with, args=(parent,), name="promodesk-watch-parent",
                     daemon=True).start()


def _exit_with(parent) -> None:
    parent.join()  # waits on the parent sentinel: returns once the parent is gone
    os._exit(0)


def serve(inbox, outbox, cancel_flag) -> None:
    """The child's main loop (the Process target)."""
    die_with_parent()
    _yield_cpu_to_the_editor()
    while True:
        item = inbox.get()
        if item is None:
            return
        job_no, title, fn, inputs = item
        token = SharedCancel(cancel_flag, job_no)
        report = throttle(lambda f, m, n=job_no: outbox.put((n, "progress", f, m)),
                          every_s=PROGRESS_INTERVAL_S)

        def progress(fraction: float, message: str = "") -> None:
            report(fraction, message)
            token.check()

        try:
            result = fn(inputs, progress, token)
            token.check()
        except Cancelled:
            outbox.put((job_no, "cancelled"))
        except Exception as err:
            if not isinstance(err, USER_ERRORS):
                traceback.print_exc(file=sys.stderr)
            outbox.put((job_no, "failed", describe_error(title, err)))
        else:
            try:
                data = pickle.dumps(result)
            except Exception as err:  # an unpicklable result is a bug in the job function
                outbox.put((job_no, "failed", describe_error(title, err)))
            else:
                outbox.put((job_no, "done", data))


def serve_frames(inbox, outbox) -> None:
    """The preview process's main loop: ``("project", rev, project, folder, size)`` sets what to
    draw; ``("frame", rev, index, time_us)`` answers ``("frame", rev, index, rgb bytes, w, h,
    caption boxes)`` (clip id -> (l, t, r, b) fractions of the frame: where each caption block
    showing was drawn, for the preview's handles) or ``("error", rev, index, message)``;
    ``None`` stops."""
    die_with_parent()
    _yield_cpu_to_the_editor()
    renderer, current = None, -1
    while True:
        item = inbox.get()
        if item is None:
            return
        if item[0] == "project":
            _, current, project, folder, size = item
            from promodesk.render.frame import FrameRenderer

            renderer = FrameRenderer(project, folder, size, proxies=True)  # footage proxies
            continue
        _, rev, index, us = item
        if rev != current or renderer is None:
            outbox.put(("error", rev, index, "stale"))
            continue
        try:
            rgb = renderer.frame(us)
            h, w = rgb.shape[:2]
            boxes = {clip.id: tuple(v / d for v, d in zip(caption.box, (w, h, w, h)))
                     for clip, caption in _captions_at(renderer, us)}
        except Exception as err:  # a clip that cannot be drawn must not end the preview
            outbox.put(("error", rev, index, f"Cannot draw this frame: {err}"))
            continue
        outbox.put(("frame", rev, index, rgb.tobytes(), w, h, boxes))


def _captions_at(renderer, us: int) -> list:
    """(clip, prepared Caption) of every caption block ``renderer`` draws visibly at ``us`` (not
    at the first frame of its fade in: what is picked on the frame is what is seen there)."""
    from promodesk.core.timeline import TrackKind

    out = []
    for track in renderer.project.tracks_of(TrackKind.CAPTIONS):
        clip = None if track.mute else track.clip_at(us)
        if clip is not None and clip.cue is not None and clip.cue.text.strip():
            caption = renderer.caption(clip)
            if caption.opacity(us - clip.start) > 0.1:
                out.append((clip, caption))
    return out
