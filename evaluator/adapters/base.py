"""What every model adapter provides, and the shared pipeline for models that score each
response on its own (classifiers, DPO log-ratios): format -> tokenize -> batch -> score -> regroup.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, ClassVar, Optional, Sequence

import torch
from pydantic import BaseModel

from results.schema import Critique, Judgement
from results.store import Store

from ..benchmarks.loading import Example
from ..encoded import Encoded
from ..speed.batching import probe_tolerance, run_batches
from ..speed.packing import plan_unshared, resolve_packing
from .chat_format import ChatFormat, chat_format

if TYPE_CHECKING:
    from results.benchmarks.verdicts import VerdictRule

    from ..critique_options import CloudSettings
    from ..judge_options import JudgeSettings
    from ..speed.options import PackingMode


@dataclass(frozen=True)
class LoadOptions:
    """Everything an adapter needs to load and run a model."""

    model_path: str
    device: torch.device
    dtype: torch.dtype
    chat_template: str = "tokenizer"
    max_length: Optional[int] = None
    batch_tokens: int = 16384
    progress: bool = True
    ref_model: Optional[str] = None
    ref_revision: Optional[str] = None
    store: Optional[Store] = None  # where adapters may cache reusable data (e.g. reference log-probs)
    # Log-probability model types: average the response's token log-probs instead of summing them.
    per_token_mean: bool = False
    # Causal decoders: run a prompt shared by several responses once (see speed/prefix_sharing.py).
    prefix_sharing: bool = True
    # Texts scored without a shared prompt: packed end to end in one row instead of padded
    # (speed/packing.py; `auto`: where the attention kernel makes that free).
    packing: "PackingMode" = "auto"
    # Sequence classifiers: run the final layer at the token they read only (speed/pooled_layer.py).
    pooled_final_layer: bool = True
    # The reference's commit pinned at submission; downloaded instead of `ref_revision` when set.
    ref_revision_resolved: Optional[str] = None
    # Generative judges and critique models: their own settings, the seed of slot orders and
    # samples, what names the model in cache keys (org/name@resolved revision), and the subsets
    # the benchmark scores by margins.
    judge: Optional["JudgeSettings"] = None
    cloud: Optional["CloudSettings"] = None
    seed: int = 0
    model_identity: str = ""
    margin_subsets: frozenset[str] = frozenset()
    # How a judge's verdicts on a pair become its credit (the benchmark spec's `verdict_rule`).
    verdict_rule: Optional["VerdictRule"] = None
    # Whether a judge compares every (chosen, rejected) pair of a row (the spec's `judge_every_pair`).
    judge_every_pair: bool = False
    # Whether a judge compares a list's answers pair by pair, all to be won (the spec's `judge_lists_by_pairs`).
    judge_lists_by_pairs: bool = False

    @classmethod
    def from_config(
        cls,
        config: BaseModel,
        model_path: str,
        device: torch.device,
        dtype: torch.dtype,
        store: Optional[Store],
        **resolved_more,
    ) -> "LoadOptions":
        """The run's settings (fields named alike carry over) plus what the runner resolved. `config`
        is any pydantic settings model, in practice run_config.RunConfig, which stands above the
        adapters (its checks name their chat formats) and is not imported here."""
        resolved = dict(model_path=model_path, device=device, dtype=dtype, store=store, **resolved_more)
        shared = {
            f.name: getattr(config, f.name)
            for f in fields(cls)
            if f.name in type(config).model_fields and f.name not in resolved
        }
        return cls(**shared, **resolved)


@dataclass(frozen=True)
class ScoredExample:
    scores_chosen: list[float]
    scores_rejected: list[float]
    # One score per completion, in the row's order, however many completions it has (pairwise v1
    # rows have one of each, RewardBench 2 rows four or more): every model type keeps this contract.
    # Adapters that judge pairs directly (LLM judges) set `correct`; scalar models leave it to the
    # subset's scorer (results/benchmarks/credit.py: strict chosen > rejected, best-of-N, Ties).
    correct: Optional[float] = None
    # Generative judges: every raw answer behind the scores, stored in the per-example line.
    judgements: Optional[list[Judgement]] = None
    # Critique models: every critique and the reward after it.
    critiques: Optional[list[Critique]] = None
    # Judges that compared every (chosen i, rejected j) pair: 1 where chosen i won (RM-Bench).
    pair_wins: Optional[list[list[float]]] = None


@dataclass(frozen=True)
class ScoringStats:
    num_texts: int
    num_truncated: int
    real_tokens: int
    padded_tokens: int
    encode_s: float = 0.0  # time spent formatting and tokenizing, included in scoring time
    num_prompt_truncated: int = 0
    num_response_truncated: int = 0
    num_prefix_shared: int = 0  # texts scored on a prompt computed once for several of them
    num_packed: int = 0  # texts scored in packed rows (no padding; speed/packing.py)


@dataclass(frozen=True)
class EncodedRewards:
    rewards: list[float]  # one per encoded text, in order
    real_tokens: int
    padded_tokens: int
    num_prefix_shared: int = 0
    num_packed: int = 0


class RewardAdapter(ABC):
    model_type: ClassVar[str]
    chat_format: ChatFormat
    max_length: int

    @classmethod
    @abstractmethod
    def load(cls, options: LoadOptions) -> "RewardAdapter": ...

    @abstractmethod
    def num_parameters(self) -> int: ...

    @abstractmethod
    def score(self, examples: Sequence[Example]) -> tuple[list[ScoredExample], ScoringStats]: ...


class PerResponseAdapter(RewardAdapter):
    """Scores every response independently with a scalar, batching all texts together."""

    options: LoadOptions

    def __init__(self, model, tokenizer, options: LoadOptions):
        self.model = model
        self.tokenizer = tokenizer
        self.options = options
        self.chat_format = chat_format(options.chat_template, tokenizer)
        self.max_length = model_max_length(model.config, tokenizer, options.max_length)
        self.pad_id = pad_token_id(tokenizer)
        # Whether this run's unshared texts go in packed rows: `score` decides, after a probe.
        self.packed = False

    @abstractmethod
    def encode(self, pairs: list[tuple[Example, str]]) -> list[Encoded]:
        """Tokenize (example, response) pairs, in order."""

    @abstractmethod
    def score_batch(self, batch: list[Encoded]) -> Sequence[float]:
        """One scalar reward per encoded text, the batch padded."""

    def score_packed(self, batch: list[Encoded]) -> Sequence[float]:
        """`score_batch`'s rewards with the batch packed in one row (adapters that can pack)."""
        raise TypeError(f"model type {self.model_type} does not pack")

    def score_unshared(self, batch: list[Encoded]) -> Sequence[float]:
        return self.score_packed(batch) if self.packed else self.score_batch(batch)

    def resolve_packing(self, encoded: list[Encoded]) -> bool:
        """Whether this run packs its unshared texts (speed/packing.py: wanted, and the probe agrees)."""
        return resolve_packing(
            self.options.packing, self.model, encoded, self.score_packed, self.score_batch,
            probe_tolerance(self.options.dtype),
        )

    def prepare(self, examples: Sequence[Example], encoded: list[Encoded]) -> None:
        """Runs once on every encoded text before batch scoring (e.g. to fill a cache)."""

    def score(self, examples):
        pairs = [(ex, r) for ex in examples for r in ex.chosen + ex.rejected]
        start = time.perf_counter()
        encoded = self.encode(pairs)
        encode_s = time.perf_counter() - start
        self.prepare(examples, encoded)
        self.packed = self.resolve_packing(encoded)
        with torch.inference_mode():
            scores = self.score_encoded(encoded)
        rewards = scores.rewards
        scored, cursor = [], 0
        for ex in examples:
            n_chosen, n_rejected = len(ex.chosen), len(ex.rejected)
            chosen = rewards[cursor : cursor + n_chosen]
            rejected = rewards[cursor + n_chosen : cursor + n_chosen + n_rejected]
            scored.append(ScoredExample(chosen, rejected))
            cursor += n_chosen + n_rejected
        stats = ScoringStats(
            num_texts=len(encoded),
            num_truncated=sum(e.truncated for e in encoded),
            num_prompt_truncated=sum(e.prompt_truncated for e in encoded),
            num_response_truncated=sum(e.response_truncated for e in encoded),
            real_tokens=scores.real_tokens,
            padded_tokens=scores.padded_tokens,
            encode_s=encode_s,
            num_prefix_shared=scores.num_prefix_shared,
            num_packed=scores.num_packed,
        )
        return scored, stats

    def score_encoded(self, encoded: list[Encoded]) -> EncodedRewards:
        """Every text scored on its own, in length-sorted batches (adapters that can share a
        prompt's computation between texts override this and fall back to it): in length-sorted
        padded batches, or in packed rows when this run packs."""
        plan = plan_unshared(self.model, [len(e.ids) for e in encoded], self.options.batch_tokens, self.packed)
        rewards = run_batches(
            plan,
            lambda indices: self.score_unshared([encoded[i] for i in indices]),
            len(encoded),
            desc=f"scoring ({self.model_type})",
            progress=self.options.progress,
        ).tolist()
        return EncodedRewards(rewards, plan.real_tokens, plan.padded_tokens, num_packed=len(encoded) if self.packed else 0)


def model_max_length(config, tokenizer, requested: Optional[int]) -> int:
    """The longest input to feed: the request, else the model's position limit."""
    if requested:
        return requested
    for attr in ("max_position_embeddings", "n_positions", "max_seq_len", "seq_length"):
        value = getattr(config, attr, None)
        if isinstance(value, int) and value > 0:
            return value
    limit = getattr(tokenizer, "model_max_length", None)
    return limit if isinstance(limit, int) and limit < 1_000_000 else 4096


def pad_token_id(tokenizer) -> int:
    for candidate in (tokenizer.pad_token_id, tokenizer.eos_token_id, 0):
        if candidate is not None:
            return int(candidate)
    return 0
