#!/usr/bin/env bash
# Retrain the bundled default model (knowmvg-tiny) on one GPU, end to end: synthetic
# train/val/test splits, the tokenizer, a time-budgeted training run, and the test split
# scored with both protocols. The recipe is the model card's; only the budget and the batch
# differ from the CPU recipe. Everything lands in OUT (default runs/default):
#   OUT/best/        the model directory to copy to resources/models/knowmvg-tiny
#   OUT/test.json    phrase-given and end-to-end scores on the test split
#   OUT/metrics.jsonl, OUT/train.log
# Usage: bash scripts/train_default_gpu.sh [OUT]
# Knobs (environment): BUDGET_MIN (training minutes, default 5), BATCH (default 32),
# N_TRAIN (default 14000), WORKERS (data processes, default all cores), PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-runs/default}"
PYTHON="${PYTHON:-python3}"
WORKERS="${WORKERS:-$(nproc)}"
DATA="${DATA:-$OUT/data}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$OUT" "$DATA"
prepare() {
    "$PYTHON" -m model_core.data.prepare --split "$1" --n "$2" --out "$DATA/$1" --workers "$WORKERS"
}
prepare train "${N_TRAIN:-14000}"
prepare val 300
prepare test 600
"$PYTHON" -m model_core.text.train_tokenizer --data "$DATA/train" --out "$OUT/tokenizer"
"$PYTHON" -m model_core.train --train-data "$DATA/train" --val-data "$DATA/val" --out "$OUT" \
    --tokenizer "$OUT/tokenizer" --time-budget-min "${BUDGET_MIN:-5}" --epochs 200 \
    --batch-size "${BATCH:-32}" --lr "${LR:-8e-4}" --seed 0 2>&1 | tee "$OUT/train.log"
"$PYTHON" -m model_core.evaluate_split --model "$OUT/best" --data "$DATA/test" \
    --json "$OUT/test.json"
