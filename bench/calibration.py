"""Is the score calibrated? A reliability diagram, ECE before and after calibration, and how
well the box uncertainty tracks the error, on the synthetic test split (phrase given).

The score is a predicted IoU; calibrated, it is P(IoU >= 0.5). The map (isotonic regression,
`model_core.calibration`) is fitted on the synthetic VALIDATION split and written to the
model directory as calibration.json; it is never fitted on the test split. After retraining,
refit and check the model in one command:

    .venv/bin/python bench/calibration.py --model resources/models/knowmvg-tiny --fit

Without --fit the model's calibration.json is only evaluated. The splits are generated as
`scripts/train_default.sh` makes them (seeds from `split_seeds`, drawn at 384 px, letterboxed
to the model's input): val 300 studies, test 600 (the model card's test split), or read from
prepared folders with --data DIR (DIR/val, DIR/test). Writes the diagram to
out/calibration/reliability.png; prints a table, then one JSON line of results.
Targets: ECE (15 bins) <= 0.05 on test after calibration. It also counts the test boxes
the wrong-side check flags (and their AP50) and the ground-truth boxes it would flag (0).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np
import torch

from model_core.box_ops import box_cxcywh_to_xyxy
from model_core.calibration import (
    ScoreCalibration,
    expected_calibration_error,
    fit_isotonic,
    reliability_bins,
    spearman,
)
from model_core.data.collate import GroundingCollator
from model_core.data.prepare import prepare_synthetic
from model_core.data.prepared import PreparedSplit
from model_core.engine import GroundingEngine, default_model_dir
from model_core.metrics import best_iou
from model_core.midline import film_midline
from model_core.results import GroundedFinding

BINS = 15
IOU_THRESHOLD = 0.5


def split_data(name: str, n: int, args: argparse.Namespace, image_size: int) -> PreparedSplit:
    if args.data is not None:
        return PreparedSplit.load(args.data / name)
    return prepare_synthetic(name, n, image_size, args.generate_size, args.workers)


@torch.inference_mode()
def phrase_given(engine: GroundingEngine, split: PreparedSplit, batch_size: int = 16) -> dict:
    """Per ground-truth phrase: the raw score, the uncertainty (relative spread), the best IoU, and
    whether the wrong-side check flags the predicted box and the ground-truth box."""
    collator = GroundingCollator(engine.tokenizer, engine.knowledge, engine.config)
    columns: dict[str, list] = {
        k: [] for k in ("score", "uncertainty", "size", "iou", "sided", "flag", "gt_flag")
    }
    for start in range(0, len(split), batch_size):
        indices = list(range(start, min(start + batch_size, len(split))))
        batch = collator(split, indices)
        if not batch.phrases:
            continue
        output = engine.model(batch.inputs.to(engine.device))
        boxes = box_cxcywh_to_xyxy(output.boxes).float().cpu().numpy()
        confidence = output.confidence.float().cpu().numpy()
        uncertainty = output.uncertainty.float().cpu().numpy()
        midlines = [_midline(split, index) for index in indices]
        for row, (phrase, image) in enumerate(zip(batch.phrases, batch.image_index, strict=True)):
            letterbox = batch.letterboxes[image]
            box = letterbox.model_to_image_xyxy(boxes[row])
            columns["iou"].append(best_iou(box, phrase.boxes))
            columns["score"].append(float(confidence[row]))
            columns["uncertainty"].append(float(uncertainty[row]))
            columns["size"].append(
                float(np.sqrt(max(box[2] - box[0], 0) * max(box[3] - box[1], 0)))
            )
            check = engine.postprocessor.laterality_conflict
            columns["sided"].append(engine.knowledge.side_of(phrase.text) in ("left", "right"))
            width, midline = letterbox.width, midlines[image]
            columns["flag"].append(check(_finding(phrase, box), midline, width))
            columns["gt_flag"].append(
                any(check(_finding(phrase, truth), midline, width) for truth in phrase.boxes)
            )
    return {key: np.array(values) for key, values in columns.items()}


def _within_size_quartiles(measured: dict) -> list[float]:
    """Spearman(uncertainty, 1 - IoU) among boxes of like size (quartiles of the predicted
    box's sqrt(area)): small boxes have both the larger relative spread and the larger IoU
    error, so the overall figure alone could be box size speaking."""
    edges = np.quantile(measured["size"], [0.25, 0.5, 0.75])
    quartile = np.searchsorted(edges, measured["size"])
    error = 1.0 - measured["iou"]
    return [
        round(spearman(measured["uncertainty"][quartile == q], error[quartile == q]), 4)
        for q in range(4)
    ]


def _midline(split: PreparedSplit, index: int) -> float:
    """The film's midline in original pixels, from the prepared (letterboxed) pixels."""
    letterbox = split.letterbox(index)
    x0, y0, x1, y1 = letterbox.content_box()
    content = split.pixels[index][y0:y1, x0:x1]
    return film_midline(content) * letterbox.width / content.shape[1]


def _finding(phrase, box) -> GroundedFinding:
    return GroundedFinding(phrase.text, phrase.span, box=tuple(float(v) for v in box))


def describe_split(name: str, split: PreparedSplit, n_phrases: int, size: int | None) -> str:
    seeds = [int(r["image_id"].rsplit("-", 1)[-1]) for r in split.records]
    drawn = f", drawn at {size} px" if size else ""
    return (
        f"synthetic {name} seeds {min(seeds)}-{max(seeds)} ({len(split)} studies, "
        f"{n_phrases} phrases{drawn})"
    )


def diagram(bins_raw: list, bins_cal: list, path: Path, title: str) -> None:
    """Reliability diagram, drawn with OpenCV: observed hit rate against predicted
    probability per bin (raw score grey, calibrated blue), the diagonal, and the bin counts."""
    size, margin = 600, 70
    canvas = np.full((size + 2 * margin, size + 2 * margin, 3), 255, np.uint8)

    def point(p: float, h: float) -> tuple[int, int]:
        return int(margin + p * size), int(margin + (1 - h) * size)

    total = max(sum(n for _, _, n in bins_cal), 1)
    for b, (_, _, n) in enumerate(bins_cal):  # counts, as bars along the bottom
        x0, x1 = point(b / BINS, 0)[0], point((b + 1) / BINS, 0)[0]
        cv2.rectangle(
            canvas,
            (x0 + 2, point(0, 0)[1]),
            (x1 - 2, point(0, 0.3 * n / total)[1]),
            (225, 225, 225),
            -1,
        )
    cv2.rectangle(canvas, point(0, 1), point(1, 0), (0, 0, 0), 1)
    for t in np.linspace(0, 1, 6):
        cv2.putText(
            canvas,
            f"{t:.1f}",
            (point(t, 0)[0] - 12, point(t, 0)[1] + 22),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            (0, 0, 0),
            1,
            cv2.LINE_AA,
        )
        cv2.putText(
            canvas,
            f"{t:.1f}",
            (margin - 40, point(0, t)[1] + 5),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.45,
            (0, 0, 0),
            1,
            cv2.LINE_AA,
        )
    cv2.line(canvas, point(0, 0), point(1, 1), (150, 150, 150), 1, cv2.LINE_AA)
    for bins, colour in ((bins_raw, (140, 140, 140)), (bins_cal, (200, 90, 20))):
        points = [point(p, h) for p, h, n in bins if n]
        for a, b in zip(points, points[1:], strict=False):
            cv2.line(canvas, a, b, colour, 2, cv2.LINE_AA)
        for p in points:
            cv2.circle(canvas, p, 5, colour, -1, cv2.LINE_AA)
    texts = [
        (title, (margin, 30), (0, 0, 0)),
        ("raw score", (margin + 10, margin + 25), (140, 140, 140)),
        ("calibrated", (margin + 10, margin + 50), (200, 90, 20)),
        ("predicted P(IoU >= 0.5)", (margin + size // 2 - 100, size + 2 * margin - 15), (0, 0, 0)),
        ("observed", (5, margin - 10), (0, 0, 0)),
    ]
    for text, origin, colour in texts:
        cv2.putText(canvas, text, origin, cv2.FONT_HERSHEY_SIMPLEX, 0.55, colour, 1, cv2.LINE_AA)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), canvas):
        raise OSError(f"{path}: cannot write the diagram")


def _rate(hits: np.ndarray) -> float | None:
    return round(100.0 * float(hits.mean()), 2) if len(hits) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=default_model_dir())
    parser.add_argument("--fit", action="store_true", help="refit on val, write calibration.json")
    parser.add_argument("--data", type=Path, help="prepared splits: DIR/val and DIR/test")
    parser.add_argument("--n-val", type=int, default=300)
    parser.add_argument("--n-test", type=int, default=600)
    parser.add_argument("--generate-size", type=int, default=384)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--plot", type=Path, default=Path("out/calibration/reliability.png"))
    args = parser.parse_args(argv)
    engine = GroundingEngine.load(args.model, device=args.device, threads=args.threads)
    size = None if args.data else args.generate_size
    if args.fit:
        val = split_data("val", args.n_val, args, engine.config.image_size)
        fitted = phrase_given(engine, val)
        hits = fitted["iou"] >= IOU_THRESHOLD
        source = describe_split("val", val, len(hits), size)
        calibration = fit_isotonic(fitted["score"], hits, IOU_THRESHOLD, source)
        calibration.save(args.model)
    calibration = ScoreCalibration.load(args.model)
    if calibration is None:
        print(f"error: {args.model} has no calibration.json; run with --fit", file=sys.stderr)
        return 2
    test = split_data("test", args.n_test, args, engine.config.image_size)
    measured = phrase_given(engine, test)
    hits = measured["iou"] >= IOU_THRESHOLD
    raw = np.clip(measured["score"], 0.0, 1.0)
    calibrated = calibration(measured["score"])
    result = {
        "model": str(args.model),
        "fitted_on": calibration.fitted_on,
        "evaluated_on": describe_split("test", test, len(hits), size),
        "phrases": int(len(hits)),
        "AP50": round(100.0 * float(hits.mean()), 2),
        "ece_raw": round(expected_calibration_error(raw, hits, BINS), 4),
        "ece_calibrated": round(expected_calibration_error(calibrated, hits, BINS), 4),
        "spearman_uncertainty_vs_1_minus_iou": round(
            spearman(measured["uncertainty"], 1.0 - measured["iou"]), 4
        ),
        "spearman_uncertainty_within_size_quartiles": _within_size_quartiles(measured),
        "spearman_score_vs_iou": round(spearman(measured["score"], measured["iou"]), 4),
        "median_uncertainty": round(float(np.median(measured["uncertainty"])), 4),
        "one_sided_phrases": int(measured["sided"].sum()),
        "wrong_side_flags": int(measured["flag"].sum()),
        "wrong_side_flags_AP50": _rate(hits[measured["flag"]]),
        "wrong_side_flags_on_ground_truth": int(measured["gt_flag"].sum()),
        "plot": str(args.plot),
    }
    bins_raw = reliability_bins(raw, hits, BINS)
    bins_cal = reliability_bins(calibrated, hits, BINS)
    print(f"{'bin':>10}{'raw p':>8}{'hit':>7}{'n':>6}{'cal p':>9}{'hit':>7}{'n':>6}")
    for b, ((rp, rh, rn), (cp, ch, cn)) in enumerate(zip(bins_raw, bins_cal, strict=True)):
        edges = f"{b / BINS:>5.2f}-{(b + 1) / BINS:.2f}"
        print(f"{edges}{rp:>8.3f}{rh:>7.3f}{rn:>6}{cp:>9.3f}{ch:>7.3f}{cn:>6}")
    ece = f"ECE {result['ece_raw']:.3f} raw, {result['ece_calibrated']:.3f} calibrated"
    title = f"{args.model.name}: {ece}"
    diagram(bins_raw, bins_cal, args.plot, title)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
