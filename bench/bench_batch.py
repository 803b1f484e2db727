"""A catalogue of 12 products x 15 s 9:16 at reduced scale, made three ways: serially in this
process, with 2 local worker processes, and on a private Ray with 2 CPUs (1 CPU a task, so two
tasks run side by side like the two workers). Prints products per minute, the speed-up over
serial, each way's overhead per product, the bytes shipped per task, and whether the three runs
wrote byte-identical MP4s.

Overhead per product = (lanes x wall time - sum of the products' own render times) / products,
where lanes is how many products run at once: what a product costs beyond its own render
(process start, imports, pickling, scheduling, shipping bytes, writing the result).

Budget (issue 16): --workers 2 at least 1.5x serial on 2 free cores; Ray within 1 s a product of
local workers.

    .venv/bin/python bench/bench_batch.py [--products 12] [--seconds 15] [--scale 0.25]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SPEEDUP_BUDGET = 1.5
RAY_OVERHEAD_BUDGET_S = 1.0
COPY = [
    ("Espresso Cup", "A small espresso cup. Thick walls keep it warm. Order today.", "$12"),
    ("Launch Kit", "Everything for launch day. Ships tomorrow. Save 20% this week.", "$49"),
    ("Sun Lamp", "A lamp that wakes you like the sun. Soft light, no alarm. Shop now.", "$35"),
    ("海盐皂", "手工海盐皂。温和清洁，泡沫细腻。限时八折，立即购买！", "39元"),
    ("Green Bottle", "Keeps water cold all day. Fits every bag. Grab yours now.", "$22"),
    ("Linen Shirt", "Cool linen for hot days. Breathes and washes well. Order now.", "$39"),
]


def catalogue(folder: Path, count: int, seconds: float) -> Path:
    """A catalogue CSV of ``count`` products in ``folder`` (example and generated photos)."""
    import csv

    from tests.e2e.test_batch import EXAMPLES, generated_photo

    photos = ["espresso-cup.png", "launch.jpg"]
    for name in photos:
        (folder / name).write_bytes((EXAMPLES / name).read_bytes())
    for n, hue in enumerate([(230, 170, 40), (40, 110, 190), (60, 160, 90), (170, 60, 140)]):
        generated_photo(folder / f"gen-{n}.jpg", hue)
        photos.append(f"gen-{n}.jpg")
    path = folder / "catalogue.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "title", "text", "images", "price", "aspects", "seconds"])
        for i in range(count):
            title, text, price = COPY[i % len(COPY)]
            imgs = ";".join(photos[(i + k) % len(photos)] for k in range(1 + i % 3))
            w.writerow([f"p{i + 1:02d}", title, text, imgs, price, "9:16", seconds])
    return path


def run(name: str, out: Path, products, settings, runner, lanes: int) -> dict:
    from promodesk.render.batch import run_batch

    results = []
    t0 = time.perf_counter()
    summary = run_batch(out, products, settings, runner, on_result=results.append)
    wall = time.perf_counter() - t0
    own = sum(r.seconds for r in results)
    n = len(results)
    return {"name": name, "wall": wall, "done": summary.done, "failed": summary.failed,
            "per_min": 60 * summary.done / wall, "overhead": (lanes * wall - own) / max(1, n),
            "bytes_in": sum(r.info.get("bytes_in", 0) for r in results) / max(1, n),
            "bytes_out": sum(r.info.get("bytes_out", 0) for r in results) / max(1, n),
            "task_s": own / max(1, n)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--products", type=int, default=12)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--scale", type=float, default=0.25)
    ap.add_argument("--skip-ray", action="store_true")
    args = ap.parse_args()

    from promodesk.core.catalogue import read_catalogue
    from promodesk.render.batch import pool_runner
    from promodesk.render.product import BatchSettings

    settings = BatchSettings(scale=args.scale, seconds=args.seconds)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        products, _ = read_catalogue(catalogue(tmp, args.products, args.seconds))
        rows.append(run("serial", tmp / "serial", products, settings, None, 1))
        rows.append(run("--workers 2", tmp / "workers", products, settings, pool_runner(2), 2))
        if not args.skip_ray:
            try:
                from promodesk.render.farm import ray_runner, require_ray

                require_ray()
                rows.append(run("Ray, 2 CPUs", tmp / "ray", products, settings,
                                ray_runner(None, num_cpus=1, local_cpus=2), 2))
            except Exception as err:  # noqa: BLE001 - the bench still reports the local figures
                print(f"Ray skipped: {err}")
        videos = [{p.relative_to(tmp / r_dir).as_posix(): p.read_bytes()
                   for p in sorted((tmp / r_dir).glob("*/*.mp4"))}
                  for r_dir in ("serial", "workers", "ray") if (tmp / r_dir).is_dir()]
        identical = all(v == videos[0] for v in videos[1:]) and len(videos[0]) == args.products
        differ = sorted({k for v in videos[1:] for k in videos[0] if v.get(k) != videos[0][k]})

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.products} products x {args.seconds:g} s 9:16 at scale {args.scale:g} "
          f"({round(1080 * args.scale / 2) * 2}x{round(1920 * args.scale / 2) * 2}); "
          f"{os.cpu_count()} cores, load average {load:.1f}")
    print(f"{'run':<14}{'wall s':>8}{'products/min':>14}{'speed-up':>10}{'task s':>8}"
          f"{'overhead s/product':>20}{'MB in/task':>12}{'MB out/task':>12}")
    serial = rows[0]["wall"]
    for r in rows:
        print(f"{r['name']:<14}{r['wall']:>8.1f}{r['per_min']:>14.2f}{serial / r['wall']:>9.2f}x"
              f"{r['task_s']:>8.2f}{r['overhead']:>20.2f}{r['bytes_in'] / 1e6:>12.2f}"
              f"{r['bytes_out'] / 1e6:>12.2f}")
        if r["failed"]:
            print(f"  {r['failed']} product(s) failed")
    print(f"MP4s byte-identical across the runs: {'yes' if identical else 'NO'}"
          + (f" (differ: {', '.join(differ)}; was the code edited during the bench?)"
             if differ else ""))
    speedup = serial / rows[1]["wall"]
    print(f"--workers 2 speed-up {speedup:.2f}x vs budget >= {SPEEDUP_BUDGET}x (on 2 free "
          f"cores): {'OK' if speedup >= SPEEDUP_BUDGET else 'over budget'}")
    if len(rows) > 2:
        extra = (rows[2]["wall"] - rows[1]["wall"]) * 2 / args.products
        print(f"Ray overhead vs local workers {extra:.2f} s/product vs budget <= "
              f"{RAY_OVERHEAD_BUDGET_S} s: {'OK' if extra <= RAY_OVERHEAD_BUDGET_S else 'over budget'}")


if __name__ == "__main__":
    main()
