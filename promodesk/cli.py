"""``promodesk ...``: the command line. Thin: each command lives in ``promodesk/commands/`` and
calls core, engines or render; heavy modules are imported inside the command that runs."""

from __future__ import annotations

import argparse

from promodesk import __version__
from promodesk.commands import EXIT_OK
from promodesk.commands import brief, doctor, edit, make, models, music, regenerate, render

# One module per command, in the order --help lists them.
COMMANDS = [make, brief, music, render, regenerate, edit, models, doctor]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="promodesk",
        description="PromoDesk: turn a product brief into a finished promo video, offline.")
    parser.add_argument("--version", action="version", version=f"PromoDesk {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS:
        module.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    import sys

    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # plain `promodesk`: the editor, on the example project
        return edit.edit(argparse.Namespace(project=None))
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_OK
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
