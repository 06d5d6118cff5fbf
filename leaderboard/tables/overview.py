"""Leaderboard rows -> the Overview: one row per model, one column per benchmark (pure).

A cell is the model's newest result on that benchmark (`table.filter_rows`' own rules: newest,
complete unless asked, the verified row of a model that has both a verified and an imported one).
Beside the cells each model gets:

- **Average**: the plain mean of its headlines over the benchmarks shown, only when it has all of
  them (the field's papers compute it so; a mean over fewer benchmarks would rank a model by which
  benchmarks it skipped).
- **Coverage**: how many of the benchmarks shown it has ("5 / 7").
- **Rank score** (ours): the mean, over the benchmarks it has, of its percentile rank among the
  models that have that benchmark (`percentile_ranks`: the share of the others it beats, a tie
  counting half), so a model with gaps is still placed. Its interval comes from `RankBootstrap`.

Everything here is computed once per data version and choice of benchmarks, source and switch
(`OverviewCache`); a search or a type filter only picks rows of the cached frame.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Hashable, Iterable, Optional, Sequence

import numpy as np
import pandas as pd

from results.benchmarks import SPECS
from results.benchmarks.metrics import KEPT_REPLICATES
from results.result_files import IMPORTED, VERIFIED
from results.schema import EvalRequest

from . import provenance as prov
from . import table as t
from .rank_agreement import kendall_tau_b

AVERAGE = "Average"
COVERAGE = "Coverage"
RANK_SCORE = "Rank score"
RANK_LOW = "Rank score CI low"
RANK_HIGH = "Rank score CI high"
LICENSE = "License"
HAS = "Benchmarks had"  # how many of the shown benchmarks the model has (Coverage's numerator)

# Each benchmark's cell is five raw columns, named from the benchmark's name by these suffixes.
LOW, HIGH, SOURCE, DELTA, PART_MISSING = " CI low", " CI high", " source", " Δ published", " missing"
PATH = " path"  # the result file's store path: what the Examples tab opens
REPLICATES = " replicates"  # the result's kept bootstrap replicates of its headline (EvalResult.score_replicates)
SOURCE_VERIFIED, SOURCE_IMPORTED, SOURCE_BOTH = "verified here", "imported", "verified here and imported"

Z_95 = 1.959963984540054  # the normal quantile of 97.5%: a 95% interval is ±Z_95 standard errors
BOOTSTRAP_REPLICATES = 1000
BOOTSTRAP_SEED = 0


def cell_columns(benchmark: str) -> dict[str, str]:
    """The raw column of each part of one benchmark's cell."""
    return {
        "score": benchmark,
        "low": benchmark + LOW,
        "high": benchmark + HIGH,
        "source": benchmark + SOURCE,
        "delta": benchmark + DELTA,
        "missing": benchmark + PART_MISSING,
        "path": benchmark + PATH,
        "replicates": benchmark + REPLICATES,
    }


def overview_benchmarks(present: Iterable[str], offered: Sequence[str]) -> list[str]:
    """The Overview's columns, in the registry's order: each registered benchmark's own label when
    it has results, then its custom-data labels that have results (the demo's runs on sample data:
    named as such, never as the benchmark), and a benchmark the host offers that nothing has run
    yet as an empty column."""
    labels = set(present)
    columns = []
    for name in SPECS:
        custom = sorted(label for label in labels if t.is_custom_label(label) and t.base_benchmark(label) == name)
        found = ([name] if name in labels else []) + custom
        columns += found or ([name] if name in offered else [])
    return columns


# ---- the cells ------------------------------------------------------------------------------------


