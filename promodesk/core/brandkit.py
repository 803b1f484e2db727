"""A shop's brand kit: its logo (with a corner and a size), a watermark and its opacity, its own
font files, its colours, a caption style and intro/outro clips, saved once and used by every
video made for the shop (``make --brand NAME``, the editor's Brand menu).

Kits live in the user's data folder, one folder per shop:
``<user data>/PromoDesk/brands/<name>/kit.json`` beside copies of the kit's files, so a kit
keeps working when the originals move. ``PROMODESK_DATA_DIR`` (or the ``root`` argument) points
the data folder elsewhere (tests, portable installs). ``kit.json`` is written atomically.

Read top to bottom: :class:`BrandKit` (the fields), :func:`brands_root`, :func:`save_kit`,
:func:`load_kit`, :func:`list_kits`, :func:`delete_kit` and the font checks
(:func:`font_gaps`). The editor's undoable edit is :mod:`promodesk.core.brand_edits`. Every problem the user can cause raises :class:`BrandKitError` with a
message naming the file and what to do.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

from promodesk.core.atomic import atomic_write_bytes

KIT_FILE = "kit.json"
KIT_VERSION = 1
ENV_DATA_DIR = "PROMODESK_DATA_DIR"
CORNERS = ("top-right", "top-left", "bottom-right", "bottom-left")
COLOR_ROLES = ("primary", "accent", "text")   # primary: backgrounds, accent: highlights
FONT_EXTS = (".ttf", ".otf", ".ttc")
VIDEO_EXTS = (".mp4", ".mov", ".m4v", ".mkv", ".webm")
MAX_NAME = 64
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
# Characters a folder name cannot hold on one of the platforms PromoDesk runs on.
_BAD_NAME_CHARS = set('/\\:*?"<>|')


class BrandKitError(ValueError):
    """A kit that cannot be saved or used; the message names the file and what to do."""


@dataclass
class BrandKit:
    """One shop's brand kit. File fields hold names of files inside the kit's ``folder``.

    - ``logo``: image file; ``corner`` one of :data:`CORNERS`; ``logo_scale`` the logo's longer
      side as a fraction of the frame's shorter side (0.05..0.5);
    - ``watermark``: image file drawn at ``watermark_opacity`` (0..1) in the opposite corner;
    - ``fonts``: the shop's font files, first = titles (checked for the copy's glyphs at use);
    - ``colors``: {"primary", "accent", "text"} as #rrggbb;
    - ``caption_style``: a caption style's dict (promodesk.core.captionstyle when present);
    - ``intro``, ``outro``: video clips placed before and after the promo.
    """

    name: str
    folder: Path
    logo: str | None = None
    corner: str = "top-right"
    logo_scale: float = 0.18
    watermark: str | None = None
    watermark_opacity: float = 0.3
    fonts: list[str] = field(default_factory=list)
    colors: dict[str, str] = field(default_factory=dict)
    caption_style: dict = field(default_factory=dict)
    intro: str | None = None
    outro: str | None = None

    def path(self, name: str | None) -> Path | None:
        """The kit's copy of file ``name`` (None for None)."""
        return None if not name else self.folder / name

    @property
    def color_list(self) -> list[str]:
        """The colours in the order shots read ``colors``: primary, accent, text (those set)."""
        return [self.colors[r] for r in COLOR_ROLES if self.colors.get(r)]

    def files(self) -> dict[str, Path]:
        """Every file the kit uses, by field ("logo", "font 1", ...), as paths in its folder."""
        found = {key: self.path(getattr(self, key)) for key in ("logo", "watermark", "intro", "outro")
                 if getattr(self, key)}
        found.update({f"font {n + 1}": self.folder / f for n, f in enumerate(self.fonts)})
        return found

    def to_dict(self) -> dict:
        """kit.json's content (the folder is where the file is, so it is not stored)."""
        out = {"version": KIT_VERSION, **asdict(self)}
        del out["folder"]
        return out


# --- where kits live ---------------------------------------------------------------------------

def brands_root(root: str | Path | None = None) -> Path:
    """The folder holding every kit: ``root``/brands when given, else ``$PROMODESK_DATA_DIR``/brands,
    else the platform's user data folder (platformdirs) + PromoDesk/brands. Not created here."""
    if root is None:
        root = os.environ.get(ENV_DATA_DIR) or None
    if root is None:
        from platformdirs import user_data_dir

        root = user_data_dir("PromoDesk", appauthor=False)
    return Path(root).expanduser() / "brands"


