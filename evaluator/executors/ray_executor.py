"""The Ray executor: one worker process drives every GPU of a Ray cluster.

    python -m evaluator.worker --executor ray    (the cluster's address in RAY_ADDRESS)

The worker process (the driver) claims as many requests as the cluster has GPUs (or CPUs, on a
CPU-only cluster) and runs each as a Ray task that asks for the GPUs its model needs
(`resources.py`). The driver keeps every claim's heartbeat while its task runs, and it alone writes
results and moves requests: the task evaluates and returns the outcome. So the rules of the local
executor hold unchanged: a claim another worker took over is not stored, the Hub store's
not-yet-uploaded results stay on the driver's disk (a node's disk goes with the node), a request
requeued with its outcome staged there is stored from it, without a task, when claimed again, and
the request files stay the source of truth.

A task that dies (its process killed, out of memory, its node lost) gives its request back to the
queue at once (`Claim.release`): PENDING with attempts + 1, FAILED after RMLB_MAX_ATTEMPTS, as a
stale heartbeat would a few minutes later. Ray never retries a task itself (`max_retries=0`), so
every attempt is counted on the request. If the driver could not release it (the store was down),
the request's heartbeat has stopped with the task, and the stale-heartbeat recovery requeues it.
A driver that dies takes its tasks with it (Ray ends the tasks of a driver that exits), and its
requests are recovered by their stale heartbeats.
A task whose request another worker took over meanwhile is cancelled, and its outcome never stored.

Each task runs in a fresh worker process (`max_calls=1`): whatever a model leaves in GPU memory is
freed with the process before the next model loads.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

import ray
from ray.exceptions import GetTimeoutError, RayError, RayTaskError

from results.schema import EvalRequest
from results.store import StoreUnavailable

from ..queue import Claim, claim_next
from ..settings import PREFIX, WorkerSettings, build_store
from .resources import GpuNeed, gpus_needed

if TYPE_CHECKING:
    from ..request_processing import Heartbeat, Worker

log = logging.getLogger("evaluator.executors.ray")
WAIT_S = 1.0  # how long the driver waits for a task to end before looking at stop requests again
GPU_PROBE_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class TaskAnswer:
    """What a task sends back: the outcome, or the error text stored on the FAILED request.

    An exception is sent as text: a model's own exception types may not unpickle in the driver."""

    outcome: Any = None
    error: Optional[str] = None


def evaluate_in_task(request: EvalRequest, settings: WorkerSettings) -> TaskAnswer:
    """The body of a Ray task: evaluate one request, as the local executor does in its process."""
    from ..request_processing import REQUEST_KINDS, describe_error, log_failure  # torch loads here, on the node

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    kind = REQUEST_KINDS[request.kind]
    try:
        return TaskAnswer(outcome=kind.evaluate(request, settings, build_store(settings)))
    except Exception as exc:  # the model's failure is the request's, not the task's
        log_failure(request, exc)
        return TaskAnswer(error=describe_error(exc))


def gpu_memory_in_task() -> int:
    import torch

    return int(torch.cuda.get_device_properties(0).total_memory)


def cancel_unless_ended(ref: ray.ObjectRef) -> None:
    """Stop a task that has not ended. Ray 2.60's driver aborts its own process (a failed internal
    check, exit code 1) when a force-cancel crosses the reply of a task that just ended, so a task
    whose result is there is never cancelled; the window left is the few milliseconds between this
    look and the cancel."""
    ready, _ = ray.wait([ref], timeout=0)
    if not ready:
        ray.cancel(ref, force=True)


@dataclass
class InFlight:
    claim: Claim
    heartbeat: "Heartbeat"
    cancelled: bool = False


