"""Submissions checked against the Hub emulator (reached only through the endpoint in the settings)."""

from __future__ import annotations

import json
import logging
import re
import socket
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from fakes.hub_emulator import HubEmulator
from leaderboard.app_settings import AppSettings
from leaderboard.submission.submit import SubmissionForm, Submissions
from results.folder_hash import local_revision
from results.model_types import MODEL_TYPES
from results.schema import EvalRequest, Status
from results.store import LocalStore
from tests.browser_fixtures import free_port
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
    # One benchmark unless a test asks for more: most rules are about one request.
    options = {"hub_endpoint": hub.endpoint, "hub_token": HOST_TOKEN, "benchmarks": ("rewardbench",), **settings}
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
    assert outcome.request.ref_model == "acme/base" and outcome.request.ref_revision == "main"
    assert outcome.request.ref_revision_resolved == hub.head("acme/base")


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


# ---- local model folders (hosts with RMLB_ALLOW_LOCAL_MODELS, such as the demo) -----------------------


def model_folder(path: Path, weights: str = "model.safetensors", auto_map: bool = False) -> Path:
    """A folder shaped like a saved model (the checks read files, they never load weights)."""
    config: dict = {"architectures": ["GPT2ForSequenceClassification"], "model_type": "gpt2"}
    if auto_map:
        config["auto_map"] = {"AutoModelForSequenceClassification": "modeling_rm.RewardModel"}
    path.mkdir(parents=True, exist_ok=True)
    (path / "config.json").write_text(json.dumps(config))
    (path / weights).write_bytes(b"weights of " + path.name.encode())
    return path


def local(store: LocalStore, **settings) -> Submissions:
    """Submissions on a host that allows local folders under the folder holding the store; no Hub is
    reachable (none is needed)."""
    options = {
        "allow_local_models": True,
        "local_model_roots": (str(store.root.parent),),
        "hub_endpoint": f"http://127.0.0.1:{free_port()}",
        "benchmarks": ("rewardbench",),
        **settings,
    }
    return Submissions(store, AppSettings(**options), clock=lambda: NOW)


def test_a_local_folder_is_queued_by_its_last_two_names_at_its_content_hash(tmp_path):
    folder = model_folder(tmp_path / "models" / "lab" / "rm-local")
    store = LocalStore(tmp_path / "store")
    outcome = local(store).submit(form(str(folder)))
    assert outcome.accepted, outcome.message
    [stored] = store.list_requests()
    assert (stored.model, stored.org, stored.name) == (str(folder.resolve()), "lab", "rm-local")
    assert stored.revision == "main" and stored.revision_resolved == local_revision(folder)
    assert stored.license is None and stored.status == Status.PENDING
    assert stored.revision_resolved.removeprefix("local-")[:8] in stored.request_id
    assert "lab/rm-local" in outcome.message and str(tmp_path) not in outcome.message


def test_a_relative_path_is_read_from_the_working_directory(tmp_path, monkeypatch):
    folder = model_folder(tmp_path / "lab" / "rm-rel")
    monkeypatch.chdir(tmp_path)
    for typed in ("lab/rm-rel", "./lab/rm-rel"):  # an existing org/name-shaped folder is the folder
        store = LocalStore(tmp_path / f"store-{len(typed)}")
        outcome = local(store).submit(form(typed))
        assert outcome.accepted, outcome.message
        assert outcome.request.model == str(folder.resolve())


def _folder_cases(root: Path) -> dict[str, tuple[str, dict, str]]:
    """name -> (what is typed, other form fields, the refusal expected)."""
    no_config = root / "lab" / "no-config"
    (no_config).mkdir(parents=True)
    (no_config / "model.safetensors").write_bytes(b"x")
    return {
        "missing": (str(root / "lab" / "absent"), {}, "There is no model folder at"),
        "no config": (str(no_config), {}, "lab/no-config has no config.json"),
        "pickle only": (str(model_folder(root / "lab" / "pickled", weights="pytorch_model.bin")), {}, "no safetensors"),
        "remote code": (str(model_folder(root / "lab" / "custom", auto_map=True)), {}, "needs custom code"),
        "revision": (str(model_folder(root / "lab" / "rm")), {"revision": "v2"}, "A local folder has no revisions"),
        "bad name": (str(model_folder(root / "my lab" / "rm")), {}, "invalid name part 'my lab'"),
    }


