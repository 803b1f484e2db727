"""The command line: version, help, brief check (exit 0 / 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import promodesk

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples" / "briefs"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "promodesk", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_version_and_help():
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"PromoDesk {promodesk.__version__}"
    r = run("--help")
    assert r.returncode == 0 and "brief" in r.stdout


def test_brief_check_ok():
    r = run("brief", "check", str(EXAMPLES / "espresso-zh.toml"))
    assert r.returncode == 0, r.stderr
    assert "OK" in r.stdout and "晨光意式浓缩杯" in r.stdout and "espresso-cup.png" in r.stdout
    assert "两只装仅需99元" in r.stdout


def test_brief_check_problems_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('text = ""\naspect = "4:3"\nimages = ["gone.png"]\n')
    r = run("brief", "check", str(bad))
    assert r.returncode == 2
    assert "3 problem(s)" in r.stderr and "gone.png" in r.stderr and "Traceback" not in r.stderr


def test_brief_check_missing_file(tmp_path):
    r = run("brief", "check", str(tmp_path / "nope.toml"))
    assert r.returncode == 2 and "cannot read the brief" in r.stderr and "Traceback" not in r.stderr
