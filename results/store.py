"""Where requests, results and per-example scores live: one protocol, one folder layout.

Layout (identical in a local folder and in a Hub dataset repo):
    requests/<org>/<name>/<request_id>.json                     queue entries (EvalRequest)
    eval-set/<benchmark>/<org>/<name>/<revision>.json           results (EvalResult)
    eval-set-scores/<benchmark>/<org>/<name>/<revision>.jsonl   per-example scores (ExampleScore lines)
    eval-set-texts/<benchmark>/<data fingerprint>.jsonl         the scored rows' texts (ExampleText lines)
    cache/...                                                   reusable data (e.g. reference log-probs)

The texts of the rows scored are written once per data fingerprint, with the first result on that
data (`write_result(..., texts=...)`), and shared by every later result on it: the leaderboard
shows an example's prompt and responses without reading the benchmark data itself. A texts file's
sha256 is the fingerprint it is named by (`ExampleText.canonical_line`), so a reader can check it.

A result is keyed by benchmark and model revision (the resolved commit sha, or `local-<hash>` for
a local folder), so evaluating a model on a second benchmark or at a second commit keeps the
first result. A result on custom data (`BenchmarkInfo.custom_data`) is keyed by its data too:
`<revision>.custom-<first 12 hex of the data fingerprint>.json`, so it never replaces the result on
the benchmark's own data.

Published results imported from a results dataset live apart, under `imported/` (see
`results/imported.py`); `iter_result_files()` does not yield them, so nothing that reads our own
results (the worker, the demo) meets a published file there.

The older flat layout stays readable (`legacy_result_path`): `eval-set/<org>/<name>.json` holds
this project's earlier EvalResult files and the published RewardBench results (one key per subset),
with scores at `eval-set-scores/<org>/<name>.jsonl`. `iter_result_files()` yields both layouts
(they differ in depth, so an org named like a benchmark cannot be mistaken for one), and
`read_example_scores(result_file)` finds the scores of either by the same rule: the result's path
with `eval-set-scores/` for `eval-set/` and `.jsonl` for `.json`.

Every path is built from checked parts (`safe_path`), so no model id, benchmark name, revision or
request id can reach outside the store.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator, Optional, Protocol, Sequence, runtime_checkable

from pydantic import ValidationError

from .names import InvalidModelName
from .schema import EvalRequest, EvalResult, ExampleScore, ExampleText

log = logging.getLogger(__name__)

_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+=-]{0,199}$")
REQUESTS_DIR = "requests"
RESULTS_DIR = "eval-set"
SCORES_DIR = "eval-set-scores"
TEXTS_DIR = "eval-set-texts"
_FINGERPRINT = re.compile(r"^[0-9a-f]{64}$")


def safe_path(*parts: str) -> str:
    """Join checked parts into a relative POSIX path; refuse anything that could escape."""
    for part in parts:
        if not _SAFE_PART.match(part) or ".." in part:
            raise InvalidModelName(f"refusing unsafe path part {part!r}")
    return str(PurePosixPath(*parts))


def check_path(path: str) -> str:
    """Validate every part of a relative store path; returns it unchanged."""
    safe_path(*PurePosixPath(path).parts)
    return path


def is_safe_path(path: str) -> bool:
    """Whether a listed store path may be read; one that `check_path` refuses (a folder named
    `<img ...>` put there by hand, say) is skipped with one log line, like an unreadable file:
    one bad name must never stop the reading of every other file."""
    try:
        check_path(path)
    except InvalidModelName as exc:
        log.warning("skipping %s: %s", ascii(path)[:300], exc)
        return False
    return True


def result_path(benchmark: str, org: str, name: str, revision: str) -> str:
    """Where the result of `org/name` at `revision` on `benchmark` is written."""
    return safe_path(RESULTS_DIR, benchmark, org, name, f"{revision}.json")


def scores_path(benchmark: str, org: str, name: str, revision: str) -> str:
    """Where the per-example scores of that result are written."""
    return safe_path(SCORES_DIR, benchmark, org, name, f"{revision}.jsonl")


def result_key(result: EvalResult) -> tuple[str, str, str, str]:
    """(benchmark, org, name, revision stem) under which `write_result` stores `result`."""
    org, name = split_model_name(result.model.name)
    stem = result.model.revision_resolved
    if result.benchmark.custom_data:
        stem = f"{stem}.custom-{result.benchmark.data_fingerprint[:12]}"
    return result.benchmark.name, org, name, stem


def result_paths(result: EvalResult) -> tuple[str, str]:
    """(result file, scores file) of `result`, as `write_result` stores them."""
    key = result_key(result)
    return result_path(*key), scores_path(*key)


def result_files(result: EvalResult, examples: list[ExampleScore]) -> dict[str, bytes]:
    """{path: bytes} of a result and its per-example scores as every store writes them, scores
    first: a result file that exists always has its scores beside it."""
    result_file, scores_file = result_paths(result)
    return {scores_file: scores_bytes(examples), result_file: result.model_dump_json(indent=2).encode()}


def legacy_result_path(org: str, name: str) -> str:
    """The older flat layout: one result per model (ours before RewardBench 2, or a published one)."""
    return safe_path(RESULTS_DIR, org, f"{name}.json")


def legacy_scores_path(org: str, name: str) -> str:
    return safe_path(SCORES_DIR, org, f"{name}.jsonl")


def scores_path_of(result_file: str) -> str:
    """The scores file beside a result file, in either layout."""
    parts = PurePosixPath(check_path(result_file)).parts
    if len(parts) < 3 or parts[0] != RESULTS_DIR or not parts[-1].endswith(".json"):
        raise ValueError(f"{result_file!r} is not a result file (expected {RESULTS_DIR}/.../<file>.json)")
    return safe_path(SCORES_DIR, *parts[1:-1], parts[-1][: -len(".json")] + ".jsonl")


def texts_path(benchmark: str, data_fingerprint: str) -> str:
    """Where the texts of the rows with this fingerprint are kept (one file per benchmark and data)."""
    if not _FINGERPRINT.match(data_fingerprint):
        raise ValueError(f"{data_fingerprint!r} is not a data fingerprint (64 lowercase hex digits)")
    return safe_path(TEXTS_DIR, benchmark, f"{data_fingerprint}.jsonl")


def texts_bytes(texts: Sequence[ExampleText]) -> bytes:
    """One canonical line per row, in the order scored: the file's sha256 is the data fingerprint."""
    return "".join(t.canonical_line() + "\n" for t in texts).encode()