def check_name(name: str) -> str:
    """``name`` stripped, or BrandKitError saying why it cannot name a kit folder."""
    name = unicodedata.normalize("NFC", str(name or "")).strip()
    if not name:
        raise BrandKitError("A brand kit needs a name, e.g. `promodesk brand save MyShop --logo "
                            "logo.png`.")
    bad = sorted({c for c in name if c in _BAD_NAME_CHARS or unicodedata.category(c)[0] == "C"})
    if bad or name in (".", "..") or name.startswith("."):
        shown = " ".join(repr(c) for c in bad) or "a leading dot"
        raise BrandKitError(f"The kit name {name!r} has {shown}, which a folder name cannot hold; "
                            "use letters, digits, spaces, - or _.")
    if len(name) > MAX_NAME:
        raise BrandKitError(f"The kit name is {len(name)} characters; keep it to {MAX_NAME}.")
    return name


def kit_folder(name: str, root: str | Path | None = None) -> Path:
    """The folder of kit ``name`` (checked) under :func:`brands_root`."""
    return brands_root(root) / check_name(name)


# --- saving ------------------------------------------------------------------------------------

def save_kit(name: str, *, logo: str | Path | None = None, corner: str = "top-right",
             logo_scale: float = 0.18, watermark: str | Path | None = None,
             watermark_opacity: float = 0.3, fonts: list[str | Path] = (),
             colors: dict[str, str] | list[str] | None = None, caption_style: dict | None = None,
             intro: str | Path | None = None, outro: str | Path | None = None,
             root: str | Path | None = None) -> BrandKit:
    """Check every input, copy the files into the kit's folder and write its kit.json atomically;
    returns the saved kit. Saving an existing name replaces that kit (its old files are removed
    once the new kit.json is in place). ``colors`` is a dict by role or a list in
    :data:`COLOR_ROLES` order. Raises BrandKitError naming the input that is wrong; nothing is
    written then."""
    name = check_name(name)
    if corner not in CORNERS:
        raise BrandKitError(f"--corner must be one of {', '.join(CORNERS)}, not {corner!r}.")
    logo_scale, watermark_opacity = float(logo_scale), float(watermark_opacity)
    if not 0.05 <= logo_scale <= 0.5:
        raise BrandKitError(f"The logo size {logo_scale:g} is outside 0.05..0.5 (a share of the "
                            "frame's shorter side).")
    if not 0.0 < watermark_opacity <= 1.0:
        raise BrandKitError(f"The watermark opacity {watermark_opacity:g} is outside 0..1; "
                            "0.3 is a usual value.")
    sources: dict[str, Path] = {}
    for key, given in (("logo", logo), ("watermark", watermark)):
        if given is not None:
            sources[key] = _check_image_file(Path(given), key)
    for key, given in (("intro", intro), ("outro", outro)):
        if given is not None:
            sources[key] = _check_video_file(Path(given), key)
    font_sources = [_check_font_file(Path(f)) for f in fonts]
    style = _check_caption_style(caption_style or {})
    kit = BrandKit(name, kit_folder(name, root), corner=corner, logo_scale=logo_scale,
                   watermark_opacity=watermark_opacity, colors=_check_colors(colors),
                   caption_style=style)
    kit.folder.mkdir(parents=True, exist_ok=True)
    keep = {KIT_FILE}
    for key, src in sources.items():
        stored = _copy_in(src, kit.folder, key)
        setattr(kit, key, stored)
        keep.add(stored)
    for n, src in enumerate(font_sources):
        stored = _copy_in(src, kit.folder, f"font{n + 1}-{src.stem}"[:80])
        kit.fonts.append(stored)
        keep.add(stored)
    data = json.dumps(kit.to_dict(), ensure_ascii=False, indent=2).encode("utf-8")
    atomic_write_bytes(kit.folder / KIT_FILE, data)
    for old in kit.folder.iterdir():  # files of the kit this one replaced
        if old.name not in keep and old.is_file() and not old.name.startswith("."):
            old.unlink()
    return kit


