"""Facts a model must not touch: prices, numbers and product names, kept verbatim through
translation (and any rewrite) by replacing them with numbered placeholders before the model runs
and putting them back after.

A model may drop a placeholder, repeat it, or invent a number of its own. :func:`restore` puts
each protected fact back exactly once (a dropped one is added at the end of the line) and removes
any digit the model wrote outside a placeholder, so the line's numbers are always the source's.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

from promodesk.engines.base import CancelToken, Progress

# A price or number: an optional currency sign, digits with , or . groups, an optional % or
# currency word. Kept as one fact so "¥199.00" never becomes "¥ 199" or "199元".
_NUMBER = re.compile(r"(?:[¥￥$€£]\s?)?\d+(?:[.,:]\d+)*(?:\s?(?:%|％|元|块|RMB|USD|CNY|EUR))?")
_PLACEHOLDER = re.compile(r"\[\s*(\d+)\s*\]")
_DIGITS = re.compile(r"[0-9０-９]+")


def placeholder(n: int) -> str:
    """The placeholder standing for the ``n``-th fact of a line: ``[n]``."""
    return f"[{n}]"


@dataclass
class Protected:
    """A line with its facts replaced by placeholders: ``text`` (what the model sees) and
    ``facts`` (the originals, by placeholder number)."""

    text: str
    facts: list[str] = field(default_factory=list)


def protect(line: str, names: list[str] = ()) -> Protected:
    """``line`` with every product name of ``names`` (longest first, exact text) and every
    price or number replaced by ``[0]``, ``[1]``, ...; returns a :class:`Protected`."""
    facts: list[str] = []
    spans: list[tuple[int, int]] = []
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        for m in re.finditer(re.escape(name), line):
            if not any(a < m.end() and m.start() < b for a, b in spans):
                spans.append((m.start(), m.end()))
    for m in _NUMBER.finditer(line):
        if not any(a < m.end() and m.start() < b for a, b in spans):
            spans.append((m.start(), m.end()))
    out, pos = [], 0
    for a, b in sorted(spans):
        out.append(line[pos:a])
        out.append(placeholder(len(facts)))
        facts.append(line[a:b])
        pos = b
    out.append(line[pos:])
    return Protected("".join(out), facts)


def restore(translated: str, protected: Protected) -> str:
    """``translated`` (a model's output for ``protected.text``) with each placeholder replaced
    by its fact, once: repeats and unknown placeholders are dropped, digits outside
    placeholders removed, and facts the model dropped added at the end (space-separated)."""
    def invented(text: str) -> str:  # a price or number the model wrote itself: dropped
        return _DIGITS.sub("", _NUMBER.sub("", text))

    used: set[int] = set()
    out, pos = [], 0
    for m in _PLACEHOLDER.finditer(translated):
        out.append(invented(translated[pos:m.start()]))
        n = int(m.group(1))
        if n < len(protected.facts) and n not in used:
            used.add(n)
            out.append(protected.facts[n])
        pos = m.end()
    out.append(invented(translated[pos:]))
    text = re.sub(r"\s+", " ", "".join(out)).strip()
    missing = [f for n, f in enumerate(protected.facts) if n not in used]
    return " ".join([text, *missing]).strip() if missing else text


def facts_of(line: str, names: list[str] = ()) -> list[str]:
    """The facts (product names, prices, numbers) of ``line``, in order: what a faithful
    translation or rewrite must hold verbatim."""
    return protect(line, names).facts


def clean(text: str) -> str:
    """One line of printable text: control characters, undecodable bytes (U+FFFD) and
    thinking blocks removed, runs of white space made one space."""
    text = re.sub(r"<think>.*?(</think>|$)", " ", text, flags=re.S)
    text = "".join(ch for ch in text if ch != "\ufffd" and unicodedata.category(ch)[0] != "C")
    return re.sub(r"\s+", " ", text).strip()


def without_facts(text: str, facts: list[str]) -> str:
    """``text`` with every protected fact taken out (what is left is the model's own words)."""
    for fact in facts:
        text = text.replace(fact, " ")
    return text

def rewrite_lines(lines: list[str], names: list[str], ask: Callable[[str], str],
                  progress: Progress, cancel: CancelToken, doing: str,
                  failed: Callable[[int], str]) -> tuple[list[str], list[str]]:
    """(``lines`` each passed through ``ask`` with its facts protected, notes): one line at a
    time, so the count of lines never changes and cancel is quick. A line the model returns with
    nothing of its own (only the facts, or nothing) is kept as written, with ``failed(n)`` (n is
    1-based) as its note. ``doing`` starts each progress message."""
    out, notes = [], []
    for i, line in enumerate(lines):
        cancel.check()
        progress(0.1 + 0.9 * i / max(len(lines), 1), f"{doing} line {i + 1} of {len(lines)}")
        masked = protect(line, list(names))
        text = clean(ask(masked.text))
        cancel.check()
        restored = restore(text, masked)
        if not clean(without_facts(restored, masked.facts)):
            notes.append(failed(i + 1))
            restored = line
        out.append(restored)
    return out, notes
