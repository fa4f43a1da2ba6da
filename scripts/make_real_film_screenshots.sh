#!/usr/bin/env bash
# The viewer on the real CR chest film RG1 (pydicom-data) with three reports written for this
# project in different styles (docs/examples/rg1/*.txt), headless:
# docs/images/rg1-<style>.png. The reports describe no real patient and do not match the film;
# they show how report wording is read (phrases, hedges, restatements), not diagnostic accuracy.
# Usage: bash scripts/make_real_film_screenshots.sh [MODEL_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
FILM=$("$BIN/python" -c "from pydicom.data import get_testdata_file as f; print(f('RG1_UNCR.dcm'))")
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
for report in docs/examples/rg1/*.txt; do
    style=$(basename "$report" .txt)
    mkdir -p "$WORK/$style"
    cp "$FILM" "$WORK/$style/image.dcm"
    cp "$report" "$WORK/$style/report.txt"
    QT_QPA_PLATFORM=offscreen "$BIN/knowmvg-viewer" "$WORK/$style" ${1:+--model "$1"} \
        --screenshot "docs/images/rg1-$style.png" --select 0
done