@pytest.mark.parametrize("case", ["missing", "no config", "pickle only", "remote code", "revision", "bad name"])
def test_local_folder_checks_refuse_with_a_reason_and_no_path(tmp_path, case):
    typed, fields, reason = _folder_cases(tmp_path / "models")[case]
    store = LocalStore(tmp_path / "store")
    outcome = local(store).submit(form(typed, **fields))
    assert not outcome.accepted and reason in outcome.message, outcome.message
    assert store.list_requests() == []
    if case != "missing":  # a folder that exists is named by its last two names, never its path
        assert str(tmp_path) not in outcome.message


def test_the_same_folder_content_is_not_queued_twice_but_new_content_is(tmp_path):
    folder = model_folder(tmp_path / "lab" / "rm")
    store = LocalStore(tmp_path / "store")
    service = local(store)
    first = service.submit(form(str(folder)))
    again = service.submit(form(str(folder), submitter="bob"))
    assert not again.accepted and again.rule == "check_not_duplicate"
    assert "lab/rm at content local-" in again.message and first.request.request_id in again.message
    (folder / "model.safetensors").write_bytes(b"retrained")
    taken = service.submit(form(str(folder), submitter="bob"))  # lab/rm is alice's name now
    assert not taken.accepted and taken.rule == "check_name_not_taken"
    assert service.submit(form(str(folder))).accepted  # alice's new content


def test_a_local_reference_model_is_pinned_by_its_content(tmp_path):
    needs_ref = next((t.key for t in MODEL_TYPES.values() if t.needs_reference), None)
    if needs_ref is None:
        pytest.skip("no model type with a reference model is registered")
    policy, ref = model_folder(tmp_path / "lab" / "policy"), model_folder(tmp_path / "lab" / "base")
    outcome = local(LocalStore(tmp_path / "store")).submit(form(str(policy), model_type=needs_ref, ref_model=str(ref)))
    assert outcome.accepted, outcome.message
    request = outcome.request
    assert (request.ref_model, request.ref_revision) == (str(ref.resolve()), "main")
    assert request.ref_revision_resolved == local_revision(ref)


def test_where_local_folders_are_off_a_path_is_refused_and_org_name_means_the_hub(hub, tmp_path, monkeypatch):
    folder = model_folder(tmp_path / "acme" / "missing")
    store = LocalStore(tmp_path / "store")
    service = submissions(hub, store)  # allow_local_models defaults to off
    for typed in (str(folder), "./acme/missing", "~/models/rm"):
        outcome = service.submit(form(typed))
        assert not outcome.accepted and "Local folders are not accepted here" in outcome.message, typed
    monkeypatch.chdir(tmp_path)  # acme/missing exists on disk here, but the Hub is asked
    assert "was not found on the Hub" in service.submit(form("acme/missing")).message
    assert store.list_requests() == []


# ---- the Hub out of reach ------------------------------------------------------------------------------


