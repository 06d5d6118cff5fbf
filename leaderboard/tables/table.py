"""Result records -> one table row per result, plus a per-subset table (pure: bytes in, DataFrames out).

Files are read by `results.result_files.read_result` (the one reader of every result format: ours,
the published flat files, imported ones); a file it refuses is skipped and logged here.

Every table is driven by the benchmark's spec (`results/benchmarks/`): a page picks one benchmark and
shows that spec's columns. The rows frame holds the union of every spec's columns (a column name
shared by two benchmarks, such as Safety, is one column: each row fills it from its own benchmark).

A result is *complete* when its spec says it lacks nothing (`BenchmarkSpec.missing`); an incomplete
one sorts after every complete one and `filter_rows` leaves it out unless asked, so a partial run is
never ranked as a full one.

A model may have several results on one benchmark (other commits, re-runs): the *newest* one
(`LATEST`) is shown by default and the others on request (`filter_rows(show_older=True)`). Newest is
by evaluation time; a complete result wins over a newer incomplete one (a `--subsets` run must not
hide the full result), and a file with no time (the published ones) counts as the oldest.

Each row also says where it comes from (`provenance.py`): verified here (our worker's EvalResult) or
imported (published numbers, brought in by `python -m leaderboard.import_results`); when a model
has both on one benchmark, the verified row carries the published score and the difference, and
`filter_rows(provenance=...)` hides the imported twin unless imported results alone are asked for.

Scores stay fractions (0..1) at full precision here; `display.py` turns them into percentages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping, Optional, Sequence

import pandas as pd

from results.benchmarks import SPECS
from results.result_files import (  # noqa: F401  (re-exported: the pages read them through this module)
    CUSTOM_DATA_MARK,
    ResultRecord,
    UnreadableResult,
    base_benchmark,
    benchmark_label,
    flat_benchmark,
    is_custom_label,
    model_name,
    model_type_label,
    read_result,
    source_name,
    spec_of_label,
)

from ..form_text import escape_invisible
from . import provenance as prov

log = logging.getLogger(__name__)

# Column names of the raw tables (display.py decides what is shown and how).
MODEL = "Model"
MODEL_TYPE = "Model Type"
MODEL_TYPE_KEY = "model_type_key"
TYPE_SETUP = "Setup"  # how a judge (format, orders) or a critique model (K, decoding) was run
BENCHMARK = "Benchmark"
SCORE = "Score"
SCORE_CI_LOW = "Score CI low"
SCORE_CI_HIGH = "Score CI high"
PARAMETERS = "Parameters"
REVISION = "Revision"
REFERENCE = "Reference"
EVALUATED = "Evaluated"
SOURCE = "Source"
PATH = "Path"
COMPLETE = "Complete"
MISSING_SUBSETS = "Missing subsets"
LATEST = "Latest"
NUM_TEXTS = "Texts scored"  # the run's texts (RunStats.num_texts): what a run of the benchmark scores
JUDGE_CALLS = "Judge calls"  # a judge's run: the prompts it needed (JudgeInfo.judgements)
SCORE_REPLICATES = "Score replicates"  # the run's first bootstrap replicates of the score (EvalResult.score_replicates)
MATRIX = "Matrix"  # the result's matrix for a heatmap (results.benchmarks.aggregation.Matrix), where its spec has one
CURVES = "Curves"  # the result's curves for a line chart (results.benchmarks.aggregation.Curves), where its spec has them
PROVENANCE = prov.PROVENANCE
VERIFIED_TOO = prov.VERIFIED_TOO
PUBLISHED_SCORE = prov.PUBLISHED_SCORE
PUBLISHED_DELTA = prov.PUBLISHED_DELTA
# Every benchmark's columns, each name once, in registry order: the rows frame's section columns.
ALL_SECTION_NAMES: tuple[str, ...] = tuple(dict.fromkeys(c for spec in SPECS.values() for c in spec.columns))
ROW_COLUMNS: tuple[str, ...] = (
    MODEL,
    MODEL_TYPE,
    MODEL_TYPE_KEY,
    BENCHMARK,
    SCORE,
    SCORE_CI_LOW,
    SCORE_CI_HIGH,
    *ALL_SECTION_NAMES,
    PARAMETERS,
    REVISION,
    REFERENCE,
    TYPE_SETUP,
    EVALUATED,
    SOURCE,
    PATH,
    COMPLETE,
    MISSING_SUBSETS,
    LATEST,
    NUM_TEXTS,
    JUDGE_CALLS,
    SCORE_REPLICATES,
    MATRIX,
    CURVES,
    PROVENANCE,
    VERIFIED_TOO,
    PUBLISHED_SCORE,
    PUBLISHED_DELTA,
)
# SCORE stays last: the subset accuracies that follow it are fractions, like it.
SUBSET_ID_COLUMNS: tuple[str, ...] = (
    MODEL, MODEL_TYPE, BENCHMARK, REVISION, COMPLETE, MISSING_SUBSETS, LATEST, SCORE
)

@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class Tables:
    rows: pd.DataFrame
    subsets: pd.DataFrame
    skipped: list[SkippedFile] = field(default_factory=list)


# ---- what a benchmark shows -------------------------------------------------------------------------


def section_names(label: Optional[str]) -> list[str]:
    """The columns a page shows for the benchmark `label` names (UnknownBenchmark for any other)."""
    return list(spec_of_label(label or "").columns)


# Column kinds the charts draw in points (x 100): a score or a spread; a correlation or a count would
# read as nonsense on those axes.
CHARTED_KINDS = ("percent", "delta")


def charted_section_names(label: Optional[str]) -> list[str]:
    """The columns the charts draw for the benchmark `label` names: those its table shows by default
    (PPE Correctness' per-set breakdowns would crowd the bars and the radar) that are scores or spreads
    (a correlation or a count would read as nonsense on axes in points)."""
    spec = spec_of_label(label or "")
    return [c for c in spec.shown_columns if spec.metrics.column_kind(c) in CHARTED_KINDS]


def core_subsets(benchmark: str) -> list[str]:
    """What a complete result of `benchmark` has (its spec's parts: subsets, or languages)."""
    return list(spec_of_label(benchmark).missing(()))


def missing_core_subsets(present: Iterable[str], benchmark: str) -> tuple[str, ...]:
    return spec_of_label(benchmark).missing(present, partial=CUSTOM_DATA_MARK in benchmark)


def parse_result(path: str, data: bytes) -> ResultRecord:
    return read_result(path, data)


def _shown_names(record: ResultRecord) -> ResultRecord:
    """A name with a right-to-left override or a zero-width space could pass for another's: spelled out."""
    return replace(record, model=escape_invisible(record.model), model_type=escape_invisible(record.model_type))


def _newness(record: ResultRecord) -> tuple:
    """Sort key of `mark_latest`: complete first, then the latest evaluation (none counts as oldest)."""
    when = record.evaluated.timestamp() if record.evaluated else float("-inf")
    return (record.complete, when, record.revision or "", record.path)


def mark_latest(records: Sequence[ResultRecord]) -> list[ResultRecord]:
    """`records` with `latest` set on the newest result of each model on each benchmark label, verified
    and imported apart (a verified result is never an "older revision" of a published one)."""
    newest: dict[tuple[str, str, str], ResultRecord] = {}
    for record in records:
        key = (record.model, record.benchmark, record.provenance)
        if key not in newest or _newness(record) > _newness(newest[key]):
            newest[key] = record
    chosen = {id(r) for r in newest.values()}
    return [replace(r, latest=id(r) in chosen) for r in records]


def read_records(
    files: Iterable[tuple[str, bytes]], origins: Optional[Mapping[str, prov.Origin]] = None
) -> tuple[list[ResultRecord], list[SkippedFile]]:
    records, skipped = [], []
    for path, data in files:
        try:
            records.append(prov.with_origin(_shown_names(read_result(path, data)), origins))
        except (UnreadableResult, ValueError) as exc:
            # One bad file must never hide the others: log it, show the rest.
            log.warning("skipping result file %s: %s", path, exc)
            skipped.append(SkippedFile(path, str(exc)))
    return prov.link_published(mark_latest(records)), skipped


# ---- tables ---------------------------------------------------------------------------------------


def _row(record: ResultRecord) -> dict:
    ci_low, ci_high = record.score_ci95 or (None, None)
    return {
        MODEL: record.model,
        MODEL_TYPE: model_type_label(record.model_type),
        TYPE_SETUP: record.type_detail or None,
        MODEL_TYPE_KEY: record.model_type,
        BENCHMARK: record.benchmark,
        SCORE: record.score,
        SCORE_CI_LOW: ci_low,
        SCORE_CI_HIGH: ci_high,
        **{name: record.sections.get(name) for name in ALL_SECTION_NAMES},
        PARAMETERS: record.num_parameters,
        REVISION: record.revision,
        REFERENCE: record.reference,
        EVALUATED: record.evaluated,
        SOURCE: record.source,
        PATH: record.path,
        COMPLETE: record.complete,
        MISSING_SUBSETS: ", ".join(record.missing_subsets),
        LATEST: record.latest,
        NUM_TEXTS: record.result.stats.num_texts if record.result else None,
        JUDGE_CALLS: record.result.judge.judgements if record.result and record.result.judge else None,
        SCORE_REPLICATES: record.result.score_replicates if record.result else None,
        MATRIX: record.matrix,
        CURVES: record.curves,
        PROVENANCE: record.provenance,
        VERIFIED_TOO: record.verified_too,
        PUBLISHED_SCORE: record.published_score,
        PUBLISHED_DELTA: prov.published_delta(record.score, record.published_score),
    }


def _by_score(frame: pd.DataFrame) -> pd.DataFrame:
    """Complete results first, each group best score first; results without a score last; ties by
    model name, so the order is stable."""
    ordered = frame.sort_values(
        [COMPLETE, SCORE, MODEL], ascending=[False, False, True], na_position="last", kind="mergesort"
    )
    return ordered.reset_index(drop=True)


def rows_frame(records: Sequence[ResultRecord]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records([_row(r) for r in records], columns=list(ROW_COLUMNS))
    for column in (SCORE, SCORE_CI_LOW, SCORE_CI_HIGH, *ALL_SECTION_NAMES, PUBLISHED_SCORE, PUBLISHED_DELTA):
        frame[column] = frame[column].astype("float64")
    frame[[PARAMETERS, NUM_TEXTS, JUDGE_CALLS]] = frame[[PARAMETERS, NUM_TEXTS, JUDGE_CALLS]].astype("Int64")
    frame[[COMPLETE, LATEST, VERIFIED_TOO]] = frame[[COMPLETE, LATEST, VERIFIED_TOO]].astype("bool")
    frame[EVALUATED] = pd.to_datetime(frame[EVALUATED], utc=True)
    return _by_score(frame)


def subset_columns(records: Sequence[ResultRecord]) -> list[str]:
    """Known subsets in section order (those that occur), then any others alphabetically."""
    present = {name for r in records for name in r.subsets}
    known = [s for spec in SPECS.values() for s in spec.subsets]
    ordered = list(dict.fromkeys(s for s in known if s in present))
    return ordered + sorted(present - set(ordered))


def subsets_frame(records: Sequence[ResultRecord]) -> pd.DataFrame:
    columns = [*SUBSET_ID_COLUMNS, *subset_columns(records)]
    data = [
        {
            MODEL: r.model,
            MODEL_TYPE: model_type_label(r.model_type),
            BENCHMARK: r.benchmark,
            REVISION: r.revision,
            COMPLETE: r.complete,
            MISSING_SUBSETS: ", ".join(r.missing_subsets),
            LATEST: r.latest,
            SCORE: r.score,
            **r.subsets,
        }
        for r in records
    ]
    frame = pd.DataFrame.from_records(data, columns=columns)
    for column in columns[len(SUBSET_ID_COLUMNS) - 1 :]:
        frame[column] = frame[column].astype("float64")
    frame[[COMPLETE, LATEST]] = frame[[COMPLETE, LATEST]].astype("bool")
    return _by_score(frame)


def build_tables(
    files: Iterable[tuple[str, bytes]], origins: Optional[Mapping[str, prov.Origin]] = None
) -> Tables:
    """Every readable result in `files` (pairs of path and raw bytes) as the two leaderboard tables;
    `origins` names the imported files (by path). The subsets table leaves out imported twins of
    verified results (its pages show the verified one)."""
    records, skipped = read_records(files, origins)
    subsets = subsets_frame(prov.without_twins(records))
    return Tables(rows=rows_frame(records), subsets=subsets, skipped=skipped)


# ---- filters --------------------------------------------------------------------------------------


def filter_rows(
    frame: pd.DataFrame,
    model_types: Optional[Iterable[str]] = None,
    query: str = "",
    benchmark: Optional[str] = None,
    show_incomplete: bool = False,
    show_older: bool = False,
    provenance: Optional[str] = prov.BOTH,
) -> pd.DataFrame:
    """Rows whose model type label is in `model_types` (None: all), whose model name contains every
    word of `query` (case-insensitive), of `benchmark` (None: all), complete unless
    `show_incomplete`, each model's newest on its benchmark unless `show_older`, and of the
    `provenance` choice (None: verified and imported, twins too). Order is kept."""
    mask = switch_mask(frame, show_incomplete, show_older) & name_and_type_mask(frame, model_types, query)
    if PROVENANCE in frame.columns:  # the subsets table has no imported twins to hide
        mask &= prov.provenance_mask(frame, provenance)
    if benchmark:
        mask &= frame[BENCHMARK] == benchmark
    return frame[mask].reset_index(drop=True)


def name_and_type_mask(frame: pd.DataFrame, model_types: Optional[Iterable[str]], query: str) -> pd.Series:
    """The search and the model-type choice of every table (the Leaderboard's rows, the Overview's
    models): a model type label in `model_types` (None: all), every word of `query` in the name."""
    mask = pd.Series(True, index=frame.index)
    if model_types is not None:
        mask &= frame[MODEL_TYPE].isin(list(model_types))
    names = frame[MODEL].str.lower()
    for word in query.lower().split():
        mask &= names.str.contains(word, regex=False)
    return mask


@dataclass(frozen=True)
class Switched:
    """The rows the two switches let through, and what each switch hides (what ticking it alone
    would add back)."""

    rows: pd.DataFrame
    hidden_incomplete: int
    hidden_older: int


def switch_mask(frame: pd.DataFrame, show_incomplete: bool, show_older: bool) -> pd.Series:
    """The rows the two switches let through: complete unless `show_incomplete`, newest unless `show_older`."""
    return (frame[COMPLETE] | show_incomplete) & (frame[LATEST] | show_older)


def apply_switches(frame: pd.DataFrame, show_incomplete: bool, show_older: bool) -> Switched:
    complete, latest = frame[COMPLETE], frame[LATEST]
    keep = switch_mask(frame, show_incomplete, show_older)
    hidden_incomplete = 0 if show_incomplete else int((~complete & (latest | show_older)).sum())
    hidden_older = 0 if show_older else int((~latest & (complete | show_incomplete)).sum())
    return Switched(frame[keep].reset_index(drop=True), hidden_incomplete, hidden_older)