def parse_texts(data: bytes) -> list[ExampleText]:
    return [ExampleText.model_validate_json(line) for line in data.splitlines() if line.strip()]


def request_path(request: EvalRequest) -> str:
    return safe_path(REQUESTS_DIR, request.org, request.name, f"{request.request_id}.json")


def scores_bytes(examples: list[ExampleScore]) -> bytes:
    """One JSON line per example, keyed by (subset, id): RewardBench v1 ids repeat across subsets."""
    return "".join(e.to_line() + "\n" for e in examples).encode()


class StoreUnavailable(RuntimeError):
    """The store could not be reached after retries; nothing was lost, try again later."""


def write_cache_file(store: "Store", path: str, data: bytes) -> None:
    """Write a file of `cache/`, which only saves time: a store that takes no upload now must not
    fail the evaluation over it (the Hub store keeps the file staged and uploads it later)."""
    try:
        store.write_file(path, data)
    except StoreUnavailable as exc:
        log.warning("cache file %s not uploaded yet, it goes up with the next refresh: %s", path, exc)


def split_model_name(qualified: str) -> tuple[str, str]:
    org, _, name = qualified.partition("/")
    return org, name


@runtime_checkable
class Store(Protocol):
    """What the evaluator and the leaderboard need from a results store."""

    def refresh(self) -> None:
        """Bring the local view up to date (a no-op for a local folder)."""

    def read_file(self, path: str) -> Optional[bytes]: ...

    def write_file(self, path: str, data: bytes) -> None: ...

    def write_files(self, files: dict[str, bytes]) -> None:
        """Several files at once, in order (on the Hub: one commit)."""

    def flush_pending(self) -> None:
        """Upload the writes staged while the store was unavailable; raises StoreUnavailable if it
        still is (a store that writes at once has nothing staged)."""

    def list_files(self, prefix: str) -> list[str]: ...

    def add_request(self, request: EvalRequest) -> None:
        """Enqueue a new request; raises FileExistsError if its id is taken."""

    def list_requests(self) -> list[EvalRequest]:
        """Every readable request; unreadable files are logged and skipped."""

    def replace_request(self, expected: EvalRequest, new: EvalRequest) -> bool:
        """Atomically store `new` if the stored request still equals `expected`."""

    def write_result(
        self, result: EvalResult, examples: list[ExampleScore], texts: Sequence[ExampleText] = ()
    ) -> None:
        """Store the result and its per-example scores, and the rows' `texts` when the store has
        none for the result's data yet."""

    def iter_result_files(self) -> Iterator[tuple[str, bytes]]:
        """(path, raw bytes) of every result file, in any format (ours or the published one)."""

    def read_example_scores(self, result_file: str) -> list[ExampleScore]:
        """The per-example scores of the result stored at `result_file` (a path `iter_result_files`
        yields, or `result_paths(result)[0]`); empty when there are none (published results)."""


