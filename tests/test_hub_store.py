"""HubStore through the real `huggingface_hub` client and the local Hub emulator."""

from __future__ import annotations

import math
import threading
from pathlib import Path

import pytest

from results.hub_store import HubStore, RetryPolicy
from results.names import InvalidModelName
from results.store import Store, StoreUnavailable, request_path, result_paths, write_cache_file
from tests.hub_fixtures import (  # noqa: F401 (hub_fixture provides the `hub` fixture)
    EMULATOR_TOKEN,
    REQUESTS_REPO,
    RESULTS_REPO,
    hub_fixture,
    make_hub_store,
    make_request,
    sample_outcome,
    upload_model,
)

COMMIT_TO_RESULTS = rf"^/api/datasets/{RESULTS_REPO}/commit/main$"
COMMIT_TO_REQUESTS = rf"^/api/datasets/{REQUESTS_REPO}/commit/main$"
PREUPLOAD_TO_REQUESTS = rf"^/api/datasets/{REQUESTS_REPO}/preupload/main$"


def statuses(hub, pattern: str) -> list[int]:
    import re

    return [status for method, path, status in hub.requests if method == "POST" and re.search(pattern, path)]


def test_hub_store_is_a_store(hub, tmp_path):
    assert isinstance(make_hub_store(hub, tmp_path), Store)


def test_repo_ids_are_checked():
    for bad in ["no-slash", "../x/y", "org/na me", "org/x/y"]:
        with pytest.raises(ValueError, match="org/name"):
            HubStore(bad, cache_dir="unused")


def test_results_and_requests_land_in_their_repos(hub, tmp_path):
    store = make_hub_store(hub, tmp_path)
    result, examples = sample_outcome()
    store.add_request(make_request("r1"))
    store.write_result(result, examples)

    assert set(hub.files(REQUESTS_REPO, "dataset")) == {".gitattributes", "requests/org/tiny/r1.json"}
    result_file, scores_file = result_paths(result)
    results_files = hub.files(RESULTS_REPO, "dataset")
    assert results_files[result_file] == result.model_dump_json(indent=2).encode()
    assert results_files[scores_file].decode().count("\n") == len(examples)
    # result and scores travel in one commit: a reader never sees one without the other
    assert [c.message for c in hub.commits(RESULTS_REPO, "dataset")][1:] == [
        "Update eval-set-scores/rewardbench/org/tiny/abc.jsonl, eval-set/rewardbench/org/tiny/abc.json"
    ]
    assert list(store.pending.batches()) == []
    assert store.list_files("eval-set") == [result_file], "a prefix is a folder, not a string"

    # a second store object (another process) reads it all back after refresh()
    other = make_hub_store(hub, tmp_path / "other")
    other.refresh()
    assert [r.request_id for r in other.list_requests()] == ["r1"]
    assert other.read_example_scores(result_file) == examples
    assert [path for path, _ in other.iter_result_files()] == [result_file]


def test_reads_come_from_the_local_snapshot(hub, tmp_path):
    store = make_hub_store(hub, tmp_path)
    store.add_request(make_request("r1"))
    store.refresh()
    served = len(hub.requests)
    assert store.list_requests()[0].request_id == "r1"
    assert store.read_file("requests/org/tiny/r1.json") is not None
    assert len(hub.requests) == served, "reads after refresh() must not go to the Hub"


def test_refresh_follows_changes_made_elsewhere(hub, tmp_path):
    store = make_hub_store(hub, tmp_path)
    store.write_file("cache/a.bin", b"one")
    store.refresh()
    hub.commit(RESULTS_REPO, {"cache/b.bin": b"two"}, "dataset", deletions=["cache/a.bin"])
    assert store.read_file("cache/a.bin") == b"one", "before refresh() the snapshot stays as it was"
    store.refresh()
    assert store.read_file("cache/a.bin") is None
    assert store.read_file("cache/b.bin") == b"two"
    assert store.list_files("cache") == ["cache/b.bin"]


