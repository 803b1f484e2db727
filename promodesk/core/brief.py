"""The product brief: what the user wants a video of.

A brief is read from TOML, JSON or plain text (the whole file is the copy). Image paths are
relative to the brief file. :func:`validate_brief` returns one :class:`BriefProblem` per thing a
person can fix; :func:`load_brief` reads and validates and raises :class:`BriefError` carrying all
of them at once, so the user fixes everything in one go.
"""

from __future__ import annotations

import difflib
import errno
import json
import math
import os
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from promodesk.core.timeline import ASPECTS

LANGUAGES = ("auto", "zh", "ja", "en", "mixed")
MIN_SECONDS, MAX_SECONDS = 5, 180
# Bounds a brief must keep, so that a huge or crafted file is refused with a message instead of
# hours of work: the file, the copy, each short field, the photos and colours.
MAX_FILE_BYTES = 1_000_000
MAX_TEXT_CHARS = 20_000
MAX_FIELD_CHARS = 500
MAX_IMAGES = 50
MAX_COLOURS = 16
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_FIELDS = ("title", "text", "images", "language", "aspect", "seconds", "style", "price", "cta",
           "brand_colors", "audience", "media", "logo", "audiences", "voice", "media_sound")
# how a brief's clips' own sound plays: under the music, as speech the music ducks under, or not
MEDIA_SOUNDS = ("under", "speech", "mute")


