"""`python -m evaluator run ...`: evaluate one model and write its result files."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Optional, Sequence, get_args

from pydantic import ValidationError

from results.schema import EvalResult
from results.store import LocalStore

from results.model_types import MODEL_TYPES

from .adapters.chat_format import CHAT_FORMATS
from .benchmarks import BENCHMARKS
from .device import DEVICES, DTYPES
from .errors import EvaluationError
from .policy.cli import add_policy_parser, policy_main
from .run_config import RunConfig
from .speed.options import PackingMode

log = logging.getLogger("evaluator")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evaluator", description="Evaluate reward models.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="evaluate one model on a benchmark")
    run.add_argument("--model", required=True, help="local folder or Hub id 'org/name'")
    run.add_argument("--model-type", choices=sorted(MODEL_TYPES), help=_default("model_type"))
    run.add_argument("--revision", help="Hub branch, tag or commit (default: main)")
    run.add_argument("--ref-model", help="reference model for DPO model types (folder or Hub id)")
    run.add_argument("--ref-revision", help="revision of the reference model")
    run.add_argument("--cache-dir", help="results-store folder for reusable data (reference log-probs)")
    run.add_argument(
        "--per-token-mean",
        action="store_true",
        help="dpo-ref-free: score a response by the mean of its token log-probs instead of their sum",
    )
    run.add_argument(
        "--no-prefix-sharing", dest="prefix_sharing", action="store_false", default=None,
        help="score every text whole, the prompt too, instead of running a prompt its responses share once",
    )
    run.add_argument(
        "--no-pooled-final-layer", dest="pooled_final_layer", action="store_false", default=None,
        help="classifiers: compute the final layer at every position, not only at the token the reward is read from",
    )
    run.add_argument(
        "--packing", choices=get_args(PackingMode),
        help="texts scored on their own: laid end to end in rows without padding (on), padded batches (off), "
        "or packed only where the attention kernel is variable-length, e.g. flash-attention on a GPU "
        + _default("packing"),
    )
    run.add_argument(
        "--benchmark",
        default="rewardbench",
        help=f"one of {', '.join(BENCHMARKS)}, or a dataset (local JSON/JSONL/Parquet or Hub id) "
        "in the RewardBench schema, scored by RewardBench's rules",
    )
    run.add_argument("--data", help="dataset replacing the benchmark's default data")
    run.add_argument("--split", dest="data_split", metavar="SPLIT", help="split of a Hub dataset given by --data")
    run.add_argument("--prior-sets", action="store_true", help="also score the prior preference sets")
    run.add_argument("--subsets", type=_comma_list, help="comma-separated subsets to keep")
    run.add_argument("--device", help=f"one of {', '.join(DEVICES)} " + _default("device"))
    run.add_argument("--dtype", choices=["auto", *DTYPES], help=_default("dtype"))
    run.add_argument(
        "--chat-template",
        help=f"one of {', '.join(CHAT_FORMATS)}, or the path of a Jinja template file " + _default("chat_template"),
    )
    run.add_argument("--max-length", type=_positive_int, help="truncate texts to N tokens")
    run.add_argument(
        "--batch-tokens",
        type=_positive_int,
        help="padded tokens per batch (default: 16384 on CPU; on a GPU, sized to the memory the weights leave free)",
    )
    run.add_argument("--bootstrap-samples", type=_positive_int, help=_default("bootstrap_samples"))
    run.add_argument("--seed", type=int, help="seed of the bootstrap intervals " + _default("seed"))
    run.add_argument(
        "--no-progress", dest="progress", action="store_false", help="hide every progress bar, model loading's too"
    )
    run.add_argument("--output", required=True, help="folder for <org>/<name>.json and .scores.jsonl")
    _add_judge_arguments(run.add_argument_group("generative judges (--model-type generative)"))
    critique = run.add_argument_group("critique models (--model-type cloud)")
    critique.add_argument(
        "--num-critiques", dest="cloud.num_critiques", type=int,
        help="critiques per response, rewards averaged (default 1; 0: score without a critique)",
    )
    critique.add_argument("--critique-max-tokens", dest="cloud.max_new_tokens", type=_positive_int, help="(512)")
    critique.add_argument(
        "--critique-temperature", dest="cloud.temperature", type=float, help="0 = greedy (default); > 0 samples"
    )
    queue = commands.add_parser(
        "queue-api-judge", help="(host) queue one of this host's API judges (RMLB_API_JUDGES) for evaluation"
    )
    queue.add_argument("name", help="the judge's name in RMLB_API_JUDGES")
    queue.add_argument("--benchmark", action="append", dest="benchmarks", help="repeatable (default: rewardbench-2)")
    queue.add_argument("--judge-format", help="a built-in judge format (default: mt-bench-pairwise)")
    queue.add_argument("--judge-orders", type=int, choices=[1, 2], default=2)
    add_policy_parser(commands, _positive_int, _add_judge_arguments)
    return parser


def queue_main(args: argparse.Namespace) -> int:
    """Queue an API judge in the store the worker reads (its settings come from the environment)."""
    from .api_judges import api_judge_requests, queue_api_judge
    from .settings import SettingsError, WorkerSettings, build_store

    try:
        settings = WorkerSettings.from_env()
        requests = api_judge_requests(
            settings, args.name, args.benchmarks or ["rewardbench-2"], args.judge_format, args.judge_orders
        )
        queue_api_judge(build_store(settings), requests)
    except (EvaluationError, SettingsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for request in requests:
        log.info("queued %s (%s/%s on %s)", request.request_id, request.org, request.name, request.benchmark)
    return 0


def _add_judge_arguments(group: argparse._ArgumentGroup) -> None:
    """Dests are `judge.<JudgeSettings field>`: RunConfig.from_args gathers them into `judge`."""
    from .judges.formats import FORMATS  # pure python: the formats' names for the help text

    group.add_argument(
        "--judge-format", dest="judge.format",
        help=f"one of {', '.join(FORMATS)}, or a Jinja template file (default: mt-bench-pairwise)",
    )
    group.add_argument(
        "--judge-mode", dest="judge.format_mode", choices=["pairwise", "ranking", "rating"],
        help="the mode of a template file given to --judge-format (default: pairwise)",
    )
    group.add_argument(
        "--judge-orders", dest="judge.orders", type=int, choices=[1, 2],
        help="2: judge each pair as A/B and B/A (default); 1: one order, drawn with --seed",
    )
    group.add_argument("--judge-backend", dest="judge.backend", choices=["transformers", "vllm", "api"])
    group.add_argument("--judge-max-new-tokens", dest="judge.max_new_tokens", type=_positive_int)
    group.add_argument("--judge-temperature", dest="judge.temperature", type=float, help="0 = greedy (default)")
    group.add_argument("--api-base", dest="judge.api_base", help="an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    group.add_argument("--api-model", dest="judge.api_model", help="the model name the API expects (default: --model)")
    group.add_argument("--api-key-env", dest="judge.api_key_env", help="the environment variable that holds the API key")
    group.add_argument("--api-concurrency", dest="judge.concurrency", type=_positive_int, help="requests in flight (8)")
    group.add_argument("--api-timeout", dest="judge.timeout_s", type=float, help="seconds per request (60)")
    group.add_argument("--api-retries", dest="judge.max_retries", type=int, help="retries on 429/5xx/timeouts (5)")


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "queue-api-judge":
        return queue_main(args)
    if args.command == "policy":
        return policy_main(args)
    from .runner import evaluate  # torch loads only once the arguments are known good

    try:
        config = RunConfig.from_args(args)
        store = LocalStore(args.cache_dir) if args.cache_dir else None
        outcome = evaluate(config, store)
        result_path, scores_path = outcome.write(Path(args.output))
    except EvaluationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ValidationError as exc:
        print(f"error: {_validation_message(exc)}", file=sys.stderr)
        return 2
    result = outcome.result
    score = "n/a" if result.score is None else f"{100 * result.score:.2f}"
    log.info("score %s; wrote %s and %s", score, result_path, scores_path)
    _warn_if_incomplete(result)
    return 0


def _warn_if_incomplete(result: EvalResult) -> None:
    """A score over a few subsets is not the benchmark's score: say so where the user looks."""
    missing = result.benchmark.missing_subsets
    if missing:
        log.warning(
            "incomplete result: the score covers %d subset(s) only; %d core subset(s) of %s have no "
            "score: %s. The leaderboard does not rank it with complete results.",
            len(result.subsets), len(missing), result.benchmark.name, ", ".join(missing),
        )


def _default(field: str) -> str:
    # Options left unset keep RunConfig's defaults (see RunConfig.from_args); the help shows them.
    return f"(default: {RunConfig.model_fields[field].default})"


def _comma_list(text: str) -> list[str]:
    items = [item.strip() for item in text.split(",") if item.strip()]
    if not items:
        raise argparse.ArgumentTypeError("expected a comma-separated list of subset names")
    return items


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _validation_message(exc: ValidationError) -> str:
    """The first problem, named by its option when it has one (a whole-config check has none)."""
    error = exc.errors()[0]
    message = error["msg"].removeprefix("Value error, ")
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {message}" if where else message
