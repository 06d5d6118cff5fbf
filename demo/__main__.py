"""One-command demo: sample benchmarks -> small reward models -> queue -> worker -> leaderboard.

    python -m demo                  build and evaluate what is missing, then serve the leaderboard
                                    with a worker beside it: submit a model folder in the Submit tab
    python -m demo --no-serve       build and evaluate only
    python -m demo --root DIR       keep the models and the results store under DIR

Everything runs offline on a CPU in a few minutes; a second run reuses every model and result.
Every model is evaluated on every demo benchmark (demo/benchmarks.py), on toy samples written for
this project (data/sample-rewardbench.jsonl for RewardBench, data/sample-rewardbench-2.jsonl for
RewardBench 2, data/sample-m-rewardbench.jsonl for M-RewardBench), not on their real data: the
scores show the pipeline working, nothing about real reward models.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Sequence

from .benchmarks import SAMPLES
from .models import ORG
from .sample_data import REPO_ROOT

if TYPE_CHECKING:
    from .pipeline import ModelStatus

log = logging.getLogger("demo")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--root",
        type=Path,
        default=REPO_ROOT / "demo-data",
        help="folder for the models and the results store (default: demo-data/)",
    )
    parser.add_argument(
        "--data", type=Path, default=SAMPLES["rewardbench"], help="RewardBench data (the RewardBench schema)"
    )
    parser.add_argument(
        "--data-rb2",
        type=Path,
        default=SAMPLES["rewardbench-2"],
        help="RewardBench 2 data (the RewardBench 2 schema: lists of chosen and rejected completions)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the initial weights and training batches of models built in this run",
    )
    parser.add_argument(
        "--no-serve", action="store_true", help="build and evaluate only; do not start the app"
    )
    parser.add_argument("--host", default="127.0.0.1", help="where the app listens")
    parser.add_argument("--port", type=int, default=7860, help="the app's port")
    return parser


def _interval(ci) -> str:
    return f" [{ci.low:.2f}, {ci.high:.2f}]" if ci else ""


def log_summary(statuses: list["ModelStatus"]) -> None:
    """One line per model and benchmark: its score and interval, or why it has none."""
    for status in statuses:
        name, result = f"{ORG}/{status.model.path.name} {status.benchmark}", status.result
        state = status.request.status.value if status.request else "NOT QUEUED"
        if result is None or result.score is None:
            error = f": {status.request.error}" if status.request and status.request.error else ""
            log.warning("%-34s %-13s %s%s", name, status.model.spec.model_type, state, error)
            continue
        sections = ", ".join(f"{k} {v.score:.2f}" for k, v in result.sections.items())
        log.info(
            "%-34s %-13s score %.3f%s (%s)",
            name,
            status.model.spec.model_type,
            result.score,
            _interval(result.score_ci95),
            sections,
        )


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    # The app and the worker get the caller's environment, not the demo's offline switch.
    app_env = dict(os.environ)
    # The demo needs nothing from the Hub; set before the Hub client is first imported (below).
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from evaluator.worker import configure_logging

    from .pipeline import DemoError, DemoLayout, build_and_evaluate
    from .serve import serve

    configure_logging()
    data = {**SAMPLES, "rewardbench": args.data, "rewardbench-2": args.data_rb2}
    try:
        statuses = build_and_evaluate(args.root, data, args.seed)
    except DemoError as exc:
        log.error("%s", exc)
        return 1
    log_summary(statuses)
    missing = [s for s in statuses if s.result is None]
    if missing:
        log.error("%d demo evaluation(s) have no result; the worker log above says why", len(missing))
    if args.no_serve:
        return 1 if missing else 0
    return serve(app_env, DemoLayout(args.root.resolve()).store, data, args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
