"""The "prior only" row of the ablation, on real data: NIH ChestX-ray8 radiologist boxes.

The 984 boxes of BBox_List_2017.csv are split by image into two halves (a fixed hash of
the image name). Location priors are derived from one half exactly as
derive_location_priors.py does; each box of the other half is then predicted as its
finding's prior box (the mean centre and size) and scored with our metrics. Two rows:
  - label only: the finding's prior over both sides ("any");
  - label + side: the prior of the side the box lies on, i.e. what a report's laterality
    ("left", "right") would add. The side comes from the ground truth here, so this row is
    an upper bound for laterality-aware priors, not a model.
Both halves swap roles and the two scores are averaged over all 984 boxes.
Prints one JSON object on its last line. The wheel is downloaded to a temporary folder.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model_core.metrics import best_iou, grounding_scores  # noqa: E402
from scripts.derive_location_priors import (  # noqa: E402
    NihBox,
    download_wheel,
    extract_bbox_csv,
    read_bbox_csv,
    side_of_box,
)

NIH_SIZE = 1024.0


def half_of(image: str) -> int:
    return hashlib.sha256(image.encode()).digest()[0] % 2


def prior_boxes(boxes: list[NihBox]) -> dict[tuple[str, str], np.ndarray]:
    """Mean (cx, cy, w, h) per (finding, side) and per (finding, 'any')."""
    groups: dict[tuple[str, str], list[NihBox]] = {}
    for box in boxes:
        groups.setdefault((box.finding, "any"), []).append(box)
        groups.setdefault((box.finding, side_of_box(box)), []).append(box)
    return {
        key: np.mean([[b.cx, b.cy, b.w, b.h] for b in group], axis=0)
        for key, group in groups.items()
    }


def to_pixels_xyxy(cxcywh: np.ndarray) -> list[float]:
    cx, cy, w, h = cxcywh * NIH_SIZE
    return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]


def score(fit: list[NihBox], test: list[NihBox], use_side: bool) -> list[float]:
    priors = prior_boxes(fit)
    ious = []
    for box in test:
        key = (box.finding, side_of_box(box) if use_side else "any")
        prior = priors.get(key, priors.get((box.finding, "any")))
        truth = to_pixels_xyxy(np.array([box.cx, box.cy, box.w, box.h]))
        ious.append(best_iou(to_pixels_xyxy(prior) if prior is not None else None, [truth]))
    return ious


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        wheel = download_wheel(Path(tmp))
        boxes = read_bbox_csv(extract_bbox_csv(wheel, Path(tmp)))
    halves = [[b for b in boxes if half_of(b.image) == h] for h in (0, 1)]
    result = {"boxes": len(boxes), "halves": [len(h) for h in halves]}
    for name, use_side in (("label_only", False), ("label_and_side", True)):
        ious = score(halves[0], halves[1], use_side) + score(halves[1], halves[0], use_side)
        result[name] = grounding_scores(ious)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
