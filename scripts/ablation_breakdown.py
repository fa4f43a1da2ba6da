"""Per-finding phrase-given IoU of several models on one prepared split (ablation analysis).

Usage: python scripts/ablation_breakdown.py DATA MODEL_DIR [MODEL_DIR ...]
           [--prior] [--knowledge {as-is,mirrored,withheld}] [--by-width FINDING]

Prints, per finding and then for the phrases that name a location (a side or a region) and
those that do not, the number of phrases and each model's AP50 / mean IoU, then one JSON
object with the same figures on the last line.

--prior adds a column for the knowledge prior alone (the box the knowledge base gives the
phrase before any image is seen). --knowledge changes what models with knowledge prompts are
told, to measure how far they lean on it: `mirrored` gives each phrase the knowledge of the
same phrase with its sides swapped, abbreviations included (the report text is unchanged),
`withheld` the knowledge of an empty phrase (no text; both lungs as the prior). Models without
knowledge prompts are unaffected by it.

--by-width FINDING adds rows for that finding's phrases by the width of their ground-truth box
at the model's input (under 6 px, 6-9, 9-12, 12 and over): where small findings are lost.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model_core.box_ops import box_cxcywh_to_xyxy  # noqa: E402
from model_core.data.collate import GroundingCollator  # noqa: E402
from model_core.data.prepared import PreparedSplit  # noqa: E402
from model_core.engine import GroundingEngine  # noqa: E402
from model_core.knowledge.perturbation import KNOWLEDGE_TEXTS  # noqa: E402
from model_core.metrics import best_iou, grounding_scores  # noqa: E402

PRIOR_COLUMN = "knowledge prior"
LOCATED, UNLOCATED = "(names a location)", "(no location word)"
WIDTH_EDGES = (6, 9, 12)  # px at the model's input


@dataclass
class PhraseRecord:
    finding: str
    names_location: bool
    prior_iou: float  # the knowledge prior alone
    iou: float  # the model's box
    width: float  # the widest ground-truth box's width at the model's input, px


@torch.inference_mode()
def phrase_records(engine: GroundingEngine, split: PreparedSplit, knowledge: str) -> list:
    """Per phrase, in split order, the model told `knowledge` of each phrase."""
    kb = engine.knowledge
    collator = GroundingCollator(engine.tokenizer, kb, engine.config)
    records = []
    for start in range(0, len(split), 16):
        indices = list(range(start, min(start + 16, len(split))))
        batch = collator(split, indices, KNOWLEDGE_TEXTS[knowledge])
        if not batch.phrases:
            continue
        boxes = box_cxcywh_to_xyxy(engine.model(batch.inputs).boxes).numpy()
        for box, phrase, image in zip(boxes, batch.phrases, batch.image_index, strict=True):
            frame = batch.letterboxes[image]
            truth = np.asarray(phrase.boxes, dtype=np.float64)
            width = float((truth[:, 2] - truth[:, 0]).max() * frame.scale)
            scale = np.array([frame.width, frame.height] * 2, dtype=np.float64)
            prior = np.array(kb.prior_box(phrase.text)) * scale
            records.append(
                PhraseRecord(
                    phrase.finding,
                    kb.names_location(phrase.text),
                    best_iou(prior, phrase.boxes),
                    best_iou(frame.model_to_image_xyxy(box), phrase.boxes),
                    width,
                )
            )
    return records


def summarise(groups: list[tuple[str, bool]], columns: dict[str, list[float]]) -> dict:
    """AP50 and mean IoU (percent) per finding, then per location group, for each column of
    per-phrase IoUs (in the order of `groups`: each phrase's finding and names_location)."""
    rows: dict[str, list[int]] = {}
    for index, (finding, _) in enumerate(groups):
        rows.setdefault(finding, []).append(index)
    for index, (_, located) in enumerate(groups):
        rows.setdefault(LOCATED if located else UNLOCATED, []).append(index)
    summary = {}
    for key in sorted(k for k in rows if k not in (LOCATED, UNLOCATED)) + [LOCATED, UNLOCATED]:
        if key not in rows:
            continue
        summary[key] = {"n": len(rows[key])}
        for name, ious in columns.items():
            scores = grounding_scores(ious[i] for i in rows[key])
            summary[key][name] = {metric: round(scores[metric], 1) for metric in ("AP50", "mIoU")}
    return summary


def width_band(width: float) -> str:
    """'<6 px', '6-9 px', ... '>=12 px' for WIDTH_EDGES (6, 9, 12)."""
    if width < WIDTH_EDGES[0]:
        return f"<{WIDTH_EDGES[0]} px"
    for low, high in zip(WIDTH_EDGES, WIDTH_EDGES[1:], strict=False):
        if width < high:
            return f"{low}-{high} px"
    return f">={WIDTH_EDGES[-1]} px"


def by_width(finding: str, records: list, columns: dict[str, list[float]]) -> dict:
    """The finding's phrases in width bands, AP50 and mean IoU (percent) per column."""
    bands: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        if record.finding == finding:
            bands.setdefault(width_band(record.width), []).append(index)
    order = [width_band(w) for w in (0, *WIDTH_EDGES)]
    summary = {}
    for band in (b for b in order if b in bands):
        summary[f"{finding} {band}"] = {"n": len(bands[band])}
        for name, ious in columns.items():
            scores = grounding_scores(ious[i] for i in bands[band])
            summary[f"{finding} {band}"][name] = {m: round(scores[m], 1) for m in ("AP50", "mIoU")}
    return summary


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("models", type=Path, nargs="+")
    parser.add_argument("--prior", action="store_true", help="add the knowledge prior alone")
    parser.add_argument("--knowledge", choices=sorted(KNOWLEDGE_TEXTS), default="as-is")
    parser.add_argument("--by-width", metavar="FINDING", help="that finding by box width too")
    args = parser.parse_args(argv)
    split = PreparedSplit.load(args.data)
    columns: dict[str, list[float]] = {}
    groups: list[tuple[str, bool]] = []
    first: list[PhraseRecord] = []
    for model in args.models:
        engine = GroundingEngine.load(model, device="cpu", threads=1)
        records = phrase_records(engine, split, args.knowledge)
        if not groups:
            first = records
            groups = [(r.finding, r.names_location) for r in records]
            if args.prior:
                columns[PRIOR_COLUMN] = [r.prior_iou for r in records]
        columns[str(model)] = [r.iou for r in records]
    summary = summarise(groups, columns)
    if args.by_width:
        summary.update(by_width(args.by_width, first, columns))
    for key, row in summary.items():
        cells = "  ".join(f"{r['AP50']:5.1f}/{r['mIoU']:5.1f}" for k, r in row.items() if k != "n")
        print(f"{key:20s} {row['n']:4d}  {cells}")
    return summary


if __name__ == "__main__":
    print(json.dumps(main()))