def _copy_in(src: Path, folder: Path, stem: str) -> str:
    """Copy ``src`` into ``folder`` as ``stem`` + its suffix (atomically); returns the name."""
    name = stem + src.suffix.lower()
    atomic_write_bytes(folder / name, src.read_bytes())
    return name


def _exists(path: Path, what: str) -> Path:
    if not path.is_file():
        raise BrandKitError(f"The {what} {path} is not a file; check the path.")
    return path


def _check_image_file(path: Path, what: str) -> Path:
    from promodesk.core.brief import _check_image  # one image check for briefs and kits

    reason = _check_image(path)
    if reason:
        raise BrandKitError(f"The {what} {path.name}: {reason}. Give a PNG (with transparency) "
                            "or JPEG image.")
    return path


def _check_video_file(path: Path, what: str) -> Path:
    _exists(path, what)
    if path.suffix.lower() not in VIDEO_EXTS:
        raise BrandKitError(f"The {what} {path.name} is not a video file PromoDesk reads; give "
                            f"one of {', '.join(VIDEO_EXTS)}.")
    return path


def _check_font_file(path: Path) -> Path:
    _exists(path, "font")
    if path.suffix.lower() not in FONT_EXTS:
        raise BrandKitError(f"The font {path.name} is not a font file; give a .ttf or .otf.")
    font_cmap(path)
    return path


def _check_colors(colors) -> dict[str, str]:
    if not colors:
        return {}
    if isinstance(colors, (list, tuple)):
        if len(colors) > len(COLOR_ROLES):
            raise BrandKitError(f"{len(colors)} colours given; a kit has up to "
                                f"{len(COLOR_ROLES)} ({', '.join(COLOR_ROLES)}).")
        colors = dict(zip(COLOR_ROLES, colors))
    out = {}
    for role, value in dict(colors).items():
        if role not in COLOR_ROLES:
            raise BrandKitError(f"Unknown colour role {role!r}; use {', '.join(COLOR_ROLES)}.")
        value = str(value).strip()
        if not _HEX.fullmatch(value):
            raise BrandKitError(f"The {role} colour {value!r} is not a colour like #7a2e1f.")
        out[role] = value.lower()
    return out


def _check_caption_style(style: dict) -> dict:
    """``style`` checked: through promodesk.core.captionstyle's CaptionStyle when that module
    is present, else as a JSON-able dict of plain values."""
    if not isinstance(style, dict):
        raise BrandKitError("The caption style must be a table of settings (a dict).")
    try:
        from promodesk.core.captionstyle import CaptionStyle
    except ImportError:
        CaptionStyle = None
    if CaptionStyle is not None and style:
        try:
            return dict(CaptionStyle.from_dict(style).to_dict())
        except (TypeError, ValueError, KeyError) as err:
            raise BrandKitError(f"The caption style is not usable ({err}).") from None
    try:
        json.dumps(style)
    except (TypeError, ValueError) as err:
        raise BrandKitError(f"The caption style holds a value that cannot be saved ({err}).") \
            from None
    return dict(style)


# --- loading -----------------------------------------------------------------------------------

