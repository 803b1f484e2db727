"""Work of fitting long text into a caption at 1080x1920: measure calls and characters measured
(the figure; machine-independent) beside seconds, for the texts that hung or crawled when
fitting trimmed one character at a time (2,000 characters: 13 s; one 20,000-character word:
never finished).

Run: .venv/bin/python bench/bench_text_fit.py   (prints; asserts nothing)
"""

from __future__ import annotations

import time

from promodesk.engines.visuals import typeset as ts
from promodesk.render.captions import fit_caption

SIZE = (1080, 1920)
BUDGET_CALLS = 600  # a few size tries of two lines each, plus a binary search on the cut
TEXTS = {
    "word 20,000": "a" * 20_000,
    "copy en 2,000": ("Fresh roasted beans every single morning, delivered. " * 40)[:2000],
    "copy zh 2,000": ("每一个清晨，都值得一杯好咖啡。" * 140)[:2000],
    "copy ar 2,000": ("قهوة طازجة كل صباح، توصيل سريع. " * 70)[:2000],
    "caption zh": "晨光意式浓缩杯采用加厚骨瓷，保温更持久。",
}


def main() -> None:
    real = ts.text_width
    count = {"calls": 0, "chars": 0}

    def counted(text, size, weight="regular"):
        count["calls"] += 1
        count["chars"] += len(text)
        return real(text, size, weight)

    ts.text_width = counted
    print(f"{'text':<16}{'measures':>10}{'chars measured':>16}{'seconds':>9}  budget {BUDGET_CALLS} measures")
    for name, text in TEXTS.items():
        count.update(calls=0, chars=0)
        ts._text_width.cache_clear()
        start = time.perf_counter()
        lay = fit_caption(text, SIZE)
        took = time.perf_counter() - start
        flag = "ok" if count["calls"] <= BUDGET_CALLS else "OVER"
        print(f"{name:<16}{count['calls']:>10}{count['chars']:>16,}{took:>9.2f}  {flag}"
              f"  size {lay.size}px, {len(lay.lines)} lines{', cut' if lay.truncated else ''}")


if __name__ == "__main__":
    main()