def test_a_store_reads_its_own_writes_before_refresh(hub, tmp_path):
    store = make_hub_store(hub, tmp_path)
    store.refresh()
    request = make_request("r1")
    store.add_request(request)
    store.write_file("cache/x.bin", b"x")
    assert store.list_requests() == [request]
    assert store.read_file("cache/x.bin") == b"x"


def test_add_request_refuses_a_taken_id(hub, tmp_path):
    store = make_hub_store(hub, tmp_path)
    store.add_request(make_request("r1"))
    with pytest.raises(FileExistsError):
        make_hub_store(hub, tmp_path / "other").add_request(make_request("r1", submitter="someone-else"))


def test_replace_request_is_compare_and_swap(hub, tmp_path):
    first, second = make_hub_store(hub, tmp_path / "a"), make_hub_store(hub, tmp_path / "b")
    original = make_request("r1")
    first.add_request(original)
    mine = original.model_copy(update={"worker_id": "a"})
    assert first.replace_request(original, mine)
    assert not second.replace_request(original, original.model_copy(update={"worker_id": "b"}))
    second.refresh()
    assert second.list_requests() == [mine]


def start_swap_held_before_commit(hub, tmp_path):
    """Add request r1, then start swapping in worker "a" on a thread; the Hub holds the swap just
    before its commit so the test can change the repo underneath it."""
    store = make_hub_store(hub, tmp_path)
    original = make_request("r1")
    store.add_request(original)
    gate = hub.hold("POST", PREUPLOAD_TO_REQUESTS)
    swapped = {}
    thread = threading.Thread(
        target=lambda: swapped.update(
            ok=store.replace_request(original, original.model_copy(update={"worker_id": "a"}))
        )
    )
    thread.start()
    assert gate.wait_hit(10)
    return store, original, gate, thread, swapped


def test_a_commit_elsewhere_in_the_repo_does_not_fail_a_swap(hub, tmp_path):
    """The Hub answers 412 when the branch moved under a commit; if the request itself did not
    change, the store reads again and the swap still lands."""
    store, original, gate, thread, swapped = start_swap_held_before_commit(hub, tmp_path)
    hub.commit(REQUESTS_REPO, {"requests/org/other/r2.json": b"{}"}, "dataset")  # moves the branch
    gate.release()
    thread.join(timeout=30)
    assert swapped == {"ok": True}
    assert 412 in statuses(hub, COMMIT_TO_REQUESTS)
    assert b'"worker_id": "a"' in hub.files(REQUESTS_REPO, "dataset")["requests/org/tiny/r1.json"]


def test_a_conflicting_change_of_the_request_makes_the_swap_fail(hub, tmp_path):
    store, original, gate, thread, swapped = start_swap_held_before_commit(hub, tmp_path)
    theirs = original.model_copy(update={"worker_id": "b"})
    hub.commit(REQUESTS_REPO, {request_path(original): theirs.model_dump_json(indent=2).encode()}, "dataset")
    gate.release()
    thread.join(timeout=30)
    assert swapped == {"ok": False}
    assert 412 in statuses(hub, COMMIT_TO_REQUESTS)
    store.refresh()
    assert store.list_requests() == [theirs]


def test_a_swap_whose_answer_was_lost_is_not_reported_as_failed(hub, tmp_path):
    """The commit lands but its answer is lost: the retry meets 412 (the branch moved, by our own
    commit), reads again, finds its own bytes, and reports success, without a second commit."""
    store = make_hub_store(hub, tmp_path)
    original = make_request("r1")
    store.add_request(original)
    hub.fail_next("POST", COMMIT_TO_REQUESTS, times=1, status=502, after_applying=True)
    mine = original.model_copy(update={"worker_id": "a"})

    assert store.replace_request(original, mine)

    assert statuses(hub, COMMIT_TO_REQUESTS)[-2:] == [502, 412]
    messages = [c.message for c in hub.commits(REQUESTS_REPO, "dataset")]
    assert messages.count("Request r1: PENDING -> PENDING") == 1
    store.refresh()
    assert store.list_requests() == [mine]


