"""Find the bundled `resources/` folder in every way the code runs (checkout, wheel, bundle).

Lives in model_core so the engine can find its knowledge base and default model
without importing the application; `knowmvg_viewer.resources` re-exports it.
"""

from __future__ import annotations

import sys
from importlib import resources as importlib_resources
from pathlib import Path

_MARKER = "demo"
DEFAULT_MODEL = "knowmvg-tiny"


def resources_dir() -> Path:
    """The folder holding the demo studies, knowledge base, models and icons.

    Order: a PyInstaller bundle (`sys._MEIPASS/resources`), a source checkout
    (`<repo>/resources`), then an installed wheel (`knowmvg_viewer/_resources`).
    """
    bundle_root = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle_root:
        return Path(bundle_root) / "resources"
    checkout = Path(__file__).resolve().parent.parent / "resources"
    if (checkout / _MARKER).is_dir():
        return checkout
    installed = _installed_resources()
    if installed is not None and (installed / _MARKER).is_dir():
        return installed
    raise FileNotFoundError(
        f"resources folder not found (looked in {checkout} and the installed "
        "knowmvg_viewer package); reinstall the package"
    )


def _installed_resources() -> Path | None:
    try:
        return Path(str(importlib_resources.files("knowmvg_viewer") / "_resources"))
    except ModuleNotFoundError:
        return None


def default_model_dir() -> Path:
    """The bundled default model (torch-free, so the viewer's settings can list it)."""
    return resources_dir() / "models" / DEFAULT_MODEL
