"""Rebuild the bundled caption fonts in this folder from Debian's font packages.

    apt-get install fonts-noto-cjk fonts-noto-core fonts-dejavu-core
    .venv/bin/pip install fonttools          # a dev tool; the app does not need it
    .venv/bin/python resources/fonts/subset_fonts.py

Writes NotoSansCJKsc-{Regular,Bold}-subset.otf (Noto Sans CJK SC, SIL OFL 1.1: Latin,
punctuation, CJK symbols, kana and full-width forms; Regular with the whole CJK Unified Ideographs
block, i.e. every GB2312 and Tongyong Guifan hanzi, Bold with the 6,763 GB2312 hanzi) and copies DejaVuSans{,-Bold}.ttf (Bitstream Vera licence
+ public domain) as the fallback for Greek, Cyrillic, arrows and symbols the first lacks.
Korean: NotoSansCJKkr-{Regular,Bold}-hangul.otf, Noto Sans CJK KR cut down to the Hangul
syllables and jamo. Right-to-left: NotoSansArabic-{Regular,Bold}.ttf and
NotoSansHebrew-{Regular,Bold}.ttf copied whole (small, and their shaping tables must stay intact).
The licence texts sit beside them (OFL.txt, LICENSE-DejaVu.txt).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from fontTools import subset

HERE = Path(__file__).resolve().parent
NOTO = Path("/usr/share/fonts/opentype/noto")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
NOTO_TTF = Path("/usr/share/fonts/truetype/noto")
SC_INDEX = 2  # Noto Sans CJK SC inside the .ttc collection (JP, KR, SC, TC, HK, ...)
KR_INDEX = 1

HANGUL = [
    (0x0020, 0x0020),  # space, so that words stay in one run with their spacing
    (0x00A0, 0x00A0),  # no-break space
    (0x1100, 0x11FF),  # Hangul jamo
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0xA960, 0xA97F),  # Hangul jamo extended-A
    (0xAC00, 0xD7A3),  # the 11,172 Hangul syllables
    (0xD7B0, 0xD7FF),  # Hangul jamo extended-B
]
RTL_FONTS = ["NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf",
             "NotoSansHebrew-Regular.ttf", "NotoSansHebrew-Bold.ttf"]

RANGES = [
    (0x0020, 0x024F),  # Basic Latin, Latin-1, Latin Extended-A/B
    (0x02B0, 0x02FF),  # spacing modifiers
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x2000, 0x206F),  # general punctuation (dashes, quotes, ellipsis)
    (0x20A0, 0x20CF),  # currency symbols
    (0x2100, 0x218F),  # letterlike symbols, number forms (TM, No.)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (circled digits)
    (0x25A0, 0x25FF),  # geometric shapes
    (0x2600, 0x26FF),  # miscellaneous symbols (stars)
    (0x2700, 0x27BF),  # dingbats (check marks)
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3200, 0x33FF),  # enclosed CJK letters, CJK compatibility
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs (20,992 hanzi)
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
]


def gb2312_hanzi() -> list[int]:
    """The 6,763 hanzi of GB2312 (levels 1 and 2), enumerated through Python's gb2312 codec."""
    found = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                found.append(ord(bytes([row, cell]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return found


def subset_noto(weight: str, hanzi: list[int]) -> Path:
    """Subset Noto Sans CJK SC ``weight`` to RANGES without the CJK block, plus ``hanzi``
    (code points); returns the written path."""
    src = NOTO / f"NotoSansCJK-{weight}.ttc"
    out = HERE / f"NotoSansCJKsc-{weight}-subset.otf"
    options = subset.Options()
    options.font_number = SC_INDEX
    options.layout_features = ["kern", "liga", "palt", "halt", "locl"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx"]
    font = subset.load_font(str(src), options)
    sub = subset.Subsetter(options)
    latin = [u for a, b in RANGES if a != 0x4E00 for u in range(a, b + 1)]
    sub.populate(unicodes=latin + hanzi)
    sub.subset(font)
    subset.save_font(font, str(out), options)
    return out


def subset_hangul(weight: str) -> Path:
    """Noto Sans CJK KR ``weight`` cut to the Hangul ranges; returns the written path."""
    out = HERE / f"NotoSansCJKkr-{weight}-hangul.otf"
    options = subset.Options()
    options.font_number = KR_INDEX
    options.layout_features = ["*"]  # jamo composition (ljmo/vjmo/tjmo) lives in GSUB
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["VORG", "vhea", "vmtx"]
    font = subset.load_font(str(NOTO / f"NotoSansCJK-{weight}.ttc"), options)
    sub = subset.Subsetter(options)
    sub.populate(unicodes=[u for a, b in HANGUL for u in range(a, b + 1)])
    sub.subset(font)
    subset.save_font(font, str(out), options)
    return out


def main() -> None:
    # Regular carries the whole block; Bold (titles) the GB2312 hanzi, and the font chain falls
    # back to Regular for the rare rest, which keeps the bundle near 16 MB.
    full = list(range(0x4E00, 0xA000))
    for weight, hanzi in (("Regular", full), ("Bold", gb2312_hanzi())):
        out = subset_noto(weight, hanzi)
        print(f"{out.name}: {out.stat().st_size / 1e6:.1f} MB")
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        shutil.copyfile(DEJAVU / name, HERE / name)
        print(f"{name}: copied")
    for weight in ("Regular", "Bold"):
        out = subset_hangul(weight)
        print(f"{out.name}: {out.stat().st_size / 1e6:.1f} MB")
    for name in RTL_FONTS:
        shutil.copyfile(NOTO_TTF / name, HERE / name)
        print(f"{name}: copied")


if __name__ == "__main__":
    main()