def test_add_request_never_overwrites_an_unreadable_file(hub, tmp_path):
    store = make_hub_store(hub, tmp_path)
    store.refresh()
    request = make_request("r1")
    hub.commit(REQUESTS_REPO, {request_path(request): b"{half a file"}, "dataset")
    with pytest.raises(FileExistsError):
        store.add_request(request)
    assert hub.files(REQUESTS_REPO, "dataset")[request_path(request)] == b"{half a file"


def test_an_upload_failing_three_times_then_succeeding_loses_nothing(hub, tmp_path):
    store = make_hub_store(hub, tmp_path, attempts=4)
    store.refresh()
    hub.fail_next("POST", COMMIT_TO_RESULTS, times=3, status=503)
    result, examples = sample_outcome()
    store.write_result(result, examples)
    assert statuses(hub, COMMIT_TO_RESULTS) == [503, 503, 503, 200]
    files = hub.files(RESULTS_REPO, "dataset")
    result_file, scores_file = result_paths(result)
    assert files[result_file] == result.model_dump_json(indent=2).encode()
    assert scores_file in files
    assert store.pending.batches() == []


def test_a_long_outage_keeps_the_result_on_disk_until_it_can_be_uploaded(hub, tmp_path):
    store = make_hub_store(hub, tmp_path, attempts=3)
    store.refresh()
    outage = hub.fail_next("POST", COMMIT_TO_RESULTS, times=1000, status=502)
    result, examples = sample_outcome()
    with pytest.raises(StoreUnavailable, match="failed 3 times"):
        store.write_result(result, examples)
    result_file, _ = result_paths(result)
    assert result_file not in hub.files(RESULTS_REPO, "dataset")
    assert len(store.pending.batches()) == 1
    assert store.read_example_scores(result_file) == examples, "the staged result is readable meanwhile"

    # the worker restarts (a new store object on the same cache folder); the Hub comes back
    outage.remaining = 0
    restarted = make_hub_store(hub, tmp_path)
    restarted.refresh()
    assert (
        hub.files(RESULTS_REPO, "dataset")[result_file]
        == result.model_dump_json(indent=2).encode()
    )
    assert restarted.pending.batches() == []


def test_a_cache_file_the_hub_refuses_now_waits_on_disk_without_failing_the_run(hub, tmp_path):
    store = make_hub_store(hub, tmp_path, attempts=2)
    store.refresh()
    outage = hub.fail_next("POST", COMMIT_TO_RESULTS, times=1000, status=503)
    path = "cache/judgements/abc/def.jsonl"
    write_cache_file(store, path, b'{"key": "k"}\n')  # an evaluation writing a chunk goes on
    assert outage.served == 2 and store.read_file(path) == b'{"key": "k"}\n'
    outage.remaining = 0
    store.refresh()
    assert hub.files(RESULTS_REPO, "dataset")[path] == b'{"key": "k"}\n'


def test_transient_read_errors_are_retried(hub, tmp_path):
    store = make_hub_store(hub, tmp_path, attempts=4)
    store.add_request(make_request("r1"))
    hub.fail_next("GET", rf"^/api/datasets/{REQUESTS_REPO}$", times=2, status=500)
    hub.fail_next("GET", r"/resolve/", times=1, status=503)
    store.refresh()
    assert [r.request_id for r in store.list_requests()] == ["r1"]


def test_errors_that_retrying_cannot_fix_are_raised_at_once(hub, tmp_path):
    make_hub_store(hub, tmp_path / "good").refresh()  # creates the repos
    store = HubStore(
        RESULTS_REPO,
        REQUESTS_REPO,
        "hf_wrong_token",
        cache_dir=tmp_path / "bad",
        endpoint=hub.endpoint,
        retry=RetryPolicy(attempts=4, first_delay_s=0.01),
    )
    store.refresh()  # reading needs no token
    with pytest.raises(Exception) as raised:
        store.write_file("cache/x.bin", b"x")
    assert not isinstance(raised.value, StoreUnavailable)
    assert statuses(hub, COMMIT_TO_RESULTS + "|preupload") == [401], "a refused token is not retried"


