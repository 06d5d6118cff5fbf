"""The worker end to end: real tiny models, both stores, real processes and signals.

Models are served by the Hub emulator and downloaded by repo id, as from the Hub; benchmark data
comes from a local JSONL through the worker's data override (the default data lives on the Hub).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from evaluator.errors import ConfigError
from evaluator.request_processing import Worker, run_config
from evaluator.settings import SettingsError, WorkerSettings, parse_overrides
from results.schema import EvalResult, Status
from results.store import RESULTS_DIR, StoreUnavailable, result_paths, scores_path_of
from tests.conftest import REPO_ROOT, make_rows, write_jsonl
from tests.hub_fixtures import (  # noqa: F401 (hub_fixture provides the `hub` fixture)
    EMULATOR_TOKEN,
    REQUESTS_REPO,
    RESULTS_REPO,
    client_env,
    hub_fixture,
    make_hub_store,
    make_request,
    make_store,
    upload_model,
)

WEIGHTS_DOWNLOAD = r"/resolve/[0-9a-f]{40}/model\.safetensors$"
ROWS = make_rows({"alpacaeval-easy": 2, "llmbar-natural": 2})


@pytest.fixture
def data_path(tmp_path) -> Path:
    return write_jsonl(tmp_path / "bench.jsonl", ROWS)


def settings_for(tmp_path: Path, data_path: Path, **overrides) -> WorkerSettings:
    values = dict(
        store="local",
        store_root=tmp_path / "store",
        worker_id="test-worker",
        poll_interval_s=0.1,
        heartbeat_interval_s=0.1,
        stale_after_s=1.0,
        bootstrap_samples=10,
        device="cpu",
        batch_tokens=4096,
        data_overrides={"rewardbench": str(data_path)},
    )
    return WorkerSettings(**{**values, **overrides})


def stored(store, request_id: str):
    store.refresh()
    return next(r for r in store.list_requests() if r.request_id == request_id)


def statuses(store) -> set[Status]:
    store.refresh()
    return {r.status for r in store.list_requests()}


def wait_for(condition: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout_s}s waiting for {what}")


def stored_results(store, org: str, name: str) -> dict[str, EvalResult]:
    """Every stored result of `org/name`, by path (one per benchmark, revision and data)."""
    results = {path: EvalResult.model_validate_json(data) for path, data in store.iter_result_files()}
    return {path: r for path, r in results.items() if r.model.name == f"{org}/{name}"}


def hub_result_files(hub) -> list[str]:
    """The result files committed to the results repo (straight from the emulator)."""
    return sorted(p for p in hub.files(RESULTS_REPO, "dataset") if p.startswith(RESULTS_DIR + "/"))


def read_result(store, org: str, name: str) -> EvalResult:
    found = stored_results(store, org, name)
    assert len(found) == 1, f"expected one result for {org}/{name}, found {sorted(found) or 'none'}"
    return next(iter(found.values()))


# ---- settings and the request -> run mapping -----------------------------------------------


def test_settings_come_from_the_environment(tmp_path):
    settings = WorkerSettings.from_env(
        {
            "RMLB_STORE": "hub",
            "RMLB_RESULTS_REPO": "org/results",
            "RMLB_POLL_INTERVAL_S": "5",
            "RMLB_HEARTBEAT_INTERVAL_S": "2",
            "RMLB_STALE_AFTER_S": "30",
            "RMLB_DATA_OVERRIDES": "rewardbench=/data/rb.jsonl, other=org/ds",
            "HF_TOKEN": "hf_secret",
            "HF_ENDPOINT": "http://127.0.0.1:1",
        }
    )
    assert (settings.store, settings.results_repo, settings.poll_interval_s) == ("hub", "org/results", 5.0)
    assert settings.data_overrides == {"rewardbench": "/data/rb.jsonl", "other": "org/ds"}
    assert settings.hub_token.get_secret_value() == "hf_secret" and "hf_secret" not in repr(settings)
    assert settings.hub_endpoint == "http://127.0.0.1:1"
    defaults = WorkerSettings.from_env({})
    assert (defaults.store_kind, defaults.max_attempts, defaults.data_overrides) == ("local", 3, {})
    # as in the web app: naming a results repo is enough to mean the Hub store
    assert WorkerSettings.from_env({"RMLB_RESULTS_REPO": "org/results"}).store_kind == "hub"
    assert (
        WorkerSettings.from_env({"RMLB_RESULTS_REPO": "org/r", "RMLB_STORE": "local"}).store_kind == "local"
    )


@pytest.mark.parametrize(
    "env,message",
    [
        ({"RMLB_STALE_AFTER_S": "10", "RMLB_HEARTBEAT_INTERVAL_S": "10"}, "RMLB_STALE_AFTER_S"),
        ({"RMLB_STORE": "hub"}, "RMLB_RESULTS_REPO"),
        ({"RMLB_POLL_INTERVAL_S": "soon"}, "RMLB_POLL_INTERVAL_S"),
        ({"RMLB_MAX_ATTEMPTS": "0"}, "RMLB_MAX_ATTEMPTS"),
        ({"RMLB_DATA_OVERRIDES": "rewardbench"}, "RMLB_DATA_OVERRIDES"),
    ],
)
def test_bad_settings_name_the_variable_to_fix(env, message):
    with pytest.raises(SettingsError, match=message):
        WorkerSettings.from_env(env)


def test_overrides_parse():
    assert parse_overrides("") == {}
    assert parse_overrides("a=b=c") == {"a": "b=c"}


def test_a_request_maps_to_a_run_config(tmp_path, data_path):
    settings = settings_for(tmp_path, data_path, max_length=128)
    request = make_request(
        "r1",
        "org/dpo",
        model_type="classifier",
        revision="v2",
        ref_model="org/ref",
        ref_revision="abc",
        dtype="bfloat16",
        chat_template="raw",
    )
    config = run_config(request, settings)
    assert (config.model, config.model_type, config.revision) == ("org/dpo", "classifier", "v2")
    assert (config.ref_model, config.ref_revision, config.benchmark) == ("org/ref", "abc", "rewardbench")
    assert (config.data, config.dtype, config.chat_template) == (str(data_path), "bfloat16", "raw")
    assert (config.device, config.max_length, config.bootstrap_samples, config.progress) == (
        "cpu",
        128,
        10,
        False,
    )
    assert (config.revision_resolved, config.ref_revision_resolved, config.prior_sets) == (None, None, False)
    assert config.custom_data and config.extra_data == {}


def test_a_request_is_evaluated_at_its_pinned_commits_with_the_worker_s_extras(tmp_path, data_path):
    settings = settings_for(
        tmp_path,
        data_path,
        prior_sets=True,
        data_overrides={"rewardbench.prior-sets": "/data/prior.jsonl", "other.prior-sets": "/x.jsonl"},
    )
    request = make_request(
        "r1", "org/m", revision="main", revision_resolved="a" * 40, ref_model="org/ref",
        ref_revision="main", ref_revision_resolved="b" * 40,
    )
    config = run_config(request, settings)
    assert (config.revision, config.revision_resolved) == ("main", "a" * 40)
    assert (config.ref_revision, config.ref_revision_resolved) == ("main", "b" * 40)
    assert (config.data, config.extra_data, config.extras) == (None, {"prior-sets": "/data/prior.jsonl"}, ("prior-sets",))
    assert config.custom_data  # the prior sets are not the benchmark's own


def test_a_queued_request_cannot_name_a_template_file(tmp_path, data_path):
    request = make_request("r1", chat_template=str(data_path))  # any file on the worker's disk
    with pytest.raises(ConfigError, match="not allowed in a queued request"):
        run_config(request, settings_for(tmp_path, data_path))


# ---- one worker, in this process --------------------------------------------------------------


@pytest.mark.parametrize("kind", ["local", "hub"])
def test_a_request_goes_pending_running_finished(kind, hub, tmp_path, tiny_classifier, data_path):
    sha = upload_model(hub, "org/tiny", tiny_classifier)
    store = make_store(kind, hub, tmp_path)
    store.add_request(make_request("r1", "org/tiny"))
    observer = make_store(kind, hub, tmp_path)  # what another process (the web app) sees
    assert stored(observer, "r1").status == Status.PENDING

    gate = hub.hold("GET", WEIGHTS_DOWNLOAD)  # pause the evaluation while the weights download
    worker = Worker(settings_for(tmp_path, data_path), store)
    thread = threading.Thread(target=worker.process_next)
    thread.start()
    try:
        assert gate.wait_hit(60), "the worker never asked for the model weights"
        running = stored(observer, "r1")
        assert (running.status, running.worker_id) == (Status.RUNNING, "test-worker")
        wait_for(lambda: stored(observer, "r1").heartbeat_at > running.heartbeat_at, 10, "a heartbeat")
    finally:
        gate.release()
        thread.join(timeout=120)
    assert not thread.is_alive()

    finished = stored(observer, "r1")
    assert (finished.status, finished.revision_resolved, finished.error) == (Status.FINISHED, sha, None)
    result = read_result(observer, "org", "tiny")
    assert (result.model.id, result.model.revision_resolved) == ("org/tiny", sha)
    assert result.benchmark.num_examples == len(ROWS) and set(result.subsets) == {
        "alpacaeval-easy",
        "llmbar-natural",
    }
    scores = observer.read_example_scores(result_paths(result)[0])
    assert [s.id for s in scores] == [row["id"] for row in ROWS]
    assert all(len(s.scores_chosen) == len(s.scores_rejected) == 1 for s in scores)


def corrupt_copy(model: Path, folder: Path) -> Path:
    shutil.copytree(model, folder)
    (folder / "model.safetensors").write_bytes(b"\x00garbage, not a safetensors file" * 100)
    return folder


def test_a_model_with_corrupt_weights_fails_and_the_next_one_runs(hub, tmp_path, tiny_classifier, data_path):
    upload_model(hub, "org/tiny", tiny_classifier)
    upload_model(hub, "org/broken", corrupt_copy(tiny_classifier, tmp_path / "broken"))
    store = make_store("local", hub, tmp_path)
    store.add_request(make_request("broken", "org/broken", minutes_ago=2))
    store.add_request(make_request("good", "org/tiny", minutes_ago=1))

    assert Worker(settings_for(tmp_path, data_path), store).tick() == 2

    broken = stored(store, "broken")
    assert broken.status == Status.FAILED
    assert broken.error.startswith("could not load a sequence-classification model from ")
    assert "\n" not in broken.error and "Traceback" not in broken.error
    assert stored_results(store, "org", "broken") == {}
    assert stored(store, "good").status == Status.FINISHED
    assert read_result(store, "org", "tiny").benchmark.num_examples == len(ROWS)


def test_a_model_that_crashes_while_scoring_fails_and_the_next_one_runs(
    tmp_path, hub, tiny_classifier, tiny_tokenizer, data_path
):
    from evaluator.tiny_models import build_classifier, build_tokenizer

    # Weights for a 300-token vocabulary behind a 2000-token tokenizer: it loads, then the
    # embedding lookup fails on the first batch.
    crashing = build_classifier(tmp_path / "models" / "org" / "crashing", build_tokenizer(vocab_size=300))
    tiny_tokenizer.save_pretrained(crashing)
    store = make_store("local", hub, tmp_path)
    store.add_request(make_request("crash", str(crashing), minutes_ago=2))
    store.add_request(make_request("good", str(tiny_classifier), minutes_ago=1))

    assert Worker(settings_for(tmp_path, data_path), store).tick() == 2

    crash = stored(store, "crash")
    assert crash.status == Status.FAILED
    assert crash.error.startswith("IndexError: ") and "worker log has the full traceback" in crash.error
    assert stored(store, "good").status == Status.FINISHED


def test_an_upload_failing_three_times_then_succeeding_loses_nothing(
    hub, tmp_path, tiny_classifier, data_path
):
    sha = upload_model(hub, "org/tiny", tiny_classifier)
    store = make_store("hub", hub, tmp_path)
    store.add_request(make_request("r1", "org/tiny"))
    commits = rf"^/api/datasets/{RESULTS_REPO}/commit/main$"
    hub.fail_next("POST", commits, times=3, status=503)

    Worker(settings_for(tmp_path, data_path), store).process_next()

    assert [s for m, p, s in hub.requests if m == "POST" and re.search(commits, p)][-4:] == [
        503,
        503,
        503,
        200,
    ]
    assert stored(store, "r1").status == Status.FINISHED
    files = hub.files(RESULTS_REPO, "dataset")
    [result_file] = hub_result_files(hub)
    assert EvalResult.model_validate_json(files[result_file]).model.revision_resolved == sha
    assert files[scores_path_of(result_file)].decode().count("\n") == len(ROWS)


def test_a_hub_outage_at_upload_time_keeps_the_result(hub, tmp_path, tiny_classifier, data_path):
    upload_model(hub, "org/tiny", tiny_classifier)
    store = make_store("hub", hub, tmp_path)
    store.add_request(make_request("r1", "org/tiny"))
    outage = hub.fail_next("POST", rf"^/api/datasets/{RESULTS_REPO}/commit/main$", times=1000)
    worker = Worker(settings_for(tmp_path, data_path), store)

    assert worker.tick() == 0  # the tick stops at the failed upload instead of claiming r1 again
    # not FAILED (the evaluation worked) and not lost: staged on disk, the request back in the queue
    assert stored(store, "r1").status == Status.PENDING and stored(store, "r1").attempts == 0
    assert len(store.pending.batches()) == 1
    assert hub_result_files(hub) == []

    outage.remaining = 0
    assert worker.tick() == 1  # the staged result goes up first thing, then r1 is seen through
    assert hub_result_files(hub) == [result_paths(read_result(store, "org", "tiny"))[0]]
    assert store.pending.batches() == []
    assert stored(store, "r1").status == Status.FINISHED


def test_an_upload_failing_three_times_puts_the_request_back_and_loses_nothing(
    hub, tmp_path, tiny_classifier, data_path
):
    """Issue 28: the store tries three times; all three fail; the request is PENDING again at once
    (no attempt counted), the result waits on disk, and the next tick stores it and finishes."""
    sha = upload_model(hub, "org/tiny", tiny_classifier)
    store = make_hub_store(hub, tmp_path / "cache", attempts=3)
    store.add_request(make_request("r1", "org/tiny"))
    failing = hub.fail_next_commits(RESULTS_REPO, times=3)
    worker = Worker(settings_for(tmp_path, data_path), store)

    with pytest.raises(StoreUnavailable):
        worker.process_next()
    assert failing.served == 3 and hub_result_files(hub) == []
    [staged] = store.pending.batches()
    staged_bytes = next(p for p in staged.rglob("*.json") if RESULTS_DIR in p.as_posix()).read_bytes()
    back = stored(store, "r1")  # (a refresh: it uploads the staged result, the Hub answering again)
    assert (back.status, back.attempts, back.worker_id) == (Status.PENDING, 0, None)
    assert store.pending.batches() == [] and len(hub_result_files(hub)) == 1

    assert worker.tick() == 1
    files = hub.files(RESULTS_REPO, "dataset")
    [result_file] = hub_result_files(hub)
    assert EvalResult.model_validate_json(files[result_file]).model.revision_resolved == sha
    assert EvalResult.model_validate_json(staged_bytes).model.revision_resolved == sha
    assert stored(store, "r1").status == Status.FINISHED and store.pending.batches() == []


def evaluated_with_uploads_refused(hub, tmp_path, tiny_classifier, data_path):
    """A tick that evaluates a local copy of the tiny model while the results repo refuses every
    commit: returns (store, worker, model folder, outage, staged files by path)."""
    model = shutil.copytree(tiny_classifier, tmp_path / "models" / "org" / "tiny")
    store = make_hub_store(hub, tmp_path / "cache", attempts=3)
    store.add_request(make_request("r1", str(model)))
    outage = hub.fail_next_commits(RESULTS_REPO, times=1000)
    worker = Worker(settings_for(tmp_path, data_path), store)
    assert worker.tick() == 0 and outage.served == 3
    [batch] = store.pending.batches()
    return store, worker, model, outage, store.pending.files(batch)


def test_a_request_requeued_with_its_result_staged_is_finished_without_being_evaluated_again(
    hub, tmp_path, tiny_classifier, data_path
):
    """Issue 28: the uploads fail, the request goes back to the queue carrying what it staged; the
    next tick stores exactly that and finishes it. The model's folder is gone by then, so an
    evaluation could only have failed (the last request shows it would)."""
    store, worker, model, outage, staged = evaluated_with_uploads_refused(hub, tmp_path, tiny_classifier, data_path)
    observer = make_store("hub", hub, tmp_path)  # another process: it cannot see this worker's disk
    back = stored(observer, "r1")
    assert (back.status, back.attempts, back.worker_id) == (Status.PENDING, 0, None)
    assert set(back.staged.files) == {p for p in staged if not p.startswith("eval-set-texts/")}
    shutil.rmtree(model)
    outage.remaining = 0

    assert worker.tick() == 1

    finished = stored(observer, "r1")
    [result_file] = hub_result_files(hub)
    first_run = EvalResult.model_validate_json(staged[result_file])
    assert (finished.status, finished.error, finished.staged) == (Status.FINISHED, None, None)
    assert finished.revision_resolved == first_run.model.revision_resolved
    files = hub.files(RESULTS_REPO, "dataset")
    assert {path: files[path] for path in staged} == staged  # the first run's bytes, scores and all
    assert store.pending.batches() == []
    store.add_request(make_request("r2", str(model)))
    assert worker.tick() == 1 and stored(observer, "r2").status == Status.FAILED


def test_a_staged_result_waits_while_the_hub_refuses_it_and_is_never_evaluated_twice(
    hub, tmp_path, tiny_classifier, data_path
):
    store, worker, model, outage, staged = evaluated_with_uploads_refused(hub, tmp_path, tiny_classifier, data_path)
    shutil.rmtree(model)  # from here on an evaluation would fail

    assert worker.tick() == 0  # claimed, the upload refused again: back in the queue, still staged
    waiting = stored(make_store("hub", hub, tmp_path), "r1")
    assert (waiting.status, waiting.attempts) == (Status.PENDING, 0) and waiting.staged is not None
    assert hub_result_files(hub) == [] and len(store.pending.batches()) == 1

    outage.remaining = 0
    assert worker.tick() == 1
    assert stored(store, "r1").status == Status.FINISHED
    files = hub.files(RESULTS_REPO, "dataset")
    assert {path: files[path] for path in staged} == staged


def test_a_damaged_staged_result_is_evaluated_again(hub, tmp_path, tiny_classifier, data_path):
    store, worker, model, outage, staged = evaluated_with_uploads_refused(hub, tmp_path, tiny_classifier, data_path)
    [batch] = store.pending.batches()
    [result_file] = [p for p in staged if p.startswith(RESULTS_DIR + "/")]
    (batch / result_file).write_bytes(staged[result_file][:100])  # a disk that lost the end of the file
    outage.remaining = 0

    assert worker.tick() == 1

    assert stored(store, "r1").status == Status.FINISHED
    first_run = EvalResult.model_validate_json(staged[result_file])
    again = EvalResult.model_validate_json(hub.files(RESULTS_REPO, "dataset")[result_file])
    assert again.timings.started_at > first_run.timings.started_at  # a second evaluation wrote it
    assert (again.subsets, again.score) == (first_run.subsets, first_run.score)


# ---- worker processes ----------------------------------------------------------------------


def worker_env(
    kind: str, hub, tmp_path: Path, data_path: Path, worker_id: str, **extra: str
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMLB_")}
    env.update(client_env(hub.endpoint, tmp_path / "hf-cache"))
    env.update(
        PYTHONPATH=str(REPO_ROOT),
        HF_DATASETS_CACHE=str(tmp_path / "datasets-cache"),
        HF_TOKEN=EMULATOR_TOKEN,
        RMLB_STORE=kind,
        RMLB_STORE_ROOT=str(tmp_path / "store"),
        RMLB_RESULTS_REPO=RESULTS_REPO,
        RMLB_REQUESTS_REPO=REQUESTS_REPO,
        RMLB_HUB_CACHE=str(tmp_path / f"hub-cache-{worker_id}"),
        RMLB_HUB_RETRY_DELAY_S="0.05",
        RMLB_WORKER_ID=worker_id,
        RMLB_POLL_INTERVAL_S="0.2",
        RMLB_HEARTBEAT_INTERVAL_S="0.2",
        RMLB_STALE_AFTER_S="1.0",
        RMLB_BOOTSTRAP_SAMPLES="10",
        RMLB_DEVICE="cpu",
        RMLB_DATA_OVERRIDES=f"rewardbench={data_path}",
    )
    env.update(extra)
    return env


class WorkerProcess:
    """`python -m evaluator.worker` in a subprocess, its log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path, *args: str):
        self.log_path = log_path
        self._log = open(log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "evaluator.worker", *args],
            cwd=REPO_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self) -> str:
        return self.log_path.read_text()

    def evaluated(self) -> list[str]:
        return re.findall(r"evaluating request (\S+):", self.log())

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 60) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=timeout_s)
        finally:
            self._log.close()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self._log.close()


