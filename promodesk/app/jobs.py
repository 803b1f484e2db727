"""Background jobs: generation, waveform/thumbnail building and export on ``QThread`` workers.

A job is a plain function ``fn(inputs, progress, cancel)`` (the engines' contract in
:mod:`promodesk.engines.base`). It runs on a worker thread, never touches widgets or the open
project, and returns a result that the UI thread applies in ``succeeded`` handlers. Model jobs
(``lane="gpu"``) share one worker and run one at a time; other jobs run on a few CPU workers
beside it. The UI thread never waits on a job: results, progress and errors arrive as queued
signals. A failed job reports its message and changes nothing, since it never held the project.
"""

from __future__ import annotations

import sys
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from promodesk.engines.base import Cancelled, CancelToken

JobFunction = Callable[[Any, Callable[[float, str], None], CancelToken], Any]

# Errors a user can cause or act on: their message is shown as it is. Anything else is a bug,
# reported with its type so the user can tell us, and printed to stderr with the traceback.
_USER_ERRORS: tuple[type[BaseException], ...] = (OSError, ValueError, RuntimeError, LookupError)

_PROGRESS_INTERVAL_S = 0.05  # at most 20 progress updates a second reach the UI thread


class Job(QObject):
    """One unit of background work and its state: ``queued``, ``running``, ``done``, ``failed``
    or ``cancelled``; ``fraction`` 0..1 and ``message`` are the latest progress report."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal(object)  # the job itself, after any of succeeded, failed, cancelled

    def __init__(self, title: str, fn: JobFunction, inputs: Any = None, *, lane: str = "cpu",
                 clip_id: str | None = None):
        super().__init__()
        self.title, self.fn, self.inputs, self.lane, self.clip_id = title, fn, inputs, lane, clip_id
        self.token = CancelToken()
        self.state, self.fraction, self.message, self.error = "queued", 0.0, "Waiting", ""
        self.result: Any = None
        self.progressed.connect(self._remember_progress)

    def cancel(self) -> None:
        """Ask the job to stop; it ends with ``cancelled`` within about a second."""
        self.token.cancel()

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @Slot(float, str)
    def _remember_progress(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message


class _Worker(QObject):
    """Lives on one worker thread and runs the jobs posted to it, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.pending = 0

    @Slot(object)
    def run(self, job: Job) -> None:
        try:
            self._run(job)
        finally:
            self.pending -= 1

    def _run(self, job: Job) -> None:
        if job.token.cancelled:
            job.state = "cancelled"
            job.cancelled.emit()
            job.ended.emit(job)
            return
        job.state = "running"
        last = [0.0]

        def progress(fraction: float, message: str = "") -> None:
            now = time.monotonic()
            if now - last[0] >= _PROGRESS_INTERVAL_S or fraction >= 1.0:
                last[0] = now
                job.progressed.emit(float(min(max(fraction, 0.0), 1.0)), str(message))
            job.token.check()

        job.progressed.emit(0.0, "Starting")
        try:
            result = job.fn(job.inputs, progress, job.token)
            job.token.check()
        except Cancelled:
            job.state = "cancelled"
            job.cancelled.emit()
        except _USER_ERRORS as err:
            job.state, job.error = "failed", str(err) or type(err).__name__
            job.failed.emit(job.error)
        except Exception as err:  # a bug: keep the editor alive, say what happened
            traceback.print_exc(file=sys.stderr)
            job.state = "failed"
            job.error = f"{job.title} failed because of an internal error ({type(err).__name__}: {err})."
            job.failed.emit(job.error)
        else:
            job.result, job.state = result, "done"
            job.succeeded.emit(result)
        job.ended.emit(job)


class _Poster(QObject):
    """Carries a job to a worker over a queued signal (the worker's thread runs the slot)."""

    post = Signal(object)


class _Lane:
    """A worker thread and the worker object living on it."""

    def __init__(self, name: str):
        self.thread = QThread()
        self.thread.setObjectName(f"promodesk-{name}")
        self.worker = _Worker()
        self.worker.moveToThread(self.thread)
        self.poster = _Poster()
        self.poster.post.connect(self.worker.run)  # queued: the worker lives on its thread
        self.thread.start()


class JobRunner(QObject):
    """Starts jobs on worker threads: ``gpu`` lane (one worker, model jobs one at a time) or a
    ``cpu`` lane (the least busy of ``cpu_workers``). ``job_added`` and ``job_ended`` let views
    (the jobs panel, clip overlays) follow them."""

    job_added = Signal(object)
    job_ended = Signal(object)

    def __init__(self, cpu_workers: int = 2, parent: QObject | None = None):
        super().__init__(parent)
        self._lanes = {"gpu": [_Lane("gpu")],
                       "cpu": [_Lane(f"cpu{i}") for i in range(cpu_workers)]}
        self.jobs: list[Job] = []

    def submit(self, job: Job) -> Job:
        """Queue ``job`` on its lane and return it; connect to its signals before or after."""
        lanes = self._lanes["gpu" if job.lane == "gpu" else "cpu"]
        lane = min(lanes, key=lambda l: l.worker.pending)
        lane.worker.pending += 1
        self.jobs.append(job)
        job.ended.connect(self._ended)
        self.job_added.emit(job)
        # A queued signal runs the job on the lane's thread, after the jobs already posted there.
        lane.poster.post.emit(job)
        return job

    @Slot(object)
    def _ended(self, job: Job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        self.job_ended.emit(job)

    def active_jobs(self) -> list[Job]:
        return [j for j in self.jobs if j.active]

    def shutdown(self, wait_ms: int = 3000) -> None:
        """Cancel every job and stop the worker threads (waiting up to ``wait_ms`` each)."""
        for job in list(self.jobs):
            job.cancel()
        for lanes in self._lanes.values():
            for lane in lanes:
                lane.thread.quit()
                lane.thread.wait(wait_ms)


