"""The Ray executor on a local Ray instance (2 CPUs, no GPU): real tiny models, real Ray tasks,
a task process killed with SIGKILL in the middle of its evaluation."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Optional, get_args

import pytest

from evaluator.executors import EXECUTORS, build_executor
from evaluator.executors.local import LocalExecutor
from evaluator.request_processing import Worker
from evaluator.settings import WorkerSettings
from evaluator.worker import build_parser
from results.schema import Status
from results.store import LocalStore
from tests.conftest import REPO_ROOT, write_jsonl
from tests.hub_fixtures import RESULTS_REPO, hub_fixture, make_hub_store, make_request, make_store  # noqa: F401
from tests.ray_fixtures import local_ray
from tests.test_worker import ROWS, read_result, settings_for, stored, wait_for

ray = pytest.importorskip("ray")


@pytest.fixture
def data_path(tmp_path) -> Path:
    return write_jsonl(tmp_path / "bench.jsonl", ROWS)


@pytest.fixture(scope="module")
def ray_instance():
    with local_ray(num_cpus=2) as running:
        yield running


def copy_model(tiny_classifier: Path, folder: Path) -> Path:
    return Path(shutil.copytree(tiny_classifier, folder))


def ray_worker(tmp_path: Path, data_path: Path, **overrides) -> tuple[Worker, object]:
    store = LocalStore(tmp_path / "store")
    worker = Worker(settings_for(tmp_path, data_path, executor="ray", **overrides), store)
    return worker, build_executor("ray", worker)


def result_files(store) -> list[str]:
    return [path for path, _ in store.iter_result_files()]


def task_pid(request_id: str) -> Optional[int]:
    """The process running the Ray task of `request_id`: Ray titles it `ray::evaluate <id>`."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        if title == f"ray::evaluate {request_id}":
            return int(cmdline.parent.name)
    return None


def test_the_settings_and_the_command_line_offer_the_registered_executors():
    assert set(get_args(WorkerSettings.model_fields["executor"].annotation)) == set(EXECUTORS)
    assert WorkerSettings.from_env({}).executor == "local"
    assert WorkerSettings.from_env({"RMLB_EXECUTOR": "ray"}).executor == "ray"
    assert build_parser().parse_args(["--executor", "ray"]).executor == "ray"
    assert build_parser().parse_args([]).executor is None  # then the setting decides
    with pytest.raises(ValueError, match="unknown executor 'spark'"):
        build_executor("spark", None)


def test_the_ray_executor_finishes_every_request_exactly_once(
    ray_instance, tmp_path, tiny_classifier, data_path
):
    models = {
        f"r{i}": copy_model(tiny_classifier, tmp_path / "models" / "org" / f"tiny-{i}") for i in range(4)
    }
    worker, executor = ray_worker(tmp_path, data_path)
    for i, (request_id, model) in enumerate(models.items()):
        worker.store.add_request(make_request(request_id, str(model), minutes_ago=10 - i))
    assert executor.slots() == 2  # one task per CPU of the instance

    assert executor.tick() == 4

    for request_id in models:
        request = stored(worker.store, request_id)
        assert (request.status, request.attempts, request.worker_id) == (Status.FINISHED, 0, "test-worker")
        assert request.revision_resolved.startswith("local-")
    assert len(result_files(worker.store)) == 4, "one result per request, none written twice"
    assert executor.tick() == 0  # nothing left, and nothing done twice

    # The same model evaluated by the local executor, in this process, scores the same.
    local_store = LocalStore(tmp_path / "local-store")
    local_store.add_request(make_request("again", str(models["r0"])))
    local = LocalExecutor(
        Worker(settings_for(tmp_path, data_path, store_root=tmp_path / "local-store"), local_store)
    )
    assert local.once().status == Status.FINISHED
    by_ray, by_local = read_result(worker.store, "org", "tiny-0"), read_result(local_store, "org", "tiny-0")
    assert by_ray.benchmark.num_examples == by_local.benchmark.num_examples == len(ROWS)
    assert by_ray.subsets == by_local.subsets and by_ray.score == by_local.score


def blocking_model(tiny_classifier: Path, folder: Path) -> Path:
    """A model folder whose config.json is a named pipe: reading it waits for a writer, so the
    task's loading hangs until the test kills it (nothing of ours is patched)."""
    copy_model(tiny_classifier, folder)
    (folder / "config.json").unlink()
    os.mkfifo(folder / "config.json")
    return folder


def unblock(tiny_classifier: Path, folder: Path) -> None:
    (folder / "config.json").unlink()
    shutil.copy(tiny_classifier / "config.json", folder / "config.json")


