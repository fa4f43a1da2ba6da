"""Training throughput of the tiny model: samples per second on this machine.

Times optimisation steps (forward, losses, backward, AdamW) on a prepared split, after
warm-up, on the CPU (or the GPU when one is present). Prints one JSON object last.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import torch

from model_core.data.prepare import synthetic_sample
from model_core.data.prepared import PreparedSplit, prepare_split
from model_core.train import Trainer, build_parser
from model_core.train_config import TrainConfig


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, help="prepared split (default: 64 fresh studies)")
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data
        if data is None:
            data = Path(tmp) / "split"
            prepare_split((synthetic_sample(s, 384) for s in range(64)), 256).save(data)
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        train_args = build_parser().parse_args(
            [
                "--train-data",
                str(data),
                "--val-data",
                str(data),
                "--out",
                str(Path(tmp) / "run"),
                "--batch-size",
                str(args.batch_size),
                "--vocab-size",
                "1024",
            ]
        )
        trainer = Trainer(TrainConfig.from_args(train_args), 0, 1, device)
        split = PreparedSplit.load(data)
        batches = [
            [(i * args.batch_size + j) % len(split) for j in range(args.batch_size)]
            for i in range(args.steps + 2)
        ]
        for batch in batches[:2]:
            trainer._train_step(batch)
        start = time.perf_counter()
        for batch in batches[2:]:
            trainer._train_step(batch)
        seconds = time.perf_counter() - start
    return {
        "device": str(device),
        "threads": args.threads,
        "batch_size": args.batch_size,
        "steps": args.steps,
        "samples_per_second": round(args.steps * args.batch_size / seconds, 1),
        "seconds_per_step": round(seconds / args.steps, 3),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
