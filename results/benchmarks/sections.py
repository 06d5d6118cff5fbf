"""Sections: a column is the weighted mean of the subsets present, the headline the weighted mean of
the sections present (pure). RewardBench's and RewardBench 2's shape of `Metrics`; their tables of
weights live in their spec modules (rewardbench.py, rewardbench2.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from .aggregation import Metrics, Value


@dataclass(frozen=True)
class Section:
    """A leaderboard column: the weighted mean of the accuracies of its subsets that are present."""

    name: str
    subset_weights: Mapping[str, float]
    overall_weight: float = 1.0
    description: str = ""  # what a one-subset section measures, for About


def subset_order(sections: tuple[Section, ...]) -> list[str]:
    """Every subset of `sections`, section by section, in table order."""
    return [subset for section in sections for subset in section.subset_weights]


def weighted_mean(values: Mapping[str, Any], weights: Mapping[str, float]) -> Optional[Any]:
    """Mean of `values` weighted by `weights` over the keys present in both; None when none is.

    Values may be floats or numpy arrays (the scorer passes bootstrap replicates through here).
    """
    keys = [k for k in weights if k in values]
    total = sum(weights[k] for k in keys)
    if not keys or total <= 0:
        return None
    return sum(values[k] * weights[k] for k in keys) / total


def section_scores(subset_accuracy: Mapping[str, float], sections: tuple[Section, ...]) -> dict[str, float]:
    """Section name -> weighted mean over the subsets present; sections with none present are left out."""
    scores = {}
    for section in sections:
        value = weighted_mean(subset_accuracy, section.subset_weights)
        if value is not None:
            scores[section.name] = value
    return scores


def overall_score(sections_present: Mapping[str, float], sections: tuple[Section, ...]) -> Optional[float]:
    """Weighted mean of the sections present (by `overall_weight`); None when there is none."""
    return weighted_mean(sections_present, {s.name: s.overall_weight for s in sections})


class SectionMetrics(Metrics):
    """Columns = sections (weighted means of their subsets), headline = weighted mean of the sections."""

    def __init__(self, sections: tuple[Section, ...]):
        self.sections = sections

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.sections)

    @property
    def subsets(self) -> tuple[str, ...]:
        return tuple(subset_order(self.sections))

    def column_subsets(self, column: str) -> tuple[str, ...]:
        return tuple(next((s.subset_weights for s in self.sections if s.name == column), ()))

    def aggregate(self, values: Mapping[str, Value], parts=None, counts=None) -> dict[str, Value]:
        return section_scores(values, self.sections)

    def headline(self, columns: Mapping[str, Value], partial: bool = False) -> Optional[Value]:
        return overall_score(columns, self.sections)

    def missing(
        self, present: Iterable[str], optional_columns: frozenset[str] = frozenset(), partial: bool = False
    ) -> tuple[str, ...]:
        """Every core subset without a score, custom data or not (a run on 1 of 23 subsets is incomplete)."""
        have = set(present)
        core = subset_order(tuple(s for s in self.sections if s.name not in optional_columns))
        return tuple(s for s in core if s not in have)

    def describe(self, optional_columns: frozenset[str] = frozenset()) -> list[str]:
        core = [s.name for s in self.sections if s.name not in optional_columns]
        return [
            *(_weights_line(s) for s in self.sections),
            "",
            _score_line(self.sections)
            + " A section a result does not have is left out of the average rather than counted as zero.",
            "",
            f"**Complete results only.** A result ranks only when it has a score for every subset of {', '.join(core)}.",
        ]


def _weights_line(section: Section) -> str:
    weights = set(section.subset_weights.values())
    names = ", ".join(f"`{s}`" for s in section.subset_weights)
    if len(section.subset_weights) == 1:
        return f"- **{section.name}**: {section.description or f'the score on {names}'}."
    if len(weights) == 1:
        return f"- **{section.name}**: the plain average of {names}."
    parts = ", ".join(f"`{s}` ({w:g})" for s, w in section.subset_weights.items())
    return f"- **{section.name}**: an average of {parts}, each subset weighted by its number of prompts."


def _score_line(sections: tuple[Section, ...]) -> str:
    full = [s.name for s in sections if s.overall_weight == 1.0]
    other = [f"{s.name} (weight {s.overall_weight:g})" for s in sections if s.overall_weight != 1.0]
    if not other:
        return f"**Score** is the plain average of the {len(sections)} sections {', '.join(full)}."
    return f"**Score** is the average of the sections {', '.join(full)} (weight 1 each) and {', '.join(other)}."
