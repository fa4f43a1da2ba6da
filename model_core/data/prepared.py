"""Samples prepared for training: letterboxed 8-bit pixels in one array plus JSON records.

Preparing once (in parallel) and training from memory keeps the 2-core CPU busy with
the model instead of with image generation. Stored as .npy + .json: nothing pickled.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..box_geometry import Letterbox
from .samples import GroundingSample, PhraseAnnotation

log = logging.getLogger(__name__)


@dataclass
class PreparedSplit:
    """pixels (N, S, S) uint8 letterboxed; records: image_id, height, width, report, phrases."""

    pixels: np.ndarray
    records: list[dict]

    def __len__(self) -> int:
        return len(self.records)

    @property
    def image_size(self) -> int:
        return int(self.pixels.shape[-1])

    def letterbox(self, index: int) -> Letterbox:
        record = self.records[index]
        return Letterbox(record["height"], record["width"], self.image_size)

    def phrases(self, index: int) -> list[PhraseAnnotation]:
        return [
            PhraseAnnotation(
                p["text"],
                tuple(p["span"]) if p["span"] else None,
                [tuple(b) for b in p["boxes"]],
                p.get("finding", ""),
            )
            for p in self.records[index]["phrases"]
        ]

    def save(self, directory: Path) -> None:
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "pixels.npy", self.pixels, allow_pickle=False)
        (directory / "records.json").write_text(json.dumps(self.records))

    @classmethod
    def load(cls, directory: Path) -> PreparedSplit:
        directory = Path(directory)
        try:
            pixels = np.load(directory / "pixels.npy", allow_pickle=False)
            records = json.loads((directory / "records.json").read_text())
        except (OSError, ValueError) as exc:
            raise ValueError(f"{directory}: not a prepared split ({exc})") from None
        if len(pixels) != len(records):
            raise ValueError(f"{directory}: {len(pixels)} images but {len(records)} records")
        return cls(pixels, records)


def prepare_sample(sample: GroundingSample, image_size: int) -> tuple[np.ndarray, dict]:
    letterbox = Letterbox(sample.image.shape[0], sample.image.shape[1], image_size)
    canvas = letterbox.resize(np.clip(sample.image, 0.0, 1.0).astype(np.float32))
    record = {
        "image_id": sample.image_id,
        "height": int(sample.image.shape[0]),
        "width": int(sample.image.shape[1]),
        "report": sample.report,
        "phrases": [
            {
                "text": p.text,
                "span": list(p.span) if p.span else None,
                "boxes": [list(map(float, b)) for b in p.boxes],
                "finding": p.finding,
            }
            for p in sample.phrases
        ],
    }
    return np.rint(canvas * 255.0).astype(np.uint8), record


def prepare_split(samples: Iterable[GroundingSample], image_size: int) -> PreparedSplit:
    pixels, records = [], []
    for sample in samples:
        canvas, record = prepare_sample(sample, image_size)
        pixels.append(canvas)
        records.append(record)
    if not records:
        raise ValueError("empty split: no samples to prepare")
    return PreparedSplit(np.stack(pixels), records)
