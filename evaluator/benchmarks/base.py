"""What a benchmark is: where its data lives and how subset accuracies roll up into scores."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from results.sections import Section

from .subset_scorers import PAIRWISE, SubsetScorer


@dataclass(frozen=True)
class DataSource:
    """A Hub dataset id or a local JSON/JSONL/Parquet file (or folder of them).

    `split=None` on a Hub dataset with several splits reads every split whose name is a subset of
    the benchmark, each split becoming that subset (the layout of `allenai/pref-test-sets`).
    `revision` pins a Hub dataset to one commit (ignored for local files).
    """

    location: str
    split: Optional[str] = None
    revision: Optional[str] = None

    def describe(self) -> str:
        return f"{self.location}" + (f" (split {self.split})" if self.split else "")


_DATA_SUFFIXES = (".json", ".jsonl", ".parquet")


def looks_like_a_file(location: str) -> bool:
    """Whether a data location can only be a local path, never a Hub id: a data file's suffix, a
    path-like start, more than one slash. A missing one is then reported as a missing file, not
    asked of the Hub (whose answer, "Repo id must be in the form ...", misleads)."""
    return (
        location.lower().endswith(_DATA_SUFFIXES)
        or location.startswith(("/", "./", "../", "~"))
        or location.count("/") > 1
        or "\\" in location
    )


@dataclass(frozen=True)
class Benchmark:
    name: str
    description: str
    sections: tuple[Section, ...]
    core_source: DataSource
    # Optional extra data, read only when asked for (RewardBench's prior sets), and the section
    # each one fills: those sections are never "missing" from a result that did not ask for them.
    extra_sources: dict[str, DataSource] = field(default_factory=dict)
    extra_sections: dict[str, str] = field(default_factory=dict)
    # How a subset's examples become its score: subsets not named here use `default_scorer`.
    scorers: dict[str, SubsetScorer] = field(default_factory=dict)
    default_scorer: SubsetScorer = PAIRWISE

    def scorer_for(self, subset: str) -> SubsetScorer:
        return self.scorers.get(subset, self.default_scorer)

    @property
    def subsets(self) -> tuple[str, ...]:
        return tuple(s for section in self.sections for s in section.subset_weights)

    def core_subsets(self, extras: tuple[str, ...] = ()) -> tuple[str, ...]:
        """The subsets a complete result has: every section's but those of extras not asked for."""
        skipped = {name for extra, name in self.extra_sections.items() if extra not in extras}
        return tuple(s for section in self.sections if section.name not in skipped for s in section.subset_weights)

    def section_of(self, subset: str) -> Section:
        for section in self.sections:
            if subset in section.subset_weights:
                return section
        raise KeyError(subset)
