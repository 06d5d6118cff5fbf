"""Scenarios pooled by part (RMB's shape of `Metrics`, pure).

A subset is one scenario file, named by the part it belongs to and its path in that part
(`Pairwise/Helpfulness/Code/Documentation`, `BoN/Harmlessness/S3`). A part is a column: the accuracy
over every example of all its scenarios (micro: each scenario weighted by its example count), and
the headline is the plain mean of the parts.

The scenario list is the data's: a scenario the authors' layout does not list still counts in its
part (`knows`), after the known ones. The known list says what a complete result has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

from .aggregation import Counts, Metrics, Parts, Value


@dataclass(frozen=True)
class ScenarioPart:
    """A column: every scenario whose subset name starts with `prefix`."""

    column: str
    prefix: str  # "Pairwise/Helpfulness/": the part's subsets are prefix + scenario
    scenarios: tuple[str, ...]  # the authors' scenarios of the part, in their order
    description: str  # what one example of the part is, for About

    @property
    def subsets(self) -> tuple[str, ...]:
        return tuple(self.prefix + s for s in self.scenarios)

    def holds(self, subset: str) -> bool:
        return subset.startswith(self.prefix) and len(subset) > len(self.prefix)


class ScenarioMetrics(Metrics):
    def __init__(self, parts: tuple[ScenarioPart, ...]):
        self.parts = parts

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(p.column for p in self.parts)

    @property
    def subsets(self) -> tuple[str, ...]:
        return tuple(s for p in self.parts for s in p.subsets)

    def part_of(self, subset: str) -> Optional[ScenarioPart]:
        return next((p for p in self.parts if p.holds(subset)), None)

    def knows(self, subset: str) -> bool:
        return self.part_of(subset) is not None

    def column_subsets(self, column: str) -> tuple[str, ...]:
        return next((p.subsets for p in self.parts if p.column == column), ())

    def in_column(self, column: str, subset: str) -> bool:
        return any(p.column == column and p.holds(subset) for p in self.parts)

    def aggregate(self, values: Mapping[str, Value], parts: Optional[Parts] = None, counts: Optional[Counts] = None):
        """Each part's accuracy over all its examples; none without example counts (a file of
        accuracies alone cannot pool scenarios of different sizes)."""
        sizes = counts or {}
        columns = {}
        for part in self.parts:
            present = [s for s in values if part.holds(s) and sizes.get(s)]
            total = sum(sizes[s] for s in present)
            if total:
                columns[part.column] = sum(values[s] * sizes[s] for s in present) / total
        return columns

    def headline(self, columns: Mapping[str, Value], partial: bool = False) -> Optional[Value]:
        present = [columns[c] for c in self.columns if c in columns]
        if not present or (len(present) < len(self.parts) and not partial):
            return None
        return sum(present) / len(present)

    def missing(self, present: Iterable[str], optional_columns: frozenset[str] = frozenset(), partial: bool = False):
        """The authors' scenarios without a score; on custom data, the parts without any scenario (its
        formulas run over the parts it has, and the result is listed as custom data)."""
        have = set(present)
        if partial:
            return tuple(p.column for p in self.parts if not any(p.holds(s) for s in have))
        return tuple(s for s in self.subsets if s not in have)

    def describe(self, optional_columns: frozenset[str] = frozenset()) -> list[str]:
        return [
            *(
                f"- **{p.column}**: {p.description} The accuracy over every example of its "
                f"{len(p.scenarios)} scenarios together (`{p.prefix}...`), so a large scenario counts for more."
                for p in self.parts
            ),
            "",
            f"**Score** is the plain mean of the {len(self.parts)} parts. A result that lacks a scenario has no "
            "Score and is listed as incomplete. On custom data (a folder of your own) the parts it has are "
            "averaged, and the result is listed as custom data. Every scenario's own accuracy is on the Subsets tab.",
        ]