@pytest.fixture
def processes():
    started: list[WorkerProcess] = []
    yield started
    for worker in started:  # never leave a worker behind, even when a test fails
        if worker.process.poll() is None:
            worker.kill()


@pytest.mark.parametrize("kind", ["local", "hub"])
def test_two_worker_processes_never_evaluate_the_same_request(
    kind, hub, tmp_path, tiny_classifier, data_path, processes
):
    models = {f"r{i:02d}": f"org/tiny-{i}" for i in range(10)}
    shas = {model: upload_model(hub, model, tiny_classifier) for model in models.values()}
    store = make_store(kind, hub, tmp_path)
    store.refresh()
    for name in ("w1", "w2"):
        # Nobody dies here: a generous stale time keeps a slow heartbeat on a busy machine from
        # (rightly) handing a live request to the other worker.
        env = worker_env(
            kind, hub, tmp_path, data_path, name, RMLB_STALE_AFTER_S="60", RMLB_HEARTBEAT_INTERVAL_S="1"
        )
        processes.append(WorkerProcess(env, tmp_path / f"{name}.log"))
    wait_for(lambda: all("started" in w.log() for w in processes), 60, "both workers to start")
    for i, (request_id, model) in enumerate(models.items()):
        store.add_request(make_request(request_id, model, minutes_ago=10 - i))

    wait_for(lambda: statuses(store) == {Status.FINISHED}, 150, "all requests to finish")
    assert [w.stop() for w in processes] == [0, 0], "SIGTERM must end an idle worker cleanly"

    evaluated = sorted(r for w in processes for r in w.evaluated())
    assert evaluated == sorted(models), f"each request evaluated exactly once: {evaluated}"
    assert all(w.evaluated() for w in processes), "both workers took part"
    requests = {r.request_id: r for r in store.list_requests()}
    for worker in processes:
        worker_id = worker.log_path.stem
        assert all(
            requests[r].worker_id == worker_id and requests[r].attempts == 0 for r in worker.evaluated()
        )
    for model in models.values():
        assert read_result(store, *model.split("/")).model.revision_resolved == shas[model]


