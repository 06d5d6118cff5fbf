"""Policy submissions -> EvalRequests (kind "policy"), through a local store; a generating model is
checked on the Hub emulator (reached only through the endpoint in the settings)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest

from fakes.hub_emulator import HubEmulator
from leaderboard.data import ResultsCache
from leaderboard.pages.common import default_benchmark
from leaderboard.policies.policy_submit import INLINE, PolicyForm, PolicySubmissions, eligible_judges
from leaderboard.app_settings import AppSettings
from results.policy import upload_path
from results.policy_files import canonical_sha256, file_size, read_completions
from results.schema import Status
from results.store import LocalStore
from tests.leaderboard_fixtures import (
    make_result,
    publish_model,
    published_result,
    subset_levels,
    write_published,
    write_result,
)
from tests.policy_web_fixtures import (
    CLOUD_D,
    JUDGE_C,
    RM_A,
    RM_B,
    SHA,
    completions_jsonl,
    ranked_reward_models,
    reference_root,
)

NOW = datetime(2025, 8, 1, 9, 0, tzinfo=timezone.utc)
GOOD_ROWS = [
    {"prompt_id": "r1", "prompt": "Name a colour.", "completion": "Red."},
    {"prompt_id": "r2", "prompt": [{"role": "user", "content": "Add 2 and 3."}], "completion": "It is 5."},
]
GOOD_FILE = completions_jsonl(GOOD_ROWS)


@pytest.fixture
def store(tmp_path) -> LocalStore:
    store = LocalStore(tmp_path / "store")
    ranked_reward_models(store)
    return store


def judges_of(store: LocalStore, settings: AppSettings):
    snap = ResultsCache(store).ensure_loaded()
    return eligible_judges(snap.tables.rows, default_benchmark(snap, settings))


def submitter(store, tmp_path, now=NOW, hub: HubEmulator | None = None, **options) -> tuple[PolicySubmissions, list]:
    settings = AppSettings(benchmarks=("rewardbench",), **({"hub_endpoint": hub.endpoint} if hub else {}), **options)
    root = reference_root(tmp_path / "repo")
    return PolicySubmissions(store, settings, clock=lambda: now, reference_root=root), judges_of(store, settings)


def form(**fields) -> PolicyForm:
    return PolicyForm(**{"policy": "team/new-policy", "submitter": "alice", "completions": GOOD_FILE, **fields})


def test_a_file_is_judged_by_the_top_reward_models_of_the_host_setting(store, tmp_path):
    submissions, judges = submitter(store, tmp_path, policy_reward_models=2)
    assert [j.name for j in judges] == [RM_A, RM_B, JUDGE_C, CLOUD_D]  # leaderboard order
    outcome = submissions.submit(form(policy=" team/new-policy "), judges)
    assert outcome.accepted, outcome.message
    assert [(r.org, r.name) for r in outcome.requests] == [("acme", "rm-a"), ("acme", "rm-b")]
    sha = canonical_sha256(read_completions(GOOD_FILE))
    stored = store.read_file(upload_path("team/new-policy", sha))
    assert canonical_sha256(read_completions(stored)) == sha  # the canonical lines: the same sha
    assert sorted(store.list_requests(), key=lambda r: r.name) == list(outcome.requests)
    for request in outcome.requests:
        assert request.kind == "policy" and request.status == Status.PENDING and request.submitted_at == NOW
        assert request.policy == "team/new-policy" and request.policy_file == upload_path("team/new-policy", sha)
        assert request.reference_set == "rmlb-reference-v1" and request.policy_model is None
        assert request.request_id in outcome.message
    a, b = outcome.requests
    assert (a.model, a.revision_resolved, a.model_type, a.dtype) == (RM_A, SHA["rm-a"], "classifier", "float32")
    assert (b.model_type, b.ref_model, b.ref_revision_resolved) == ("dpo", "acme/base", "e" * 40)


def test_ticked_reward_models_judge_with_their_ranked_settings(store, tmp_path):
    submissions, judges = submitter(store, tmp_path)
    outcome = submissions.submit(form(reward_models=(CLOUD_D, JUDGE_C)), judges)
    assert outcome.accepted, outcome.message
    cloud, judge = outcome.requests
    assert (cloud.name, cloud.model_type, cloud.num_critiques, cloud.critique_temperature) == (
        "cloud-d",
        "cloud",
        4,
        0.7,
    )
    assert (judge.name, judge.judge_format, judge.judge_orders) == ("judge-c", "mt-bench-pairwise", 1)


def test_inline_references_need_no_reference_set(store, tmp_path):
    submissions, judges = submitter(store, tmp_path)
    rows = [{**r, "prompt_id": f"own-{i}", "reference": "a reference"} for i, r in enumerate(GOOD_ROWS)]
    outcome = submissions.submit(form(completions=completions_jsonl(rows), reference_set=INLINE), judges)
    assert outcome.accepted, outcome.message
    assert {r.reference_set for r in outcome.requests} == {None}


REFUSED_FILES = {
    "duplicate ids": (
        GOOD_FILE + completions_jsonl(GOOD_ROWS[:1]),
        "line 3: prompt id 'r1' was already given at line 1",
    ),
    "empty completion": (
        completions_jsonl([{**GOOD_ROWS[0], "completion": "  "}]),
        "the completion of prompt 'r1' is empty",
    ),
    "not UTF-8": (b'{"prompt_id": "r1", "prompt": "\xff", "completion": "x"}\n', "not UTF-8 text"),
    "not JSON": (b'{"prompt_id": "r1",\n', "line 1 is not JSON"),
    "missing field": (completions_jsonl([{"prompt_id": "r1", "prompt": "x"}]), "line 1: completion: Field required"),
    "unknown prompt": (
        completions_jsonl([{**GOOD_ROWS[0], "prompt_id": "zz"}]),
        "no reference in the reference set: 'zz'",
    ),
    "empty file": (b"\n\n", "the file is empty"),
}


@pytest.mark.parametrize("case", sorted(REFUSED_FILES))
def test_a_bad_completions_file_is_refused_with_its_reason_and_nothing_is_stored(store, tmp_path, case):
    data, reason = REFUSED_FILES[case]
    submissions, judges = submitter(store, tmp_path)
    outcome = submissions.submit(form(completions=data), judges)
    assert not outcome.accepted
    assert outcome.message.startswith("The completions file was refused: ") and reason in outcome.message
    assert store.list_requests() == [] and store.list_files("policy-uploads") == []


def test_a_file_over_the_host_limit_is_refused_with_its_size(store, tmp_path):
    submissions, judges = submitter(store, tmp_path, max_policy_file_bytes=50)
    outcome = submissions.submit(form(), judges)
    assert f"the file is {file_size(len(GOOD_FILE))}; the limit is 50 bytes" in outcome.message


def test_sizes_are_said_as_people_read_them():
    assert [file_size(n) for n in (20 * 1024 * 1024, 1536 * 1024, 300 * 1024, 512)] == [
        "20 MB", "1.5 MB", "300 KB", "512 bytes",
    ]


def test_inline_references_must_cover_every_prompt(store, tmp_path):
    submissions, judges = submitter(store, tmp_path)
    outcome = submissions.submit(form(reference_set=INLINE), judges)
    assert "2 prompt(s) have no reference in the file" in outcome.message


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"submitter": ""}, "Say who is submitting"),
        ({"policy": "no-slash"}, "Name the policy like 'org/name'"),
        ({"completions": None}, "Give either a completions file or a Hub model"),
        ({"generator": "acme/gen"}, "not both"),
        ({"reward_models": ("nobody/rm",)}, "nobody/rm cannot judge policies here"),
        ({"reference_set": "no-such-set"}, "Unknown reference set 'no-such-set'"),
        ({"completions": None, "generator": "acme/gen", "max_new_tokens": 0}, "Max new tokens must be between 1"),
        ({"completions": None, "generator": "acme/gen", "reference_set": INLINE}, "needs a reference set"),
    ],
)
def test_form_refusals_say_why(store, tmp_path, fields, reason):
    submissions, judges = submitter(store, tmp_path)
    outcome = submissions.submit(form(**fields), judges)
    assert not outcome.accepted and reason in outcome.message
    assert store.list_requests() == []


def test_a_reference_set_missing_on_the_server_is_the_hosts_problem(store, tmp_path):
    settings = AppSettings(benchmarks=("rewardbench",))
    submissions = PolicySubmissions(store, settings, clock=lambda: NOW, reference_root=tmp_path / "empty")
    outcome = submissions.submit(form(), judges_of(store, settings))
    assert "is not available on this server" in outcome.message


def test_only_verified_complete_newest_results_can_judge(tmp_path):
    store = LocalStore(tmp_path)
    write_result(store, make_result("acme/complete", subset_levels(0.9)))
    write_result(store, make_result("acme/partial", subset_levels(0.95, subsets=["alpacaeval-easy"])))
    write_result(store, make_result("api/judge", subset_levels(0.92), model_type="generative", revision="api-12ab"))
    write_published(store, "pub", "lished", published_result("pub/lished", subset_levels(0.99)))
    assert [j.name for j in judges_of(store, AppSettings(benchmarks=("rewardbench",)))] == ["acme/complete"]
    assert (
        "No reward model on this leaderboard can judge"
        in PolicySubmissions(LocalStore(tmp_path / "none"), AppSettings()).submit(form(), []).message
    )


def test_a_policy_already_queued_under_a_reward_model_is_not_queued_again(store, tmp_path):
    submissions, judges = submitter(store, tmp_path)
    first = submissions.submit(form(reward_models=(RM_A,)), judges)
    again = submissions.submit(form(reward_models=(RM_A,)), judges)
    assert not again.accepted and first.request.request_id in again.message and "already pending" in again.message
    more = submitter(store, tmp_path, now=NOW + timedelta(minutes=1))[0].submit(
        form(reward_models=(RM_A, RM_B)), judges
    )
    assert [r.name for r in more.requests] == ["rm-b"]
    assert f"Not queued again where it is already pending under {RM_A}" in more.message
    other_file = completions_jsonl([{**GOOD_ROWS[0], "completion": "Green."}])
    assert (
        submitter(store, tmp_path, now=NOW + timedelta(minutes=2))[0]
        .submit(form(completions=other_file, reward_models=(RM_A,)), judges)
        .accepted
    )  # new completions are a new policy version


def test_a_policy_submission_counts_once_toward_the_weekly_limit(store, tmp_path):
    submissions, judges = submitter(store, tmp_path, max_submissions_per_week=2)
    assert len(submissions.submit(form(policy="team/one"), judges).requests) == 3  # three reward models
    later, _ = submitter(store, tmp_path, now=NOW + timedelta(hours=1), max_submissions_per_week=2)
    assert later.submit(form(policy="team/two"), judges).accepted  # the three counted as one
    third = submitter(store, tmp_path, now=NOW + timedelta(hours=2), max_submissions_per_week=2)[0]
    refused = third.submit(form(policy="team/three"), judges)
    assert "alice has made 2 submissions in the last 7 days (the limit is 2)" in refused.message


# ---- a model that generates its completions (checked on the Hub emulator) -------------------------------


@pytest.fixture(scope="module")
def hub() -> Iterator[HubEmulator]:
    from huggingface_hub import constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constants, "HF_HUB_OFFLINE", False)  # conftest makes the suite offline
        emulator = HubEmulator().start()
        publish_model(emulator, "acme/chat-policy")
        publish_model(emulator, "acme/pickled-policy", weights="pytorch_model.bin")
        publish_model(emulator, "acme/unlicensed-policy", license=None)
        try:
            yield emulator
        finally:
            emulator.stop()


def test_a_hub_model_is_pinned_at_its_commit_for_the_worker_to_generate(store, tmp_path, hub):
    submissions, judges = submitter(store, tmp_path, hub=hub)
    outcome = submissions.submit(
        form(completions=None, generator="acme/chat-policy", max_new_tokens=256, reward_models=(RM_A,)), judges
    )
    assert outcome.accepted, outcome.message
    [request] = outcome.requests
    assert (request.policy_model, request.policy_revision_resolved) == (
        "acme/chat-policy",
        hub.head("acme/chat-policy"),
    )
    assert (request.policy_max_new_tokens, request.policy_file, request.reference_set) == (
        256,
        None,
        "rmlb-reference-v1",
    )
    assert store.list_files("policy-uploads") == []
    again = submissions.submit(form(completions=None, generator="acme/chat-policy", reward_models=(RM_A,)), judges)
    assert "already pending" in again.message


@pytest.mark.parametrize(
    "model, reason",
    [
        ("acme/pickled-policy", "has no safetensors weights"),
        ("acme/unlicensed-policy", "states no license"),
        ("acme/not-there", "was not found on the Hub"),
    ],
)
def test_a_hub_model_that_cannot_generate_here_is_refused(store, tmp_path, hub, model, reason):
    submissions, judges = submitter(store, tmp_path, hub=hub)
    outcome = submissions.submit(form(completions=None, generator=model), judges)
    assert not outcome.accepted and reason in outcome.message
    assert store.list_requests() == []


def test_the_host_settings_come_from_the_environment():
    settings = AppSettings.from_env({"RMLB_POLICY_REWARD_MODELS": "5", "RMLB_MAX_POLICY_FILE_BYTES": "1000"})
    assert (settings.policy_reward_models, settings.max_policy_file_bytes) == (5, 1000)
    assert (AppSettings().policy_reward_models, AppSettings().max_policy_file_bytes) == (3, 20 * 1024 * 1024)


def test_the_repositorys_demo_policy_passes_against_its_own_reference_set(store):
    from leaderboard.policies.policy_submit import REPO_ROOT

    settings = AppSettings(benchmarks=("rewardbench",))
    submissions = PolicySubmissions(store, settings, clock=lambda: NOW)  # the default: the repository's sets
    data = (REPO_ROOT / "data" / "demo-policies" / "terse.jsonl").read_bytes()
    outcome = submissions.submit(form(completions=data, reward_models=(RM_A,)), judges_of(store, settings))
    assert outcome.accepted, outcome.message
    assert outcome.request.reference_set == "rmlb-reference-v1"


def test_an_upload_over_the_limit_is_refused_before_it_is_read(tmp_path):
    from leaderboard.submission.hub_lookup import Refused
    from leaderboard.pages.policies import read_upload

    upload = tmp_path / "big.jsonl"
    upload.write_bytes(GOOD_FILE)
    assert read_upload(str(upload), len(GOOD_FILE)) == GOOD_FILE
    assert read_upload(None, 10) is None
    with pytest.raises(Refused, match=f"the file is {file_size(len(GOOD_FILE))}; the limit is 10 bytes"):
        read_upload(str(upload), 10)
