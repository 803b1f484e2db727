"""``promodesk ...``: the command line. Thin: each command parses its flags and calls core,
engines or render. Heavy modules are imported inside the command that needs them, so
``promodesk --help`` starts instantly."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from promodesk import __version__

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def _cmd_brief_check(args: argparse.Namespace) -> int:
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
        ("images", "\n".join(f"{p}" for p in brief.images) or "(none: typographic cards only)"),
        ("text", brief.text.strip()),
    ]
    print(f"{args.file}: OK")
    for name, value in rows:
        lines = str(value).splitlines() or [""]
        print(f"  {name:<14}{lines[0]}")
        for line in lines[1:]:
            print(f"  {'':<14}{line}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="promodesk",
        description="PromoDesk: turn a product brief into a finished promo video, offline.")
    parser.add_argument("--version", action="version", version=f"PromoDesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    brief = commands.add_parser("brief", help="work with product briefs")
    brief_cmds = brief.add_subparsers(dest="brief_command", metavar="ACTION", required=True)
    check = brief_cmds.add_parser("check", help="validate a brief and print it, or its problems "
                                                "(exit 2 when there are problems)")
    check.add_argument("file", help="brief file: .toml, .json or plain text")
    check.set_defaults(func=_cmd_brief_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_OK
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
