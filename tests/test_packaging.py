"""The installer's spec, checked without building (a build takes minutes: packaging/build.sh).

The spec keeps what it bundles and leaves out in literal lists at module level; these tests read
them with ``ast`` and check them against the repository."""

from __future__ import annotations

import ast
import configparser
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "promodesk.spec"
MODEL_LIBRARIES = {"torch", "transformers", "diffusers", "accelerate", "safetensors",
                   "huggingface_hub"}


def spec_tree() -> ast.Module:
    return ast.parse(SPEC.read_text(encoding="utf-8"), filename=str(SPEC))


def spec_literal(name: str):
    """The value of the spec's module-level ``NAME = <literal>``."""
    for node in spec_tree().body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{SPEC.name} has no literal {name}")


def bundled_files() -> list[Path]:
    """The resource files the spec's resource_datas() collects (same rule, without PyInstaller)."""
    leave_out = set(spec_literal("LEAVE_OUT_SUFFIXES"))
    return [p for d in spec_literal("RESOURCE_DIRS") for p in sorted((ROOT / d).rglob("*"))
            if p.is_file() and p.suffix not in leave_out and "__pycache__" not in p.parts]


def test_spec_parses_and_builds_the_cli_entry_point():
    tree = spec_tree()
    calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert {"Analysis", "PYZ", "EXE", "COLLECT", "BUNDLE"} <= calls
    names = [kw.value.value for n in ast.walk(tree) if isinstance(n, ast.Call)
             and getattr(n.func, "id", "") in ("EXE", "COLLECT")
             for kw in n.keywords if kw.arg == "name"]
    assert names.count("PromoDesk") == 2  # the executable and the folder
    entry = ROOT / spec_literal("ENTRY")
    source = entry.read_text(encoding="utf-8")
    assert "from promodesk.cli import main" in source and "freeze_support()" in source
    assert source.index("freeze_support()") < source.index("from promodesk.cli import main")


def test_every_bundled_path_exists():
    for folder in spec_literal("RESOURCE_DIRS"):
        assert (ROOT / folder).is_dir(), folder
    for path in (spec_literal("ENTRY"), spec_literal("ICON")):
        assert (ROOT / path).is_file(), path


def test_bundled_resources_carry_their_licences():
    files = {p.relative_to(ROOT).as_posix() for p in bundled_files()}
    for needed in ["resources/fonts/LICENSE-DejaVu.txt", "resources/fonts/OFL.txt",
                   "resources/soundfonts/LICENSE-MuseScore_General.md",
                   "resources/examples/LICENSES.md"]:
        assert needed in files, needed
    fonts = [f for f in files if f.endswith((".ttf", ".otf"))]
    soundfonts = [f for f in files if f.endswith((".sf2", ".sf3"))]
    briefs = [f for f in files if f.startswith("resources/examples/briefs/")]
    assert fonts and soundfonts and briefs
    # Each brief's photos are bundled too, so the examples work from the installed app.
    for brief in briefs:
        text = (ROOT / brief).read_text(encoding="utf-8")
        images = ast.literal_eval(text.split("images =", 1)[1].split("\n", 1)[0].strip())
        for image in images:
            photo = ((ROOT / brief).parent / image).resolve().relative_to(ROOT).as_posix()
            assert photo in files, (brief, photo)
    assert not any(f.endswith(".py") for f in files)


def test_the_code_finds_resources_where_the_spec_puts_them():
    """Modules locate resources as Path(__file__).resolve().parents[2] / "resources"; frozen,
    __file__ is _MEIPASS/promodesk/<layer>/<module>.pyc, so the spec must put them in
    _MEIPASS/resources, i.e. keep their repository-relative folders."""
    from promodesk.app.run import EXAMPLE_BRIEF
    from promodesk.engines.music.synth import SOUNDFONT
    from promodesk.engines.visuals.typeset import FONT_DIR

    bundled = {p.relative_to(ROOT).as_posix() for p in bundled_files()}
    for path in (EXAMPLE_BRIEF, SOUNDFONT):
        assert path.relative_to(ROOT).as_posix() in bundled
    assert any(f.startswith(FONT_DIR.relative_to(ROOT).as_posix() + "/") for f in bundled)


def test_model_libraries_are_left_out():
    excluded = set(spec_literal("MODEL_LIBRARIES")) | set(spec_literal("CPU_EDITION_LEAVES_OUT"))
    assert MODEL_LIBRARIES <= excluded
    # What the CPU edition needs must not be excluded by mistake.
    for needed in ("PySide6", "pyqtgraph", "numpy", "PIL", "cv2", "soundfile", "sounddevice",
                   "tinysoundfont", "pedalboard", "pyloudnorm", "scipy", "fontTools",
                   "imageio_ffmpeg", "platformdirs"):
        assert needed not in excluded


def test_librosa_is_left_out_only_because_the_cpu_path_does_not_import_it():
    """librosa (and numba/llvmlite) are left out of the CPU edition; that is only right while no
    module outside the model engines imports it."""
    excluded = set(spec_literal("CPU_EDITION_LEAVES_OUT"))
    if "librosa" not in excluded:
        pytest.skip("librosa is bundled")
    model_engines = {"engines/music/musicgen.py", "engines/music/acestep.py",
                     "engines/music/modelaudio.py", "engines/voice/bark.py",
                     "engines/visuals/diffusion.py"}
    imports = re.compile(r"^\s*(import|from)\s+(librosa|numba)\b", re.M)
    users = [p for p in (ROOT / "promodesk").rglob("*.py")
             if p.relative_to(ROOT / "promodesk").as_posix() not in model_engines and imports.search(p.read_text(encoding="utf-8"))]
    assert users == []


def test_desktop_entry_is_valid():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "packaging" / "promodesk.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application" and section["Name"] == "PromoDesk"
    assert section["Exec"] and section["Icon"] == "promodesk"
    from PIL import Image

    with Image.open(ROOT / "packaging" / "promodesk.png") as icon:
        assert icon.size == (256, 256) and icon.mode == "RGBA"


def test_scripts_are_valid():
    for script in ("build.sh", "install-linux.sh"):
        shell = "bash" if script == "build.sh" else "sh"
        subprocess.run([shell, "-n", str(ROOT / "packaging" / script)], check=True)
    for script in ("smoke_test.py", "launch.py", "make_icon.py"):
        compile((ROOT / "packaging" / script).read_text(encoding="utf-8"), script, "exec")


def test_windows_installer_script_matches_the_spec():
    """promodesk.iss (built only on Windows) installs the spec's folder, at the package's version."""
    from promodesk import __version__

    iss = (ROOT / "packaging" / "promodesk.iss").read_text(encoding="utf-8")
    assert f'#define AppVersion "{__version__}"' in iss
    assert 'Source: "..\\dist\\PromoDesk\\*"' in iss
    assert 'Filename: "{app}\\PromoDesk.exe"' in iss
    assert '"promodesk-cli"' in SPEC.read_text(encoding="utf-8")
