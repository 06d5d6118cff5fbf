"""Read benchmark rows (local JSON Lines ourselves, the rest through `datasets`), check them
against the RewardBench schema, normalise.

Every problem with the data becomes a DataError that names the source, what is wrong and what
was expected, because a bad file is the most common way an evaluation goes wrong.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Optional, Union

from results.benchmarks import BenchmarkSpec as Benchmark
from results.benchmarks import DataSource

from ..errors import DataError, first_line
from .jsonl_rows import read_jsonl_rows_with_places, starts_with_array

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("prompt", "chosen", "rejected", "subset", "id")
# The `datasets` builder for each file suffix: JSON Lines is JSON to it, so one folder may mix them.
_FILE_BUILDERS = {".json": "json", ".jsonl": "json", ".parquet": "parquet"}
JSONL = "jsonl"  # the kind of a file list that is all JSON Lines: read without `datasets`
_EXPECTED = f"Give a local JSON, JSONL or Parquet file in the RewardBench schema ({', '.join(REQUIRED_COLUMNS)})"
_SNIFF_BYTES = 8192
_DATA_SUFFIXES = (".json", ".jsonl", ".parquet")

Message = tuple[str, str]  # (role, content)


@dataclass(frozen=True)
class Example:
    """One benchmark row: a prompt (a conversation) and the responses to compare."""

    id: Union[int, str]
    subset: str
    prompt: tuple[Message, ...]
    chosen: tuple[str, ...]
    rejected: tuple[str, ...]
    # The row's own grouping keys (`RowMapping.row_groups`: PPE's battling models and human verdict),
    # carried to its per-example line; not part of the texts, so not of the fingerprint.
    groups: tuple[tuple[str, str], ...] = ()
    # The (chosen i, rejected j) pairs the row is scored on, where the data names them (PPE's conflict
    # pairs; none named: None, which is not the same as a row whose data names no pair).
    pairs: Optional[tuple[tuple[int, int], ...]] = None

    def canonical(self) -> dict[str, Any]:
        row = {
            "id": self.id,
            "subset": self.subset,
            "prompt": [list(m) for m in self.prompt],
            "chosen": list(self.chosen),
            "rejected": list(self.rejected),
        }
        return row if self.pairs is None else {**row, "pairs": [list(p) for p in self.pairs]}

    def withheld(self) -> dict[str, Any]:
        """The row as it may be published when its texts may not: its id, subset, pairs and the sha256
        of its canonical line, which still pins exactly these texts."""
        line = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False)
        row = {"id": self.id, "subset": self.subset, "texts_sha256": hashlib.sha256(line.encode()).hexdigest()}
        return row if self.pairs is None else {**row, "pairs": [list(p) for p in self.pairs]}

    def published(self, withheld: frozenset[str]) -> dict[str, Any]:
        """`canonical()`, or `withheld()` for a row of a subset whose texts are never published."""
        return self.withheld() if self.subset in withheld else self.canonical()


@dataclass(frozen=True)
class BenchmarkData:
    examples: list[Example]
    sources: list[str]
    fingerprint: str
    # The commit each source was read at (a Hub dataset's sha; None for local files), in source order.
    revisions: list[Optional[str]] = field(default_factory=list)
    # How many of `sources` are the core data's (several where it is several Hub datasets); extras follow.
    core_parts: int = 1


def load_benchmark_data(
    benchmark: Benchmark,
    core: Optional[DataSource] = None,
    extras: Iterable[str] = (),
    subsets: Optional[list[str]] = None,
    extra_data: Optional[Mapping[str, DataSource]] = None,
) -> BenchmarkData:
    """Load the core data (or `core` instead) plus the named extra sources (or their replacements
    in `extra_data`), keep `subsets`."""
    replacements = extra_data or {}
    for extra in [*extras, *replacements]:
        if extra not in benchmark.extra_sources:
            known = ", ".join(benchmark.extra_sources) or "none"
            raise DataError(f"{benchmark.name} has no extra data named {extra!r} (it has: {known})")
    sources = [core or benchmark.core_source]
    sources += [replacements.get(extra) or benchmark.extra_sources[extra] for extra in extras]
    core_parts = len(sources[0].parts())
    sources = [part for source in sources for part in source.parts()]
    examples: list[Example] = []
    revisions = [resolve_revision(source) for source in sources]
    for source, revision in zip(sources, revisions):
        examples.extend(_load_source(replace(source, revision=revision), benchmark))
    examples = _select_subsets(examples, subsets, benchmark, sources)
    _check_unique_ids(examples)
    return BenchmarkData(
        examples=examples,
        sources=[s.describe() for s in sources],
        fingerprint=fingerprint(examples, benchmark.texts_withheld),
        revisions=revisions,
        core_parts=core_parts,
    )


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


def resolve_revision(source: DataSource) -> Optional[str]:
    """The commit sha a Hub dataset is read at: its pinned revision, or the branch head now, asked
    once so that the rows read and the commit recorded in the result are the same. None for a local
    file; the revision as given when the Hub cannot be asked (offline mode reads the local cache)."""
    if Path(source.location).exists():
        return None
    if looks_like_a_file(source.location):
        raise DataError(f"no such file: {source.location}. {_EXPECTED}, or a Hub dataset id 'org/name'")
    from huggingface_hub import HfApi
    from huggingface_hub.errors import OfflineModeIsEnabled

    try:
        return HfApi().dataset_info(source.location, revision=source.revision).sha
    except OfflineModeIsEnabled:
        log.warning("offline: %s is read from the local cache; its commit cannot be recorded", source.describe())
        return source.revision
    except Exception as exc:  # unknown repo, bad revision, unreachable Hub: one message for the user
        raise DataError(
            f"could not find benchmark data {source.describe()} on the Hub: {first_line(exc)}. "
            f"{_EXPECTED}, or a reachable Hub dataset id"
        ) from exc


def fingerprint(examples: list[Example], withheld: frozenset[str] = frozenset()) -> str:
    """sha256 of the rows as published (`Example.published`): the texts file stored for them hashes to it."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(json.dumps(example.published(withheld), sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass(frozen=True)
