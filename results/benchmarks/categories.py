"""Categories pooled by example (JudgeBench's shape, pure): each category is its accuracy, the
headline the accuracy over every example (a mean weighted by each category's example count, as the
authors report it), and beside it the plain mean of the categories, labelled as such."""

from __future__ import annotations

from typing import Iterable, Mapping, Optional

from .aggregation import Counts, Metrics, Parts, Value

CATEGORY_MEAN = "Category mean"
ALL_EXAMPLES = "All pairs"  # the pooled accuracy, the headline (a column too, so replicates carry it)


class CategoryMetrics(Metrics):
    def __init__(self, categories: Mapping[str, str]):
        self.categories = dict(categories)  # subset -> what it measures (About)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.categories, CATEGORY_MEAN, ALL_EXAMPLES)

    @property
    def subsets(self) -> tuple[str, ...]:
        return tuple(self.categories)

    def column_subsets(self, column: str) -> tuple[str, ...]:
        return self.subsets if column in (CATEGORY_MEAN, ALL_EXAMPLES) else ((column,) if column in self.categories else ())

    def aggregate(self, values: Mapping[str, Value], parts: Optional[Parts] = None, counts: Optional[Counts] = None):
        columns = {c: values[c] for c in self.categories if c in values}
        if columns:
            columns[CATEGORY_MEAN] = sum(columns.values()) / len(columns)
        pooled = self.pooled(values, counts or {})
        if pooled is not None:
            columns[ALL_EXAMPLES] = pooled
        return columns

    def pooled(self, values: Mapping[str, Value], counts: Counts) -> Optional[Value]:
        """The accuracy over every example: the categories' accuracies weighted by their counts
        (none without counts: a file of accuracies alone cannot give it)."""
        present = [c for c in self.categories if c in values and counts.get(c)]
        total = sum(counts[c] for c in present)
        return sum(values[c] * counts[c] for c in present) / total if total else None

    def headline(self, columns: Mapping[str, Value], partial: bool = False) -> Optional[Value]:
        if not partial and any(c not in columns for c in self.categories):
            return None
        return columns.get(ALL_EXAMPLES)

    def missing(self, present: Iterable[str], optional_columns: frozenset[str] = frozenset(), partial: bool = False):
        if partial:
            return ()
        have = set(present)
        return tuple(c for c in self.categories if c not in have)

    def describe(self, optional_columns: frozenset[str] = frozenset()) -> list[str]:
        return [
            *(f"- **{name}**: {text}." for name, text in self.categories.items()),
            f"- **{CATEGORY_MEAN}**: the plain mean of the {len(self.categories)} categories (what some papers report).",
            f"- **{ALL_EXAMPLES}**: the accuracy over every pair (the Score).",
            "",
            "**Score** is the accuracy over every pair, the authors' headline (categories count by their number "
            "of pairs). A result that lacks a category has no Score and is listed as incomplete.",
        ]
