"""Which writing system a character belongs to: the one home of the "is this Chinese" rules.

Two questions, two answers. ``is_han``: is it a Chinese character (a CJK ideograph); the copy's
language, reading speed, voice and subtitle language follow from it. ``is_cjk``: may a line break
before or after it without a space (ideographs, kana, hangul, CJK punctuation and full-width
forms); line breaking follows from it.
"""

from __future__ import annotations

# CJK unified ideographs with extension A, compatibility ideographs, and the supplementary
# ideographic planes (extensions B-G).
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
# Everything a line may break around: radicals, CJK symbols and punctuation, kana, bopomofo,
# ideographs, compatibility ideographs, full-width forms, hangul syllables, supplementary planes.
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x2FFFF),
               (0x30000, 0x3134F), (0xAC00, 0xD7AF))


def is_han(ch: str) -> bool:
    """Whether the character ``ch`` is a Chinese character (a CJK ideograph)."""
    cp = ord(ch)
    return cp >= 0x3400 and any(lo <= cp <= hi for lo, hi in _HAN_RANGES)


def is_cjk(ch: str) -> bool:
    """Whether the character ``ch`` is CJK script a line may break around without a space:
    an ideograph, kana, hangul, CJK punctuation or a full-width form."""
    cp = ord(ch)
    return cp >= 0x2E80 and any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def count_han(text: str) -> int:
    """How many Chinese characters ``text`` holds."""
    return sum(1 for ch in text if is_han(ch))


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return any(is_han(ch) for ch in text)
