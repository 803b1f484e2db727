"""The fonts text is set in: the bundled font chains, a shop's own font put first, and which
characters they can draw.

- :func:`font_chain` ("regular" or "bold") is an ordered list of the fonts bundled in
  ``resources/fonts`` (Noto Sans CJK SC subset, Noto Sans Arabic, Noto Sans Hebrew, a Hangul
  subset of Noto Sans CJK KR, then DejaVu Sans). Each character is drawn with the first font whose
  cmap has it; :func:`missing_glyphs` lists the characters no bundled font has (they are left out
  and reported, never drawn as empty boxes).
- :meth:`FontChain.directed_runs` splits a line into runs of one font and one direction, in
  display order (:mod:`promodesk.engines.visuals.bidi`); right-to-left runs need Pillow's raqm
  layout (:data:`RAQM`), without which such letters are left out and reported
  (:func:`script_note`).
- :func:`first_font`: a shop's own font file (a brand kit's) set ahead of the bundled chain while
  a shot lays out its text.

Setting, fitting and drawing text with these fonts: :mod:`promodesk.engines.visuals.typeset`.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont, features

from promodesk import RESOURCES
from promodesk.engines.visuals import bidi

FONT_DIR = RESOURCES / "fonts"
# The Arabic, Hebrew and Hangul fonts come before DejaVu, which has some Arabic and Hebrew
# letters but not the shaping tables that join them.
FONT_FILES = {
    "regular": ["NotoSansCJKsc-Regular-subset.otf", "NotoSansArabic-Regular.ttf",
                "NotoSansHebrew-Regular.ttf", "NotoSansCJKkr-Regular-hangul.otf", "DejaVuSans.ttf"],
    # Bold Noto carries the GB2312 hanzi only; rarer ones fall back to Regular Noto.
    "bold": ["NotoSansCJKsc-Bold-subset.otf", "NotoSansCJKsc-Regular-subset.otf",
             "NotoSansArabic-Bold.ttf", "NotoSansHebrew-Bold.ttf",
             "NotoSansCJKkr-Bold-hangul.otf", "DejaVuSans-Bold.ttf", "DejaVuSans.ttf"],
}

is_rtl, bidi_levels = bidi.is_rtl, bidi.bidi_levels
# Pillow's raqm layout (HarfBuzz shaping, FriBiDi) draws right-to-left scripts; checked once.
RAQM = bool(features.check("raqm"))


class FontError(RuntimeError):
    """A bundled font is missing or unreadable; the message says how to repair the install."""


@dataclass(frozen=True)
class FontChain:
    """Ordered font files for one weight; a character uses the first font that has it."""

    weight: str
    paths: tuple[Path, ...]

    def font(self, index: int, size: int, shaped: bool = False) -> ImageFont.FreeTypeFont:
        """The Pillow font ``index`` of the chain at ``size`` pixels (cached); ``shaped`` gives
        the raqm layout (right-to-left runs), else the basic one."""
        return _load_font(self.paths[index], int(size), shaped)

    def font_index(self, ch: str) -> int | None:
        """Index of the first font in the chain that has a glyph for ``ch``, or None."""
        if not RAQM and is_rtl(ch):
            return None  # drawn unjoined and backwards otherwise: left out and reported instead
        return _font_index(self.paths, ch)

    def runs(self, text: str) -> list[tuple[int, str]]:
        """``text`` split into (font index, run) pieces in reading order; characters no font has
        are dropped (see :func:`missing_glyphs`), and spaces stay with the run before them."""
        return [(idx, run) for idx, run, _ in self.directed_runs(text, display=False)]

    def directed_runs(self, line: str, display: bool = True) -> list[tuple[int, str, bool]]:
        """(font index, run, right_to_left) pieces of one ``line``: one font and one direction
        each, in display order (left to right on screen; with ``display`` False, reading order).
        A right-to-left run is drawn with its characters right to left by the raqm layout."""
        idxs: list[int | None] = []
        prev: int | None = None  # font of the last character drawn
        for ch in line:
            if ch.isspace():  # spaces stay with the run before them when its font has them
                idx = prev if prev is not None and ord(ch) in _cmap(self.paths[prev]) else 0
            elif unicodedata.category(ch) == "Mn" and idxs:
                # a combining mark (an Arabic vowel sign) goes with its letter: same font if it
                # has the mark, left out with a letter that is left out
                idx = idxs[-1] if idxs[-1] is None or ord(ch) in _cmap(self.paths[idxs[-1]]) \
                    else self.font_index(ch)
            else:
                idx = self.font_index(ch)
            idxs.append(idx)
            prev = idx if idx is not None else prev
        levels = bidi_levels(line) if RAQM and any(is_rtl(ch) for ch in line) else [0] * len(line)
        pieces: list[list] = []  # [font index, characters, level]
        for ch, idx, level in zip(line, idxs, levels):
            if idx is None:
                continue
            if pieces and pieces[-1][0] == idx and pieces[-1][2] == level:
                pieces[-1][1].append(ch)
            else:
                pieces.append([idx, [ch], level])
        if display:
            pieces = bidi.display_order(pieces)
        return [(idx, "".join(chars), level % 2 == 1) for idx, chars, level in pieces]


@functools.lru_cache(maxsize=None)
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # reads just the cmap table, lazily

    try:
        with TTFont(str(path), lazy=True) as font:
            return frozenset(font.getBestCmap())
    except (OSError, Exception) as err:  # fontTools raises its own TTLibError
        raise FontError(f"The bundled font {path.name} cannot be read ({err}). Reinstall "
                        "PromoDesk or restore resources/fonts/ from the installer.") from None


@functools.lru_cache(maxsize=4096)
def _font_index(paths: tuple[Path, ...], ch: str) -> int | None:
    cp = ord(ch)
    for i, path in enumerate(paths):
        if cp in _cmap(path):
            return i
    return None


@functools.lru_cache(maxsize=256)
def _load_font(path: Path, size: int, shaped: bool = False) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if shaped else ImageFont.Layout.BASIC
    try:
        return ImageFont.truetype(str(path), size, layout_engine=layout)
    except OSError as err:
        raise FontError(f"The bundled font {path.name} is missing or damaged ({err}). Reinstall "
                        "PromoDesk or restore resources/fonts/ from the installer.") from None


@functools.lru_cache(maxsize=None)
def font_chain(weight: str = "regular") -> FontChain:
    """The bundled font chain for ``weight`` ("regular" or "bold"), or for "regular:/path/font.ttf"
    (a caption's chosen font first, then the bundled chain for what it lacks). Raises
    :class:`FontError` with a repair hint when a font file is missing."""
    base, _, first = weight.partition(":")
    if base not in FONT_FILES:
        raise ValueError(f"weight must be one of {', '.join(FONT_FILES)}, not {weight!r}")
    paths = tuple(FONT_DIR / name for name in ([first] if first else []) + FONT_FILES[base])
    for p in paths:
        if not p.is_file():
            raise FontError(f"The font {p.name} is missing from {FONT_DIR}. Reinstall PromoDesk "
                            "or restore resources/fonts/ from the installer.")
    return FontChain(weight, paths)


# A shop's own font (a brand kit's), set first while a shot lays out its text (first_font):
# every fit_text in the block uses it ahead of the bundled chain, so no layout call passes it.
_FIRST_FONT: contextvars.ContextVar[str] = contextvars.ContextVar("first_font", default="")


@contextlib.contextmanager
def first_font(path: str | Path | None):
    """Within the ``with`` block (this thread), :func:`fit_text` sets text in the font file
    ``path`` first and the bundled chain for what it lacks. Yields whether the font is used: a
    missing or unreadable file is skipped (the bundled fonts draw), None changes nothing."""
    use = ""
    if path:
        try:
            if Path(path).is_file() and _cmap(Path(path).resolve()):
                use = str(Path(path).resolve())
        except (FontError, OSError):
            use = ""
    token = _FIRST_FONT.set(use)
    try:
        yield bool(use)
    finally:
        _FIRST_FONT.reset(token)


def first_font_path() -> str:
    """The font file :func:`first_font` set for this thread (an absolute path), or ""."""
    return _FIRST_FONT.get()


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Mn")


def missing_glyphs(text: str, weight: str = "regular") -> list[str]:
    """Characters of ``text`` (each once, in order) that no bundled font of ``weight`` can draw
    (or, without raqm, right-to-left letters); they are left out when drawing. Spaces, controls
    and joiners never count as missing."""
    chain, seen, out = font_chain(weight), set(), []
    for ch in text:
        if ch not in seen:
            seen.add(ch)
            if not _invisible(ch) and chain.font_index(ch) is None:
                out.append(ch)
    return out


def script_note(text: str) -> str:
    """A note for the user when ``text`` holds right-to-left letters this install cannot shape
    (Pillow without raqm); "" when everything can be drawn as written."""
    if RAQM or not any(is_rtl(ch) for ch in text):
        return ""
    return ("Arabic and Hebrew letters were left out: they need Pillow's raqm text layout, which "
            "needs the FriBiDi library (on Debian/Ubuntu: sudo apt-get install libfribidi0, or "
            "run scripts/setup.sh).")

