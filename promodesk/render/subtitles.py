"""Subtitle files: the captions track as SubRip (.srt) and WebVTT (.vtt), written and parsed.

Times are integer microseconds on the timeline; the files carry milliseconds (rounded to the
nearest). Writes are atomic (temp file + rename), like every output file. Cue text is cleaned on
the way out: control characters (NUL, BEL, ESC, ...) dropped, blank lines inside a cue removed (a
blank line ends a cue in both formats) and ``-->`` defused (it starts a timing line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from promodesk.core.atomic import atomic_write_bytes
from promodesk.core.timeline import Project, TrackKind, US_PER_SECOND
from promodesk.engines.visuals.linebreak import strip_controls


@dataclass(frozen=True)
class Cue:
    """One subtitle: shown from ``start`` to ``end`` (microseconds), ``text`` may hold newlines."""

    start: int
    end: int
    text: str


class SubtitleError(ValueError):
    """A subtitle file that cannot be read; the message names the line."""


def cues_from_project(project: Project) -> list[Cue]:
    """The caption cues of ``project``'s unmuted captions tracks, sorted by start time."""
    cues = [Cue(c.start, c.end, clean_text(c.cue.text))
            for t in project.tracks_of(TrackKind.CAPTIONS) if not t.mute
            for c in t.clips if c.cue is not None and clean_text(c.cue.text)]
    return sorted(cues, key=lambda c: (c.start, c.end))


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


def srt_text(cues: list[Cue]) -> str:
    """The cues as SubRip text (numbered blocks, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``)."""
    cues = [c for c in cues if clean_text(c.text)]
    blocks = [f"{i}\n{_stamp(c.start, ',')} --> {_stamp(c.end, ',')}\n{clean_text(c.text)}\n"
              for i, c in enumerate(cues, 1)]
    return "\n".join(blocks)


def vtt_text(cues: list[Cue]) -> str:
    """The cues as WebVTT text (``WEBVTT`` header, ``HH:MM:SS.mmm --> HH:MM:SS.mmm`` blocks)."""
    blocks = [f"{_stamp(c.start, '.')} --> {_stamp(c.end, '.')}\n{clean_text(c.text)}\n"
              for c in cues if clean_text(c.text)]
    return "\n".join(["WEBVTT\n"] + blocks)


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
        cues.append(Cue(start, end, "\n".join(body)))
    return cues


def parse_srt(text: str) -> list[Cue]:
    """Cues of SubRip ``text`` (times to microseconds); raises :class:`SubtitleError`."""
    return _parse(text, "srt")


def parse_vtt(text: str) -> list[Cue]:
    """Cues of WebVTT ``text`` (times to microseconds); raises :class:`SubtitleError`."""
    return _parse(text, "vtt")
