#!/usr/bin/env bash
# The test command: set up everything a fresh machine needs (idempotent), then run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 -m pytest -q "$@"
