"""`promodesk make` on copy too long for --seconds prints one note line saying what was left out
and the length that reads all of it; copy that only fits read faster says how much faster; copy
that fits gets no note. The video is the length asked for."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import av

from promodesk.core.brief import Brief
from promodesk.core.musicspec import spec_from_text
from promodesk.core.plan import plan_video

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "resources" / "examples" / "briefs" / "espresso-zh.toml"


def long_copy() -> str:
    """The example brief's copy three times over: about 70 s at a comfortable pace."""
    return " ".join([tomllib.loads(EXAMPLE.read_text("utf-8"))["text"]] * 3)


def notes_for(text: str, seconds: int) -> list[str]:
    brief = Brief(text=text, seconds=seconds)
    return plan_video(brief, spec_from_text(text, seconds, seed=1), seed=1).notes


def test_one_note_says_what_was_cut_or_squeezed():
    text = long_copy()
    cut = notes_for(text, 8)
    assert len(cut) == 1 and cut[0].startswith("The copy is too long for 8 s: ")
    assert "sentence(s)" in cut[0] and "were left out" in cut[0]
    needed = int(cut[0].split("about ")[1].split(" s")[0])
    assert 20 < needed <= 180
    # the same copy in the length the note asks for: nothing cut and no note
    assert notes_for(text, needed) == []
    # a little short of it: nothing cut, read faster, said so
    squeezed = notes_for(text, round(needed * 0.8))
    assert len(squeezed) == 1 and "faster than comfortable" in squeezed[0]
    assert "left out" not in squeezed[0]
    # more copy than the longest video holds
    huge = notes_for(" ".join(f"Feature {i} matters a great deal to every one of our customers."
                              for i in range(150)), 180)
    assert len(huge) == 1 and "even 180 s, the longest" in huge[0]


def test_make_prints_the_note_line(tmp_path):
    out = tmp_path / "long.mp4"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "promodesk", "make", "--text", long_copy(),
                          "--seconds", "6", "--scale", "0.1", "--aspect", "1:1", "-o", str(out)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    notes = [line for line in run.stderr.splitlines() if line.startswith("note: The copy")]
    assert len(notes) == 1, run.stderr  # one line about the length (others say other things)
    assert "too long for 6 s" in notes[0] and "were left out" in notes[0]
    assert "make the video about" in notes[0]
    with av.open(str(out)) as video:
        seconds = float(video.duration) / av.time_base
    assert abs(seconds - 6) < 0.1
