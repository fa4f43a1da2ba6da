#!/usr/bin/env bash
# GPU check of the base architecture at real shapes (bench/gpu_check.py): latency per report
# and peak GPU memory. Meant for a lent GPU machine, whose python3 already holds torch,
# transformers, peft, safetensors, tokenizers and OpenCV; nothing is installed or fetched.
# Usage: bash scripts/gpu_check.sh [--dry-run]
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" bench/gpu_check.py "$@"
