"""From per-example correctness to subset, section and overall scores, with bootstrap intervals.

The rules are RewardBench's: a subset's accuracy is the mean correctness of its examples; a
section is the weighted mean of the subsets present (weights from the benchmark); the overall
score is the weighted mean of the sections present.

Intervals are a stratified percentile bootstrap: every replicate resamples each subset's examples
with replacement, and the same replicate flows up into its section and the overall score, so all
intervals come from one consistent set of resamples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

import numpy as np

from results import sections as section_rules
from results.schema import Interval, SectionScore, SubsetScore
from results.sections import weighted_mean

from .benchmarks import Benchmark

DEFAULT_BOOTSTRAP_SAMPLES = 1000
DEFAULT_SEED = 0


def pair_correct(scores_chosen: list[float], scores_rejected: list[float]) -> float:
    """1.0 when every chosen score is strictly above every rejected one; a tie is wrong."""
    return 1.0 if min(scores_chosen) > max(scores_rejected) else 0.0


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
    correct_by_subset: Mapping[str, np.ndarray],
    benchmark: Benchmark,
    bootstrap_samples: int = DEFAULT_BOOTSTRAP_SAMPLES,
    seed: int = DEFAULT_SEED,
) -> Scores:
    ordered = [s for s in benchmark.subsets if s in correct_by_subset]
    accuracy = {s: float(np.mean(correct_by_subset[s])) for s in ordered}
    section_values = section_scores(accuracy, benchmark)
    overall = overall_score(section_values, benchmark)

    replicates = _bootstrap_subset_means(correct_by_subset, ordered, bootstrap_samples, seed)
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
        subsets={
            s: SubsetScore(accuracy=accuracy[s], n=len(correct_by_subset[s]), ci95=_interval(replicates[s]))
            for s in ordered
        },
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


def _bootstrap_subset_means(
    correct_by_subset: Mapping[str, np.ndarray], ordered: list[str], samples: int, seed: int
) -> dict[str, np.ndarray]:
    """Bootstrap replicates of each subset's mean.

    Resampling n examples with replacement only matters through how many copies of each distinct
    correctness value are drawn, which is a multinomial draw over those values: exact, and
    O(samples x distinct values) instead of O(samples x n).
    """
    rng = np.random.default_rng(seed)
    replicates: dict[str, np.ndarray] = {}
    for subset in ordered:
        values, counts = np.unique(np.asarray(correct_by_subset[subset], dtype=float), return_counts=True)
        n = int(counts.sum())
        draws = rng.multinomial(n, counts / n, size=samples)
        replicates[subset] = draws @ values / n
    return replicates


def _interval(replicates: np.ndarray) -> Interval:
    low, high = np.percentile(replicates, [2.5, 97.5])
    return Interval(low=float(low), high=float(high))
