"""NIH ChestX-ray8: `BBox_List_2017.csv`, 984 radiologist boxes on 1024 x 1024 PNGs.

The header reads `Image Index,Finding Label,Bbox [x,y,w,h],,,`: the commas inside the
bracket split it into six names plus three empty ones, and each data row ends in three empty
cells, so the file is read by position (x, y, w, h are cells 2-5), never by header name.

Pixel frame. The boxes are drawn on the 1024 x 1024 PNG. With `Data_Entry_2017.csv` (its
`OriginalImage[Width,Height]` columns split the same way: cells 7 and 8) they are expressed in
the original film's pixels, as the protocol asks (DESIGN section 4); without it the PNG is
the original. IoU does not change under this scaling; only the frame of predictions does.

The phrase is the finding label lower-cased as written ("infiltrate"); its finding name is
ours (Infiltrate/Infiltration -> "opacity").
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
    iter_csv_rows,
)

BBOX_CSV = "BBox_List_2017.csv"
DATA_ENTRY_NAMES = ("Data_Entry_2017.csv", "Data_Entry_2017_v2020.csv")
PNG_SIZE = 1024
LABEL_FINDINGS = {"Infiltrate": "opacity", "Infiltration": "opacity"}
# (position, how the cell starts, the column's name in messages)
BBOX_HEADER = (
    (0, "Image Index", "Image Index"),
    (1, "Finding Label", "Finding Label"),
    (2, "Bbox [x", "Bbox [x, y, w, h]"),
)
DATA_ENTRY_HEADER = {0: "Image Index", 7: "OriginalImage[Width", 8: "Height]"}


@dataclass(frozen=True)
class _NihBox:
    line: int
    image: str
    label: str
    xywh: tuple[float, ...]


@dataclass
class NihReader(AnnotationReader):
    """bbox_csv: BBox_List_2017.csv (or .csv.gz); image_root: the folder holding `images/`
    (or the PNGs themselves); data_entry: Data_Entry_2017.csv for the original sizes;
    image_list: a `*_list.txt` of image names (the official train_val/test lists) to keep."""

    bbox_csv: Path
    image_root: Path
    data_entry: Path | None = None
    image_list: Path | None = None
    problems: ProblemLog = field(default_factory=ProblemLog)

    @classmethod
    def from_root(cls, root: Path, split: str | None, problems: ProblemLog) -> NihReader:
        """root: the BBox CSV or its folder; Data_Entry_2017*.csv and `<split>_list.txt`
        (e.g. --split test -> test_list.txt) are looked up beside it."""
        root = Path(root)
        bbox_csv = _first_existing(root, (BBOX_CSV, BBOX_CSV + ".gz")) if root.is_dir() else root
        if bbox_csv is None:
            raise DatasetError(f"{root}: no {BBOX_CSV} in this folder")
        folder = bbox_csv.parent
        names = DATA_ENTRY_NAMES + tuple(n + ".gz" for n in DATA_ENTRY_NAMES)
        image_list = None
        if split is not None:
            image_list = folder / f"{split}_list.txt"
            if not image_list.is_file():
                raise DatasetError(f"{image_list}: no such file (needed by --split {split})")
        return cls(bbox_csv, folder, _first_existing(folder, names), image_list, problems)

    @property
    def source(self) -> Path:
        return self.bbox_csv

    def annotations(self) -> Iterator[Annotation]:
        groups: dict[str, dict[str, list[_NihBox]]] = {}
        for box in self._listed(self._boxes()):
            groups.setdefault(box.image, {}).setdefault(box.label, []).append(box)
        sizes = self._sizes(set(groups))
        for image, labels in groups.items():
            size = sizes.get(image)
            if size is None:
                where = f"{self.bbox_csv}:{next(iter(labels.values()))[0].line}"
                self.problems.dropped(where, f"{image} is not in {self.data_entry}; skipped")
                continue
            for boxes in labels.values():
                annotation = self._annotation(boxes, size)
                if annotation is not None:
                    yield annotation

    def _sizes(self, images: set[str]) -> dict[str, tuple[int, int]]:
        """Each image's pixel frame: its original size, or the PNG's without Data_Entry."""
        if self.data_entry is None:
            return {name: (PNG_SIZE, PNG_SIZE) for name in images}
        return _original_sizes(self.data_entry, images, self.problems)

    def _boxes(self) -> list[_NihBox]:
        rows = iter_csv_rows(self.bbox_csv)
        header = next(rows, None)
        if header is None:
            raise DatasetError(f"{self.bbox_csv}: empty file, no header")
        missing = [name for i, start, name in BBOX_HEADER if not _starts(header[1], i, start)]
        if missing:
            raise DatasetError(f"{self.bbox_csv}: missing columns: {', '.join(missing)}")
        parsed = (self._parse(line, cells) for line, cells in rows)
        return [box for box in parsed if box is not None]

    def _parse(self, line: int, cells: list[str]) -> _NihBox | None:
        where = f"{self.bbox_csv}:{line}"
        if len(cells) < 6 or not cells[0] or not cells[1]:
            self.problems.dropped(where, f"expected image, label, x, y, w, h; got {cells}")
            return None
        try:
            xywh = tuple(float(cell) for cell in cells[2:6])
        except ValueError as exc:
            self.problems.dropped(where, f"bad number ({exc}); row skipped")
            return None
        return _NihBox(line, cells[0], cells[1], xywh)

    def _listed(self, boxes: list[_NihBox]) -> list[_NihBox]:
        if self.image_list is None:
            return boxes
        names = {cells[0] for _, cells in iter_csv_rows(self.image_list)}
        kept = [box for box in boxes if box.image in names]
        if not kept:
            raise DatasetError(f"{self.image_list}: none of its images has a box")
        return kept

    def _annotation(self, boxes: list[_NihBox], size: tuple[int, int]) -> Annotation | None:
        first = boxes[0]
        where = f"{self.bbox_csv}:{first.line}"
        scale = np.array([size[0], size[1], size[0], size[1]], np.float64) / PNG_SIZE
        xyxy = box_xywh_to_xyxy_np(np.array([b.xywh for b in boxes], np.float64)) * scale
        text = first.label.lower()
        finding = LABEL_FINDINGS.get(first.label, text)
        phrase = PhraseAnnotation(text, (0, len(text)), xyxy.tolist(), finding)
        checked = checked_phrase(phrase, size, where, self.problems)
        if checked is None:
            return None
        return Annotation(first.image, self._image_path(first.image), text, [checked], size, where)

    def _image_path(self, name: str) -> Path:
        images = self.image_root / "images"
        return (images if images.is_dir() else self.image_root) / name


def _original_sizes(
    data_entry: Path, images: set[str], problems: ProblemLog
) -> dict[str, tuple[int, int]]:
    """OriginalImage[Width, Height] of the given images, from Data_Entry_2017.csv."""
    rows = iter_csv_rows(data_entry)
    header = next(rows, (0, []))[1]
    if not all(_starts(header, i, start) for i, start in DATA_ENTRY_HEADER.items()):
        columns = "Image Index, OriginalImage[Width, Height]"
        raise DatasetError(f"{data_entry}: missing columns: {columns}")
    sizes = {}
    for line, cells in rows:
        if cells[0] in images:
            try:
                sizes[cells[0]] = (int(float(cells[7])), int(float(cells[8])))
            except (IndexError, ValueError):
                problems.dropped(f"{data_entry}:{line}", f"bad original size for {cells[0]}")
    return sizes


def _starts(cells: list[str], index: int, prefix: str) -> bool:
    return index < len(cells) and cells[index].startswith(prefix)


def _first_existing(folder: Path, names: tuple[str, ...]) -> Path | None:
    return next((folder / n for n in names if (folder / n).is_file()), None)
