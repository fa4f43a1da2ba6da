"""uMedGround / MedRPG curated splits: a pickled dict of parallel lists.

Keys `image_paths, all_reports, phrases, bboxes` (as uMedGround's `MS_CXR_S_test.pth`,
written by torch.save): entry i is one image path (relative to the image folder), its report
(a string or a list of sentences, joined by spaces), a phrase or a list of phrases, and one
(x, y, w, h) box or a list of them, in pixels of the image resized to 640 x 640. A single
phrase takes all the entry's boxes; a list of phrases pairs with the boxes one to one.

Boxes are moved to the original image's pixels with its real size (read from the image
header), so the images must be present even to score predictions. The files are loaded with
a restricted unpickler, never plain pickle.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ...box_geometry import box_xywh_to_xyxy_np
from ..samples import PhraseAnnotation
from .base import (
    Annotation,
    AnnotationReader,
    DatasetError,
    ProblemLog,
    checked_phrase,
    find_span,
)
from .images import ImageReadError, image_size
from .restricted_pickle import load_restricted

KEYS = ("image_paths", "all_reports", "phrases", "bboxes")
RESIZED = 640
SPLIT_SUFFIXES = (".pth", ".pkl", ".pickle")


@dataclass
class UMedGroundReader(AnnotationReader):
    """split_file: the pickled dict; image_root: the folder its image paths are relative to."""

    split_file: Path
    image_root: Path
    problems: ProblemLog = field(default_factory=ProblemLog)

    @classmethod
    def from_root(cls, root: Path, split: str | None, problems: ProblemLog) -> UMedGroundReader:
        """root: a split file, or the folder holding the images and `*_<split>.pth` files."""
        root = Path(root)
        if not root.is_dir():
            if split is not None:
                raise DatasetError(f"{root}: --split needs a folder holding the split files")
            return cls(root, root.parent, problems)
        if split is None:
            raise DatasetError(f"{root}: a folder needs --split (or pass the split file)")
        return cls(_find_split_file(root, split), root, problems)

    @property
    def source(self) -> Path:
        return self.split_file

    def annotations(self) -> Iterator[Annotation]:
        columns = self._columns()
        for index, entry in enumerate(zip(*columns, strict=True)):
            annotation = self._annotation(index, *entry)
            if annotation is not None:
                yield annotation

    def _columns(self) -> list[list]:
        try:
            data = load_restricted(self.split_file)
        except ValueError as exc:
            raise DatasetError(str(exc)) from None
        if not isinstance(data, dict) or any(key not in data for key in KEYS):
            found = ", ".join(map(str, data)) if isinstance(data, dict) else type(data).__name__
            raise DatasetError(
                f"{self.split_file}: expected a dict with keys {', '.join(KEYS)}, found {found}"
            )
        if not all(isinstance(data[key], list | tuple) for key in KEYS):
            raise DatasetError(f"{self.split_file}: {', '.join(KEYS)} must all be lists")
        lengths = {key: len(data[key]) for key in KEYS}
        if len(set(lengths.values())) != 1:
            raise DatasetError(f"{self.split_file}: lists of different lengths {lengths}")
        return [list(data[key]) for key in KEYS]

    def _annotation(
        self, index: int, image: object, report: object, phrases: object, boxes: object
    ) -> Annotation | None:
        """Entry `index` of the parallel lists, its boxes in the original image's pixels."""
        where = f"{self.split_file}[{index}]"
        image_path = self.image_root / str(image)
        try:
            size = image_size(image_path)
        except ImageReadError as exc:
            self.problems.dropped(str(image_path), f"{exc.reason}; sample skipped")
            return None
        report_text = " ".join(report) if isinstance(report, list | tuple) else str(report)
        pairs = self._pairs(phrases, boxes, where)
        scale = np.array([size[0], size[1], size[0], size[1]], np.float64) / RESIZED
        kept = []
        for text, rows in pairs:
            xyxy = (box_xywh_to_xyxy_np(rows) * scale).tolist()
            phrase = PhraseAnnotation(text, find_span(report_text, text), xyxy)
            checked = checked_phrase(phrase, size, where, self.problems)
            if checked is not None:
                kept.append(checked)
        if not kept:
            return None
        return Annotation(str(image), image_path, report_text, kept, size, where)

    def _pairs(self, phrases: object, boxes: object, where: str) -> list[tuple[str, np.ndarray]]:
        """(phrase, its (k, 4) xywh boxes): one phrase takes every box, a list pairs 1:1."""
        try:
            rows = np.asarray(boxes, np.float64).reshape(-1, 4)
        except (ValueError, TypeError):
            self.problems.dropped(where, f"boxes are not (x, y, w, h) quadruples: {boxes!r}")
            return []
        if isinstance(phrases, str):
            return [(phrases, rows)]
        if not isinstance(phrases, list | tuple):
            self.problems.dropped(where, f"phrases is neither a string nor a list: {phrases!r}")
            return []
        texts = [str(p) for p in phrases]
        if len(texts) != len(rows):
            self.problems.dropped(where, f"{len(texts)} phrases but {len(rows)} boxes; skipped")
            return []
        return [(text, row[None]) for text, row in zip(texts, rows, strict=True)]


def _find_split_file(folder: Path, split: str) -> Path:
    candidates = sorted(
        p
        for p in folder.iterdir()
        if p.suffix in SPLIT_SUFFIXES and (p.stem == split or p.stem.endswith(f"_{split}"))
    )
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise DatasetError(
            f"{folder}: expected one *_{split}.pth/.pkl split file, found {found}; "
            "pass the split file itself as --root"
        )
    return candidates[0]
