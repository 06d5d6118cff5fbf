"""HubStore: the results store kept in Hugging Face Hub dataset repos (the production store).

The folder layout is the one of `results/store.py`; paths under `requests/` live in the requests
repo, everything else in the results repo (the two may be the same repo).

- Reads come from a local snapshot of each repo, taken by `refresh()` with `snapshot_download` into
  a cache private to this store object (so pruning old snapshots can never pull files from under
  another process).
- Result writes are staged on local disk first (`<cache_dir>/pending/`, one folder per write) and
  deleted only once their commit succeeded; a Hub outage therefore loses nothing: the next
  `refresh()` (or write) uploads what is left, also after a restart.
- Requests change only by compare-and-swap: read the file at the branch head, compare, commit with
  `parent_commit=<head>`. The Hub refuses (HTTP 412) a commit whose parent is no longer the head;
  the store then reads again, and gives up (False) only if the request itself has changed.
- Transient failures (network errors, 408/429/5xx) are retried with exponential backoff; when the
  retries run out, `StoreUnavailable` says what failed.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
import weakref
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator, Optional, Sequence, TypeVar, Union

from huggingface_hub import CommitOperationAdd, HfApi, snapshot_download
from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RemoteEntryNotFoundError
from huggingface_hub.utils import tqdm as hf_tqdm
from pydantic import ValidationError

from .schema import EvalRequest, EvalResult, ExampleScore, ExampleText
from .store import (
    REQUESTS_DIR,
    LocalStore,
    StoreBase,
    StoreUnavailable,
    check_path,
    check_same_request,
    request_path,
    result_files,
)

log = logging.getLogger(__name__)

REPO_TYPE = "dataset"
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_TRANSIENT_STATUS = frozenset({408, 429, 500, 502, 503, 504})
_CONFLICT_STATUS = 412  # the Hub's answer to a commit whose parent_commit is no longer the head
T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient Hub failure."""

    attempts: int = 5
    first_delay_s: float = 1.0
    max_delay_s: float = 30.0

    def delay(self, failures: int) -> float:
        return min(self.max_delay_s, self.first_delay_s * 2 ** (failures - 1))


@dataclass(frozen=True)
class _View:
    sha: str
    folder: Path


class _QuietTqdm(hf_tqdm):
    """snapshot_download runs on every refresh; its progress bars would flood the worker's log."""

    def __init__(self, *args, **kwargs):
        kwargs["disable"] = True
        super().__init__(*args, **kwargs)


def is_transient(exc: BaseException) -> bool:
    """True for failures worth retrying: the network, timeouts, rate limits, server errors."""
    if isinstance(exc, HfHubHTTPError):
        response = exc.response
        return response is None or response.status_code in _TRANSIENT_STATUS
    if isinstance(exc, LocalEntryNotFoundError):
        return True  # what snapshot_download/hf_hub_download raise when the Hub cannot be reached
    import httpx2  # the HTTP library of huggingface_hub 2.x

    return isinstance(exc, httpx2.TransportError)


