"""A reward model judges a policy: per-prompt rewards (or verdicts) of policy and reference.

Any model type judges, through the model-type adapters (evaluator/adapters/):
- types that give a scalar reward (classifier, DPO, CLoud, ...) score each text on its own, as a
  one-completion row (the reward is `scores_chosen[0]`); the references' rewards are read from the
  store's cache when this reward model, at this revision and with these settings, scored this
  reference set before, and written there otherwise;
- generative judges give no reward: each (policy, reference) pair is judged as (chosen, rejected),
  and the judge's credit (1 policy preferred in every slot order, 0 reference, 0.5 split or no
  verdict) is the win. Their verdicts are cached by the judge adapter itself (cache/judgements).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from results.model_types import Judgement
from results.policy import PromptOutcome, ReferencePrompt, RewardModelRef, reference_cache_path
from results.store import Store, write_cache_file

from ..adapters import RewardAdapter, get_adapter
from ..benchmarks.loading import Example
from ..device import resolve_device, resolve_dtype
from ..model_loading import adapter_options, find_model
from ..run_config import RunConfig
from . import metrics
from .reference_sets import Matched, References, as_messages

log = logging.getLogger(__name__)

POLICY_SUBSET = "policy"
REFERENCE_SUBSET = "reference"


@dataclass(frozen=True)
class Judge:
    adapter: RewardAdapter
    reward_model: RewardModelRef
    config: RunConfig


@dataclass(frozen=True)
class Judged:
    outcomes: list[PromptOutcome]
    win_probabilities: Optional[list[float]]  # None for judges that give verdicts
    reference_rewards_cached: bool
    texts_scored: int  # texts (or pairs, for a judge) the model scored in this run


def load_judge(config: RunConfig, store: Optional[Store]) -> Judge:
    device = resolve_device(config.device)
    dtype = resolve_dtype(config.dtype, device)
    model = find_model(config)
    options = adapter_options(config, model, device, dtype, store)
    adapter = get_adapter(config.model_type).load(options)
    reference = getattr(adapter, "reference", None)  # DPO types compare against a reference model
    reward_model = RewardModelRef(
        name=f"{model.org}/{model.name}",
        model=config.model,
        revision=model.revision_resolved,
        model_type=config.model_type,
        ref_model=reference.model_id if reference else None,
        ref_revision=reference.revision_resolved if reference else None,
    )
    return Judge(adapter, reward_model, config)


def judge_policy(judge: Judge, references: References, store: Optional[Store]) -> Judged:
    return _METHODS[judge.config.kind.judgement](judge, references, store)


def _rewarded_one_by_one(judge: Judge, references: References, store: Optional[Store]) -> Judged:
    matched = references.matched
    policy_rewards = score_texts(judge.adapter, [(m.prompt_id, m.prompt, m.completion) for m in matched], POLICY_SUBSET)
    cache = ReferenceCache(store, judge, references.sha256)
    reference_rewards = cache.read(references.prompts)
    cached = reference_rewards is not None
    if reference_rewards is None:
        texts = [(p.prompt_id, as_messages(p.prompt), p.reference) for p in references.prompts]
        reference_rewards = score_texts(judge.adapter, texts, REFERENCE_SUBSET)
        cache.write(reference_rewards)
    outcomes = [_outcome(m, policy_rewards[m.prompt_id], reference_rewards[m.prompt_id], None) for m in matched]
    probabilities = metrics.win_probabilities(
        [o.policy_reward for o in outcomes], [o.reference_reward for o in outcomes]
    ).tolist()
    scored = len(matched) + (0 if cached else len(references.prompts))
    return Judged(outcomes, probabilities, cached, scored)


def _judged_in_pairs(judge: Judge, references: References, store: Optional[Store]) -> Judged:
    examples = [
        Example(m.prompt_id, POLICY_SUBSET, m.prompt, (m.completion,), (m.reference,)) for m in references.matched
    ]
    scored, _ = judge.adapter.score(examples)
    outcomes = [_outcome(m, None, None, s.correct) for m, s in zip(references.matched, scored)]
    return Judged(outcomes, None, False, len(examples))


# How a model type judges a policy, by how it says which response is better (results/model_types.py).
_METHODS: dict[Judgement, Callable[[Judge, References, Optional[Store]], Judged]] = {
    Judgement.REWARD: _rewarded_one_by_one,
    Judgement.VERDICT: _judged_in_pairs,
}


def _outcome(
    m: Matched, policy: Optional[float], reference: Optional[float], verdict: Optional[float]
) -> PromptOutcome:
    # The reference's own text after the same prompt: the same reward and a tie, by identity. Its
    # two scores can differ in the last digits (summed log-probs by about 1e-6, from the batch each
    # ran in, the reference's maybe read from the cache), and a comparison would then call a coin
    # toss a win or a loss; a judge's verdict on two identical answers is no better.
    identical = m.completion == m.reference
    if identical and reference is not None:
        policy = reference
    return PromptOutcome(
        prompt_id=m.prompt_id,
        policy_reward=policy,
        reference_reward=reference,
        win=0.5 if identical else metrics.win(policy, reference) if verdict is None else verdict,
        policy_length=len(m.completion),
        reference_length=len(m.reference),
    )


def score_texts(adapter: RewardAdapter, texts: Sequence[tuple[str, tuple, str]], subset: str) -> dict[str, float]:
    """Each (prompt id, prompt, completion) scored on its own: prompt id -> reward."""
    if not texts:
        return {}
    examples = [Example(prompt_id, subset, prompt, (text,), ()) for prompt_id, prompt, text in texts]
    scored, _ = adapter.score(examples)
    return {example.id: float(s.scores_chosen[0]) for example, s in zip(examples, scored)}


class ReferenceCache:
    """A reward model's rewards of one reference set, kept in the store (results/policy.py
    `reference_cache_path`), one JSON line per prompt: prompt_id, reward, and the settings that
    change a reward (chat template, truncation, dtype, critiques...), so a run with other settings
    scores again instead of reading rewards that are not its own. A file that does not parse, or
    lacks a prompt, is logged and scored again (and rewritten)."""

    def __init__(self, store: Optional[Store], judge: Judge, reference_set_sha256: str):
        self.store = store
        self.path = reference_cache_path(judge.reward_model, reference_set_sha256)
        self.settings = _settings_key(judge)

    def read(self, prompts: Sequence[ReferencePrompt]) -> Optional[dict[str, float]]:
        data = self.store.read_file(self.path) if self.store is not None else None
        if data is None:
            return None
        try:
            rewards = self._parse(data)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("reference cache %s is unreadable (%s): scoring the references again", self.path, exc)
            return None
        if rewards is None or any(p.prompt_id not in rewards for p in prompts):
            log.info("reference cache %s was made with other settings or prompts: scoring again", self.path)
            return None
        log.info("read %d reference rewards from %s", len(rewards), self.path)
        return rewards

    def _parse(self, data: bytes) -> Optional[dict[str, float]]:
        rewards = {}
        for line in data.decode("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                if record["settings"] != self.settings:
                    return None
                rewards[str(record["prompt_id"])] = float(record["reward"])
        return rewards

    def write(self, rewards: dict[str, float]) -> None:
        if self.store is None:
            return
        lines = "".join(
            json.dumps({"prompt_id": prompt_id, "reward": reward, "settings": self.settings}) + "\n"
            for prompt_id, reward in rewards.items()
        )
        write_cache_file(self.store, self.path, lines.encode())


def _settings_key(judge: Judge) -> str:
    config, adapter = judge.config, judge.adapter
    settings = {
        "chat_template": adapter.chat_format.name,
        "chat_template_sha256": adapter.chat_format.template_sha256,
        "max_length": adapter.max_length,
        "dtype": config.dtype,
        "per_token_mean": config.per_token_mean,
        "cloud": config.cloud.model_dump() if config.cloud else None,
    }
    return json.dumps(settings, sort_keys=True)
