#!/usr/bin/env bash
# Retrain the bundled default model (knowmvg-tiny), end to end, on a CPU or one GPU:
# synthetic train/val/test splits, the tokenizer, a time-budgeted training run, and the test
# split scored with both protocols (the model card's recipe). Everything lands in OUT
# (default runs/default):
#   OUT/best/        the model directory to copy to resources/models/knowmvg-tiny
#   OUT/test.json    phrase-given and end-to-end scores on the test split
#   OUT/metrics.jsonl, OUT/train.log
# Usage: bash scripts/train_default.sh [OUT]
# Knobs (environment): BUDGET_MIN (training minutes, default 5), BATCH (default 32),
# LR (default 8e-4), N_TRAIN (default 14000), WORKERS (data processes, default all cores),
# THREADS (torch CPU threads), INIT_FROM (a model directory to warm-start from: its weights,
# with token embeddings mapped onto the new tokenizer), IMAGE_SIZE (the model's input, default
# 256: the splits are prepared at it and the model takes it from them), PYTHON.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-runs/default}"
PYTHON="${PYTHON:-python3}"
WORKERS="${WORKERS:-$(nproc)}"
DATA="${DATA:-$OUT/data}"
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$OUT" "$DATA"
prepare() {
    "$PYTHON" -m model_core.data.prepare --split "$1" --n "$2" --out "$DATA/$1" --workers "$WORKERS" \
        --image-size "${IMAGE_SIZE:-256}"
}
prepare train "${N_TRAIN:-14000}"
prepare val 300
prepare test 600
"$PYTHON" -m model_core.text.train_tokenizer --data "$DATA/train" --out "$OUT/tokenizer"
"$PYTHON" -m model_core.train --train-data "$DATA/train" --val-data "$DATA/val" --out "$OUT" \
    --tokenizer "$OUT/tokenizer" --time-budget-min "${BUDGET_MIN:-5}" --epochs 200 \
    --batch-size "${BATCH:-32}" --lr "${LR:-8e-4}" --warmup-steps "${WARMUP:-200}" --seed 0 \
    ${THREADS:+--threads "$THREADS"} ${INIT_FROM:+--init-from "$INIT_FROM"} 2>&1 \
    | tee "$OUT/train.log"
"$PYTHON" -m model_core.evaluate_split --model "$OUT/best" --data "$DATA/test" \
    ${THREADS:+--threads "$THREADS"} --json "$OUT/test.json"
