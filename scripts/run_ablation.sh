#!/usr/bin/env bash
# Reproduce the ablation table: four rows on the same data, tokenizer, seed and budget.
# Two runs at a time, one CPU thread each (what a 2-core machine allows); on a GPU machine
# drop --threads and run them one after the other.
#   bash scripts/run_ablation.sh [DATA_DIR] [RUNS_DIR] [MINUTES]
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-data}"
RUNS="${2:-runs/ablation}"
MINUTES="${3:-25}"
PY="${PYTHON:-.venv/bin/python}"
if [ ! -d "$DATA/train" ]; then
    "$PY" -m model_core.data.prepare --split val --n 300 --out "$DATA/val"
    "$PY" -m model_core.data.prepare --split test --n 600 --out "$DATA/test"
    "$PY" -m model_core.data.prepare --split train --n 14000 --out "$DATA/train"
fi
[ -f "$RUNS/tokenizer/tokenizer.json" ] || \
    "$PY" -m model_core.text.train_tokenizer --data "$DATA/train" --out "$RUNS/tokenizer"
train() {  # name, extra flags...
    local name="$1"; shift
    "$PY" -m model_core.train --train-data "$DATA/train" --val-data "$DATA/val" \
        --out "$RUNS/$name" --tokenizer "$RUNS/tokenizer" --time-budget-min "$MINUTES" \
        --epochs 20 --batch-size 16 --threads 1 --seed 0 "$@" > "$RUNS/$name.log" 2>&1
}
mkdir -p "$RUNS"
train baseline --no-knowledge-prompts --no-global-local & train full & wait
train knowledge-prompts --no-global-local & train global-local --no-knowledge-prompts & wait
for row in baseline knowledge-prompts global-local full; do
    "$PY" -m model_core.evaluate_split --model "$RUNS/$row/best" --data "$DATA/test" \
        --protocol phrase --json "$RUNS/$row/test_metrics.json"
done
