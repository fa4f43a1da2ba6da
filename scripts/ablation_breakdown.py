"""Per-finding phrase-given IoU of several models on one prepared split (ablation analysis).

Usage: python scripts/ablation_breakdown.py DATA MODEL_DIR [MODEL_DIR ...]
Prints, per finding, the number of phrases and each model's mean IoU and AP50, then one
JSON object with the same figures on the last line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model_core.box_ops import box_cxcywh_to_xyxy  # noqa: E402
from model_core.data.collate import GroundingCollator  # noqa: E402
from model_core.data.prepared import PreparedSplit  # noqa: E402
from model_core.engine import GroundingEngine  # noqa: E402
from model_core.metrics import best_iou  # noqa: E402


@torch.inference_mode()
def phrase_ious(engine: GroundingEngine, split: PreparedSplit) -> list[tuple[str, float]]:
    collator = GroundingCollator(engine.tokenizer, engine.knowledge, engine.config)
    out = []
    for start in range(0, len(split), 16):
        batch = collator(split, list(range(start, min(start + 16, len(split)))))
        if not batch.phrases:
            continue
        boxes = box_cxcywh_to_xyxy(engine.model(batch.inputs).boxes).numpy()
        for box, phrase, image in zip(boxes, batch.phrases, batch.image_index, strict=True):
            pixel_box = batch.letterboxes[image].model_to_image_xyxy(box)
            out.append((phrase.finding, best_iou(pixel_box, phrase.boxes)))
    return out


def main() -> dict:
    data, models = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
    split = PreparedSplit.load(data)
    table: dict[str, dict] = {}
    for model in models:
        engine = GroundingEngine.load(model, device="cpu", threads=1)
        for finding, iou in phrase_ious(engine, split):
            row = table.setdefault(finding, {})
            row.setdefault(str(model), []).append(iou)
    summary = {
        finding: {
            "n": len(next(iter(rows.values()))),
            **{
                name: {
                    "mIoU": round(100 * float(np.mean(v)), 1),
                    "AP50": round(100 * float(np.mean(np.array(v) >= 0.5)), 1),
                }
                for name, v in rows.items()
            },
        }
        for finding, rows in sorted(table.items())
    }
    for finding, row in summary.items():
        cells = "  ".join(f"{r['AP50']:5.1f}/{r['mIoU']:5.1f}" for k, r in row.items() if k != "n")
        print(f"{finding:20s} {row['n']:4d}  {cells}")
    return summary


if __name__ == "__main__":
    print(json.dumps(main()))
