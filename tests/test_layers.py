"""The house rules of DESIGN.md: arrows point down only, and heavy libraries load lazily."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "promodesk"
QT = {"PySide6", "PyQt5", "PyQt6", "shiboken6", "pyqtgraph"}
HEAVY = {"torch", "transformers", "diffusers", "accelerate"}


def imports(path: Path, top_level_only: bool) -> list[tuple[int, str]]:
    """(line, top package) of every import in ``path``; with ``top_level_only`` just those that
    run when the module is imported (module body, including if/try blocks, not functions)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import) and not (top_level_only and in_function):
                found.extend((child.lineno, a.name.split(".")[0]) for a in child.names)
            elif isinstance(child, ast.ImportFrom) and child.module and child.level == 0 \
                    and not (top_level_only and in_function):
                found.append((child.lineno, child.module.split(".")[0]))
            visit(child, inner)

    visit(tree, False)
    return found


def modules(*layers: str) -> list[Path]:
    roots = [PACKAGE / layer for layer in layers] if layers else [PACKAGE]
    return sorted(p for root in roots for p in root.rglob("*.py"))


@pytest.mark.parametrize("path", modules("core", "engines", "render"),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_qt_below_app(path):
    bad = [(line, mod) for line, mod in imports(path, top_level_only=False) if mod in QT]
    assert not bad, f"{path.name} imports Qt at lines {bad}; only promodesk/app may"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_heavy_import_at_module_top_level(path):
    bad = [(line, mod) for line, mod in imports(path, top_level_only=True) if mod in HEAVY]
    assert not bad, f"{path.name} imports {bad} at module level; import inside the engine"


@pytest.mark.parametrize("path", modules("core", "engines", "render"),
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_nothing_imports_app(path):
    tree = ast.parse(path.read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            assert not node.module.startswith("promodesk.app"), f"{path.name} imports the app layer"


def test_the_checker_sees_hidden_imports(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("try:\n    import torch\nexcept ImportError:\n    pass\n"
                 "def g():\n    from PySide6 import QtCore\n")
    assert (2, "torch") in imports(f, top_level_only=True)
    assert (6, "PySide6") not in imports(f, top_level_only=True)
    assert (6, "PySide6") in imports(f, top_level_only=False)


def test_importing_the_model_loads_no_qt_and_no_torch():
    code = ("import sys, promodesk.core.timeline, promodesk.core.edits, promodesk.core.projectfile, "
            "promodesk.core.brief, promodesk.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            f"{sorted(QT | HEAVY)!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
