"""The battery of bad inputs and faults (tests/reliability/cases.py), one test each: the exit
code from the table, a message naming the file or field, no traceback, inputs and existing
projects byte-identical afterwards, and no temp file left."""

from __future__ import annotations

import pytest

from tests.reliability.cases import CASES
from tests.reliability.harness import judge


@pytest.mark.timeout(180)
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_case(case_id, tmp_path):
    _, build = CASES[case_id]
    run = build(tmp_path)
    result, verdict = judge(run, tmp_path)
    assert verdict.ok, (f"{case_id}: {verdict.problems} lost={verdict.lost} left={verdict.left} "
                        f"hung={verdict.hung}\n--- stderr ---\n{result.stderr[-3000:]}")


def test_the_battery_is_large_enough():
    assert len(CASES) >= 80
