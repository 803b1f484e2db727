"""One product, one job: :func:`run_product` takes a :class:`ProductJob` (the brief, the photos
as bytes, the settings) and returns a :class:`ProductResult` (every output file as bytes, and the
facts the report needs). A job touches no shared folder, so the same function runs in this
process, in a local worker process, or as a Ray task on another machine.

Outputs are deterministic: the encoder is libx264 on one thread. Its bytes depend on its thread
count (so "auto" differs between machines), with frame threads they even differed between two
exports of the same frames in one process (1 in 3 here, in the frames near a crossfade), and
hardware encoders differ by GPU. One x264 thread per product costs a batch little: products
run side by side.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import traceback
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from promodesk.core.catalogue import Product
from promodesk.engines.base import CancelToken, Cancelled, Progress, no_progress, stage

STRIP = "strip.jpg"
ENCODER = "libx264"


@dataclass(frozen=True)
class BatchSettings:
    """Settings every product of a run shares. ``aspects``/``seconds`` override the catalogue's
    when set; ``scale`` shrinks the frame (drafts); ``encoder_threads`` is fixed (1: the only
    count that gave the same bytes every time, see the module docstring); ``brand`` names the
    brand kit of every product whose row names none ("": no kit)."""

    seed: int = 0
    variants: int = 1
    captions: str = "burn"
    scale: float = 1.0
    voice: str | None = None
    aspects: tuple[str, ...] | None = None
    seconds: float | None = None
    encoder_threads: int = 1
    brand: str = ""

    def to_dict(self) -> dict:
        """The settings as a JSON-ready dict (what the manifest and the input hash hold); no
        ``brand`` entry without one, so runs made before kits existed keep their hashes."""
        d = asdict(self)
        d["aspects"] = list(self.aspects) if self.aspects else None
        if not d["brand"]:
            del d["brand"]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> BatchSettings:
        d = dict(d)
        d["aspects"] = tuple(d["aspects"]) if d.get("aspects") else None
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


@dataclass
class ProductJob:
    """Everything one product's render needs: ``brief`` is the brief as a dict whose images,
    media and logo name keys of ``photos`` (every input file, as bytes, or as a local path until
    :meth:`with_bytes` reads it, so a long queue of jobs does not hold every photo in memory);
    ``project_files`` (relative path -> bytes) holds an edited project to export again instead
    of making a new one. ``render_threads`` only sets speed, never the output. ``brand`` is
    the product's brand kit (its kit.json fields, file fields naming keys of ``photos``; None
    for none): kits live in the user's data folder, which a Ray worker does not see."""

    key: str
    input_hash: str
    brief: dict
    photos: dict[str, bytes]
    old_price: str
    aspects: list[str]
    settings: dict
    project_files: dict[str, bytes] | None = None
    render_threads: int | None = None
    brand: dict | None = None

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


def product_kit(product: Product, settings: BatchSettings, root=None):
    """The brand kit ``product`` is made with (its row's ``brand`` kit, else the run's
    ``--brand``; None for neither), loaded from the kits under ``root`` (default: the user's
    data folder) and checked as ``make --brand`` checks it: it exists, its files are there, its
    fonts draw the product's copy. Raises BrandKitError saying what is wrong."""
    from promodesk.core.brandkit import check_fonts_for, load_kit

    name = product.brand_kit or settings.brand
    if not name:
        return None
    kit = load_kit(name, root)
    b = product.brief
    check_fonts_for(kit, "".join([b.title, b.text, b.price, b.cta, product.old_price]))
    return kit


