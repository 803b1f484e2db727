"""A catalogue's products made one job each (``render/product.py``), resumable through a manifest.

:func:`run_batch` decides which products need making (the manifest in the output folder keys each
product by a hash of its inputs and settings), hands the jobs to a runner (this process, local
worker processes, or Ray in ``render/farm.py``), and writes each result as it arrives: into a
hidden staging folder that is then renamed into place, so an interrupted run leaves finished
products whole and no partial file. One product failing never stops the others; its message goes
into the manifest and the report.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from promodesk.core.catalogue import Product
from promodesk.core.atomic import atomic_write_bytes, sweep_stale_temps, temp_prefix
from promodesk.core.projectfile import project_json_path
from promodesk.engines.base import CancelToken, Progress, no_progress, stage
from promodesk.render.product import (
    BatchSettings, ProductJob, ProductResult, make_job, product_kit, run_product,
)

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
MANIFEST_SAVE_S = 1.0


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the manifest ------------------------------------------------------------------------------

def load_manifest(out_dir: Path) -> dict:
    """The manifest in ``out_dir`` (a fresh one when there is none or it cannot be read)."""
    path = Path(out_dir) / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
        if isinstance(data, dict) and data.get("version") == MANIFEST_VERSION:
            data.setdefault("products", {})
            return data
    except (OSError, ValueError):
        pass
    return {"version": MANIFEST_VERSION, "products": {}}


def save_manifest(out_dir: Path, manifest: dict) -> None:
    """Write the manifest atomically (a reader never sees half of it)."""
    data = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    atomic_write_bytes(Path(out_dir) / MANIFEST, data.encode("utf-8"))


def set_approved(out_dir: Path, key: str, approved: bool) -> None:
    """Mark product ``key`` approved (or not) in the manifest of ``out_dir``."""
    manifest = load_manifest(out_dir)
    if key in manifest["products"]:
        manifest["products"][key]["approved"] = bool(approved)
        save_manifest(out_dir, manifest)


def project_hashes(product_dir: Path) -> dict[str, str]:
    """sha256 of each project.json under ``product_dir`` (relative path -> hash): how a batch
    run sees that someone edited a product's project in the editor since it was made."""
    return {p.relative_to(product_dir).as_posix(): _sha(p.read_bytes())
            for p in sorted(Path(product_dir).glob("*.promodesk/project.json"))}


def _project_files(product_dir: Path) -> dict[str, bytes]:
    return {p.relative_to(product_dir).as_posix(): p.read_bytes()
            for folder in sorted(product_dir.glob("*.promodesk"))
            for p in [project_json_path(folder), *sorted((folder / "assets").glob("*"))]
            if p.is_file()}


def decide(product: Product, job: ProductJob, entry: dict | None, out_dir: Path,
           retry_failed: bool = False, force: bool = False) -> str:
    """What a run does with ``product``: "make" (new, changed, forced or retried), "reexport"
    (its project was edited in the editor), "invalid" (the catalogue row has problems), "skip"
    (done and unchanged, or failed before and not retried)."""
    if product.problems:
        same = entry and entry.get("input_hash") == job.input_hash and \
            entry.get("status") == "failed"
        return "skip" if same and not (retry_failed or force) else "invalid"
    if force or not entry or entry.get("input_hash") != job.input_hash:
        return "make"
    if entry.get("status") == "failed":
        return "make" if retry_failed else "skip"
    if entry.get("status") != "done":
        return "make"
    folder = out_dir / product.key
    if not all((folder / f).is_file() for f in entry.get("files", [])):
        return "make"
    if project_hashes(folder) != entry.get("project_hash", {}):
        return "reexport"
    return "skip"