@pytest.mark.parametrize("kind", ["local", "hub"])
def test_a_killed_worker_s_request_is_finished_by_another(
    kind, hub, tmp_path, tiny_classifier, data_path, processes
):
    sha = upload_model(hub, "org/tiny", tiny_classifier)
    store = make_store(kind, hub, tmp_path)
    store.add_request(make_request("r1", "org/tiny"))
    gate = hub.hold("GET", WEIGHTS_DOWNLOAD)
    doomed = WorkerProcess(worker_env(kind, hub, tmp_path, data_path, "doomed"), tmp_path / "doomed.log")
    processes.append(doomed)
    assert gate.wait_hit(90), "the first worker never reached the model download"
    assert stored(store, "r1").worker_id == "doomed"

    doomed.kill()  # SIGKILL in the middle of the evaluation: no cleanup runs
    gate.release()
    assert doomed.process.returncode == -signal.SIGKILL
    time.sleep(1.2)  # its heartbeat goes stale (RMLB_STALE_AFTER_S=1.0)

    rescuer = subprocess.run(
        [sys.executable, "-m", "evaluator.worker", "--once"],
        cwd=REPO_ROOT,
        timeout=180,
        env=worker_env(kind, hub, tmp_path, data_path, "rescuer"),
        capture_output=True,
        text=True,
    )
    assert rescuer.returncode == 0, rescuer.stdout + rescuer.stderr
    assert re.findall(r"evaluating request (\S+):", rescuer.stderr) == ["r1"]

    final = stored(store, "r1")
    assert (final.status, final.worker_id, final.attempts) == (Status.FINISHED, "rescuer", 1)
    result = read_result(store, "org", "tiny")
    assert result.model.revision_resolved == sha
    result_file, _ = result_paths(result)
    assert store.list_files("eval-set") == [result_file]
    if kind == "hub":
        written = [c for c in hub.commits(RESULTS_REPO, "dataset") if result_file in c.message]
        assert len(written) == 1, "exactly one result was uploaded"
    else:
        assert not [p for p in (tmp_path / "store").rglob("*") if p.name.endswith(".tmp")]


