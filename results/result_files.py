"""Every result file the board shows, read into one record type through one function (pure: bytes in).

`read_result(path, data)` tries the formats of `RESULT_FORMATS` in order:
- the project's own `EvalResult`, which names its benchmark (columns, score and its interval come
  from the file; the whole EvalResult rides along as `ResultRecord.result`);
- the flat files of published results (`{"model": ..., "model_type": ..., "<subset>": accuracy,
  ...}`) of the benchmarks whose spec says its published repos hold such files. Such a file does not
  say which benchmark it is from, so its keys do: it belongs to the benchmark whose subset names it
  holds most of (`flat_benchmark`). Its columns and score are computed by that spec's own metrics.
A file that is not JSON, not one of these formats, of a benchmark no spec is registered for, or
missing required fields raises `UnreadableResult` with the reason (callers skip and log it).

Local paths never reach a record: a model is named by its storage name and a data source by its Hub
id or file name. Data that is not the benchmark's own (`BenchmarkInfo.custom_data`) gets a benchmark
label of its own (`benchmark_label`), so it is never listed as that benchmark.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Optional

from pydantic import ValidationError

from .benchmarks import SPECS, BenchmarkSpec, UnknownBenchmark, get_spec
from .benchmarks.aggregation import Curves, Matrix
from .model_types import MODEL_TYPES
from .schema import BenchmarkInfo, CritiqueInfo, EvalResult, JudgeInfo

# Where a record comes from (leaderboard/tables/provenance.py pairs verified and imported twins).
VERIFIED = "verified"
IMPORTED = "imported"
VERIFIED_LABEL = "verified here"
LEGACY_LABEL = "published"  # a published flat file in eval-set/, with no record of where it came from

# Model-type labels of the published results -> our model-type keys (others are kept as written).
PUBLISHED_MODEL_TYPES = {
    "Seq. Classifier": "classifier",
    "DPO": "dpo",
    "DPO Ref. Free": "dpo-ref-free",
    "Generative": "generative",
}
CUSTOM_DATA_MARK = " · custom data: "
_DATA_FILE_SUFFIX = re.compile(r"\.(jsonl?|parquet|csv|tsv|arrow)(\.gz)?$", re.IGNORECASE)


class UnreadableResult(ValueError):
    """A result file that cannot be shown; the message says why."""


@dataclass(frozen=True)
class ResultRecord:
    """One result, whatever file format it came from."""

    model: str
    model_type: str
    benchmark: str  # the benchmark's name, or a label of its own for custom data (`benchmark_label`)
    subsets: dict[str, float]
    sections: dict[str, float]  # the spec's named columns
    score: Optional[float]
    score_ci95: Optional[tuple[float, float]] = None
    num_parameters: Optional[int] = None
    revision: Optional[str] = None
    reference: Optional[str] = None  # the reference model of a DPO result
    evaluated: Optional[datetime] = None
    source: str = ""
    path: str = ""
    missing_subsets: tuple[str, ...] = ()  # what a complete result of the benchmark has and this lacks
    latest: bool = True  # the newest result of this model on this benchmark (leaderboard's `mark_latest`)
    type_detail: str = ""  # how a model of this type was run, e.g. a judge's format and orders
    provenance: str = VERIFIED  # or IMPORTED
    published_score: Optional[float] = None  # a verified result's published twin's score
    verified_too: bool = False  # an imported result whose model is verified here too
    result: Optional[EvalResult] = None  # the whole record, for files in the project's own format
    matrix: Optional[Matrix] = None  # the benchmark's matrix of this result, where its spec has one
    curves: Optional[Curves] = None  # the benchmark's curves of this result (best-of-K), where its spec has them

    @property
    def complete(self) -> bool:
        return not self.missing_subsets


@dataclass(frozen=True)
class ResultFormat:
    name: str
    sniff: Callable[[bytes], bool]  # a cheap look at the raw bytes: is the file meant to be this format?
    parse: Callable[[bytes, str], ResultRecord]


# ---- names a page may show -----------------------------------------------------------------------


def base_benchmark(label: str) -> str:
    """The registered benchmark a label is listed under: `rewardbench · custom data: x` -> `rewardbench`."""
    return label.split(CUSTOM_DATA_MARK, 1)[0]


def spec_of_label(label: str) -> BenchmarkSpec:
    """The spec of the benchmark a label names; raises UnknownBenchmark for any other name."""
    return get_spec(base_benchmark(label))


def is_custom_label(label: str) -> bool:
    return CUSTOM_DATA_MARK in label


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


def model_type_label(key: str) -> str:
    known = MODEL_TYPES.get(key)
    return known.label if known else key


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


def parse_eval_result(data: bytes) -> EvalResult:
    """The project's own result file, validated; raises UnreadableResult with the reason."""
    try:
        return EvalResult.model_validate_json(data)
    except ValidationError as exc:
        raise UnreadableResult(_validation_problem(exc)) from None


