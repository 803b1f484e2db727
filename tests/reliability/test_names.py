"""Long names that are legal: a video name whose longest companion (OUT.licences.json) still
fits in 255 bytes renders (its temp files get shortened names), while one byte more is refused
before any work."""

from __future__ import annotations

from tests.reliability.harness import leftovers, run_in_process
from tests.reliability.material import tiny_project


def test_the_longest_legal_name_renders_and_one_more_byte_is_refused_first(tmp_path):
    folder = tiny_project(tmp_path / "p.promodesk")
    ok = tmp_path / ("v" * 241 + ".mp4")  # v*241 + ".licences.json": 255 bytes
    r = run_in_process(["render", str(folder), "-o", str(ok), "--encoder", "libx264"])
    assert r.code == 0, r.stderr
    assert ok.is_file() and ok.with_suffix(".srt").is_file() and not leftovers(tmp_path)
    too_long = tmp_path / ("w" * 242 + ".mp4")
    r = run_in_process(["render", str(folder), "-o", str(too_long), "--encoder", "libx264"])
    assert r.code == 2 and "255" in r.stderr and "Traceback" not in r.stderr
    assert "mixing" not in r.stderr  # refused before the render started