def cells_of(
    rows: pd.DataFrame, benchmarks: Sequence[str], source: Optional[str], show_incomplete: bool
) -> pd.DataFrame:
    """The results the Overview shows: one per (model, benchmark), each the model's newest."""
    chosen = t.filter_rows(
        rows, benchmark=None, show_incomplete=show_incomplete, show_older=False, provenance=source or prov.BOTH
    )
    chosen = chosen[chosen[t.BENCHMARK].isin(list(benchmarks))]
    # A verified and an imported result of one model are never both left (filter_rows hides the
    # twin); "imported only" with an incomplete switch could still leave two newest of one kind.
    return chosen.drop_duplicates([t.MODEL, t.BENCHMARK], keep="first").reset_index(drop=True)


def cell_source(provenance: str, published: object) -> str:
    if provenance == IMPORTED:
        return SOURCE_IMPORTED
    return SOURCE_BOTH if published is not None and pd.notna(published) else SOURCE_VERIFIED


def _model_facts(cells: pd.DataFrame, licenses: dict[str, str]) -> pd.DataFrame:
    """Per model: its type, parameters and revision from its newest result, and its license."""
    newest = cells.sort_values(t.EVALUATED, ascending=False, na_position="last", kind="mergesort")
    facts = newest.groupby(t.MODEL, sort=False).agg(
        {t.MODEL_TYPE: "first", t.TYPE_SETUP: "first", t.PARAMETERS: "first", t.REVISION: "first"}
    )
    facts[LICENSE] = [licenses.get(model) for model in facts.index]
    return facts


CELL_PARTS = {
    "score": t.SCORE,
    "low": t.SCORE_CI_LOW,
    "high": t.SCORE_CI_HIGH,
    "source": "_source",
    "delta": t.PUBLISHED_DELTA,
    "missing": t.MISSING_SUBSETS,
    "path": t.PATH,
    "replicates": t.SCORE_REPLICATES,
}
NUMERIC_PARTS = ("score", "low", "high", "delta")


def wide_frame(cells: pd.DataFrame, benchmarks: Sequence[str], licenses: dict[str, str]) -> pd.DataFrame:
    """One row per model: its facts, then each benchmark's cell parts (NaN where it has none)."""
    facts = _model_facts(cells, licenses)
    cells = cells.assign(
        _source=[cell_source(p, s) for p, s in zip(cells[t.PROVENANCE], cells[t.PUBLISHED_SCORE], strict=True)]
    )
    # One pivot for every part (a reindex per benchmark and part cost 0.8 s at 2,000 results).
    pivot = cells.pivot(index=t.MODEL, columns=t.BENCHMARK, values=list(CELL_PARTS.values())).reindex(facts.index)
    missing = pd.Series(np.nan, index=facts.index)
    parts = {
        cell_columns(b)[part]: (pivot[(raw, b)] if (raw, b) in pivot.columns else missing).astype(
            "float64" if part in NUMERIC_PARTS else "object"
        )
        for b in benchmarks
        for part, raw in CELL_PARTS.items()
    }
    frame = pd.concat([facts, pd.DataFrame(parts, index=facts.index)], axis=1).reset_index()
    # What the model cell's renderer reads (display.model_cells): never incomplete or older as a
    # whole, since each cell says that of itself.
    return frame.assign(**{t.MISSING_SUBSETS: "", t.LATEST: True})


def scores_matrix(frame: pd.DataFrame, benchmarks: Sequence[str]) -> np.ndarray:
    """Models x benchmarks headlines (fractions; NaN where a model has none)."""
    if not benchmarks:
        return np.empty((len(frame), 0))
    return frame[list(benchmarks)].to_numpy(dtype="float64", na_value=np.nan)


# ---- Average, Coverage, percentile ranks ------------------------------------------------------------


def average(scores: np.ndarray) -> np.ndarray:
    """Per model (row), the plain mean of its headlines, NaN unless it has every one."""
    if scores.shape[1] == 0:
        return np.full(scores.shape[0], np.nan)
    complete = ~np.isnan(scores).any(axis=1)
    means = np.full(scores.shape[0], np.nan)
    means[complete] = scores[complete].mean(axis=1)
    return means


