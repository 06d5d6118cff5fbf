"""`python -m evaluator policy --completions FILE --reward-model ID [--reward-model ID ...] --output DIR`

Writes, per reward model, DIR/<rm org>/<rm name>.json (a PolicyResult: win rate, win probability,
their 95% bootstrap intervals, mean lengths, the length-controlled win rate) and
DIR/<rm org>/<rm name>.scores.jsonl (one PromptOutcome per prompt). A file that cannot be scored
ends the run before any model loads, with one line saying why, and exit code 1.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from pydantic import ValidationError

from results.names import InvalidModelName, storage_name
from results.policy import DEFAULT_REFERENCE_SET, REFERENCE_SETS
from results.policy_files import CompletionsFileError, read_completions
from results.store import LocalStore

from ..errors import EvaluationError

log = logging.getLogger("evaluator.policy")

# The options of `run` that also mean something here, passed on to RunConfig by name.
SHARED_OPTIONS = (
    "model_type",
    "ref_model",
    "device",
    "dtype",
    "chat_template",
    "max_length",
    "batch_tokens",
    "bootstrap_samples",
    "seed",
    "progress",
)


def add_policy_parser(commands, positive_int, add_judge_arguments) -> None:
    """The `policy` subcommand; `positive_int` and `add_judge_arguments` are the `run` command's own
    (evaluator/cli.py), so both commands read those options alike."""
    from results.model_types import MODEL_TYPES

    policy = commands.add_parser("policy", help="judge a policy's completions against references with reward models")
    policy.add_argument(
        "--completions",
        required=True,
        help="JSONL (prompt_id, prompt, completion[, reference]) or an AlpacaEval JSON list",
    )
    policy.add_argument(
        "--reward-model",
        action="append",
        required=True,
        dest="reward_models",
        metavar="ID",
        help="local folder or Hub id; repeatable",
    )
    policy.add_argument(
        "--model-type",
        choices=sorted(MODEL_TYPES),
        default="classifier",
        help="of every reward model (default: classifier)",
    )
    policy.add_argument("--ref-model", help="reference model for DPO model types")
    policy.add_argument(
        "--reference-set",
        default=DEFAULT_REFERENCE_SET,
        choices=sorted(REFERENCE_SETS),
        help=f"references for prompts the file gives none inline (default: {DEFAULT_REFERENCE_SET})",
    )
    policy.add_argument("--policy-name", help="org/name of the policy (default: the file's folder and name)")
    policy.add_argument("--output", required=True, help="folder for <rm org>/<rm name>.json and .scores.jsonl")
    policy.add_argument("--cache-dir", help="results-store folder that keeps reference rewards for the next policy")
    policy.add_argument("--device")
    policy.add_argument("--dtype", choices=["auto", "float32", "bfloat16", "float16"])
    policy.add_argument("--chat-template")
    policy.add_argument("--max-length", type=positive_int)
    policy.add_argument("--batch-tokens", type=positive_int)
    policy.add_argument("--bootstrap-samples", type=positive_int, help="(default: 1000)")
    policy.add_argument("--seed", type=int, help="seed of the bootstrap (default: 0)")
    policy.add_argument("--no-progress", dest="progress", action="store_false")
    add_judge_arguments(policy.add_argument_group("generative judges (--model-type generative)"))
    critique = policy.add_argument_group("critique models (--model-type cloud)")
    critique.add_argument(
        "--num-critiques", dest="cloud.num_critiques", type=int, help="critiques per text (default 1)"
    )
    critique.add_argument("--critique-max-tokens", dest="cloud.max_new_tokens", type=positive_int, help="(512)")


def policy_main(args: argparse.Namespace) -> int:
    path = Path(args.completions)
    try:
        name = args.policy_name or _name_from_file(path)
        storage_name(name)
        completions = read_completions(path.read_bytes())
        from .reference_sets import resolve_references

        references = resolve_references(completions, args.reference_set)
    except (OSError, CompletionsFileError, InvalidModelName, EvaluationError) as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 1
    return _judge_all(args, name, completions, references)


def _judge_all(args: argparse.Namespace, name: str, completions, references) -> int:
    from ..run_config import RunConfig
    from ..memory import release_memory
    from .evaluate import evaluate_policy, file_policy  # torch loads once the file is known good

    store = LocalStore(args.cache_dir) if args.cache_dir else None
    policy = file_policy(name, completions)
    for reward_model in args.reward_models:
        try:
            config = RunConfig.from_args(argparse.Namespace(**_run_options(args), model=reward_model))
            outcome = evaluate_policy(policy, references, config, store)
        except EvaluationError as exc:
            print(f"error: {reward_model}: {exc}", file=sys.stderr)
            return 1
        except ValidationError as exc:
            print(f"error: {exc.errors()[0]['msg']}", file=sys.stderr)
            return 2
        finally:
            release_memory()
        result_path, scores_path = outcome.write(args.output)
        score = outcome.result.score
        log.info("%s: win rate %.2f%%; wrote %s and %s", reward_model, 100 * score.win_rate, result_path, scores_path)
    return 0


def _run_options(args: argparse.Namespace) -> dict:
    values = vars(args)
    return {key: values[key] for key in values if key in SHARED_OPTIONS or key.startswith(("judge.", "cloud."))}


def _name_from_file(path: Path) -> str:
    """`.../demo-policies/terse.jsonl` -> demo-policies/terse (as local model folders are named)."""
    org, name = storage_name(str(path.resolve().with_suffix("")), is_local_path=True)
    return f"{org}/{name}"
