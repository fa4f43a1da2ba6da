"""Import contracts: the Qt-free layers never import Qt (napari-style split, checked by AST)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO_ROOT, imported_modules

# Folders or single modules. Everything but knowmvg_viewer/ui is headless.
QT_FREE = [
    "model_core",
    "knowmvg_viewer/study",
    "knowmvg_viewer/render",
    "knowmvg_viewer/export",
    "knowmvg_viewer/pacs",
    "knowmvg_viewer/findings.py",
    "knowmvg_viewer/session.py",
    "knowmvg_viewer/measurement.py",
    "knowmvg_viewer/resources.py",
    "knowmvg_viewer/user_folders.py",
    "knowmvg_viewer/limits.py",
    "knowmvg_viewer/review.py",
    "knowmvg_viewer/site_dataset.py",
    "knowmvg_viewer/site_models.py",
    "knowmvg_viewer/grounding.py",
    "knowmvg_viewer/cli.py",
    "knowmvg_viewer/_logging.py",
    "knowmvg_viewer/__init__.py",
]
QT_LAYER = ["knowmvg_viewer/ui"]  # the only modules that may import Qt
TORCH_FREE = [
    "knowmvg_viewer/study",
    "knowmvg_viewer/render",
    "knowmvg_viewer/ui",
    "knowmvg_viewer/pacs",
    "knowmvg_viewer/export",
    "knowmvg_viewer/findings.py",
    "knowmvg_viewer/session.py",
    "knowmvg_viewer/measurement.py",
    "knowmvg_viewer/resources.py",
    "knowmvg_viewer/user_folders.py",
    "knowmvg_viewer/limits.py",
    "knowmvg_viewer/review.py",
    "knowmvg_viewer/site_dataset.py",
    "knowmvg_viewer/site_models.py",
    "knowmvg_viewer/_logging.py",
    "knowmvg_viewer/__init__.py",
    "model_core/knowledge",
    "model_core/text",
    "model_core/results.py",
    "model_core/box_geometry.py",
    "model_core/midline.py",
    "model_core/phrase_selection.py",
    "model_core/calibration.py",
]
QT_MODULES = {"PySide6", "PyQt5", "PyQt6", "qtpy", "qtawesome", "shiboken6"}
TORCH_MODULES = {
    "torch",
    "transformers",
    "model_core.modeling",
    "model_core.engine",
    "model_core.inputs",
    "model_core.decoding",
    "model_core.postprocess",
    "model_core.train",
    "model_core.warm_start",
    "model_core.finetune",
}
# The command line grounds in-process, so it may load the engine; nothing else in the viewer.
ENGINE_USERS = ["knowmvg_viewer/grounding.py", "knowmvg_viewer/cli.py"]
# The one worker module owns the engine and imports it lazily, off the GUI thread; the
# fine-tune job it runs (site_models.fine_tune_from_reviews) imports the trainer lazily too,
# so Settings can list the installed models without torch.
ALLOWED = {
    ("knowmvg_viewer/ui/worker.py", "model_core.engine"),
    ("knowmvg_viewer/ui/worker.py", "model_core.finetune"),
    ("knowmvg_viewer/site_models.py", "model_core.finetune"),
}


def _modules(entry: str) -> list[Path]:
    path = REPO_ROOT / entry
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def _violations(folders: list[str], forbidden: set[str]) -> list[str]:
    found = []
    for folder in folders:
        for path in _modules(folder):
            relative = path.relative_to(REPO_ROOT).as_posix()
            bad = {
                name
                for name in imported_modules(path, REPO_ROOT)
                if _under(name, forbidden)
                and not _under(name, {m for f, m in ALLOWED if f == relative})
            }
            # one line per import: "PySide6.QtCore", not also "PySide6.QtCore.QObject"
            found += [f"{relative} imports {n}" for n in sorted(bad) if not _under(n, bad - {n})]
    return found


def _under(name: str, modules: set[str]) -> bool:
    return any(name == m or name.startswith(m + ".") for m in modules)


@pytest.mark.parametrize(
    ("folders", "forbidden"), [(QT_FREE, QT_MODULES), (TORCH_FREE, TORCH_MODULES)]
)
def test_layers_do_not_import_forbidden_modules(folders, forbidden):
    assert _violations(folders, forbidden) == []


def test_every_module_is_in_a_layer():
    """A new module cannot slip past the contracts: each one in the viewer is either Qt-free
    or in the Qt layer, and either torch-free or a command-line engine user."""
    every = {p for p in _modules("knowmvg_viewer")} | {p for p in _modules("model_core")}
    qt = {p for entry in QT_FREE + QT_LAYER for p in _modules(entry)}
    assert sorted(str(p.relative_to(REPO_ROOT)) for p in every - qt) == []
    viewer = set(_modules("knowmvg_viewer"))
    torch_free = {p for entry in TORCH_FREE + ENGINE_USERS for p in _modules(entry)}
    assert sorted(str(p.relative_to(REPO_ROOT)) for p in viewer - torch_free) == []


def test_contract_checker_catches_a_violation(tmp_path, monkeypatch):
    fake = tmp_path / "pkg"
    fake.mkdir()
    (fake / "bad.py").write_text(
        "from PySide6.QtCore import QObject\nimport torch.nn\nfrom ..model_core import engine\n"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["REPO_ROOT"]), "REPO_ROOT", tmp_path)
    assert _violations(["pkg"], QT_MODULES) == ["pkg/bad.py imports PySide6.QtCore"]
    assert _violations(["pkg/bad.py"], TORCH_MODULES) == [
        "pkg/bad.py imports model_core.engine",
        "pkg/bad.py imports torch.nn",
    ]


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
