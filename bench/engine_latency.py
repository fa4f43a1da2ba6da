"""Engine latency of the tiny model on this CPU: full report, query mode, phrase scaling.

Prints one JSON object on its last line: p50/p90 over 20 runs of a six-finding report,
query-mode latency, latency for 1, 4 and 16 query phrases, and LM forward passes.
Targets (2 threads): full report p50 <= 300 ms, query <= 80 ms, 16 phrases < 3x 1 phrase.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from knowmvg_viewer.study import load_image, model_input
from model_core.engine import GroundingEngine
from model_core.resources import resources_dir

REPORT = (
    "FINDINGS:\nThere is patchy airspace consolidation in the right lower lobe. A small left "
    "pleural effusion blunts the left costophrenic angle. The heart is enlarged. There is a "
    "1.5 cm rounded nodule in the left upper zone. Mild atelectasis at the left base. A 4 cm "
    "mass in the right upper lobe. No pneumothorax.\nIMPRESSION:\nPneumonia and effusion."
)
PHRASES = [
    "patchy airspace consolidation in the right lower lobe",
    "small left pleural effusion",
    "heart is enlarged",
    "1.5 cm rounded nodule in the left upper zone",
    "atelectasis at the left base",
    "4 cm mass in the right upper lobe",
    "left costophrenic angle",
    "right lower lobe",
]


def timed(fn, runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return times, result


def percentile(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 1)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="model directory (default: bundled)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    engine = GroundingEngine.load(args.model, device="cpu", threads=args.threads)
    image = model_input(load_image(resources_dir() / "demo" / "chest-pa-001" / "image.dcm"))
    engine.ground(image, REPORT)  # warm-up
    full_times, full = timed(lambda: engine.ground(image, REPORT), args.runs)
    query_times, _ = timed(lambda: engine.ground_phrase(image, REPORT, PHRASES[1]), args.runs)
    scaling = {}
    for n in (1, 4, 16):
        phrases = (PHRASES * 2)[:n]
        times, _ = timed(lambda p=phrases: engine.ground_phrase(image, REPORT, p), args.runs)
        scaling[str(n)] = round(statistics.median(times), 1)
    boxed = [f for f in full.findings if not f.negated]
    return {
        "model": engine.name,
        "trained": engine.trained,
        "threads": args.threads,
        "image": [full.width, full.height],
        "full_report_p50_ms": percentile(full_times, 50),
        "full_report_p90_ms": percentile(full_times, 90),
        "findings_generated": len(boxed),
        "negated_found": len(full.findings) - len(boxed),
        "lm_forward_passes_full_report": full.lm_forward_passes,
        "query_p50_ms": percentile(query_times, 50),
        "query_p90_ms": percentile(query_times, 90),
        "phrases_p50_ms": scaling,
        "ratio_16_to_1": round(scaling["16"] / scaling["1"], 2),
        "stage_ms_full_report": {k: round(v, 1) for k, v in full.timing_ms.items()},
    }


if __name__ == "__main__":
    print(json.dumps(main()))
