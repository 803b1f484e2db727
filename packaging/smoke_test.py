"""Smoke test of a built PromoDesk folder (dist/PromoDesk): does the installed app work?

    .venv/bin/python packaging/smoke_test.py [dist/PromoDesk] [--launches N] [--compare-source]

Runs the frozen executable the way a user would, from an empty folder, with a fresh HOME and a
PATH that holds no ffmpeg (so only the bundled one can make the videos):

- ``--version`` prints the version in promodesk/__init__.py;
- ``brief check`` passes on each bundled example brief;
- ``make`` on each bundled example (``--scale 0.2 --seconds 6``) writes an MP4 that the bundled
  ffmpeg decodes to exactly seconds x fps frames at the scaled size, with an audio stream;
- ``doctor`` runs, finds the fonts and ffmpeg, and reports the model engines unavailable;
- a model-engine request (``make --voice``) gets the normal "unavailable" message, no traceback;
- the editor starts headless (QT_QPA_PLATFORM=offscreen), shows its window and closes cleanly
  (PROMODESK_QUIT_AFTER_MS, see promodesk/app/run.py); once more long enough for its worker
  process to generate the example project; and under Xvfb with the xcb plugin when xvfb-run is
  installed.

Prints the folder's size and the editor's time from launch to window shown (with
``--compare-source``, beside the same figure for the source install in .venv, taken in the same
run). Exit status 0 when every check passed. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 6
SCALE = 0.2
ASPECT_SIZES = {"9:16": (1080, 1920), "1:1": (1080, 1080), "16:9": (1920, 1080)}
MODEL_LIBRARIES = ("torch", "transformers", "diffusers", "accelerate", "safetensors",
                   "huggingface_hub")
IMPORT_FAILURE = re.compile(r"ModuleNotFoundError|ImportError|No module named|"
                            r"Could not load the Qt platform plugin|cannot open shared object")


class Smoke:
    """Runs the checks and keeps the tally."""

    def __init__(self, dist: Path):
        self.dist = dist
        # Windows (untested): PromoDesk.exe has no console, so the commands' output would be
        # lost; promodesk-cli.exe is the same program with one.
        self.exe = dist / ("promodesk-cli.exe" if os.name == "nt" else "PromoDesk")
        self.work = Path(tempfile.mkdtemp(prefix="promodesk-smoke-"))
        empty_bin = self.work / "bin"
        empty_bin.mkdir()
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("PYTHON", "PROMODESK_", "IMAGEIO_", "QT_", "XDG_"))}
        self.env.update(HOME=str(self.work / "home"), PATH=str(empty_bin),
                        PROMODESK_PROJECTS=str(self.work / "projects"),
                        PROMODESK_CACHE=str(self.work / "cache"))
        (self.work / "home").mkdir()
        self.failures: list[str] = []

    # --- bookkeeping ----------------------------------------------------------------------------

    def check(self, ok: bool, what: str, detail: str = "") -> bool:
        print(f"{'ok  ' if ok else 'FAIL'}  {what}" + (f"  ({detail})" if detail else ""), flush=True)
        if not ok:
            self.failures.append(what)
        return ok

    def run(self, *args: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.exe), *args], capture_output=True, text=True,
                              cwd=self.work, env=env or self.env, timeout=timeout)

    def internal(self) -> Path:
        """The folder holding the bundled libraries and resources (sys._MEIPASS)."""
        inner = self.dist / "_internal"
        return inner if inner.is_dir() else self.dist

    def ffmpeg(self) -> Path | None:
        found = sorted((self.internal() / "imageio_ffmpeg" / "binaries").glob("ffmpeg*"))
        return found[0] if found else None

    # --- checks ---------------------------------------------------------------------------------

    def contents(self) -> None:
        """The model libraries are not in the build; the app's own modules are (read from the
        executable's archive with PyInstaller's viewer, when PyInstaller is importable here)."""
        try:
            import PyInstaller  # noqa: F401
        except ImportError:
            print("skip  archive contents: PyInstaller is not installed here")
            return
        out = subprocess.run([sys.executable, "-m", "PyInstaller.utils.cliutils.archive_viewer",
                              "-l", "-r", "-b", str(self.exe)], capture_output=True, text=True,
                             timeout=120)
        names = {line.strip() for line in out.stdout.splitlines()}
        names |= {p.name for p in self.internal().iterdir()}
        leaked = sorted(n for n in names for lib in MODEL_LIBRARIES
                        if n == lib or n.startswith(lib + "."))
        self.check(out.returncode == 0 and not leaked, "model libraries left out",
                   ", ".join(leaked[:8]) or ", ".join(MODEL_LIBRARIES))
        missing = [m for m in ("promodesk.cli", "promodesk.app.main_window", "promodesk.app.tasks",
                               "promodesk.engines.music.composer", "promodesk.render.export")
                   if m not in names]
        self.check(not missing, "PromoDesk's modules bundled", ", ".join(missing))

    def version(self) -> None:
        want = re.search(r'__version__\s*=\s*"([^"]+)"',
                         (ROOT / "promodesk" / "__init__.py").read_text()).group(1)
        out = self.run("--version")
        text = (out.stdout + out.stderr).strip()
        self.check(out.returncode == 0 and text == f"PromoDesk {want}", "--version", text)

    def briefs(self) -> list[Path]:
        briefs = sorted((self.internal() / "resources" / "examples" / "briefs").glob("*.toml"))
        self.check(bool(briefs), "bundled example briefs", ", ".join(b.name for b in briefs))
        for brief in briefs:
            out = self.run("brief", "check", str(brief))
            self.check(out.returncode == 0, f"brief check {brief.name}",
                       f"exit {out.returncode}" + ("" if out.returncode == 0 else ": " + out.stderr.strip()[-300:]))
        return briefs

    def make(self, brief: Path) -> None:
        target = self.work / f"{brief.stem}.mp4"
        t0 = time.perf_counter()
        out = self.run("make", str(brief), "-o", str(target), "--scale", str(SCALE),
                       "--seconds", str(SECONDS))
        took = time.perf_counter() - t0
        if not self.check(out.returncode == 0 and target.is_file(), f"make {brief.name}",
                          f"{took:.1f} s" if out.returncode == 0 else
                          f"exit {out.returncode}: {out.stderr.strip()[-600:]}"):
            return
        self.check("no bundled font" not in out.stderr, f"captions of {brief.name} fully drawn",
                   "" if "no bundled font" not in out.stderr else out.stderr.strip()[-300:])
        project = json.loads((self.work / f"{brief.stem}.promodesk" / "project.json").read_text())
        fps = project["fps"][0] / project["fps"][1]
        width, height = (round(x * SCALE / 2) * 2 for x in ASPECT_SIZES[project["aspect"]])
        frames, size, audio = self.decode(target)
        want = round(SECONDS * fps)
        self.check(frames == want and size == (width, height) and audio,
                   f"{target.name} decodes", f"{frames} frames (want {want} = {SECONDS} s x "
                   f"{fps:g} fps), {size[0]}x{size[1]} (want {width}x{height}), "
                   f"audio {'yes' if audio else 'NO'}")

    def decode(self, video: Path) -> tuple[int, tuple[int, int], bool]:
        """Decode every video frame with the bundled ffmpeg: (frames, (w, h), has audio)."""
        exe = self.ffmpeg()
        if exe is None:
            return -1, (0, 0), False
        out = subprocess.run([str(exe), "-hide_banner", "-nostats", "-i", str(video), "-map",
                              "0:v:0", "-f", "null", "-progress", "pipe:1", "-"],
                             capture_output=True, text=True, timeout=120)
        counts = re.findall(r"^frame=(\d+)$", out.stdout, re.M)
        size = re.search(r"Stream #0:\d+.*Video:.*?, (\d+)x(\d+)", out.stderr)
        return (int(counts[-1]) if counts and out.returncode == 0 else -1,
                (int(size.group(1)), int(size.group(2))) if size else (0, 0),
                bool(re.search(r"Stream #0:\d+.*Audio:", out.stderr)))

    def doctor(self) -> None:
        out = self.run("doctor")
        text = out.stdout + out.stderr
        print("      " + text.strip().replace("\n", "\n      "))
        self.check(out.returncode == 0, "doctor", f"exit {out.returncode}")
        self.check("MISSING" not in text and re.search(r"^ffmpeg\s+ffmpeg version", text, re.M)
                   is not None, "doctor finds the bundled fonts and ffmpeg")
        model_rows = [l for l in text.splitlines() if "needs the model extras" in l]
        self.check(len(model_rows) >= 3 and "Traceback" not in text,
                   "doctor: model engines report themselves unavailable", f"{len(model_rows)} engines")

    def model_engines(self, brief: Path) -> None:
        """The CPU edition has no model libraries: asking for a model engine must end in its
        normal "unavailable" message (exit status 1 or 2), never a traceback."""
        def clean(out: subprocess.CompletedProcess, *phrases: str) -> tuple[bool, str]:
            text = (out.stdout + out.stderr).strip()
            ok = out.returncode in (1, 2) and "Traceback" not in text and \
                any(p in text for p in phrases)
            return ok, f"exit {out.returncode}: {text.splitlines()[-1] if text else ''}"

        voice = ("make", str(brief), "-o", str(self.work / "voice.mp4"), "--scale", "0.1",
                 "--seconds", "5", "--voice", "bark-small")
        ok, detail = clean(self.run(*voice), "models download bark-small", "needs the model extras")
        self.check(ok, "make --voice without the model: clear message", detail)
        ok, detail = clean(self.run("models", "download", "bark-small"), "needs the model extras")
        self.check(ok, "models download: clear 'needs the model extras' message", detail)
        # A model folder present (config + safetensors weights) but no torch to run it.
        fake = self.work / "bark-small-folder"
        fake.mkdir()
        (fake / "config.json").write_text("{}")
        (fake / "model.safetensors").write_bytes(b"")
        added = self.run("models", "add", "bark-small", str(fake))
        ok, detail = clean(self.run(*voice), "need the model extras", "needs the model extras")
        self.check(added.returncode == 0 and ok,
                   "make --voice with a model folder but no torch: clear message", detail)
        out = self.run("models", "list")
        self.check(out.returncode == 0 and "Traceback" not in out.stderr, "models list",
                   f"exit {out.returncode}")

    def editor(self, quit_ms: int, example_dir: Path, platform: str = "offscreen",
               wrapper: list[str] | None = None) -> tuple[float | None, subprocess.CompletedProcess]:
        """Start the editor (no arguments), let it close itself ``quit_ms`` after its window is
        shown; returns (seconds from launch to window shown, the finished process)."""
        env = dict(self.env, QT_QPA_PLATFORM=platform, PROMODESK_QUIT_AFTER_MS=str(quit_ms),
                   PROMODESK_EXAMPLE_DIR=str(example_dir))
        if wrapper:
            env["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")  # xvfb-run needs its tools
        t0 = time.time()
        out = subprocess.run([*(wrapper or []), str(self.exe)], capture_output=True, text=True,
                             cwd=self.work, env=env, timeout=quit_ms / 1000 + 120)
        shown = re.findall(r"window shown at ([\d.]+)", out.stdout)
        return (float(shown[0]) - t0 if shown else None), out

    def editor_checks(self, launches: int) -> list[float]:
        times = []
        for i in range(launches):
            seconds, out = self.editor(500, self.work / f"example-{i}.promodesk")
            shown = out.stdout.count("window shown at")
            if not self.check(out.returncode == 0 and seconds is not None and shown == 1
                              and not IMPORT_FAILURE.search(out.stderr),
                              f"editor (offscreen) launch {i + 1}: window shown, closed cleanly",
                              f"{seconds:.2f} s to window shown" if seconds is not None else
                              f"exit {out.returncode}, {shown} windows: {out.stderr.strip()[-600:]}"):
                break
            times.append(seconds)
        example = self.work / "example-generated.promodesk"
        seconds, out = self.editor(20_000, example)
        made = example / "project.json"
        tracks = len(json.loads(made.read_text()).get("tracks", [])) if made.is_file() else 0
        self.check(out.returncode == 0 and tracks > 0 and out.stdout.count("window shown at") == 1
                   and not IMPORT_FAILURE.search(out.stderr),
                   "editor generates the example project in its worker process",
                   f"{tracks} tracks in {made.name}" if tracks else
                   f"exit {out.returncode}, no project: {out.stderr.strip()[-600:]}")
        bad = [l for l in out.stderr.splitlines() if IMPORT_FAILURE.search(l)]
        if bad:
            print("      " + "\n      ".join(bad[:10]))
        xvfb = shutil.which("xvfb-run")
        if xvfb:
            seconds, out = self.editor(500, self.work / "example-xcb.promodesk", platform="xcb",
                                       wrapper=[xvfb, "-a", "-s", "-screen 0 1920x1080x24"])
            self.check(out.returncode == 0 and seconds is not None,
                       "editor under Xvfb (xcb platform plugin)",
                       f"{seconds:.2f} s to window shown" if seconds is not None else
                       f"exit {out.returncode}: {out.stderr.strip()[-600:]}")
        else:
            print("skip  editor under Xvfb: xvfb-run is not installed")
        return times

    def source_launch(self, launches: int) -> list[float]:
        """The same launch from the source install (.venv), for a same-run baseline."""
        exe = ROOT / ".venv" / "bin" / "promodesk"
        times = []
        for i in range(launches):
            env = dict(self.env, QT_QPA_PLATFORM="offscreen", PROMODESK_QUIT_AFTER_MS="500",
                       PROMODESK_EXAMPLE_DIR=str(self.work / f"source-{i}.promodesk"))
            t0 = time.time()
            out = subprocess.run([str(exe)], capture_output=True, text=True, cwd=self.work,
                                 env=env, timeout=120)
            shown = re.findall(r"window shown at ([\d.]+)", out.stdout)
            if shown:
                times.append(float(shown[0]) - t0)
        return times


def folder_size(folder: Path) -> int:
    """Total bytes of the files under ``folder`` (links not followed)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dist", nargs="?", default=str(ROOT / "dist" / "PromoDesk"))
    parser.add_argument("--launches", type=int, default=3, help="editor launches to time")
    parser.add_argument("--compare-source", action="store_true",
                        help="also time the source install's editor launch")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    smoke = Smoke(Path(args.dist).resolve())
    if not smoke.exe.is_file():
        print(f"smoke test: no executable at {smoke.exe}; build first (packaging/build.sh)")
        return 1
    print(f"smoke test of {smoke.dist} (work folder {smoke.work})")
    total = folder_size(smoke.dist)
    print(f"size  {total / 2**20:.0f} MiB in {smoke.dist}")
    inner = smoke.internal()
    parts = sorted(((folder_size(p) if p.is_dir() else p.stat().st_size), p.name)
                   for p in inner.iterdir())
    print("      largest: " + ", ".join(f"{name} {size / 2**20:.0f} MiB"
                                        for size, name in reversed(parts[-8:])))
    smoke.check(smoke.ffmpeg() is not None, "bundled ffmpeg", str(smoke.ffmpeg()))
    plugins = inner / "PySide6" / "Qt" / "plugins" / "platforms"
    names = sorted(p.name for p in plugins.glob("*")) if plugins.is_dir() else []
    smoke.check(any("qxcb" in n for n in names) and any("qoffscreen" in n for n in names),
                "Qt platform plugins xcb and offscreen", ", ".join(names))
    smoke.contents()
    smoke.version()
    briefs = smoke.briefs()
    for brief in briefs:
        smoke.make(brief)
    smoke.doctor()
    if briefs:
        smoke.model_engines(briefs[0])
    times = smoke.editor_checks(args.launches)
    if times:
        line = (f"editor launch to window shown: first {times[0]:.2f} s, best {min(times):.2f} s "
                f"of {len(times)} (budget 1.50 s)")
        if args.compare_source:
            source = smoke.source_launch(args.launches)
            if source:
                line += (f"; source install {min(source):.2f} s, frozen/source "
                         f"{min(times) / min(source):.2f}x")
        print(line)
    if not args.keep:
        shutil.rmtree(smoke.work, ignore_errors=True)
    if smoke.failures:
        print(f"smoke test FAILED: {len(smoke.failures)} check(s): " + "; ".join(smoke.failures))
        return 1
    print("smoke test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
