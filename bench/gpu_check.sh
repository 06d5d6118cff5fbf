#!/usr/bin/env bash
# The GPU check, as one command on the GPU machine (run there from the repository root with
# .gpu-carry carried: bench/gpu_wheels.sh makes it): install the carried wheels beside the image's
# packages, then run bench/gpu_path.py on the carried data; the table on stdout, the figures in
# $OUT/gpu_path.json.
set -euo pipefail
python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .gpu-carry/wheels/*.whl
export PYTHONPATH=/tmp/site PYTHONUNBUFFERED=1
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
python3 bench/gpu_path.py --data .gpu-carry/llmbar-rewardbench.jsonl --json "${OUT:-/tmp}/gpu_path.json" "$@"
