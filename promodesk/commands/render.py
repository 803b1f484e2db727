"""``promodesk render PROJECT_DIR -o OUT.mp4 [--aspect 9:16,1:1,16:9] [--captions MODE]``: export
a project to MP4 (+ .srt and .vtt) for one or several platform aspects."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from promodesk.commands import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_FAILED, EXIT_OK


def outputs(out: Path, aspects: list[str]) -> list[tuple[str | None, Path]]:
    """(aspect, file) per export: ``out`` itself for one aspect (or the project's own when none
    is given), ``OUT-9x16.mp4`` and so on for several."""
    if not aspects:
        return [(None, out)]
    if len(aspects) == 1:
        return [(aspects[0], out)]
    return [(a, out.with_name(f"{out.stem}-{a.replace(':', 'x')}{out.suffix or '.mp4'}"))
            for a in aspects]


def run(args: argparse.Namespace) -> int:
    from promodesk.core.projectfile import ProjectFileError, load_project
    from promodesk.core.timeline import ASPECTS
    from promodesk.engines.base import Cancelled, CancelToken
    from promodesk.engines.visuals.photos import PhotoError
    from promodesk.engines.visuals.typeset import FontError
    from promodesk.commands.progress import TerminalProgress
    from promodesk.render.export import ExportError, export_video

    aspects = [a.strip() for a in (args.aspect or "").split(",") if a.strip()]
    bad = [a for a in aspects if a not in ASPECTS]
    if bad:
        print(f"promodesk: unknown aspect {', '.join(bad)}; use {', '.join(ASPECTS)} "
              "(comma-separated for several)", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = Path(args.output)
    if out.suffix.lower() != ".mp4":
        print(f"promodesk: the output must be an .mp4 file, not {out.name}", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        project = load_project(Path(args.project))
    except ProjectFileError as err:
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    cancel = CancelToken()
    for aspect, path in outputs(out, aspects):
        bar = TerminalProgress()
        try:
            result = export_video(project, Path(args.project), path, size=aspect,
                                  captions=args.captions, progress=bar, cancel=cancel,
                                  encoder=args.encoder)
        except (Cancelled, KeyboardInterrupt):
            bar.done()
            print("promodesk: export cancelled; no file was written", file=sys.stderr)
            return EXIT_CANCELLED
        except (ExportError, PhotoError, FontError) as err:
            bar.done()
            print(f"promodesk: {err}", file=sys.stderr)
            return EXIT_FAILED
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
    p.set_defaults(func=run)
