"""``promodesk models list | download NAME | add NAME FOLDER``: the generative models PromoDesk
can use, their licences, and getting them. Nothing is downloaded unless asked for here."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

from promodesk.commands import EXIT_BAD_INPUT, EXIT_CANCELLED, EXIT_FAILED, EXIT_OK


def list_models(args: argparse.Namespace) -> int:
    from promodesk.engines.models import catalogue as models

    rows = [("NAME", "TASK", "SIZE", "COMMERCIAL", "LICENCE", "ON THIS COMPUTER")]
    notes = []
    for model, folder in models.status():
        rows.append((model.name, model.task, f"{model.size_bytes / models.GB:.1f} GB",
                     "yes" if model.commercial_use else "no", model.licence,
                     str(folder) if folder else "no"))
        if model.note:
            notes.append(f"  {model.name}: {model.note}")
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
    print("\nNotes:")
    print("\n".join(notes))
    print(f"\nModels are looked for in {models.models_folder()} (one folder per name) and in the "
          "Hugging Face cache.\nGet one with `promodesk models download NAME`, or "
          "`promodesk models add NAME FOLDER` for a folder you already have.")
    return EXIT_OK


def download(args: argparse.Namespace) -> int:
    from promodesk.commands.progress import TerminalProgress
    from promodesk.engines.models import catalogue as models
    from promodesk.engines.base import Cancelled, CancelToken, EngineUnavailable

    try:
        model = models.info(args.name)
    except EngineUnavailable as err:
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"{model.title}: {model.repo_id}, about {model.size_bytes / models.GB:.1f} GB, "
          f"licence {model.licence} (commercial use {'allowed' if model.commercial_use else 'NOT allowed'})")
    bar, token = TerminalProgress(), CancelToken()
    try:
        folder = models.download(model.name, progress=bar, cancel=token)
    except (Cancelled, KeyboardInterrupt):
        token.cancel()
        bar.done()
        print("promodesk: download stopped; run the same command again to resume",
              file=sys.stderr)
        return EXIT_CANCELLED
    except EngineUnavailable as err:
        bar.done()
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_FAILED
    bar.done()
    print(f"{model.name} is ready in {folder}")
    return EXIT_OK


def add(args: argparse.Namespace) -> int:
    from promodesk.engines.models import catalogue as models
    from promodesk.engines.base import EngineUnavailable

    source = Path(args.folder)
    try:
        model = models.info(args.name)
        models.check_safetensors(source)
    except EngineUnavailable as err:
        print(f"promodesk: {err}", file=sys.stderr)
        return EXIT_BAD_INPUT
    target = models.models_folder() / model.name
    if target.exists():
        print(f"promodesk: {target} already exists; remove it first to replace it",
              file=sys.stderr)
        return EXIT_BAD_INPUT
    target.parent.mkdir(parents=True, exist_ok=True)
    # Copy beside the target, then rename: a stopped copy never looks like a model.
    staging = Path(tempfile.mkdtemp(prefix=f".{model.name}-", dir=target.parent))
    try:
        shutil.copytree(source, staging / "m", ignore=shutil.ignore_patterns(
            "*.bin", "*.pt", "*.pth", "*.ckpt", "*.pkl", "*.py"))
        (staging / "m").rename(target)
    except (OSError, KeyboardInterrupt) as err:
        print(f"promodesk: could not copy the model: {err}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"{model.name}: copied {models.folder_bytes(target) / models.GB:.2f} GB to {target}")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser("models", help="list, download or add generative models")
    actions = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    a = actions.add_parser("list", help="models with size, licence, commercial use, presence")
    a.set_defaults(func=list_models)
    a = actions.add_parser("download", help="download a model (resumable; Ctrl-C stops it)")
    a.add_argument("name", help="model name from `promodesk models list`")
    a.set_defaults(func=download)
    a = actions.add_parser("add", help="copy a model folder you already have (safetensors "
                                       "weights only) into PromoDesk's models folder")
    a.add_argument("name", help="model name from `promodesk models list`")
    a.add_argument("folder", help="a Hugging Face model folder")
    a.set_defaults(func=add)
