"""Issue 28, point 5: Submit under a burst, on the Hub store against the emulator.

23 submissions arrive at once from as many threads (the app's sessions share one `Submissions`):
four submitters send five different models each, three more send one same model. Each model is queued
exactly once, the duplicates are refused, and each submitter's weekly limit is counted exactly. The
same burst again through HTTP: the app served on 127.0.0.1, each submitter a `gradio_client.Client`
of its own (its own session and address) calling the public `/submit`. And a submission whose commit
collides on the Hub with a worker's claim of another request (the emulator's contention gate makes
them name the same parent) loses neither.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from pathlib import Path

from leaderboard.app_settings import AppSettings
from leaderboard.submission.submit import Outcome, SubmissionForm, Submissions
from results.schema import EvalRequest, Status
from results.store import REQUESTS_DIR
from tests.browser_fixtures import serving_store
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


def address(who: str) -> str:
    """Each submitter's own address: one address for all would meet the per-address limit first."""
    return f"10.0.0.{(SUBMITTERS + SHARED_BY).index(who)}"


def burst_forms(models: Path) -> list[tuple[str, str]]:
    """(model folder, submitter): five different models from each of SUBMITTERS, then one model that
    every one of SHARED_BY sends."""
    forms = [
        (str(model_folder(models / who / f"rm-{i}")), who) for who in SUBMITTERS for i in range(PER_SUBMITTER)
    ]
    shared = str(model_folder(models / "lab" / "shared-rm"))
    return forms + [(shared, who) for who in SHARED_BY]


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
    forms = [SubmissionForm(model, submitter=who, client=address(who)) for model, who in burst_forms(models)]

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


ANSWER_S = 120  # the longest wait for one answer: the burst queues behind the app's two writers


def over_http(url: str, forms: list[tuple[str, str]]) -> tuple[list[str], float]:
    """Send every form to `/submit` from its own thread, released together, each submitter through a
    `Client` of its own; returns the answers and the seconds between the first send and the last."""
    from gradio_client import Client

    # Each from its own address, as people behind the Space's proxy are: the server takes the
    # forwarded address from a proxy on 127.0.0.1 (uvicorn's default).
    submitters = dict.fromkeys(who for _, who in forms)  # each once, in order
    clients = {who: Client(url, verbose=False, headers={"X-Forwarded-For": address(who)}) for who in submitters}
    try:
        return _send_together(clients, forms)
    finally:
        for client in clients.values():
            client.close()


def _send_together(clients: dict, forms: list[tuple[str, str]]) -> tuple[list[str], float]:
    start, answers, sent = threading.Barrier(len(forms)), [""] * len(forms), [0.0] * len(forms)

    def send(i: int) -> None:
        model, who = forms[i]
        values = (model, "main", "classifier", "", "tokenizer", "auto", "mt-bench-pairwise", 1, 0, ["rewardbench"], who)
        start.wait(timeout=30)
        sent[i] = time.monotonic()
        answer = clients[who].submit(*values, api_name="/submit").result(timeout=ANSWER_S)
        answers[i] = re.sub(r"\\(.)", r"\1", answer)  # the answer is Markdown, its punctuation escaped

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(ANSWER_S + 30)
    assert not any(thread.is_alive() for thread in threads), "a submission got no answer in time"
    return answers, max(sent) - min(sent)


def test_a_burst_over_http_from_separate_clients_queues_each_model_once_and_counts_exactly(hub, tmp_path):
    models = tmp_path / "models"
    forms = burst_forms(models)
    store = make_hub_store(hub, tmp_path / "cache")
    store.refresh()
    with serving_store(store, settings_for(models), tmp_path / "exports") as (url, _):
        answers, spread_s = over_http(url, forms)

    assert spread_s < 1.0, f"the burst took {spread_s:.2f} s to send"
    accepted = Counter(who for (_, who), answer in zip(forms, answers) if answer.startswith("**Queued**"))
    refused = [answer for answer in answers if answer.startswith("**Not queued.**")]
    assert accepted.total() + len(refused) == len(forms), answers
    assert {who: accepted[who] for who in SUBMITTERS} == {who: WEEKLY for who in SUBMITTERS}
    assert sum(accepted[who] for who in SHARED_BY) == 1
    weekly = [a for a in refused if f"submissions in the last 7 days (the limit is {WEEKLY})" in a]
    duplicate = [a for a in refused if "shared-rm" in a and "already" in a]
    assert (len(weekly), len(duplicate)) == (len(SUBMITTERS) * (PER_SUBMITTER - WEEKLY), len(SHARED_BY) - 1)
    files = hub.files(REQUESTS_REPO, "dataset")  # the queue as the worker will read it
    on_hub = [EvalRequest.model_validate_json(data) for path, data in files.items() if path.startswith(REQUESTS_DIR)]
    assert len(on_hub) == accepted.total() == len(SUBMITTERS) * WEEKLY + 1
    assert len({r.model for r in on_hub}) == len(on_hub)  # each model once
    assert Counter(r.submitter for r in on_hub) == accepted


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