@contextmanager
def silent_server() -> Iterator[str]:
    """An endpoint that accepts connections (the kernel's backlog) but never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield f"http://127.0.0.1:{server.getsockname()[1]}"


@contextmanager
def closed_port() -> Iterator[str]:
    yield f"http://127.0.0.1:{free_port()}"  # nothing listens there: connection refused


@pytest.mark.parametrize("endpoint", [closed_port, silent_server], ids=["refused", "timeout"])
def test_an_unreachable_hub_is_one_log_line_and_a_clear_refusal(tmp_path, caplog, endpoint):
    from huggingface_hub import constants

    store = LocalStore(tmp_path)
    with endpoint() as url, pytest.MonkeyPatch.context() as patch:
        patch.setattr(constants, "HF_HUB_OFFLINE", False)
        service = Submissions(store, AppSettings(hub_endpoint=url, hub_timeout_s=0.5), clock=lambda: NOW)
        caplog.clear()
        with caplog.at_level(logging.INFO):
            outcome = service.submit(form())
    assert not outcome.accepted
    assert "The Hub did not answer" in outcome.message and "nothing was queued" in outcome.message
    assert store.list_requests() == []
    mine = [r for r in caplog.records if r.name.startswith("leaderboard")]
    assert len(mine) == 1 and mine[0].levelno == logging.WARNING, [r.getMessage() for r in mine]
    assert "acme/rm" in mine[0].getMessage() and "\n" not in mine[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records), "a traceback was logged"


# ---- issue 11: one request per chosen benchmark ------------------------------------------------------

BOTH = ("rewardbench-2", "rewardbench")


def test_a_submission_queues_one_request_per_benchmark_the_host_offers(hub, tmp_path):
    store = LocalStore(tmp_path)
    outcome = submissions(hub, store, benchmarks=BOTH).submit(form())
    assert outcome.accepted, outcome.message
    stored = store.list_requests()
    assert sorted(r.benchmark for r in stored) == sorted(BOTH)
    assert {r.request_id for r in stored} == {r.request_id for r in outcome.requests}
    assert len({(r.revision_resolved, r.submitted_at, r.submitter) for r in stored}) == 1
    assert "on rewardbench-2 and rewardbench" in outcome.message
    assert "counts as one submission toward the weekly limit" in outcome.message


def test_the_form_may_pick_one_of_the_benchmarks_and_must_pick_one(hub, tmp_path):
    store = LocalStore(tmp_path)
    service = submissions(hub, store, benchmarks=BOTH)
    picked = service.submit(form(benchmarks=("rewardbench-2",)))
    assert [r.benchmark for r in store.list_requests()] == ["rewardbench-2"] == [r.benchmark for r in picked.requests]
    none = service.submit(form(model="acme/base", benchmarks=()))
    assert not none.accepted and "Tick at least one benchmark" in none.message
    other = service.submit(form(model="acme/base", benchmarks=("mt-bench",)))
    assert not other.accepted and "mt-bench is not offered here" in other.message


def test_the_duplicate_check_is_per_benchmark(hub, tmp_path):
    store = LocalStore(tmp_path)
    first = submissions(hub, store, benchmarks=BOTH).submit(form(benchmarks=("rewardbench",)))
    later = NOW + timedelta(minutes=5)
    second = submissions(hub, store, now=later, benchmarks=BOTH).submit(form(submitter="bob"))
    assert [r.benchmark for r in second.requests] == ["rewardbench-2"]  # rewardbench is already pending
    assert f"already pending on rewardbench (request {first.request.request_id})" in second.message
    third = submissions(hub, store, now=later, benchmarks=BOTH).submit(form(submitter="carol"))
    assert not third.accepted and third.rule == "check_not_duplicate"
    assert "pending on rewardbench-2" in third.message and "pending on rewardbench " in third.message


def test_the_weekly_limit_counts_a_submission_once_whatever_its_benchmarks(hub, tmp_path):
    store = LocalStore(tmp_path)
    for i, model in enumerate(["acme/rm", "acme/base"]):
        outcome = submissions(hub, store, now=NOW + timedelta(minutes=i), benchmarks=BOTH,
                              max_submissions_per_week=2).submit(form(model))
        assert outcome.accepted and len(outcome.requests) == 2, outcome.message
    assert len(store.list_requests()) == 4  # two submissions, four requests
    third = submissions(hub, store, now=NOW + timedelta(minutes=3), benchmarks=BOTH,
                        max_submissions_per_week=2).submit(form("acme/gated-granted"))
    assert not third.accepted and "has made 2 submissions in the last 7 days" in third.message


def test_rmlb_benchmarks_lists_the_offered_benchmarks_and_rmlb_benchmark_still_names_one():
    assert AppSettings.from_env({}).benchmarks == BOTH
    assert AppSettings.from_env({"RMLB_BENCHMARKS": "rewardbench, rewardbench-2"}).benchmarks == BOTH[::-1]
    assert AppSettings.from_env({"RMLB_BENCHMARK": "rewardbench"}).benchmarks == ("rewardbench",)
    assert AppSettings(benchmark="rewardbench").benchmark == "rewardbench"


def test_a_local_folder_is_queued_on_every_ticked_benchmark_at_one_content_hash(tmp_path):
    folder = model_folder(tmp_path / "models" / "lab" / "rm-both")
    store = LocalStore(tmp_path / "store")
    outcome = local(store, benchmarks=BOTH).submit(form(str(folder)))
    assert outcome.accepted, outcome.message
    stored = store.list_requests()
    assert sorted(r.benchmark for r in stored) == sorted(BOTH)
    assert {(r.org, r.name, r.revision_resolved) for r in stored} == {("lab", "rm-both", local_revision(folder))}
    assert outcome.message.startswith("Queued lab/rm-both at content local-") and str(tmp_path) not in outcome.message
    again = local(store, benchmarks=BOTH).submit(form(str(folder), submitter="bob"))
    assert not again.accepted and again.rule == "check_not_duplicate"

    from leaderboard.pages.common import submission_answer

    shown = submission_answer(outcome.accepted, outcome.message)  # the Submit tab's answer says "Queued" once
    assert shown.startswith("**Queued** lab/rm") and shown.count("Queued") == 1, shown
    refused = submission_answer(again.accepted, again.message)
    assert refused.startswith("**Not queued.** ") and refused.count("queued") == 1, refused


def test_a_local_folder_s_parameter_count_is_read_from_its_safetensors_headers(tmp_path, tiny_classifier):
    import math

    from safetensors import safe_open

    from leaderboard.submission.local_models import safetensors_parameters

    weights = sorted(tiny_classifier.glob("*.safetensors"))
    expected = 0
    for file in weights:
        with safe_open(str(file), framework="numpy") as handle:  # an independent count
            expected += sum(math.prod(handle.get_slice(key).get_shape()) for key in handle.keys())
    assert expected > 0 and safetensors_parameters(weights) == expected
    roots = (str(tmp_path), str(tiny_classifier))
    outcome = local(LocalStore(tmp_path / "store"), local_model_roots=roots).submit(form(str(tiny_classifier)))
    assert outcome.accepted, outcome.message
    assert outcome.request.num_parameters == expected
    garbage = model_folder(tmp_path / "lab" / "garbage")  # not a safetensors header: no count, no refusal
    assert safetensors_parameters([garbage / "model.safetensors"]) is None


def test_a_generative_judge_is_submitted_with_its_judge_format(hub, tmp_path):
    store = LocalStore(tmp_path)
    outcome = submissions(hub, store).submit(form(model_type="generative", judge_format="prometheus-2-relative"))
    assert outcome.accepted, outcome.message
    assert outcome.request.model_type == "generative" and outcome.request.judge_format == "prometheus-2-relative"
    assert outcome.request.api_judge is None  # the form cannot ask for an API judge


def test_an_unknown_judge_format_is_refused_and_other_types_carry_none(hub, tmp_path):
    store = LocalStore(tmp_path)
    refused = submissions(hub, store).submit(form(model_type="generative", judge_format="../etc/judge.jinja"))
    assert not refused.accepted and "Unknown judge format '../etc/judge.jinja'" in refused.message
    classifier = submissions(hub, store).submit(form(judge_format="skywork-critic"))
    assert classifier.accepted and classifier.request.judge_format is None


def test_a_critique_model_carries_its_critique_settings(hub, tmp_path):
    store = LocalStore(tmp_path)
    outcome = submissions(hub, store).submit(form(model_type="cloud", num_critiques=4, critique_temperature=0.7))
    assert outcome.accepted, outcome.message
    assert (outcome.request.num_critiques, outcome.request.critique_temperature) == (4, 0.7)
    greedy = submissions(hub, store).submit(form("acme/base", model_type="cloud", num_critiques=4))
    assert not greedy.accepted and "would all be the same" in greedy.message
    too_many = submissions(hub, store).submit(form("acme/base", model_type="cloud", num_critiques=50, critique_temperature=1))
    assert not too_many.accepted and "between 0 and 8" in too_many.message
    classifier = submissions(hub, store).submit(form("acme/base", num_critiques=4))
    assert classifier.accepted and classifier.request.num_critiques == 1  # other types keep the default


def test_one_policy_submission_counts_once_toward_the_weekly_limit(hub, tmp_path):
    from tests.hub_fixtures import make_request

    store = LocalStore(tmp_path)
    earlier = NOW - timedelta(hours=1)
    for i, judge in enumerate(("acme/rm", "acme/base", "acme/gated-granted")):
        request = make_request(f"p-{i}", judge, kind="policy", policy="alice/policy", submitter="alice")
        store.add_request(request.model_copy(update={"submitted_at": earlier}))
    outcome = submissions(hub, store, max_submissions_per_week=2).submit(form())
    assert outcome.accepted, outcome.message  # the three requests above are one submission
    refused = submissions(hub, store, max_submissions_per_week=2).submit(form("acme/base"))
    assert not refused.accepted and "has made 2 submissions" in refused.message


def test_local_folders_need_the_roots_they_may_come_from():
    from leaderboard.app_settings import SettingsError

    with pytest.raises(SettingsError, match="RMLB_ALLOW_LOCAL_MODELS needs RMLB_LOCAL_MODEL_ROOTS"):
        AppSettings.from_env({"RMLB_ALLOW_LOCAL_MODELS": "true"})
    settings = AppSettings.from_env({"RMLB_ALLOW_LOCAL_MODELS": "true", "RMLB_LOCAL_MODEL_ROOTS": "/srv/a, /srv/b"})
    assert settings.local_model_roots == ("/srv/a", "/srv/b")