@pytest.mark.parametrize("path", ["../x.json", "eval-set/../../x.json", "/abs/x.json", "eval-set/org/.x"])
def test_unsafe_paths_never_reach_the_hub(hub, tmp_path, path):
    store = make_hub_store(hub, tmp_path)
    store.refresh()
    served = len(hub.requests)
    with pytest.raises(InvalidModelName):
        store.write_file(path, b"x")
    with pytest.raises(InvalidModelName):
        store.read_file(path)
    assert len(hub.requests) == served
    assert store.pending.batches() == []


def test_results_with_unsafe_model_names_never_reach_the_hub(hub, tmp_path):
    store = make_hub_store(hub, tmp_path)
    result, examples = sample_outcome()
    evil = result.model_copy(update={"model": result.model.model_copy(update={"name": "../../evil"})})
    with pytest.raises(InvalidModelName):
        store.write_result(evil, examples)
    bad_request = make_request("r1").model_copy(update={"org": ".."})
    with pytest.raises(InvalidModelName):
        store.add_request(bad_request)
    assert statuses(hub, "commit") == []


# ---- the emulator answers model_info as the Hub does (the submit form relies on it) ----------


def test_model_info_reports_what_the_submit_form_checks(hub, tiny_classifier):
    import json

    from huggingface_hub import HfApi

    remote_code_config = json.loads((tiny_classifier / "config.json").read_text())
    remote_code_config["auto_map"] = {"AutoModelForSequenceClassification": "modeling.MyRM"}
    sha = upload_model(
        hub,
        "org/tiny",
        tiny_classifier,
        license="mit",
        extra_files={"config.json": json.dumps(remote_code_config).encode()},
    )
    info = HfApi().model_info("org/tiny", files_metadata=True)  # through HF_ENDPOINT, as the app does

    assert info.sha == sha
    sizes = {s.rfilename: s.size for s in info.siblings}
    assert sizes["model.safetensors"] == (tiny_classifier / "model.safetensors").stat().st_size
    weights = next(s for s in info.siblings if s.rfilename == "model.safetensors")
    assert weights.lfs is not None and len(weights.lfs.sha256) == 64
    assert info.safetensors.total == _parameter_count(tiny_classifier) > 0
    assert info.card_data.license == "mit" and info.gated is False
    assert info.config["architectures"] == ["GPT2ForSequenceClassification"]
    assert info.config["auto_map"] == {"AutoModelForSequenceClassification": "modeling.MyRM"}


def test_gated_models_and_missing_revisions_fail_like_on_the_hub(hub, tiny_classifier, tmp_path):
    from huggingface_hub import HfApi, snapshot_download
    from huggingface_hub.errors import GatedRepoError, RevisionNotFoundError

    upload_model(hub, "org/gated", tiny_classifier, gated="manual")
    assert HfApi().model_info("org/gated").gated == "manual"
    with pytest.raises(GatedRepoError):
        snapshot_download("org/gated", cache_dir=tmp_path / "a")
    hub.grant_access("org/gated", EMULATOR_TOKEN)
    assert Path(
        snapshot_download("org/gated", cache_dir=tmp_path / "b", token=EMULATOR_TOKEN), "config.json"
    ).exists()
    with pytest.raises(RevisionNotFoundError):
        snapshot_download(
            "org/gated", revision="no-such-branch", cache_dir=tmp_path / "c", token=EMULATOR_TOKEN
        )


def _parameter_count(folder: Path) -> int:
    """Counted independently of the emulator: safetensors' own reader."""
    from safetensors import safe_open

    with safe_open(str(folder / "model.safetensors"), "np") as weights:
        return sum(math.prod(weights.get_slice(name).get_shape()) for name in weights.keys())
