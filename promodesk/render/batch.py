"""A catalogue's products, made one job each, resumable through a manifest.

One product is one job: :func:`run_product` takes a :class:`ProductJob` (the brief, the photos
as bytes, the settings) and returns a :class:`ProductResult` (every output file as bytes, and
what the report needs). Jobs touch no shared folder, so the same function runs in this process,
in local worker processes, or as a Ray task on another machine (``render/farm.py``).

:func:`run_batch` decides which products need making (the manifest in the output folder keys each
product by a hash of its inputs and settings), hands the jobs to a runner, and writes each result
as it arrives: into a hidden staging folder that is then renamed into place, so an interrupted
run leaves finished products whole and no partial file. One product failing never stops the
others; its message goes into the manifest and the report.

Outputs are deterministic: the encoder is libx264 with a fixed thread count (x264's output
depends on its thread count, and hardware encoders differ by GPU), so the same catalogue and
settings give byte-identical MP4s serially, in worker processes and on any Ray node.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from promodesk.core.catalogue import Product
from promodesk.core.projectfile import (
    atomic_write_bytes, project_json_path, sweep_stale_temps, temp_prefix,
)
from promodesk.engines.base import CancelToken, Cancelled, Progress, no_progress, stage

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
STRIP = "strip.jpg"
ENCODER = "libx264"


@dataclass(frozen=True)
class BatchSettings:
    """Settings every product of a run shares. ``aspects``/``seconds`` override the catalogue's
    when set; ``scale`` shrinks the frame (drafts); ``encoder_threads`` is fixed so that every
    machine encodes the same bytes."""

    seed: int = 0
    variants: int = 1
    captions: str = "burn"
    scale: float = 1.0
    voice: str | None = None
    aspects: tuple[str, ...] | None = None
    seconds: float | None = None
    encoder_threads: int = 2

    def to_dict(self) -> dict:
        """The settings as a JSON-ready dict (what the manifest and the input hash hold)."""
        d = asdict(self)
        d["aspects"] = list(self.aspects) if self.aspects else None
        return d

    @classmethod
    def from_dict(cls, d: dict) -> BatchSettings:
        d = dict(d)
        d["aspects"] = tuple(d["aspects"]) if d.get("aspects") else None
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


@dataclass
class ProductJob:
    """Everything one product's render needs: ``brief`` is the brief as a dict whose images
    name keys of ``photos`` (file bytes, or a local path until :meth:`with_bytes` reads it, so
    a long queue of jobs does not hold every photo in memory);
    ``project_files`` (relative path -> bytes) holds an edited project to export again instead
    of making a new one. ``render_threads`` only sets speed, never the output."""

    key: str
    input_hash: str
    brief: dict
    photos: dict[str, bytes]
    old_price: str
    aspects: list[str]
    settings: dict
    project_files: dict[str, bytes] | None = None
    render_threads: int | None = None

    def with_bytes(self) -> ProductJob:
        """This job with every photo read into memory: what is sent to another machine."""
        photos = {k: v if isinstance(v, bytes) else Path(v).read_bytes()
                  for k, v in self.photos.items()}
        return replace(self, photos=photos)


@dataclass
class ProductResult:
    """What a job gives back: ``status`` "done", "failed" or "cancelled"; ``error`` the message
    for a failure; ``files`` (path relative to the product's folder -> bytes); ``info`` the
    report's facts (duration_s, loudness_lufs, captions, engines, licences, warnings, ...);
    ``seconds`` the wall time the job took."""

    key: str
    input_hash: str
    status: str
    error: str = ""
    files: dict[str, bytes] = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    seconds: float = 0.0


# --- inputs and their hash ---------------------------------------------------------------------

def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def product_aspects(product: Product, settings: BatchSettings) -> list[str]:
    """The aspects ``product`` is exported in: the run's override, else the catalogue's."""
    return list(settings.aspects) if settings.aspects else list(product.aspects)


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def make_job(product: Product, settings: BatchSettings, project_files: dict | None = None,
             render_threads: int | None = None) -> ProductJob:
    """The job for ``product`` (photos as paths; see :meth:`ProductJob.with_bytes`). Its
    ``input_hash`` covers the brief, the photos' bytes (not their paths), the aspects, the old
    price and the settings. Raises OSError when a photo cannot be read."""
    brief = product.brief.to_dict()
    if settings.seconds is not None:
        brief["seconds"] = settings.seconds
    photos, names, hashes = {}, [], []
    for n, path in enumerate(product.brief.images):
        name = f"{n:02d}-{Path(path).name}"
        photos[name] = str(path)
        names.append(name)
        hashes.append(_file_sha(Path(path)))
    brief["images"] = names
    brief.pop("aspect", None)
    aspects = product_aspects(product, settings)
    hashed = {"brief": {**brief, "images": hashes},
              "old_price": product.old_price, "aspects": aspects,
              "settings": settings.to_dict()}
    digest = _sha(json.dumps(hashed, sort_keys=True, ensure_ascii=False).encode())
    return ProductJob(product.key, digest, brief, photos, product.old_price, aspects,
                      settings.to_dict(), project_files, render_threads)


def video_names(key: str, aspects: list[str], variants: int) -> dict[tuple[int, str], str]:
    """File names of the exports by (variant, aspect), by the house rule (render/outputs.py):
    KEY.mp4 for one aspect, KEY-9x16.mp4 for several, KEY-v2-9x16.mp4 with variants."""
    from promodesk.render.outputs import output_paths

    return {k: p.name for k, p in output_paths(Path(f"{key}.mp4"), aspects, variants).items()}


def project_name(key: str, variant: int, variants: int) -> str:
    """Folder name of a variant's project inside the product's folder."""
    return f"{key}-v{variant + 1}.promodesk" if variants > 1 else f"{key}.promodesk"


# --- one product -------------------------------------------------------------------------------

def _set_old_price(project, old_price: str) -> None:
    """Put the catalogue's old price on the offer shots (the copy rarely states it)."""
    for track in project.tracks:
        for clip in track.clips:
            for take in clip.takes:
                p = take.recipe.params if take.recipe else None
                if p is not None and take.recipe.engine == "shots" and p.get("kind") == "offer" \
                        and not p.get("old_price"):
                    p["old_price"] = old_price


def _loudness(mp4: Path) -> float | None:
    """Integrated loudness (LUFS) of the audio in ``mp4``, decoded by ffmpeg; None if silent."""
    import subprocess

    import numpy as np
    import pyloudnorm

    from promodesk.render.export import ffmpeg_exe

    raw = subprocess.run([ffmpeg_exe(), "-v", "error", "-i", str(mp4), "-map", "0:a:0", "-f",
                          "f32le", "-ac", "2", "-ar", "48000", "-"], capture_output=True).stdout
    audio = np.frombuffer(raw, np.float32).reshape(-1, 2)
    if len(audio) < 48000 * 0.5 or not np.any(audio):
        return None
    value = pyloudnorm.Meter(48000).integrated_loudness(audio)
    return round(float(value), 2) if np.isfinite(value) else None


def _strip(project, folder: Path, path: Path, count: int = 4, height: int = 160) -> None:
    """A strip of ``count`` frames (the middle of each quarter) of ``project``, ``height`` px
    high, as a JPEG at ``path``: the product's thumbnail in the report and the review grid."""
    import numpy as np
    from PIL import Image

    from promodesk.render.frame import FrameRenderer

    # render at 640 px on the long side (shot layouts are not made for thumbnails), then shrink
    w, h = project.width, project.height
    k = min(1.0, 640 / max(w, h))
    size = (max(2, round(w * k / 2) * 2), max(2, round(h * k / 2) * 2))
    renderer = FrameRenderer(project, folder, size)
    frames = []
    for i in range(count):
        img = Image.fromarray(renderer.frame(project.duration * (2 * i + 1) // (2 * count)))
        frames.append(img.resize((max(1, round(img.width * height / img.height)), height),
                                 Image.LANCZOS))
    strip = Image.fromarray(np.hstack([np.asarray(f) for f in frames]))
    strip.save(path, "JPEG", quality=82)


def _facts(project, folder: Path) -> dict:
    """Report facts of a made project: duration, caption lines, engines and licences."""
    from promodesk.core.timeline import TrackKind, seconds_from_us

    engines = sorted({t.recipe.engine for tr in project.tracks for c in tr.clips for t in c.takes
                      if t.recipe and t.recipe.engine})
    licences = sorted({a.licence for a in project.assets.values() if a.licence})
    captions = [c.cue.text for tr in project.tracks_of(TrackKind.CAPTIONS) for c in tr.clips
                if c.cue is not None]
    return {"duration_s": round(seconds_from_us(project.duration), 3), "captions": captions,
            "engines": engines, "licences": licences}


def _export_all(project, folder: Path, out: Path, job: ProductJob, variant: int,
                settings: BatchSettings, progress: Progress, cancel: CancelToken,
                info: dict) -> None:
    from promodesk.core.timeline import ASPECTS
    from promodesk.render.export import export_video

    names = video_names(job.key, job.aspects, settings.variants)
    for i, aspect in enumerate(job.aspects):
        w, h = (max(2, round(x * settings.scale / 2) * 2) for x in ASPECTS[aspect])
        target = out / names[(variant, aspect)]
        result = export_video(project, folder, target, (w, h), captions=settings.captions,
                              progress=stage(progress, i / len(job.aspects),
                                             (i + 1) / len(job.aspects), f"export {aspect}"),
                              cancel=cancel, encoder=ENCODER, workers=job.render_threads,
                              encoder_threads=settings.encoder_threads)
        info["encoder"] = result.encoder
        if result.missing_glyphs:
            info["warnings"].append("no bundled font can draw "
                                    f"{''.join(result.missing_glyphs)!r}; left out of captions")
        if "loudness_lufs" not in info:
            info["loudness_lufs"] = _loudness(target)


def _make(job: ProductJob, work: Path, out: Path, progress: Progress, cancel: CancelToken) -> dict:
    """Make (or, with ``project_files``, re-export) the product into ``out``; returns its facts."""
    from promodesk.core.brief import brief_from_dict
    from promodesk.core.projectfile import load_project, save_project
    from promodesk.engines.assemble import make_project

    settings = BatchSettings.from_dict(job.settings)
    info: dict = {"warnings": []}
    if job.project_files is not None:
        for rel, data in job.project_files.items():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            (out / rel).write_bytes(data)
        for v in range(settings.variants):
            folder = out / project_name(job.key, v, settings.variants)
            project = load_project(folder)
            info.update(_facts(project, folder))
            info["reexported"] = True
            _export_all(project, folder, out, job, v, settings, progress, cancel, info)
        _strip(load_project(out / project_name(job.key, 0, settings.variants)),
               out / project_name(job.key, 0, settings.variants), out / STRIP)
        return info
    photos = work / "photos"
    photos.mkdir()
    for name, data in job.with_bytes().photos.items():
        (photos / name).write_bytes(data)
    brief, _ = brief_from_dict({**job.brief, "images": list(job.photos)}, base=photos)
    n = settings.variants
    for v in range(n):
        folder = out / project_name(job.key, v, n)
        made = make_project(brief, folder, seed=settings.seed, variant=v, aspect=job.aspects[0],
                            voice=settings.voice,
                            progress=stage(progress, v / n, (v + 0.4) / n, "plan and music"),
                            cancel=cancel)
        if job.old_price:
            _set_old_price(made.project, job.old_price)
            save_project(made.project, folder)
        info["warnings"] += made.notes
        info.update(_facts(made.project, folder))
        _export_all(made.project, folder, out, job, v, settings,
                    stage(progress, (v + 0.4) / n, (v + 1) / n), cancel, info)
        if v == 0:
            _strip(made.project, folder, out / STRIP)
    return info


def _user_error_types() -> tuple[type, ...]:
    from promodesk.core.brief import BriefError
    from promodesk.core.musicspec import MusicSpecError
    from promodesk.core.projectfile import ProjectFileError
    from promodesk.engines.base import EngineUnavailable, GenerationError
    from promodesk.render.export import ExportError

    return (BriefError, MusicSpecError, ProjectFileError, EngineUnavailable, GenerationError,
            ExportError, OSError)


def run_product(job: ProductJob, progress: Progress = no_progress,
                cancel: CancelToken | None = None) -> ProductResult:
    """Make one product in a private temporary folder and return its files as bytes. Never
    raises for a product that cannot be made: the result says "failed" with the message (with
    the traceback's last lines for a programming error); "cancelled" when ``cancel`` was set."""
    cancel = cancel or CancelToken()
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="promodesk-batch-") as tmp:
        work = Path(tmp)
        out = work / "out"
        out.mkdir()
        try:
            info = _make(job, work, out, progress, cancel)
        except Cancelled:
            return ProductResult(job.key, job.input_hash, "cancelled",
                                 seconds=time.monotonic() - started)
        except Exception as err:  # noqa: BLE001 - one product never stops the others
            if isinstance(err, _user_error_types()):
                message = str(err)
            else:
                tail = traceback.format_exc().strip().splitlines()[-3:]
                message = f"internal error ({type(err).__name__}: {err}); " + " / ".join(tail)
            # the job's scratch folder means nothing to the user: name the photo as given
            message = message.replace(str(work / "photos") + os.sep, "")
            return ProductResult(job.key, job.input_hash, "failed", message,
                                 seconds=time.monotonic() - started)
        files = {p.relative_to(out).as_posix(): p.read_bytes()
                 for p in sorted(out.rglob("*")) if p.is_file()}
    info["bytes_in"] = sum(len(v) if isinstance(v, bytes) else os.path.getsize(v)
                           for v in job.photos.values()) + sum(
        map(len, (job.project_files or {}).values()))
    info["bytes_out"] = sum(map(len, files.values()))
    return ProductResult(job.key, job.input_hash, "done", "", files, info,
                         time.monotonic() - started)


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
        try:
            job = make_job(product, settings, render_threads=render_threads)
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
    for n, result in enumerate(runner(jobs, stop) if jobs else (), start=1):
        entry = entries[result.key]
        # Ctrl-C in a terminal reaches ffmpeg too, which then fails the export: not a failure
        if result.status == "cancelled" or (result.status == "failed" and stop.cancelled):
            summary.cancelled += 1
            continue
        if result.status == "done":
            files = write_product(out_dir, result)
            reexport = result.info.get("reexported", False)
            entries[result.key] = {**entry, "input_hash": result.input_hash, "status": "done",
                                   "error": "", "files": files, "info": result.info,
                                   "seconds": round(result.seconds, 2),
                                   "project_hash": project_hashes(out_dir / result.key),
                                   "approved": bool(entry.get("approved")) and reexport,
                                   "finished": time.strftime("%Y-%m-%d %H:%M:%S")}
            summary.done += 1
            summary.reexported += reexport
        else:
            entries[result.key] = {**entry, "input_hash": result.input_hash, "status": "failed",
                                   "error": result.error, "seconds": round(result.seconds, 2),
                                   "approved": False}
            summary.failed += 1
        save_manifest(out_dir, manifest)
        if on_result:
            on_result(result)
        progress(n / total, f"{n}/{total} {result.key}: {result.status}")
    summary.stopped = stop.cancelled
    summary.cancelled += sum(1 for j in jobs if entries[j.key].get("status") == "pending")
    summary.seconds = time.monotonic() - started
    return summary


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
