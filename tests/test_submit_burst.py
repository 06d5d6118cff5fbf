"""Issue 28, point 5: Submit under a burst, on the Hub store against the emulator.

23 submissions arrive at once from as many threads (the app's sessions share one `Submissions`):
four submitters send five different models each, three more send one same model. Each model is queued
exactly once, the duplicates are refused, and each submitter's weekly limit is counted exactly. And a
submission whose commit collides on the Hub with a worker's claim of another request (the emulator's
contention gate makes them name the same parent) loses neither.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

from leaderboard.app_settings import AppSettings
from leaderboard.submission.submit import Outcome, SubmissionForm, Submissions
from results.schema import Status
from tests.hub_fixtures import REQUESTS_REPO, hub_fixture, make_hub_store, make_request  # noqa: F401

WEEKLY = 4
SUBMITTERS = ("alice", "bob", "carol", "dave")
PER_SUBMITTER = 5
SHARED_BY = ("frank", "grace", "heidi")


def model_folder(path: Path) -> Path:
    path.mkdir(parents=True)
    (path / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    (path / "model.safetensors").write_bytes(b"weights of " + path.name.encode())
    return path


def settings_for(root: Path) -> AppSettings:
    return AppSettings(
        allow_local_models=True,
        local_model_roots=(str(root),),
        max_submissions_per_week=WEEKLY,
        max_submissions_per_hour=1000,
        benchmarks=("rewardbench",),
        hub_endpoint="http://127.0.0.1:9",  # no Hub lookups: local folders
    )


def all_at_once(forms: list[SubmissionForm], submissions: Submissions) -> list[Outcome]:
    """Submit every form from its own thread, released together."""
    start, outcomes = threading.Barrier(len(forms)), [None] * len(forms)

    def send(i: int) -> None:
        start.wait()
        outcomes[i] = submissions.submit(forms[i])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_a_burst_queues_each_model_once_refuses_duplicates_and_counts_the_weekly_limit(hub, tmp_path):
    models = tmp_path / "models"
    store = make_hub_store(hub, tmp_path / "cache")
    store.refresh()
    submissions = Submissions(store, settings_for(models))
    forms = [
        SubmissionForm(str(model_folder(models / who / f"rm-{i}")), submitter=who, client=f"10.0.0.{n}")
        for n, who in enumerate(SUBMITTERS)
        for i in range(PER_SUBMITTER)
    ]
    shared = str(model_folder(models / "lab" / "shared-rm"))
    forms += [SubmissionForm(shared, submitter=who, client=f"10.0.1.{n}") for n, who in enumerate(SHARED_BY)]

    outcomes = all_at_once(forms, submissions)

    accepted = Counter(form.submitter for form, out in zip(forms, outcomes) if out.accepted)
    refused = [(form.submitter, out.rule) for form, out in zip(forms, outcomes) if not out.accepted]
    assert {who: accepted[who] for who in SUBMITTERS} == {who: WEEKLY for who in SUBMITTERS}
    assert sum(accepted[who] for who in SHARED_BY) == 1
    assert Counter(rule for _, rule in refused) == Counter(
        {"check_weekly_limit": len(SUBMITTERS) * (PER_SUBMITTER - WEEKLY), "check_not_duplicate": len(SHARED_BY) - 1}
    )
    queued = [r for out in outcomes for r in out.requests]
    store.refresh()  # read back from the Hub, as the worker will
    on_hub = store.list_requests()
    assert sorted(r.request_id for r in on_hub) == sorted(r.request_id for r in queued)
    assert len({r.model for r in on_hub}) == len(on_hub) == len(SUBMITTERS) * WEEKLY + 1
    assert all(r.status == Status.PENDING for r in on_hub)


def test_a_submission_colliding_with_a_worker_s_claim_on_the_hub_loses_neither(hub, tmp_path):
    models = tmp_path / "models"
    app_store = make_hub_store(hub, tmp_path / "app-cache")
    waiting = make_request("r-waiting", "lab/waiting-rm")
    app_store.add_request(waiting)
    worker_store = make_hub_store(hub, tmp_path / "worker-cache")
    worker_store.refresh()
    submissions = Submissions(app_store, settings_for(models))
    form = SubmissionForm(str(model_folder(models / "lab" / "new-rm")), submitter="alice", client="10.0.0.1")
    claimed = waiting.model_copy(update={"status": Status.RUNNING, "worker_id": "w1"})
    contention = hub.contend(REQUESTS_REPO, "dataset", commits=2, timeout_s=30)
    results: dict[str, object] = {}

    def submit() -> None:
        results["submitted"] = submissions.submit(form)

    def claim() -> None:
        results["claimed"] = worker_store.replace_request(waiting, claimed)

    threads = [threading.Thread(target=submit), threading.Thread(target=claim)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert contention.filled and sorted(contention.outcomes) == [200, 412]  # they did collide
    assert results["submitted"].accepted and results["claimed"] is True  # the loser retried and landed
    app_store.refresh()
    stored = {r.request_id: r for r in app_store.list_requests()}
    [new] = results["submitted"].requests
    assert set(stored) == {"r-waiting", new.request_id}
    assert stored["r-waiting"].status == Status.RUNNING and stored["r-waiting"].worker_id == "w1"
    assert stored[new.request_id].status == Status.PENDING
