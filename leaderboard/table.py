"""Result files -> one table row per result, plus a per-subset table (pure: bytes in, DataFrames out).

Two file formats are read, tried in the order of `RESULT_FORMATS`:
- the project's own `EvalResult`, which names its benchmark (sections, score and its interval come
  from the file);
- the flat files of the published RewardBench and RewardBench 2 results (`{"model": ...,
  "model_type": ..., "chat_template": ..., "<subset>": accuracy, ...}`). Such a file does not say
  which benchmark it is from, so its keys do: it belongs to the benchmark whose subset names it
  holds most of (`flat_benchmark`). Its sections and score are computed here by that benchmark's
  section table (`results/sections.py`): RewardBench's weights, or RewardBench 2's plain mean of six.
A file that is not JSON, not one of these formats, or missing required fields is skipped and logged.

Every table is driven by the benchmark's own section table (`benchmark_sections`): a page picks one
benchmark and shows that benchmark's sections as columns. The rows frame holds the union of every
benchmark's section columns (a section name shared by two benchmarks, such as Safety, is one column:
each row fills it from its own benchmark).

A result is *complete* when it has a score for every subset of its benchmark's core sections
(`OPTIONAL_SECTIONS[benchmark]` may be absent); an incomplete one sorts after every complete one and
`filter_rows` leaves it out unless asked, so a partial run is never ranked as a full one.

A model may have several results on one benchmark (other commits, re-runs): the *newest* one
(`LATEST`) is shown by default and the others on request (`filter_rows(show_older=True)`). Newest is
by evaluation time; a complete result wins over a newer incomplete one (a `--subsets` run must not
hide the full result), and a file with no time (the published ones) counts as the oldest. Data that
is not the benchmark's own (`BenchmarkInfo.custom_data`) gets its own benchmark label, so it is never
listed as that benchmark. Local paths never reach a table: a model is named by its storage name and a
data source by its Hub id or file name.

Each row also says where it comes from (`provenance.py`): verified here (our worker's EvalResult) or
imported (published numbers, brought in by `python -m leaderboard.import_results`); when a model
has both on one benchmark, the verified row carries the published score and the difference, and
`filter_rows(provenance=...)` hides the imported twin unless imported results alone are asked for.

Scores stay fractions (0..1) at full precision here; `display.py` turns them into percentages.
"""

from __future__ import annotations

import json
import logging
import math
import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Callable, Iterable, Mapping, Optional, Sequence

import pandas as pd
from pydantic import ValidationError

from results.model_types import MODEL_TYPES
from results.schema import BenchmarkInfo, CritiqueInfo, EvalResult, JudgeInfo
from results.sections import SECTIONS_BY_BENCHMARK, Section, overall_score, section_scores, subset_order

from . import provenance as prov
from .form_text import escape_invisible

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
PROVENANCE = prov.PROVENANCE
VERIFIED_TOO = prov.VERIFIED_TOO
PUBLISHED_SCORE = prov.PUBLISHED_SCORE
PUBLISHED_DELTA = prov.PUBLISHED_DELTA
# Every benchmark's sections, each name once, in registry order: the rows frame's section columns.
ALL_SECTION_NAMES: tuple[str, ...] = tuple(
    dict.fromkeys(s.name for sections in SECTIONS_BY_BENCHMARK.values() for s in sections)
)
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
    PROVENANCE,
    VERIFIED_TOO,
    PUBLISHED_SCORE,
    PUBLISHED_DELTA,
)
# SCORE stays last: the subset accuracies that follow it are fractions, like it.
SUBSET_ID_COLUMNS: tuple[str, ...] = (
    MODEL, MODEL_TYPE, BENCHMARK, REVISION, COMPLETE, MISSING_SUBSETS, LATEST, SCORE
)