class RayExecutor:
    def __init__(self, worker: "Worker"):
        self.worker = worker
        if not ray.is_initialized():
            # No address: RAY_ADDRESS if set, else a cluster started on this machine, else a new
            # local instance with this machine's CPUs and GPUs.
            ray.init(logging_level=logging.WARNING, log_to_driver=True)
        self._task = ray.remote(max_calls=1, max_retries=0, retry_exceptions=False)(evaluate_in_task)
        self._gpu_memory: Optional[float] = None
        self.ended = 0
        self.last_ended: Optional[EvalRequest] = None
        # A task may run in another folder or on another machine: a local store is named absolutely
        # (on several machines it must be a shared folder at the same path).
        settings = worker.settings
        self.task_settings = settings.model_copy(update={"store_root": settings.store_root.resolve()})

    # ---- the loop ----------------------------------------------------------------------------

    def tick(self, max_requests: Optional[int] = None) -> int:
        """Keep every slot of the cluster busy until the queue is empty or a stop is asked for."""
        in_flight: dict[ray.ObjectRef, InFlight] = {}
        self.ended, claimed = 0, 0
        try:
            while True:
                if max_requests is None or claimed < max_requests:
                    claimed += self._fill(in_flight, max_requests and max_requests - claimed)
                if not in_flight:
                    return self.ended
                self._wait(in_flight)
        finally:
            for item in in_flight.values():  # only on an error in the driver: they go stale, then requeue
                item.heartbeat.__exit__(None, None, None)

    def once(self) -> Optional[EvalRequest]:
        self.last_ended = None
        self.tick(max_requests=1)
        return self.last_ended

    def _fill(self, in_flight: dict, limit: Optional[int]) -> int:
        """Claim requests for the free slots; how many were claimed."""
        claimed = 0
        gpu_memory = self.gpu_memory_bytes()  # asked before claiming: asking may take minutes
        while not self.worker.stop_requested.is_set() and len(in_flight) < self.slots():
            if limit is not None and claimed >= limit:
                break
            try:
                claim = claim_next(self.worker.store, self.worker.settings.worker_id, self.worker.policy)
                # A request evaluated before whose outcome waits staged on this disk needs no task.
                settled = claim is not None and self.worker.finish_staged(claim)
            except StoreUnavailable as exc:
                log.warning("the store is unavailable; looking again later: %s", exc)
                break
            if claim is None:
                break
            claimed += 1
            if settled:
                self._ended(claim)
            else:
                self._submit(claim, in_flight, gpu_memory)
        return claimed

    def _wait(self, in_flight: dict) -> None:
        """Settle the tasks that ended within WAIT_S."""
        for ref, item in in_flight.items():
            if item.claim.lost and not item.cancelled:  # another worker holds the request now: free the GPUs
                cancel_unless_ended(ref)
                item.cancelled = True
        done, _ = ray.wait(list(in_flight), num_returns=1, timeout=WAIT_S)
        for ref in done:
            item = in_flight.pop(ref)
            try:
                self._settle(item.claim, ref)
            except StoreUnavailable as exc:  # it stays RUNNING; the queue requeues it once stale
                log.error("request %s could not be moved on: %s", item.claim.request.request_id, exc)
            finally:
                item.heartbeat.__exit__(None, None, None)

    # ---- one request ----------------------------------------------------------------------------

    def _submit(self, claim: Claim, in_flight: dict, gpu_memory: float) -> None:
        from ..request_processing import Heartbeat, describe_request

        # The heartbeat starts at once: the claim is fresh only for RMLB_STALE_AFTER_S.
        settings = self.worker.settings
        heartbeat = Heartbeat(claim, settings.heartbeat_interval_s, settings.liveness_file).__enter__()
        request = claim.request
        need = gpus_needed(request, gpu_memory)
        log.info("evaluating %s, as a Ray task asking for %s", describe_request(request), need.describe())
        if not self._fits(claim, need):
            heartbeat.__exit__(None, None, None)
            return
        ref = self._task.options(
            num_cpus=1, num_gpus=need.num_gpus, name=f"evaluate {request.request_id}"
        ).remote(request, self.task_settings)
        in_flight[ref] = InFlight(claim, heartbeat)

    def _fits(self, claim: Claim, need: GpuNeed) -> bool:
        """A task no node can hold would wait forever: such a request fails now, saying why."""
        largest = max((node["Resources"].get("GPU", 0) for node in ray.nodes() if node["Alive"]), default=0)
        if need.num_gpus <= largest:
            return True
        claim.fail(
            f"this model needs {need.describe()} ({self._gpu_memory / 2**30:.0f} GiB each), but the "
            f"largest machine of the evaluation cluster has {largest:g}; it cannot be evaluated here"
        )
        self._ended(claim)
        return False

    def _settle(self, claim: Claim, ref: ray.ObjectRef) -> None:
        try:
            answer: TaskAnswer = ray.get(ref)
        except RayTaskError as exc:  # the task's own code failed outside the evaluation
            claim.fail(f"the evaluation task failed: {exc.cause!r}"[:2000])
        except RayError as exc:  # the process or node died: back in the queue at once
            self._release_lost_task(claim, exc)
        else:
            if answer.error is not None:
                claim.fail(answer.error)
            else:
                self.worker.store_and_finish(claim, answer.outcome)
        self._ended(claim)

    def _release_lost_task(self, claim: Claim, exc: RayError) -> None:
        if claim.lost:  # cancelled by `_wait`
            log.warning(
                "stopped the task of %s: another worker holds the request now", claim.request.request_id
            )
            return
        policy = self.worker.policy
        claim.release(policy, f"its evaluation task died ({type(exc).__name__})")
        log.error(
            "the task evaluating %s died (%s); the request is %s again after %d of %d attempts",
            claim.request.request_id,
            type(exc).__name__,
            claim.request.status.value,
            claim.request.attempts,
            policy.max_attempts,
        )

    def _ended(self, claim: Claim) -> None:
        self.ended += 1
        self.last_ended = claim.request

    # ---- the cluster ------------------------------------------------------------------------------

    def slots(self) -> int:
        """Requests in flight at once: one per GPU of the cluster, or per CPU on a CPU-only cluster."""
        resources = ray.cluster_resources()
        return max(1, int(resources.get("GPU", 0)) or int(resources.get("CPU", 1)))

    def gpu_memory_bytes(self) -> float:
        """Memory of one GPU (RMLB_GPU_MEMORY_GB, else asked of one GPU once); 0 without GPUs."""
        if ray.cluster_resources().get("GPU", 0) <= 0:
            return 0.0  # a CPU-only cluster (for now: a GPU node may join later)
        if self._gpu_memory is None:
            configured = self.worker.settings.gpu_memory_gb
            if configured:
                self._gpu_memory = configured * 2**30
            else:
                self._gpu_memory = self._probe_gpu_memory()
        return self._gpu_memory

    def _probe_gpu_memory(self) -> float:
        probe = ray.remote(num_gpus=1, max_retries=0)(gpu_memory_in_task).remote()
        try:
            memory = float(ray.get(probe, timeout=GPU_PROBE_TIMEOUT_S))
        except (RayError, TimeoutError) as exc:
            log.error(
                "could not ask a GPU of the cluster its memory (%s); each request gets one GPU until "
                "%sGPU_MEMORY_GB is set",
                exc,
                PREFIX,
            )
            if isinstance(exc, GetTimeoutError):  # still waiting for a GPU: give it back
                cancel_unless_ended(probe)
            return math.inf  # any size fits one GPU: the local executor's assumption
        log.info("the cluster's GPUs have %.0f GiB each", memory / 2**30)
        return memory