def kill_its_task_mid_evaluation(
    executor, worker: Worker, request_id: str, after_kill: Callable[[], None] = lambda: None
) -> None:
    """Run a tick, SIGKILL the task process of `request_id` while the driver heartbeats it."""
    tick = threading.Thread(target=executor.tick)
    tick.start()
    try:
        wait_for(lambda: task_pid(request_id) is not None, 90, "the Ray task to start")
        running = stored(worker.store, request_id)
        assert running.status == Status.RUNNING
        # the driver keeps the heartbeat while the task runs elsewhere
        wait_for(
            lambda: stored(worker.store, request_id).heartbeat_at > running.heartbeat_at, 10, "a heartbeat"
        )
        os.kill(task_pid(request_id), signal.SIGKILL)
        after_kill()
    finally:
        tick.join(timeout=150)
    assert not tick.is_alive(), "the driver must notice the dead task and go on"


def test_a_queue_with_a_killed_task_ends_with_every_request_finished_once(
    ray_instance, tmp_path, tiny_classifier, data_path
):
    model = blocking_model(tiny_classifier, tmp_path / "models" / "org" / "hangs")
    worker, executor = ray_worker(tmp_path, data_path, stale_after_s=600.0)
    worker.store.add_request(make_request("killed", str(model), minutes_ago=3))
    for i in range(2):
        others = copy_model(tiny_classifier, tmp_path / "models" / "org" / f"other-{i}")
        worker.store.add_request(make_request(f"other-{i}", str(others), minutes_ago=2 - i))

    # The driver gives the request back at once (the stale time is 10 minutes here), so this very
    # tick claims it again and finishes it, or the next one does if the others held the slots.
    kill_its_task_mid_evaluation(
        executor, worker, "killed", after_kill=lambda: unblock(tiny_classifier, model)
    )
    executor.tick()

    final = {r.request_id: r for r in (stored(worker.store, i) for i in ("killed", "other-0", "other-1"))}
    assert {i: (r.status, r.attempts) for i, r in final.items()} == {
        "killed": (Status.FINISHED, 1),
        "other-0": (Status.FINISHED, 0),
        "other-1": (Status.FINISHED, 0),
    }
    assert len(result_files(worker.store)) == 3, "one result per request, none written twice"
    assert read_result(worker.store, "org", "hangs").benchmark.num_examples == len(ROWS)
    assert executor.tick() == 0


def test_a_task_killed_on_its_last_attempt_ends_failed_once(
    ray_instance, tmp_path, tiny_classifier, data_path
):
    model = blocking_model(tiny_classifier, tmp_path / "models" / "org" / "hangs")
    worker, executor = ray_worker(tmp_path, data_path, max_attempts=1, stale_after_s=600.0)
    worker.store.add_request(make_request("doomed", str(model)))

    kill_its_task_mid_evaluation(executor, worker, "doomed")

    final = stored(worker.store, "doomed")  # at once, not after the stale time
    assert (final.status, final.attempts) == (Status.FAILED, 1)
    assert final.error.startswith("gave up after 1 attempts: its evaluation task died (")
    assert executor.tick() == 0  # nothing left to claim
    assert result_files(worker.store) == []
    unblock(tiny_classifier, model)
    assert executor.tick() == 0 and stored(worker.store, "doomed").status == Status.FAILED


def test_a_model_that_fails_in_its_task_fails_with_its_error(
    ray_instance, tmp_path, tiny_classifier, data_path
):
    broken = copy_model(tiny_classifier, tmp_path / "models" / "org" / "broken")
    (broken / "model.safetensors").write_bytes(b"\x00garbage, not a safetensors file" * 100)
    worker, executor = ray_worker(tmp_path, data_path)
    worker.store.add_request(make_request("broken", str(broken)))

    assert executor.once().status == Status.FAILED

    failed = stored(worker.store, "broken")
    assert failed.error.startswith("could not load a sequence-classification model from ")
    assert (failed.attempts, result_files(worker.store)) == (0, [])


def worker_command_env(tmp_path: Path, data_path: Path, worker_id: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMLB_")}  # RAY_AUTH_MODE stays
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        RAY_ADDRESS=ray.get_runtime_context().gcs_address,  # the instance this module started
        RMLB_STORE_ROOT=str(tmp_path / "store"),
        RMLB_WORKER_ID=worker_id,
        RMLB_BOOTSTRAP_SAMPLES="10",
        RMLB_DEVICE="cpu",
        RMLB_DATA_OVERRIDES=f"rewardbench={data_path}",
        **extra,
    )
    return env


