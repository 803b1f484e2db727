"""``promodesk render PROJECT_DIR -o OUT.mp4 [--aspect 9:16,1:1,16:9] [--captions MODE]``: export
a project to MP4 (+ .srt and .vtt) for one or several platform aspects."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from promodesk.commands import EXIT_OK
from promodesk.commands.errors import CommandError
from promodesk.core.timeline import seconds_from_us


def _check(args: argparse.Namespace, project, folder: Path, aspects: list[str]
           ) -> list[tuple[str | None, Path]]:
    """Every output check made before rendering; returns (aspect, video) per export. Raises
    CommandError naming the file."""
    from promodesk.commands import checks
    from promodesk.core.projectfile import (ASSETS_DIR, AUTOSAVE_DIR, PROJECT_FILE, asset_path,
                                            referenced_assets)
    from promodesk.core.timeline import ASPECTS
    from promodesk.render.outputs import output_paths

    given = Path(args.output).expanduser()
    checks.refuse_folder_and_suffix(given, (".mp4",), "an MP4 video")
    out = Path(os.path.abspath(given))
    targets = [(aspect, path) for (_, aspect), path in output_paths(out, aspects).items()]
    videos = [p for _, p in targets]
    subtitles = [p.with_suffix(s) for p in videos for s in (".srt", ".vtt")] \
        if args.captions != "none" else []
    for p in [*videos, *subtitles]:
        if p.is_dir():
            raise CommandError(f"the output {p} is a folder; choose another output name.")
    inputs = [folder / PROJECT_FILE, *(asset_path(folder, a) for a in referenced_assets(project))]
    checks.refuse_inputs([*videos, *subtitles], inputs,  # the assets also by hard link
                         protected=[folder / ASSETS_DIR, folder / AUTOSAVE_DIR])
    checks.refuse_long_names([*videos, *subtitles])
    checks.writable_folder(out.parent)
    checks.sweep([out.parent])
    seconds = seconds_from_us(project.duration)
    need = sum(checks.video_bytes(ASPECTS[a] if a else (project.width, project.height), seconds,
                                  float(project.fps)) for a, _ in targets)
    checks.free_space(out.parent, need)
    return targets


def run(args: argparse.Namespace) -> int:
    from promodesk.core.projectfile import load_project
    from promodesk.core.timeline import ASPECTS
    from promodesk.engines.base import CancelToken
    from promodesk.commands.progress import TerminalProgress
    from promodesk.render.export import export_video

    aspects = [a.strip() for a in (args.aspect or "").split(",") if a.strip()]
    bad = [a for a in aspects if a not in ASPECTS]
    if bad:
        raise CommandError(f"unknown aspect {', '.join(bad)}; use {', '.join(ASPECTS)} "
                           "(comma-separated for several)")
    folder = Path(args.project)
    project = load_project(folder)
    if not args.allow_non_commercial:
        from promodesk.render.licences import LicenceError, check_commercial

        try:
            check_commercial(project)
        except LicenceError as err:
            raise CommandError(f"{folder}: {err}") from None
    from promodesk.engines.visuals.brand import font_notes

    for note in font_notes(project, folder):  # never silently in other fonts
        print(f"note: {note}", file=sys.stderr)
    cancel = CancelToken()
    for aspect, path in _check(args, project, folder, aspects):
        bar = TerminalProgress()
        try:
            result = export_video(project, folder, path, size=aspect, captions=args.captions,
                                  progress=bar, cancel=cancel, encoder=args.encoder)
        finally:
            bar.done()
        extra = "".join(f" + {p.name}" for p in result.subtitles)
        print(f"{result.path}{extra}: {result.frames} frames in {result.seconds:.1f} s "
              f"({result.encoder})")
        if result.missing_glyphs:
            print("promodesk: no bundled font has these characters, they were left out: "
                  + " ".join(result.missing_glyphs), file=sys.stderr)
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("render", help="export a project to MP4 with SRT/WebVTT subtitles")
    p.add_argument("project", metavar="PROJECT_DIR", help="a .promodesk project folder")
    p.add_argument("-o", "--output", required=True, metavar="OUT.mp4",
                   help="the video to write (several aspects add -9x16 etc. to the name)")
    p.add_argument("--aspect", default="",
                   help="9:16, 1:1 or 16:9, comma-separated for several (default: the project's)")
    p.add_argument("--captions", choices=("burn", "soft", "both", "none"), default="burn",
                   help="burn captions into the picture, add a soft subtitle track, both, or none")
    p.add_argument("--encoder", default="auto",
                   help="auto (hardware when it works, else libx264) or an ffmpeg encoder name")
    p.add_argument("--allow-non-commercial", action="store_true",
                   help="export takes whose licence forbids commercial use (e.g. MusicGen)")
    p.set_defaults(func=run)
