"""Subtitle files: the captions track as SubRip (.srt) and WebVTT (.vtt), written and parsed.

Times are integer microseconds on the timeline; the files carry milliseconds (rounded to the
nearest). Writes are atomic (temp file + rename), like every output file. Cue text is cleaned on
the way out: control characters (NUL, BEL, ESC, ...) dropped, blank lines inside a cue removed (a
blank line ends a cue in both formats) and ``-->`` defused (it starts a timing line); in WebVTT
``&``, ``<`` and ``>`` are written as entities (a bare ``<`` starts a tag there and players drop
the text after it).

A caption styled away from its preset's look (:class:`~promodesk.core.captionstyle.CaptionStyle`)
carries what each format can say. WebVTT: a ``STYLE`` block with one ``::cue(.sN)`` rule per look
used (text colour, box colour and opacity, outline or shadow) and, for a caption placed in the
frame, the cue settings ``line:Y%,center position:X%,center`` (its centre). SubRip, the subset
players widely read: ``<font color="#RRGGBB">`` for a colour other than white and ``{\\anN}``
(numeric-keypad alignment, ``{\\an8}`` at the top) for a caption placed off the bottom centre.
Captions in their preset's look write exactly what they always did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from promodesk.core.atomic import atomic_write_bytes
from promodesk.core.captionstyle import WHITE, CaptionStyle, caption_style, rgb
from promodesk.core.script import has_han, looks_japanese
from promodesk.core.timeline import Project, TrackKind, US_PER_SECOND
from promodesk.engines.visuals.linebreak import strip_controls


@dataclass(frozen=True)
class Cue:
    """One subtitle: shown from ``start`` to ``end`` (microseconds), ``text`` may hold newlines;
    ``look`` is the caption's style when it differs from its preset's (None: the player's own)."""

    start: int
    end: int
    text: str
    look: CaptionStyle | None = None


class SubtitleError(ValueError):
    """A subtitle file that cannot be read; the message names the line."""


def cues_from_project(project: Project) -> list[Cue]:
    """The caption cues of ``project``'s unmuted captions tracks, sorted by start time, each
    with its caption's look when that differs from its preset's in what subtitles can carry."""
    cues = [Cue(c.start, c.end, clean_text(c.cue.text), _own_look(c.cue))
            for t in project.tracks_of(TrackKind.CAPTIONS) if not t.mute
            for c in t.clips if c.cue is not None and clean_text(c.cue.text)]
    return sorted(cues, key=lambda c: (c.start, c.end))


def _own_look(cue) -> CaptionStyle | None:
    """The cue's style when it differs from its preset's in what subtitles can carry (colours,
    box, outline, shadow, position; not the font, size or karaoke highlight), else None."""
    style = caption_style(cue)
    preset = CaptionStyle.for_preset(style.preset)
    carried = replace(style, font=preset.font, size=preset.size, highlight=preset.highlight)
    return None if carried == preset else style


def subtitle_language(cues: list[Cue]) -> str:
    """The ISO 639-2 code of the cues' language for a subtitle stream's tag: "jpn" for Japanese
    (kana), "chi" when any Chinese character is left, else "eng"."""
    text = "\n".join(c.text for c in cues)
    return "jpn" if looks_japanese(text) else "chi" if has_han(text) else "eng"


def clean_text(text: str) -> str:
    """Cue ``text`` safe for SRT and VTT: no control characters, no blank lines, no ``-->``,
    no spaces around it."""
    lines = (line.strip() for line in strip_controls(text).split("\n"))
    return "\n".join(line for line in lines if line).replace("-->", "->")


def _stamp(us: int, sep: str) -> str:
    ms = (max(us, 0) + 500) // 1000
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _percent(share: float) -> str:
    return f"{share * 100:.1f}".rstrip("0").rstrip(".") + "%"


def keypad_alignment(position: tuple[float, float] | None) -> int:
    """The numeric-keypad alignment (1-9, ``{\\anN}``) nearest a caption centred at
    ``position`` ((x, y) fractions of the frame): thirds of the frame across and down; 2, the
    bottom centre, for the caption band (None)."""
    if position is None:
        return 2
    x, y = position
    column = 0 if x < 1 / 3 else 2 if x > 2 / 3 else 1
    row = 6 if y < 1 / 3 else 3 if y <= 2 / 3 else 0
    return 1 + row + column


def _srt_body(cue: Cue) -> str:
    text, look = clean_text(cue.text), cue.look
    if look is None:
        return text
    if look.colour != WHITE:
        text = f'<font color="{look.colour}">{text}</font>'
    an = keypad_alignment(look.position)
    return text if an == 2 else f"{{\\an{an}}}{text}"


def srt_text(cues: list[Cue]) -> str:
    """The cues as SubRip text (numbered blocks, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``), a styled
    cue's colour as ``<font color>`` and its placement as ``{\\anN}``."""
    cues = [c for c in cues if clean_text(c.text)]
    blocks = [f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{_srt_body(c)}\n"
              for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def cue_css(look: CaptionStyle) -> str:
    """The CSS declarations of a ``::cue`` rule for ``look``: text colour, box colour with its
    opacity (0.75 when automatic) or no box, and the outline (four 1 px shadows) or a shadow."""
    rules = [f"color: {look.colour};"]
    if look.box is not None:
        opacity = 0.75 if look.box_opacity is None else look.box_opacity
        r, g, b = rgb(look.box)
        rules.append(f"background-color: rgba({r}, {g}, {b}, {opacity:g});")
    else:
        rules.append("background-color: transparent;")
    if look.outline is not None:
        o = look.outline
        rules.append(f"text-shadow: -1px -1px 0 {o}, 1px -1px 0 {o}, -1px 1px 0 {o}, "
                     f"1px 1px 0 {o};")
    elif look.shadow:
        rules.append("text-shadow: 0 2px 3px rgba(0, 0, 0, 0.75);")
    return " ".join(rules)


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def vtt_text(cues: list[Cue]) -> str:
    """The cues as WebVTT text (``WEBVTT`` header, ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` blocks); one
    ``STYLE`` block with a ``::cue(.sN)`` rule per look styled cues use (classes numbered in order
    of first use), each such cue wrapped in ``<c.sN>`` and, when placed, given ``line:`` and
    ``position:`` settings."""
    cues = [c for c in cues if clean_text(c.text)]
    classes: dict[str, str] = {}  # css -> class name
    blocks = []
    for c in cues:
        timing = f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}"
        body = _vtt_escape(clean_text(c.text))
        if c.look is not None:
            name = classes.setdefault(cue_css(c.look), f"s{len(classes) + 1}")
            body = f"<c.{name}>{body}</c>"
            if c.look.position is not None:
                x, y = c.look.position
                timing += f" line:{_percent(y)},center position:{_percent(x)},center"
        blocks.append(f"{timing}\n{body}\n")
    rules = "".join(f"::cue(.{name}) {{ {css} }}\n" for css, name in classes.items())
    return "\n".join(["WEBVTT\n"] + ([f"STYLE\n{rules}"] if rules else []) + blocks)


def write_srt(cues: list[Cue], path: Path) -> Path:
    """Write ``cues`` to ``path`` as UTF-8 SubRip, atomically; returns the path."""
    atomic_write_bytes(Path(path), srt_text(cues).encode("utf-8"))
    return Path(path)


def write_vtt(cues: list[Cue], path: Path) -> Path:
    """Write ``cues`` to ``path`` as UTF-8 WebVTT, atomically; returns the path."""
    atomic_write_bytes(Path(path), vtt_text(cues).encode("utf-8"))
    return Path(path)


_TIME = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[,.](\d{3})")
_ARROW = re.compile(rf"^\s*({_TIME.pattern})\s*-->\s*({_TIME.pattern})")


def _us(match: re.Match, offset: int) -> int:
    h, m, s, ms = (match.group(offset + i) for i in range(4))
    return ((int(h or 0) * 60 + int(m)) * 60 + int(s)) * US_PER_SECOND + int(ms) * 1000


def _parse(text: str, kind: str) -> list[Cue]:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").split("\n")
    if kind == "vtt" and not lines[0].startswith("WEBVTT"):
        raise SubtitleError("not a WebVTT file: the first line must be WEBVTT")
    cues, i = [], 0
    while i < len(lines):
        m = _ARROW.match(lines[i])
        if not m:
            i += 1
            continue
        start, end = _us(m, 2), _us(m, 7)
        if end < start:
            raise SubtitleError(f"line {i + 1}: the cue ends before it starts")
        i += 1
        body = []
        while i < len(lines) and lines[i].strip():
            body.append(lines[i])
            i += 1
        cues.append(Cue(start, end, _plain("\n".join(body), kind)))
    return cues


# The markup the writers add, taken off again by the parsers.
_SRT_MARKUP = re.compile(r'^\{\\an[1-9]\}|<font color="#[0-9A-Fa-f]{6}">|</font>')
_VTT_MARKUP = re.compile(r"<c(?:\.[\w-]+)*>|</c>")
_VTT_ENTITIES = {"&lt;": "<", "&gt;": ">", "&amp;": "&"}


def _plain(text: str, kind: str) -> str:
    if kind == "srt":
        return _SRT_MARKUP.sub("", text)
    return re.sub("&(?:lt|gt|amp);", lambda m: _VTT_ENTITIES[m.group()], _VTT_MARKUP.sub("", text))


def parse_srt(text: str) -> list[Cue]:
    """Cues of SubRip ``text`` (times to microseconds, the writer's ``{\\anN}`` and
    ``<font color>`` taken off the text; no look); raises :class:`SubtitleError`."""
    return _parse(text, "srt")


def parse_vtt(text: str) -> list[Cue]:
    """Cues of WebVTT ``text`` (times to microseconds, ``<c>`` spans taken off and ``&amp;``,
    ``&lt;``, ``&gt;`` read back; no look, ``STYLE`` blocks skipped); raises
    :class:`SubtitleError`."""
    return _parse(text, "vtt")
