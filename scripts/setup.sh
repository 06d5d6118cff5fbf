#!/usr/bin/env bash
# One-time set-up on a fresh machine: Python packages (CPU torch) for the app, evaluator and tests,
# and Debian's chromium for the browser tests (Playwright cannot download its own browser here).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null \
        || echo "setup: could not install chromium; the browser tests will be skipped" >&2
fi
