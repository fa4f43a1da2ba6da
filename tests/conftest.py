"""Shared fixtures: real DICOM material from pydicom-data and pydicom's own test files."""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pydicom
import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # UI tests never need a display


def pydicom_data_dir() -> Path:
    import data_store  # the import name of the pydicom-data distribution

    return Path(data_store.__file__).parent / "data"


def pydicom_test_files_dir() -> Path:
    return Path(pydicom.__file__).parent / "data" / "test_files"


@pytest.fixture(scope="session")
def chest_film_raw() -> Path:
    """A real CR chest film (MONOCHROME1), uncompressed."""
    return pydicom_data_dir() / "RG1_UNCR.dcm"


@pytest.fixture(scope="session")
def chest_film_j2k() -> Path:
    """The same chest film, JPEG 2000 lossless."""
    return pydicom_data_dir() / "RG1_J2KR.dcm"


@pytest.fixture(autouse=True)
def isolated_user_state(tmp_path, monkeypatch):
    """Every test starts with empty QSettings and an empty study cache, and never touches
    the user's own. Qt resolves the settings folder once per process, so XDG_CONFIG_HOME
    alone does not isolate tests from each other; QSettings.setPath does."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user-config"))  # saved PACS nodes
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "user-data"))  # saved reviews
    from PySide6.QtCore import QSettings

    for kind in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(kind, QSettings.Scope.UserScope, str(tmp_path / "user-settings"))


@pytest.fixture(scope="session")
def demo_study() -> Path:
    from knowmvg_viewer.resources import demo_study_dir

    return demo_study_dir()


# A KnowMVG small enough for fast tests (the real `tiny` is about 3M parameters).
TINY_TEST_ARCHITECTURE = dict(
    image_size=128,
    feature_dim=32,
    resnet_hidden_sizes=[8, 16, 24, 32],
    resnet_depths=[1, 1, 1, 1],
    lm={
        "hidden_size": 32,
        "intermediate_size": 64,
        "num_hidden_layers": 1,
        "num_attention_heads": 2,
        "num_key_value_heads": 2,
        "max_position_embeddings": 1024,
    },
    image_token_grid=4,
    decoder_layers=2,
    num_hypotheses=3,
)

ENGINE_TEST_REPORT = (
    "FINDINGS:\nThere is a small left pleural effusion. Patchy opacity in the right lower lobe. "
    "No pneumothorax. Heart size is normal.\nIMPRESSION: Left effusion."
)


@pytest.fixture(params=["demo", "rg1"])
def film_source(request, demo_study, chest_film_raw) -> Path:
    """The demo DX film and pydicom-data's real CR chest film (MONOCHROME1, 1841 x 1955):
    the sources the DICOM conformance tests write objects from."""
    return demo_study / "image.dcm" if request.param == "demo" else chest_film_raw


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    """A small random KnowMVG checkpoint (marked untrained) for engine and UI tests."""
    import torch

    from model_core.engine import UNTRAINED_MARKER
    from model_core.knowledge import KnowledgeBase
    from model_core.modeling.configuration import KnowMVGConfig
    from model_core.modeling.knowmvg import KnowMVGModel
    from model_core.text.tokenizer import ReportTokenizer

    directory = tmp_path_factory.mktemp("model")
    knowledge = KnowledgeBase.load()
    tokenizer = ReportTokenizer.train([ENGINE_TEST_REPORT] * 20, vocab_size=160)
    config = KnowMVGConfig.named(
        "tiny",
        vocab_size=tokenizer.vocab_size,
        max_report_tokens=480,
        region_ids=list(knowledge.region_ids),
        region_boxes=[list(r.box) for r in knowledge.regions],
        **TINY_TEST_ARCHITECTURE,
    )
    torch.manual_seed(0)
    KnowMVGModel(config).save_pretrained(directory, tokenizer)
    (directory / UNTRAINED_MARKER).write_text("random weights for tests\n")
    return directory


@pytest.fixture
def window(qtbot):
    """The viewer's main window, shown (offscreen) at 1200 x 800, with the bundled default
    model loading in the background."""
    from knowmvg_viewer.ui.main_window import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def open_in_window(window, qtbot, path, timeout_ms: int = 30_000) -> bool:
    """Open PATH in the viewer and wait for the worker to decode it: True when it is shown,
    False when it failed (with its message in `window.last_error`)."""
    with qtbot.waitSignal(window.load_finished, timeout=timeout_ms) as blocker:
        window.open_path(path)
    return bool(blocker.args[0])


def imported_modules(path: Path, root: Path = REPO_ROOT) -> set[str]:
    """Absolute names of every import in `path` (a module under `root`), relative ones
    ("from ..modeling import x") resolved; "from a import b" may import module a.b."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = list(path.relative_to(root).with_suffix("").parts)[:-1]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if node.module:
                names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names
