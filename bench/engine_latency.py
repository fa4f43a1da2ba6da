"""Engine latency of the tiny model on this CPU: full report, query mode, phrase scaling.

Prints one JSON object on its last line: p50/p90 over 20 runs of a 300-word ICU report,
the phrase extraction alone (target: at most 20 ms),
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

# A portable ICU report in the abbreviated style radiologists write on the ward (written
# for this bench), about 300 words with its history and comparison.
REPORT = (
    "EXAM: CXR portable AP, 05:40.\n"
    "INDICATION: 67M intubated for hypoxic resp failure, s/p CABG. Eval lines/tubes, ? PNA.\n"
    "COMPARISON: XXXX at 18:10.\n"
    "FINDINGS:\n"
    "ETT tip 4.5 cm above the carina. NGT courses below the diaphragm, tip in the stomach. "
    "R IJ CVC with tip at the cavoatrial junction. L chest tube in place, unchanged. "
    "Median sternotomy wires and mediastinal surgical clips. "
    "Cardiomediastinal silhouette is enlarged but stable given AP technique. "
    "Mild pulmonary vascular congestion, slightly improved. "
    "New patchy airspace consolidation in the RLL, concerning for aspiration pneumonia. "
    "Dense retrocardiac opacity, likely LLL atelectasis, cannot exclude superimposed "
    "consolidation. Small L pleural effusion layering posteriorly. Trace R effusion. "
    "Small residual left apical pneumothorax measuring 1.2 cm, decreased. "
    "1.5 cm rounded nodule in the left upper zone, better seen on prior CT. "
    "No subcutaneous emphysema. No pneumomediastinum. "
    "The right hemidiaphragm is mildly elevated, as before. Costophrenic angle blunting on "
    "the left, in keeping with the effusion. Interstitial markings are mildly prominent in "
    "both lower zones, possibly reflecting mild interstitial edema, although chronic "
    "change is also a consideration given the patient's history. The aortic knob is "
    "calcified. Tortuous and calcified thoracic aorta. Degenerative changes of the thoracic "
    "spine. No acute osseous abnormality is identified, and there is no displaced rib "
    "fracture. Calcified granuloma in the right mid zone, unchanged. Visualised upper "
    "abdomen is unremarkable, with no free air under the diaphragm. Overlying external "
    "monitoring leads and ECG wires partly obscure the left mid zone. The trachea is "
    "midline. Soft tissues of the chest wall are unremarkable apart from postoperative "
    "change over the sternum.\n"
    "IMPRESSION:\n"
    "1. Lines and tubes in satisfactory position.\n"
    "2. New RLL consolidation, concerning for aspiration pneumonia.\n"
    "3. Small residual left apical pneumothorax, decreased.\n"
    "4. Retrocardiac opacity, likely atelectasis.\n"
    "5. Mild vascular congestion, improved. Small L effusion.\n"
)
PHRASES = [
    "patchy airspace consolidation in the RLL",
    "Small L pleural effusion",
    "Cardiomediastinal silhouette is enlarged",
    "1.5 cm rounded nodule in the left upper zone",
    "retrocardiac opacity",
    "Small residual left apical pneumothorax measuring 1.2 cm",
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
    extract_times, _ = timed(lambda: engine.extractor.extract(REPORT), args.runs)
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
        "report_words": len(REPORT.split()),
        "findings_grounded": len(boxed),
        "extract_p50_ms": round(statistics.median(extract_times), 2),
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
