"""The leaderboard's data, held in memory and swapped whole on each refresh.

Readers take `cache.snapshot` (immutable) and never wait for a refresh; a refresh reads the store,
builds new tables, and replaces the snapshot in one assignment. A failed refresh keeps the last good
data and records what went wrong, so a store outage never empties the page.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable, Optional

from results.schema import EvalRequest
from results.store import Store

from .examples.example_files import ExampleFiles
from .tables.provenance import store_files
from .tables.table import EVALUATED, PATH, Tables, build_tables

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class Snapshot:
    tables: Tables
    requests: list[EvalRequest] = field(default_factory=list)
    loaded_at: Optional[datetime] = None
    version: int = 0
    load_s: float = 0.0
    error: Optional[str] = None  # why the latest refresh failed; the data is then the previous one


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
                tables = build_tables(*store_files(self.store))  # ours and the imported ones
                requests = self.store.list_requests()
            except Exception as exc:  # keep serving the last good data; say so on the page
                log.exception("refreshing the leaderboard data failed")
                self._snapshot = Snapshot(
                    previous.tables,
                    previous.requests,
                    previous.loaded_at,
                    previous.version + 1,
                    previous.load_s,
                    f"{type(exc).__name__}: {exc}",
                )
                return self._snapshot
            elapsed = time.perf_counter() - start
            self._snapshot = Snapshot(tables, requests, self._clock(), previous.version + 1, elapsed)
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
            )
            return self._snapshot

    def ensure_loaded(self) -> Snapshot:
        """Load once if nothing was loaded yet (the first page must not be empty)."""
        return self._snapshot if self._snapshot.version else self.refresh()
