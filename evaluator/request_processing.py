"""One claimed request seen through: evaluated, its outcome stored, the request FINISHED or FAILED.

`Worker` is what every executor drives (evaluator/executors/): the local one calls it in this
process, the Ray one runs `REQUEST_KINDS[kind].evaluate` in a task and hands the outcome back to
`Worker.store_and_finish`. The entry point, `python -m evaluator.worker` (worker.py), only builds
one, schedules it and stops it. While a request is evaluated a background thread refreshes its
heartbeat; a model that fails to load or crashes ends FAILED with its error, and the worker goes
on with the next request.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from results.schema import EvalRequest, RequestProgress, StagedOutcome
from results.store import Store, StoreUnavailable, result_files

from .errors import EvaluationError
from .liveness import touch
from .memory import release_memory
from .progress import Progress, reporting_to
from .queue import Claim, QueuePolicy, claim_next, utcnow
from .settings import WorkerSettings
from .staged_outcomes import staged_outcome, usable_staged

if TYPE_CHECKING:
    from .policy.evaluate import PolicyOutcome
    from .runner import EvalOutcome, RunConfig

# The worker's log, whichever executor drives it.
log = logging.getLogger("evaluator.worker")


class Heartbeat:
    """Refreshes a claim's heartbeat every `interval_s` from a background thread, with the latest
    progress `record` was given (the evaluation's steps, see evaluator/progress.py): a step only
    keeps the count in memory, the store is written once per beat however fast texts are scored."""

    def __init__(self, claim: Claim, interval_s: float, liveness_file: Optional[Path] = None):
        self.claim = claim
        self.interval_s = interval_s
        self.liveness_file = liveness_file  # touched with each beat: the container's health check reads it
        self._latest: Optional[tuple[Progress, datetime]] = None
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name=f"heartbeat-{claim.request.request_id}", daemon=True
        )

    def __enter__(self) -> "Heartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        # A beat in flight may be retrying against a slow store; it is bounded by the store's retries.
        self._thread.join(timeout=max(60.0, 2 * self.interval_s))

    def record(self, progress: Progress) -> None:
        self._latest = (progress, utcnow())

    def _beat(self) -> None:
        while not self._stop.wait(self.interval_s):
            if not self.claim.heartbeat(self.progress()):
                return
            touch(self.liveness_file)

    def progress(self) -> Optional[RequestProgress]:
        """The latest step as the request records it (None before the first one)."""
        if self._latest is None:
            return None
        step, at = self._latest
        return RequestProgress(
            phase=step.phase, done=step.done, total=step.total, unit=step.unit, eta_s=step.eta_s, updated_at=at
        )


class Worker:
    def __init__(self, settings: WorkerSettings, store: Store):
        self.settings = settings
        self.store = store
        self.policy = QueuePolicy(stale_after_s=settings.stale_after_s, max_attempts=settings.max_attempts)
        self.stop_requested = threading.Event()

    def tick(self) -> int:
        """The scheduled job: process requests until the queue is empty or a stop is asked for."""
        processed = 0
        while not self.stop_requested.is_set():
            try:
                if self.process_next() is None:
                    break
            except StoreUnavailable as exc:
                log.warning("the store is unavailable; looking again at the next tick: %s", exc)
                break
            processed += 1
        return processed

    def process_next(self) -> Optional[EvalRequest]:
        """Claim the oldest pending request and see it through; returns it as it ended, or None."""
        claim = claim_next(self.store, self.settings.worker_id, self.policy)
        if claim is None:
            return None
        if self.finish_staged(claim):
            return claim.request
        request = claim.request
        log.info("evaluating %s", describe_request(request))
        heartbeat = Heartbeat(claim, self.settings.heartbeat_interval_s, self.settings.liveness_file)
        with heartbeat, reporting_to(heartbeat.record):
            stored = self._evaluate_and_store(claim)
        if not stored:  # the tick stops here: claiming the request again now would only fail again
            raise StoreUnavailable(f"the result of {request.request_id} is staged until the store answers")
        return claim.request

    def _evaluate_and_store(self, claim: Claim) -> bool:
        """False only when the outcome could not be stored (see `store_and_finish`)."""
        request = claim.request
        kind = REQUEST_KINDS[request.kind]
        try:
            outcome = kind.evaluate(request, self.settings, self.store)
        except Exception as exc:  # whatever this model does, the worker goes on with the next one
            log_failure(request, exc)
            claim.fail(describe_error(exc))
            return True
        finally:
            release_memory()
        return self.store_and_finish(claim, outcome)

    def finish_staged(self, claim: Claim) -> bool:
        """Store the staged outcome of a request evaluated before and mark it FINISHED (True);
        False when it has none fit to store (see staged_outcomes.py) and must be evaluated.
        Raises StoreUnavailable when the store still takes no upload: requeued again, still staged."""
        staged = usable_staged(self.store, claim.request)
        if staged is None:
            return False
        log.info(
            "request %s was evaluated before: storing its staged outcome instead of evaluating it again",
            claim.request.request_id,
        )
        if not self._put_and_finish(claim, self.store.flush_pending, staged):
            raise StoreUnavailable(
                f"the result of {claim.request.request_id} is still staged until the store answers"
            )
        return True

    def store_and_finish(self, claim: Claim, outcome: Any) -> bool:
        """Store an evaluated request's outcome and mark it FINISHED, unless the claim was lost;
        False when the store was unavailable (the outcome is staged and the request requeued)."""
        kind = REQUEST_KINDS[claim.request.kind]
        files, revision, summary = kind.files(outcome), kind.revision(outcome), kind.summary(outcome)
        staged = staged_outcome(claim.request, files, revision, summary)
        return self._put_and_finish(claim, lambda: kind.store(self.store, outcome), staged)

    def _put_and_finish(self, claim: Claim, put: Callable[[], None], outcome: StagedOutcome) -> bool:
        """`put` the outcome in the store, then finish the request; False when the store was
        unavailable (the request is requeued carrying `outcome`)."""
        request = claim.request
        if claim.lost:
            log.warning("not storing the result of %s: another worker holds it now", request.request_id)
            return True
        try:
            put()
        except StoreUnavailable as exc:
            # The store keeps the result staged on disk and uploads it at its next refresh; the
            # request goes back to the queue at once, carrying what was staged so that its next
            # claim stores that instead of evaluating again (if even that write fails, it stays
            # RUNNING and is requeued, to be evaluated again, once its heartbeat is stale).
            requeued = claim.requeue(outcome)
            log.error(
                "result of %s not stored yet (%s); %s", request.request_id, exc,
                "the request is back in the queue" if requeued else "the request is requeued once its heartbeat is stale",
            )
            return False
        if not claim.finish(revision_resolved=outcome.revision_resolved):
            log.warning(
                "stored the result of %s, but another worker took the request over meanwhile",
                request.request_id,
            )
            return True
        log.info("finished request %s: %s", request.request_id, outcome.summary)
        return True


def describe_request(request: EvalRequest) -> str:
    """The log's words for a request being evaluated, the same for every executor."""
    return (
        f"request {request.request_id}: {request.model} ({request.model_type}, {request.revision} at "
        f"{request.revision_resolved or 'its latest commit'}) on {request.benchmark}"
    )


def run_config(request: EvalRequest, settings: WorkerSettings) -> "RunConfig":
    """What to evaluate (from the request) and how (from the worker's settings)."""
    from .run_config import RunConfig

    return RunConfig.from_request(request, settings)


def evaluate_request(request: EvalRequest, settings: WorkerSettings, store: Store) -> "EvalOutcome":
    from .runner import evaluate  # torch loads on the first evaluation, not at import

    return evaluate(run_config(request, settings), store)


def _result_files(outcome: "EvalOutcome") -> dict[str, bytes]:
    return result_files(outcome.result, outcome.examples)


def _store_result(store: Store, outcome: "EvalOutcome") -> None:
    store.write_result(outcome.result, outcome.examples, texts=outcome.texts)


def _score_summary(outcome: "EvalOutcome") -> str:
    score = outcome.result.score
    return "score " + ("n/a" if score is None else f"{score:.4f}")


def evaluate_policy_request(request: EvalRequest, settings: WorkerSettings, store: Store) -> "PolicyOutcome":
    from .policy.evaluate import evaluate_policy_request as evaluate  # torch loads on first use

    return evaluate(request, settings, store)


def _store_policy_result(store: Store, outcome: "PolicyOutcome") -> None:
    store.write_files(outcome.files())


def _win_rate_summary(outcome: "PolicyOutcome") -> str:
    return f"win rate {outcome.result.score.win_rate:.4f} under {outcome.result.reward_model.name}"


@dataclass(frozen=True)
class RequestKind:
    """How one kind of request (EvalRequest.kind) is evaluated and its outcome stored."""

    evaluate: Callable[[EvalRequest, WorkerSettings, Store], Any]
    store: Callable[[Store, Any], None]
    files: Callable[[Any], dict[str, bytes]]  # what `store` writes that proves the outcome stored (staged_outcomes.py)
    revision: Callable[[Any], Optional[str]]  # the evaluated model's commit, recorded on the request
    summary: Callable[[Any], str]


REQUEST_KINDS: dict[str, RequestKind] = {
    "reward-model": RequestKind(
        evaluate_request,
        _store_result,
        _result_files,
        lambda outcome: outcome.result.model.revision_resolved,
        _score_summary,
    ),
    # A policy request's model is the reward model that judges (evaluator/policy/).
    "policy": RequestKind(
        evaluate_policy_request,
        _store_policy_result,
        lambda outcome: outcome.files(),
        lambda outcome: outcome.result.reward_model.revision,
        _win_rate_summary,
    ),
}


def describe_error(exc: BaseException) -> str:
    """The text stored on a FAILED request: meant for the person who submitted the model."""
    if isinstance(exc, EvaluationError):
        return str(exc)
    text = str(exc).strip() or "(no message)"
    return f"{type(exc).__name__}: {text} (an unexpected error; the worker log has the full traceback)"


def log_failure(request: EvalRequest, exc: Exception) -> None:
    if isinstance(exc, EvaluationError):
        log.error("request %s failed: %s", request.request_id, exc)
    else:
        log.exception("request %s failed with an unexpected error", request.request_id)
