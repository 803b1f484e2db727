"""Background jobs: generation, waveform/thumbnail building and export on ``QThread`` workers.

A job is a plain function ``fn(inputs, progress, cancel)`` (the engines' contract in
:mod:`promodesk.engines.base`). It never touches widgets or the open project, and returns a
result that the UI thread applies in ``succeeded`` handlers. The UI thread never waits on a job:
results, progress and errors arrive as queued signals. A failed job reports its message and
changes nothing, since it never held the project.

Lanes: generation and model jobs (``lane="gpu"``) run one at a time in one worker *process*
(:mod:`promodesk.app.worker_process`), relayed by a QThread. Other heavy jobs run in processes too:
``"cpu"`` (thumbnails, photo import, audio mixes; one process) and ``"export"`` (one process), so
engines and libraries that hold the GIL in long C calls (image filters, synthesis, limiters) cannot
stall the UI thread. Only light jobs (``"thread"``: reading waveform peaks) run on threads of the
editor's own process.
"""

from __future__ import annotations

import atexit
import multiprocessing
import pickle
import queue
import sys
import time
import traceback
import weakref
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

from promodesk.app import worker_process
from promodesk.engines.base import Cancelled, CancelToken, throttle

# Seconds a cancelled job in a worker process gets to stop by itself before its process is ended
CANCEL_GRACE_S = 2.0

JobFunction = Callable[[Any, Callable[[float, str], None], CancelToken], Any]

WARM_UP = "Starting workers"


def _nothing(_inputs, _progress, _cancel) -> None:
    """The warm-up job."""


class Job(QObject):
    """One unit of background work and its state: ``queued``, ``running``, ``done``, ``failed``
    or ``cancelled``; ``fraction`` 0..1 and ``message`` are the latest progress report."""

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    ended = Signal(object)  # the job itself, after any of succeeded, failed, cancelled
    _done = Signal(str, object)  # from the worker: ("done", result) / ("failed", message) / ("cancelled", None)

    def __init__(self, title: str, fn: JobFunction, inputs: Any = None, *, lane: str = "thread",
                 clip_id: str | None = None):
        super().__init__()
        self.title, self.fn, self.inputs, self.lane, self.clip_id = title, fn, inputs, lane, clip_id
        self.token = CancelToken()
        self.state, self.fraction, self.message, self.error = "queued", 0.0, "Waiting", ""
        self.result: Any = None
        self.progressed.connect(self._remember_progress)
        self._done.connect(self._finish)

    def cancel(self) -> None:
        """Ask the job to stop; it ends with ``cancelled`` within about a second (a job in a
        worker process that does not stop within :data:`CANCEL_GRACE_S`, such as one loading a
        model, ends with its process)."""
        self.token.cancel()

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")

    @Slot(float, str)
    def _remember_progress(self, fraction: float, message: str) -> None:
        self.fraction, self.message = fraction, message

    @Slot(str, object)
    def _finish(self, state: str, value: Any) -> None:
        # On the UI thread: the state changes and every handler runs in one go, so whoever sees
        # the job inactive also sees its result applied.
        if state == "done":
            self.result, self.state = value, "done"
            self.succeeded.emit(value)
        elif state == "failed":
            self.state, self.error = "failed", value
            self.failed.emit(value)
        else:
            self.state = "cancelled"
            self.cancelled.emit()
        self.ended.emit(self)


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
            job._done.emit("cancelled", None)
            return
        job.state = "running"
        report = throttle(job.progressed.emit, every_s=worker_process.PROGRESS_INTERVAL_S)

        def progress(fraction: float, message: str = "") -> None:
            report(fraction, message)
            job.token.check()

        job.progressed.emit(0.0, "Starting")
        try:
            result = job.fn(job.inputs, progress, job.token)
            job.token.check()
        except Cancelled:
            job._done.emit("cancelled", None)
        except Exception as err:  # a bug in a job must not take the editor down: say what happened
            if not isinstance(err, worker_process.USER_ERRORS):
                traceback.print_exc(file=sys.stderr)
            job._done.emit("failed", worker_process.describe_error(job.title, err))
        else:
            job._done.emit("done", result)


