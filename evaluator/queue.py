"""The evaluation queue: claim the oldest pending request, move it through its states, recover
requests whose worker stopped responding.

This is the only module that changes a request's status. Every change is a compare-and-swap
(`Store.replace_request`): it lands only if the stored request is still the one this worker last
saw, so two workers can never both move the same request.

    PENDING --claim--> RUNNING --finish--> FINISHED
                          |  \\--fail----> FAILED
                          \\--no heartbeat for `stale_after_s`--> PENDING (attempts + 1)
                          |                                      or FAILED after `max_attempts`
                          \\--release (its evaluation died)----> the same, at once
                          \\--requeue (its outcome not stored)--> PENDING (attempts unchanged), carrying
                                the staged outcome, which the next claim stores instead of evaluating
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional

from results.schema import EvalRequest, RequestProgress, StagedOutcome, Status
from results.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

ALLOWED = {
    Status.PENDING: {Status.RUNNING},
    Status.RUNNING: {Status.RUNNING, Status.PENDING, Status.FINISHED, Status.FAILED},
    Status.FINISHED: set(),
    Status.FAILED: set(),
}
MAX_ERROR_CHARS = 2000


@dataclass(frozen=True)
class QueuePolicy:
    stale_after_s: float = 600.0
    max_attempts: int = 3


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def transition(request: EvalRequest, status: Status, **changes) -> EvalRequest:
    """A copy of `request` in `status`; refuses moves the state machine does not have."""
    if status not in ALLOWED[request.status]:
        raise ValueError(
            f"request {request.request_id} cannot go from {request.status.value} to {status.value}"
        )
    return request.model_copy(update={"status": status, **changes})


class Claim:
    """A request this worker holds in RUNNING. Safe to use from the heartbeat thread too."""

    def __init__(self, store: Store, request: EvalRequest):
        self._store = store
        self._request = request
        self._lock = threading.Lock()
        self.lost = False  # set when another worker (or a recovery) changed the request under us

    @property
    def request(self) -> EvalRequest:
        return self._request

    def heartbeat(self, progress: Optional[RequestProgress] = None) -> bool:
        """Record that the evaluation is alive, and how far it has got when known (else the last
        count stays); False once the claim is no longer ours."""
        changes = {"heartbeat_at": utcnow()}
        if progress is not None:
            changes["progress"] = progress
        try:
            return self._swap(Status.RUNNING, **changes)
        except StoreUnavailable as exc:
            log.warning("heartbeat of %s not recorded, will try again: %s", self._request.request_id, exc)
            return True

    def finish(self, revision_resolved: Optional[str] = None) -> bool:
        now = utcnow()
        changes = {"finished_at": now, "heartbeat_at": now, "error": None, "progress": None, "staged": None}
        if revision_resolved:
            changes["revision_resolved"] = revision_resolved
        return self._swap(Status.FINISHED, **changes)

    def fail(self, error: str) -> bool:
        now = utcnow()
        return self._swap(
            Status.FAILED,
            finished_at=now,
            heartbeat_at=now,
            error=error[:MAX_ERROR_CHARS],
            progress=None,
            staged=None,
        )

    def release(self, policy: QueuePolicy, cause: str) -> bool:
        """Give the request back at once because its evaluation died (`cause` says how): PENDING
        with attempts + 1, or FAILED after `policy.max_attempts`, exactly as a recovery of a
        stale heartbeat would a little later; the attempt counts the same either way."""
        return self._swap_to(lambda request: _recovered(request, policy, utcnow(), cause))

    def requeue(self, staged: StagedOutcome) -> bool:
        """Give the request back as it was before the claim, no attempt counted: its evaluation
        worked but the result could not be stored yet (it waits, `staged`, for the next upload, and
        the next claim stores it rather than evaluating again)."""
        return self._swap(
            Status.PENDING, worker_id=None, started_at=None, heartbeat_at=None, progress=None, staged=staged
        )

    def _swap(self, status: Status, **changes) -> bool:
        return self._swap_to(lambda request: transition(request, status, **changes))

    def _swap_to(self, make_new: Callable[[EvalRequest], EvalRequest]) -> bool:
        with self._lock:
            if self.lost or self._request.status != Status.RUNNING:
                return False
            new = make_new(self._request)
            if self._store.replace_request(self._request, new):
                self._request = new
                return True
            self.lost = True
            log.warning(
                "request %s was changed by someone else; this worker no longer holds it",
                self._request.request_id,
            )
            return False


def claim_next(
    store: Store, worker_id: str, policy: QueuePolicy, now: Optional[datetime] = None
) -> Optional[Claim]:
    """Refresh the store, recover stale requests, and claim the oldest PENDING one (None if none)."""
    now = now or utcnow()
    store.refresh()
    requests = recover_stale(store, store.list_requests(), policy, now)
    for request in requests:  # oldest first: list_requests sorts by submission time
        if request.status != Status.PENDING:
            continue
        running = transition(
            request,
            Status.RUNNING,
            worker_id=worker_id,
            started_at=now,
            heartbeat_at=now,
            finished_at=None,
            error=None,
            progress=None,
        )
        try:
            claimed = store.replace_request(request, running)
        except StoreUnavailable as exc:
            log.warning("could not claim %s now: %s", request.request_id, exc)
            continue
        if claimed:
            log.info("claimed request %s (%s)", request.request_id, request.model)
            return Claim(store, running)
        log.debug("request %s was taken by another worker", request.request_id)
    return None


def recover_stale(
    store: Store, requests: list[EvalRequest], policy: QueuePolicy, now: Optional[datetime] = None
) -> list[EvalRequest]:
    """Requeue (or fail, after `max_attempts`) RUNNING requests without a recent heartbeat.

    Returns `requests` with each recovered one replaced by its new state."""
    now = now or utcnow()
    updated = []
    for request in requests:
        if request.status == Status.RUNNING and _is_stale(request, policy, now):
            new = _recovered(
                request,
                policy,
                now,
                f"the worker evaluating it stopped responding each time "
                f"(no heartbeat for {policy.stale_after_s:.0f}s; last worker {request.worker_id})",
            )
            if store.replace_request(request, new):
                log.warning(
                    "request %s had no heartbeat for %.1fs (worker %s): now %s after %d of %d attempts",
                    request.request_id,
                    (now - _last_sign_of_life(request)).total_seconds(),
                    request.worker_id,
                    new.status.value,
                    new.attempts,
                    policy.max_attempts,
                )
                request = new
        updated.append(request)
    return updated


def _last_sign_of_life(request: EvalRequest) -> datetime:
    last = request.heartbeat_at or request.started_at or request.submitted_at
    if last.tzinfo is None:  # written by hand or by an older writer: times are UTC by convention
        last = last.replace(tzinfo=timezone.utc)
    return last


def _is_stale(request: EvalRequest, policy: QueuePolicy, now: datetime) -> bool:
    return now - _last_sign_of_life(request) > timedelta(seconds=policy.stale_after_s)


def _recovered(request: EvalRequest, policy: QueuePolicy, now: datetime, cause: str) -> EvalRequest:
    """PENDING again with one more attempt counted, or FAILED once `max_attempts` are used up."""
    attempts = request.attempts + 1
    if attempts >= policy.max_attempts:
        reason = (
            f"gave up after {attempts} attempts: {cause}. "
            "The model may crash or exhaust the worker's memory; check the worker logs."
        )
        return transition(request, Status.FAILED, attempts=attempts, finished_at=now, error=reason, progress=None)
    return transition(
        request, Status.PENDING, attempts=attempts, worker_id=None, started_at=None, heartbeat_at=None, progress=None
    )
