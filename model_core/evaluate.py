"""`python -m model_core.evaluate`: score a model, or any model's saved predictions, on a
grounding dataset under the benchmark protocol (DESIGN sections 4 and 7).

    --dataset ms-cxr|nih|umedground|jsonl --root PATH [--split S]
    (--model DIR [--protocol phrase|end2end] [--device D] | --predictions FILE) [--json OUT]

`--predictions` reads JSONL lines {"image", "phrase", "box": [x0, y0, x1, y1]} (image as the
dataset names it, box in original pixels) and needs only the annotation files. Every ground
truth phrase is scored: no prediction is IoU 0, a multi-box phrase counts its best box, and
predictions naming an unknown image or phrase are counted as "unmatched_predictions". Ground
truth and predicted boxes are both clipped to the image: what lies outside cannot be compared,
and the engine's own boxes are clipped the same way.

Exit status: 0 all went well; 2 bad input (one stderr line per problem, naming the file; the
run goes on where it can and exits 2 at the end); 1 an internal error.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .data.readers import (
    DATASETS,
    Annotation,
    AnnotationReader,
    DatasetError,
    ProblemLog,
    clip_box,
    open_dataset,
    phrase_key,
)
from .data.samples import GroundingSample
from .metrics import best_iou, grounding_scores

log = logging.getLogger("model_core.evaluate")

EXIT_OK, EXIT_INTERNAL, EXIT_BAD_INPUT = 0, 1, 2
PROTOCOLS = ("phrase", "end2end")
DEVICES = ("auto", "cpu", "cuda", "mps")


@dataclass(frozen=True)
class Prediction:
    """One predicted box: the image as the dataset names it, the phrase, xyxy pixels."""

    image: str
    phrase: str
    box: tuple[float, float, float, float]


class UsageError(ValueError):
    """Options that do not go together."""


def build_parser(prog: str = "python -m model_core.evaluate") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Score a grounding model, or saved predictions, under the benchmark protocol.",
    )
    parser.add_argument("--dataset", required=True, choices=DATASETS)
    parser.add_argument("--root", required=True, type=Path, metavar="PATH")
    parser.add_argument("--split", metavar="S", help="the split to score (dataset-specific)")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--model", type=Path, metavar="DIR", help="model directory")
    source.add_argument("--predictions", type=Path, metavar="FILE", help="predictions JSONL")
    parser.add_argument("--protocol", choices=PROTOCOLS, help="with --model (default: phrase)")
    parser.add_argument("--device", choices=DEVICES, help="with --model (default: auto)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the scores here")
    return parser


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    """Entry point for `python -m model_core.evaluate`; `knowmvg evaluate` delegates here
    (prog="knowmvg evaluate" names it in usage messages)."""
    try:
        args = (build_parser(prog) if prog else build_parser()).parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage and its one-line reason
        return int(exc.code or 0)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(name)s: %(message)s")
    problems = ProblemLog()
    try:
        result = run(args, problems)
        write_result(result, args.json)
    except (DatasetError, UsageError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_BAD_INPUT
    except Exception:  # the last line of defence: an internal error, with its traceback
        log.exception("internal error")
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT if problems.n_dropped else EXIT_OK


def run(args: argparse.Namespace, problems: ProblemLog) -> dict:
    """The result object for parsed options; problems with single inputs go to `problems`."""
    if args.predictions is not None and (args.protocol or args.device):
        raise UsageError("--protocol and --device apply to --model, not to --predictions")
    reader = open_dataset(args.dataset, args.root, args.split, problems)
    header = {"dataset": args.dataset, "root": str(args.root), "split": args.split}
    if args.predictions is not None:
        predictions = read_predictions(args.predictions, problems)
        scores = score_predictions(reader.annotations(), predictions)
        if scores["n"] == 0:
            raise DatasetError(f"{reader.source}: no ground-truth phrases to score")
        return header | {"protocol": "phrase", "predictions": str(args.predictions)} | scores
    protocol = args.protocol or "phrase"
    scores = evaluate_model(reader, args.model, protocol, args.device or "auto")
    return header | {"protocol": protocol} | scores


def read_predictions(path: Path, problems: ProblemLog) -> list[Prediction]:
    """The file's predictions; each malformed line is one problem line and is skipped."""
    predictions = []
    for line_no, line in _lines(path):
        try:
            predictions.append(_prediction(json.loads(line)))
        except json.JSONDecodeError as exc:
            problems.dropped(f"{path}:{line_no}", f"not JSON ({exc.msg}); line skipped")
        except ValueError as exc:
            problems.dropped(f"{path}:{line_no}", f"{exc}; line skipped")
    return predictions


