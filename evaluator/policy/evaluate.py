"""evaluate_policy(...) -> PolicyOutcome: one policy under one reward model, start to finish; and
the same for a queued request (an uploaded completions file, or a model that generates them)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence

from results.policy import (
    DEFAULT_REFERENCE_SET,
    PolicyCompletion,
    PolicyInfo,
    PolicyResult,
    PromptOutcome,
    policy_result_path,
    policy_scores_path,
)
from results.policy_files import CompletionsFileError, canonical_sha256, read_completions
from results.schema import EvalRequest
from results.store import Store

from ..environment import code_version
from ..errors import ConfigError, DataError
from ..run_config import RunConfig
from ..speed.token_budget import CPU_BATCH_TOKENS
from . import metrics
from .generation import GenerationSettings, generate_completions
from .reference_sets import References, load_reference_set, resolve_references
from .scoring import judge_policy, load_judge

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PolicyOutcome:
    result: PolicyResult
    outcomes: list[PromptOutcome]
    texts_scored: int  # texts (pairs, for a judge) the reward model scored: the cache saves some

    def files(self) -> dict[str, bytes]:
        """The store's files: results/policy.py `policy_result_path` and `policy_scores_path`."""
        policy, reward_model = self.result.policy.name, self.result.reward_model
        return {
            policy_result_path(policy, reward_model): self.result.model_dump_json(indent=2).encode(),
            policy_scores_path(policy, reward_model): outcome_lines(self.outcomes),
        }

    def write(self, output_dir: str | Path) -> tuple[Path, Path]:
        """`<rm org>/<rm name>.json` and `<rm org>/<rm name>.scores.jsonl` under `output_dir`."""
        org, name = self.result.reward_model.name.split("/")
        folder = Path(output_dir) / org
        folder.mkdir(parents=True, exist_ok=True)
        result_path, scores_path = folder / f"{name}.json", folder / f"{name}.scores.jsonl"
        result_path.write_text(self.result.model_dump_json(indent=2), encoding="utf-8")
        scores_path.write_bytes(outcome_lines(self.outcomes))
        return result_path, scores_path


def outcome_lines(outcomes: Sequence[PromptOutcome]) -> bytes:
    return "".join(o.model_dump_json() + "\n" for o in outcomes).encode()


def evaluate_policy(
    policy: PolicyInfo, references: References, config: RunConfig, store: Optional[Store] = None
) -> PolicyOutcome:
    """Judge `policy`'s completions (matched with their references) by the reward model `config`
    names; `store`, when given, keeps the reference rewards (and a judge's verdicts) for reuse."""
    if not config.progress:
        from ..runner import silence_library_progress_bars

        silence_library_progress_bars()
    judge = load_judge(config, store)
    judged = judge_policy(judge, references, store)
    outcomes = judged.outcomes
    score = metrics.policy_score(
        [o.win for o in outcomes],
        [o.policy_length for o in outcomes],
        [o.reference_length for o in outcomes],
        judged.win_probabilities,
        bootstrap_samples=config.bootstrap_samples,
        seed=config.seed,
    )
    result = PolicyResult(
        policy=policy,
        reward_model=judge.reward_model,
        reference_set=references.name,
        reference_set_sha256=references.sha256,
        score=score,
        reference_rewards_cached=judged.reference_rewards_cached,
        evaluated_at=datetime.now(timezone.utc),
        code_version=code_version(),
    )
    log.info(
        "%s under %s: win rate %.3f over %d prompts", policy.name, judge.reward_model.name, score.win_rate, score.n
    )
    return PolicyOutcome(result, outcomes, judged.texts_scored)


def file_policy(name: str, completions: Sequence[PolicyCompletion]) -> PolicyInfo:
    return PolicyInfo(name=name, source="completions-file", completions_sha256=canonical_sha256(completions))


def evaluate_policy_request(request: EvalRequest, settings, store: Store) -> PolicyOutcome:
    """A queued policy request: its reward model (the request's model fields, at the commit pinned
    at submission) judges the uploaded completions, or the completions its policy model generates
    for the reference set's prompts."""
    # The request's benchmark field names its reference prompts for the queue's table; the reward
    # model's settings must not read it as a benchmark or a data file.
    config = RunConfig.from_request(request.model_copy(update={"benchmark": "rewardbench"}), settings)
    reference_set = request.reference_set or DEFAULT_REFERENCE_SET
    try:
        policy, completions = _request_completions(request, settings, store, reference_set)
        references = resolve_references(completions, reference_set)
    except CompletionsFileError as exc:
        raise DataError(f"the completions cannot be scored: {exc}") from None
    return evaluate_policy(policy, references, config, store)


def _request_completions(request: EvalRequest, settings, store: Store, reference_set: str):
    if request.policy_file:
        data = store.read_file(request.policy_file)
        if data is None:
            raise ConfigError(f"the uploaded completions file {request.policy_file} is not in the store")
        completions = read_completions(data)
        return file_policy(_policy_name(request), completions), completions
    if request.policy_model:
        generated = generate_completions(
            request.policy_model,
            load_reference_set(reference_set),
            store,
            request.policy_max_new_tokens,
            request.policy_revision_resolved,
            # The request's dtype is the reward model's; the policy model runs in its own default.
            GenerationSettings(device=settings.device, batch_tokens=settings.batch_tokens or CPU_BATCH_TOKENS),
        )
        info = PolicyInfo(
            name=request.policy or generated.model,
            source="generated",
            completions_sha256=canonical_sha256(generated.completions),
            generator_model=request.policy_model,
            generator_revision=generated.revision,
            max_new_tokens=generated.max_new_tokens,
        )
        return info, generated.completions
    raise ConfigError("a policy request needs an uploaded completions file or a policy model")


def _policy_name(request: EvalRequest) -> str:
    if not request.policy:
        raise ConfigError("a policy request needs the policy's name (org/name)")
    return request.policy
