"""Calibrated confidence: the model's score (a predicted IoU) mapped to the probability that
the box has IoU >= 0.5 with the truth.

The map is monotone, fitted by isotonic regression (pool-adjacent-violators) on a validation
split and stored as `calibration.json` in the model directory; `bench/calibration.py` fits
and checks it. Plain numpy, no torch: the viewer and the exporters may read it.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CALIBRATION_FILE = "calibration.json"
FORMAT = "knowmvg-calibration/1"


@dataclass(frozen=True)
class ScoreCalibration:
    """score -> P(IoU >= iou_threshold): linear between knots, flat outside them.

    scores: increasing knot positions; probabilities: non-decreasing values in [0, 1].
    """

    scores: tuple[float, ...]
    probabilities: tuple[float, ...]
    iou_threshold: float = 0.5
    fitted_on: str = ""

    def __post_init__(self) -> None:
        x, y = np.asarray(self.scores, float), np.asarray(self.probabilities, float)
        if x.ndim != 1 or len(x) == 0 or len(x) != len(y):
            raise ValueError(f"knots: {len(x)} scores, {len(y)} probabilities (need >= 1, equal)")
        if not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise ValueError("knots must be finite numbers")
        if np.any(np.diff(x) < 0) or np.any(np.diff(y) < 0):
            raise ValueError("knots must be non-decreasing in score and probability")
        if y.min() < 0 or y.max() > 1:
            raise ValueError(f"probabilities must lie in [0, 1], got {y.min()}..{y.max()}")

    def __call__(self, score: float | np.ndarray) -> float | np.ndarray:
        value = np.interp(score, self.scores, self.probabilities)
        return float(value) if np.ndim(value) == 0 else value

    def to_json(self) -> dict:
        return {
            "format": FORMAT,
            "target": f"P(IoU >= {self.iou_threshold})",
            "iou_threshold": self.iou_threshold,
            "fitted_on": self.fitted_on,
            "scores": list(self.scores),
            "probabilities": list(self.probabilities),
        }

    @classmethod
    def from_json(cls, data: object) -> ScoreCalibration:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} object")
        try:
            return cls(
                tuple(float(v) for v in data["scores"]),
                tuple(float(v) for v in data["probabilities"]),
                float(data.get("iou_threshold", 0.5)),
                str(data.get("fitted_on", "")),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"missing or malformed field ({exc})") from None

    def save(self, directory: Path) -> Path:
        path = Path(directory) / CALIBRATION_FILE
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: Path) -> ScoreCalibration | None:
        """The directory's calibration, None when it has none; one ValueError naming the file
        when it is there but unreadable."""
        path = Path(directory) / CALIBRATION_FILE
        if not path.exists():
            return None
        try:
            return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"{path}: not a usable score calibration ({exc})") from None


def fit_isotonic(
    scores: np.ndarray, hits: np.ndarray, iou_threshold: float = 0.5, fitted_on: str = ""
) -> ScoreCalibration:
    """The non-decreasing step function of score closest to `hits` (0/1) in squared error,
    by pool-adjacent-violators; each pooled block becomes two knots (its first and last
    score), so the map is flat inside a block and linear between blocks.

    A block's value is its hit rate with half a hit and half a miss added (the Jeffreys
    estimate), kept non-decreasing: a block of 500 boxes without a miss reads 0.999, not a
    certainty the data cannot show."""
    scores, hits = np.asarray(scores, float), np.asarray(hits, float)
    if scores.shape != hits.shape or scores.ndim != 1 or len(scores) == 0:
        raise ValueError(f"scores {scores.shape} and hits {hits.shape}: need equal, non-empty 1-D")
    order = np.argsort(scores, kind="stable")
    xs, ys = scores[order], hits[order]
    blocks: list[list[float]] = []  # [sum, count, first score, last score]
    for x, y in zip(xs, ys, strict=True):
        blocks.append([y, 1.0, x, x])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] >= blocks[-1][0] / blocks[-1][1]:
            total, count, _, last = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
            blocks[-1][3] = last
    values = np.maximum.accumulate([(total + 0.5) / (count + 1) for total, count, _, _ in blocks])
    knots_x, knots_y = [], []
    for (_, _, first, last), value in zip(blocks, values, strict=True):
        for x in (first, last) if last > first else (first,):
            knots_x.append(float(x))
            knots_y.append(float(value))
    return ScoreCalibration(tuple(knots_x), tuple(knots_y), iou_threshold, fitted_on)


def reliability_bins(
    probabilities: np.ndarray, hits: np.ndarray, n_bins: int = 15
) -> list[tuple[float, float, int]]:
    """(mean predicted probability, observed hit rate, count) per equal-width bin of [0, 1];
    empty bins are (nan, nan, 0)."""
    p, h = np.asarray(probabilities, float), np.asarray(hits, float)
    index = np.clip((p * n_bins).astype(int), 0, n_bins - 1)
    bins = []
    for b in range(n_bins):
        inside = index == b
        n = int(inside.sum())
        bins.append(
            (float(p[inside].mean()), float(h[inside].mean()), n) if n else (math.nan,) * 2 + (0,)
        )
    return bins


def expected_calibration_error(
    probabilities: np.ndarray, hits: np.ndarray, n_bins: int = 15
) -> float:
    """ECE: the count-weighted mean |predicted - observed| over equal-width bins."""
    bins = reliability_bins(probabilities, hits, n_bins)
    total = sum(n for _, _, n in bins)
    if total == 0:
        raise ValueError("no samples")
    return sum(n * abs(p - h) for p, h, n in bins if n) / total


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    """Spearman's rank correlation (ties get their average rank); nan when a side is constant."""
    ra, rb = _average_ranks(np.asarray(a, float)), _average_ranks(np.asarray(b, float))
    if ra.std() == 0 or rb.std() == 0:
        return math.nan
    return float(np.corrcoef(ra, rb)[0, 1])


def _average_ranks(values: np.ndarray) -> np.ndarray:
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values), float)
    ranks[order] = np.arange(len(values), dtype=float)
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]
