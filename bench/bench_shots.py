"""Cost of one shot frame per kind at 1080x1920, beside its floor: one bare full-frame
cv2.warpAffine (bilinear) of a pre-scaled photo, the least any moving photo frame can cost.

Run: .venv/bin/python bench/bench_shots.py [PHOTO]   (prints; asserts nothing)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import cv2
import numpy as np

from promodesk.engines.visuals.photos import load_photo
from promodesk.engines.visuals.shots import KINDS, ShotRenderer

SIZE = (1080, 1920)
FRAMES = 60
COPY = {"title": "晨光意式浓缩杯", "text": "加厚骨瓷，保温更持久", "price": "¥99 / 两只装",
        "old_price": "¥159", "cta": "立即抢购", "colors": ["#7a2e1f", "#f3e6d3"]}


def per_frame_ms(render) -> float:
    """Median milliseconds of ``render(i)`` over :data:`FRAMES` frames (after one warm-up)."""
    render(0)
    times = []
    for i in range(FRAMES):
        start = time.perf_counter()
        render(i)
        times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times))


def main() -> None:
    default = Path("/work/shared/data/products/espresso-cup.png")
    photo = load_photo(sys.argv[1] if len(sys.argv) > 1 else default)
    source = cv2.resize(np.asarray(photo.convert("RGB")), (SIZE[1] * 3 // 2, SIZE[1]))

    def floor(i: int) -> np.ndarray:
        k = 0.95 + 0.0005 * i
        matrix = np.array([[k, 0.0, -10.3 - i * 0.37], [0.0, k, -7.1]])
        return cv2.warpAffine(source, matrix, SIZE, flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_REPLICATE)

    base = per_frame_ms(floor)
    print(f"threads: cv2 {cv2.getNumThreads()}; {SIZE[0]}x{SIZE[1]}, median of {FRAMES} frames")
    print(f"floor (one bare warp)        {base:6.2f} ms/frame   1.00x")
    for kind in KINDS:
        start = time.perf_counter()
        shot = ShotRenderer(dict(COPY, kind=kind), photo, SIZE, 4_000_000)
        setup = 1000 * (time.perf_counter() - start)
        # mid-shot frames: text entrances (first ~0.8 s) cost a little more, briefly
        ms = per_frame_ms(lambda i: shot.frame(1_000_000 + i * 33_333))
        print(f"{kind:8s} (setup {setup:5.0f} ms)    {ms:6.2f} ms/frame   {ms / base:4.2f}x")


if __name__ == "__main__":
    main()
