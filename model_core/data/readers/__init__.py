"""Readers for the real grounding formats (DESIGN section 5): MS-CXR, NIH ChestX-ray8,
uMedGround/MedRPG splits and our JSONL.

Every reader gives `annotations()` (boxes and text from the annotation files alone, enough
to score predictions) and `samples()` (`GroundingSample`s with their images loaded lazily).
Problems with single samples, boxes or lines are logged once each and collected in the
reader's `ProblemLog`; problems that stop the whole dataset raise `DatasetError`.
"""

from __future__ import annotations

from pathlib import Path

from .base import (
    Annotation,
    AnnotationReader,
    DatasetError,
    Problem,
    ProblemLog,
    clip_box,
    find_span,
    phrase_key,
)
from .images import ImageReadError, image_size, load_grayscale
from .jsonl import JsonlReader
from .ms_cxr import MsCxrReader
from .nih import NihReader
from .restricted_pickle import load_restricted
from .umedground import UMedGroundReader

READERS: dict[str, type[MsCxrReader | NihReader | UMedGroundReader | JsonlReader]] = {
    "ms-cxr": MsCxrReader,
    "nih": NihReader,
    "umedground": UMedGroundReader,
    "jsonl": JsonlReader,
}
DATASETS = tuple(READERS)


def open_dataset(
    name: str, root: Path | str, split: str | None = None, problems: ProblemLog | None = None
) -> AnnotationReader:
    """The reader for dataset `name` (one of DATASETS) at `root` (a file or its folder)."""
    if name not in READERS:
        raise ValueError(f"unknown dataset {name!r}; choose {', '.join(DATASETS)}")
    root = Path(root)
    if not root.exists():
        raise DatasetError(f"{root}: no such file or folder")
    return READERS[name].from_root(root, split, problems if problems is not None else ProblemLog())


__all__ = [
    "DATASETS",
    "Annotation",
    "AnnotationReader",
    "DatasetError",
    "ImageReadError",
    "JsonlReader",
    "MsCxrReader",
    "NihReader",
    "Problem",
    "ProblemLog",
    "UMedGroundReader",
    "clip_box",
    "find_span",
    "image_size",
    "load_grayscale",
    "load_restricted",
    "open_dataset",
    "phrase_key",
]
