"""Per-example credit and per-subset value: how one subset's examples become its score, and its
bootstrap replicates (pure; the first two steps of a benchmark's metrics, see metrics.py).

A benchmark spec names a scorer per subset (`BenchmarkSpec.scorers`), so metrics.py never asks
which benchmark or subset it is looking at:

- `PAIRWISE` (RewardBench v1): an example is right when every chosen score is strictly above
  every rejected one; a tie is wrong.
- `BEST_OF_N` (RewardBench 2's Factuality, Precise IF, Math, Safety, Focus): the chosen completion
  must have the highest score; when k completions share that highest score, the prompt earns 1/k.
- `TIES` (RewardBench 2's Ties): prompts come in pairs (`ref:N` with one correct answer, `tied:N`
  with several equally correct ones) and the subset score mixes accuracy with margins; see
  `TiesScorer`.

Every scorer gives each example a credit in [0, 1] (the `correct` of its per-example line), a point
estimate with optional named parts, and bootstrap replicates drawn from the run's one generator.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from results.schema import ExampleScore

from .errors import BenchmarkDataError


@dataclass(frozen=True)
class SubsetValue:
    score: float
    parts: Optional[dict[str, float]] = None  # stored in the result (SubsetScore.parts)
    # Sums that columns pool across subsets but the result does not keep (PPE's per-model-pair win
    # counts, from which the Bradley-Terry columns are fitted): handed to `Metrics.aggregate` beside
    # the parts, and recomputable from the per-example lines.
    statistics: Optional[dict[str, float]] = None


@dataclass(frozen=True)
class Resampled:
    """Bootstrap replicates of a subset's score and of the parts its benchmark's columns read."""

    score: np.ndarray
    parts: dict[str, np.ndarray]


class SubsetScorer(ABC):
    # Whether the score needs each completion's scalar score, not only which one won (Ties' margins):
    # a generative judge then rates every completion instead of picking one.
    needs_scalar_scores: bool = False

    @abstractmethod
    def credit(self, scores_chosen: Sequence[float], scores_rejected: Sequence[float]) -> float:
        """One example's credit in [0, 1], from the scores of its completions."""

    def row_credit(
        self, scores_chosen: Sequence[float], scores_rejected: Sequence[float], pairs: Optional[Sequence[tuple[int, int]]] = None
    ) -> float:
        """One example's credit where the data names the (chosen i, rejected j) pairs it is scored on
        (PPE Correctness' conflict pairs); scorers that read no pairs ignore them."""
        return self.credit(scores_chosen, scores_rejected)

    @abstractmethod
    def value(self, examples: Sequence[ExampleScore]) -> SubsetValue:
        """The subset's score from its examples (whose `correct` holds their credit)."""

    @abstractmethod
    def replicates(self, examples: Sequence[ExampleScore], samples: int, rng: np.random.Generator) -> np.ndarray:
        """`samples` bootstrap replicates of the subset's score."""

    def counts(self, example: ExampleScore) -> bool:
        """Whether the example's credit counts in the score (PPE: a battle voted a tie does not), so
        that per-example comparisons between results (the Leaderboard's marks) leave it out too."""
        return True

    def resample(self, examples: Sequence[ExampleScore], samples: int, rng: np.random.Generator) -> Resampled:
        """Replicates of the score and of the parts columns are computed from (none by default: a
        scorer whose parts feed columns draws both from the same resamples)."""
        return Resampled(self.replicates(examples, samples, rng), {})


class MeanCreditScorer(SubsetScorer):
    """The subset score is the mean credit of its examples, resampled example by example."""

    def value(self, examples):
        return SubsetValue(float(np.mean([e.correct for e in examples])))

    def replicates(self, examples, samples, rng):
        """Resampling n examples with replacement only matters through how many copies of each
        distinct credit are drawn: a multinomial draw over those values, exact, and
        O(samples x distinct values) instead of O(samples x n)."""
        values, counts = np.unique(np.asarray([e.correct for e in examples], dtype=float), return_counts=True)
        n = int(counts.sum())
        draws = rng.multinomial(n, counts / n, size=samples)
        return draws @ values / n


