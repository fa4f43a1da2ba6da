#!/usr/bin/env bash
# The ablation that holds up: four rows (baseline, + knowledge prompts, + global-local, full)
# on the same data and tokenizer, each trained for the same number of optimiser steps
# (--max-steps, not wall-clock), three seeds per row; every run scored on the test split,
# then `scripts/ablation_table.py` reports mean +/- sd per row and writes it into the model's
# metrics.json under "ablation".
#   bash scripts/run_ablation.sh [DATA_DIR] [RUNS_DIR] [STEPS] [SEEDS...]
# Stopping: Ctrl-C (or SIGTERM to this script) stops the running runs, each saving its
# checkpoint; running the script again resumes those runs and skips finished ones.
# Knobs (environment): PARALLEL (runs at once, default 1: on a 2-core CPU use 2 with
# THREADS=1), THREADS (torch CPU threads per run), ROWS (the rows to run, default all four),
# PYTHON, METRICS (a metrics.json to update).
# Cost: a tiny run takes 1.1-1.7 s a step on 2 idle CPU cores (stride-8 features), so the
# default 2000 steps x 12 runs is 7-11 hours there; a GPU does a run in minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-data}"
RUNS="${2:-runs/ablation}"
STEPS="${3:-2000}"
shift $(( $# < 3 ? $# : 3 ))
SEEDS=("${@:-0 1 2}")
read -r -a SEEDS <<< "${SEEDS[*]}"
PY="${PYTHON:-.venv/bin/python}"
PARALLEL="${PARALLEL:-1}"
read -r -a ROWS <<< "${ROWS:-baseline knowledge-prompts global-local full}"
declare -A FLAGS=(
    [baseline]="--no-knowledge-prompts --no-global-local"
    [knowledge-prompts]="--no-global-local"
    [global-local]="--no-knowledge-prompts"
    [full]=""
)
for row in "${ROWS[@]}"; do
    [ -v "FLAGS[$row]" ] || { echo "run_ablation: unknown row '$row' (${!FLAGS[*]})" >&2; exit 2; }
done
if [ ! -d "$DATA/train" ]; then
    "$PY" -m model_core.data.prepare --split val --n 300 --out "$DATA/val"
    "$PY" -m model_core.data.prepare --split test --n 600 --out "$DATA/test"
    "$PY" -m model_core.data.prepare --split train --n 14000 --out "$DATA/train"
fi
mkdir -p "$RUNS"
stop() {  # the runs are background jobs, which ignore the terminal's Ctrl-C: pass it on
    echo "run_ablation: stopping; each running run saves a checkpoint to resume from" >&2
    for job in $(jobs -p); do pkill -TERM -P "$job" || true; done
    wait
    exit 130
}
trap stop INT TERM
[ -f "$RUNS/tokenizer/tokenizer.json" ] || \
    "$PY" -m model_core.text.train_tokenizer --data "$DATA/train" --out "$RUNS/tokenizer"
run() {  # row seed
    local out="$RUNS/$1/seed$2" resume=""
    if [ ! -f "$out/test_metrics.json" ]; then  # a finished run is not redone
        # a run stopped part way (Ctrl-C, or killed after an epoch's checkpoint) goes on from
        # its last checkpoint, so the 12 runs can be spread over several sittings
        [ -f "$out/last/trainer_state.json" ] && resume="--resume"
        # shellcheck disable=SC2086
        "$PY" -m model_core.train --train-data "$DATA/train" --val-data "$DATA/val" \
            --out "$out" --tokenizer "$RUNS/tokenizer" --max-steps "$STEPS" --epochs 1000 \
            --batch-size 16 --seed "$2" ${THREADS:+--threads "$THREADS"} ${FLAGS[$1]} $resume \
            >> "$out.log" 2>&1
        "$PY" -m model_core.evaluate_split --model "$out/best" --data "$DATA/test" \
            --protocol phrase --json "$out/test_metrics.json" >> "$out.log" 2>&1
    fi
}
for seed in "${SEEDS[@]}"; do
    for row in "${ROWS[@]}"; do
        mkdir -p "$RUNS/$row"
        run "$row" "$seed" &
        while [ "$(jobs -rp | wc -l)" -ge "$PARALLEL" ]; do wait -n; done
    done
done
wait
"$PY" scripts/ablation_table.py "$RUNS" --steps "$STEPS" ${METRICS:+--metrics "$METRICS"}