class PlacedRow:
    """A raw row, where it stands (for messages: a JSON Lines file's line, else its row number, both
    counted from 1, as an editor counts lines), and where it came from for the row mapping: the Hub
    config it was read from, or the stem of its local file (RM-Bench's `chat_filtered.json`)."""

    row: dict[str, Any]
    place: str
    origin: Optional[str] = None


def _load_source(source: DataSource, benchmark: Benchmark) -> list[Example]:
    where = source.describe()
    placed = _read_rows(source, benchmark)
    if not placed:
        raise DataError(f"{where} has no rows")
    required = benchmark.rows.required
    missing = [c for c in required if c not in placed[0].row]
    if missing:
        raise DataError(
            f"{where} is missing column(s) {', '.join(missing)}; expected the {benchmark.title} schema "
            f"with columns {', '.join(required)}"
        )
    rows = [(_normalised(benchmark, p), p.place) for p in placed]
    unknown = sorted({str(row["subset"]) for row, _ in rows if not benchmark.metrics.knows(str(row["subset"]))})
    if unknown:
        raise DataError(
            f"{where} has subset(s) unknown to {benchmark.name}: {', '.join(unknown)}; "
            f"known subsets are {_some(benchmark.subsets)}"
        )
    return [_to_example(row, place, benchmark) for row, place in rows]


def _some(names: tuple[str, ...], most: int = 30) -> str:
    """A list short enough for one message (M-RewardBench knows 552 subsets)."""
    shown = ", ".join(names[:most])
    return shown if len(names) <= most else f"{shown}, ... ({len(names)} in all)"


def _normalised(benchmark: Benchmark, placed: PlacedRow) -> dict[str, Any]:
    """The row in RewardBench's schema, by the benchmark's row mapping (its language, domain, label...);
    a row the mapping refuses is named with the reason, and nothing is scored."""
    try:
        return benchmark.rows.normalise(placed.row, placed.origin)
    except KeyError as exc:
        reason = f"no {exc.args[0]!s} given"
    except ValueError as exc:
        reason = str(exc)
    raise DataError(f"{placed.place} (id {benchmark.rows.row_id(placed.row)!r}): {reason}")


def _read_rows(source: DataSource, benchmark: Benchmark) -> list[PlacedRow]:
    path = Path(source.location)
    if not path.exists() and benchmark.rows.paths_from_files:
        path = _hub_files(source)
    local = _local_files(path) if path.exists() else None
    if local is not None:
        return [placed for file in local[1] for placed in _read_local_file(file, local[0], source, benchmark)]
    if source.configs:
        return [
            placed
            for config in source.configs
            for placed in _numbered(_read_through_datasets(source, benchmark, None, config), f"{source.describe()} {config}", config)
        ]
    return _numbered(_read_through_datasets(source, benchmark, None), source.describe(), source.name)


def _read_local_file(file: str, kind: str, source: DataSource, benchmark: Benchmark) -> list[PlacedRow]:
    """One local file's rows, its stem (or its path) handed to the row mapping: JSON Lines and JSON
    arrays with the json module, the rest (Parquet, JSON `datasets` reads otherwise) through `datasets`."""
    stem = _origin_of_file(Path(file), benchmark)
    if kind == JSONL:
        return [PlacedRow(row, place, stem) for row, place in read_jsonl_rows_with_places([file])]
    rows = _json_array_rows(file) if kind == "json" else None
    if rows is None:
        rows = _read_through_datasets(source, benchmark, (kind, [file]))
    return _numbered(rows, file, stem)