# Model-type labels of the published results -> our model-type keys (others are kept as written).
PUBLISHED_MODEL_TYPES = {
    "Seq. Classifier": "classifier",
    "DPO": "dpo",
    "DPO Ref. Free": "dpo-ref-free",
    "Generative": "generative",
}
# Sections a result of a benchmark may lack and still be complete: the published RewardBench
# results have Prior Sets for some models only, and the overall score already skips a section that
# is absent. Every RewardBench 2 subset is core.
OPTIONAL_SECTIONS: dict[str, frozenset[str]] = {"rewardbench": frozenset({"Prior Sets"})}
CUSTOM_DATA_MARK = " · custom data: "
_DATA_FILE_SUFFIX = re.compile(r"\.(jsonl?|parquet|csv|tsv|arrow)(\.gz)?$", re.IGNORECASE)


class UnreadableResult(ValueError):
    """A result file that cannot be shown; the message says why."""


@dataclass(frozen=True)
class ResultRecord:
    """One result, whatever file format it came from."""

    model: str
    model_type: str
    benchmark: str
    subsets: dict[str, float]
    sections: dict[str, float]
    score: Optional[float]
    score_ci95: Optional[tuple[float, float]] = None
    num_parameters: Optional[int] = None
    revision: Optional[str] = None
    reference: Optional[str] = None  # the reference model of a DPO result
    evaluated: Optional[datetime] = None
    source: str = ""
    path: str = ""
    missing_subsets: tuple[str, ...] = ()  # core subsets of the benchmark without a score
    latest: bool = True  # the newest result of this model on this benchmark (`mark_latest`)
    type_detail: str = ""  # how a model of this type was run, e.g. a judge's format and orders
    provenance: str = prov.VERIFIED  # or prov.IMPORTED (`provenance.with_origin`)
    published_score: Optional[float] = None  # a verified result's published twin's score
    verified_too: bool = False  # an imported result whose model is verified here too

    @property
    def complete(self) -> bool:
        return not self.missing_subsets


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class Tables:
    rows: pd.DataFrame
    subsets: pd.DataFrame
    skipped: list[SkippedFile] = field(default_factory=list)


@dataclass(frozen=True)
class ResultFormat:
    name: str
    sniff: Callable[[bytes], bool]  # a cheap look at the raw bytes: is the file meant to be this format?
    parse: Callable[[bytes, str], ResultRecord]


def model_type_label(key: str) -> str:
    known = MODEL_TYPES.get(key)
    return known.label if known else key


# ---- what a result may show of where it came from ---------------------------------------------------


def base_benchmark(label: str) -> str:
    """The registered benchmark a label is listed under: `rewardbench · custom data: x` -> `rewardbench`."""
    return label.split(CUSTOM_DATA_MARK, 1)[0]


def benchmark_sections(label: Optional[str]) -> tuple[Section, ...]:
    """The section table of the benchmark a label names; none for an unregistered benchmark."""
    return SECTIONS_BY_BENCHMARK.get(base_benchmark(label or ""), ())


def section_names(label: Optional[str]) -> list[str]:
    """The section columns a page shows for the benchmark `label`."""
    return [s.name for s in benchmark_sections(label)]


def core_subsets(benchmark: str) -> list[str]:
    """The subsets a result of `benchmark` needs to be complete (none for a benchmark without sections)."""
    optional = OPTIONAL_SECTIONS.get(benchmark, frozenset())
    return subset_order(tuple(s for s in benchmark_sections(benchmark) if s.name not in optional))


def missing_core_subsets(present: Iterable[str], benchmark: str) -> tuple[str, ...]:
    have = set(present)
    return tuple(s for s in core_subsets(benchmark) if s not in have)


def _local_parts(text: str) -> Optional[list[str]]:
    """The parts of `text` when it is a local path; None when it is a Hub id (exactly `org/name`,
    never rooted and never ending like a data file)."""
    text = text.strip()
    parts = [p for p in re.split(r"[\\/]+", text) if p not in ("", ".", "..")]
    rooted = text.startswith(("/", ".", "~")) or "\\" in text or text[1:2] == ":"
    if parts and (rooted or len(parts) != 2 or _DATA_FILE_SUFFIX.search(text)):
        return parts
    return None


def source_name(source: str) -> str:
    """A data source as a page may show it: a Hub id as given, a local file by its file name only."""
    parts = _local_parts(source)
    return parts[-1] if parts else source.strip()