class PairwiseScorer(MeanCreditScorer):
    def credit(self, scores_chosen, scores_rejected):
        return pair_correct(scores_chosen, scores_rejected)


class BestOfNScorer(MeanCreditScorer):
    """Upstream compares the first completion (the chosen one) with the highest score of all."""

    def credit(self, scores_chosen, scores_rejected):
        scores = [*scores_chosen, *scores_rejected]
        top = max(scores)
        if scores[0] != top:
            return 0.0
        return 1.0 / sum(1 for s in scores if s == top)


def pair_correct(scores_chosen: Sequence[float], scores_rejected: Sequence[float]) -> float:
    """1.0 when every chosen score is strictly above every rejected one; a tie is wrong."""
    return 1.0 if min(scores_chosen) > max(scores_rejected) else 0.0


# The five parts of a Ties score, with upstream's weights. They sum to 1.01, not 1: upstream adds
# the margin term as a small tie-breaker on top of the other four, and published scores keep that.
TIES_WEIGHTS: dict[str, float] = {
    "tied_accuracy": 0.30,
    "ref_accuracy": 0.30,
    "correctness_preferred": 0.20,
    "correctness_preferred_hard": 0.20,
    "correctness_margin_score": 0.01,
}
_TIES_KINDS = ("ref", "tied")


@dataclass(frozen=True)
class _PromptStats:
    accurate: bool
    spread: Optional[float]  # best minus worst correct score; None with a single correct answer
    gap: float  # worst correct minus best incorrect score


def _prompt_stats(scores_correct: Sequence[float], scores_incorrect: Sequence[float]) -> _PromptStats:
    gap = min(scores_correct) - max(scores_incorrect)
    spread = max(scores_correct) - min(scores_correct) if len(scores_correct) > 1 else None
    return _PromptStats(accurate=gap > 0, spread=spread, gap=gap)


def _margin_term(gap: float, spread: float) -> float:
    """tanh(gap / spread - 1) with IEEE division, as upstream's numpy does it: a zero spread gives
    +1 or -1 by the sign of the gap, and 0 when the gap is zero too (0/0 is NaN, set to 0)."""
    if spread != 0:
        return math.tanh(gap / spread - 1)
    return 0.0 if gap == 0 else math.copysign(1.0, gap)


class TiesScorer(SubsetScorer):
    """RewardBench 2's Ties score, as upstream's `process_single_model` computes it.

    Per prompt: accurate = min(correct) > max(incorrect); spread = max(correct) - min(correct);
    gap = min(correct) - max(incorrect). The correct completions are the chosen list (upstream's
    first `num_correct`). Then
      tied_accuracy, ref_accuracy: mean `accurate` over every tied / every ref prompt (a ref
        without a tied partner still counts here);
      over the prompt numbers that have both a ref and a tied prompt, using the tied prompt's spread:
      correctness_preferred: mean(gap_tied > spread_tied);
      correctness_preferred_hard: mean(min(gap_ref, gap_tied) > spread_tied);
      correctness_margin_score: mean(tanh(min(gap_ref, gap_tied) / spread_tied - 1)), see _margin_term.
    A mean over no prompts is 0 (upstream's rule for the accuracies; its margins would be NaN).
    Upstream leaves a Ties row's own result empty; ours is its `accurate` (0 or 1), so every
    per-example line has a credit, while the subset score is the composite above.
    The bootstrap resamples prompt numbers, so a ref and its tied partner stay together.
    """

    needs_scalar_scores = True

    def credit(self, scores_chosen, scores_rejected):
        return pair_correct(scores_chosen, scores_rejected)

    def value(self, examples):
        table = _TiesTable.build(examples)
        parts = {name: float(v[0]) for name, v in table.parts(np.ones((1, table.size))).items()}
        return SubsetValue(score=sum(TIES_WEIGHTS[name] * parts[name] for name in TIES_WEIGHTS), parts=parts)

    def replicates(self, examples, samples, rng):
        table = _TiesTable.build(examples)
        counts = rng.multinomial(table.size, np.full(table.size, 1.0 / table.size), size=samples)
        parts = table.parts(counts.astype(float))
        return sum(TIES_WEIGHTS[name] * parts[name] for name in TIES_WEIGHTS)