def make_job(product: Product, settings: BatchSettings, project_files: dict | None = None,
             render_threads: int | None = None, kit=None) -> ProductJob:
    """The job for ``product`` (its files as paths; see :meth:`ProductJob.with_bytes`), with
    brand ``kit`` (:func:`product_kit`; its files shipped like the photos) when given. Its
    ``input_hash`` covers the brief, the bytes of its photos, clips and logo (not their paths),
    the aspects, the old price, the settings and the kit's settings and file bytes. Raises
    OSError when a file cannot be read."""
    brief = product.brief.to_dict()
    if settings.seconds is not None:
        brief["seconds"] = settings.seconds
    files: dict[str, str] = {}
    hashed_brief = dict(brief)

    def ship(path: str) -> tuple[str, str]:
        """(name in the job, content hash) of one input file."""
        name = f"{len(files):02d}-{Path(path).name}"
        files[name] = str(path)
        return name, _file_sha(Path(path))

    for field_name in ("images", "media"):
        shipped = [ship(p) for p in brief.get(field_name, [])]
        brief[field_name] = [n for n, _ in shipped]
        hashed_brief[field_name] = [h for _, h in shipped]
    if brief.get("logo"):
        brief["logo"], hashed_brief["logo"] = ship(brief["logo"])
    brand = hashed_brand = None
    if kit is not None:
        # as make --brand: the kit's colours stand in for a row without its own, and a logo the
        # row gives wins over the kit's
        if not brief.get("brand_colors"):
            brief["brand_colors"] = hashed_brief["brand_colors"] = list(kit.color_list)
        brand, hashed_brand = kit.to_dict(), kit.to_dict()
        if brief.get("logo"):
            brand["logo"] = hashed_brand["logo"] = None
        for key in ("logo", "watermark", "intro", "outro"):
            if brand.get(key):
                brand[key], hashed_brand[key] = ship(str(kit.path(brand[key])))
        shipped = [ship(str(kit.path(f))) for f in kit.fonts]
        brand["fonts"] = [n for n, _ in shipped]
        hashed_brand["fonts"] = [h for _, h in shipped]
    for d in (brief, hashed_brief):
        d.pop("aspect", None)
    aspects = product_aspects(product, settings)
    hashed = {"brief": hashed_brief, "old_price": product.old_price, "aspects": aspects,
              "settings": settings.to_dict()}
    if hashed_brand is not None:  # absent without a kit: older manifests keep their hashes
        hashed["brand"] = hashed_brand
    digest = _sha(json.dumps(hashed, sort_keys=True, ensure_ascii=False).encode())
    return ProductJob(product.key, digest, brief, files, product.old_price, aspects,
                      settings.to_dict(), project_files, render_threads, brand)


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
    brief, _ = brief_from_dict(job.brief, base=photos)  # file names are keys of job.photos
    n = settings.variants
    for v in range(n):
        folder = out / project_name(job.key, v, n)
        made = make_project(brief, folder, seed=settings.seed, variant=v, aspect=job.aspects[0],
                            voice=settings.voice,
                            progress=stage(progress, v / n, (v + 0.4) / n, "plan and music"),
                            cancel=cancel)
        if job.old_price:
            _set_old_price(made.project, job.old_price)
        if job.brand is not None:
            made.notes += _apply_brand(made.project, folder, job.brand, photos, job.aspects)
        if job.old_price or job.brand is not None:
            save_project(made.project, folder)
        info["warnings"] += made.notes
        info.update(_facts(made.project, folder))
        _export_all(made.project, folder, out, job, v, settings,
                    stage(progress, (v + 0.4) / n, (v + 1) / n), cancel, info)
        if v == 0:
            _strip(made.project, folder, out / STRIP)
    return info


def _apply_brand(project, folder: Path, brand: dict, photos: Path, aspects: list[str]) -> list[str]:
    """Put the job's brand kit (``brand``: kit.json fields whose files are in ``photos``) on
    ``project`` as ``make --brand`` does (engines.visuals.brand.apply_brand). Returns its notes
    about the exported ``aspects``."""
    from promodesk.core.brandkit import BrandKit
    from promodesk.engines.visuals.brand import apply_brand

    fields = {k: v for k, v in brand.items() if k in BrandKit.__dataclass_fields__}
    kit = BrandKit(**{**fields, "folder": photos})
    return apply_brand(project, folder, kit, report=aspects)


def _user_error_types() -> tuple[type, ...]:
    from promodesk.core.brandkit import BrandKitError
    from promodesk.core.brief import BriefError
    from promodesk.core.musicspec import MusicSpecError
    from promodesk.core.projectfile import ProjectFileError
    from promodesk.engines.base import EngineUnavailable, GenerationError
    from promodesk.render.export import ExportError

    return (BriefError, MusicSpecError, ProjectFileError, EngineUnavailable, GenerationError,
            ExportError, OSError, BrandKitError)


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
