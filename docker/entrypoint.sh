#!/usr/bin/env bash
# Entry point of the container image: picks the process(es) to run.
#
#   app            the web app (default): python app.py
#   worker [ARGS]  the evaluation worker: python -m evaluator.worker [ARGS]  (e.g. `worker --once`)
#   all            the web app and one worker side by side; when either exits, the other is
#                  stopped and the container exits with the first one's status
#   healthcheck    exit 0 when the web app of this container answers and its worker looked at the
#                  queue or beat recently (python -m evaluator.liveness); always where neither runs
#   anything else  run as given, e.g. `python -m evaluator run --model ORG/NAME --output /data/out`
#
# Settings come from the environment (see the Dockerfile's ENV and the README's "Deploying").
# RMLB_ENTRYPOINT_DRY_RUN=1 prints the command(s) instead of running them.
set -euo pipefail

cd "$(dirname "$0")/.."

APP=(python app.py)
WORKER=(python -m evaluator.worker)
ROLE_FILE="${TMPDIR:-/tmp}/rmlb-role"

dry_run() {
    [ -n "${RMLB_ENTRYPOINT_DRY_RUN:-}" ] && [ "${RMLB_ENTRYPOINT_DRY_RUN}" != 0 ]
}

show() {
    local quoted
    printf -v quoted '%q ' "$@"
    printf '%s\n' "${quoted% }"
}

# The folders the processes write to must exist and be writable by this user: a host folder
# mounted on /data usually belongs to someone else, and the error would otherwise come much later.
prepare_dirs() {
    local dir
    for dir in "${RMLB_STORE_ROOT:-}" "${RMLB_HUB_CACHE:-}" "${HF_HOME:-}"; do
        [ -n "$dir" ] || continue
        if ! mkdir -p "$dir" 2>/dev/null || [ ! -w "$dir" ]; then
            echo "entrypoint: $dir is not writable by uid $(id -u); make the volume writable for it" \
                "(e.g. chown -R $(id -u):$(id -g) on the host folder) or use a named volume" >&2
            exit 1
        fi
    done
}

remember_role() {
    printf '%s\n' "$1" >"$ROLE_FILE" 2>/dev/null || true
}

run_one() {
    local role=$1
    shift
    if dry_run; then
        show "$@"
        exit 0
    fi
    [ "$role" = other ] || prepare_dirs
    remember_role "$role"
    exec "$@"
}

# App and worker side by side, supervised simply: the first one to exit ends the container.
run_all() {
    if dry_run; then
        show "${APP[@]}"
        show "${WORKER[@]}"
        exit 0
    fi
    prepare_dirs
    remember_role all
    local pids=() status=0 pid stopping=""
    stop_children() {
        [ -n "$stopping" ] && return
        stopping=1
        kill -TERM "${pids[@]}" 2>/dev/null || true
    }
    trap stop_children TERM INT
    "${APP[@]}" &
    pids+=($!)
    "${WORKER[@]}" &
    pids+=($!)
    wait -n "${pids[@]}" || status=$?
    stop_children
    # The worker finishes the evaluation in progress before it exits: wait for it.
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null; do
            wait "$pid" 2>/dev/null || true
        done
    done
    exit "$status"
}

healthcheck() {
    local role
    role=$(cat "$ROLE_FILE" 2>/dev/null || true)
    case "$role" in
        other) exit 0 ;;  # a command of the user's: when it stops, the container ends anyway
        worker) exec python -m evaluator.liveness ;;  # a hung scheduler keeps the process up: ask its file
        all) python -m evaluator.liveness || exit 1 ;;
    esac
    exec python -c 'import os, urllib.request
port = os.environ.get("RMLB_SERVER_PORT") or "7860"
urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).close()'
}

command=${1:-app}
[ "$#" -gt 0 ] && shift
case "$command" in
    app)
        if [ "$#" -gt 0 ]; then
            echo "entrypoint: 'app' takes no arguments (settings come from RMLB_* variables)" >&2
            exit 2
        fi
        run_one app "${APP[@]}"
        ;;
    worker)
        run_one worker "${WORKER[@]}" "$@"
        ;;
    all)
        if [ "$#" -gt 0 ]; then
            echo "entrypoint: 'all' takes no arguments (settings come from RMLB_* variables)" >&2
            exit 2
        fi
        run_all
        ;;
    healthcheck)
        healthcheck
        ;;
    *)
        run_one other "$command" "$@"
        ;;
esac
