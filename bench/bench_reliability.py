"""The reliability battery as a user meets it: every bad-input and fault case of
tests/reliability/cases.py run as its own ``python -m promodesk`` process (so a traceback or a
hang shows exactly as on a terminal), the disk-full cases of test_disk_full.py, then kill -9s
during project saves and during make.

Prints, beside each target: cases tried, cases answered with a clear message (the expected exit
code and the file or field named), tracebacks, hangs (no answer within 120 s), files lost (an
input or an existing project changed), leftovers (temp files left), and the kills with damaged
projects and leftovers after the next open.

    .venv/bin/python bench/bench_reliability.py [--jobs 4] [--save-kills 50] [--make-kills 30]
                                               [--only CATEGORY]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def run_cases(only: str | None, jobs: int) -> list[tuple[str, object]]:
    from tests.reliability.cases import CASES
    from tests.reliability.harness import judge

    ids = sorted(c for c in CASES if only is None or c.startswith(only + "/"))

    def one(case_id: str):
        with tempfile.TemporaryDirectory(prefix="pd-rel-") as tmp:
            run = CASES[case_id][1](Path(tmp))
            _, verdict = judge(run, Path(tmp), as_child=True)
            return case_id, verdict

    with ThreadPoolExecutor(jobs) as pool:
        return list(pool.map(one, ids))


def disk_full() -> None:
    """The disk-full cases (a small tmpfs, injected write errors) run through pytest, since
    they mount and patch: tried, passed, failed, skipped (with the reasons)."""
    import pytest

    class Tally:
        def __init__(self):
            self.outcomes: Counter = Counter()
            self.skips: list[str] = []

        def pytest_runtest_logreport(self, report):
            if report.when == "call" or (report.when == "setup" and report.outcome != "passed"):
                self.outcomes[report.outcome] += 1
                if report.outcome == "skipped":
                    self.skips.append(str(report.longrepr[-1]))

    tally = Tally()
    t0 = time.perf_counter()
    pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", "--tb=line",
                 str(ROOT / "tests" / "reliability" / "test_disk_full.py")], plugins=[tally])
    o = tally.outcomes
    print(f"Disk full ({time.perf_counter() - t0:.0f} s): {sum(o.values())} cases, "
          f"{o['passed']} passed, {o['failed']} failed (target 0), {o['skipped']} skipped")
    for why in sorted(set(tally.skips)):
        print(f"    skipped: {why}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=4, help="cases run at once")
    ap.add_argument("--save-kills", type=int, default=50)
    ap.add_argument("--make-kills", type=int, default=30)
    ap.add_argument("--only", help="one category: photos, briefs, projects, music, outputs, "
                                   "environment")
    args = ap.parse_args()

    t0 = time.perf_counter()
    results = run_cases(args.only, args.jobs)
    t_cases = time.perf_counter() - t0
    by_cat = Counter(c.split("/")[0] for c, _ in results)
    clear = sum(v.clear and not v.traceback and not v.hung for _, v in results)
    tracebacks = [c for c, v in results if v.traceback]
    hangs = [c for c, v in results if v.hung]
    lost = [c for c, v in results if v.lost]
    left = [c for c, v in results if v.left]
    unclear = [(c, v.problems) for c, v in results if not v.clear and not v.hung]

    print(f"Battery: {len(results)} cases as separate processes in {t_cases:.0f} s "
          f"({', '.join(f'{k} {n}' for k, n in sorted(by_cat.items()))})")
    print(f"  {'cases tried':<34}{len(results):>6}")
    print(f"  {'answered with a clear message':<34}{clear:>6}   target {len(results)}")
    print(f"  {'tracebacks':<34}{len(tracebacks):>6}   target 0")
    print(f"  {'hangs (over 120 s)':<34}{len(hangs):>6}   target 0")
    print(f"  {'files lost (inputs changed)':<34}{len(lost):>6}   target 0")
    print(f"  {'leftovers (temp files left)':<34}{len(left):>6}   target 0")
    for title, items in (("traceback", tracebacks), ("hang", hangs), ("lost", lost),
                         ("leftover", left), ("unclear", unclear)):
        for item in items:
            print(f"    {title}: {item}")

    if not args.only:
        disk_full()

    from tests.reliability.kills import make_kills, save_kills

    with tempfile.TemporaryDirectory(prefix="pd-kill-") as tmp:
        t1 = time.perf_counter()
        saves = save_kills(Path(tmp), args.save_kills) if args.save_kills else None
        t2 = time.perf_counter()
        makes = make_kills(Path(tmp) / "make", args.make_kills) if args.make_kills else None
        t3 = time.perf_counter()
    for name, report, secs in (("saves", saves, t2 - t1), ("make", makes, t3 - t2)):
        if report is None:
            continue
        stages = ", ".join(f"{k} {n}" for k, n in sorted(report.stages.items()))
        print(f"kill -9 during {name}: {report.kills} kills in {secs:.0f} s ({stages})")
        print(f"  {'damaged after the kill':<34}{len(report.damaged):>6}   target 0")
        print(f"  {'temp files left after next open':<34}{len(report.left):>6}   target 0")
        for item in report.damaged + report.left:
            print(f"    {item}")


if __name__ == "__main__":
    main()
