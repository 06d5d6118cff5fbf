"""The queue's state machine on both stores: claim order, transitions, stale recovery, contention."""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
import traceback
from datetime import timedelta
from pathlib import Path

import pytest

from evaluator.queue import Claim, QueuePolicy, claim_next, recover_stale, transition, utcnow
from results.schema import Status
from tests.hub_fixtures import (  # noqa: F401 (hub_fixture provides the `hub` fixture)
    EMULATOR_TOKEN,
    REQUESTS_REPO,
    RESULTS_REPO,
    hub_fixture,
    make_request,
    make_store,
)

POLICY = QueuePolicy(stale_after_s=60, max_attempts=3)


@pytest.fixture(params=["local", "hub"])
def kind(request) -> str:
    return request.param


@pytest.fixture
def store(kind, hub, tmp_path):
    return make_store(kind, hub, tmp_path)


def stored(store, request_id: str):
    store.refresh()
    return next(r for r in store.list_requests() if r.request_id == request_id)


def test_claims_the_oldest_pending_request(store):
    store.add_request(make_request("newer", minutes_ago=1))
    store.add_request(make_request("oldest", minutes_ago=5))
    store.add_request(make_request("done", minutes_ago=9, status=Status.FINISHED))

    claim = claim_next(store, "worker-a", POLICY)

    assert claim.request.request_id == "oldest"
    now = stored(store, "oldest")
    assert now == claim.request
    assert (now.status, now.worker_id, now.attempts) == (Status.RUNNING, "worker-a", 0)
    assert now.started_at is not None and now.heartbeat_at == now.started_at
    assert claim_next(store, "worker-b", POLICY).request.request_id == "newer"
    assert claim_next(store, "worker-c", POLICY) is None


def test_finish_and_fail_end_a_claim(store):
    store.add_request(make_request("r1", minutes_ago=2))
    store.add_request(make_request("r2", minutes_ago=1))
    first, second = claim_next(store, "w", POLICY), claim_next(store, "w", POLICY)

    assert first.finish(revision_resolved="abc123")
    assert second.fail("could not load the model: bad weights")

    r1, r2 = stored(store, "r1"), stored(store, "r2")
    assert (r1.status, r1.revision_resolved, r1.error) == (Status.FINISHED, "abc123", None)
    assert r1.finished_at >= r1.started_at
    assert (r2.status, r2.error) == (Status.FAILED, "could not load the model: bad weights")
    # an ended claim cannot move again
    assert not first.heartbeat() and not first.fail("late") and stored(store, "r1") == r1


def test_heartbeat_moves_only_the_heartbeat(store):
    store.add_request(make_request("r1"))
    claim = claim_next(store, "w", POLICY)
    before = stored(store, "r1")
    assert claim.heartbeat()
    after = stored(store, "r1")
    assert after.heartbeat_at > before.heartbeat_at
    assert after.model_copy(update={"heartbeat_at": before.heartbeat_at}) == before


def test_the_state_machine_refuses_impossible_moves():
    pending = make_request("r1")
    finished = pending.model_copy(update={"status": Status.FINISHED})
    with pytest.raises(ValueError, match="PENDING to FINISHED"):
        transition(pending, Status.FINISHED)
    with pytest.raises(ValueError, match="FINISHED to RUNNING"):
        transition(finished, Status.RUNNING)
    assert transition(pending, Status.RUNNING).status == Status.RUNNING


def test_a_stale_request_goes_back_to_pending_then_fails_after_max_attempts(store):
    store.add_request(make_request("r1"))
    policy = QueuePolicy(stale_after_s=30, max_attempts=2)
    claim = claim_next(store, "dead-worker", policy)
    later = utcnow() + timedelta(seconds=31)

    # the first time, the request is requeued with one more attempt counted
    requeued = claim_next(store, "worker-b", policy, now=later)
    assert requeued.request.request_id == "r1" and requeued.request.attempts == 1
    # the dead worker, had it come back, no longer holds it
    assert not claim.heartbeat() and claim.lost
    assert not claim.finish()
    assert stored(store, "r1").worker_id == "worker-b"

    # worker-b dies too: that was the last allowed attempt
    assert claim_next(store, "worker-c", policy, now=later + timedelta(seconds=31)) is None
    failed = stored(store, "r1")
    assert (failed.status, failed.attempts) == (Status.FAILED, 2)
    assert "gave up after 2 attempts" in failed.error and "worker-b" in failed.error


