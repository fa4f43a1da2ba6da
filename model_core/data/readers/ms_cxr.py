"""MS-CXR (PhysioNet): `MS_CXR_Local_Alignment_v*.csv`, one row per box.

Columns `dicom_id, category_name, label_text, path, x, y, w, h, image_width, image_height`
and, from v1.1.0, `split`; x, y top-left in the original image's pixels. A phrase with
several boxes has several rows: rows are grouped by (dicom_id, label_text). MS-CXR has no
reports, so each phrase is its own report (span (0, len)), as in the phrase-given protocol;
one image with two phrases gives two samples.

Our site datasets (`knowmvg dataset export`) may add `report_text, span_start, span_end`:
the report a phrase was found in and its character span there. A row whose span holds its
label_text (white space aside) puts the phrase in that report: an image's phrases in one
report are one sample, as the viewer grounds them. Other rows stay their own report.
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
    phrase_key,
    read_csv_rows,
    require_columns,
)

REQUIRED_COLUMNS = (
    "dicom_id",
    "category_name",
    "label_text",
    "path",
    "x",
    "y",
    "w",
    "h",
    "image_width",
    "image_height",
)
SPLIT_COLUMN = "split"
REPORT_COLUMNS = ("report_text", "span_start", "span_end")  # optional: our site datasets
CSV_PATTERN = "MS_CXR_Local_Alignment*.csv"
# MS-CXR categories -> our finding names (resources/knowledge/findings.json).
CATEGORY_FINDINGS = {"Lung Opacity": "opacity", "Pleural Effusion": "effusion"}


@dataclass(frozen=True)
class _Row:
    line: int
    dicom_id: str
    category: str
    label_text: str
    path: str
    box_xywh: tuple[float, ...]
    size: tuple[int, int]
    report: str  # the report the phrase is in (its own text when the row names none)
    span: tuple[int, int]  # where in `report`


@dataclass
class MsCxrReader(AnnotationReader):
    """csv_path: the MS-CXR table; image_root: the folder its `path` column is relative to;
    split: keep only rows of this `split` value (the column must exist)."""

    csv_path: Path
    image_root: Path
    split: str | None = None
    problems: ProblemLog = field(default_factory=ProblemLog)

    @classmethod
    def from_root(cls, root: Path, split: str | None, problems: ProblemLog) -> MsCxrReader:
        """root: the CSV itself, or the folder holding it and the images."""
        root = Path(root)
        if root.is_dir():
            return cls(_find_csv(root), root, split, problems)
        return cls(root, root.parent, split, problems)

    @property
    def source(self) -> Path:
        return self.csv_path

    def annotations(self) -> Iterator[Annotation]:
        """One sample per image and report: an image's phrases in their report together,
        each phrase without one alone."""
        images: dict[str, dict[str, dict[tuple, list[_Row]]]] = {}  # id -> report -> phrase
        for row in self._rows():
            samples = images.setdefault(row.dicom_id, {})
            samples.setdefault(row.report, {}).setdefault((row.label_text, row.span), []).append(
                row
            )
        for samples in images.values():  # an image's samples next to each other
            for report, phrases in samples.items():
                annotation = self._annotation(report, list(phrases.values()))
                if annotation is not None:
                    yield annotation

    def _rows(self) -> list[_Row]:
        rows = read_csv_rows(self.csv_path)
        if not rows:
            raise DatasetError(f"{self.csv_path}: empty file, no header")
        (_, header), body = rows[0], rows[1:]
        required = REQUIRED_COLUMNS + ((SPLIT_COLUMN,) if self.split is not None else ())
        columns = require_columns(self.csv_path, header, required)
        if self.split is not None:
            body = self._in_split(body, columns[SPLIT_COLUMN])
        parsed = (self._parse(line, cells, columns) for line, cells in body)
        return [row for row in parsed if row is not None]

    def _in_split(self, body: list, column: int) -> list:
        kept = [(line, cells) for line, cells in body if _cell(cells, column) == self.split]
        if not kept:
            names = sorted({_cell(cells, column) for _, cells in body})
            raise DatasetError(
                f"{self.csv_path}: no rows in split {self.split!r} (splits: {', '.join(names)})"
            )
        return kept

    def _parse(self, line: int, cells: list[str], columns: dict[str, int]) -> _Row | None:
        where = f"{self.csv_path}:{line}"
        value = {name: _cell(cells, columns[name]) for name in REQUIRED_COLUMNS}
        try:
            box = tuple(float(value[k]) for k in ("x", "y", "w", "h"))
            size = (int(float(value["image_width"])), int(float(value["image_height"])))
        except ValueError as exc:
            self.problems.dropped(where, f"bad number ({exc}); row skipped")
            return None
        if not value["dicom_id"] or not value["label_text"] or not value["path"]:
            self.problems.dropped(where, "empty dicom_id, label_text or path; row skipped")
            return None
        if size[0] <= 0 or size[1] <= 0:
            self.problems.dropped(where, f"image size {size[0]}x{size[1]}; row skipped")
            return None
        text = value["label_text"]
        report, span = self._report_span(where, cells, columns, text) or (text, (0, len(text)))
        return _Row(
            line=line,
            dicom_id=value["dicom_id"],
            category=value["category_name"],
            label_text=value["label_text"],
            path=value["path"],
            box_xywh=box,
            size=size,
            report=report,
            span=span,
        )

    def _report_span(
        self, where: str, cells: list[str], columns: dict[str, int], label_text: str
    ) -> tuple[str, tuple[int, int]] | None:
        """The row's report and span, when it has them and the span holds the phrase."""
        if not all(name in columns for name in REPORT_COLUMNS):
            return None
        report, start, end = (_cell(cells, columns[name]) for name in REPORT_COLUMNS)
        if not report:
            return None
        try:
            span = (int(start), int(end))
        except ValueError:
            span = None
        if span is None or not 0 <= span[0] < span[1] <= len(report):
            self.problems.fixed(
                where, "no usable span in report_text; the phrase is its own report"
            )
            return None
        if phrase_key(report[span[0] : span[1]]) != phrase_key(label_text):
            self.problems.fixed(
                where, "report_text at the span is not label_text; the phrase is its own report"
            )
            return None
        return report, span

    def _annotation(self, report: str, phrase_rows: list[list[_Row]]) -> Annotation | None:
        """One sample: an image's phrases (each its rows, one per box) in their report."""
        first = phrase_rows[0][0]
        phrases = []
        for rows in phrase_rows:
            where = f"{self.csv_path}:{rows[0].line}"
            boxes = box_xywh_to_xyxy_np(np.array([r.box_xywh for r in rows], np.float64))
            finding = CATEGORY_FINDINGS.get(rows[0].category, rows[0].category.lower())
            span = rows[0].span
            phrase = PhraseAnnotation(report[span[0] : span[1]], span, boxes.tolist(), finding)
            checked = checked_phrase(phrase, rows[0].size, where, self.problems)
            if checked is not None:
                phrases.append(checked)
        if not phrases:
            return None
        phrases.sort(key=lambda phrase: phrase.span)
        where = f"{self.csv_path}:{first.line}"
        return Annotation(
            first.dicom_id, self.image_root / first.path, report, phrases, first.size, where
        )


def _cell(cells: list[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _find_csv(folder: Path) -> Path:
    """The folder's MS-CXR table: the one MS_CXR_Local_Alignment*.csv, else its only CSV."""
    candidates = sorted(folder.glob(CSV_PATTERN)) or sorted(folder.glob("*.csv"))
    if len(candidates) != 1:
        found = ", ".join(p.name for p in candidates) or "none"
        raise DatasetError(
            f"{folder}: expected one {CSV_PATTERN} (or one .csv) file, found {found}; "
            "pass the CSV itself as --root"
        )
    return candidates[0]
