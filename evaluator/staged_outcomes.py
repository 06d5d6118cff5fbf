"""A request evaluated once but not stored yet: what it carries back to the queue, and whether its
next claim may store that instead of evaluating the model again.

When the store takes no upload, the Hub store keeps the outcome's files staged on the worker's disk
(and uploads them with its next refresh), and the request goes back to the queue carrying a
`StagedOutcome`: the path and sha256 of every file the outcome wrote. The next claim stores those
files and finishes the request, unless
- the request has been changed since (its fields less its queue state hash differently), or
- a file is not in the store with exactly the staged bytes: missing (staged on another worker's
  disk and never uploaded) or different (corrupt, or overwritten since).
Then the request is evaluated again, and one log line says why. GPU time is only saved, never
traded for a result nobody can vouch for.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Optional

from results.names import InvalidModelName
from results.schema import EvalRequest, StagedOutcome
from results.store import Store

log = logging.getLogger("evaluator.worker")

# The fields the queue changes (evaluator/queue.py); every other field is what the request asks for.
QUEUE_STATE = frozenset(
    {
        "status", "started_at", "heartbeat_at", "finished_at", "attempts", "worker_id", "error", "progress",
        "staged",
    }
)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def request_sha256(request: EvalRequest) -> str:
    """A fingerprint of what `request` asks for, blind to where it stands in the queue."""
    asked = request.model_dump(mode="json", exclude=set(QUEUE_STATE))
    return _sha256(json.dumps(asked, sort_keys=True).encode())


def staged_outcome(
    request: EvalRequest, files: dict[str, bytes], revision_resolved: Optional[str], summary: str
) -> StagedOutcome:
    """The record a request is requeued with when its outcome's `files` could not be stored."""
    return StagedOutcome(
        files={path: _sha256(data) for path, data in files.items()},
        revision_resolved=revision_resolved,
        summary=summary,
        request_sha256=request_sha256(request),
    )


def usable_staged(store: Store, request: EvalRequest) -> Optional[StagedOutcome]:
    """The request's staged outcome if it may be stored as it is; None: evaluate the request."""
    staged = request.staged
    if staged is None:
        return None
    problem = _why_unusable(store, request, staged)
    if problem is not None:
        log.warning("evaluating request %s again: its staged outcome %s", request.request_id, problem)
        return None
    return staged


def _why_unusable(store: Store, request: EvalRequest, staged: StagedOutcome) -> Optional[str]:
    if staged.request_sha256 != request_sha256(request):
        return "was evaluated for the request as it was before it was changed"
    for path, digest in sorted(staged.files.items()):
        try:
            data = store.read_file(path)
        except InvalidModelName:  # a request edited by hand can name anything
            return f"names a path the store refuses ({path!r})"
        if data is None:
            return f"is not in the store ({path} was staged on another worker's disk, or lost)"
        if _sha256(data) != digest:
            return f"is damaged or was replaced ({path} does not hold the bytes staged)"
    return None
