"""``promodesk edit PROJECT_DIR``: open a project in the editor. ``promodesk`` with no command
opens the editor on the example project."""

from __future__ import annotations

import argparse
from pathlib import Path


def edit(args: argparse.Namespace) -> int:
    from promodesk.app.run import run_editor

    return run_editor(Path(args.project) if args.project else None, example=not args.project)


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("edit", help="open a project in the editor (no folder: the example "
                                         "project)")
    p.add_argument("project", nargs="?", help="a NAME.promodesk project folder")
    p.set_defaults(func=edit)