def model_name(model: str) -> str:
    """A model id as a page may show it: a Hub id as given, a local folder by its storage name (its
    last two parts, as `results.names.storage_name` names it)."""
    parts = _local_parts(model)
    if parts is None:
        return model.strip()
    return "/".join(parts[-2:]) if len(parts) > 1 else f"local/{parts[0]}"


def benchmark_label(info: BenchmarkInfo) -> str:
    """The benchmark a result is listed under: its own name, or a label of its own for custom data."""
    name = source_name(info.name)
    if not info.custom_data:
        return name
    sources = " + ".join(source_name(s) for s in info.data_source.split(" + "))
    return f"{name}{CUSTOM_DATA_MARK}{sources}"


def _missing_subsets(result: EvalResult) -> tuple[str, ...]:
    """The file's own list, plus any core subset without a score: files written before the field
    existed (or by an evaluator that did not fill it yet) hold an empty list whatever they scored."""
    computed = missing_core_subsets(result.subsets, result.benchmark.name)
    return tuple(dict.fromkeys([*result.benchmark.missing_subsets, *computed]))


# ---- the project's own schema -------------------------------------------------------------------


def _is_project_result(data: bytes) -> bool:
    # Only our schema has this key; a substring test lets pydantic parse the JSON itself (in Rust),
    # about twice as fast as json.loads followed by validating the dict.
    return b'"schema_version"' in data


def _validation_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    if error["type"] == "json_invalid":
        return f"not valid JSON ({error['msg']})"
    where = ".".join(str(part) for part in error["loc"])
    return f"not a valid EvalResult ({where}: {error['msg']})"


def parse_project_result(data: bytes, path: str) -> ResultRecord:
    try:
        result = EvalResult.model_validate_json(data)
    except ValidationError as exc:
        raise UnreadableResult(_validation_problem(exc)) from None
    ci = result.score_ci95
    return ResultRecord(
        model=result.model.name,
        model_type=result.model.model_type,
        benchmark=benchmark_label(result.benchmark),
        subsets={name: s.accuracy for name, s in result.subsets.items()},
        sections={name: s.score for name, s in result.sections.items()},
        score=result.score,
        score_ci95=(ci.low, ci.high) if ci else None,
        num_parameters=result.model.num_parameters,
        revision=result.model.revision_resolved,
        reference=model_name(result.model.ref_model) if result.model.ref_model else None,
        evaluated=result.timings.finished_at,
        source=prov.VERIFIED_LABEL,
        path=path,
        missing_subsets=_missing_subsets(result),
        type_detail=type_detail(result),
    )


def type_detail(result: EvalResult) -> str:
    """How a judge or a critique model was run; empty for the other types."""
    if result.judge:
        return judge_detail(result.judge)
    if result.cloud:
        return critique_detail(result.cloud)
    return ""


def critique_detail(cloud: CritiqueInfo) -> str:
    """`K=1 critique, greedy` / `K=4 critiques, T=0.7` / `no critique (K=0)`."""
    if cloud.num_critiques == 0:
        return "no critique (K=0)"
    plural = "critique" if cloud.num_critiques == 1 else "critiques"
    decoding = "greedy" if cloud.temperature == 0 else f"T={cloud.temperature:g}"
    return f"K={cloud.num_critiques} {plural}, {decoding}"


def judge_detail(judge: JudgeInfo) -> str:
    """`mt-bench-pairwise, both orders` / `skywork-critic, one seeded order` / `... via API`."""
    pairwise = judge.formats.get("pairwise") or next(iter(judge.formats.values()), "")
    orders = "both orders" if judge.orders == 2 else "one seeded order"
    return f"{pairwise}, {orders}" + (", via API" if judge.backend == "api" else "")


# ---- the flat files of the published RewardBench results ----------------------------------------


def _is_published_result(data: bytes) -> bool:
    return True  # the fallback: any file that is not ours is read as a published one (or refused)


