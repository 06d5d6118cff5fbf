"""Best-of-K sets (PPE Correctness' shape, pure): per prompt, N sampled responses (32 in PPE), each
known correct or wrong, all scored by the reward model.

Per prompt, computed exactly:
- **conflict pairs**: the data's (correct, wrong) pairs; a pair is right when the correct response
  scores strictly higher (a tie is wrong);
- **best-of-K curve**, K = 1..N: the expected correctness of the top-scored response of a uniformly
  random K-subset of the N. When several responses share the top score of a subset, the subset's
  value is the mean correctness of those tied ones (a uniform pick among them). By symmetry that is
  E = sum over score levels v of P(the subset's top score is v) * (mean correctness at level v), with
  P(top = v) = [C(at_or_below(v), K) - C(below(v), K)] / C(N, K): order statistics, no sampling;
- **oracle curve**: the probability that a K-subset holds a correct response, 1 - C(wrong, K) / C(N, K);
- **ROC AUC** of the reward as a classifier of correctness within the prompt: the share of (correct,
  wrong) response pairs the correct one scores higher, a tie counting half; none when the prompt's
  responses are all correct or all wrong.

A set's values: the conflict-pair accuracy over every pair of the set (its headline); the curves'
means over prompts; the curve's value at K = N and its maximum; the mean AUC over the prompts that
have one. The bootstrap resamples prompts within the set, every value from the same resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb
from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

from results.schema import ExampleScore

from .aggregation import Counts, Curve, Curves, Metrics, Parts, Value, absent, mean_of_all
from .credit import Resampled, SubsetScorer, SubsetValue
from .errors import BenchmarkDataError

Pair = tuple[int, int]  # (index into the correct responses, index into the wrong ones)

PAIR_ACCURACY = "pair_accuracy"
ROC_AUC = "roc_auc"
BEST_OF_ALL = "best_of_all"  # the curve at K = N
BEST_OF_K_MAX = "best_of_k_max"


def curve_part(k: int) -> str:
    return f"best_of_{k}"


def oracle_part(k: int) -> str:
    return f"oracle_{k}"


def best_of_k_curve(rewards: Sequence[float], correct: Sequence[float]) -> list[float]:
    """Expected correctness of the top-scored response of a uniform K-subset, for K = 1..N (see above)."""
    n = len(rewards)
    levels = sorted(set(rewards))
    below = 0
    terms = []  # (responses at or below the level, responses below it, mean correctness at it)
    for level in levels:
        at = [c for r, c in zip(rewards, correct) if r == level]
        terms.append((below + len(at), below, sum(at) / len(at)))
        below += len(at)
    return [sum((comb(upto, k) - comb(under, k)) * mean for upto, under, mean in terms) / comb(n, k) for k in range(1, n + 1)]


def oracle_curve(correct: Sequence[float]) -> list[float]:
    """Probability that a uniform K-subset holds a correct response, K = 1..N."""
    n, wrong = len(correct), sum(1 for c in correct if not c)
    return [1.0 - comb(wrong, k) / comb(n, k) for k in range(1, n + 1)]


def roc_auc(scores_correct: Sequence[float], scores_wrong: Sequence[float]) -> float | None:
    """Share of (correct, wrong) pairs ranked right, a tie counting half (sorted, O(n log n)); None
    without both kinds."""
    if not scores_correct or not scores_wrong:
        return None
    wrong = np.sort(np.asarray(scores_wrong, dtype=float))
    correct = np.asarray(scores_correct, dtype=float)
    below = np.searchsorted(wrong, correct, side="left")
    at_or_below = np.searchsorted(wrong, correct, side="right")
    wins = below.sum() + 0.5 * (at_or_below - below).sum()
    return float(wins) / (len(correct) * len(wrong))


def pairs_right(scores_correct: Sequence[float], scores_wrong: Sequence[float], pairs: Sequence[Pair]) -> int:
    """How many of the conflict pairs have the correct response strictly above the wrong one."""
    return sum(1 for i, j in pairs if scores_correct[i] > scores_wrong[j])


def _pairs_of(example: ExampleScore) -> list[Pair]:
    pairs = [tuple(p) for p in (example.pairs or [])]
    for i, j in pairs:
        if not (0 <= i < len(example.scores_chosen) and 0 <= j < len(example.scores_rejected)):
            raise BenchmarkDataError(
                f"row {example.id!r}: pair ({i}, {j}) points past its {len(example.scores_chosen)} correct and "
                f"{len(example.scores_rejected)} wrong responses"
            )
    return pairs


@dataclass(frozen=True)
class _PromptTable:
    """One row per prompt; `values(weights)` turns a (replicates x prompts) weight matrix into every
    value of the set: all ones is the point estimate, bootstrap counts a replicate."""

    right: np.ndarray  # conflict pairs right
    pairs: np.ndarray  # conflict pairs
    auc: np.ndarray  # 0 where the prompt has none
    has_auc: np.ndarray
    curves: np.ndarray  # prompts x N
    oracles: np.ndarray  # prompts x N

    @classmethod
    def build(cls, examples: Sequence[ExampleScore]) -> "_PromptTable":
        sizes = {len(e.scores_chosen) + len(e.scores_rejected) for e in examples}
        if len(sizes) != 1:
            raise BenchmarkDataError(
                f"the prompts of subset {examples[0].subset!r} have different numbers of responses "
                f"({', '.join(str(s) for s in sorted(sizes))}); a best-of-K curve averages prompts of one size"
            )
        rows = [_prompt_row(e) for e in examples]
        right, pairs, auc, has_auc, curves, oracles = zip(*rows)
        return cls(*(np.asarray(v, dtype=float) for v in (right, pairs, auc, has_auc, curves, oracles)))

    def values(self, weights: np.ndarray) -> dict[str, np.ndarray]:
        def ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore", divide="ignore"):
                return np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1), np.nan)

        total = weights.sum(axis=1)
        curve = (weights @ self.curves) / total[:, None]
        oracle = (weights @ self.oracles) / total[:, None]
        values = {
            PAIR_ACCURACY: ratio(weights @ self.right, weights @ self.pairs),
            ROC_AUC: ratio(weights @ (self.auc * self.has_auc), weights @ self.has_auc),
            BEST_OF_ALL: curve[:, -1],
            BEST_OF_K_MAX: curve.max(axis=1),
        }
        for k in range(1, curve.shape[1] + 1):
            values[curve_part(k)] = curve[:, k - 1]
            values[oracle_part(k)] = oracle[:, k - 1]
        return values


def _prompt_row(example: ExampleScore) -> tuple:
    pairs = _pairs_of(example)
    rewards = [*example.scores_chosen, *example.scores_rejected]
    correct = [1.0] * len(example.scores_chosen) + [0.0] * len(example.scores_rejected)
    auc = roc_auc(example.scores_chosen, example.scores_rejected)
    return (
        pairs_right(example.scores_chosen, example.scores_rejected, pairs),
        len(pairs),
        auc or 0.0,
        auc is not None,
        best_of_k_curve(rewards, correct),
        oracle_curve(correct),
    )


class BestOfKScorer(SubsetScorer):
    """A set of best-of-K prompts: `chosen` holds a prompt's correct responses, `rejected` its wrong
    ones, `pairs` its conflict pairs as (chosen index, rejected index). The per-example credit is the
    share of the prompt's conflict pairs ranked right; the set's score pools every pair of the set."""

    needs_scalar_scores = True

    def credit(self, scores_chosen, scores_rejected):
        """Without named pairs every (correct, wrong) pair counts, a tie wrong."""
        every = [(i, j) for i in range(len(scores_chosen)) for j in range(len(scores_rejected))]
        return self.row_credit(scores_chosen, scores_rejected, every)

    def row_credit(self, scores_chosen, scores_rejected, pairs=None):
        if pairs is None:
            return self.credit(scores_chosen, scores_rejected)
        return pairs_right(scores_chosen, scores_rejected, pairs) / len(pairs) if pairs else 0.0

    def value(self, examples):
        table = self._table(examples)
        values = {name: float(v[0]) for name, v in table.values(np.ones((1, len(table.right)))).items()}
        return SubsetValue(values[PAIR_ACCURACY], values)

    def resample(self, examples, samples, rng) -> Resampled:
        table = self._table(examples)
        n = len(table.right)
        counts = rng.multinomial(n, np.full(n, 1.0 / n), size=samples).astype(float)
        values = table.values(counts)
        return Resampled(values[PAIR_ACCURACY], values)

    def replicates(self, examples, samples, rng):
        return self.resample(examples, samples, rng).score

    @staticmethod
    def _table(examples: Sequence[ExampleScore]) -> _PromptTable:
        table = _PromptTable.build(examples)
        if not table.pairs.sum():
            raise BenchmarkDataError(
                f"subset {examples[0].subset!r} has no conflict pairs: its score, the accuracy on them, is undefined"
            )
        return table


BEST_OF_K = BestOfKScorer()


# A set's values besides its headline, each a column per set and one for the mean over the sets.
SET_VALUES: dict[str, str] = {
    BEST_OF_ALL: "Best-of-32",
    BEST_OF_K_MAX: "Best-of-K max",
    ROC_AUC: "ROC AUC",
}


class BestOfKMetrics(Metrics):
    """Columns: each set's conflict-pair accuracy, the means over the sets of its best-of-32, best-of-K
    maximum and ROC AUC, then those three per set. Headline: the mean of the sets' accuracies."""

    def __init__(self, sets: Mapping[str, str]):
        self.sets = dict(sets)  # subset (set) -> what it is (About)

    @property
    def columns(self) -> tuple[str, ...]:
        per_set = tuple(f"{s} {label}" for s in self.sets for label in SET_VALUES.values())
        return (*self.sets, *SET_VALUES.values(), *per_set)

    @property
    def main_columns(self) -> tuple[str, ...]:
        return (*self.sets, *SET_VALUES.values())

    @property
    def subsets(self) -> tuple[str, ...]:
        return tuple(self.sets)

    def column_subsets(self, column: str) -> tuple[str, ...]:
        if column in SET_VALUES.values():
            return self.subsets
        return tuple(s for s in self.sets if column == s or column.startswith(f"{s} "))

    def aggregate(self, values: Mapping[str, Value], parts: Optional[Parts] = None, counts: Optional[Counts] = None):
        present = [s for s in self.sets if s in values]
        columns = {s: values[s] for s in present}
        for part, label in SET_VALUES.items():
            with_part = [s for s in present if part in (parts or {}).get(s, {})]
            for s in with_part:
                columns[f"{s} {label}"] = parts[s][part]
            if with_part:
                columns[label] = sum(parts[s][part] for s in with_part) / len(with_part)
        return columns

    def headline(self, columns: Mapping[str, Value], partial: bool = False) -> Optional[Value]:
        return mean_of_all(columns, self.sets, partial)

    def missing(self, present: Iterable[str], optional_columns: frozenset[str] = frozenset(), partial: bool = False):
        return absent(present, self.sets, partial)

    def curves(self, parts: Parts) -> Optional[Curves]:
        panels = []
        for s in self.sets:
            size = sum(1 for name in parts.get(s, {}) if name.startswith("best_of_") and name[8:].isdigit())
            if size:
                panels.append((s, (
                    Curve("best-of-K", tuple(parts[s][curve_part(k)] for k in range(1, size + 1))),
                    Curve("oracle", tuple(parts[s][oracle_part(k)] for k in range(1, size + 1)), reference=True),
                )))
        if not panels:
            return None
        return Curves("Best-of-K: expected correctness of the top-scored of K responses", "K", "correct (%)", tuple(panels))

    def describe(self, optional_columns: frozenset[str] = frozenset()) -> list[str]:
        names = ", ".join(self.sets)
        return [
            *(f"- **{name}**: {text}; the column is its conflict-pair accuracy." for name, text in self.sets.items()),
            "- **Conflict-pair accuracy**: over every conflict pair of the set (one correct and one wrong response "
            "to the same prompt), the share where the correct one scores strictly higher; a tie is wrong. A pair "
            "the data lists twice (in either order) counts once.",
            "- **Best-of-K curve** (Charts), K = 1..32: the expected correctness of the top-scored response of a "
            "uniformly random K-subset of a prompt's 32, computed exactly from order statistics (no sampling), "
            "averaged over the prompts. When several responses tie for the top score of a subset, the subset counts "
            "the mean correctness of the tied ones. The **oracle curve** beside it is the probability that the "
            "K-subset holds a correct response at all.",
            f"- **{SET_VALUES[BEST_OF_ALL]}**: the curve at K = 32 (the top-scored of all 32); **{SET_VALUES[BEST_OF_K_MAX]}**: "
            "the curve's highest point over K (on data with fewer responses a prompt, K runs to that number).",
            f"- **{SET_VALUES[ROC_AUC]}**: per prompt, the share of (correct, wrong) response pairs where the correct "
            "one scores higher, a tie counting half (the ROC AUC of the reward as a correctness classifier within "
            "the prompt); the mean over the prompts that have both kinds.",
            "- Each value is given per set, and as the plain mean over the sets.",
            "- **Per example** (Examples tab, scores file): *chosen* holds a prompt's correct answers and *rejected* its "
            "wrong ones, each in response order, with every reward; *pairs* the conflict pairs as (chosen index, "
            "rejected index); its credit is the share of its conflict pairs it gets right (0 for a prompt with none, "
            "which then counts only in the curves and ROC AUC). A prompt whose answers are all correct or all wrong "
            "has no margin.",
            "",
            f"**Score** is the plain mean of the conflict-pair accuracies of {names}. A result that lacks a set has "
            "no Score and is listed as incomplete; on custom data the mean runs over the sets the data has.",
        ]