def _is_conflict(exc: BaseException) -> bool:
    return (
        isinstance(exc, HfHubHTTPError)
        and exc.response is not None
        and exc.response.status_code == _CONFLICT_STATUS
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class PendingUploads:
    """Writes that wait for their upload: one folder per write ("batch"), oldest first.

    A batch appears atomically (built in a hidden folder, then renamed), so a reader never sees
    half of one; flushing takes a file lock so processes sharing the folder upload in order.
    """

    def __init__(self, root: Path):
        self.root = root

    def add(self, files: dict[str, bytes]) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}"
        staging = LocalStore(self.root / f".{name}")  # validates every path, writes atomically
        try:
            for path, data in files.items():
                staging.write_file(path, data)
            os.rename(staging.root, self.root / name)
        except BaseException:
            shutil.rmtree(staging.root, ignore_errors=True)
            raise
        return self.root / name

    def batches(self) -> list[Path]:
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.iterdir() if p.is_dir() and not p.name.startswith("."))

    def files(self, batch: Path) -> dict[str, bytes]:
        """The batch's files by store path (empty if another process has just uploaded it)."""
        found = {}
        for file in _files_under(batch):
            try:
                found[file.relative_to(batch).as_posix()] = file.read_bytes()
            except FileNotFoundError:
                return {}
        return found

    def latest(self, path: str) -> Optional[bytes]:
        for batch in reversed(self.batches()):
            try:
                return (batch / path).read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                continue
        return None

    def paths(self, prefix: str) -> set[str]:
        return {
            f.relative_to(batch).as_posix() for batch in self.batches() for f in _files_under(batch / prefix)
        }

    def remove(self, batch: Path) -> None:
        shutil.rmtree(batch, ignore_errors=True)

    @contextmanager
    def flushing(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".flush.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


class HubStore(StoreBase):
    """Requests and results in Hub dataset repos, reached through `huggingface_hub`."""

    def __init__(
        self,
        results_repo: str,
        requests_repo: Optional[str] = None,
        token: Optional[str] = None,
        *,
        cache_dir: Union[str, os.PathLike],
        endpoint: Optional[str] = None,
        retry: RetryPolicy = RetryPolicy(),
        max_conflicts: int = 20,
        private: bool = False,
        timeout_s: float = 60.0,
    ):
        for repo in (results_repo, requests_repo or results_repo):
            if not _REPO_ID.match(repo):
                raise ValueError(f"Hub dataset repo {repo!r} must look like 'org/name'")
        self.results_repo = results_repo
        self.requests_repo = requests_repo or results_repo
        self.retry = retry
        self.max_conflicts = max_conflicts
        # `huggingface_hub` sends metadata calls without a time limit: a Hub that stops answering
        # would hold a refresh (the app's, every later one behind its lock) forever. Past the limit
        # the call fails as a timeout, which is retried, then reported like any outage.
        self.timeout_s = timeout_s
        self.private = private
        self._api = HfApi(endpoint=endpoint, token=token)
        self._token = token
        self.cache_dir = Path(cache_dir)
        self.pending = PendingUploads(self.cache_dir / "pending")
        # Snapshots are private to this object: pruning them can never disturb another reader.
        self._views_root = self.cache_dir / "views" / uuid.uuid4().hex
        self._views: dict[str, _View] = {}
        # What this store committed since its last snapshot of each repo: reads see their own writes.
        self._written: dict[str, dict[str, bytes]] = {}
        self._lock = threading.RLock()
        self._repos_ready = False
        weakref.finalize(self, shutil.rmtree, self._views_root, True)

    @property
    def repos(self) -> list[str]:
        return sorted({self.results_repo, self.requests_repo})

    def repo_of(self, path: str) -> str:
        return self.requests_repo if PurePosixPath(path).parts[:1] == (REQUESTS_DIR,) else self.results_repo

    # ---- reading ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Try to upload what is pending, then bring every local snapshot up to the branch head.

        A failed upload does not stop the refresh: reading may work while writing does not, and
        the staged files wait for the next try."""
        with self._lock:
            self._ensure_repos()
            try:
                self.flush_pending()
            except StoreUnavailable as exc:
                log.warning("staged results not uploaded yet: %s", exc)
            for repo in self.repos:
                self._sync(repo)

    def read_file(self, path: str) -> Optional[bytes]:
        check_path(path)
        with self._lock:
            pending = self.pending.latest(path)
            if pending is not None:
                return pending
            written = self._written.get(self.repo_of(path), {}).get(path)
            if written is not None:
                return written
            try:
                return (self._view(self.repo_of(path)).folder / path).read_bytes()
            except (FileNotFoundError, NotADirectoryError):
                return None

    def list_files(self, prefix: str) -> list[str]:
        check_path(prefix)
        with self._lock:
            found = self.pending.paths(prefix)
            repos = {self.repo_of(prefix)} if prefix else set(self.repos)
            for repo in repos:
                found.update(p for p in self._written.get(repo, {}) if _is_under(p, prefix))
                folder = self._view(repo).folder
                base = folder / prefix if prefix else folder
                found.update(p.relative_to(folder).as_posix() for p in _files_under(base))
        return sorted(found)

    def _view(self, repo: str) -> _View:
        if repo not in self._views:
            self._ensure_repos()
            self._sync(repo)
        return self._views[repo]

    def _sync(self, repo: str) -> None:
        sha = self._head(repo)
        view = self._views.get(repo)
        if view is not None and view.sha == sha:
            return
        folder = self._retry(
            f"downloading {repo}@{sha[:8]}",
            lambda: snapshot_download(
                repo,
                repo_type=REPO_TYPE,
                revision=sha,
                cache_dir=self._views_root,
                endpoint=self._api.endpoint,
                token=self._token,
                tqdm_class=_QuietTqdm,
            ),
        )
        self._views[repo] = _View(sha, Path(folder))
        self._written.pop(repo, None)  # the new snapshot holds every commit made so far
        _prune_snapshots(Path(folder))

    def _head(self, repo: str) -> str:
        info = self._retry(f"reading {repo}", lambda: self._api.repo_info(repo, repo_type=REPO_TYPE, timeout=self.timeout_s))
        return info.sha

    # ---- writing results --------------------------------------------------------------------

    def write_file(self, path: str, data: bytes) -> None:
        self.pending.add({check_path(path): data})
        self.flush_pending()

    def write_files(self, files: dict[str, bytes]) -> None:
        """Stage every file, then upload them in one commit (an import of hundreds of files is one commit)."""
        self.pending.add({check_path(path): data for path, data in files.items()})
        self.flush_pending()

    def write_result(
        self, result: EvalResult, examples: list[ExampleScore], texts: Sequence[ExampleText] = ()
    ) -> None:
        """Stage the result, its scores (and the data's texts, if new) on disk, then upload them in
        one commit."""
        self.pending.add({**self.new_texts_files(result, texts), **result_files(result, examples)})
        self.flush_pending()

    def flush_pending(self) -> None:
        """Commit every staged write, oldest first; a batch is deleted only after its commit."""
        with self._lock, self.pending.flushing():
            for batch in self.pending.batches():
                files = self.pending.files(batch)
                by_repo: dict[str, dict[str, bytes]] = {}
                for path, data in files.items():
                    by_repo.setdefault(self.repo_of(path), {})[path] = data
                for repo, group in sorted(by_repo.items()):
                    self._ensure_repos()
                    self._retry(
                        f"uploading {', '.join(sorted(group))} to {repo}", lambda: self._commit(repo, group)
                    )
                self.pending.remove(batch)
                log.info("uploaded %s", ", ".join(sorted(files)))

    def _commit(
        self, repo: str, files: dict[str, bytes], message: Optional[str] = None, parent: Optional[str] = None
    ) -> str:
        # Operations are built per attempt: the client marks them used even when a commit fails.
        operations = [CommitOperationAdd(path_in_repo=p, path_or_fileobj=d) for p, d in sorted(files.items())]
        info = self._api.create_commit(
            repo,
            operations,
            commit_message=message or f"Update {', '.join(sorted(files))}",
            repo_type=REPO_TYPE,
            parent_commit=parent,
        )
        self._written.setdefault(repo, {}).update(files)
        return info.oid

    # ---- requests: compare-and-swap ---------------------------------------------------------

    def add_request(self, request: EvalRequest) -> None:
        message = f"Add request {request.request_id} for {request.model}"
        if not self._swap(request_path(request), None, request, message):
            raise FileExistsError(f"request {request.request_id} already exists in {self.requests_repo}")

    def replace_request(self, expected: EvalRequest, new: EvalRequest) -> bool:
        check_same_request(expected, new)
        message = f"Request {new.request_id}: {expected.status.value} -> {new.status.value}"
        return self._swap(request_path(expected), expected, new, message)

    def _swap(self, path: str, expected: Optional[EvalRequest], new: EvalRequest, message: str) -> bool:
        """Commit `new` at `path` if the file at the branch head holds `expected` (None: no file)."""
        repo, data = self.repo_of(path), new.model_dump_json(indent=2).encode()
        sent = False
        with self._lock:
            self._ensure_repos()
            for _ in range(self.max_conflicts):
                head = self._head(repo)
                current = self._read_at(repo, path, head)
                if sent and current == data:
                    return True  # an earlier attempt landed although its answer was lost
                if not _holds(current, expected):
                    return False
                try:
                    sent = True
                    self._retry(
                        f"updating {path}", lambda: self._commit(repo, {path: data}, message, parent=head)
                    )
                    return True
                except HfHubHTTPError as exc:
                    if not _is_conflict(exc):
                        raise
                    log.debug("%s moved on while updating %s; reading it again", repo, path)
        raise StoreUnavailable(
            f"{repo} changed {self.max_conflicts} times while updating {path}: too busy, try again later"
        )

    def _read_at(self, repo: str, path: str, revision: str) -> Optional[bytes]:
        """One file as it is at `revision`, straight from the Hub (None if it does not exist)."""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache_dir, prefix=".read-") as tmp:
            try:
                local = self._retry(
                    f"reading {path}",
                    lambda: self._api.hf_hub_download(
                        repo, path, repo_type=REPO_TYPE, revision=revision, local_dir=tmp
                    ),
                )
            except RemoteEntryNotFoundError:
                return None
            return Path(local).read_bytes()

    # ---- plumbing -----------------------------------------------------------------------------

    def _ensure_repos(self) -> None:
        if self._repos_ready:
            return
        for repo in self.repos:
            self._retry(
                f"creating {repo}",
                lambda: self._api.create_repo(repo, repo_type=REPO_TYPE, exist_ok=True, private=self.private),
            )
        self._repos_ready = True

    def _retry(self, what: str, call: Callable[[], T]) -> T:
        for failures in range(1, self.retry.attempts + 1):
            try:
                return call()
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if failures == self.retry.attempts:
                    raise StoreUnavailable(
                        f"{what} failed {failures} times ({_first_line(exc)}); check that the Hub at "
                        f"{self._api.endpoint} is reachable and the token may write. Unsent results stay "
                        f"in {self.pending.root} and go up with the next refresh()."
                    ) from exc
                delay = self.retry.delay(failures)
                log.warning(
                    "%s failed (%s); retry %d/%d in %.1fs",
                    what,
                    _first_line(exc),
                    failures,
                    self.retry.attempts - 1,
                    delay,
                )
                time.sleep(delay)
        raise AssertionError("unreachable")


def _is_under(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix.rstrip("/") + "/")


def _holds(data: Optional[bytes], expected: Optional[EvalRequest]) -> bool:
    """Whether a stored request file (None: absent) is `expected` (None: must be absent)."""
    if data is None or expected is None:
        return data is None and expected is None
    try:
        return EvalRequest.model_validate_json(data) == expected
    except ValidationError:
        return False  # an unreadable file is never what a writer expects


def _files_under(folder: Path) -> list[Path]:
    """Plain files below `folder`, hidden ones (temp files, locks) left out."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def _prune_snapshots(current: Path) -> None:
    """Keep only the current snapshot, and the blobs it links to, in a private cache."""
    storage = current.parent.parent
    for other in (storage / "snapshots").iterdir():
        if other != current:
            shutil.rmtree(other, ignore_errors=True)
    linked = {os.path.realpath(p) for p in current.rglob("*") if p.is_symlink()}
    blobs = storage / "blobs"
    for blob in blobs.iterdir() if blobs.is_dir() else ():
        if os.path.realpath(blob) not in linked:
            blob.unlink(missing_ok=True)
