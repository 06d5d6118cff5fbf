"""One benchmark in many languages (M-RewardBench's shape of `Metrics`, pure).

A subset is `<language>/<subset>` (FLORES codes: `deu_Latn/alpacaeval-easy`), so per-example lines
stay keyed by (subset, id) although every language repeats the same ids, and they carry their
language (`groups`). Per language, the RewardBench v1 rule: each category (Chat, Chat Hard,
Safety, Reasoning) is the mean of its subsets weighted by RewardBench v1's fixed example counts, and
the language's score is the plain mean of the categories. Then across languages:

- headline: the plain mean over the non-English languages (none when one is missing, unless the
  data is custom: then over those present);
- English: the English score, apart;
- Std: the standard deviation of the non-English language scores (population, ddof = 0);
- English drop: (mean over the non-English languages present - English) / English, a relative
  change (negative when the model does worse outside English).
Every step is arithmetic on floats or numpy arrays alike, so replicates follow the same path.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

import numpy as np

from .aggregation import Metrics, Value, mean_of_all
from .sections import Section, section_scores, subset_order
from .spec import RowMapping

SEPARATOR = "/"
ENGLISH_COLUMN = "English"
STD_COLUMN = "Std"
DROP_COLUMN = "English drop"


def split_subset(subset: str) -> tuple[str, str]:
    language, _, name = subset.partition(SEPARATOR)
    return language, name


@dataclass(frozen=True)
class LanguageRows(RowMapping):
    """Rows in RewardBench's fields plus `language` (or read from a config named by language); the
    subset is in `source` (the Hub data) or `subset` (a local file)."""

    required: tuple[str, ...] = ("prompt", "chosen", "rejected", "id")

    def normalise(self, row: dict[str, Any], config: Optional[str] = None) -> dict[str, Any]:
        language = row.get("language") or config
        subset = row.get("source") or row.get("subset")
        if not language:
            raise KeyError("language")
        if not subset:
            raise KeyError("subset (or source)")
        return {**row, "language": language, "subset": f"{language}{SEPARATOR}{subset}"}

    def groups_of(self, subset: str) -> dict[str, str]:
        return {"language": split_subset(subset)[0]}


def _relative_change(value: Value, base: Value) -> Value:
    """(value - base) / base; NaN for a bootstrap replicate whose base is 0 (its interval skips it)."""
    base_array = np.asarray(base, dtype=float)
    safe = np.where(base_array != 0, base_array, 1.0)
    change = np.where(base_array != 0, (np.asarray(value, dtype=float) - base_array) / safe, np.nan)
    return change if change.ndim else float(change)


class LanguageMetrics(Metrics):
    def __init__(self, categories: tuple[Section, ...], languages: tuple[str, ...], english: str):
        self.categories = categories
        self.languages = languages  # the non-English ones, in column order
        self.english = english

    # ---- shape -------------------------------------------------------------------------------------

    @property
    def all_languages(self) -> tuple[str, ...]:
        return (*self.languages, self.english)

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.languages, ENGLISH_COLUMN, STD_COLUMN, DROP_COLUMN)

    @property
    def subsets(self) -> tuple[str, ...]:
        return tuple(f"{lang}{SEPARATOR}{s}" for lang in self.all_languages for s in subset_order(self.categories))

    def _language_of_column(self, column: str) -> Optional[str]:
        return self.english if column == ENGLISH_COLUMN else column if column in self.languages else None

    def column_subsets(self, column: str) -> tuple[str, ...]:
        language = self._language_of_column(column)
        if language is not None:
            return tuple(s for s in self.subsets if split_subset(s)[0] == language)
        if column == STD_COLUMN:
            return tuple(s for s in self.subsets if split_subset(s)[0] in self.languages)
        return self.subsets if column == DROP_COLUMN else ()

    def column_is_fraction(self, column: str) -> bool:
        return column not in (STD_COLUMN, DROP_COLUMN)

    # ---- arithmetic --------------------------------------------------------------------------------

    def language_scores(self, values: Mapping[str, Value]) -> dict[str, Value]:
        """Language -> plain mean of its categories present (each a weighted mean of its subsets)."""
        by_language: dict[str, dict[str, Value]] = {}
        for subset, value in values.items():
            language, name = split_subset(subset)
            by_language.setdefault(language, {})[name] = value
        scores = {}
        for language in self.all_languages:
            categories = section_scores(by_language.get(language, {}), self.categories)
            if categories:
                scores[language] = sum(categories.values()) / len(categories)
        return scores

    def aggregate(self, values: Mapping[str, Value], parts=None, counts=None) -> dict[str, Value]:
        scores = self.language_scores(values)
        columns = {lang: scores[lang] for lang in self.languages if lang in scores}
        others = list(columns.values())
        if others:
            columns[STD_COLUMN] = np.std(np.stack([np.asarray(v, dtype=float) for v in others]), axis=0)
        english = scores.get(self.english)
        if english is not None:
            columns[ENGLISH_COLUMN] = english
            if others and np.any(np.asarray(english) != 0):
                columns[DROP_COLUMN] = _relative_change(sum(others) / len(others), english)
        return columns

    def headline(self, columns: Mapping[str, Value], partial: bool = False) -> Optional[Value]:
        return mean_of_all(columns, self.languages, partial)

    def missing(
        self, present: Iterable[str], optional_columns: frozenset[str] = frozenset(), partial: bool = False
    ) -> tuple[str, ...]:
        """The languages without any score; on custom data (`partial`) nothing: its formulas run
        over the languages it has, and the result is listed as custom data."""
        if partial:
            return ()
        have = {split_subset(s)[0] for s in present}
        return tuple(lang for lang in self.all_languages if lang not in have)

    def describe(self, optional_columns: frozenset[str] = frozenset()) -> list[str]:
        weights = "; ".join(
            f"{c.name}: " + ", ".join(f"`{s}` ({w:g})" for s, w in c.subset_weights.items()) for c in self.categories
        )
        return [
            "- **Each language** (by FLORES code): RewardBench v1's score on that language's data: "
            f"{', '.join(c.name for c in self.categories)} are each the mean of their subsets weighted by "
            "RewardBench v1's example counts, and the language's score is the plain mean of those categories. "
            f"Weights: {weights}.",
            f"- **{ENGLISH_COLUMN}**: the same score on the English data (`{self.english}`), kept apart.",
            f"- **{STD_COLUMN}**: the standard deviation (population) of the {len(self.languages)} non-English "
            "language scores, in points: how unevenly the model does across languages.",
            f"- **{DROP_COLUMN}**: (mean of the non-English languages - English) / English, in percent: "
            "negative when the model does worse outside English.",
            "",
            f"**Score** is the plain mean over the {len(self.languages)} non-English languages. A result that "
            "lacks a language has no Score and is listed as incomplete. On custom data (a file of your own) the "
            "same formulas run over the languages the file has, and the result is listed as custom data.",
        ]
