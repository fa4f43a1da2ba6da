"""Phrase extraction on the hand-written real-style reports, per style.

Scores knowledge-guided extraction (`model_core.text.extraction`) against the annotated
set in tests/data/reports/ (the held-out half by default: no rule is tuned on it) and times
it on a 300-word report. Prints a table, then one JSON object on its last line.
Targets: F1 >= 0.90 in every style, fragments <= 2%, assertion accuracy >= 0.95,
("part" is the share of fragments that name a finding but miss most of the expected phrase),
extraction <= 20 ms per 300-word report.

    python bench/report_phrases.py [--split heldout|dev]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from model_core.knowledge import KnowledgeBase
from model_core.text.extraction import PhraseExtractor
from model_core.text.phrase_metrics import load_report_set, score_set

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "reports"


def extraction_ms(extractor: PhraseExtractor, records: list[dict], runs: int = 30) -> dict:
    """Median time for the longest report, and its word count."""
    longest = max(records, key=lambda r: len(r["report"].split()))["report"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extractor.extract(longest)
        times.append((time.perf_counter() - start) * 1000.0)
    return {"words": len(longest.split()), "p50_ms": round(statistics.median(times), 2)}


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="heldout", choices=["heldout", "dev"])
    args = parser.parse_args()
    records = load_report_set(DATA / f"{args.split}.jsonl")
    knowledge = KnowledgeBase.load()
    extractor = PhraseExtractor(knowledge)
    scores = {style: c.summary() for style, c in score_set(records, knowledge, extractor).items()}
    print(f"{args.split}: {len(records)} reports")
    print(
        f"{'style':<14}{'P':>7}{'R':>7}{'F1':>7}{'frag':>7}{'part':>7}{'assert':>8}{'phrases':>9}"
    )
    for style, s in sorted(scores.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        print(
            f"{style:<14}{s['precision']:>7.3f}{s['recall']:>7.3f}{s['f1']:>7.3f}"
            f"{s['fragment_rate']:>7.3f}{s['partial_rate']:>7.3f}{s['assertion_accuracy']:>8.3f}"
            f"{s['expected']:>9}"
        )
    result = {
        "split": args.split,
        "reports": len(records),
        "scores": scores,
        "min_style_f1": min(s["f1"] for k, s in scores.items() if k != "all"),
        "extraction": extraction_ms(extractor, records),
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