def test_a_released_claim_is_requeued_at_once_and_fails_after_max_attempts(store):
    store.add_request(make_request("r1"))
    policy = QueuePolicy(stale_after_s=3600, max_attempts=2)
    first = claim_next(store, "w1", policy)

    assert first.release(policy, "its evaluation task died (WorkerCrashedError)")
    requeued = stored(store, "r1")
    assert (requeued.status, requeued.attempts, requeued.worker_id) == (Status.PENDING, 1, None)
    assert not first.release(policy, "twice") and not first.finish()  # no longer held

    second = claim_next(store, "w2", policy)  # no stale time has passed: it is PENDING already
    assert second.request.request_id == "r1"
    assert second.release(policy, "its evaluation task died (NodeDiedError)")
    failed = stored(store, "r1")
    assert (failed.status, failed.attempts) == (Status.FAILED, 2)
    assert failed.error.startswith("gave up after 2 attempts: its evaluation task died (NodeDiedError).")


def test_a_release_of_a_request_someone_else_moved_changes_nothing(store):
    store.add_request(make_request("r1"))
    claim = claim_next(store, "w1", POLICY)
    taken = claim_next(store, "w2", POLICY, now=utcnow() + timedelta(seconds=61))  # w1 looked dead
    assert not claim.release(POLICY, "its evaluation task died") and claim.lost
    assert stored(store, "r1") == taken.request


def test_a_live_request_is_not_recovered(store):
    store.add_request(make_request("r1"))
    claim_next(store, "w", POLICY)
    requests = store.list_requests()
    assert recover_stale(store, requests, POLICY, now=utcnow() + timedelta(seconds=59)) == requests
    assert stored(store, "r1").status == Status.RUNNING


def test_recovery_goes_by_the_last_heartbeat_not_the_start(store):
    now = utcnow()
    long_ago = now - timedelta(minutes=10)
    alive = make_request(
        "alive", status=Status.RUNNING, worker_id="w1", started_at=long_ago, heartbeat_at=now
    )
    dead = make_request(
        "dead", status=Status.RUNNING, worker_id="w2", started_at=long_ago, heartbeat_at=long_ago
    )
    store.add_request(alive)
    store.add_request(dead)
    recover_stale(store, store.list_requests(), POLICY, now=now)
    assert stored(store, "alive") == alive
    assert (stored(store, "dead").status, stored(store, "dead").attempts) == (Status.PENDING, 1)


class _CountingStore:
    """A store seen through a worker that counts its refused swaps. With `first_swap` (a barrier
    of all workers), the first swap waits until every worker is about to make one: they all aim at
    the same oldest request, so all but one are refused, every run."""

    def __init__(self, store, first_swap=None):
        self._store, self._first_swap, self.refused = store, first_swap, 0

    def __getattr__(self, name):
        return getattr(self._store, name)

    def replace_request(self, expected, new) -> bool:
        if self._first_swap is not None:
            barrier, self._first_swap = self._first_swap, None
            try:
                barrier.wait(timeout=30)
            except threading.BrokenBarrierError:
                pass  # another worker died; the parent reports it
        done = self._store.replace_request(expected, new)
        self.refused += not done
        return done


def _open_store(kind: str, folder: str, endpoint: str, worker: str):
    if kind == "local":
        from results.store import LocalStore

        return LocalStore(Path(folder) / "store")
    from results.hub_store import HubStore, RetryPolicy

    return HubStore(
        RESULTS_REPO,
        REQUESTS_REPO,
        EMULATOR_TOKEN,
        cache_dir=Path(folder) / worker,
        endpoint=endpoint,
        retry=RetryPolicy(attempts=4, first_delay_s=0.05),
    )


def _claim_until_empty(kind: str, folder: str, endpoint: str, worker: str, barriers, results) -> None:
    """Child process: a worker that claims and finishes requests until none is left; it reports
    (worker, claimed ids, refused swaps, error or None)."""
    claimed, store = [], None
    try:
        start, first_swap = barriers
        # The local store has no emulator to make the workers collide: a barrier does it.
        first_swap = first_swap if kind == "local" else None
        store = _CountingStore(_open_store(kind, folder, endpoint, worker), first_swap)
        start.wait(timeout=60)
        for _ in range(40):  # bounded: there are 10 requests
            claim = claim_next(store, worker, POLICY)
            if claim is None:
                break
            claimed.append(claim.request.request_id)
            assert claim.finish(), f"{worker} lost {claim.request.request_id} before finishing it"
        results.put((worker, claimed, store.refused, None))
    except BaseException:
        results.put((worker, claimed, store.refused if store else 0, traceback.format_exc()))