def _origin_of_file(file: Path, benchmark: Benchmark) -> Optional[str]:
    """What a file's name tells the row mapping: its stem, or its whole path without the suffix
    (RMB's part, goal and scenario are folders above the file)."""
    if benchmark.rows.paths_from_files:
        return file.absolute().with_suffix("").as_posix()  # not resolved: a Hub snapshot links to blobs
    return file.stem if benchmark.rows.names_from_files else None


def _hub_files(source: DataSource) -> Path:
    """A Hub dataset whose files' paths say what their rows are, downloaded as those files (at the
    commit resolved before, so the rows read are the commit recorded); read then as a local folder."""
    from huggingface_hub import snapshot_download

    try:
        with _library_errors_unlogged():
            folder = snapshot_download(
                source.location,
                repo_type="dataset",
                revision=source.revision,
                allow_patterns=[f"*{suffix}" for suffix in _DATA_SUFFIXES],
            )
    except Exception as exc:  # unknown repo, bad revision, unreachable Hub: one message for the user
        raise DataError(
            f"could not download benchmark data {source.describe()} from the Hub: {first_line(exc)}. "
            f"{_EXPECTED}, or a reachable Hub dataset id"
        ) from exc
    return Path(folder)


def _numbered(rows: list[dict[str, Any]], where: str, origin: Optional[str] = None) -> list[PlacedRow]:
    return [PlacedRow(row, f"{where}, row {number} of {len(rows)}", origin) for number, row in enumerate(rows, start=1)]


def _json_array_rows(file: str) -> Optional[list[dict[str, Any]]]:
    """A .json file that is one array of objects (RM-Bench's layout), read with the json module;
    None for anything else (JSON Lines named .json), which `datasets` reads."""
    try:
        with open(file, "rb") as handle:
            data = handle.read().removeprefix(codecs.BOM_UTF8)
        if not starts_with_array(data[:_SNIFF_BYTES]):
            return None
        rows = json.loads(data)
    except (OSError, ValueError):
        return None
    return rows if isinstance(rows, list) and all(isinstance(r, dict) for r in rows) else None


def _read_through_datasets(
    source: DataSource, benchmark: Benchmark, local: Optional[tuple[str, list[str]]], config: Optional[str] = None
) -> list[dict[str, Any]]:
    """Local files of a `datasets` builder (`local`: builder and files), or a Hub dataset (one of its
    `config`s when it has several)."""
    import datasets  # heavy (most of a second): imported only for data our own reader does not take

    try:
        with _library_errors_unlogged():
            if local is not None:
                builder, files = local
                return datasets.load_dataset(builder, data_files=files, split="train").to_list()
            if source.split:
                named = (config,) if config else ()  # a dataset of one config takes no name
                return datasets.load_dataset(
                    source.location, *named, split=source.split, revision=source.revision
                ).to_list()
            return _rows_from_splits(datasets.load_dataset(source.location, revision=source.revision), benchmark)
    except DataError:
        raise
    except Exception as exc:  # datasets raises many types for unreadable or unreachable data
        raise DataError(
            f"could not read benchmark data from {source.describe()}: {first_line(_root_cause(exc))}. "
            f"{_EXPECTED}, or a reachable Hub dataset id"
        ) from exc


@contextmanager
def _library_errors_unlogged() -> Iterator[None]:
    """`datasets` logs a parse error before raising it; we report it once, in our DataError."""
    logger = logging.getLogger("datasets")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception: `datasets` wraps the parser's precise message in a vague one."""
    while exc.__cause__ is not None or (exc.__context__ is not None and not exc.__suppress_context__):
        exc = exc.__cause__ or exc.__context__
    return exc


