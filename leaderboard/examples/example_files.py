"""Per-example files, read from the store only for the results a reader looks at, and kept parsed.

A result's examples are keyed by its path and its evaluation time (a re-run at the same path is a
new result with a new time, and a result file is written after its scores), so a cached entry is
never stale and the store is not read again while it stays cached. Texts are keyed by benchmark
and data fingerprint: one file serves every result on that data. Both caches are small LRUs (a
3,000-example result with texts takes a few MB parsed); the leaderboard's marks keep only the
credits they need, in a larger one.

Reads go through the store's own methods; a missing or unreadable file yields an empty set of
examples and a note saying why, never an error on the page.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Generic, Hashable, Iterable, Optional, TypeVar

from pydantic import ValidationError

from results.benchmarks import SPECS
from results.result_files import UnreadableResult, read_result
from results.schema import EvalResult, ExampleScore, ExampleText
from results.store import Store

from .examples import ExampleSet, example_key, examples_frame
from .lengths import LengthRow, response_length, row_preference, total_preference

log = logging.getLogger(__name__)
V = TypeVar("V")

NO_SCORES = "This result has no per-example scores (a published result, or one stored without them)."
NO_TEXTS = (
    "Texts not available: the store has no texts for this result's data (results evaluated before "
    "texts were stored, and published results, keep their scores only)."
)


class LRU(Generic[V]):
    """A thread-safe least-recently-used cache; `get(key, make)` computes a missing value once."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.misses = 0

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: a slow read must not block readers of other keys
        with self._lock:
            self.misses += 1
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


@dataclass(frozen=True)
class LoadedResult:
    """What the Examples tab needs of one result."""

    path: str
    result: Optional[EvalResult]
    examples: ExampleSet
    note: str = ""

    @property
    def benchmark(self) -> Optional[str]:
        return self.result.benchmark.name if self.result else None

    @property
    def data_fingerprint(self) -> Optional[str]:
        return self.result.benchmark.data_fingerprint if self.result else None


class ExampleFiles:
    """The store's per-example files, parsed on first use and cached."""

    def __init__(self, store: Store, results: int = 8, texts: int = 4):
        self.store = store
        self._results: LRU[LoadedResult] = LRU(results)
        self._texts: LRU[Optional[list[ExampleText]]] = LRU(texts)
        self.summaries = ResultSummaries(self)
        self._warming: Optional[threading.Thread] = None

    def load(self, path: str, evaluated: object = None) -> LoadedResult:
        """The examples of the result stored at `path` (`evaluated`: its time, part of the key)."""
        return self._results.get((path, str(evaluated)), lambda: self._read(path))

    def warm_in_background(self, results: Iterable[tuple[str, object]]) -> Optional[threading.Thread]:
        """Summarise these results (path, evaluation time) in a background thread, so that the
        Leaderboard's marks are ready when a reader asks; none is started while one still runs."""
        if self._warming is not None and self._warming.is_alive():
            return None
        todo = list(results)
        self._warming = threading.Thread(target=self._warm, args=(todo,), name="example-summaries", daemon=True)
        self._warming.start()
        return self._warming

    def _warm(self, results: list[tuple[str, object]]) -> None:
        for path, evaluated in results:
            try:
                self.summaries.get(path, evaluated)
            except Exception:  # a bad file must not end the warm-up; the mark then says "–"
                log.exception("summarising the per-example scores of %s failed", path)

    def texts(self, benchmark: str, data_fingerprint: str) -> Optional[list[ExampleText]]:
        return self._texts.get(
            (benchmark, data_fingerprint), lambda: self.store.read_example_texts(benchmark, data_fingerprint)
        )

    def _read(self, path: str) -> LoadedResult:
        result = self._read_result(path)
        try:
            scores = self.store.read_example_scores(path)
        except (ValidationError, ValueError) as exc:
            log.warning("unreadable per-example scores of %s: %s", path, exc)
            return LoadedResult(path, result, examples_frame([]), NO_SCORES)
        if result is None or not scores:
            return LoadedResult(path, result, examples_frame(scores), NO_SCORES if not scores else NO_TEXTS)
        scores = _counted(result.benchmark.name, scores)  # what the score counts, as the marks compare
        texts = self.texts(result.benchmark.name, result.benchmark.data_fingerprint)
        examples = examples_frame(scores, texts)
        return LoadedResult(path, result, examples, "" if examples.has_texts else NO_TEXTS)

    def _read_result(self, path: str) -> Optional[EvalResult]:
        data = self.store.read_file(path)
        if data is None:
            return None  # gone since the snapshot
        try:
            # a published flat file has no EvalResult (no scores, no data fingerprint): None
            return read_result(path, data).result
        except UnreadableResult as exc:
            log.warning("unreadable result %s: %s", path, exc)
            return None


def _counted(benchmark: str, scores: list[ExampleScore]) -> list[ExampleScore]:
    """The examples whose credit counts in the result's score (PPE leaves out battles voted a tie): the
    Examples tab lists and the marks compare those only."""
    spec = SPECS.get(benchmark)
    return [s for s in scores if spec.counts(s)] if spec is not None else scores


@dataclass(frozen=True)
class ResultSummary:
    """The little the Leaderboard's marks need of a result: its data, credits and length preference."""

    benchmark: Optional[str]
    data_fingerprint: Optional[str]
    credits: dict[str, float]  # example key -> credit
    longer_share: Optional[float]  # share of response pairs where the longer one won; None without texts


class ResultSummaries:
    """Summaries of many results (a few KB each), computed once per result and kept in a larger LRU.

    A summary needs the credits and, for the length share, the responses' lengths: it never builds
    the Examples tab's table (previews, search text), and the lengths of one data's rows are kept
    once for every result on it."""

    def __init__(self, files: ExampleFiles, size: int = 512):
        self.files = files
        self._summaries: LRU[ResultSummary] = LRU(size)
        self._lengths: LRU[dict[str, LengthRow]] = LRU(16)

    def get(self, path: str, evaluated: object = None) -> ResultSummary:
        return self._summaries.get((path, str(evaluated)), lambda: self._summarise(path))

    def _summarise(self, path: str) -> ResultSummary:
        result = self.files._read_result(path)
        try:
            scores = self.files.store.read_example_scores(path) if result is not None else []
        except (ValidationError, ValueError) as exc:
            log.warning("unreadable per-example scores of %s: %s", path, exc)
            scores = []
        if result is None or not scores:
            return ResultSummary(None, None, {}, None)
        benchmark, fingerprint = result.benchmark.name, result.benchmark.data_fingerprint
        lengths = self._lengths.get(
            (benchmark, fingerprint), lambda: self._read_lengths(benchmark, fingerprint)
        )
        scores = _counted(benchmark, scores)
        credits = {example_key(s.subset, s.id): s.correct for s in scores}
        preferences = [
            row_preference(s.scores_chosen, s.scores_rejected, row.chosen_lengths, row.rejected_lengths)
            for s in scores
            if (row := lengths.get(example_key(s.subset, s.id))) is not None
        ]
        share = total_preference(preferences).share if preferences else None
        return ResultSummary(benchmark, fingerprint, credits, share)

    def _read_lengths(self, benchmark: str, fingerprint: str) -> dict[str, LengthRow]:
        texts = self.files.texts(benchmark, fingerprint) or []
        return {
            example_key(t.subset, t.id): LengthRow(
                t.subset,
                tuple(response_length(c) for c in t.chosen),
                tuple(response_length(r) for r in t.rejected),
            )
            for t in texts
            if not t.withheld
        }
