#!/usr/bin/env bash
# The whole project in one command, offline on a CPU: install everything, build four small reward
# models, queue and evaluate them on the sample benchmark, then serve the leaderboard at
# http://127.0.0.1:7860 with a worker beside it (submit a model folder in the Submit tab; Ctrl-C
# stops both). Extra arguments go to `python -m demo` (e.g. --no-serve, --port 7870).
# A second run reuses the models and results under demo-data/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec python3 -m demo "$@"