class StoreBase:
    """Store logic that only needs read_file / write_file / list_files."""

    def read_file(self, path: str) -> Optional[bytes]:
        raise NotImplementedError

    def write_file(self, path: str, data: bytes) -> None:
        raise NotImplementedError

    def list_files(self, prefix: str) -> list[str]:
        raise NotImplementedError

    def write_files(self, files: dict[str, bytes]) -> None:
        """Write several files, in the given order (a Hub store sends them in one commit)."""
        for path, data in files.items():
            self.write_file(path, data)

    def flush_pending(self) -> None:
        return None  # a store that writes at once stages nothing

    def list_requests(self) -> list[EvalRequest]:
        requests = []
        for path in self.list_files(REQUESTS_DIR):
            if not path.endswith(".json") or not is_safe_path(path):
                continue
            request = _parse_request(path, self.read_file(path))
            if request is not None and _is_stored_where_named(path, request):
                requests.append(request)
        return sorted(requests, key=lambda r: (r.submitted_at, r.request_id))

    def iter_result_files(self) -> Iterator[tuple[str, bytes]]:
        for path in self.list_files(RESULTS_DIR):
            if path.endswith(".json") and is_safe_path(path):
                data = self.read_file(path)
                if data is not None:
                    yield path, data

    def read_example_scores(self, result_file: str) -> list[ExampleScore]:
        data = self.read_file(scores_path_of(result_file)) or b""
        return [ExampleScore.model_validate_json(line) for line in data.splitlines() if line.strip()]

    def read_example_texts(self, benchmark: str, data_fingerprint: str) -> Optional[list[ExampleText]]:
        try:
            path = texts_path(benchmark, data_fingerprint)
        except ValueError:  # not a fingerprint this project writes: no texts can be named by it
            return None
        data = self.read_file(path)
        if data is None:
            return None
        if hashlib.sha256(data).hexdigest() != data_fingerprint:
            log.warning("ignoring %s: its rows are not the ones its name (the data fingerprint) says", path)
            return None
        try:
            return parse_texts(data)
        except ValidationError as exc:
            log.warning("ignoring unreadable texts file %s: %s", path, exc.errors()[0]["msg"])
            return None

    def new_texts_files(self, result: EvalResult, texts: Sequence[ExampleText]) -> dict[str, bytes]:
        """{path: bytes} of the texts to write with `result`: none when there are none, when the
        store already has this data's texts, or when they are not the rows the result scored."""
        if not texts:
            return {}
        try:
            path = texts_path(result.benchmark.name, result.benchmark.data_fingerprint)
        except (ValueError, InvalidModelName) as exc:
            log.warning("not storing the texts of %s: %s", result.model.name, exc)
            return {}
        if self.read_file(path) is not None:
            return {}
        data = texts_bytes(texts)
        if hashlib.sha256(data).hexdigest() != result.benchmark.data_fingerprint:
            log.warning(
                "not storing the texts of %s: they are not the rows its fingerprint names", result.model.name
            )
            return {}
        return {path: data}


