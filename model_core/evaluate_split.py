"""Evaluate a model on a prepared split, both protocols: `python -m model_core.evaluate_split`.

For synthetic test splits made by `python -m model_core.data.prepare` (the ablation and
the model card use it); `python -m model_core.evaluate` covers the public dataset formats.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from .data.collate import GroundingCollator
from .data.prepared import PreparedSplit
from .engine import GroundingEngine
from .evaluate_protocols import evaluate_end_to_end, evaluate_phrase_given


def run_protocols(engine: GroundingEngine, split: PreparedSplit, protocols: list[str]) -> dict:
    """Scores and seconds per protocol ("phrase" and/or "end2end")."""
    collator = GroundingCollator(engine.tokenizer, engine.knowledge, engine.config)
    result: dict = {"studies": len(split), "seconds": {}}
    for protocol in protocols:
        started = time.perf_counter()
        if protocol == "phrase":
            result["phrase_given"] = evaluate_phrase_given(engine.model, collator, split)
        else:
            result["end_to_end"] = evaluate_end_to_end(engine, split)
        result["seconds"][protocol] = round(time.perf_counter() - started, 1)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m model_core.evaluate_split")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True, help="prepared split folder")
    parser.add_argument("--device", default="auto")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--limit", type=int, help="first N studies only")
    parser.add_argument("--protocol", choices=["phrase", "end2end", "both"], default="both")
    parser.add_argument("--json", type=Path, metavar="OUT")
    args = parser.parse_args(argv)
    try:
        engine = GroundingEngine.load(args.model, device=args.device, threads=args.threads)
        split = PreparedSplit.load(args.data)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.limit:
        split = PreparedSplit(split.pixels[: args.limit], split.records[: args.limit])
    protocols = ["phrase", "end2end"] if args.protocol == "both" else [args.protocol]
    scores = {
        "model": engine.describe(),
        "data": str(args.data),
        **run_protocols(engine, split, protocols),
    }
    text = json.dumps(scores, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
