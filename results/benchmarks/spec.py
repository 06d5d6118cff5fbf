"""What a benchmark is, in one object that both sides read (pure: no torch, no I/O).

A `BenchmarkSpec` says where the data lives (`DataSource`, pinned or read at the commit the result
records), how a data row becomes a per-example record (`RowMapping`: the subset it counts in, the
groups it belongs to), how per-example scores become credit and subset values (`credit.py`
scorers), how subset values become named columns and a headline (`Metrics`: sections.py,
languages.py), what a complete result has, what About says, and where published results live.

The evaluator adds only how to run models on it (evaluator/benchmarks/ reads the data; runner.py
scores); the leaderboard reads columns, rules and words from it and never names a benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Optional, Sequence

from .aggregation import Metrics
from .credit import PAIRWISE, SubsetScorer
from .verdicts import COIN_TOSS, VerdictRule

if TYPE_CHECKING:
    from results.schema import ExampleScore


@dataclass(frozen=True)
class DataSource:
    """A Hub dataset id or a local JSON/JSONL/Parquet file (or folder of them).

    `split=None` on a Hub dataset with several splits reads every split whose name is a subset of
    the benchmark, each split becoming that subset (the layout of `allenai/pref-test-sets`).
    `configs` reads each named config of a Hub dataset (M-RewardBench: one per language), the
    config's name handed to the row mapping. `revision` pins a Hub dataset to one commit.
    """

    location: str
    split: Optional[str] = None
    revision: Optional[str] = None
    configs: tuple[str, ...] = ()
    # Several Hub datasets read as one (name, dataset id), each at its own commit, the name handed to
    # the row mapping as a config's is (PPE Correctness: one dataset per set). `location` then only
    # names them as a whole; `parts()` are what is read.
    datasets: tuple[tuple[str, str], ...] = ()
    name: Optional[str] = None  # on each of `parts()`: the name its rows are handed under

    def parts(self) -> tuple["DataSource", ...]:
        """The sources read: each named dataset with the split, or this source itself."""
        if not self.datasets:
            return (self,)
        return tuple(DataSource(location, self.split, name=name) for name, location in self.datasets)

    def describe(self) -> str:
        return f"{self.location}" + (f" (split {self.split})" if self.split else "")


@dataclass(frozen=True)
class RowMapping:
    """How a data row becomes a per-example record: RewardBench's schema as it is (`prompt`,
    `chosen`, `rejected`, `subset`, `id`). Subclasses change where the subset comes from and which
    groups (language, domain, ...) an example belongs to."""

    required: tuple[str, ...] = ("prompt", "chosen", "rejected", "subset", "id")
    # Whether a local file's name says something about its rows (RM-Bench's chat_filtered.json): then
    # the loader hands the file's stem to `normalise` as its `config`, as it hands a Hub config's name.
    names_from_files: bool = False
    # Whether a file's place in its folder says what its rows are (RMB's `BoN_set/Harmlessness/S3.json`):
    # then the loader hands the file's path, without its suffix, to `normalise` as its `config`, and
    # reads a Hub dataset as the files it holds, each with its path in the repository.
    paths_from_files: bool = False
    # The raw column that holds a row's id (named when a row is refused, before it is normalised).
    id_column: str = "id"
    # Whether a row may have no chosen or no rejected response (a best-of-K prompt whose samples are
    # all correct or all wrong still counts in its curves).
    sides_may_be_empty: bool = False
    # Whether `normalise` names the (chosen i, rejected j) pairs a row is scored on, as `pairs` (PPE's
    # conflict pairs); a `pairs` column of any other benchmark's data is not read.
    names_pairs: bool = False

    def row_id(self, row: dict[str, Any]) -> Any:
        """The row's id as its data names it, for messages about a row the mapping refuses."""
        return row.get(self.id_column)

    def normalise(self, row: dict[str, Any], config: Optional[str] = None) -> dict[str, Any]:
        """The row in RewardBench's schema (a copy when anything changes); raises KeyError naming
        a missing column."""
        return row

    def groups_of(self, subset: str) -> dict[str, str]:
        """The grouping keys of an example of `subset` (its per-example line carries them)."""
        return {}

    def row_groups(self, row: dict[str, Any]) -> dict[str, str]:
        """Grouping keys of one row beyond its subset's (PPE: the two battling models, the human
        verdict), from the row as `normalise` returned it; its per-example line carries them."""
        return {}


STANDARD_ROWS = RowMapping()