def _collect(results, workers, timeout_s: float) -> dict:
    """Every worker's report; fails early, naming it, when a worker died without reporting."""
    reports, deadline = {}, time.monotonic() + timeout_s
    while len(reports) < len(workers) and time.monotonic() < deadline:
        try:
            worker, claimed, refused, error = results.get(timeout=0.5)
        except queue.Empty:
            dead = [p.name for p in workers if p.exitcode not in (None, 0) and p.name not in reports]
            assert not dead, f"worker(s) {dead} died without reporting"
            continue
        assert error is None, f"worker {worker} failed:\n{error}"
        reports[worker] = (claimed, refused)
    assert len(reports) == len(workers), f"only {sorted(reports)} reported within {timeout_s}s"
    return reports


def _run_workers(kind: str, folder: Path, endpoint: str, count: int = 3) -> dict:
    """Run `count` worker processes to the end; {worker: (claimed ids, refused swaps)}."""
    ctx = multiprocessing.get_context("spawn")
    barriers, results = (ctx.Barrier(count), ctx.Barrier(count)), ctx.Queue()
    workers = [
        ctx.Process(
            target=_claim_until_empty,
            args=(kind, str(folder), endpoint, f"w{i}", barriers, results),
            name=f"w{i}",
        )
        for i in range(count)
    ]
    for process in workers:
        process.start()
    reports = None
    try:
        reports = _collect(results, workers, timeout_s=120)
    finally:  # workers that reported end at once; after a failure the others are not waited for
        for process in workers:
            process.join(timeout=10 if reports is not None else 0)
            if process.is_alive():
                process.kill()
                process.join(timeout=5)
    return reports


def test_workers_in_separate_processes_claim_each_request_once(kind, store, hub, tmp_path):
    ids = [f"r{i:02d}" for i in range(10)]
    for i, request_id in enumerate(ids):
        store.add_request(make_request(request_id, minutes_ago=10 - i))
    # Force the collision every run. Hub: the emulator holds the workers' first claims (all three
    # name the same parent commit) until the three are in; one lands, two get 412. Local: a
    # barrier before each worker's first swap does the same for the file lock.
    contention = hub.contend(REQUESTS_REPO, "dataset", commits=3, timeout_s=30)

    reports = _run_workers(kind, tmp_path, hub.endpoint)

    claimed = {worker: got for worker, (got, _) in reports.items()}
    all_claims = sorted(request_id for ids_claimed in claimed.values() for request_id in ids_claimed)
    assert all_claims == ids, f"each request must be claimed exactly once: {claimed}"
    store.refresh()
    final = {r.request_id: r for r in store.list_requests()}
    assert {r.status for r in final.values()} == {Status.FINISHED}
    assert all(final[request_id].worker_id == worker for worker, got in claimed.items() for request_id in got)
    # the compare-and-swap refused the two losers of the first claim (and maybe more later)
    assert sum(refused for _, refused in reports.values()) >= 2, reports
    if kind == "hub":
        assert contention.filled and contention.outcomes == [200, 412, 412], contention.outcomes
        commit_statuses = [status for _, path, status in hub.requests if path.endswith("/commit/main")]
        assert commit_statuses.count(412) >= 2


def test_claim_is_usable_from_another_thread(store):
    """The heartbeat thread and the main thread share one Claim: their swaps must not interleave."""
    store.add_request(make_request("r1"))
    claim = claim_next(store, "w", POLICY)
    assert isinstance(claim, Claim)
    beats = []
    threads = [threading.Thread(target=lambda: beats.append(claim.heartbeat())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert beats == [True] * 4 and not claim.lost
    assert claim.finish()
    assert stored(store, "r1").status == Status.FINISHED


def test_a_heartbeat_records_progress_and_an_ended_claim_drops_it(store):
    from results.schema import RequestProgress

    store.add_request(make_request("r1", minutes_ago=2))
    store.add_request(make_request("r2", minutes_ago=1))
    first, second = claim_next(store, "w", POLICY), claim_next(store, "w", POLICY)
    progress = RequestProgress(phase="scoring (classifier)", done=1234, total=5000, eta_s=720.0, updated_at=utcnow())
    assert first.heartbeat(progress) and second.heartbeat(progress)
    assert stored(store, "r1").progress == progress
    assert first.heartbeat()  # a beat before the next step keeps the last count
    assert stored(store, "r1").progress == progress

    assert first.finish() and second.release(POLICY, "its task died")
    assert stored(store, "r1").progress is None and stored(store, "r2").progress is None