@dataclass
class Brief:
    """A product brief. ``images`` are absolute paths; ``seconds`` is the wanted length;
    ``style`` and ``language`` are "auto" unless the user chose; ``brand_colors`` are #rrggbb."""

    text: str
    title: str = ""
    images: list[Path] = field(default_factory=list)
    language: str = "auto"
    aspect: str = "9:16"
    seconds: float = 30
    style: str = "auto"
    price: str = ""
    cta: str = ""
    brand_colors: list[str] = field(default_factory=list)
    audience: str = ""
    source: Path | None = None
    # one version per audience (make --audiences): its lines rewritten for it
    audiences: list[str] = field(default_factory=list)
    # the shop's own material: clips (and photos) cut into the video, a logo over it
    media: list[Path] = field(default_factory=list)
    logo: Path | None = None
    media_sound: str = "under"  # one of MEDIA_SOUNDS
    # the voice-over's voice per language ("zh"/"en"): a recording's absolute path (VibeVoice)
    # or a Bark preset speaker ("v2/zh_speaker_3")
    voice: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of the brief (paths as strings), e.g. for JSON output or a recipe."""
        return {"title": self.title, "text": self.text, "images": [str(p) for p in self.images],
                "language": self.language, "aspect": self.aspect, "seconds": self.seconds,
                "style": self.style, "price": self.price, "cta": self.cta,
                "brand_colors": list(self.brand_colors), "audience": self.audience,
                **({"media": [str(p) for p in self.media]} if self.media else {}),
                **({"logo": str(self.logo)} if self.logo else {}),
                **({"media_sound": self.media_sound} if self.media_sound != "under" else {}),
                **({"audiences": list(self.audiences)} if self.audiences else {}),
                **({"voice": dict(self.voice)} if self.voice else {})}


@dataclass(frozen=True)
class BriefProblem:
    """One thing wrong with a brief: the field it concerns and what to do about it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class BriefError(ValueError):
    """A brief that cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[BriefProblem], source: Path | None = None):
        self.problems, self.source = problems, source
        where = f" in {source}" if source else ""
        super().__init__(f"{len(problems)} problem(s){where}:\n"
                         + "\n".join(f"  - {p}" for p in problems))


def _as_list(v: Any) -> list:
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


def brief_from_dict(d: dict[str, Any], base: Path | None = None) -> tuple[Brief, list[BriefProblem]]:
    """Build a Brief from a dict (TOML/JSON fields); returns it with the problems found while
    reading (unknown fields, wrong types). Relative image paths are resolved against ``base``."""
    problems: list[BriefProblem] = []
    for key in d:
        if key not in _FIELDS:
            near = difflib.get_close_matches(key, _FIELDS, n=1)
            hint = f" Did you mean '{near[0]}'?" if near else f" Known fields: {', '.join(_FIELDS)}."
            problems.append(BriefProblem(key, f"unknown field.{hint}"))

    def text(name: str, default: str = "") -> str:
        v = d.get(name, default)
        if v is None:
            return default
        if not isinstance(v, str):
            problems.append(BriefProblem(name, f"must be text, not {_show(v)}"))
            return default
        # the copy, title, price and CTA are measured by validate_brief (they also come from
        # command-line options); the other fields here
        if name not in ("text", "title", "price", "cta") and len(v) > MAX_FIELD_CHARS:
            problems.append(BriefProblem(name, f"is {len(v)} characters long; PromoDesk takes up "
                                               f"to {MAX_FIELD_CHARS}. Shorten it."))
            return default
        return v

    seconds: Any = d.get("seconds", 30)
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        problems.append(BriefProblem("seconds",
                                     f"must be a number of seconds, not {_show(seconds)}"))
        seconds = 30
    base = base or Path.cwd()
    images = []
    items = _as_list(d.get("images"))
    if len(items) > MAX_IMAGES:
        problems.append(BriefProblem("images", f"{len(items)} photos; PromoDesk takes up to "
                                               f"{MAX_IMAGES}. Pick the best ones."))
        items = []
    for item in items:
        if isinstance(item, str) and item.strip() and "\0" not in item:
            images.append(_absolute(Path(item).expanduser(), base))
        else:
            problems.append(BriefProblem("images",
                                         f"each image must be a file path, not {_show(item)}"))
    colours = []
    found = _as_list(d.get("brand_colors"))
    if len(found) > MAX_COLOURS:
        problems.append(BriefProblem("brand_colors", f"{len(found)} colours; up to {MAX_COLOURS}"))
        found = []
    for c in found:
        colours.append(c if isinstance(c, str) else _show(c))
    brief = Brief(text=text("text"), title=text("title"), images=images,
                  language=text("language", "auto") or "auto", aspect=text("aspect", "9:16"),
                  seconds=seconds, style=text("style", "auto") or "auto", price=text("price"),
                  cta=text("cta"), brand_colors=colours, audience=text("audience"))
    for item in _as_list(d.get("media"))[:MAX_IMAGES]:
        if isinstance(item, str) and item.strip() and "\0" not in item:
            brief.media.append(_absolute(Path(item).expanduser(), base))
        else:
            problems.append(BriefProblem("media", f"each clip must be a file path, not {_show(item)}"))
    for item in _as_list(d.get("audiences"))[:20]:
        if isinstance(item, str) and item.strip() and len(item) <= MAX_FIELD_CHARS:
            brief.audiences.append(" ".join(item.split()))
        else:
            problems.append(BriefProblem("audiences", "each audience must be a short text, "
                                                      f"not {_show(item)}"))
    voice = d.get("voice", {})
    if isinstance(voice, dict) and all(k in ("zh", "en") and isinstance(v, str) and v.strip()
                                       and "\0" not in v for k, v in voice.items()):
        brief.voice = {k: v if v.startswith("v2/") else str(_absolute(Path(v).expanduser(), base))
                       for k, v in voice.items()}
    else:
        problems.append(BriefProblem("voice", 'must map zh/en to a recording or a Bark speaker, '
                                              f'e.g. voice = {{zh = "me.wav"}}, not {_show(voice)}'))
    media_sound = d.get("media_sound", "under")
    if media_sound in MEDIA_SOUNDS:
        brief.media_sound = media_sound
    else:
        problems.append(BriefProblem("media_sound", f"must be one of {', '.join(MEDIA_SOUNDS)} "
                                                    f"(the clips' own sound), not {_show(media_sound)}"))
    logo = d.get("logo")
    if isinstance(logo, str) and logo.strip() and "\0" not in logo:
        brief.logo = _absolute(Path(logo).expanduser(), base)
    elif logo not in (None, ""):
        problems.append(BriefProblem("logo", f"must be an image file path, not {_show(logo)}"))
    return brief, problems


def _show(v: Any) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:57] + "..."


def _absolute(path: Path, base: Path) -> Path:
    """``path`` made absolute against ``base`` without following links, so that messages name
    the file as the user wrote it (a dangling link, a link loop)."""
    return Path(os.path.abspath(path if path.is_absolute() else base / path))


def _convert_hint(path: Path) -> str:
    """What to do with a picture in a format Pillow cannot open, told by its first bytes
    (an iPhone HEIC photo, a video, an SVG drawing), or ""."""
    try:
        with open(path, "rb") as f:
            head = f.read(512)
    except OSError:
        return ""
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return "; this is a HEIC/AVIF photo: export it as JPEG first (on an iPhone: Settings > " \
               "Camera > Formats > Most Compatible)"
    if head[4:8] == b"ftyp" or head[:4] == b"\x1aE\xdf\xa3" or head[8:11] == b"AVI":
        return "; this is a video: give it as a clip (--media, or the brief's media), not a photo"
    if b"<svg" in head.lower():
        return "; this is an SVG drawing: export it as a PNG with a transparent background"
    return ""


def _check_image(path: Path) -> str | None:
    """None if ``path`` is a photo Pillow can decode, else the reason it is not."""
    try:
        os.stat(path)
    except (UnicodeEncodeError, ValueError):
        return (f"this system's language setting cannot spell the file name {path!r}; run "
                "PromoDesk with a UTF-8 locale (e.g. LANG=C.UTF-8) or rename the photo")
    except OSError as err:
        if err.errno == errno.ELOOP:
            return f"the image path is a symbolic link that points back at itself: {path}"
        if err.errno in (errno.ENOENT, errno.ENOTDIR):
            return f"image file not found: {path}"
        return f"cannot read the image ({err.strerror or err}): {path}"
    if not path.is_file():
        return f"not a file: {path}"
    try:
        with Image.open(path) as im:
            im.load()
    except UnidentifiedImageError:
        return (f"not an image PromoDesk can read (use JPEG, PNG or WebP){_convert_hint(path)}: "
                f"{path}")
    except (OSError, ValueError, SyntaxError) as err:
        return f"the image is damaged or cut short ({err}): {path}"
    except Image.DecompressionBombError:
        return f"the image is too large to be safe to open: {path}"
    return None


def validate_brief(brief: Brief) -> list[BriefProblem]:
    """Every problem with ``brief`` that stops a video being made, one per fixable thing."""
    problems = []
    if not brief.text.strip():
        problems.append(BriefProblem("text", "the copy is empty; write a sentence or two about "
                                             "the product"))
    elif not any(unicodedata.category(ch)[0] in "LN" for ch in brief.text):
        problems.append(BriefProblem("text", "the copy has no words, only emoji, symbols or "
                                             "punctuation; write a sentence or two about the "
                                             "product"))
    for name, most in (("text", MAX_TEXT_CHARS), ("title", MAX_FIELD_CHARS),
                       ("price", MAX_FIELD_CHARS), ("cta", MAX_FIELD_CHARS)):
        if len(getattr(brief, name)) > most:
            problems.append(BriefProblem(name, f"is {len(getattr(brief, name))} characters long; "
                                               f"PromoDesk takes up to {most}. Shorten it."))
    for path in brief.images:
        reason = _check_image(Path(path))
        if reason:
            problems.append(BriefProblem("images", reason))
    for path in brief.media:
        if not Path(path).is_file():
            problems.append(BriefProblem("media", f"not a file: {path}"))
    if brief.logo is not None:
        reason = _check_image(Path(brief.logo))
        if reason:
            problems.append(BriefProblem("logo", reason))
    if brief.aspect not in ASPECTS:
        problems.append(BriefProblem("aspect", f"'{brief.aspect}' is not a supported aspect; use "
                                               f"one of {', '.join(ASPECTS)}"))
    if not math.isfinite(brief.seconds):
        problems.append(BriefProblem("seconds", f"{brief.seconds} is not a number of seconds; "
                                                f"give {MIN_SECONDS}..{MAX_SECONDS}"))
    elif not MIN_SECONDS <= brief.seconds <= MAX_SECONDS:
        problems.append(BriefProblem("seconds", f"{brief.seconds:g} s is outside "
                                                f"{MIN_SECONDS}..{MAX_SECONDS} seconds"))
    if brief.language not in LANGUAGES:
        problems.append(BriefProblem("language", f"'{brief.language}' is not one of "
                                                 f"{', '.join(LANGUAGES)}"))
    for c in brief.brand_colors:
        if not _COLOUR.fullmatch(c):
            problems.append(BriefProblem("brand_colors", f"'{c}' is not a colour like #7a2e1f"))
    return problems


def read_brief(path: Path) -> tuple[Brief, list[BriefProblem]]:
    """Read a brief file (.toml, .json, anything else as plain text) without validating it.
    Returns the brief and the problems met while reading. Raises BriefError if the file cannot
    be read or parsed at all."""
    path = Path(path)
    try:
        if path.is_dir():
            raise BriefError([BriefProblem("file", "this is a folder, not a brief file")], path)
        if path.exists() and not path.is_file():  # a pipe or a device would never end
            raise BriefError([BriefProblem("file", "this is not a regular file")], path)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise BriefError([BriefProblem("file", f"the brief is over {MAX_FILE_BYTES // 1000} kB; "
                                                   "a brief is a page of copy and a few fields")],
                             path)
        raw = path.read_bytes()
    except OSError as err:
        raise BriefError([BriefProblem("file", f"cannot read the brief: {err.strerror or err}")],
                         path) from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BriefError([BriefProblem("file", "the brief is not UTF-8 text; save it as UTF-8")],
                         path) from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(content)
        elif suffix == ".json":
            data = json.loads(content)
            if not isinstance(data, dict):
                raise ValueError("the top level must be an object with fields")
        else:
            lines = [ln.strip() for ln in content.splitlines() if ln.strip()]
            data = {"text": content.strip(), "title": lines[0][:40] if lines else ""}
    except RecursionError:
        raise BriefError([BriefProblem("file", "nested too deeply (lists inside lists hundreds "
                                               "of levels deep) to be a brief")], path) from None
    except (tomllib.TOMLDecodeError, ValueError) as err:
        kind = "TOML" if suffix == ".toml" else "JSON"
        raise BriefError([BriefProblem("file", f"not valid {kind}: {err}")], path) from None
    brief, problems = brief_from_dict(data, base=path.parent)
    brief.source = path.resolve()
    return brief, problems


def load_brief(path: Path) -> Brief:
    """Read and validate a brief file; raises BriefError listing every problem."""
    brief, problems = read_brief(path)
    problems += validate_brief(brief)
    if problems:
        raise BriefError(problems, Path(path))
    return brief