def test_sigterm_lets_the_evaluation_in_progress_finish(hub, tmp_path, tiny_classifier, data_path, processes):
    upload_model(hub, "org/tiny", tiny_classifier)
    store = make_store("local", hub, tmp_path)
    store.add_request(make_request("first", "org/tiny", minutes_ago=2))
    store.add_request(make_request("second", "org/tiny", minutes_ago=1))
    gate = hub.hold("GET", WEIGHTS_DOWNLOAD)
    worker = WorkerProcess(worker_env("local", hub, tmp_path, data_path, "w1"), tmp_path / "w1.log")
    processes.append(worker)
    assert gate.wait_hit(90)

    worker.process.send_signal(signal.SIGTERM)
    wait_for(lambda: "SIGTERM received" in worker.log(), 30, "the worker to note the signal")
    gate.release()
    assert worker.stop(timeout_s=120) == 0

    assert stored(store, "first").status == Status.FINISHED
    assert stored(store, "second").status == Status.PENDING, "no new request is taken after SIGTERM"
    assert worker.evaluated() == ["first"]


def test_a_running_request_records_its_progress_with_each_heartbeat(hub, tmp_path, tiny_classifier, data_path,
                                                                       monkeypatch):
    """Long GPU runs take hours: the Queue page shows texts done of total and the time left."""
    from evaluator.progress import ProgressBar

    step = ProgressBar.update

    def slow_step(self, n=1):  # each batch outlasts a heartbeat interval, as a real model's do
        step(self, n)
        time.sleep(0.3)

    monkeypatch.setattr(ProgressBar, "update", slow_step)
    upload_model(hub, "org/tiny", tiny_classifier)
    store = make_store("local", hub, tmp_path)
    store.add_request(make_request("r1", "org/tiny"))
    written = []
    replace = store.replace_request
    monkeypatch.setattr(store, "replace_request", lambda old, new: written.append(new) or replace(old, new))

    Worker(settings_for(tmp_path, data_path, batch_tokens=64), store).process_next()

    counts = [r.progress for r in written if r.status == Status.RUNNING and r.progress is not None]
    assert counts, "no heartbeat recorded any progress"
    scoring = [p for p in counts if p.phase.startswith("scoring")]
    assert scoring and all(p.total == 2 * len(ROWS) and p.unit == "text" for p in scoring)
    assert max(p.done for p in scoring) > 0 and any(p.eta_s is not None for p in scoring)
    assert [p.done for p in scoring] == sorted(p.done for p in scoring)  # never goes back
    finished = stored(store, "r1")
    assert finished.status == Status.FINISHED and finished.progress is None  # a count only while running


