"""Draw PromoDesk's application icon (packaging/promodesk.png, 256x256 RGBA) with Pillow.

A rounded dark tile with a play triangle above three timeline clips. The PNG is committed;
run this again only to change the design:

    .venv/bin/python packaging/make_icon.py
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
ICON = Path(__file__).resolve().parent / "promodesk.png"


def draw_icon(size: int = SIZE) -> Image.Image:
    """The icon at ``size`` x ``size`` pixels (drawn 4x larger, then downsampled for smooth edges)."""
    s = size * 4
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((8, 8, s - 8, s - 8), radius=s // 5, fill=(32, 30, 38, 255))
    # Play triangle: the finished video.
    cx, cy, r = s * 0.5, s * 0.40, s * 0.22
    d.polygon([(cx - r * 0.75, cy - r), (cx - r * 0.75, cy + r), (cx + r, cy)],
              fill=(243, 230, 211, 255))
    # Timeline clips: music, shots, captions.
    y, h, gap = s * 0.72, s * 0.07, s * 0.035
    for row, (colour, spans) in enumerate([
            ((122, 46, 31, 255), [(0.14, 0.52), (0.56, 0.86)]),
            ((214, 140, 69, 255), [(0.14, 0.34), (0.38, 0.62), (0.66, 0.86)]),
            ((120, 170, 200, 255), [(0.14, 0.86)])]):
        top = y + row * (h + gap) - h
        for a, b in spans:
            d.rounded_rectangle((s * a, top, s * b, top + h), radius=h // 3, fill=colour)
    return img.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    draw_icon().save(ICON)
    print(f"wrote {ICON}")
