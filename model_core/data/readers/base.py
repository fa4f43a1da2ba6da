"""What every reader shares: the pixel-free `Annotation`, the problem log, box checks, and
the lazy loading of images into `GroundingSample`s.

Readers first parse the annotation files alone (`annotations()`), so predictions can be
scored without the images; `samples()` then loads each image once, when it is needed.
Boxes are xyxy in the pixel frame named by `Annotation.size`, continuous coordinates.
"""

from __future__ import annotations

import csv
import gzip
import io
import logging
import math
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from ..samples import GroundingSample, PhraseAnnotation
from .images import ImageReadError, load_grayscale

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]


class DatasetError(ValueError):
    """Bad input that stops the whole dataset (a missing file, missing columns, a forbidden
    pickle): the message names the file and the reason."""


@dataclass(frozen=True)
class Problem:
    """One problem with one sample, box or line. `dropped`: data was left out (a box, a
    phrase, a sample, a line); otherwise it was repaired (a box clipped to the image)."""

    where: str
    reason: str
    dropped: bool

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class ProblemLog:
    """The problems met while reading, each logged once as a warning line naming the file.

    Kept as well as logged so a command can exit 2 (bad input) at the end of a run that
    went on past them.
    """

    problems: list[Problem] = field(default_factory=list)

    def fixed(self, where: str, reason: str) -> None:
        self._add(Problem(where, reason, dropped=False))

    def dropped(self, where: str, reason: str) -> None:
        self._add(Problem(where, reason, dropped=True))

    @property
    def n_dropped(self) -> int:
        return sum(p.dropped for p in self.problems)

    def _add(self, problem: Problem) -> None:
        self.problems.append(problem)
        log.warning("%s", problem)


@dataclass
class Annotation:
    """One sample without its pixels.

    size: (width, height) of the pixel frame the boxes are in (None when unknown); when the
    loaded image has another size its boxes are rescaled to it. where: the source, for
    messages ("file.csv:12").
    """

    image_id: str
    image_path: Path
    report: str
    phrases: list[PhraseAnnotation]
    size: tuple[int, int] | None = None
    where: str = ""


class AnnotationReader(ABC):
    """A dataset format: `annotations()` from the annotation files alone, `samples()` with
    the images loaded. A missing or unreadable image is one problem line, and its samples
    are skipped."""

    problems: ProblemLog

    @property
    @abstractmethod
    def source(self) -> Path:
        """The annotation file, for messages about the dataset as a whole."""

    @abstractmethod
    def annotations(self) -> Iterator[Annotation]:
        """The dataset's samples, without pixels, those of one image next to each other."""

    def samples(self) -> Iterator[GroundingSample]:
        """Lazily loaded samples; an image shared by consecutive annotations is read once."""
        cached_path: Path | None = None
        cached_image: np.ndarray | None = None
        for annotation in self.annotations():
            if annotation.image_path != cached_path:
                cached_path, cached_image = annotation.image_path, self._load(annotation)
            if cached_image is None:
                continue
            yield to_sample(annotation, cached_image)

    def _load(self, annotation: Annotation) -> np.ndarray | None:
        try:
            return load_grayscale(annotation.image_path)
        except ImageReadError as exc:
            self.problems.dropped(str(annotation.image_path), f"{exc.reason}; sample skipped")
            return None


def to_sample(annotation: Annotation, image: np.ndarray) -> GroundingSample:
    """The sample with its boxes moved into the loaded image's pixel frame."""
    height, width = image.shape
    phrases = annotation.phrases
    if annotation.size is not None and annotation.size != (width, height):
        sx, sy = width / annotation.size[0], height / annotation.size[1]
        phrases = [rescaled(p, sx, sy) for p in phrases]
        log.info("%s: boxes rescaled from %s to %s", annotation.where, annotation.size, image.shape)
    return GroundingSample(annotation.image_id, image, annotation.report, list(phrases))


def rescaled(phrase: PhraseAnnotation, sx: float, sy: float) -> PhraseAnnotation:
    boxes = [(x0 * sx, y0 * sy, x1 * sx, y1 * sy) for x0, y0, x1, y1 in phrase.boxes]
    return replace(phrase, boxes=boxes)


