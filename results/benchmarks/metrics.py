"""A benchmark's metrics, end to end: per-example records -> subset values -> columns -> headline,
each with a bootstrap interval (pure: numpy and the spec; the evaluator scores with it, and anyone
can recompute a result from its per-example lines with it).

Each subset is scored by the scorer its spec names for it (credit.py): RewardBench v1's strict
pairwise accuracy, RewardBench 2's best-of-N credit, or its Ties score. Columns and the headline
come from the spec's `Metrics` (sections.py, languages.py).

Intervals are a stratified percentile bootstrap: every replicate resamples each subset's examples
with replacement (Ties: its prompt numbers), and the same replicate flows up into every column and
the headline, so all intervals come from one consistent set of resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import numpy as np

from results.schema import ExampleScore, Interval, SectionScore, SubsetScore

from .credit import SubsetValue, pair_correct
from .spec import BenchmarkSpec

__all__ = ["Scores", "pair_correct", "score"]

DEFAULT_BOOTSTRAP_SAMPLES = 1000
DEFAULT_SEED = 0
KEPT_REPLICATES = 200  # of the score's replicates, kept in the result (EvalResult.score_replicates)


def kept_replicates(replicates: Optional[np.ndarray], keep: int = KEPT_REPLICATES) -> Optional[list[float]]:
    """The first `keep` replicates of a headline, rounded to 7 decimals (2 KB a result), without the
    ones a resample could not compute (NaN); None when there are none."""
    if replicates is None:
        return None
    values = [round(float(v), 7) for v in np.asarray(replicates, dtype=float)[:keep] if np.isfinite(v)]
    return values or None


@dataclass(frozen=True)
class Scores:
    subsets: dict[str, SubsetScore]
    sections: dict[str, SectionScore]
    overall: Optional[float]
    overall_ci95: Optional[Interval]
    overall_replicates: Optional[np.ndarray] = None  # the headline's bootstrap replicates, in draw order


def score(
    examples_by_subset: Mapping[str, Sequence[ExampleScore]],
    spec: BenchmarkSpec,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_SEED,
    partial: bool = False,
) -> Scores:
    """`partial`: custom data, the headline computed over what the data has (see `Metrics.headline`)."""
    ordered = spec.metrics.order(examples_by_subset)
    counts = {s: len(examples_by_subset[s]) for s in ordered}
    values = {s: spec.scorer_for(s).value(examples_by_subset[s]) for s in ordered}
    pooled = {s: {**(values[s].parts or {}), **(values[s].statistics or {})} for s in ordered}
    columns = spec.columns_of({s: values[s].score for s in ordered}, pooled, counts)
    headline = spec.metrics.headline(columns, partial)

    rng = np.random.default_rng(seed)
    resampled = {s: spec.scorer_for(s).resample(examples_by_subset[s], bootstrap_samples, rng) for s in ordered}
    replicates = {s: r.score for s, r in resampled.items()}
    column_reps = spec.metrics.aggregate(replicates, {s: r.parts for s, r in resampled.items()}, counts)
    headline_reps = spec.metrics.headline(column_reps, partial) if headline is not None else None
    return Scores(
        subsets={s: _subset_score(values[s], len(examples_by_subset[s]), replicates[s]) for s in ordered},
        sections={name: _column_score(spec, name, value, column_reps.get(name), values) for name, value in columns.items()},
        overall=None if headline is None else float(headline),
        overall_ci95=_interval(headline_reps) if headline_reps is not None else None,
        overall_replicates=np.asarray(headline_reps, dtype=float) if headline_reps is not None else None,
    )


def _column_score(spec: BenchmarkSpec, name: str, value: float, replicates, present) -> SectionScore:
    wanted = spec.column_subsets(name)
    return SectionScore(
        score=value,
        subsets=[s for s in wanted if s in present],
        missing_subsets=[s for s in wanted if s not in present],
        ci95=_interval(replicates) if replicates is not None else None,
    )


def _subset_score(value: SubsetValue, n: int, replicates: np.ndarray) -> SubsetScore:
    return SubsetScore(accuracy=value.score, n=n, ci95=_interval(replicates), parts=value.parts)


def _interval(replicates: np.ndarray) -> Optional[Interval]:
    """The 2.5th and 97.5th percentiles; replicates a column could not be computed for (NaN: a relative
    change from a resampled base of 0) are left out, and none at all gives no interval."""
    values = np.asarray(replicates, dtype=float)
    if np.isnan(values).all():
        return None
    low, high = np.nanpercentile(values, [2.5, 97.5])
    return Interval(low=float(low), high=float(high))
