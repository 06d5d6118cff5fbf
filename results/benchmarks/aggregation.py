"""How subset values roll up into a benchmark's named columns and its headline (pure).

The third step of a benchmark's metrics (credit -> subset value -> columns, see metrics.py). Every
function here takes values that are floats *or* numpy arrays of bootstrap replicates, so the point
estimate and every replicate go through the very same arithmetic.

Two shapes exist today: `SectionMetrics` (sections.py: a column is a weighted mean of subsets, the
headline a weighted mean of columns: RewardBench, RewardBench 2) and `LanguageMetrics`
(languages.py: a RewardBench score per language, the headline a mean over languages:
M-RewardBench), and more beside them (styles.py, categories.py, scenarios.py: RMB's scenarios,
pooled by part, whose list is the data's). A new shape is a new subclass; the leaderboard and the
evaluator only call the methods below.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

Value = Any  # a float, or a numpy array of bootstrap replicates
Parts = Mapping[str, Mapping[str, Value]]  # subset -> its named parts (a style matrix's cells, ...)
Counts = Mapping[str, int]  # subset -> how many examples it has (for means over examples)


@dataclass(frozen=True)
class Matrix:
    """A result's matrix for a heatmap (RM-Bench's style matrix): values[i][j] is row i against column j."""

    title: str
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Curve:
    """One line of a curves chart: values[k - 1] at x = k."""

    name: str
    values: tuple[float, ...]
    reference: bool = False  # a bound to compare against (drawn dashed), not the model's own line


@dataclass(frozen=True)
class Curves:
    """A result's curves for a line chart, one panel per group drawn side by side (PPE Correctness'
    best-of-K curve beside its oracle curve, per set)."""

    title: str
    x_label: str
    y_label: str
    panels: tuple[tuple[str, tuple[Curve, ...]], ...]  # (panel title, its curves)


def mean_of_all(columns: Mapping[str, Value], names: Iterable[str], partial: bool = False) -> Optional[Value]:
    """The plain mean of the named columns; None when one is absent (unless `partial`: custom data,
    the mean of those present) or none is present."""
    wanted = list(names)
    present = [columns[name] for name in wanted if name in columns]
    if not present or (len(present) < len(wanted) and not partial):
        return None
    return sum(present) / len(present)


def absent(present: Iterable[str], names: Iterable[str], partial: bool = False) -> tuple[str, ...]:
    """The names not in `present`; none on custom data (`partial`), judged by what the data has."""
    if partial:
        return ()
    have = set(present)
    return tuple(name for name in names if name not in have)


class Metrics(ABC):
    @property
    @abstractmethod
    def columns(self) -> tuple[str, ...]:
        """The benchmark's named values besides the headline, in table order."""

    @property
    @abstractmethod
    def subsets(self) -> tuple[str, ...]:
        """Every subset the benchmark knows, in table order."""

    @abstractmethod
    def column_subsets(self, column: str) -> tuple[str, ...]:
        """The subsets a column is computed from (for the Subsets tab's filter and a result's record)."""

    @abstractmethod
    def aggregate(
        self, values: Mapping[str, Value], parts: Optional[Parts] = None, counts: Optional[Counts] = None
    ) -> dict[str, Value]:
        """Column -> value from subset -> value (and, for shapes that need them, each subset's parts and
        example count); a column with nothing to compute it from is left out."""

    @abstractmethod
    def headline(self, columns: Mapping[str, Value], partial: bool = False) -> Optional[Value]:
        """The headline from the columns present; None when there is none. `partial` (custom data):
        compute it over what is present even where the benchmark's own data would call it incomplete."""

    @abstractmethod
    def missing(
        self, present: Iterable[str], optional_columns: frozenset[str] = frozenset(), partial: bool = False
    ) -> tuple[str, ...]:
        """What a complete result has and one with subsets `present` lacks (subset or part names).
        `partial` (custom data): judged against the parts the data has, where the shape allows it."""

    @abstractmethod
    def describe(self, optional_columns: frozenset[str] = frozenset()) -> list[str]:
        """Markdown lines for About: one per column, then the headline, then completeness."""

    def in_column(self, column: str, subset: str) -> bool:
        """Whether `subset` counts in `column` (a data-driven shape's subsets need not be listed)."""
        return subset in self.column_subsets(column)

    def knows(self, subset: str) -> bool:
        """Whether examples of `subset` count in this benchmark (a data-driven shape takes subsets
        it has no fixed list of: RMB's scenarios are named by the files they come from)."""
        return subset in self.subsets

    def order(self, present: Iterable[str]) -> list[str]:
        """The subsets of `present` this shape counts, in table order: the known ones first, then any
        others it takes, alphabetically."""
        have = set(present)
        known = [s for s in self.subsets if s in have]
        return known + sorted(s for s in have - set(known) if self.knows(s))

    def matrix(self, parts: Parts) -> Optional[Matrix]:
        """The result's matrix from its subsets' parts, for shapes that have one (none by default)."""
        return None

    def curves(self, parts: Parts) -> Optional[Curves]:
        """The result's curves from its subsets' parts, for shapes that have them (none by default)."""
        return None

    def column_is_fraction(self, column: str) -> bool:
        """Whether a column is a score in 0..1 shown as a percentage (a spread or a change is not a score,
        but is shown in the same points)."""
        return True

    def column_kind(self, column: str) -> str:
        """How pages show a column: "percent" (a score in 0..1), "delta" (a spread or change, in signed
        points), "correlation" (a coefficient in -1..1, as it is) or "count" (a whole number)."""
        return "percent" if self.column_is_fraction(column) else "delta"
