"""Submissions checked against the Hub emulator (reached only through the endpoint in the settings)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from leaderboard.settings import AppSettings
from leaderboard.submit import SubmissionForm, Submissions
from results.model_types import MODEL_TYPES
from results.schema import EvalRequest, Status
from results.store import LocalStore
from tests.hub_emulator import HubEmulator
from tests.leaderboard_fixtures import publish_model

HOST_TOKEN = "hf_leaderboard_host"
NOW = datetime(2025, 6, 2, 12, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def hub() -> Iterator[HubEmulator]:
    """The emulator is reached through `AppSettings.hub_endpoint` alone: the client's default endpoint
    stays the real Hub (unreachable here), so a check that ignored the settings would fail."""
    from huggingface_hub import constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constants, "HF_HUB_OFFLINE", False)  # conftest makes the suite offline
        emulator = HubEmulator().start()
        publish_model(emulator, "acme/rm", num_parameters=4321)
        publish_model(emulator, "acme/base")
        publish_model(emulator, "acme/pickle-only", weights="pytorch_model.bin")
        publish_model(emulator, "acme/custom-code", auto_map=True)
        publish_model(emulator, "acme/no-license", license=None)
        publish_model(emulator, "acme/gated", gated=True)
        publish_model(emulator, "acme/gated-granted", gated=True)
        emulator.grant_access("acme/gated-granted", HOST_TOKEN)
        try:
            yield emulator
        finally:
            emulator.stop()


def submissions(hub: HubEmulator, store: LocalStore, now: datetime = NOW, **settings) -> Submissions:
    options = {"hub_endpoint": hub.endpoint, "hub_token": HOST_TOKEN, **settings}
    return Submissions(store, AppSettings(**options), clock=lambda: now)


def form(model: str = "acme/rm", **fields) -> SubmissionForm:
    return SubmissionForm(model=model, **{"submitter": "alice", **fields})


def test_a_valid_submission_becomes_a_pending_request_at_a_resolved_commit(hub, tmp_path):
    store = LocalStore(tmp_path)
    outcome = submissions(hub, store).submit(form(" acme/rm ", dtype="bfloat16"))
    assert outcome.accepted, outcome.message
    [stored] = store.list_requests()
    assert stored == outcome.request
    assert stored.status == Status.PENDING and stored.submitted_at == NOW
    assert stored.revision == "main" and stored.revision_resolved == hub.head("acme/rm")
    assert (stored.model, stored.org, stored.name) == ("acme/rm", "acme", "rm")
    assert (stored.num_parameters, stored.license, stored.dtype, stored.submitter) == (
        4321,
        "apache-2.0",
        "bfloat16",
        "alice",
    )
    assert re.fullmatch(rf"20250602T120000Z-{stored.revision_resolved[:8]}-rewardbench", stored.request_id)
    assert stored.request_id in outcome.message


def test_an_older_commit_is_kept_as_asked(hub, tmp_path):
    first = publish_model(hub, "acme/evolving")
    publish_model(hub, "acme/evolving", num_parameters=99)
    outcome = submissions(hub, LocalStore(tmp_path)).submit(form("acme/evolving", revision=first))
    assert outcome.request.revision_resolved == first and outcome.request.num_parameters == 1000


@pytest.mark.parametrize(
    "model, fields, reason",
    [
        ("acme/missing", {}, "was not found on the Hub, or it is private"),
        ("acme/rm", {"revision": "no-such-branch"}, "has no revision 'no-such-branch'"),
        ("acme/pickle-only", {}, "has no safetensors weights"),
        ("acme/custom-code", {}, "needs custom code"),
        ("acme/no-license", {}, "states no license"),
        ("acme/gated", {}, "is gated and this leaderboard has not been given access"),
    ],
)
def test_hub_checks_refuse_with_a_reason(hub, tmp_path, model, fields, reason):
    store = LocalStore(tmp_path)
    outcome = submissions(hub, store).submit(form(model, **fields))
    assert not outcome.accepted and reason in outcome.message
    assert store.list_requests() == []


def test_host_settings_allow_remote_code_and_a_granted_gated_model(hub, tmp_path):
    assert (
        submissions(hub, LocalStore(tmp_path / "a"), allow_remote_code=True)
        .submit(form("acme/custom-code"))
        .accepted
    )
    assert submissions(hub, LocalStore(tmp_path / "b")).submit(form("acme/gated-granted")).accepted


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"model": "no-org"}, "must be a Hub model id like 'org/name'"),
        ({"model": "../../etc/passwd"}, "must be a Hub model id"),
        ({"submitter": ""}, "Say who is submitting"),
        ({"submitter": "<b>x</b>"}, "letters, digits"),
        ({"model_type": "oracle"}, "Unknown model type 'oracle'"),
        ({"dtype": "int4"}, "Unknown dtype 'int4'"),
        ({"chat_template": "{{ evil }}"}, "template name"),
        ({"revision": "main; rm -rf"}, "is not a branch, tag or commit"),
        ({"ref_model": "acme/base"}, "takes no reference model"),
    ],
)
def test_form_checks_refuse_before_asking_the_hub(hub, tmp_path, fields, reason):
    seen = len(hub.requests)
    outcome = submissions(hub, LocalStore(tmp_path)).submit(form(**{"model": "acme/rm", **fields}))
    assert not outcome.accepted and reason in outcome.message
    assert len(hub.requests) == seen  # refused without a Hub call


def test_the_same_model_commit_and_benchmark_is_not_queued_twice_unless_it_failed(hub, tmp_path):
    store = LocalStore(tmp_path)
    service = submissions(hub, store)
    queued = service.submit(form()).request
    again = service.submit(form(submitter="bob"))
    assert not again.accepted and "is already pending" in again.message and queued.request_id in again.message

    def resubmit_after(status: Status):
        current = next(r for r in store.list_requests() if r.request_id == queued.request_id)
        assert store.replace_request(current, current.model_copy(update={"status": status}))
        return submissions(hub, store, now=NOW + timedelta(minutes=5)).submit(form(submitter="bob"))

    finished = resubmit_after(Status.FINISHED)
    assert not finished.accepted and "is already finished" in finished.message
    assert resubmit_after(Status.FAILED).accepted  # a failed evaluation may be tried again


def test_a_submitter_has_a_weekly_limit(hub, tmp_path):
    store = LocalStore(tmp_path)
    old = EvalRequest(
        request_id="old",
        model="acme/old",
        org="acme",
        name="old",
        submitter="alice",
        submitted_at=NOW - timedelta(days=8),
    )
    store.add_request(old)  # more than 7 days ago: does not count
    first = submissions(hub, store, max_submissions_per_week=2, now=NOW - timedelta(days=2)).submit(
        form("acme/rm")
    )
    second = submissions(hub, store, max_submissions_per_week=2).submit(form("acme/base"))
    assert first.accepted and second.accepted
    third = submissions(hub, store, max_submissions_per_week=2).submit(form("acme/gated-granted"))
    assert not third.accepted
    assert "2 submissions in the last 7 days (the limit is 2)" in third.message
    assert "2025-06-07 12:00" in third.message  # when the oldest of the two leaves the window
    assert (
        submissions(hub, store, max_submissions_per_week=2)
        .submit(form("acme/gated-granted", submitter="bob"))
        .accepted
    )


def test_a_reference_model_type_needs_an_existing_reference(hub, tmp_path):
    needs_ref = next((t.key for t in MODEL_TYPES.values() if t.needs_reference), None)
    if needs_ref is None:
        pytest.skip("no model type with a reference model is registered")
    service = submissions(hub, LocalStore(tmp_path))
    assert "needs a reference model" in service.submit(form(model_type=needs_ref)).message
    assert (
        "acme/nothing was not found"
        in service.submit(form(model_type=needs_ref, ref_model="acme/nothing")).message
    )
    outcome = service.submit(form(model_type=needs_ref, ref_model="acme/base"))
    assert outcome.accepted, outcome.message
    assert outcome.request.ref_model == "acme/base" and outcome.request.ref_revision == hub.head("acme/base")


def test_hub_outage_and_store_failure_refuse_without_queueing(hub, tmp_path):
    store = LocalStore(tmp_path)
    fault = hub.fail_next("GET", r"^/api/models/acme/rm", times=1, status=503)
    outage = submissions(hub, store).submit(form())
    assert not outage.accepted and "The Hub did not answer" in outage.message and fault.served == 1

    class ReadOnlyStore(LocalStore):
        def add_request(self, request: EvalRequest) -> None:
            raise PermissionError("read-only file system")

    broken = submissions(hub, ReadOnlyStore(tmp_path / "ro")).submit(form())
    assert not broken.accepted and "could not be written" in broken.message
    assert store.list_requests() == []
