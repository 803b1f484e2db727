"""``promodesk brand ...``: a shop's brand kit, saved once in the user's data folder and used by
``promodesk make --brand NAME`` and the editor's Brand menu.

    promodesk brand save NAME [--logo F] [--corner top-right] [--logo-size 0.18]
                         [--watermark F --opacity 0.3] [--font F ...] [--colors #..,#..,#..]
                         [--caption-style JSON] [--intro F] [--outro F]
    promodesk brand list
    promodesk brand show NAME
    promodesk brand delete NAME
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from promodesk.commands import EXIT_OK
from promodesk.commands.checks import finite_number
from promodesk.commands.errors import CommandError


def _save(args: argparse.Namespace) -> int:
    from promodesk.core.brandkit import BrandKitError, save_kit

    colors = [c.strip() for c in (args.colors or "").split(",") if c.strip()]
    if not any([args.logo, args.watermark, args.font, colors, args.caption_style, args.intro,
                args.outro]):
        raise CommandError(f"The kit {args.name!r} would be empty: give at least one of --logo, "
                           "--watermark, --font, --colors, --caption-style, --intro, --outro.")
    try:
        style = json.loads(args.caption_style) if args.caption_style else None
    except json.JSONDecodeError as err:
        raise CommandError(f"--caption-style is not JSON ({err}); e.g. "
                           "'{\"preset\": \"boxed\", \"colour\": \"#FFD200\"}'.") from None
    from promodesk.commands.checks import readable_clip

    for option, clip in (("--intro", args.intro), ("--outro", args.outro)):
        if clip:
            readable_clip(Path(clip), option)
    try:
        kit = save_kit(args.name, logo=args.logo, corner=args.corner, logo_scale=args.logo_size,
                       watermark=args.watermark, watermark_opacity=args.opacity,
                       fonts=args.font, colors=colors, caption_style=style,
                       intro=args.intro, outro=args.outro)
    except BrandKitError as err:
        raise CommandError(str(err)) from None
    print(f"Saved brand kit {kit.name!r} in {kit.folder}")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from promodesk.core.brandkit import brands_root, list_kits

    names = list_kits()
    if not names:
        print(f"No brand kits yet (they live in {brands_root()}). Save one with "
              "`promodesk brand save NAME --logo logo.png`.")
    for name in names:
        print(name)
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    from promodesk.core.brandkit import BrandKitError, load_kit

    try:
        kit = load_kit(args.name)
    except BrandKitError as err:
        raise CommandError(str(err)) from None
    rows = [("name", kit.name), ("folder", str(kit.folder)),
            ("logo", f"{kit.logo} ({kit.corner}, size {kit.logo_scale:g})" if kit.logo else "-"),
            ("watermark", f"{kit.watermark} (opacity {kit.watermark_opacity:g})"
             if kit.watermark else "-"),
            ("fonts", ", ".join(kit.fonts) or "- (the bundled fonts)"),
            ("colours", ", ".join(f"{r} {c}" for r, c in kit.colors.items()) or "-"),
            ("caption style", json.dumps(kit.caption_style, ensure_ascii=False)
             if kit.caption_style else "-"),
            ("intro", kit.intro or "-"), ("outro", kit.outro or "-")]
    for key, value in rows:
        print(f"{key + ':':15}{value}")
    return EXIT_OK


def _delete(args: argparse.Namespace) -> int:
    from promodesk.core.brandkit import BrandKitError, delete_kit

    try:
        folder = delete_kit(args.name)
    except BrandKitError as err:
        raise CommandError(str(err)) from None
    print(f"Deleted brand kit {args.name!r} ({folder})")
    return EXIT_OK


def _usage(args: argparse.Namespace) -> int:
    raise CommandError("say what to do: promodesk brand save|list|show|delete (see "
                       "`promodesk brand --help`).")


def register(commands: argparse._SubParsersAction) -> None:
    from promodesk.core.brandkit import CORNERS

    p = commands.add_parser(
        "brand", help="save, list, show and delete a shop's brand kits (logo, fonts, colours, ...)",
        description="A brand kit is saved once in your data folder (PROMODESK_DATA_DIR to move "
                    "it) and used by `promodesk make --brand NAME` and the editor's Brand menu.")
    p.set_defaults(func=_usage)
    sub = p.add_subparsers(dest="brand_command", metavar="ACTION")
    s = sub.add_parser("save", help="save (or replace) a brand kit")
    s.add_argument("name", help="the kit's name, e.g. the shop's")
    s.add_argument("--logo", help="logo image (PNG with transparency)")
    s.add_argument("--corner", choices=CORNERS, default="top-right",
                   help="where the logo goes when no text is there (default top-right)")
    s.add_argument("--logo-size", type=finite_number, default=0.18,
                   help="the logo's longer side as a share of the frame's shorter side (0.18)")
    s.add_argument("--watermark", help="watermark image, drawn see-through in the other corner")
    s.add_argument("--opacity", type=finite_number, default=0.3,
                   help="the watermark's opacity, 0..1 (default 0.3)")
    s.add_argument("--font", action="append", default=[],
                   help="a font file (.ttf/.otf) for titles and captions (repeatable; the first "
                        "is used); it must have glyphs for the copy's language")
    s.add_argument("--colors", metavar="#PRIMARY,#ACCENT,#TEXT",
                   help="brand colours: background, accent, text (#rrggbb, comma-separated)")
    s.add_argument("--caption-style", metavar="JSON",
                   help="caption look as JSON, e.g. '{\"preset\": \"boxed\"}'")
    s.add_argument("--intro", help="a video clip placed before every promo")
    s.add_argument("--outro", help="a video clip placed after every promo")
    s.set_defaults(func=_save)
    sub.add_parser("list", help="list the saved kits").set_defaults(func=_list)
    sh = sub.add_parser("show", help="show what a kit holds")
    sh.add_argument("name")
    sh.set_defaults(func=_show)
    d = sub.add_parser("delete", help="delete a kit and its files")
    d.add_argument("name")
    d.set_defaults(func=_delete)