def _known_spec(name: str) -> BenchmarkSpec:
    try:
        return get_spec(name)
    except UnknownBenchmark as exc:
        raise UnreadableResult(str(exc)) from None


def _missing_parts(result: EvalResult, spec: BenchmarkSpec) -> tuple[str, ...]:
    """The file's own list, plus anything its spec says a complete result has: files written before
    the field existed (or by an evaluator that did not fill it yet) hold an empty list whatever they
    scored."""
    computed = spec.missing(result.subsets, partial=result.benchmark.custom_data)
    return tuple(dict.fromkeys([*result.benchmark.missing_subsets, *computed]))


def parse_project_result(data: bytes, path: str) -> ResultRecord:
    result = parse_eval_result(data)
    spec = _known_spec(source_name(result.benchmark.name))
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
        source=VERIFIED_LABEL,
        path=path,
        missing_subsets=_missing_parts(result, spec),
        type_detail=type_detail(result),
        result=result,
        matrix=spec.metrics.matrix({name: s.parts or {} for name, s in result.subsets.items()}),
        curves=spec.metrics.curves({name: s.parts or {} for name, s in result.subsets.items()}),
    )


# ---- the flat files of published results ----------------------------------------------------------


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
    """The benchmark a flat file belongs to: of those with published flat files, the one whose subset
    names it holds most of (RewardBench 2's are `Factuality`, `Precise IF`, ...; v1's
    `alpacaeval-easy`, ...); None when it holds none. The two share no subset name."""
    have = set(keys)
    counts = {name: len(have.intersection(s.subsets)) for name, s in SPECS.items() if s.published_flat_files}
    best = max(counts, key=counts.get, default=None)
    return best if best is not None and counts[best] > 0 else None


def parse_published_result(data: bytes, path: str) -> ResultRecord:
    doc = _json_object(data)
    if not isinstance(doc.get("model"), str):
        raise UnreadableResult("neither an EvalResult nor a published result file (no 'model' name)")
    model = doc["model"].strip()
    if not model:
        raise UnreadableResult("empty 'model'")
    subsets = {k: a for k, v in doc.items() if (a := _accuracy(k, v)) is not None}
    benchmark = flat_benchmark(subsets)
    if benchmark is None:
        flat = " or ".join(sorted(s.title for s in SPECS.values() if s.published_flat_files))
        raise UnreadableResult(f"no {flat} subset scores in the file")
    spec = SPECS[benchmark]
    sections = spec.columns_of(subsets)
    raw_type = str(doc.get("model_type") or "unknown")
    return ResultRecord(
        model=model,
        model_type=PUBLISHED_MODEL_TYPES.get(raw_type, raw_type),
        benchmark=benchmark,
        subsets=subsets,
        sections=sections,
        score=spec.headline_of(sections),
        source=LEGACY_LABEL,
        path=path,
        missing_subsets=spec.missing(subsets),
    )


# Tried in order; the first whose `sniff` accepts the raw bytes parses them.
RESULT_FORMATS: tuple[ResultFormat, ...] = (
    ResultFormat("project", _is_project_result, parse_project_result),
    ResultFormat("published", _is_published_result, parse_published_result),
)


def read_result(path: str, data: bytes) -> ResultRecord:
    """The one way to read a result file; raises UnreadableResult with the reason."""
    for fmt in RESULT_FORMATS:
        if fmt.sniff(data):
            try:
                return fmt.parse(data, path)
            except (TypeError, KeyError) as exc:  # a well-formed file of an impossible shape
                raise UnreadableResult(f"{type(exc).__name__}: {exc}") from None
    raise UnreadableResult("no known result format")
