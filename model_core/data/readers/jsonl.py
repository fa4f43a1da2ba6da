"""Our own JSONL: one study per line.

`{"image": "imgs/a.png", "report": "...", "phrases": [{"text": ..., "span": [start, end] |
null, "boxes": [[x0, y0, x1, y1], ...]}]}`; the image path is relative to the JSONL file's
folder, boxes are xyxy in original image pixels, spans index the report. Optional `width`
and `height` give the image size when the image is absent (else it is read from the image's
header). A line that is not such an object is one problem line (with its number) and is
skipped; a study may have no phrases (a normal report).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..samples import PhraseAnnotation
from .base import Annotation, AnnotationReader, DatasetError, ProblemLog, checked_phrase
from .images import ImageReadError, image_size


class _BadLine(ValueError):
    """Why one line is not a study."""


@dataclass
class JsonlReader(AnnotationReader):
    path: Path
    problems: ProblemLog = field(default_factory=ProblemLog)

    @classmethod
    def from_root(cls, root: Path, split: str | None, problems: ProblemLog) -> JsonlReader:
        """root: the JSONL file, or a folder holding `<split>.jsonl`."""
        root = Path(root)
        if not root.is_dir():
            return cls(root, problems)
        if split is None:
            raise DatasetError(f"{root}: a folder needs --split (or pass the .jsonl file)")
        return cls(root / f"{split}.jsonl", problems)

    @property
    def source(self) -> Path:
        return self.path

    def annotations(self) -> Iterator[Annotation]:
        for line_no, line in self._lines():
            where = f"{self.path}:{line_no}"
            try:
                annotation = self._parse(json.loads(line), where)
            except json.JSONDecodeError as exc:
                self.problems.dropped(where, f"not JSON ({exc.msg}); line skipped")
                continue
            except _BadLine as exc:
                self.problems.dropped(where, f"{exc}; line skipped")
                continue
            if annotation is not None:
                yield annotation

    def _lines(self) -> Iterator[tuple[int, str]]:
        try:
            with self.path.open(encoding="utf-8") as handle:
                for line_no, line in enumerate(handle, start=1):
                    if line.strip():
                        yield line_no, line
        except FileNotFoundError:
            raise DatasetError(f"{self.path}: no such file") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise DatasetError(f"{self.path}: cannot read ({exc})") from None

    def _parse(self, record: object, where: str) -> Annotation | None:
        if not isinstance(record, dict):
            raise _BadLine("not a JSON object")
        image = _field(record, "image", str)
        report = _field(record, "report", str)
        raw_phrases = _field(record, "phrases", list)
        phrases = [_phrase(p, report) for p in raw_phrases]
        image_path = self.path.parent / image
        size = _size(record, image_path)
        kept = [c for p in phrases if (c := checked_phrase(p, size, where, self.problems))]
        if phrases and not kept:
            return None
        return Annotation(image, image_path, report, kept, size, where)


def _field(record: dict, key: str, kind: type):
    value = record.get(key)
    if not isinstance(value, kind):
        raise _BadLine(f"{key!r} missing or not a {kind.__name__}")
    return value


def _phrase(record: object, report: str) -> PhraseAnnotation:
    if not isinstance(record, dict):
        raise _BadLine("a phrase is not an object")
    text = _field(record, "text", str)
    boxes = _field(record, "boxes", list)
    if not all(_is_box(box) for box in boxes):
        raise _BadLine(f"boxes of {text!r} are not lists of 4 numbers")
    return PhraseAnnotation(text, _span(record.get("span"), report, text), boxes)


def _span(value: object, report: str, text: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
        or not 0 <= value[0] < value[1] <= len(report)
    ):
        raise _BadLine(f"span {value!r} of {text!r} is not [start, end) inside the report")
    return value[0], value[1]


def _is_box(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 4
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and all(math.isfinite(v) for v in value)
    )


def _size(record: dict, image_path: Path) -> tuple[int, int] | None:
    """The image size: the line's width/height, else the image header, else unknown."""
    width, height = record.get("width"), record.get("height")
    if width is not None or height is not None:
        if not (isinstance(width, int) and isinstance(height, int) and width > 0 and height > 0):
            raise _BadLine(f"width/height {width!r} x {height!r} are not positive integers")
        return width, height
    try:
        return image_size(image_path)
    except ImageReadError:
        return None  # reported once, when the image is loaded
