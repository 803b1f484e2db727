"""Long names that are legal: a 250-byte video name renders (its temp files get shortened
names), while one byte too many is refused before any work."""

from __future__ import annotations

from tests.reliability.harness import leftovers, run_in_process
from tests.reliability.material import tiny_project


def test_a_250_byte_name_renders_and_256_is_refused_first(tmp_path):
    folder = tiny_project(tmp_path / "p.promodesk")
    ok = tmp_path / ("v" * 246 + ".mp4")
    r = run_in_process(["render", str(folder), "-o", str(ok), "--encoder", "libx264"])
    assert r.code == 0, r.stderr
    assert ok.is_file() and ok.with_suffix(".srt").is_file() and not leftovers(tmp_path)
    too_long = tmp_path / ("w" * 252 + ".mp4")
    r = run_in_process(["render", str(folder), "-o", str(too_long), "--encoder", "libx264"])
    assert r.code == 2 and "255" in r.stderr and "Traceback" not in r.stderr
    assert "mixing" not in r.stderr  # refused before the render started