def _check_file(path: Path, builder: str) -> str:
    """An empty or binary file gets a plain answer, not a parser's traceback fragment. Returns the
    file's kind: JSONL for a .jsonl file of lines, else its `datasets` builder."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise DataError(f"could not read benchmark data from {path}: {exc.strerror or exc}. {_EXPECTED}") from exc
    if not head.strip():
        raise DataError(f"{path} is empty. {_EXPECTED}")
    if builder == "parquet":
        if not head.startswith(b"PAR1"):
            raise DataError(f"{path} is not a Parquet file (no PAR1 header). {_EXPECTED}")
        return builder
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        binary = b"\0" in head
    except UnicodeDecodeError:
        binary = True
    if binary:
        raise DataError(f"{path} is not a JSON/JSONL text file (it looks binary). {_EXPECTED}")
    return JSONL if path.suffix == ".jsonl" and not starts_with_array(head) else builder


def _local_files(path: Path) -> tuple[str, list[str]]:
    """The kind of the data at `path` (JSONL, or the `datasets` builder) and its files, sorted."""
    files = sorted(p for p in path.rglob("*") if p.suffix in _FILE_BUILDERS) if path.is_dir() else [path]
    if not files:
        raise DataError(f"{path} holds no .json, .jsonl or .parquet files")
    builders = {_FILE_BUILDERS.get(p.suffix) for p in files}
    if None in builders or len(builders) > 1:
        raise DataError(
            f"{path}: benchmark data must be .json, .jsonl or .parquet files of one kind"
        )
    builder = builders.pop()
    kinds = {_check_file(file, builder) for file in files}
    return JSONL if kinds == {JSONL} else builder, [str(p) for p in files]


def _rows_from_splits(dataset_dict, benchmark: Benchmark) -> list[dict[str, Any]]:
    """A dataset whose splits are subsets: keep the splits the benchmark knows, name them."""
    rows: list[dict[str, Any]] = []
    for split_name, split in dataset_dict.items():
        if split_name not in benchmark.subsets:
            log.info("skipping split %s: not a subset of %s", split_name, benchmark.name)
            continue
        for i, row in enumerate(split.to_list()):
            row.setdefault("subset", split_name)
            row.setdefault("id", f"{split_name}-{i}")
            rows.append(row)
    return rows


def _to_example(row: dict[str, Any], place: str, benchmark: Benchmark) -> Example:
    row_id = row["id"]
    label = f"{place} (id {row_id!r})"
    if not isinstance(row_id, (int, str)) or isinstance(row_id, bool):
        raise DataError(f"{label}: 'id' must be an integer or a string")
    example = Example(
        id=row_id,
        subset=str(row["subset"]),
        prompt=_prompt_messages(row["prompt"], label),
        chosen=_responses(row["chosen"], "chosen", label, benchmark.rows.sides_may_be_empty),
        rejected=_responses(row["rejected"], "rejected", label, benchmark.rows.sides_may_be_empty),
        groups=tuple(benchmark.rows.row_groups(row).items()),
        pairs=tuple(tuple(p) for p in row["pairs"]) if benchmark.rows.names_pairs else None,
    )
    _check_counts(row, example, label)
    return example


def _check_counts(row: dict[str, Any], example: Example, label: str) -> None:
    """RewardBench 2 rows state their completion counts; the scorers read which completions are
    correct from the lists alone (upstream: the first `num_correct`), so the two must agree."""
    expected = {
        "num_correct": len(example.chosen),
        "num_incorrect": len(example.rejected),
        "total_completions": len(example.chosen) + len(example.rejected),
    }
    for column, actual in expected.items():
        stated = row.get(column)
        if stated is not None and stated != actual:
            raise DataError(
                f"{label}: {column!r} is {stated} but the row has {actual} such completions "
                "('chosen' lists the correct completions, 'rejected' the incorrect ones)"
            )


def _prompt_messages(prompt: Any, label: str) -> tuple[Message, ...]:
    """A prompt is a user message, or a conversation given as [{role, content}, ...]."""
    if isinstance(prompt, str):
        return (("user", prompt),)
    if isinstance(prompt, list) and prompt and all(
        isinstance(m, dict) and isinstance(m.get("role"), str) and isinstance(m.get("content"), str)
        for m in prompt
    ):
        return tuple((m["role"], m["content"]) for m in prompt)
    raise DataError(f"{label}: 'prompt' must be a string or a list of {{role, content}} messages")


def _responses(value: Any, column: str, label: str, may_be_empty: bool = False) -> tuple[str, ...]:
    """Pairwise data has one response; best-of-N data (RewardBench 2) a list of them; a best-of-K
    prompt's correct or wrong responses (PPE) may be none."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and (value or may_be_empty) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise DataError(f"{label}: {column!r} must be a string or a non-empty list of strings")


def _select_subsets(
    examples: list[Example], wanted: Optional[list[str]], benchmark: Benchmark, sources
) -> list[Example]:
    if wanted is None:
        return examples
    unknown = [s for s in wanted if not benchmark.metrics.knows(s)]
    if unknown:
        raise DataError(
            f"unknown subset(s) {', '.join(unknown)} for {benchmark.name}; "
            f"known subsets are {_some(benchmark.subsets)}"
        )
    present = {e.subset for e in examples}
    empty = [s for s in wanted if s not in present]
    if empty:
        where = " + ".join(s.describe() for s in sources)
        raise DataError(f"subset(s) {', '.join(empty)} have no rows in {where}")
    keep = set(wanted)
    return [e for e in examples if e.subset in keep]


def _check_unique_ids(examples: list[Example]) -> None:
    seen: set[tuple[str, Union[int, str]]] = set()
    for example in examples:
        key = (example.subset, example.id)
        if key in seen:
            raise DataError(
                f"id {example.id!r} appears twice in subset {example.subset}; ids must be unique "
                "so that per-example scores can be matched back to their rows"
            )
        seen.add(key)
