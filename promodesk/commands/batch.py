"""``promodesk batch``: a whole catalogue in, one folder of videos per product out, plus a report.

    promodesk batch CATALOGUE -o OUT_DIR [--images DIR] [--aspect 9:16,1:1] [--seconds N]
                    [--workers N | --ray [ADDRESS]] [--retry-failed] [--only KEY] [--force]

A rerun makes only what is new or changed (the manifest in OUT_DIR remembers), re-exports
projects edited in the editor, and leaves the rest alone. Ctrl-C keeps every finished product.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from promodesk.commands import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_FAILED, EXIT_OK

WORKER_MEMORY_BYTES = 1_500_000_000  # a full-size render's peak, measured with bench_batch


def default_workers() -> int:
    """Worker processes this machine can run side by side: one per two cores (a product keeps
    about two busy: frame rendering and the encoder), and no more than the memory holds at
    about 1.5 GB a render."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    by_cores = max(1, (cores or 1) // 2)
    try:
        memory = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        by_memory = max(1, memory // WORKER_MEMORY_BYTES)
    except (ValueError, OSError, AttributeError):
        by_memory = by_cores
    return int(min(by_cores, by_memory))


def _settings(args: argparse.Namespace):
    from promodesk.core.timeline import ASPECTS
    from promodesk.render.product import BatchSettings
    from promodesk.render.export import CAPTION_MODES

    aspects = None
    if args.aspect:
        aspects = tuple(a.strip() for a in args.aspect.split(",") if a.strip())
        bad = [a for a in aspects if a not in ASPECTS]
        if bad or not aspects:
            raise ValueError(f"--aspect must be a comma-separated list of {', '.join(ASPECTS)}")
    if not 0.1 <= args.scale <= 1.0:
        raise ValueError("--scale must be between 0.1 and 1")
    if args.variants < 1:
        raise ValueError("--variants must be at least 1")
    if args.captions not in CAPTION_MODES:
        raise ValueError(f"--captions must be one of {', '.join(CAPTION_MODES)}")
    if args.brand:  # a kit for every product: refused before any work when it is not usable
        from promodesk.core.brandkit import BrandKitError, load_kit

        try:
            load_kit(args.brand)
        except BrandKitError as err:
            raise ValueError(f"--brand: {err}") from None
    return BatchSettings(seed=args.seed, variants=args.variants, captions=args.captions,
                         scale=args.scale, voice=args.voice, aspects=aspects,
                         seconds=args.seconds, encoder_threads=args.encoder_threads,
                         brand=args.brand or "")


def rerun_argv(args: argparse.Namespace) -> list[str]:
    """The arguments that run this batch again from anywhere (absolute paths); the review grid
    adds ``--only KEY --force`` to regenerate one product."""
    argv = [str(Path(args.catalogue).resolve()), "-o", str(Path(args.output).resolve()),
            "--seed", str(args.seed), "--variants", str(args.variants), "--captions",
            args.captions, "--scale", str(args.scale),
            "--encoder-threads", str(args.encoder_threads)]
    for flag, value in (("--images", args.images and str(Path(args.images).resolve())),
                        ("--aspect", args.aspect), ("--seconds", args.seconds),
                        ("--voice", args.voice), ("--brand", args.brand)):
        if value is not None:
            argv += [flag, str(value)]
    return argv


def _runner(args: argparse.Namespace, settings):
    """The runner the options ask for and the render threads per job (None: export's default)."""
    from promodesk.render.batch import pool_runner

    if args.ray is not None:
        from promodesk.render.farm import ray_runner, require_ray

        require_ray()
        gpus = args.gpus_per_task if args.gpus_per_task is not None else (1 if args.voice else 0)
        address = None if args.ray == "local" else args.ray
        return ray_runner(address, num_cpus=args.cpus_per_task, num_gpus=gpus,
                          max_retries=args.max_retries, local_cpus=args.ray_cpus), None
    workers = args.workers or default_workers()
    if workers <= 1:
        return None, None
    cores = os.cpu_count() or 1
    return pool_runner(workers), max(2, cores // workers + 1)


def run(args: argparse.Namespace) -> int:
    from promodesk.commands.progress import TerminalProgress
    from promodesk.core.catalogue import CatalogueError, read_catalogue
    from promodesk.render.batch import StopFlag, catch_ctrl_c, load_manifest, run_batch
    from promodesk.render.farm import FarmUnavailable
    from promodesk.render.report import write_report

    try:
        settings = _settings(args)
        products, warnings = read_catalogue(Path(args.catalogue),
                                            Path(args.images) if args.images else None)
    except (ValueError, CatalogueError) as err:
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.only:
        unknown = sorted(set(args.only) - {p.key for p in products})
        if unknown:
            print(f"promodesk: --only {', '.join(unknown)}: no such product in the catalogue "
                  f"(keys: {', '.join(p.key for p in products)})", file=sys.stderr)
            return EXIT_BAD_INPUT
    for w in warnings:
        print(f"note: {w}", file=sys.stderr)
    out = Path(args.output).resolve()
    catalogue = Path(args.catalogue).resolve()
    if out == catalogue or (catalogue.is_dir() and out in [catalogue, *catalogue.parents]):
        print("promodesk: the output folder must not be the catalogue's folder or above it; "
              "choose a new folder with -o", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        runner, render_threads = _runner(args, settings)
    except FarmUnavailable as err:
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    bar = TerminalProgress()
    stop = StopFlag()
    restore = catch_ctrl_c(stop)
    failures = []
    try:
        summary = run_batch(out, products, settings, runner, retry_failed=args.retry_failed,
                            only=args.only, force=args.force, stop=stop, progress=bar,
                            render_threads=render_threads,
                            meta={"catalogue": str(catalogue), "rerun": rerun_argv(args)},
                            on_result=lambda r: failures.append(r) if r.status == "failed"
                            else None)
    except FarmUnavailable as err:  # the cluster could not be reached; nothing was lost
        bar.done()
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    finally:
        restore()
    bar.done()
    page, _ = write_report(out, f"PromoDesk: {catalogue.name}")
    for r in failures:
        print(f"failed: {r.key}: {r.error}", file=sys.stderr)
    print(f"{summary.done} made, {summary.failed} failed, {summary.skipped} unchanged"
          + (f" ({summary.reexported} made from projects edited in the editor)"
             if summary.reexported else "")
          + (f", {summary.cancelled} not made (stopped)" if summary.cancelled else "")
          + f" in {summary.seconds:.1f} s. Report: {page}")
    entries = load_manifest(out)["products"]
    still = [p.key for p in products if p.key not in {r.key for r in failures}
             and (entries.get(p.key) or {}).get("status") == "failed"]
    if still:
        print(f"note: {len(still)} product(s) failed in an earlier run and were left as they "
              f"are ({', '.join(still[:5])}{', ...' if len(still) > 5 else ''}); fix them or "
              "add --retry-failed", file=sys.stderr)
    if summary.stopped:
        print("promodesk: stopped; finished products are kept, run the same command again to "
              "make the rest", file=sys.stderr)
        return EXIT_CANCELLED
    return EXIT_FAILED if summary.failed else EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "batch", help="make videos for a whole catalogue (CSV, Shopify export or brief folder)",
        description="Make every product of a catalogue: a folder per product with MP4s, "
                    "subtitles and the project, and report.html/report.csv. Reruns make only "
                    "what changed.")
    p.add_argument("catalogue", help="catalogue CSV, Shopify product export CSV, or a folder "
                                     "of brief files")
    p.add_argument("-o", "--output", required=True, help="output folder")
    p.add_argument("--images", help="folder holding the photos a Shopify export links to")
    p.add_argument("--aspect", help="aspects for every product, e.g. 9:16,1:1 (default: "
                                    "each row's)")
    p.add_argument("--seconds", type=float, help="length of every video (default: each row's)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same videos)")
    p.add_argument("--variants", type=int, default=1, help="N different cuts per product")
    p.add_argument("--captions", default="burn", help="burn, soft, both or none")
    p.add_argument("--scale", type=float, default=1.0, help="render at a fraction of full size")
    p.add_argument("--voice", metavar="MODEL", help="add a voice-over read by this model")
    p.add_argument("--workers", type=int, help="local worker processes (default: by cores "
                                               "and memory)")
    p.add_argument("--ray", nargs="?", const="local", metavar="ADDRESS",
                   help="run on a Ray cluster (HOST:6379, or 'auto'); without ADDRESS a "
                        "private Ray on this machine")
    p.add_argument("--cpus-per-task", type=float, default=2, help="Ray CPUs per product render")
    p.add_argument("--gpus-per-task", type=float, help="Ray GPUs per product (default: 1 with "
                                                       "--voice, else 0)")
    p.add_argument("--max-retries", type=int, default=3, help="Ray retries when a worker dies")
    p.add_argument("--ray-cpus", type=int, help="CPUs of the private local Ray (default: all)")
    p.add_argument("--encoder-threads", type=int, default=1,
                   help="x264 threads per render (default 1: the same bytes on every run and "
                        "machine; more threads trade that for speed)")
    p.add_argument("--retry-failed", action="store_true", help="try failed products again")
    p.add_argument("--only", action="append", metavar="KEY", help="only this product (repeatable)")
    p.add_argument("--force", action="store_true", help="remake even if unchanged")
    p.add_argument("--brand", metavar="NAME", help="saved brand kit for every product whose "
                   "catalogue row names none in its brand column")
    p.set_defaults(func=run)
