"""Bundled resources for the application (the locator itself lives in model_core)."""

from __future__ import annotations

from pathlib import Path

from model_core.resources import resources_dir

__all__ = ["demo_study_dir", "resources_dir"]


def demo_study_dir() -> Path:
    """The bundled demo chest study (a DICOM image and its report)."""
    return resources_dir() / "demo" / "chest-pa-001"
