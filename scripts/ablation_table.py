"""The ablation table from `scripts/run_ablation.sh`'s runs: mean +/- sd over seeds per row.

Usage: python scripts/ablation_table.py RUNS [--steps N] [--metrics METRICS_JSON]
RUNS holds <row>/seed<k>/test_metrics.json (phrase-given scores on the test split) for the
rows baseline, knowledge-prompts, global-local and full. Prints a Markdown table, then one
JSON object (the `ablation` record) on its last line; with --metrics, writes that record into
the model's metrics.json under "ablation" (atomically). A row with no finished run is left
out and named on stderr; the target check needs both baseline and full.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowmvg_viewer.export.atomic import write_bytes_atomic  # noqa: E402

ROWS = {  # run folder -> the row's name in metrics.json and the model card
    "baseline": "baseline",
    "knowledge-prompts": "+knowledge prompts",
    "global-local": "+global-local",
    "full": "full",
}
METRICS = ("AP10", "AP30", "AP50", "mIoU")
TARGET_AP50_GAIN = 3.0
SEEDS_PER_ROW = 3  # the protocol; a table with fewer is recorded as incomplete


def row_scores(folder: Path) -> dict:
    """Per seed phrase-given scores, and their mean and sd (population of seeds: n - 1)."""
    runs = sorted(folder.glob("seed*/test_metrics.json"))
    seeds = {path.parent.name: json.loads(path.read_text())["phrase_given"] for path in runs}
    summary = {"seeds": len(seeds), "per_seed": seeds}
    for metric in METRICS:
        values = [scores[metric] for scores in seeds.values()]
        summary[metric] = {
            "mean": round(statistics.fmean(values), 2),
            "sd": round(statistics.stdev(values), 2) if len(values) > 1 else None,
        }
    return summary


def ablation(runs: Path, steps: int | None) -> dict:
    rows = {}
    for folder, name in ROWS.items():
        if any((runs / folder).glob("seed*/test_metrics.json")):
            rows[name] = row_scores(runs / folder)
        else:
            print(f"{runs / folder}: no finished run, row left out", file=sys.stderr)
    record = {"protocol": "phrase given, test split", "steps_per_run": steps, "rows": rows}
    record["complete"] = len(rows) == len(ROWS) and all(
        row["seeds"] >= SEEDS_PER_ROW for row in rows.values()
    )
    if "baseline" in rows and "full" in rows:
        base, full = rows["baseline"]["AP50"], rows["full"]["AP50"]
        gain = round(full["mean"] - base["mean"], 2)
        apart = (
            base["sd"] is not None
            and full["sd"] is not None
            and full["mean"] - full["sd"] > base["mean"] + base["sd"]
        )
        record["full_minus_baseline_AP50"] = gain
        record["target_met"] = gain >= TARGET_AP50_GAIN and apart
    return record


def markdown(record: dict) -> str:
    lines = ["| row | seeds | " + " | ".join(METRICS) + " |", "|---" * (len(METRICS) + 2) + "|"]
    for name, row in record["rows"].items():
        cells = [
            f"{row[m]['mean']:.1f} ± {row[m]['sd']:.1f}"
            if row[m]["sd"] is not None
            else f"{row[m]['mean']:.1f}"
            for m in METRICS
        ]
        lines.append(f"| {name} | {row['seeds']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write_metrics(path: Path, record: dict) -> None:
    document = json.loads(path.read_text()) if path.exists() else {}
    document["ablation"] = record
    text = json.dumps(document, indent=2) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"), overwrite=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path)
    parser.add_argument("--steps", type=int, help="the steps every run trained for")
    parser.add_argument("--metrics", type=Path, help="metrics.json to record the table in")
    args = parser.parse_args(argv)
    record = ablation(args.runs, args.steps)
    if not record["rows"]:
        print(f"{args.runs}: no finished runs", file=sys.stderr)
        return 2
    print(markdown(record))
    if args.metrics is not None:
        write_metrics(args.metrics, record)
    print(json.dumps(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
