"""``promodesk make``: a brief in, finished beat-cut captioned videos and an editable project out.

    promodesk make BRIEF -o OUT.mp4 [--aspect 9:16,1:1,16:9] [--seconds N] [--seed N]
                   [--variants N] [--project DIR]
    promodesk make --text "..." --image a.jpg [--title T] [--price P] [--cta C] -o OUT.mp4
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from promodesk.commands import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_FAILED, EXIT_OK


def _brief_from_args(args: argparse.Namespace):
    from promodesk.core.brief import Brief, BriefError, BriefProblem, read_brief, validate_brief

    if args.brief:
        brief, problems = read_brief(Path(args.brief))
    elif args.text is not None:
        brief = Brief(text=args.text, images=[Path(p).resolve() for p in args.image],
                      title=args.title or "", price=args.price or "", cta=args.cta or "",
                      style=args.style or "auto", seconds=30, aspect="9:16")
        problems = []
    else:
        raise BriefError([BriefProblem("brief", "give a brief file, or the copy with --text")])
    if args.seconds is not None:
        brief.seconds = args.seconds
    if args.style:
        brief.style = args.style
    problems += validate_brief(brief)
    if problems:
        raise BriefError(problems, brief.source)
    return brief


def output_paths(out: Path, aspects: list[str], variants: int) -> dict[tuple[int, str], Path]:
    """Where each (variant, aspect) video goes: OUT.mp4 for one of each, else OUT-v2-9x16.mp4
    (the aspect part named as ``promodesk render`` names it)."""
    from promodesk.commands.render import outputs

    paths = {}
    for v in range(variants):
        base = out.with_name(f"{out.stem}-v{v + 1}{out.suffix}") if variants > 1 else out
        for aspect, path in outputs(base, aspects):
            paths[(v, aspect)] = path.with_suffix(path.suffix or ".mp4")
    return paths


def run(args: argparse.Namespace) -> int:
    from promodesk.commands.progress import TerminalProgress
    from promodesk.core.brief import BriefError
    from promodesk.core.projectfile import ProjectFileError
    from promodesk.core.timeline import ASPECTS
    from promodesk.engines.base import CancelToken, Cancelled, EngineUnavailable, stage
    from promodesk.core.musicspec import MusicSpecError
    from promodesk.render.export import ExportError, export_video
    from promodesk.engines.assemble import make_project

    try:
        brief = _brief_from_args(args)
    except BriefError as err:
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    aspects = [a.strip() for a in (args.aspect or brief.aspect).split(",") if a.strip()]
    bad = [a for a in aspects if a not in ASPECTS]
    if bad or not aspects:
        print(f"promodesk: --aspect must be a comma-separated list of {', '.join(ASPECTS)}",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    if not 0.1 <= args.scale <= 1.0:
        print("promodesk: --scale must be between 0.1 and 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.variants < 1:
        print("promodesk: --variants must be at least 1", file=sys.stderr)
        return EXIT_BAD_INPUT
    out = Path(args.output).resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    videos = output_paths(out, aspects, args.variants)
    bar = TerminalProgress()
    cancel = CancelToken()
    written: list[Path] = []
    jobs = args.variants * (1 + len(aspects))
    step = 0
    try:
        for v in range(args.variants):
            folder = Path(args.project) if args.project and args.variants == 1 else \
                (Path(args.project) / f"{out.stem}-v{v + 1}.promodesk" if args.project
                 else out.with_name(videos[(v, aspects[0])].stem + ".promodesk"))
            made = make_project(brief, folder, seed=args.seed, variant=v, aspect=aspects[0],
                                voice=args.voice,
                                progress=stage(bar, step / jobs, (step + 1) / jobs,
                                               f"variant {v + 1}" if args.variants > 1 else "plan"),
                                cancel=cancel)
            step += 1
            for note in made.notes:
                print(f"\nnote: {note}", file=sys.stderr)
            written.append(folder)
            for aspect in aspects:
                w, h = (round(x * args.scale / 2) * 2 for x in ASPECTS[aspect])
                target = videos[(v, aspect)]
                result = export_video(made.project, folder, target, (w, h),
                                      captions=args.captions,
                                      progress=stage(bar, step / jobs, (step + 1) / jobs,
                                                     f"export {aspect}"),
                                      cancel=cancel)
                step += 1
                written += [result.path, *result.subtitles]
                if result.missing_glyphs:
                    print(f"\nnote: no bundled font can draw {''.join(result.missing_glyphs)!r};"
                          " those characters were left out of the burned captions.", file=sys.stderr)
    except KeyboardInterrupt:
        cancel.cancel()
        bar.done()
        print("promodesk: cancelled; no partial video was left behind", file=sys.stderr)
        return EXIT_CANCELLED
    except Cancelled:
        bar.done()
        return EXIT_CANCELLED
    except (BriefError, MusicSpecError) as err:
        bar.done()
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except EngineUnavailable as err:
        bar.done()
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ExportError as err:
        bar.done()
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_FAILED
    except (ProjectFileError, OSError) as err:
        bar.done()
        print(f"promodesk: could not write the output: {err}", file=sys.stderr)
        return EXIT_FAILED
    bar.done()
    print("Wrote: " + ", ".join(str(p) for p in written))
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "make", help="make finished promo videos and an editable project from a brief",
        description="Compose music for the copy, plan beat-cut shots from the photos, time the "
                    "captions, and export MP4 + SRT for each aspect, plus the project folder.")
    p.add_argument("brief", nargs="?", help="brief file (.toml, .json or plain text)")
    p.add_argument("-o", "--output", required=True, help="output video, e.g. promo.mp4")
    p.add_argument("--aspect", help="one or more of 9:16,1:1,16:9 (default: the brief's)")
    p.add_argument("--seconds", type=float, help="length of the video (5..180)")
    p.add_argument("--seed", type=int, default=0, help="random seed (same seed, same video)")
    p.add_argument("--variants", type=int, default=1, help="make N different cuts for A/B tests")
    p.add_argument("--project", help="project folder to write (default: next to the output)")
    p.add_argument("--captions", choices=["burn", "soft", "both", "none"], default="burn",
                   help="burn captions into the picture, add a subtitle track, or both")
    p.add_argument("--scale", type=float, default=1.0,
                   help="render at a fraction of full size, for quick drafts (e.g. 0.5)")
    p.add_argument("--voice", metavar="MODEL", help="add a voice-over read by this model "
                   "(a name from `promodesk models list`, or a model folder)")
    p.add_argument("--text", help="the copy, instead of a brief file")
    p.add_argument("--image", action="append", default=[], help="a product photo (repeatable)")
    p.add_argument("--title", help="product name (with --text)")
    p.add_argument("--price", help="price to show (with --text)")
    p.add_argument("--cta", help="call to action (with --text)")
    p.add_argument("--style", help="music/visual style (default: from the copy)")
    p.set_defaults(func=run)