def score_predictions(annotations: Iterable[Annotation], predictions: Sequence[Prediction]) -> dict:
    """Protocol scores of `predictions` against every ground-truth phrase.

    A prediction is matched by (image, phrase), the phrase compared without case or extra
    white space; the first of several for one phrase counts, the rest are "duplicate".
    """
    by_key: dict[tuple[str, str], Prediction] = {}
    duplicates = 0
    for prediction in predictions:
        key = (prediction.image, phrase_key(prediction.phrase))
        if key in by_key:
            duplicates += 1
        else:
            by_key[key] = prediction
    ious, used = [], set()
    for annotation in annotations:
        for phrase in annotation.phrases:
            key = (annotation.image_id, phrase_key(phrase.text))
            prediction = by_key.get(key)
            used.add(key)
            box = _clipped(prediction.box, annotation.size) if prediction else None
            ious.append(best_iou(box, phrase.boxes))
    scores = grounding_scores(ious)
    scores["unmatched_predictions"] = sum(key not in used for key in by_key)
    scores["duplicate_predictions"] = duplicates
    return scores


def evaluate_model(reader: AnnotationReader, model_dir: Path, protocol: str, device: str) -> dict:
    """Load the model and run one protocol over the dataset's samples (images required)."""
    from .data.collate import GroundingCollator  # the model stack: only when a model is used
    from .data.prepared import prepare_split
    from .engine import GroundingEngine
    from .evaluate_protocols import evaluate_end_to_end, evaluate_phrase_given

    try:
        engine = GroundingEngine.load(model_dir, device)
    except (ValueError, OSError) as exc:
        raise DatasetError(f"{model_dir}: cannot load the model ({exc})") from None
    samples = reader.samples()
    if protocol == "phrase":
        samples = phrase_queries(samples)
    try:
        split = prepare_split(samples, engine.config.image_size)
    except ValueError as exc:
        raise DatasetError(f"{reader.source}: no samples to evaluate ({exc})") from None
    if protocol == "end2end":
        scores = evaluate_end_to_end(engine, split)
    else:
        collator = GroundingCollator(engine.tokenizer, engine.knowledge, engine.config)
        scores = evaluate_phrase_given(engine.model, collator, split)
    return {"model": engine.describe()} | scores


def phrase_queries(samples: Iterable[GroundingSample]) -> Iterator[GroundingSample]:
    """Samples in which every phrase can be queried: a phrase the report does not contain
    (span None, as in some uMedGround entries) becomes its own sample whose report is the
    phrase, so the phrase-given protocol still scores it instead of silently skipping it."""
    for sample in samples:
        located = [p for p in sample.phrases if p.span is not None]
        if located or not sample.phrases:
            yield replace(sample, phrases=located)
        for phrase in sample.phrases:
            if phrase.span is None:
                query = replace(phrase, span=(0, len(phrase.text)))
                yield replace(sample, report=phrase.text, phrases=[query])


def write_result(result: dict, out: Path | None) -> None:
    text = json.dumps(result, indent=2)
    sys.stdout.write(text + "\n")
    if out is not None:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise DatasetError(f"{out}: cannot write ({exc.strerror or exc})") from None


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    try:
        with path.open(encoding="utf-8") as handle:
            yield from ((n, line) for n, line in enumerate(handle, start=1) if line.strip())
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read ({exc})") from None


def _prediction(record: object) -> Prediction:
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    image, phrase, box = record.get("image"), record.get("phrase"), record.get("box")
    if not isinstance(image, str) or not isinstance(phrase, str):
        raise ValueError("'image' and 'phrase' must be strings")
    if (
        not isinstance(box, list)
        or len(box) != 4
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in box)
        or not all(math.isfinite(v) for v in box)
    ):
        raise ValueError(f"'box' must be [x0, y0, x1, y1] numbers, got {box!r}")
    return Prediction(image, phrase, (float(box[0]), float(box[1]), float(box[2]), float(box[3])))


def _clipped(box: tuple[float, ...], size: tuple[int, int] | None) -> tuple[float, ...]:
    return clip_box(box, size) if size is not None else box


if __name__ == "__main__":
    sys.exit(main())
