"""The benchmark protocol of DESIGN section 4: accuracy at IoU thresholds and mean IoU.

IoU uses continuous coordinates in original-image pixels; a ground truth with no
prediction counts IoU 0; a phrase with several GT boxes is scored against the best.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .box_geometry import box_iou_np

THRESHOLDS = (0.1, 0.3, 0.5)


def best_iou(prediction: Sequence[float] | None, gt_boxes: Sequence[Sequence[float]]) -> float:
    """IoU of one predicted xyxy box against the best of the phrase's GT boxes (0 if none)."""
    if prediction is None or len(gt_boxes) == 0:
        return 0.0
    ious = box_iou_np(np.asarray(prediction, np.float64)[None], np.asarray(gt_boxes, np.float64))
    return float(np.max(ious))


def grounding_scores(ious: Sequence[float]) -> dict[str, float]:
    """{"n", "AP10", "AP30", "AP50", "mIoU"} as percentages (accuracy at threshold)."""
    values = np.asarray(list(ious), np.float64)
    if values.size == 0:
        return {"n": 0, "AP10": 0.0, "AP30": 0.0, "AP50": 0.0, "mIoU": 0.0}
    scores: dict[str, float] = {"n": int(values.size)}
    for threshold in THRESHOLDS:
        scores[f"AP{round(threshold * 100)}"] = round(
            100.0 * float(np.mean(values >= threshold)), 4
        )
    scores["mIoU"] = round(100.0 * float(values.mean()), 4)
    return scores


def span_overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_phrases(
    predicted: Sequence[tuple[int, int]], truth: Sequence[tuple[int, int]]
) -> list[int | None]:
    """For each GT span, the index of the predicted span matched to it (greedy by overlap,
    each prediction used once), or None when none overlaps."""
    pairs = sorted(
        (
            (span_overlap(p, t), -abs(p[0] - t[0]), pi, ti)
            for pi, p in enumerate(predicted)
            for ti, t in enumerate(truth)
            if span_overlap(p, t) > 0
        ),
        reverse=True,
    )
    matched: list[int | None] = [None] * len(truth)
    used: set[int] = set()
    for _, _, pi, ti in pairs:
        if matched[ti] is None and pi not in used:
            matched[ti] = pi
            used.add(pi)
    return matched


def phrase_extraction_scores(n_predicted: int, n_truth: int, n_matched: int) -> dict[str, float]:
    precision = n_matched / n_predicted if n_predicted else 0.0
    recall = n_matched / n_truth if n_truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "F1": round(f1, 4)}