def test_the_worker_command_runs_its_request_on_the_cluster_at_ray_address(
    ray_instance, tmp_path, tiny_classifier, data_path
):
    model = copy_model(tiny_classifier, tmp_path / "models" / "org" / "cli")
    store = LocalStore(tmp_path / "store")
    store.add_request(make_request("by-cli", str(model)))
    done = subprocess.run(
        [sys.executable, "-m", "evaluator.worker", "--executor", "ray", "--once"],
        cwd=REPO_ROOT,
        env=worker_command_env(tmp_path, data_path, "cli-driver"),
        timeout=180,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ray executor" in done.stderr and "as a Ray task asking for no GPU" in done.stderr
    assert "request by-cli ended FINISHED" in done.stderr
    final = stored(store, "by-cli")
    assert (final.status, final.worker_id) == (Status.FINISHED, "cli-driver")
    assert read_result(store, "org", "cli").benchmark.num_examples == len(ROWS)


def finished(store) -> bool:
    return {stored(store, f"s{i}").status for i in range(2)} == {Status.FINISHED}


def test_the_scheduled_worker_with_rmlb_executor_ray_works_the_queue_and_stops_on_sigterm(
    ray_instance, tmp_path, tiny_classifier, data_path
):
    store = LocalStore(tmp_path / "store")
    for i in range(2):
        model = copy_model(tiny_classifier, tmp_path / "models" / "org" / f"scheduled-{i}")
        store.add_request(make_request(f"s{i}", str(model), minutes_ago=2 - i))
    env = worker_command_env(
        tmp_path,
        data_path,
        "scheduled",
        RMLB_EXECUTOR="ray",
        RMLB_POLL_INTERVAL_S="0.2",
        RMLB_HEARTBEAT_INTERVAL_S="1",
        RMLB_STALE_AFTER_S="60",
    )
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "evaluator.worker"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=log_file,
        )
        try:
            wait_for(lambda: process.poll() is not None or finished(store), 150, "both requests to finish")
            assert finished(store), log_path.read_text()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0, log_path.read_text()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)
    log = log_path.read_text()
    assert "ray executor" in log and "SIGTERM received" in log
    assert sorted(re.findall(r"evaluating request (\S+):", log)) == ["s0", "s1"], "each exactly once"


def test_a_request_taken_over_by_another_worker_cancels_its_task_and_is_not_stored(
    ray_instance, tmp_path, tiny_classifier, data_path
):
    from evaluator.queue import QueuePolicy, claim_next
    from evaluator.request_processing import Heartbeat

    model = blocking_model(tiny_classifier, tmp_path / "models" / "org" / "hangs")
    worker, executor = ray_worker(tmp_path, data_path)
    worker.store.add_request(make_request("taken", str(model)))
    tick = threading.Thread(target=executor.tick)
    tick.start()
    # Another worker, with a far shorter patience, finds the request stale, claims it, and keeps
    # its own heartbeat (so the driver never finds it stale in turn).
    impatient, thief = QueuePolicy(stale_after_s=0.01, max_attempts=100), []
    try:
        wait_for(lambda: task_pid("taken") is not None, 90, "the Ray task to start")
        wait_for(
            lambda: thief.append(claim_next(worker.store, "thief", impatient)) or thief[-1], 10, "a takeover"
        )
        with Heartbeat(thief[-1], 0.1):
            wait_for(lambda: task_pid("taken") is None, 30, "the driver to cancel its task")
            tick.join(timeout=60)
            assert not tick.is_alive()
            taken = stored(worker.store, "taken")
            assert (taken.status, taken.worker_id) == (Status.RUNNING, "thief") and taken.attempts >= 1
    finally:
        tick.join(timeout=60)
    assert result_files(worker.store) == []
    assert thief[-1].fail("test over")  # the thief still holds it: the driver never touched it again


def test_a_request_requeued_with_its_outcome_staged_is_stored_by_the_driver_without_a_task(
    ray_instance, hub, tmp_path, tiny_classifier, data_path
):
    """Issue 28 on the Ray path, which claims on its own: the uploads fail after the task, and the
    request goes back to the queue with its outcome staged on the driver's disk; claimed again, in
    the same tick or the next, it is stored from there. The model's folder is gone before the next
    tick, so a task could only have failed."""
    model = copy_model(tiny_classifier, tmp_path / "models" / "org" / "tiny")
    # The driver writes to the Hub; the task (a classifier, which writes nothing) gets a local store.
    store = make_hub_store(hub, tmp_path / "cache", attempts=3)
    store.add_request(make_request("r1", str(model)))
    worker = Worker(settings_for(tmp_path, data_path, executor="ray"), store)
    executor = build_executor("ray", worker)
    outage = hub.fail_next_commits(RESULTS_REPO, times=1000)

    assert executor.tick() == 1  # the task's end; claimed again at once, it is not sent to a task
    staged = {p: d for batch in store.pending.batches() for p, d in store.pending.files(batch).items()}
    assert staged and not set(staged) & set(hub.files(RESULTS_REPO, "dataset"))
    assert stored(make_store("hub", hub, tmp_path), "r1").status == Status.PENDING
    shutil.rmtree(model)
    outage.remaining = 0

    assert executor.tick() == 1

    finished = stored(store, "r1")
    assert (finished.status, finished.attempts) == (Status.FINISHED, 0), finished.error
    files = hub.files(RESULTS_REPO, "dataset")
    assert staged and {path: files[path] for path in staged} == staged
