"""Shared fixtures: real DICOM material from pydicom-data and pydicom's own test files."""

from __future__ import annotations

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


@pytest.fixture(scope="session")
def demo_study() -> Path:
    from knowmvg_viewer.resources import demo_study_dir

    return demo_study_dir()
