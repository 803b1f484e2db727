"""`promodesk make --visuals auto|motion|wan`: the video engine's clips in the made video, the
fallback to motion shots when the product changed, and the clear refusals without the model."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from promodesk.core.projectfile import load_project
from promodesk.core.timeline import TrackKind
from tests.e2e.media import probe
from tests.e2e.test_make import ROOT

PHOTO = ROOT / "resources" / "examples" / "products" / "espresso-cup.png"
COPY = "Fresh espresso every morning. Order now."


def make(tmp_path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `promodesk make` on a short one-photo brief with no models installed (empty model
    folders) and the CPU as the device, plus ``env``."""
    run_env = {**os.environ, "PROMODESK_MODELS": str(tmp_path / "no-models"),
               "HF_HOME": str(tmp_path / "no-hf"), "PROMODESK_DEVICE": "cpu", **(env or {})}
    return subprocess.run([sys.executable, "-m", "promodesk", "make", "--text", COPY,
                           "--image", str(PHOTO), "--seconds", "5", "--scale", "0.25",
                           "--aspect", "16:9", *args],
                          capture_output=True, text=True, env=run_env, timeout=600)


def notes(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("note:")]


def test_wan_without_its_model_names_the_download_and_writes_nothing(tmp_path):
    out = tmp_path / "promo.mp4"
    r = make(tmp_path, "--visuals", "wan", "-o", str(out))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    assert "promodesk models download wan2.2-ti2v-5b" in r.stderr
    assert not out.exists() and not (tmp_path / "promo.promodesk").exists()


def test_wan_with_a_folder_that_is_no_model_is_refused(tmp_path):
    r = make(tmp_path, "--visuals", "wan", "--video-model", str(tmp_path / "nothing-here"),
             "-o", str(tmp_path / "promo.mp4"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "nothing-here" in r.stderr and "promodesk models download" in r.stderr


def test_auto_without_the_model_makes_motion_shots_with_one_note(tmp_path):
    out = tmp_path / "promo.mp4"
    r = make(tmp_path, "--visuals", "auto", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert len(notes(r.stderr)) == 1, r.stderr
    assert "motion shots" in notes(r.stderr)[0] and "promodesk models download" in r.stderr
    project = load_project(tmp_path / "promo.promodesk")
    shots = project.tracks_of(TrackKind.VIDEO)[0].clips
    assert shots and all(len(c.takes) == 1 and c.recipe.engine == "shots" for c in shots)
    assert probe(out).frames > 0


def test_motion_says_nothing_about_video(tmp_path):
    r = make(tmp_path, "--visuals", "motion", "-o", str(tmp_path / "promo.mp4"))
    assert r.returncode == 0, r.stderr
    assert notes(r.stderr) == []