@dataclass(frozen=True)
class _TiesTable:
    """One column per prompt number; each row a per-prompt quantity (0 where it does not apply).

    `parts(weights)` turns a (replicates x prompt numbers) matrix of weights into each part's
    weighted mean: all ones is the point estimate, bootstrap counts are a replicate.
    """

    has_ref: np.ndarray
    ref_accurate: np.ndarray
    has_tied: np.ndarray
    tied_accurate: np.ndarray
    paired: np.ndarray
    preferred: np.ndarray
    preferred_hard: np.ndarray
    margin: np.ndarray

    @property
    def size(self) -> int:
        return len(self.has_ref)

    @classmethod
    def build(cls, examples: Sequence[ExampleScore]) -> "_TiesTable":
        stats = _stats_by_prompt(examples)
        numbers = sorted({number for _, number in stats})
        rows = [_prompt_row(stats.get(("ref", n)), stats.get(("tied", n))) for n in numbers]
        return cls(*(np.asarray(column, dtype=float) for column in zip(*rows)))

    def parts(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        def mean(values: np.ndarray, where: np.ndarray) -> np.ndarray:
            total = weights @ where
            return np.divide(weights @ (values * where), total, out=np.zeros_like(total), where=total > 0)

        return {
            "tied_accuracy": mean(self.tied_accurate, self.has_tied),
            "ref_accuracy": mean(self.ref_accurate, self.has_ref),
            "correctness_preferred": mean(self.preferred, self.paired),
            "correctness_preferred_hard": mean(self.preferred_hard, self.paired),
            "correctness_margin_score": mean(self.margin, self.paired),
        }


def _prompt_row(ref: Optional[_PromptStats], tied: Optional[_PromptStats]) -> tuple[float, ...]:
    """has_ref, ref_accurate, has_tied, tied_accurate, paired, preferred, preferred_hard, margin."""
    head = (ref is not None, bool(ref and ref.accurate), tied is not None, bool(tied and tied.accurate))
    if ref is None or tied is None:
        return (*head, False, 0.0, 0.0, 0.0)
    hard_gap = min(ref.gap, tied.gap)
    return (*head, True, tied.gap > tied.spread, hard_gap > tied.spread, _margin_term(hard_gap, tied.spread))


def _stats_by_prompt(examples: Sequence[ExampleScore]) -> dict[tuple[str, int], _PromptStats]:
    stats = {}
    for example in examples:
        key = _ties_key(example.id)
        if key[0] == "tied" and len(example.scores_chosen) < 2:
            raise BenchmarkDataError(
                f"Ties row {example.id!r} has one correct answer; a tied prompt needs two or more "
                "(its spread between correct answers is what the Ties score measures)"
            )
        stats[key] = _prompt_stats(example.scores_chosen, example.scores_rejected)
    return stats


def _ties_key(row_id) -> tuple[str, int]:
    kind, _, number = str(row_id).partition(":")
    if kind not in _TIES_KINDS or not number.isdigit():
        raise BenchmarkDataError(
            f"Ties row id {row_id!r} is not 'ref:<number>' or 'tied:<number>'; the Ties score pairs "
            "each reference prompt with its tied prompt through that number"
        )
    return kind, int(number)


PAIRWISE = PairwiseScorer()
BEST_OF_N = BestOfNScorer()
TIES = TiesScorer()
