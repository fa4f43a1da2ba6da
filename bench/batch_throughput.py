"""Batch grounding throughput: `knowmvg ground DIR --out-dir OUT` on synthetic DICOM studies.

Generates N never-used test-range studies (DICOM + report), runs the batch command in this
process twice (the first run loads the model and warms caches), and reports studies per
minute for the whole command and per study stage. Prints one JSON object on its last line.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import tempfile
import time
from pathlib import Path

import torch

from knowmvg_viewer.cli import main as knowmvg
from model_core.data.synthetic.export import write_study_folders

FIRST_SEED = 20_900_000  # test range, never used in training or the demo


def run_batch(studies: Path, out: Path, threads: int) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    code = knowmvg(
        [
            "ground",
            str(studies),
            "--out-dir",
            str(out),
            "--device",
            "cpu",
            "--threads",
            str(threads),
        ]
    )
    seconds = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"batch failed with exit status {code}")
    with open(out / "summary.csv", newline="") as handle:
        return seconds, list(csv.DictReader(handle))


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=24, help="number of studies")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_study_folders(root / "studies", range(FIRST_SEED, FIRST_SEED + args.n))
        cold_seconds, _ = run_batch(root / "studies", root / "out-cold", args.threads)
        warm_seconds, rows = run_batch(root / "studies", root / "out-warm", args.threads)
        outputs = sorted(p.suffix for p in (root / "out-warm").iterdir())
    per_study = [float(row["seconds"]) for row in rows]
    return {
        "studies": args.n,
        "threads": args.threads,
        "command_seconds_first_run": round(cold_seconds, 2),
        "command_seconds": round(warm_seconds, 2),
        "studies_per_minute": round(60 * args.n / warm_seconds, 1),
        "studies_per_minute_first_run": round(60 * args.n / cold_seconds, 1),
        "per_study_p50_s": round(statistics.median(per_study), 3),
        "per_study_max_s": round(max(per_study), 3),
        "findings_total": sum(int(row["findings"]) for row in rows),
        "files_per_study": round((len(outputs) - 1) / args.n, 2),
    }


if __name__ == "__main__":
    print(json.dumps(main()))
