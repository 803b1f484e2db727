"""Brief to finished 30 s 9:16 video, full size, start to finish: the time of each stage, and
when the plan (shots, cuts, captions) is ready: it is made on the music spec's beat grid, so it
no longer waits for the music to be rendered (issue 10).

Budget (issue 5): under 60 s on a 2-core machine without a GPU.

    .venv/bin/python bench/bench_make.py [BRIEF]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BUDGET_S = 60.0


def main() -> None:
    t0 = time.perf_counter()
    from promodesk.core.brief import load_brief
    from promodesk.render.export import export_video
    from promodesk.engines.assemble import make_project

    brief = load_brief(Path(sys.argv[1]) if len(sys.argv) > 1 else
                       ROOT / "resources" / "examples" / "briefs" / "espresso-zh.toml")
    brief.seconds, brief.aspect = 30, "9:16"
    marks: list[tuple[str, float]] = []
    last = [time.perf_counter(), ""]

    plan_ready = [0.0]

    def progress(fraction: float, message: str) -> None:
        stage = message.split(":")[0]
        if stage != last[1]:
            now = time.perf_counter()
            if last[1]:
                marks.append((last[1], now - last[0]))
                if last[1] == "planning the shots":
                    plan_ready[0] = now - t1
            last[:] = [now, stage]

    t_import = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bench.promodesk"
        t1 = time.perf_counter()
        made = make_project(brief, folder, seed=1, progress=progress)
        progress(1.0, "export")
        t2 = time.perf_counter()
        out = Path(tmp) / "bench.mp4"
        export_video(made.project, folder, out, (1080, 1920), captions="burn",
                     progress=lambda f, m: None)
        t3 = time.perf_counter()
        marks.append(("export 1080x1920", t3 - t2))
        size_mb = out.stat().st_size / 1e6
    total = time.perf_counter() - t0
    print(f"brief: {brief.source.name}, 30 s, 9:16, 1080x1920, captions burned")
    print(f"  {'imports':<28}{t_import:7.2f} s")
    for name, secs in marks:
        print(f"  {name:<28}{secs:7.2f} s")
    print(f"  {'(make_project total)':<28}{t2 - t1:7.2f} s")
    print(f"  {'(plan ready after)':<28}{plan_ready[0]:7.2f} s")
    print(f"total {total:.2f} s  (budget {BUDGET_S:.0f} s: {'OK' if total <= BUDGET_S else 'OVER'}),"
          f" output {size_mb:.1f} MB")


if __name__ == "__main__":
    main()
