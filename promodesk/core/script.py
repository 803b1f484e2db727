"""Which writing system a character belongs to: the one home of the "is this Chinese" rules.

Three questions, three answers. ``is_han``: is it a Chinese character (a CJK ideograph, which
Japanese writes too as kanji). ``is_kana``: is it Japanese hiragana or katakana; kana are what tell
Japanese from Chinese (:func:`looks_japanese`), and the copy's language, reading speed, voice and
subtitle language follow from the two. ``is_cjk``: may a line break before or after it without a
space (ideographs, kana, hangul, CJK punctuation and full-width forms); line breaking follows
from it.
"""

from __future__ import annotations

# CJK unified ideographs with extension A, compatibility ideographs, and the supplementary
# ideographic planes (extensions B-G).
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
# Everything a line may break around: radicals, CJK symbols and punctuation, kana, bopomofo,
# ideographs, compatibility ideographs, full-width forms, hangul syllables, supplementary planes.
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFF00, 0xFFEF), (0x20000, 0x2FFFF),
               (0x30000, 0x3134F), (0xAC00, 0xD7AF))
# Hiragana and katakana letters (small ones included), the katakana phonetic extensions and
# half-width katakana; not the middle dot ・ nor the long-vowel mark ー, which Chinese uses too.
_KANA_RANGES = ((0x3041, 0x3096), (0x309D, 0x309F), (0x30A1, 0x30FA), (0x30FD, 0x30FF),
                (0x31F0, 0x31FF), (0xFF66, 0xFF9D))
# Chinese marketing borrows の ("我の咖啡") as a stylish "of": alone it does not make Japanese.
_BORROWED_KANA = "の"
# Share of kana among Chinese/Japanese characters from which text reads as Japanese: Japanese
# prose runs at 40-70 % kana and a kanji-heavy product line still at a quarter or more.
JAPANESE_KANA_SHARE = 0.2


def is_han(ch: str) -> bool:
    """Whether the character ``ch`` is a Chinese character (a CJK ideograph)."""
    cp = ord(ch)
    return cp >= 0x3400 and any(lo <= cp <= hi for lo, hi in _HAN_RANGES)


def is_cjk(ch: str) -> bool:
    """Whether the character ``ch`` is CJK script a line may break around without a space:
    an ideograph, kana, hangul, CJK punctuation or a full-width form."""
    cp = ord(ch)
    return cp >= 0x2E80 and any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def is_kana(ch: str) -> bool:
    """Whether the character ``ch`` is a Japanese kana letter (hiragana or katakana, full or
    half width; not ・ nor ー)."""
    cp = ord(ch)
    return 0x3041 <= cp and any(lo <= cp <= hi for lo, hi in _KANA_RANGES)


def count_kana(text: str) -> int:
    """How many Japanese kana letters ``text`` holds."""
    return sum(1 for ch in text if is_kana(ch))


def looks_japanese(text: str) -> bool:
    """Whether ``text`` is Japanese rather than Chinese: kana are the decisive sign. True when
    kana other than a borrowed の appear and make at least :data:`JAPANESE_KANA_SHARE` of its
    kana and Chinese characters; kanji alone ("新発売") stays Chinese, as nothing tells them
    apart."""
    kana = count_kana(text)
    if kana == 0 or all(ch in _BORROWED_KANA for ch in text if is_kana(ch)):
        return False
    return kana >= JAPANESE_KANA_SHARE * (kana + count_han(text))


def count_han(text: str) -> int:
    """How many Chinese characters ``text`` holds."""
    return sum(1 for ch in text if is_han(ch))


def has_han(text: str) -> bool:
    """Whether ``text`` holds at least one Chinese character."""
    return any(is_han(ch) for ch in text)