class _ProcessWorker(_Worker):
    """Relays jobs to the generation worker process, one at a time, and their answers back.
    The process is started on first use and again if it died."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name
        self._ctx = multiprocessing.get_context("spawn")
        self._proc = None
        self._flag = self._ctx.Value("q", 0, lock=False)
        self._count = 0

    def _ensure(self) -> None:
        if self._proc is not None and self._proc.is_alive():
            return
        self._inbox, self._outbox = self._ctx.Queue(), self._ctx.Queue()
        self._proc = self._ctx.Process(target=worker_process.serve, name=f"promodesk-{self.name}",
                                       args=(self._inbox, self._outbox, self._flag), daemon=True)
        self._proc.start()

    def _run(self, job: Job) -> None:
        if job.token.cancelled:
            job._done.emit("cancelled", None)
            return
        job.state = "running"
        job.progressed.emit(0.0, "Starting")
        self._ensure()
        self._count += 1
        number = self._count
        self._inbox.put((number, job.title, job.fn, job.inputs))
        answer, cancelled_at = None, None
        while answer is None:
            if job.token.cancelled:
                self._flag.value = number
                cancelled_at = cancelled_at or time.monotonic()
                if time.monotonic() - cancelled_at > CANCEL_GRACE_S:
                    # the job has not looked at its token for a while: it is inside a long call
                    # that never reports (loading model weights). End the process; the next job
                    # starts a fresh one, and outputs are written atomically, so nothing half
                    # written is left in place.
                    self._end_process()
                    answer = ("cancelled",)
                    continue
            try:
                msg = self._outbox.get(timeout=0.1)
            except queue.Empty:
                if not self._proc.is_alive():
                    answer = ("failed", "The generation worker stopped unexpectedly "
                              f"(exit code {self._proc.exitcode}); try again.")
                continue
            if msg[0] != number:
                continue  # a late message of an earlier job
            if msg[1] == "progress":
                job.progressed.emit(msg[2], msg[3])
            else:
                answer = msg[1:]
        if answer[0] == "done":
            job._done.emit("done", pickle.loads(answer[1]))
        elif answer[0] == "cancelled":
            job._done.emit("cancelled", None)
        else:
            job._done.emit("failed", answer[1])

    def _end_process(self) -> None:
        """End the worker process now (terminate, then kill); the next job starts another."""
        self._proc.terminate()
        self._proc.join(2)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join(2)
        self._proc = None

    def stop(self) -> None:
        """Ask the process to finish (cancelling its job) and end it if it does not."""
        if self._proc is None:
            return
        self._flag.value = self._count
        try:
            self._inbox.put(None)
        except (OSError, ValueError):
            pass
        self._proc.join(2)
        if self._proc.is_alive():
            self._proc.terminate()
            self._proc.join(1)


class _Poster(QObject):
    """Carries a job to a worker over a queued signal (the worker's thread runs the slot)."""

    post = Signal(object)


class _Lane:
    """A worker thread and the worker object living on it."""

    def __init__(self, name: str, worker: _Worker | None = None):
        self.thread = QThread()
        self.thread.setObjectName(f"promodesk-{name}")
        self.worker = worker or _Worker()
        self.worker.moveToThread(self.thread)
        self.poster = _Poster()
        self.poster.post.connect(self.worker.run)  # queued: the worker lives on its thread
        self.thread.start()


class JobRunner(QObject):
    """Starts jobs on their lane: ``gpu`` (generation; one process, one job at a time), ``cpu``
    (thumbnails, imports, mixes; one process), ``export`` (one process) or ``thread`` (the least
    busy of ``threads`` in-process workers). ``job_added`` and ``job_ended`` let views (the jobs
    panel, clip overlays) follow them. Processes start on first use."""

    job_added = Signal(object)
    job_ended = Signal(object)

    def __init__(self, threads: int = 2, parent: QObject | None = None):
        super().__init__(parent)
        self._lanes = {name: [_Lane(name, _ProcessWorker(name))] for name in ("gpu", "cpu", "export")}
        self._lanes["thread"] = [_Lane(f"thread{i}") for i in range(threads)]
        self._stopped = False
        # Worker threads still running when Python exits abort the process: stop them first.
        ref = weakref.ref(self)
        atexit.register(lambda: ref() is not None and ref().shutdown(500))
        self.jobs: list[Job] = []

    def submit(self, job: Job) -> Job:
        """Queue ``job`` on its lane and return it; connect to its signals before or after."""
        lanes = self._lanes[job.lane]
        lane = min(lanes, key=lambda l: l.worker.pending)
        lane.worker.pending += 1
        self.jobs.append(job)
        job.ended.connect(self._ended)
        self.job_added.emit(job)
        # A queued signal runs the job on the lane's thread, after the jobs already posted there.
        lane.poster.post.emit(job)
        return job

    @Slot(object)
    def warm_up(self) -> list[Job]:
        """Start the worker processes now (an empty job each), so the first real job does not
        pay for starting Python. Returns the warm-up jobs."""
        return [self.submit(Job(WARM_UP, _nothing, None, lane=name)) for name in ("gpu", "cpu", "export")]

    def _ended(self, job: Job) -> None:
        if job in self.jobs:
            self.jobs.remove(job)
        self.job_ended.emit(job)

    def active_jobs(self) -> list[Job]:
        return [j for j in self.jobs if j.active]

    def shutdown(self, wait_ms: int = 3000) -> None:
        """Cancel every job and stop the worker threads (waiting up to ``wait_ms`` each)."""
        if self._stopped:
            return
        self._stopped = True
        for job in list(self.jobs):
            job.cancel()
        for lanes in self._lanes.values():
            for lane in lanes:
                lane.thread.quit()
                lane.thread.wait(wait_ms)
                if isinstance(lane.worker, _ProcessWorker):
                    lane.worker.stop()


