"""Import contracts: the Qt-free layers never import Qt (napari-style split, checked by AST)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO_ROOT

QT_FREE = [
    "model_core",
    "knowmvg_viewer/study",
    "knowmvg_viewer/render",
    "knowmvg_viewer/export",
    "knowmvg_viewer/pacs",
]
TORCH_FREE = [
    "knowmvg_viewer/study",
    "knowmvg_viewer/render",
    "knowmvg_viewer/ui",
    "knowmvg_viewer/pacs",
]
QT_MODULES = {"PySide6", "PyQt5", "PyQt6", "qtpy", "qtawesome", "shiboken6"}
TORCH_MODULES = {"torch", "transformers", "model_core.modeling"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(folders: list[str], forbidden: set[str]) -> list[str]:
    found = []
    for folder in folders:
        for path in sorted((REPO_ROOT / folder).rglob("*.py")):
            for name in _imports(path):
                if any(name == f or name.startswith(f + ".") for f in forbidden):
                    found.append(f"{path.relative_to(REPO_ROOT)} imports {name}")
    return found


@pytest.mark.parametrize(
    ("folders", "forbidden"), [(QT_FREE, QT_MODULES), (TORCH_FREE, TORCH_MODULES)]
)
def test_layers_do_not_import_forbidden_modules(folders, forbidden):
    assert _violations(folders, forbidden) == []


def test_contract_checker_catches_a_violation(tmp_path, monkeypatch):
    fake = tmp_path / "pkg"
    fake.mkdir()
    (fake / "bad.py").write_text("from PySide6.QtCore import QObject\nimport torch.nn\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["REPO_ROOT"]), "REPO_ROOT", tmp_path)
    assert _violations(["pkg"], QT_MODULES) == ["pkg/bad.py imports PySide6.QtCore"]
    assert _violations(["pkg"], TORCH_MODULES) == ["pkg/bad.py imports torch.nn"]


def test_the_viewer_starts_without_importing_torch():
    """torch loads in the grounding worker, after the window is up, not before first paint."""
    code = (
        "import sys, knowmvg_viewer.ui.app, knowmvg_viewer.ui.main_window;"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert out.stdout.strip() == "[]"
