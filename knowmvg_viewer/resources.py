"""Find the bundled `resources/` folder in every way the application runs."""

from __future__ import annotations

import sys
from importlib import resources as importlib_resources
from pathlib import Path

_MARKER = "demo"


def resources_dir() -> Path:
    """Return the folder holding the demo studies, knowledge base, models and icons.

    Order: a PyInstaller bundle (`sys._MEIPASS/resources`), a source checkout
    (`<repo>/resources`), then an installed wheel (`knowmvg_viewer/_resources`).
    """
    bundle_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_root:
        return Path(bundle_root) / "resources"
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if (checkout / _MARKER).is_dir():
        return checkout
    installed = Path(str(importlib_resources.files("knowmvg_viewer") / "_resources"))
    if (installed / _MARKER).is_dir():
        return installed
    raise FileNotFoundError(
        f"resources folder not found (looked in {checkout} and {installed}); reinstall the package"
    )


def demo_study_dir() -> Path:
    """The bundled demo chest study (a DICOM image and its report)."""
    return resources_dir() / "demo" / "chest-pa-001"