def _parse_request(path: str, data: Optional[bytes]) -> Optional[EvalRequest]:
    if data is None:
        return None
    try:
        return EvalRequest.model_validate_json(data)
    except ValidationError as exc:
        log.warning("skipping unreadable request %s: %s", path, exc.errors()[0]["msg"])
        return None


def _is_stored_where_named(path: str, request: EvalRequest) -> bool:
    """Requests are rewritten at the path their own org/name/id give; one that names another place
    (or an unsafe one) would be written elsewhere on its next change, so it is skipped."""
    try:
        expected = request_path(request)
    except InvalidModelName as exc:
        log.warning("skipping request %s: %s", path, exc)
        return False
    if expected != path:
        log.warning("skipping request %s: its org/name/request_id point to %s instead", path, expected)
        return False
    return True


def check_same_request(expected: EvalRequest, new: EvalRequest) -> None:
    """A replacement may change a request's state, never which request (and file) it is."""
    if (new.request_id, new.org, new.name) != (expected.request_id, expected.org, expected.name):
        raise ValueError(
            f"cannot replace request {expected.request_id} ({expected.org}/{expected.name}) with "
            f"{new.request_id} ({new.org}/{new.name}): request_id, org and name must stay the same"
        )


class LocalStore(StoreBase):
    """A folder on disk: the embedded default. Safe for several processes on one machine."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def refresh(self) -> None:
        return None

    def _abs(self, path: str) -> Path:
        return self.root.joinpath(*PurePosixPath(check_path(path)).parts)

    def read_file(self, path: str) -> Optional[bytes]:
        try:
            return self._abs(path).read_bytes()
        except FileNotFoundError:
            return None

    def write_file(self, path: str, data: bytes) -> None:
        """Write to a temp file in the same folder, then rename: readers never see half a file."""
        target = self._abs(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def list_files(self, prefix: str) -> list[str]:
        base = self._abs(prefix)
        if not base.is_dir():
            return []
        return sorted(
            str(p.relative_to(self.root).as_posix())
            for p in base.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )

    @contextmanager
    def _locked(self):
        """An exclusive lock over the whole store (requests are small; contention is rare)."""
        with open(self.root / ".lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def add_request(self, request: EvalRequest) -> None:
        path = request_path(request)
        with self._locked():
            if self._abs(path).exists():
                raise FileExistsError(f"request {request.request_id} already exists")
            self.write_file(path, request.model_dump_json(indent=2).encode())

    def replace_request(self, expected: EvalRequest, new: EvalRequest) -> bool:
        check_same_request(expected, new)
        path = request_path(expected)
        with self._locked():
            current = _parse_request(path, self.read_file(path))
            if current != expected:
                return False
            self.write_file(path, new.model_dump_json(indent=2).encode())
            return True

    def write_result(
        self, result: EvalResult, examples: list[ExampleScore], texts: Sequence[ExampleText] = ()
    ) -> None:
        # Texts first: a result file that exists always has its texts beside it.
        files = {**self.new_texts_files(result, texts), **result_files(result, examples)}
        for path, data in files.items():
            self.write_file(path, data)
