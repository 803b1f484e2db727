"""``promodesk ...``: the command line. Thin: each command lives in ``promodesk/commands/`` and
calls core, engines or render; heavy modules are imported inside the command that runs."""

from __future__ import annotations

import argparse

from promodesk import __version__
from promodesk.commands import EXIT_OK
from promodesk.commands import (batch, brand, brief, doctor, edit, make, models, music, regenerate,
                                render)

# One module per command, in the order --help lists them.
COMMANDS = [make, batch, brief, brand, music, render, regenerate, edit, models, doctor]


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
    """Run one command; returns its exit code (the table in :mod:`promodesk.commands.errors`)."""
    import sys

    from promodesk.commands.errors import (check_cwd, install_signal_handlers, run_command,
                                           safe_streams)

    argv = sys.argv[1:] if argv is None else argv
    safe_streams()
    if not argv:  # plain `promodesk`: the editor, on the example project
        return run_command(lambda: edit.edit(argparse.Namespace(project=None)), argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        return EXIT_OK
    if args.command != "edit":  # the editor handles its own signals in its event loop
        install_signal_handlers()

    def command() -> int:
        check_cwd()
        return args.func(args)

    return run_command(command, argv)


if __name__ == "__main__":
    raise SystemExit(main())