def _json_object(data: bytes) -> dict:
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UnreadableResult(f"not valid JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise UnreadableResult("not a JSON object")
    return doc


def _accuracy(key: str, value: object) -> Optional[float]:
    """A subset accuracy, None for a non-numeric (metadata) entry; refuses impossible numbers."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise UnreadableResult(f"subset {key!r} has accuracy {value!r}, expected a number from 0 to 1")
    return float(value)


def flat_benchmark(keys: Iterable[str]) -> Optional[str]:
    """The benchmark a flat file belongs to: the one whose subset names it holds most of (RewardBench
    2's are `Factuality`, `Precise IF`, ...; v1's `alpacaeval-easy`, ...); None when it holds none.
    The two share no subset name, so a file of either is never mistaken for the other."""
    have = set(keys)
    counts = {name: len(have.intersection(subset_order(s))) for name, s in SECTIONS_BY_BENCHMARK.items()}
    best = max(counts, key=counts.get, default=None)
    return best if best is not None and counts[best] > 0 else None


def parse_published_result(data: bytes, path: str) -> ResultRecord:
    doc = _json_object(data)
    if not isinstance(doc.get("model"), str):
        raise UnreadableResult("neither an EvalResult nor a published RewardBench result (no 'model' name)")
    model = doc["model"].strip()
    if not model:
        raise UnreadableResult("empty 'model'")
    subsets = {k: a for k, v in doc.items() if (a := _accuracy(k, v)) is not None}
    benchmark = flat_benchmark(subsets)
    if benchmark is None:
        raise UnreadableResult("no RewardBench or RewardBench 2 subset scores in the file")
    sections_table = SECTIONS_BY_BENCHMARK[benchmark]
    sections = section_scores(subsets, sections_table)
    raw_type = str(doc.get("model_type") or "unknown")
    return ResultRecord(
        model=model,
        model_type=PUBLISHED_MODEL_TYPES.get(raw_type, raw_type),
        benchmark=benchmark,
        subsets=subsets,
        sections=sections,
        score=overall_score(sections, sections_table),
        source=prov.LEGACY_LABEL,
        path=path,
        missing_subsets=missing_core_subsets(subsets, benchmark),
    )


# Tried in order; the first whose `sniff` accepts the raw bytes parses them.
RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("project", _is_project_result, parse_project_result),
    ResultFormat("published", _is_published_result, parse_published_result),
)


def parse_result(path: str, data: bytes) -> ResultRecord:
    for fmt in RESULT_FORMATS:
        if fmt.sniff(data):
            record = fmt.parse(data, path)
            # A name with a right-to-left override or a zero-width space could pass for another's: spelled out.
            return replace(record, model=escape_invisible(record.model), model_type=escape_invisible(record.model_type))
    raise UnreadableResult("no known result format")


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
            records.append(prov.with_origin(parse_result(path, data), origins))
        except (UnreadableResult, ValueError, TypeError, KeyError) as exc:
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
    frame[PARAMETERS] = frame[PARAMETERS].astype("Int64")
    frame[[COMPLETE, LATEST, VERIFIED_TOO]] = frame[[COMPLETE, LATEST, VERIFIED_TOO]].astype("bool")
    frame[EVALUATED] = pd.to_datetime(frame[EVALUATED], utc=True)
    return _by_score(frame)


def subset_columns(records: Sequence[ResultRecord]) -> list[str]:
    """Known subsets in section order (those that occur), then any others alphabetically."""
    present = {name for r in records for name in r.subsets}
    known = [s for sections in SECTIONS_BY_BENCHMARK.values() for s in subset_order(sections)]
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
    mask = switch_mask(frame, show_incomplete, show_older)
    if PROVENANCE in frame.columns:  # the subsets table has no imported twins to hide
        mask &= prov.provenance_mask(frame, provenance)
    if model_types is not None:
        mask &= frame[MODEL_TYPE].isin(list(model_types))
    if benchmark:
        mask &= frame[BENCHMARK] == benchmark
    names = frame[MODEL].str.lower()
    for word in query.lower().split():
        mask &= names.str.contains(word, regex=False)
    return frame[mask].reset_index(drop=True)


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