def test_the_worker_touches_its_liveness_file_at_each_look_and_each_heartbeat(tmp_path, data_path):
    """The image's health check (python -m evaluator.liveness) fails a worker whose scheduler hung."""
    from evaluator.liveness import problem
    from evaluator.request_processing import Heartbeat
    from evaluator.worker import run_scheduled
    from results.store import LocalStore

    alive = tmp_path / "alive"
    settings = settings_for(tmp_path, data_path, liveness_file=alive)
    worker = Worker(settings, LocalStore(tmp_path / "store"))
    looks = []

    def tick() -> int:
        looks.append(alive.exists())
        if len(looks) == 2:
            worker.stop_requested.set()
        return 0

    run_scheduled(worker, settings.poll_interval_s, tick)
    assert looks == [True, True] and problem(settings) is None  # touched before each look
    hung = alive.stat().st_mtime + 3 * settings.poll_interval_s + 1
    assert "last poll or heartbeat" in problem(settings, now=hung)

    alive.unlink()

    class Beating:  # a claim that is always still ours
        request = make_request("r1")

        def heartbeat(self, progress=None) -> bool:
            return True

    with Heartbeat(Beating(), 0.05, alive):  # a long evaluation: no looks at the queue, but beats
        wait_for(alive.exists, 10, "a heartbeat to touch the liveness file")
