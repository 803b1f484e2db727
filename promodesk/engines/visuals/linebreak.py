"""Line breaking for captions and shot text, independent of fonts: ``measure(line)`` gives a
line's width. Chinese and Japanese break between characters with kinsoku rules (no line starts
with closing punctuation ，。！？、；：”）》 or a small kana っゃュ, nor ends with opening
punctuation “（《), English between words; lines can be balanced to even lengths.
:mod:`promodesk.engines.visuals.typeset` measures with the bundled fonts and is what callers use.
"""

from __future__ import annotations

import re
from typing import Callable

from promodesk.core.script import is_cjk  # noqa: F401  (also what typeset re-exports)

Measure = Callable[[str], float]

# Kinsoku: a line may not start with CLOSING nor end with OPENING punctuation.
CLOSING = set("，。！？、；：”’）》」』】〕〉〗〙｝］｠…‥·・ー～％‰℃" ",.!?;:)]}%"
              "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ々ゝゞヽヾ")
OPENING = set("“‘（《「『【〔〈〖〘｛［｟" "([{¥￥$£€")

# C0 and C1 control characters except tab and newline, and DEL: NUL, BEL, ESC and their kind
# come from pasted terminal output or broken files; they draw as nothing or as boxes in players.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` without C0/C1 control characters (NUL, BEL, ESC, DEL, ...); tabs and newlines
    stay, a carriage return before a newline goes, a lone one becomes a newline."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _is_hangul(ch: str) -> bool:
    """Korean letters: Korean puts spaces between words and breaks lines there (keep-all),
    so Hangul syllables and jamo join words instead of breaking anywhere like hanzi."""
    cp = ord(ch)
    return 0xAC00 <= cp <= 0xD7AF or 0x1100 <= cp <= 0x11FF or 0x3130 <= cp <= 0x318F


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Unbreakable pieces as (text, space before it). Words and numbers stay whole; each hanzi is
    its own piece; closing punctuation sticks to the piece before it, opening to the one after."""
    raw: list[list] = []  # [text, space_before, kind]
    space = False
    for ch in " ".join(text.split()):
        if ch == " ":
            space = True
            continue
        kind = "close" if ch in CLOSING else "open" if ch in OPENING else \
            "cjk" if is_cjk(ch) and not _is_hangul(ch) else "word"
        if raw and (kind == "close" or raw[-1][2] == "open"
                    or (kind == "word" and raw[-1][2] == "word" and not space)):
            raw[-1][0] += (" " if space else "") + ch
            raw[-1][2] = raw[-1][2] if kind == "close" else kind
        else:
            raw.append([ch, space, kind])
        space = False
    return [(t, s) for t, s, _ in raw]


def text_pieces(text: str) -> list[str]:
    """The unbreakable pieces of one line of ``text`` in order (words, single hanzi with the
    punctuation glued to them), each with its leading space; joined they give the line back
    (whitespace normalised). Karaoke captions highlight these piece by piece."""
    return [(" " if space and i else "") + tok for i, (tok, space) in enumerate(_tokens(text))]


def _greedy(tokens: list[tuple[str, bool]], max_width: float, measure: Measure,
            max_lines: int | None = None) -> list[str]:
    """Lines filled one token at a time (one measure per token); stops once it has more than
    ``max_lines`` lines, as the caller only needs to know the text does not fit."""
    lines: list[str] = []
    line = ""
    for tok, space in tokens:
        candidate = line + (" " if space and line else "") + tok
        if not line or measure(candidate) <= max_width:
            line = candidate
        else:
            lines.append(line)
            line = tok
            if max_lines is not None and len(lines) > max_lines:
                return lines
    if line:
        lines.append(line)
    return lines


_GOOD_BREAK = set("，。！？；：、,.;:!?")


def _join(tokens: list[tuple[str, bool]]) -> str:
    return "".join((" " if space and i else "") + tok for i, (tok, space) in enumerate(tokens))


def _even_breaks(tokens: list[tuple[str, bool]], count: int, max_width: float,
                 measure: Measure) -> list[str] | None:
    """``count`` lines no wider than ``max_width`` whose lengths are as even as possible, with a
    preference for breaking after punctuation (dynamic programming over the break points)."""
    n = len(tokens)
    inf = float("inf")
    best = [[inf] * (n + 1) for _ in range(count + 1)]
    back = [[0] * (n + 1) for _ in range(count + 1)]
    best[0][0] = 0.0
    for k in range(1, count + 1):
        for j in range(k, n + 1):
            # Lines ending at j, shortest first: once one is too wide every longer one is too,
            # so each j costs about one line's worth of measures, not j of them.
            for i in range(j - 1, k - 2, -1):
                w = measure(_join(tokens[i:j]))
                if w > max_width and j - i > 1:
                    break
                if best[k - 1][i] == inf:
                    continue
                bonus = 0.15 if j < n and tokens[j - 1][0][-1] in _GOOD_BREAK else 0.0
                cost = best[k - 1][i] + ((max_width - w) / max_width) ** 2 - bonus
                if cost < best[k][j]:
                    best[k][j], back[k][j] = cost, i
    if best[count][n] == inf:
        return None
    lines, j = [], n
    for k in range(count, 0, -1):
        i = back[k][j]
        lines.append(_join(tokens[i:j]))
        j = i
    return lines[::-1]


def break_lines(text: str, max_width: float, measure: Measure, balance: bool = True,
                max_lines: int | None = None) -> list[str]:
    """``text`` broken into lines no wider than ``max_width`` as ``measure(line)`` says (a single
    piece wider than that keeps its own line), never starting with closing or ending with opening
    punctuation. With ``balance`` the lines are as even as the same line count allows, preferring
    breaks after punctuation (a caption's two lines of similar length, not one long, one short).
    Explicit newlines in ``text`` are kept. With ``max_lines``, breaking stops once there are more
    than that many lines (the first ``max_lines + 1`` are returned): fitting a long text into two
    lines then costs two lines' worth of measuring, not the whole text's."""
    lines: list[str] = []
    for para in text.split("\n"):
        if max_lines is not None and len(lines) > max_lines:
            break
        tokens = _tokens(para)
        if not tokens:
            continue
        left = None if max_lines is None else max_lines - len(lines)
        greedy = _greedy(tokens, max_width, measure, left)
        even = None
        if balance and 1 < len(greedy) <= 4 and len(tokens) <= 120:
            even = _even_breaks(tokens, len(greedy), max_width, measure)
        lines.extend(even or greedy)
    return lines