@dataclass(frozen=True)
class BenchmarkSpec:
    name: str
    version: str
    title: str
    about: str  # Markdown: what one test is and when a model gets it right
    core_source: DataSource
    metrics: Metrics
    rows: RowMapping = STANDARD_ROWS
    # Optional extra data, read only when asked for (RewardBench's prior sets), and the column each
    # one fills: those columns are never "missing" from a result that did not ask for them.
    extra_sources: Mapping[str, DataSource] = field(default_factory=dict)
    extra_columns: Mapping[str, str] = field(default_factory=dict)
    # How a subset's examples become its value: subsets not named here use `default_scorer`.
    scorers: Mapping[str, SubsetScorer] = field(default_factory=dict)
    default_scorer: SubsetScorer = PAIRWISE
    # How a generative judge's verdicts on a pair, in both slot orders, become its credit.
    verdict_rule: VerdictRule = COIN_TOSS
    # Whether a judge compares every (chosen i, rejected j) pair of a row, each in both orders, instead
    # of one prompt per row (RM-Bench: 9 pairs, 18 calls an example).
    judge_every_pair: bool = False
    # Whether a judge compares a row of more answers than a pairwise prompt shows, and not as many as a
    # ranking prompt shows, pair by pair (every chosen against every rejected, in both orders), the row
    # right only when every pair is won (RMB's best-of-N lists), instead of rating each answer alone.
    judge_lists_by_pairs: bool = False
    bootstrap_unit: str = "example, within its subset"
    default_columns: Optional[tuple[str, ...]] = None  # None: every column
    published_results: tuple[str, ...] = ()  # Hub dataset repos of the authors' published results
    published_flat_files: bool = False  # those repos hold flat files (`{"model": ..., "<subset>": acc}`)
    offered_by_default: bool = False  # a host offers it unless RMLB_BENCHMARKS says otherwise
    # Subsets whose texts are never published (GPQA asks that its questions not appear in plain text):
    # the store keeps a hash of each such row instead of its texts, and pages show it by id and score.
    texts_withheld: frozenset[str] = frozenset()

    # ---- what it has ---------------------------------------------------------------------------------

    @property
    def subsets(self) -> tuple[str, ...]:
        return self.metrics.subsets

    @property
    def columns(self) -> tuple[str, ...]:
        return self.metrics.columns

    @property
    def shown_columns(self) -> tuple[str, ...]:
        return self.default_columns if self.default_columns is not None else self.columns

    @property
    def optional_columns(self) -> frozenset[str]:
        return frozenset(self.extra_columns.values())

    def column_subsets(self, column: str) -> tuple[str, ...]:
        return self.metrics.column_subsets(column)

    @property
    def has_matrix(self) -> bool:
        """Whether its results have a matrix to draw (a metrics shape that overrides `matrix`)."""
        return type(self.metrics).matrix is not Metrics.matrix

    @property
    def has_curves(self) -> bool:
        """Whether its results have curves to draw (a metrics shape that overrides `curves`)."""
        return type(self.metrics).curves is not Metrics.curves

    def groups_of(self, subset: str) -> dict[str, str]:
        return self.rows.groups_of(subset)

    # ---- its rules -------------------------------------------------------------------------------

    def scorer_for(self, subset: str) -> SubsetScorer:
        return self.scorers.get(subset, self.default_scorer)

    def counts(self, example: "ExampleScore") -> bool:
        """Whether an example's credit counts in the score, by its subset's scorer."""
        return self.scorer_for(example.subset).counts(example)

    def credit(
        self,
        subset: str,
        scores_chosen: Sequence[float],
        scores_rejected: Sequence[float],
        pairs: Optional[Sequence[tuple[int, int]]] = None,
    ) -> float:
        """One example's credit in [0, 1] by its subset's rule (`pairs`: the ones the row names, if any)."""
        return self.scorer_for(subset).row_credit(scores_chosen, scores_rejected, pairs)

    def columns_of(
        self,
        subset_values: Mapping[str, float],
        parts: Optional[Mapping[str, Mapping[str, float]]] = None,
        counts: Optional[Mapping[str, int]] = None,
    ) -> dict[str, float]:
        """Column -> value from subset values, parts and counts (a flat published file has values only)."""
        return {name: float(v) for name, v in self.metrics.aggregate(subset_values, parts, counts).items()}

    def headline_of(self, columns: Mapping[str, float], partial: bool = False) -> Optional[float]:
        value = self.metrics.headline(columns, partial)
        return None if value is None else float(value)

    def missing(
        self, present: Iterable[str], extras: Optional[Iterable[str]] = None, partial: bool = False
    ) -> tuple[str, ...]:
        """What a complete result lacks. `extras`: the extra data asked for (None: extras are
        optional, as on the leaderboard, where a result need not have asked for them). `partial`:
        the result is on custom data (see `Metrics.missing`)."""
        asked = set(extras or ())
        optional = (
            self.optional_columns
            if extras is None
            else frozenset(c for extra, c in self.extra_columns.items() if extra not in asked)
        )
        return self.metrics.missing(present, optional, partial)

    def about_markdown(self) -> str:
        """How a result of this benchmark is scored, for the About tab."""
        lines = self.metrics.describe(self.optional_columns)
        return "\n".join([self.about, "", f"**Intervals**: 95% percentile bootstrap; the unit resampled is the {self.bootstrap_unit}.", "", *lines])
