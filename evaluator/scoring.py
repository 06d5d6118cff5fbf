"""From per-example scores to subset, section and overall scores, with bootstrap intervals.

Each subset is scored by the scorer its benchmark names for it (benchmarks/subset_scorers.py):
RewardBench v1's strict pairwise accuracy, RewardBench 2's best-of-N credit, or its Ties score.
A section is the weighted mean of the subsets present (weights from the benchmark); the overall
score is the weighted mean of the sections present.

Intervals are a stratified percentile bootstrap: every replicate resamples each subset's examples
with replacement (Ties: its prompt numbers), and the same replicate flows up into its section and
the overall score, so all intervals come from one consistent set of resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional, Sequence

import numpy as np

from results import sections as section_rules
from results.schema import ExampleScore, Interval, SectionScore, SubsetScore
from results.sections import weighted_mean

from .benchmarks import Benchmark
from .benchmarks.subset_scorers import SubsetValue, pair_correct

__all__ = ["Scores", "overall_score", "pair_correct", "score", "section_scores"]

DEFAULT_BOOTSTRAP_SAMPLES = 1000
DEFAULT_SEED = 0


@dataclass(frozen=True)
class Scores:
    subsets: dict[str, SubsetScore]
    sections: dict[str, SectionScore]
    overall: Optional[float]
    overall_ci95: Optional[Interval]


def section_scores(subset_accuracy: Mapping[str, float], benchmark: Benchmark) -> dict[str, float]:
    return {name: float(value) for name, value in section_rules.section_scores(subset_accuracy, benchmark.sections).items()}


def overall_score(section_values: Mapping[str, float], benchmark: Benchmark) -> Optional[float]:
    value = section_rules.overall_score(section_values, benchmark.sections)
    return None if value is None else float(value)


def score(
    examples_by_subset: Mapping[str, Sequence[ExampleScore]],
    benchmark: Benchmark,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> Scores:
    ordered = [s for s in benchmark.subsets if s in examples_by_subset]
    values = {s: benchmark.scorer_for(s).value(examples_by_subset[s]) for s in ordered}
    accuracy = {s: values[s].score for s in ordered}
    section_values = section_scores(accuracy, benchmark)
    overall = overall_score(section_values, benchmark)

    rng = np.random.default_rng(seed)
    replicates = {s: benchmark.scorer_for(s).replicates(examples_by_subset[s], bootstrap_samples, rng) for s in ordered}
    section_reps = {
        section.name: weighted_mean(replicates, section.subset_weights)
        for section in benchmark.sections
        if section.name in section_values
    }
    overall_reps = (
        weighted_mean(section_reps, {s.name: s.overall_weight for s in benchmark.sections})
        if overall is not None
        else None
    )
    return Scores(
        subsets={s: _subset_score(values[s], len(examples_by_subset[s]), replicates[s]) for s in ordered},
        sections={
            section.name: SectionScore(
                score=section_values[section.name],
                subsets=[s for s in section.subset_weights if s in accuracy],
                missing_subsets=[s for s in section.subset_weights if s not in accuracy],
                ci95=_interval(section_reps[section.name]),
            )
            for section in benchmark.sections
            if section.name in section_values
        },
        overall=overall,
        overall_ci95=_interval(overall_reps) if overall_reps is not None else None,
    )


def _subset_score(value: SubsetValue, n: int, replicates: np.ndarray) -> SubsetScore:
    return SubsetScore(accuracy=value.score, n=n, ci95=_interval(replicates), parts=value.parts)


def _interval(replicates: np.ndarray) -> Interval:
    low, high = np.percentile(replicates, [2.5, 97.5])
    return Interval(low=float(low), high=float(high))
