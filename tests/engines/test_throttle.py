"""The one progress rate rule (engines.base.throttle) on a clock the test moves by hand."""

from __future__ import annotations

from promodesk.engines.base import throttle


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_at_most_one_report_per_interval_and_always_the_last():
    clock, seen = Clock(), []
    report = throttle(lambda f, m: seen.append((f, m)), every_s=0.05, clock=clock)
    for i in range(100):  # 100 reports in 0.099 s: the first, one per 50 ms, and the last
        report(i / 99, "working")
        clock.now += 0.001
    assert [f for f, _ in seen] == [0.0, 50 / 99, 1.0]
    report(1.5, "beyond")  # clamped
    assert seen[-1] == (1.0, "beyond")


def test_terminal_logs_every_tenth_and_every_new_stage():
    clock, seen = Clock(), []
    report = throttle(lambda f, m: seen.append(f"{f:.2f} {m}"), every_fraction=0.1,
                      new_stages=True, clock=clock)
    for i in range(51):
        report(i / 100, "composing: bar" if i < 30 else "mastering: pass")
    assert seen == ["0.00 composing: bar", "0.10 composing: bar", "0.20 composing: bar",
                    "0.30 mastering: pass", "0.40 mastering: pass", "0.50 mastering: pass"]