def write_product(out_dir: Path, result: ProductResult) -> list[str]:
    """Put a done product's files into ``out_dir/KEY`` whole: written into a hidden staging
    folder, then swapped in by rename. Returns the relative paths written."""
    staging = Path(tempfile.mkdtemp(prefix=temp_prefix(result.key), dir=out_dir))
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(staging, 0o777 & ~mask)  # mkdtemp makes it private; the product folder is not
    try:
        for rel, data in result.files.items():
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(staging / rel, data)
        final = out_dir / result.key
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=temp_prefix(result.key), dir=out_dir))
            os.replace(final, old / "previous")
        os.replace(staging, final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(result.files)


# --- running a catalogue -----------------------------------------------------------------------

Runner = Callable[[list[ProductJob], "StopFlag"], Iterator[ProductResult]]


class StopFlag(CancelToken):
    """Set by Ctrl-C: no new product starts, running ones are cancelled, finished ones kept."""


@dataclass
class BatchSummary:
    """Counts of a run: products made (``reexported`` of them from an edited project), failed,
    skipped (unchanged) and cancelled, and the wall time in seconds."""

    done: int = 0
    reexported: int = 0
    failed: int = 0
    skipped: int = 0
    cancelled: int = 0
    seconds: float = 0.0
    stopped: bool = False


def serial_runner(jobs: list[ProductJob], stop: StopFlag,
                  progress: Progress = no_progress) -> Iterator[ProductResult]:
    """Run the jobs one after the other in this process (Ctrl-C cancels the running one)."""
    for i, job in enumerate(jobs):
        if stop.cancelled:
            return
        yield run_product(job, stage(progress, i / len(jobs), (i + 1) / len(jobs), job.key), stop)


_STOP_EVENT = None


def _worker_start(event) -> None:
    """Worker process set-up: Ctrl-C is the parent's to handle; ``event`` cancels its jobs."""
    global _STOP_EVENT
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _STOP_EVENT = event


class _SharedStop(CancelToken):
    """A cancel token backed by a multiprocessing event the parent sets."""

    def __init__(self, event) -> None:
        super().__init__()
        self._event = event


def _worker_job(job: ProductJob) -> ProductResult:
    return run_product(job, cancel=_SharedStop(_STOP_EVENT))


def pool_runner(workers: int, tasks_per_worker: int = 8) -> Runner:
    """Run jobs in ``workers`` local processes (started fresh, 'forkserver' where the platform
    has it, else 'spawn': no Qt or thread state inherited). A worker is replaced after
    ``tasks_per_worker`` products, so memory a render leaves behind does not pile up."""

    def run(jobs: list[ProductJob], stop: StopFlag) -> Iterator[ProductResult]:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        ctx = mp.get_context(method)
        event = ctx.Event()
        with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_start,
                                 initargs=(event,), max_tasks_per_child=tasks_per_worker) as pool:
            pending = {pool.submit(_worker_job, job): job for job in jobs}
            try:
                yield from _collect(pending, stop, event)
            finally:  # stopped, or the caller gave up (SIGTERM): nothing new starts
                event.set()
                for f in pending:
                    f.cancel()

    return run


def _collect(pending: dict, stop: StopFlag, event) -> Iterator[ProductResult]:
    """Yield the pool's results as they finish; on ``stop`` cancel what has not started and
    tell the running ones to stop."""
    from concurrent.futures import FIRST_COMPLETED, wait

    while pending:
        if stop.cancelled:
            event.set()
            for f in pending:
                f.cancel()
        done, _ = wait(pending, timeout=0.3, return_when=FIRST_COMPLETED)
        for f in done:
            job = pending.pop(f)
            if f.cancelled():
                continue
            try:
                yield f.result()
            except Exception as err:  # noqa: BLE001 - a worker died (killed, out of memory)
                yield ProductResult(job.key, job.input_hash, "failed",
                                    f"the worker process making it died ({err}); run "
                                    "again with --retry-failed, or fewer --workers if "
                                    "memory is short")


