"""``promodesk regenerate PROJECT --clip ID [--seed N] [--bars A-B] [--set key=value ...]
[--engine NAME]``: a new take of one clip, made by the engine its recipe names (or NAME), like the
editor's R; the project is saved atomically with the new take selected. ``--list`` prints every
clip with its id, kind, name, start, takes and engine."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from promodesk.commands import EXIT_FAILED, EXIT_OK
from promodesk.commands.errors import CommandError

# The engine kind a clip on each kind of track needs.
TRACK_ENGINE_KIND = {"video": "visuals", "music": "music", "voice": "voice",
                     "captions": "captions"}


class BadRequest(CommandError):
    """A command line that names something the project or the engines do not have (exit 2
    unless ``code`` says otherwise)."""


def list_clips(project) -> str:
    """One line per clip, track by track: id, track kind, name, start (s), takes (selected),
    engine of the selected take."""
    from promodesk.core.timeline import seconds_from_us
    from promodesk.engines import registry

    rows = [("id", "kind", "name", "start", "takes", "engine")]
    for track in project.tracks:
        for clip in track.clips:
            engine = clip.recipe.engine
            rows.append((clip.id, track.kind.value, clip.name or "-",
                         f"{seconds_from_us(clip.start):.2f}s",
                         f"{len(clip.takes)} (selected {clip.selected + 1})",
                         engine if registry.known(engine) else f"{engine} (unknown here)"))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths))
                     .rstrip() for row in rows)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: hanzi and full-width forms take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def find_clip(project, wanted: str, folder: Path):
    """(track, clip) whose id is ``wanted`` or starts with it (when only one does)."""
    hits = [(t, c) for t in project.tracks for c in t.clips if c.id == wanted]
    hits = hits or [(t, c) for t in project.tracks for c in t.clips if c.id.startswith(wanted)]
    if len(hits) != 1:
        why = "several clips start with" if hits else "there is no clip"
        raise BadRequest(f"{why} '{wanted}' in {folder}; `promodesk regenerate {folder} --list` "
                         "shows the clip ids")
    return hits[0]


def parse_bars(text: str) -> tuple[int, int]:
    """``"A-B"`` or ``"A"`` -> (first, last), 1-based and inclusive."""
    parts = text.split("-")
    try:
        first, last = int(parts[0]), int(parts[-1])
    except ValueError:
        first = last = 0
    if len(parts) > 2 or not 1 <= first <= last:
        raise BadRequest(f"--bars must be a bar or a range of bars such as 2-3 (bars count from "
                         f"1), not '{text}'")
    return first, last


def parse_settings(items: list[str], params: dict, engine) -> dict:
    """``params`` with each ``key=value`` of ``items`` set (the value read as JSON when it is
    JSON, else as text). A key must be one the recipe has or the engine takes."""
    out = dict(params)
    allowed = set(params) | set(getattr(engine, "settings", ()))
    for item in items:
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or not key:
            raise BadRequest(f"--set needs key=value, not '{item}'")
        if key not in allowed:
            raise BadRequest(f"the '{engine.info.name}' engine has no setting '{key}'; it takes: "
                             f"{', '.join(sorted(allowed))}")
        try:
            out[key] = json.loads(value)
        except ValueError:
            out[key] = value
    return out


def run(args: argparse.Namespace) -> int:
    """Errors go to the one boundary (promodesk.commands.errors): a bad clip, bars, setting or
    engine exits 2, a failed generation 1, Ctrl-C 130; the project is saved only on success."""
    from promodesk.core.projectfile import load_project

    folder = Path(args.project)
    project = load_project(folder)
    if args.list:
        print(list_clips(project))
        return EXIT_OK
    if not args.clip:
        raise BadRequest("say which clip to regenerate with --clip ID "
                         f"(`promodesk regenerate {folder} --list` shows them)")
    return _regenerate(project, folder, args)


def _regenerate(project, folder: Path, args: argparse.Namespace) -> int:
    from promodesk.commands.progress import TerminalProgress
    from promodesk.core.document import Document
    from promodesk.core.edits import AddTake, EditCaption, EditError
    from promodesk.core.projectfile import save_project
    from promodesk.engines import registry
    from promodesk.engines.base import CancelToken, UnknownEngine, new_seed

    track, clip = find_clip(project, args.clip, folder)
    name = args.engine or clip.recipe.engine
    try:
        engine = registry.engine(name)
    except UnknownEngine as err:
        raise BadRequest(f"{err} Engines here: {', '.join(registry.names())}.") from None
    needed = TRACK_ENGINE_KIND.get(track.kind.value)
    if needed is None:
        raise BadRequest(f"clip {clip.id} is on a {track.kind.value} track: its sound comes from "
                         "an imported file, so there is nothing to regenerate")
    if engine.info.kind != needed:
        raise BadRequest(f"clip {clip.id} is on a {track.kind.value} track; the '{name}' "
                         f"engine makes {engine.info.kind}. Choose one of: " + ", ".join(
                             n for n in registry.names() if registry.info(n).kind == needed))
    bars = parse_bars(args.bars) if args.bars else None
    if bars and track.kind.value != "music":
        raise BadRequest("--bars is for music clips only")
    # a shot's motion take after a video take starts from the shot's own settings and photo
    params = parse_settings(args.set, registry.take_params(project, clip.id, name), engine)
    seed = args.seed if args.seed is not None else new_seed(clip.recipe.seed)
    request = registry.take_request(project, folder, clip.id, engine_name=name, params=params,
                                    seed=seed, bars=bars)
    bar = TerminalProgress()
    try:
        made = engine.new_take(request, bar, CancelToken())
    finally:
        bar.done()
    style = made.take.recipe.params.get("style")
    document = Document(project, folder)  # the same edits, on the same model, as the editor's R
    try:
        document.apply(AddTake(clip.id, made.take, asset=made.asset))
        if clip.cue is not None and style and style != clip.cue.style:
            # the caption's look lives on its cue, which the renderer draws (as in the editor)
            document.apply(EditCaption(clip.id, clip.cue.text, style))
    except EditError as err:
        raise BadRequest(f"the new take does not fit the clip: {err}", EXIT_FAILED) from None
    save_project(project, folder)
    print(f"{clip.id} ({track.kind.value} '{clip.name}'): take {len(clip.takes)} "
          f"({made.take.label}), engine {name}, seed {seed}; saved {folder}")
    return EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    p = commands.add_parser(
        "regenerate", help="add a new take of a clip (new seed, edited settings, music bars)",
        description="Make a new take of one clip of a project with the engine its recipe names "
                    "(or --engine), select it and save the project. --list shows the clips.")
    p.add_argument("project", metavar="PROJECT_DIR", help="a .promodesk project folder")
    p.add_argument("--list", action="store_true", help="list the clips and their engines")
    p.add_argument("--clip", metavar="ID", help="the clip's id (or the start of it)")
    p.add_argument("--seed", type=int, help="the new take's seed (default: a new random one)")
    p.add_argument("--bars", metavar="A-B", help="music only: regenerate bars A to B (from 1); "
                   "the rest stays sample-identical")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="change a setting of the recipe (repeatable), e.g. move=pan_left")
    p.add_argument("--engine", metavar="NAME", help="make the take with another engine "
                   "(e.g. musicgen for a music clip)")
    p.set_defaults(func=run)
