"""Prepare training/validation splits: `python -m model_core.data.prepare`.

A prepared split is letterboxed 8-bit pixels + JSON records, so training runs from
memory. Synthetic studies are generated in parallel processes; the real formats
(MS-CXR, NIH, uMedGround, our JSONL) go through their readers.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from .prepared import PreparedSplit, prepare_sample, prepare_split
from .samples import GroundingSample, PhraseAnnotation
from .synthetic.generator import display_image, generate_study, split_seeds

log = logging.getLogger("model_core.data.prepare")


def synthetic_sample(seed: int, size: int | None) -> GroundingSample:
    """A synthetic study as a grounding sample: positive phrases with boxes only."""
    study = generate_study(seed, size=size)
    phrases = [
        PhraseAnnotation(p.text, tuple(p.span), [tuple(b) for b in p.boxes], p.finding)
        for p in study.phrases
        if not p.negated and p.boxes
    ]
    return GroundingSample(f"synthetic-{seed}", display_image(study), study.report, phrases)


def _prepare_one(job: tuple[int, int | None, int]):
    seed, size, image_size = job
    return prepare_sample(synthetic_sample(seed, size), image_size)


def prepare_synthetic(
    split: str, n: int, image_size: int, generate_size: int | None, workers: int
) -> PreparedSplit:
    jobs = [(seed, generate_size, image_size) for seed in split_seeds(split, n)]
    pixels, records = [], []
    started = time.monotonic()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for index, (canvas, record) in enumerate(pool.map(_prepare_one, jobs, chunksize=16)):
            pixels.append(canvas)
            records.append(record)
            if (index + 1) % 1000 == 0:
                log.info("%s: %d/%d (%.0f s)", split, index + 1, n, time.monotonic() - started)
    return PreparedSplit(np.stack(pixels), records)


def _prepare(args: argparse.Namespace) -> PreparedSplit:
    if args.dataset == "synthetic":
        if not args.n or args.split not in ("train", "val", "test"):
            raise ValueError("synthetic data needs --n and --split train|val|test")
        return prepare_synthetic(
            args.split, args.n, args.image_size, args.generate_size, args.workers
        )
    if args.root is None:
        raise ValueError(f"--dataset {args.dataset} needs --root")
    from .readers import open_dataset

    reader = open_dataset(args.dataset, args.root, args.split)
    return prepare_split(reader.samples(), args.image_size)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model_core.data.prepare", description=__doc__)
    parser.add_argument(
        "--dataset",
        default="synthetic",
        choices=["synthetic", "ms-cxr", "nih", "umedground", "jsonl"],
    )
    parser.add_argument("--root", type=Path, help="dataset file or folder (real formats)")
    parser.add_argument(
        "--split",
        required=True,
        help="train, val or test (synthetic), or the dataset's own split name",
    )
    parser.add_argument("--n", type=int, help="number of synthetic studies")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--image-size", type=int, default=256, help="model input size")
    parser.add_argument(
        "--generate-size",
        type=int,
        default=384,
        help="long side the studies are drawn at (box coordinates follow it)",
    )
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    try:
        split = _prepare(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    split.save(args.out)
    phrases = sum(len(r["phrases"]) for r in split.records)
    log.info("wrote %s: %d studies, %d phrases", args.out, len(split), phrases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
