"""The queue as the submission checks ask about it, held in memory (no file read per submission).

A submission used to re-read every request file under the submission lock (0.08 s at 15 files,
0.45 s at 225): its cost grew with the queue. `QueueIndex` is loaded from the store once, grows by
the requests this process queues, and is replaced by the app's scheduled refresh (which reads the
queue anyway), so a submission looks up only what it needs:
- the requests of one model (duplicates, and who already holds a name);
- the submission times of one submitter, of one client address, and of everyone (the limits).

Client addresses are personal data: they are kept here, in memory, and never written to the queue
(which may be a public dataset); a restart forgets them, while the per-name and hourly limits come
from the stored requests and survive it.
"""

from __future__ import annotations

import bisect
import threading
from collections import defaultdict
from datetime import datetime
from typing import Callable, Iterable, Optional, Sequence

from results.schema import EvalRequest

Key = tuple


def submission_key(request: EvalRequest) -> Key:
    """The requests of one submission (one per benchmark) share its time, model and commit; those
    of one policy submission (one per reward model that judges it) share its time and policy."""
    if request.kind == "policy":
        return (request.submitted_at, "policy", request.policy)
    return (request.submitted_at, request.org, request.name, request.revision_resolved)


class _Times:
    """Submission times, sorted, each submission once: counts over a window cost a bisection."""

    def __init__(self) -> None:
        self._keys: set[Key] = set()
        self._times: list[datetime] = []

    def add(self, key: Key, when: datetime) -> None:
        if key not in self._keys:
            self._keys.add(key)
            bisect.insort(self._times, when)

    def since(self, start: datetime) -> list[datetime]:
        return self._times[bisect.bisect_right(self._times, start) :]


class QueueIndex:
    """Every request by id, and the look-ups the submission checks make."""

    def __init__(self, load: Optional[Callable[[], Sequence[EvalRequest]]] = None):
        self._load = load  # how to read the whole queue the first time it is asked about
        self._lock = threading.RLock()
        self._loaded = False
        self._requests: dict[str, EvalRequest] = {}
        self._added_here: set[str] = set()  # queued by this process and not yet seen in a refresh
        self._addresses: dict[str, _Times] = defaultdict(_Times)
        self._rebuild()

    def _rebuild(self) -> None:
        self._by_model: dict[tuple[str, str], list[EvalRequest]] = defaultdict(list)
        self._by_submitter: dict[str, _Times] = defaultdict(_Times)
        self._everyone = _Times()
        # Oldest first: each time then lands at the end of its sorted list (no shifting).
        for request in sorted(self._requests.values(), key=lambda r: r.submitted_at):
            self._index(request)

    def _index(self, request: EvalRequest) -> None:
        self._by_model[(request.org, request.name)].append(request)
        key = submission_key(request)
        self._by_submitter[request.submitter].add(key, request.submitted_at)
        self._everyone.add(key, request.submitted_at)

    def _ensure_loaded(self) -> None:
        if not self._loaded and self._load is not None:
            self.replace(self._load())

    def replace(self, requests: Iterable[EvalRequest]) -> None:
        """The queue as a refresh read it; requests queued here since stay until a refresh has them."""
        with self._lock:
            fresh = {r.request_id: r for r in requests}
            self._added_here -= fresh.keys()
            for request_id in self._added_here:
                fresh[request_id] = self._requests[request_id]
            self._requests = fresh
            self._loaded = True
            self._rebuild()

    def add(self, request: EvalRequest, address: str = "") -> None:
        """A request this process has just queued (`address`: the client that sent it, if known)."""
        with self._lock:
            self._ensure_loaded()
            self._requests[request.request_id] = request
            self._added_here.add(request.request_id)
            self._index(request)
            if address:
                self._addresses[address].add(submission_key(request), request.submitted_at)

    def of_model(self, org: str, name: str) -> list[EvalRequest]:
        with self._lock:
            self._ensure_loaded()
            return list(self._by_model.get((org, name), ()))

    def by_submitter(self, submitter: str, since: datetime) -> list[datetime]:
        with self._lock:
            self._ensure_loaded()
            times = self._by_submitter.get(submitter)
            return times.since(since) if times else []

    def by_address(self, address: str, since: datetime) -> list[datetime]:
        with self._lock:
            times = self._addresses.get(address)
            return times.since(since) if times else []

    def by_everyone(self, since: datetime) -> list[datetime]:
        with self._lock:
            self._ensure_loaded()
            return self._everyone.since(since)
