"""The leaderboard's data, held in memory and swapped whole on each refresh.

Readers take `cache.snapshot` (immutable) and never wait for a refresh; a refresh reads the store,
builds new tables, and replaces the snapshot in one assignment. A failed refresh keeps the last good
data and records what went wrong, so a store outage never empties the page. A refresh that reads
exactly what the previous one read keeps the snapshot's version: every open page's periodic check
then finds nothing new and costs nothing. What pages derive from a snapshot (a filtered table, a
chart) is computed once per snapshot and shared by every session (`Snapshot.derive`).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any, Callable, Hashable, Iterable, Mapping, Optional, TypeVar

from results.schema import EvalRequest
from results.store import Store

from .examples.example_files import ExampleFiles
from .tables.provenance import store_files
from .tables.table import EVALUATED, PATH, Tables, build_tables

log = logging.getLogger(__name__)
T = TypeVar("T")
DERIVED_PER_SNAPSHOT = 128  # distinct derived values kept per snapshot (searches are many; least used go)
DERIVED_MAX_AGE_S = 600.0  # well under the hour after which an unused CSV download is pruned


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Derived:
    """Values computed from one snapshot, each once: a second caller of a key being computed waits
    for the first one's answer instead of computing it again (fifty readers opening the same view).

    A value is computed again once it is `max_age_s` old: a snapshot can live for hours when the data
    does not change, and some renders leave files behind (a view's CSV, pruned when unused for an
    hour: tables/export.py) that a fresh render writes again."""

    def __init__(self, capacity: int = DERIVED_PER_SNAPSHOT, max_age_s: float = DERIVED_MAX_AGE_S):
        self._capacity = capacity
        self._max_age_s = max_age_s
        self._values: OrderedDict[Hashable, tuple[float, Future]] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._values

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            born, future = self._values.get(key, (now, None))
            mine = future is None or (now - born > self._max_age_s and future.done())
            if mine:
                future = Future()
                self._values[key] = (now, future)
                while len(self._values) > self._capacity:
                    self._values.popitem(last=False)
            self._values.move_to_end(key)
        if mine:
            try:
                future.set_result(compute())
            except BaseException as exc:  # not kept: the next caller tries again
                with self._lock:
                    if self._values.get(key, (0, None))[1] is future:
                        del self._values[key]
                future.set_exception(exc)
        return future.result()


@dataclass(frozen=True)
class Snapshot:
    tables: Tables
    requests: list[EvalRequest] = field(default_factory=list)
    loaded_at: Optional[datetime] = None
    version: int = 0
    load_s: float = 0.0
    error: Optional[str] = None  # why the latest refresh failed; the data is then the previous one
    fingerprint: str = ""  # of what the refresh read: the next one that reads the same keeps this version
    derived: Derived = field(default_factory=Derived, compare=False, repr=False)

    def derive(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, once for this snapshot and `key` (which must name everything it depends on
        besides the snapshot), shared by every session."""
        return self.derived.get(key, compute)


def fingerprint(files: Iterable[tuple[str, bytes]], origins: Mapping[str, Any], requests: Iterable[EvalRequest]) -> str:
    """A digest of everything a refresh read: equal digests, equal tables."""
    digest = hashlib.sha256()
    for path, data in sorted(files, key=lambda pair: pair[0]):
        digest.update(f"{path}\0{len(data)}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    digest.update(repr(sorted((path, repr(origin)) for path, origin in origins.items())).encode())
    for request in requests:
        digest.update(request.model_dump_json().encode())
    return digest.hexdigest()


def _counts(snapshot: Snapshot) -> tuple[int, int, int]:
    return len(snapshot.tables.rows), len(snapshot.tables.skipped), len(snapshot.requests)


class ResultsCache:
    def __init__(self, store: Store, clock: Callable[[], datetime] = utcnow):
        self.store = store
        self._clock = clock
        self._snapshot = Snapshot(tables=build_tables([]))
        self._refresh_lock = threading.Lock()  # the schedule and the button never refresh at once
        self.examples = ExampleFiles(store)  # per-example files, read when a page asks for them
        self._listeners: list[Callable[[Snapshot], None]] = []

    def on_refresh(self, listener: Callable[[Snapshot], None]) -> None:
        """Call `listener` with each new snapshot a refresh reads (e.g. the submissions' queue index,
        which then never reads the queue itself)."""
        self._listeners.append(listener)

    def _tell(self, snapshot: Snapshot) -> None:
        for listener in self._listeners:
            try:
                listener(snapshot)
            except Exception:  # a listener's failure must not fail the refresh that fed it
                log.exception("a refresh listener failed")

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def refresh(self) -> Snapshot:
        with self._refresh_lock:
            previous = self._snapshot
            start = time.perf_counter()
            try:
                self.store.refresh()
                files, origins = store_files(self.store)  # ours and the imported ones
                requests = self.store.list_requests()
                digest = fingerprint(files, origins, requests)
                if digest == previous.fingerprint and previous.error is None:
                    # Nothing changed: the same version, so no open page re-renders anything.
                    self._snapshot = replace(previous, loaded_at=self._clock())
                    return self._snapshot
                tables = build_tables(files, origins)
            except Exception as exc:  # keep serving the last good data; say so on the page
                log.exception("refreshing the leaderboard data failed")
                self._snapshot = Snapshot(
                    previous.tables,
                    previous.requests,
                    previous.loaded_at,
                    previous.version + 1,
                    previous.load_s,
                    f"{type(exc).__name__}: {exc}",
                    previous.fingerprint,
                )
                return self._snapshot
            elapsed = time.perf_counter() - start
            self._snapshot = Snapshot(tables, requests, self._clock(), previous.version + 1, elapsed, None, digest)
            self._tell(self._snapshot)
            self.examples.warm_in_background(zip(tables.rows[PATH], tables.rows[EVALUATED]))
            counts = (len(tables.rows), len(tables.skipped), len(requests))
            # A short refresh interval (the demo's) would otherwise log the same line every few seconds.
            changed = previous.loaded_at is None or counts != _counts(previous)
            level = logging.INFO if changed else logging.DEBUG
            log.log(level, "leaderboard data: %d results, %d skipped, %d requests in %.2fs", *counts, elapsed)
            return self._snapshot

    def refresh_unless_fresh(self, min_age_s: float) -> Snapshot:
        """Refresh, unless the data was read less than `min_age_s` ago (so that many readers
        pressing Refresh at once cost one read of the store, not one each)."""
        loaded = self._snapshot.loaded_at
        if loaded is not None and (self._clock() - loaded).total_seconds() < min_age_s:
            return self._snapshot
        return self.refresh()

    def note_request(self, request: EvalRequest) -> Snapshot:
        """Show a request this process just queued at once, without re-reading the whole store."""
        with self._refresh_lock:
            current = self._snapshot
            self._snapshot = Snapshot(
                current.tables,
                [*current.requests, request],
                current.loaded_at,
                current.version + 1,
                current.load_s,
                current.error,
                current.fingerprint,
            )
            return self._snapshot

    def ensure_loaded(self) -> Snapshot:
        """Load once if nothing was loaded yet (the first page must not be empty)."""
        return self._snapshot if self._snapshot.version else self.refresh()