def coverage_text(had: int, shown: int) -> str:
    return f"{had} / {shown}"


def percentile_ranks(values: np.ndarray) -> np.ndarray:
    """Each value's percentile rank in its row (0..1): the share of the row's other values it is
    above, a tie counting half; a row of one value gives 0.5 (it is neither above nor below anyone).
    `values` is (n,) or (replicates, n) without NaN. One sort a row: in sorted order a value's tie
    group runs from `start` to `end`, so `start` values lie below it and `end - start` tie with it."""
    matrix = np.atleast_2d(values)
    rows, n = matrix.shape
    if n < 2:
        return np.full(np.shape(values), 0.5)
    order = np.argsort(matrix, axis=1, kind="stable")
    ordered = np.take_along_axis(matrix, order, axis=1)
    positions = np.broadcast_to(np.arange(n), (rows, n))
    starts_group = np.ones((rows, n), dtype=bool)
    starts_group[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    ends_group = np.ones((rows, n), dtype=bool)
    ends_group[:, :-1] = starts_group[:, 1:]
    start = np.maximum.accumulate(np.where(starts_group, positions, 0), axis=1)
    end = np.minimum.accumulate(np.where(ends_group, positions, n - 1)[:, ::-1], axis=1)[:, ::-1]
    ranks = np.empty((rows, n))
    np.put_along_axis(ranks, order, (start + 0.5 * (end - start)) / (n - 1), axis=1)
    return ranks.reshape(np.shape(values))


def rank_score(scores: np.ndarray) -> np.ndarray:
    """Per model, the mean of its percentile ranks over the benchmarks (columns) it has (NaN: none).
    `scores` is (models, benchmarks), or (replicates, models, benchmarks)."""
    ranks = np.full(scores.shape, np.nan)
    for column in range(scores.shape[-1]):
        values = scores[..., column]
        has = ~np.isnan(values[0] if values.ndim > 1 else values)
        if has.any():
            ranks[..., has, column] = percentile_ranks(values[..., has])
    with np.errstate(invalid="ignore"):
        counts = (~np.isnan(ranks)).sum(axis=-1)
        return np.where(counts > 0, np.nansum(ranks, axis=-1) / np.maximum(counts, 1), np.nan)


# ---- the bootstrap --------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankBootstrap:
    """The Rank score's 95% interval, from replicates of every headline.

    A result evaluated here keeps the first replicates of its score as its run drew them, each
    resampling its benchmark's examples within their subsets (`EvalResult.score_replicates`):
    replicate b of the Rank score takes replicate b (cycling when a result kept fewer) of every such
    headline. A result without them (imported, or written before they were kept) draws its headline
    from the normal distribution its 95% interval describes (standard error = half-width / 1.96), and
    one without an interval stays at its value. Two models' replicates are not paired (each run
    resampled on its own). Replicate b ranks every benchmark anew and averages, as the point estimate
    does; the interval is the 2.5th and 97.5th percentile of those averages."""

    replicates: int = BOOTSTRAP_REPLICATES
    seed: int = BOOTSTRAP_SEED

    def draws(
        self, scores: np.ndarray, low: np.ndarray, high: np.ndarray, kept: Optional[np.ndarray] = None
    ) -> np.ndarray:
        """(replicates, models, benchmarks) headlines; NaN where a model has no result. `kept`: an
        object array (models x benchmarks) of each result's kept replicates, or None."""
        spread = np.nan_to_num((high - low) / (2 * Z_95), nan=0.0).astype("float32")
        # Single precision: ranks need no more than 7 digits, and sorting it is about twice as fast.
        rng = np.random.default_rng(self.seed)
        noise = rng.standard_normal((self.replicates, *scores.shape), dtype=np.float32)
        drawn = scores.astype("float32")[None, :, :] + noise * spread[None, :, :]
        if kept is not None:
            cycle = np.arange(self.replicates)
            for m, j in zip(*np.nonzero([[_has_replicates(v) for v in row] for row in kept])):
                values = np.asarray(kept[m, j], dtype="float32")
                drawn[:, m, j] = values[cycle % len(values)]
        return drawn

    def interval(
        self, scores: np.ndarray, low: np.ndarray, high: np.ndarray, kept: Optional[np.ndarray] = None
    ) -> tuple[np.ndarray, np.ndarray]:
        replicated = rank_score(self.draws(scores, low, high, kept))
        lows, highs = np.percentile(replicated, [2.5, 97.5], axis=0)  # every model has a cell: no NaN
        return lows, highs


def _has_replicates(value: object) -> bool:
    return isinstance(value, (list, tuple)) and len(value) > 0


# ---- the whole table ------------------------------------------------------------------------------


def licenses_of(requests: Sequence[EvalRequest]) -> dict[str, str]:
    """Model -> the license its newest request stated (the Hub's, read when it was submitted)."""
    newest = sorted((r for r in requests if r.license), key=lambda r: r.submitted_at)
    return {f"{r.org}/{r.name}": r.license for r in newest}  # the storage name results carry


def overview_frame(
    rows: pd.DataFrame,
    benchmarks: Sequence[str],
    source: Optional[str] = prov.BOTH,
    show_incomplete: bool = False,
    licenses: Optional[dict[str, str]] = None,
    bootstrap: RankBootstrap = RankBootstrap(),
) -> pd.DataFrame:
    """The Overview's raw rows (fractions), best Rank score first, ties by Average then name."""
    cells = cells_of(rows, benchmarks, source, show_incomplete)
    frame = wide_frame(cells, benchmarks, licenses or {})
    scores = scores_matrix(frame, benchmarks)
    lows = frame[[cell_columns(b)["low"] for b in benchmarks]].to_numpy("float64", na_value=np.nan)
    highs = frame[[cell_columns(b)["high"] for b in benchmarks]].to_numpy("float64", na_value=np.nan)
    kept = frame[[cell_columns(b)["replicates"] for b in benchmarks]].to_numpy(dtype=object)
    had = (~np.isnan(scores)).sum(axis=1)
    ci_low, ci_high = bootstrap.interval(scores, lows, highs, kept)
    frame = frame.assign(
        **{
            AVERAGE: average(scores),
            HAS: had,
            COVERAGE: [coverage_text(int(h), len(benchmarks)) for h in had],
            RANK_SCORE: rank_score(scores),
            RANK_LOW: ci_low,
            RANK_HIGH: ci_high,
            t.COMPLETE: had == len(benchmarks),
        }
    )
    ordered = frame.sort_values(
        [RANK_SCORE, AVERAGE, t.MODEL], ascending=[False, False, True], na_position="last", kind="mergesort"
    )
    return ordered.reset_index(drop=True)


def search_rows(frame: pd.DataFrame, model_types: Optional[Iterable[str]], query: str) -> pd.DataFrame:
    """The rows of `frame` the search and the model-type choice let through (the Leaderboard tab's
    own filter, `table.name_and_type_mask`)."""
    return frame[t.name_and_type_mask(frame, model_types, query)].reset_index(drop=True)


# ---- how the benchmarks agree -------------------------------------------------------------------------


@dataclass(frozen=True)
class Agreement:
    benchmarks: list[str]
    tau: np.ndarray  # benchmarks x benchmarks, NaN where fewer than two models have both
    counts: np.ndarray  # how many models have both


def agreement(frame: pd.DataFrame, benchmarks: Sequence[str]) -> Agreement:
    """Kendall's tau-b between every two benchmarks' rankings of the models that have both."""
    scores = scores_matrix(frame, benchmarks)
    k = len(benchmarks)
    tau, counts = np.full((k, k), np.nan), np.zeros((k, k), dtype=int)
    for i in range(k):
        for j in range(i, k):
            both = ~np.isnan(scores[:, i]) & ~np.isnan(scores[:, j])
            counts[i, j] = counts[j, i] = int(both.sum())
            if both.sum() >= 2:
                found = kendall_tau_b(scores[both, i], scores[both, j])
                tau[i, j] = tau[j, i] = np.nan if found is None else found
    return Agreement(list(benchmarks), tau, counts)


RANK_ON = "Rank on {}"
RANK_GAP = "Rank difference"


def disagreements(frame: pd.DataFrame, first: str, second: str, limit: int = 20) -> pd.DataFrame:
    """The models (having both) whose rank differs most between two benchmarks: rank 1 is the best,
    ties share their best rank; largest difference first."""
    both = frame[frame[first].notna() & frame[second].notna()]
    ranks = {b: both[b].rank(ascending=False, method="min").astype(int) for b in (first, second)}
    table = pd.DataFrame(
        {
            t.MODEL: both[t.MODEL],
            RANK_ON.format(first): ranks[first],
            RANK_ON.format(second): ranks[second],
            RANK_GAP: (ranks[first] - ranks[second]).abs(),
        }
    )
    ordered = table.sort_values([RANK_GAP, t.MODEL], ascending=[False, True], kind="mergesort")
    return ordered.head(limit).reset_index(drop=True)


# ---- computed once per data version ---------------------------------------------------------------------


class OverviewCache:
    """Built overviews by (data version, benchmarks, source, switch), the last few kept: a page's
    renders after one refresh share one build, and a search or a filter builds nothing."""

    def __init__(self, build: Callable[..., pd.DataFrame] = overview_frame, keep: int = 8):
        self._build = build
        self._keep = keep
        self._built: OrderedDict[Hashable, pd.DataFrame] = OrderedDict()
        self._lock = threading.Lock()  # two sessions after a refresh build once, not twice

    def get(self, version: int, rows: pd.DataFrame, benchmarks: Sequence[str], source, show_incomplete, licenses):
        key = (version, tuple(benchmarks), source, bool(show_incomplete))
        with self._lock:
            if key not in self._built:
                self._built[key] = self._build(rows, benchmarks, source, bool(show_incomplete), licenses)
                while len(self._built) > self._keep:
                    self._built.popitem(last=False)
            self._built.move_to_end(key)
            return self._built[key]


def about_markdown() -> str:
    """How the Overview's numbers are computed, for the About tab."""
    return f"""## The Overview
One row a model, one column a benchmark (its newest result there, verified here or imported); results
on other data than a benchmark's own (the demo's samples) are a column of their own, named so.
**Average** is the plain mean of the headlines of the benchmarks shown, only for a model that has all
of them. **Coverage** counts them ("5 / 7"). **Rank score** is this leaderboard's own measure, not the
benchmarks' authors': on each benchmark a model has, its percentile rank among the models that have
it (the share of them it scores above, a tie counting half; 50 when it is alone), averaged over the
benchmarks it has. Its 95% interval comes from {BOOTSTRAP_REPLICATES:,} replicates: in replicate b, a result
evaluated here takes replicate b of its own score as its run drew it by resampling the benchmark's
examples within their subsets (the result keeps its first {KEPT_REPLICATES}, used in turn); a result
without them (imported, or older) is drawn from the normal distribution its 95% interval describes,
and one without an interval (most published ones) keeps its value; every benchmark is then ranked
anew and averaged. Two models' replicates are not paired (each run resampled on its own). The
replicates are drawn once per data refresh. **How the benchmarks agree** is Kendall's tau-b between
two benchmarks' rankings of the models that have both (n in each cell)."""


__all__ = [
    "AVERAGE",
    "COVERAGE",
    "RANK_SCORE",
    "VERIFIED",
    "Agreement",
    "OverviewCache",
    "RankBootstrap",
    "agreement",
    "average",
    "disagreements",
    "overview_frame",
    "percentile_ranks",
    "rank_score",
]
