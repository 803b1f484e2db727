"""``promodesk brief check FILE``: validate a brief and print it, or every problem (exit 2)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from promodesk.commands import EXIT_BAD_INPUT, EXIT_OK


def check(args: argparse.Namespace) -> int:
    from promodesk.core.brief import BriefError, read_brief, validate_brief

    try:
        brief, problems = read_brief(Path(args.file))
    except BriefError as err:
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    problems += validate_brief(brief)
    if problems:
        print(f"{args.file}: {len(problems)} problem(s):", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return EXIT_BAD_INPUT
    rows = [
        ("title", brief.title or "(none)"),
        ("language", brief.language),
        ("aspect", brief.aspect),
        ("seconds", f"{brief.seconds:g}"),
        ("style", brief.style),
        ("price", brief.price or "(none)"),
        ("cta", brief.cta or "(none)"),
        ("brand colours", ", ".join(brief.brand_colors) or "(from the photos)"),
        ("images", "\n".join(str(p) for p in brief.images) or "(none: typographic cards only)"),
        ("text", brief.text.strip()),
    ]
    print(f"{args.file}: OK")
    for name, value in rows:
        lines = str(value).splitlines() or [""]
        print(f"  {name:<14}{lines[0]}")
        for line in lines[1:]:
            print(f"  {'':<14}{line}")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    brief = commands.add_parser("brief", help="work with product briefs")
    actions = brief.add_subparsers(dest="brief_command", metavar="ACTION", required=True)
    p = actions.add_parser("check", help="validate a brief and print it, or its problems "
                                         "(exit 2 when there are problems)")
    p.add_argument("file", help="brief file: .toml, .json or plain text")
    p.set_defaults(func=check)
