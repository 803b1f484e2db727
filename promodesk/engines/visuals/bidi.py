"""Right-to-left text in one line, independent of fonts: which characters read right to left,
the embedding level of each character, and runs put in display order.

The Unicode bidirectional algorithm (UAX #9) reduced to what a caption line needs: no explicit
embeddings or isolates, one paragraph per line. The paragraph takes the direction of its first
strong letter (P2-P3); numbers are left to right (W1-W7, I1-I2); paired brackets go together (N0);
other neutrals take the direction around them or the paragraph's (N1-N2); combining marks follow
their letter; trailing spaces take the paragraph level (L1); runs are reversed level by level for
display (L2). :mod:`promodesk.engines.visuals.typeset` splits lines into font runs by these levels
and lets Pillow's raqm layout shape each right-to-left run.
"""

from __future__ import annotations

import unicodedata


def is_rtl(ch: str) -> bool:
    """Whether ``ch`` is a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko, ...)."""
    return unicodedata.bidirectional(ch) in ("R", "AL")


def reads_right_to_left(line: str) -> bool:
    """Whether ``line`` is a right-to-left paragraph: its first strong letter is Arabic, Hebrew
    or another right-to-left script (rule P2)."""
    for ch in line:
        b = unicodedata.bidirectional(ch)
        if b in ("R", "AL", "L"):
            return b != "L"
    return False


def bidi_levels(line: str) -> list[int]:
    """Embedding level per character of one ``line`` (even: left to right, odd: right to left),
    after the Unicode bidi algorithm's rules for text without explicit embeddings: the paragraph
    takes the direction of its first strong letter; numbers go left to right; a neutral (space,
    punctuation) between two runs of one direction takes it, else the paragraph's; combining
    marks take their letter's level; paired brackets go together; trailing spaces take the
    paragraph's level (rules P2-P3, W1-W7, N0-N2, I1-I2, L1)."""
    kinds = []  # "L", "R", "N" (number) or None (neutral / mark)
    for ch in line:
        b = unicodedata.bidirectional(ch)
        kinds.append("R" if b in ("R", "AL") else "L" if b == "L" else
                     "N" if b in ("EN", "AN") else "M" if b == "NSM" else None)
    base = 1 if reads_right_to_left(line) else 0
    # W7 and I1/I2: a number after a left-to-right letter (or at the start of a left-to-right
    # paragraph) is plain left-to-right text; after a right-to-left one it sits two levels up.
    strong, resolved = ("R" if base else "L"), []
    for k in kinds:
        if k in ("L", "R"):
            strong = k
        resolved.append(("L" if strong == "L" else "EN") if k == "N" else k)
    _resolve_brackets(line, resolved, "R" if base else "L")

    def level(k: str) -> int:
        if k == "R":
            return 1
        if k == "EN":
            return 2
        return 2 if base else 0

    levels: list[int | None] = [level(k) if k in ("L", "R", "EN") else None for k in resolved]
    for i, k in enumerate(resolved):  # combining marks follow their letter
        if k == "M":
            levels[i] = levels[i - 1] if i and levels[i - 1] is not None else None
    # N1/N2: neutrals between two strong sides of one direction (numbers count as R) take it.
    direction = [None if v is None else ("R" if v % 2 or resolved[i] == "EN" else "L")
                 for i, v in enumerate(levels)]
    i, n = 0, len(line)
    while i < n:
        if levels[i] is not None:
            i += 1
            continue
        j = i
        while j < n and levels[j] is None:
            j += 1
        before = direction[i - 1] if i else ("R" if base else "L")
        after = direction[j] if j < n else ("R" if base else "L")
        side = before if before == after else ("R" if base else "L")
        for t in range(i, j):
            levels[t] = 1 if side == "R" else (2 if base else 0)
        i = j
    for t in range(n - 1, -1, -1):  # L1: trailing whitespace at the paragraph level
        if not line[t].isspace():
            break
        levels[t] = base
    return [int(v) for v in levels]


_BRACKETS = {")": "(", "]": "[", "}": "{", "）": "（", "》": "《", "」": "「"}


def _resolve_brackets(line: str, resolved: list, embedding: str) -> None:
    """Bidi rule N0, for paired brackets: a pair holding a letter of the paragraph's direction
    takes it; one holding only the other direction takes that when the text before the pair is of
    that direction too, else the paragraph's. So "(test)" in Hebrew stays one piece."""
    stack, pairs = [], []
    for i, ch in enumerate(line):
        if ch in _BRACKETS.values():
            stack.append((ch, i))
        elif ch in _BRACKETS:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == _BRACKETS[ch]:
                    pairs.append((stack[depth][1], i))
                    del stack[depth:]
                    break
    for open_i, close_i in sorted(pairs):
        inside = {"R" if k in ("R", "EN") else k for k in resolved[open_i + 1:close_i]}
        if embedding in inside:
            side = embedding
        elif inside & {"L", "R"}:
            other = ({"L", "R"} - {embedding}).pop()
            before = next((("R" if k in ("R", "EN") else k) for k in reversed(resolved[:open_i])
                           if k in ("L", "R", "EN")), embedding)
            side = other if before == other else embedding
        else:
            continue
        resolved[open_i] = resolved[close_i] = side


def display_order(pieces: list[list]) -> list[list]:
    """Runs ``[font, chars, level]`` (level last; the rest is the caller's) in reading order put
    in display order (bidi rule L2: from
    the highest level down to the lowest odd one, reverse every stretch at that level or above)."""
    if not pieces:
        return pieces
    out = list(pieces)
    top = max(p[2] for p in out)
    lowest_odd = min((p[2] for p in out if p[2] % 2), default=None)
    if lowest_odd is None:
        return out
    for lvl in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(out):
            if out[i][2] >= lvl:
                j = i
                while j < len(out) and out[j][2] >= lvl:
                    j += 1
                out[i:j] = out[i:j][::-1]
                i = j
            else:
                i += 1
    return out
