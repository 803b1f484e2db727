"""Running one reliability case and judging it: the exit code, a message that names the file or
field, no traceback, no hang, inputs and existing projects byte-identical, no temp file left.

A case runs in this process through ``promodesk.cli.main`` (fast: most cases are refused before
any work) or, when it needs its own environment (locale, signals, a closed pipe, a deleted
folder), as ``python -m promodesk`` in a child process. The bench runs every case as a child."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
TEMP_NAME = re.compile(r"\..*\.pd\d+-[a-z0-9_]{8}(\.[A-Za-z0-9]+)?$")
HANG_S = 120


@dataclass
class Run:
    """One command to run and what must come of it. ``names``: strings the message must hold
    (the file or field); ``protect``: files/folders that must be byte-identical afterwards;
    ``absent``: paths that must not exist afterwards; ``child``: run as a child process (with
    ``env`` added and ``cwd``); ``after``: an extra check, given the result."""

    argv: list[str]
    code: int
    names: list[str]
    protect: list[Path] = field(default_factory=list)
    absent: list[Path] = field(default_factory=list)
    child: bool = False
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path | None = None
    after: Callable[["Result"], None] | None = None
    popen: Callable[[list[str], dict, Path | None], tuple[int, str, str]] | None = None


@dataclass
class Result:
    code: int | None
    stdout: str
    stderr: str
    hung: bool = False
    raised: str = ""


def snapshot(paths: list[Path]) -> dict[str, str]:
    """SHA-256 of every file under ``paths`` (links recorded as their target), by path."""
    seen: dict[str, str] = {}
    for top in paths:
        top = Path(top)
        items = [top] if not top.is_dir() or top.is_symlink() else sorted(top.rglob("*"))
        for p in items:
            if p.is_symlink():
                seen[str(p)] = "link:" + os.readlink(p)
            elif p.is_file():
                seen[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
            elif not p.exists():
                seen[str(p)] = "absent"
    return seen


def leftovers(folder: Path) -> list[Path]:
    """PromoDesk temp files and staging folders anywhere under ``folder``."""
    return [p for p in Path(folder).rglob(".*") if TEMP_NAME.match(p.name)]


def run_in_process(argv: list[str]) -> Result:
    """``promodesk ARGV`` through ``cli.main`` in this process, output captured."""
    from promodesk.cli import main

    out, err = io.StringIO(), io.StringIO()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGHUP)}
    raised = ""
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as stop:  # argparse's usage errors
                code = stop.code if isinstance(stop.code, int) else 2
            except BaseException:  # noqa: BLE001 - what the terminal would show as a traceback
                raised = traceback.format_exc()
                code = None
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
    return Result(code, out.getvalue(), err.getvalue() + raised, raised=raised)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    paths = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *paths])
    env.update(extra or {})
    return env


def run_child(argv: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
              timeout: float = HANG_S) -> Result:
    """``python -m promodesk ARGV`` as a child process."""
    try:
        r = subprocess.run([sys.executable, "-m", "promodesk", *argv], capture_output=True,
                           env=child_env(env), cwd=cwd, timeout=timeout)
    except subprocess.TimeoutExpired as t:
        return Result(None, "", (t.stderr or b"").decode("utf-8", "replace"), hung=True)
    return Result(r.returncode, r.stdout.decode("utf-8", "replace"),
                  r.stderr.decode("utf-8", "replace"))


@dataclass
class Verdict:
    """How a case went, in the bench's words."""

    clear: bool = True         # exit code as expected and the message names the file/field
    traceback: bool = False
    hung: bool = False
    lost: list[str] = field(default_factory=list)      # protected files changed or gone
    left: list[Path] = field(default_factory=list)     # temp files left behind
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.clear and not (self.traceback or self.hung or self.lost or self.left
                                   or self.problems)


def judge(run: Run, tmp: Path, as_child: bool = False) -> tuple[Result, Verdict]:
    """Run ``run`` (in a child when it asks or ``as_child``) and judge it."""
    before = snapshot(run.protect)
    if run.popen is not None:
        code, out, err = run.popen(run.argv, child_env(run.env), run.cwd)
        result = Result(code, out, err)
    elif run.child or as_child:
        result = run_child(run.argv, run.env, run.cwd)
    else:
        result = run_in_process(run.argv)
    v = Verdict()
    v.hung = result.hung
    v.traceback = "Traceback" in result.stderr or bool(result.raised)
    if result.code != run.code:
        v.clear = False
        v.problems.append(f"exit {result.code}, expected {run.code}")
    missing = [n for n in run.names if n not in result.stderr]
    if missing:
        v.clear = False
        v.problems.append(f"message does not name {missing}")
    after = snapshot(run.protect)
    v.lost = [p for p in before if after.get(p) != before[p]]
    v.left = leftovers(tmp)
    for p in run.absent:
        if Path(p).exists():
            v.problems.append(f"{p} should not exist")
    if run.after is not None:
        try:
            run.after(result)
        except AssertionError as err:
            v.problems.append(f"after-check: {err}")
    return result, v