def run_batch(out_dir: Path, products: list[Product], settings: BatchSettings,
              runner: Runner | None = None, *, retry_failed: bool = False,
              only: Iterable[str] | None = None, force: bool = False,
              stop: StopFlag | None = None, progress: Progress = no_progress,
              render_threads: int | None = None, meta: dict | None = None,
              on_result: Callable[[ProductResult], None] | None = None) -> BatchSummary:
    """Bring ``out_dir`` up to date with ``products``: make what is new or changed, re-export
    edited projects, skip the rest; write each result as it arrives and the manifest after each.
    ``only``: keys to consider (the rest are left as they are); ``force``: redo them even if
    unchanged. ``runner``: how jobs run (default :func:`serial_runner`). ``meta`` goes into the
    manifest as-is (the catalogue path, the command). Returns the run's counts."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    sweep_stale_temps(out_dir)
    stop = stop or StopFlag()
    started = time.monotonic()
    manifest = load_manifest(out_dir)
    manifest.update(meta or {})
    manifest["settings"] = settings.to_dict()
    manifest["order"] = [p.key for p in products]
    entries = manifest["products"]
    only = set(only) if only is not None else None
    summary = BatchSummary()
    jobs = []
    for product in products:
        if only is not None and product.key not in only:
            continue
        entry = entries.get(product.key)
        kit = _kit(product, settings)  # checked here, before any product is made
        try:
            job = make_job(product, settings, render_threads=render_threads, kit=kit)
        except OSError as err:  # a photo vanished or cannot be read since the catalogue was read
            product.problems.append(f"images: cannot read a photo ({err.strerror or err}): "
                                    f"{getattr(err, 'filename', '')}")
            job = ProductJob(product.key, "unreadable", {}, {}, "", [], {})
        action = decide(product, job, entry, out_dir, retry_failed, force)
        base = {"title": product.brief.title, "where": product.where}
        if action == "skip":
            summary.skipped += 1
            entries[product.key] = {**entry, **base}
        elif action == "invalid":
            summary.failed += 1
            entries[product.key] = {**base, "input_hash": job.input_hash, "status": "failed",
                                    "error": "; ".join(product.problems), "files": [],
                                    "info": {}, "seconds": 0.0, "approved": False}
            if on_result:
                on_result(ProductResult(product.key, job.input_hash, "failed",
                                        entries[product.key]["error"]))
        else:
            if action == "reexport":
                job.project_files = _project_files(out_dir / product.key)
            entries[product.key] = {**(entry or {}), **base, "status": "pending"} \
                if action == "make" else {**entry, **base}
            jobs.append(job)
    save_manifest(out_dir, manifest)
    total = len(jobs)
    progress(0.0, f"{total} product(s) to make, {summary.skipped} unchanged")
    runner = runner or (lambda jobs, stop: serial_runner(jobs, stop, progress))
    saved = time.monotonic()
    try:
        for n, result in enumerate(runner(jobs, stop) if jobs else (), start=1):
            # Ctrl-C in a terminal reaches ffmpeg too, which then fails the export: not a failure
            if result.status == "cancelled" or (result.status == "failed" and stop.cancelled):
                continue
            _record(out_dir, entries, result, summary)
            # the manifest is rewritten whole: at most once a second, so a catalogue of
            # thousands does not spend its time rewriting it (a result it missed is remade)
            if time.monotonic() - saved > MANIFEST_SAVE_S:
                save_manifest(out_dir, manifest)
                saved = time.monotonic()
            if on_result:
                on_result(result)
            progress(n / total, f"{n}/{total} {result.key}: {result.status}")
    finally:
        save_manifest(out_dir, manifest)
    summary.stopped = stop.cancelled
    summary.cancelled += sum(1 for j in jobs if entries[j.key].get("status") == "pending")
    summary.seconds = time.monotonic() - started
    return summary


def _kit(product: Product, settings: BatchSettings):
    """The brand kit ``product`` is made with (:func:`product_kit`; None for none). A kit that
    is unknown, damaged or whose fonts cannot draw the copy becomes one of the product's
    problems, naming its row: that product fails before any work and the others go on."""
    from promodesk.core.brandkit import BrandKitError

    try:
        return product_kit(product, settings)
    except BrandKitError as err:
        column = "brand" if product.brand_kit else "--brand"
        product.problems.append(f"{column} ({product.where}): {err}")
        return None


def _record(out_dir: Path, entries: dict, result: ProductResult, summary: BatchSummary) -> None:
    """Write a finished job's files (when done) and its manifest entry; count it."""
    entry = entries[result.key]
    if result.status == "done":
        files = write_product(out_dir, result)
        reexport = bool(result.info.get("reexported", False))
        entries[result.key] = {**entry, "input_hash": result.input_hash, "status": "done",
                               "error": "", "files": files, "info": result.info,
                               "seconds": round(result.seconds, 2),
                               "project_hash": project_hashes(out_dir / result.key),
                               "approved": False,  # a new video needs a new approval
                               "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
        summary.done += 1
        summary.reexported += reexport
    else:
        entries[result.key] = {**entry, "input_hash": result.input_hash, "status": "failed",
                               "error": result.error, "seconds": round(result.seconds, 2),
                               "approved": False}
        summary.failed += 1


def catch_ctrl_c(stop: StopFlag) -> Callable[[], None]:
    """Make Ctrl-C (SIGINT) set ``stop`` instead of raising, so results already made are written
    whole; a second Ctrl-C stops at once. Returns a function that restores the old handler."""
    previous = signal.getsignal(signal.SIGINT)

    def handler(signum, frame):
        if stop.cancelled:
            signal.signal(signal.SIGINT, previous)
            raise KeyboardInterrupt
        stop.cancel()

    signal.signal(signal.SIGINT, handler)
    return lambda: signal.signal(signal.SIGINT, previous)
