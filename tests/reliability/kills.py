"""``kill -9`` at random moments: during project saves and during ``promodesk make``. After
each kill the project is opened again (it must hold the old or the new state, never a damaged
one) and, after that next open, no temp file may be left. Used by test_kills.py and the bench."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tests.reliability.harness import child_env, leftovers
from tests.reliability.material import brief_folder, tiny_project

SAVER = textwrap.dedent("""
    import sys
    from promodesk.core import projectfile as pf
    from promodesk.core.timeline import Marker
    folder = sys.argv[1]
    p = pf.load_project(folder)
    print("ready", flush=True)
    n = 0
    while True:
        n += 1
        p.title = f"v{n}"
        p.markers = [Marker(i * 1000, f"m{n}-{i}") for i in range(n % 300)]
        pf.save_project(p, folder)
""")


@dataclass
class KillReport:
    """What the kills showed: how many, in which stage, and what went wrong."""

    kills: int = 0
    finished_first: int = 0
    stages: dict[str, int] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, stage: str, killed: bool, problem: str, left: list[Path]) -> None:
        """Record one run (from any thread)."""
        with self.lock:
            self.kills += killed
            self.finished_first += not killed
            self.stages[stage] = self.stages.get(stage, 0) + 1
            if problem:
                self.damaged.append(problem)
            self.left += [str(p) for p in left]


def _wait_group(pgid: int, timeout: float = 30.0) -> None:
    """Wait until every process of group ``pgid`` (ffmpeg outliving its parent) has exited."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.killpg(pgid, signal.SIGKILL)


def kill_one_save(folder: Path, rng: random.Random) -> tuple[str, list[Path]]:
    """Start a child saving ``folder`` over and over, kill -9 it at a random moment, open the
    project again. Returns (problem or "", temp files left after that open)."""
    from promodesk.core import projectfile as pf

    p = subprocess.Popen([sys.executable, "-c", SAVER, str(folder)], stdout=subprocess.PIPE,
                         env=child_env(), start_new_session=True)
    p.stdout.readline()  # "ready": saves start now
    time.sleep(rng.uniform(0.0, 0.25))
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    p.stdout.close()
    try:
        title = pf.load_project(folder).title
    except pf.ProjectFileError as err:
        return f"damaged after a kill: {err}", leftovers(folder)
    if title != "Tiny" and not (title.startswith("v") and title[1:].isdigit()):
        return f"unexpected title {title!r}", leftovers(folder)
    return "", leftovers(folder)


def save_kills(tmp: Path, n: int, seed: int = 1, parallel: int = 4) -> KillReport:
    """``n`` kills during saves, ``parallel`` projects at a time."""
    report = KillReport()
    folders = [tiny_project(tmp / f"s{i}.promodesk") for i in range(parallel)]

    def lane(i: int) -> None:
        rng = random.Random(seed * 1000 + i)
        for _ in range(i, n, parallel):
            problem, left = kill_one_save(folders[i], rng)
            report.add("save", True, problem, left)

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(lane, range(parallel)))
    return report


def kill_one_make(tmp: Path, brief: Path, after_line: int, delay: float
                  ) -> tuple[str, str, list[Path]]:
    """Run ``promodesk make`` into ``tmp`` and kill -9 it ``delay`` seconds after its progress
    line number ``after_line`` (so the kills spread over every stage: reading, music, saving,
    export), unless it is done by then; wait for its ffmpeg, then open what it left as the next
    command would. Returns (the stage it was in, a problem or "", temp files left after that
    next open)."""
    from promodesk.commands.checks import sweep
    from promodesk.core import projectfile as pf

    out = tmp / "out" / "promo.mp4"
    p = subprocess.Popen([sys.executable, "-m", "promodesk", "make", str(brief), "-o", str(out),
                          "--seconds", "5", "--scale", "0.1"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, env=child_env(), start_new_session=True)
    seen = []
    for raw in p.stderr:
        seen.append(raw.decode("utf-8", "replace"))
        if len(seen) > after_line:
            break
    time.sleep(delay)
    stage = "finished"
    if p.poll() is None:
        os.kill(p.pid, signal.SIGKILL)
        stage = _stage(seen[-1] if seen else "")
    p.stderr.close()
    p.wait()
    _wait_group(p.pid)
    # the next open: what the next make/render into this folder and the editor do first
    sweep([out.parent])
    project = out.with_suffix(".promodesk")
    problem = ""
    if project.exists():
        try:
            pf.load_project(project)
        except pf.ProjectFileError as err:
            problem = f"damaged project after a kill in {stage}: {err}"
    if out.exists() and out.stat().st_size < 1000:
        problem = problem or f"a cut-short video after a kill in {stage}"
    return stage, problem, leftovers(tmp)


def _stage(line: str) -> str:
    for word in ("export", "saved", "music", "plan"):
        if word in line:
            return word
    return "start"


def make_kills(tmp: Path, n: int, seed: int = 2, parallel: int = 4) -> KillReport:
    """``n`` makes killed at random moments (after a random progress line, plus a random
    delay),
    ``parallel`` at a time."""
    report = KillReport()
    rng = random.Random(seed)
    # the first line comes before the music, the longest stage: kill anywhere in it
    moments = [(k, rng.uniform(0.0, 8.0 if k == 0 else 0.5))
               for k in (rng.randrange(0, 9) for _ in range(n))]
    brief, _ = brief_folder(tmp / "in")

    def one(i: int) -> None:
        folder = tmp / f"k{i}"
        folder.mkdir()
        stage, problem, left = kill_one_make(folder, brief, *moments[i])
        report.add(stage, stage != "finished", problem, left)

    with ThreadPoolExecutor(parallel) as pool:
        list(pool.map(one, range(n)))
    return report