def load_kit(name: str, root: str | Path | None = None) -> BrandKit:
    """The saved kit ``name``. Raises BrandKitError when there is none (naming the kits there
    are), when kit.json is damaged, or when a file it names is gone."""
    folder = kit_folder(name, root)
    path = folder / KIT_FILE
    if not path.is_file():
        known = [k for k in list_kits(root)]
        hint = f"saved kits: {', '.join(known)}" if known else "no kit is saved yet"
        raise BrandKitError(f"No brand kit called {name!r} ({hint}). Save one with `promodesk "
                            f"brand save {name} --logo logo.png`.")
    redo = f"Save the kit again with `promodesk brand save {check_name(name)} ...`, or delete it " \
           f"with `promodesk brand delete {check_name(name)}`."
    try:
        data = json.loads(path.read_text("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("it does not hold a table of settings")
        if int(data.get("version", 1)) > KIT_VERSION:
            raise BrandKitError(f"{path} was saved by a newer PromoDesk; update PromoDesk to "
                                "use it.")
        kit = BrandKit(
            check_name(data.get("name") or name), folder, logo=data.get("logo"),
            corner=str(data.get("corner", "top-right")),
            logo_scale=float(data.get("logo_scale", 0.18)), watermark=data.get("watermark"),
            watermark_opacity=float(data.get("watermark_opacity", 0.3)),
            fonts=[str(f) for f in data.get("fonts") or []],
            colors=_check_colors(data.get("colors") or {}),
            caption_style=_check_caption_style(data.get("caption_style") or {}),
            intro=data.get("intro"), outro=data.get("outro"))
        if kit.corner not in CORNERS:
            raise ValueError(f"corner {kit.corner!r} is not one of {', '.join(CORNERS)}")
        for key, value in [(k, getattr(kit, k)) for k in ("logo", "watermark", "intro", "outro")
                           ] + [("font", f) for f in kit.fonts]:
            if value is not None and (not isinstance(value, str) or Path(value).name != value):
                raise ValueError(f"{key} {value!r} is not a file name in the kit's folder")
    except BrandKitError as err:
        if str(path) in str(err):
            raise
        raise BrandKitError(f"The brand kit file {path} is damaged ({err}). {redo}") from None
    except (ValueError, TypeError, UnicodeDecodeError) as err:
        raise BrandKitError(f"The brand kit file {path} is damaged ({err}). {redo}") from None
    gone = [f"{key} ({p.name})" for key, p in kit.files().items() if not p.is_file()]
    if gone:
        raise BrandKitError(f"The brand kit {kit.name!r} is missing its {', '.join(gone)} in "
                            f"{folder}. {redo}")
    return kit


def list_kits(root: str | Path | None = None) -> list[str]:
    """Names of the saved kits (folders holding a kit.json), sorted."""
    base = brands_root(root)
    if not base.is_dir():
        return []
    return sorted(p.name for p in base.iterdir() if (p / KIT_FILE).is_file())


def delete_kit(name: str, root: str | Path | None = None) -> Path:
    """Remove kit ``name`` and its files; returns the folder removed. BrandKitError when there is
    no such kit (a folder without kit.json is not touched: it is not PromoDesk's)."""
    folder = kit_folder(name, root)
    if not (folder / KIT_FILE).is_file():
        raise BrandKitError(f"No brand kit called {name!r} in {folder.parent}; "
                            "`promodesk brand list` shows the saved ones.")
    shutil.rmtree(folder)
    return folder


# --- fonts -------------------------------------------------------------------------------------

def font_cmap(path: Path) -> frozenset[int]:
    """The code points font ``path`` has glyphs for; BrandKitError naming the file when it is not a
    font fontTools can read."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with TTFont(str(path), lazy=True, fontNumber=0) as font:
            cmap = font.getBestCmap()
    except (OSError, TTLibError, AssertionError, KeyError, ValueError) as err:
        raise BrandKitError(f"The font {Path(path).name} cannot be read ({err}); give a TrueType "
                            "(.ttf) or OpenType (.otf) font file.") from None
    if not cmap:
        raise BrandKitError(f"The font {Path(path).name} has no character map; give a TrueType "
                            "(.ttf) or OpenType (.otf) font that has letters.")
    return frozenset(cmap)


def font_gaps(path: Path, text: str) -> list[str]:
    """Characters of ``text`` (each once, in order) font ``path`` has no glyph for; spaces,
    controls, joiners and combining marks never count."""
    cmap, seen, out = font_cmap(path), set(), []
    for ch in text:
        if ch in seen or ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Mn"):
            continue
        seen.add(ch)
        if ord(ch) not in cmap:
            out.append(ch)
    return out


def check_fonts_for(kit: BrandKit, text: str) -> None:
    """Refuse (BrandKitError) a kit whose fonts lack glyphs ``text`` needs, naming the font, the
    characters and what to do."""
    for name in kit.fonts:
        gaps = font_gaps(kit.folder / name, text)
        if gaps:
            shown = "".join(gaps[:12]) + ("…" if len(gaps) > 12 else "")
            raise BrandKitError(
                f"The brand kit {kit.name!r} font {name} has no glyphs for {len(gaps)} "
                f"characters of the copy ({shown}), so titles would lose them. Save the kit with "
                "a font that covers the copy's language (for Chinese, e.g. Noto Sans CJK SC), or "
                "without --font to use the bundled fonts.")

