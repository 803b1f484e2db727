"""kill -9 during project saves (50) and during ``promodesk make`` (at least 30 of 31 runs): the
project opens afterwards in its old or new state, never damaged, and no temp file is left after
that open."""

from __future__ import annotations

import pytest

from tests.reliability.kills import make_kills, save_kills


@pytest.mark.timeout(300)
def test_kill_during_saves(tmp_path):
    report = save_kills(tmp_path, 50)
    print(f"\n{report.kills} kills during saves")
    assert report.kills == 50
    assert report.damaged == []
    assert report.left == []


@pytest.mark.timeout(600)
def test_kill_during_make(tmp_path):
    report = make_kills(tmp_path, 31)
    print(f"\n{report.kills} kills during make by stage: {report.stages}")
    assert report.kills + report.finished_first == 31
    assert report.kills >= 30, report.stages  # the moments must fall inside the run
    assert report.damaged == []
    assert report.left == []