def clip_box(box: Sequence[float], size: tuple[int, int]) -> Box:
    """An xyxy box clipped to a (width, height) image."""
    width, height = size
    x0, y0, x1, y1 = (float(v) for v in box)
    return (
        min(max(x0, 0.0), width),
        min(max(y0, 0.0), height),
        min(max(x1, 0.0), width),
        min(max(y1, 0.0), height),
    )


def checked_boxes(
    boxes: Sequence[Sequence[float]],
    size: tuple[int, int] | None,
    where: str,
    phrase: str,
    problems: ProblemLog,
) -> list[Box]:
    """The usable xyxy boxes of one phrase, one problem line per bad box.

    A box with a non-finite value or a non-positive width or height is dropped. A box that
    reaches outside a known image is clipped to it (the truth cannot lie outside the image),
    and dropped when nothing of it is left inside.
    """
    kept: list[Box] = []
    for number, raw in enumerate(boxes, start=1):
        label = f"box {number} of {phrase!r}"
        values = [float(v) for v in raw]
        if len(values) != 4 or not all(math.isfinite(v) for v in values):
            problems.dropped(where, f"{label} is not 4 finite numbers {values}; dropped")
            continue
        box: Box = (values[0], values[1], values[2], values[3])
        if box[2] <= box[0] or box[3] <= box[1]:
            size_text = f"w={box[2] - box[0]:g}, h={box[3] - box[1]:g}"
            problems.dropped(where, f"{label} has non-positive size ({size_text}); dropped")
            continue
        if size is not None and clip_box(box, size) != box:
            clipped = clip_box(box, size)
            if clipped[2] <= clipped[0] or clipped[3] <= clipped[1]:
                problems.dropped(where, f"{label} lies outside the {_wh(size)} image; dropped")
                continue
            corners = ", ".join(f"{v:g}" for v in clipped)
            problems.fixed(
                where, f"{label} reaches outside the {_wh(size)} image; clipped to [{corners}]"
            )
            box = clipped
        kept.append(box)
    return kept


def checked_phrase(
    phrase: PhraseAnnotation, size: tuple[int, int] | None, where: str, problems: ProblemLog
) -> PhraseAnnotation | None:
    """The phrase with its bad boxes removed, or None (one more line) when none is left."""
    boxes = checked_boxes(phrase.boxes, size, where, phrase.text, problems)
    if phrase.boxes and not boxes:
        problems.dropped(where, f"phrase {phrase.text!r} has no usable box; dropped")
        return None
    return replace(phrase, boxes=boxes)


def find_span(report: str, phrase: str) -> tuple[int, int] | None:
    """The phrase's first case-insensitive occurrence in the report, else None."""
    start = report.casefold().find(phrase.casefold()) if phrase else -1
    return (start, start + len(phrase)) if start >= 0 else None


def phrase_key(text: str) -> str:
    """How phrases are compared across files: case and runs of white space do not count."""
    return " ".join(text.split()).casefold()


def open_text(path: Path) -> io.TextIOBase:
    """A CSV or text file, gzipped or not (torchxrayvision ships the NIH tables as .gz)."""
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path), encoding="utf-8-sig", newline="")
    return path.open(encoding="utf-8-sig", newline="")


def iter_csv_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """(line number, stripped cells) of each non-blank row, streamed (the NIH tables are
    large); DatasetError naming the file if it cannot be read."""
    try:
        with open_text(path) as handle:
            reader = csv.reader(handle)
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    yield reader.line_num, [cell.strip() for cell in cells]
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DatasetError(f"{path}: cannot read the CSV ({exc})") from None


def read_csv_rows(path: Path) -> list[tuple[int, list[str]]]:
    return list(iter_csv_rows(path))


def require_columns(path: Path, header: Sequence[str], required: Sequence[str]) -> dict[str, int]:
    """Column name -> index; DatasetError naming the file and every missing column."""
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    missing = [name for name in required if name not in index]
    if missing:
        raise DatasetError(f"{path}: missing columns: {', '.join(missing)}")
    return index


def _wh(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"
