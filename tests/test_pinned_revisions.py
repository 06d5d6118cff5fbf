"""The commit a submission checked is the commit evaluated: a branch that moves after submission, a
local folder that changes, and a DPO reference pinned at submission (through the Hub emulator)."""

from __future__ import annotations

import shutil

import pytest

from evaluator.request_processing import Worker
from evaluator.run_config import RunConfig
from evaluator.runner import evaluate
from evaluator.tiny_models import build_causal_lm, build_classifier
from results.folder_hash import local_revision
from results.schema import Status
from results.store import result_paths
from tests.hub_fixtures import hub_fixture, make_request, make_store, upload_model  # noqa: F401
from tests.test_worker import ROWS, read_result, settings_for, stored


@pytest.fixture
def data_path(tmp_path):
    from tests.conftest import write_jsonl

    return write_jsonl(tmp_path / "bench.jsonl", ROWS)


def _local_scores(folder, data_path, **fields) -> list[float]:
    config = RunConfig(model=str(folder), data=str(data_path), device="cpu", bootstrap_samples=10,
                       progress=False, **fields)
    return [v for e in evaluate(config).examples for v in e.scores_chosen + e.scores_rejected]


def _stored_scores(store, org: str, name: str) -> list[float]:
    result_file, _ = result_paths(read_result(store, org, name))
    return [v for e in store.read_example_scores(result_file) for v in e.scores_chosen + e.scores_rejected]


def _move_main(hub, repo_id: str, folder) -> str:
    """A new commit on main with other weights (as a user pushing after submitting)."""
    return hub.commit(repo_id, {"model.safetensors": (folder / "model.safetensors").read_bytes()}, "model")


def test_a_branch_that_moves_after_submission_is_evaluated_at_the_submitted_commit(
    hub, tmp_path, tiny_classifier, tiny_tokenizer, data_path
):
    submitted = upload_model(hub, "org/tiny", tiny_classifier)
    newer = build_classifier(tmp_path / "newer" / "org" / "tiny", tiny_tokenizer, seed=7)
    moved_to = _move_main(hub, "org/tiny", newer)
    assert hub.head("org/tiny") == moved_to != submitted
    store = make_store("local", hub, tmp_path)
    store.add_request(make_request("r1", "org/tiny", revision="main", revision_resolved=submitted))

    Worker(settings_for(tmp_path, data_path), store).process_next()

    assert stored(store, "r1").status == Status.FINISHED
    model = read_result(store, "org", "tiny").model
    assert (model.revision_requested, model.revision_resolved) == ("main", submitted)
    scores = _stored_scores(store, "org", "tiny")
    assert scores == pytest.approx(_local_scores(tiny_classifier, data_path), abs=1e-5)
    assert scores != pytest.approx(_local_scores(newer, data_path), abs=1e-3), "the two weights must differ"


def test_a_request_without_a_pinned_commit_takes_the_branch_s_latest(
    hub, tmp_path, tiny_classifier, tiny_tokenizer, data_path
):
    upload_model(hub, "org/tiny", tiny_classifier)
    moved_to = _move_main(hub, "org/tiny", build_classifier(tmp_path / "newer", tiny_tokenizer, seed=7))
    store = make_store("local", hub, tmp_path)
    store.add_request(make_request("r1", "org/tiny", revision="main"))

    Worker(settings_for(tmp_path, data_path), store).process_next()

    assert read_result(store, "org", "tiny").model.revision_resolved == moved_to


def test_a_local_folder_is_evaluated_only_while_it_holds_the_submitted_files(
    hub, tmp_path, tiny_classifier, data_path
):
    folder = shutil.copytree(tiny_classifier, tmp_path / "models" / "org" / "local-rm")
    pinned = local_revision(folder)
    store = make_store("local", hub, tmp_path)
    store.add_request(make_request("same", str(folder), revision_resolved=pinned, minutes_ago=2))
    store.add_request(make_request("changed", str(folder), revision_resolved=pinned, minutes_ago=1))
    worker = Worker(settings_for(tmp_path, data_path), store)

    worker.process_next()
    assert stored(store, "same").status == Status.FINISHED
    assert read_result(store, "org", "local-rm").model.revision_resolved == pinned

    (folder / "config.json").write_text((folder / "config.json").read_text() + "\n")
    worker.process_next()
    failed = stored(store, "changed")
    assert failed.status == Status.FAILED
    assert failed.error == (
        f"the model folder {folder} changed after it was submitted (its content was {pinned}, "
        f"now {local_revision(folder)}); submit it again to evaluate the files it holds now"
    )


@pytest.mark.parametrize("pinned_in", ["ref_revision_resolved", "ref_revision"])
def test_the_dpo_reference_is_read_at_its_pinned_commit(hub, tmp_path, tiny_tokenizer, data_path, pinned_in):
    """Submissions pin the reference in ref_revision_resolved (older ones in ref_revision)."""
    policy = build_causal_lm(tmp_path / "m" / "org" / "policy", tiny_tokenizer, seed=1)
    reference = build_causal_lm(tmp_path / "m" / "org" / "ref", tiny_tokenizer, seed=2)
    upload_model(hub, "org/policy", policy)
    submitted_ref = upload_model(hub, "org/ref", reference)
    _move_main(hub, "org/ref", build_causal_lm(tmp_path / "m2" / "org" / "ref", tiny_tokenizer, seed=9))
    store = make_store("local", hub, tmp_path)
    ref_fields = {"ref_revision": "main", "ref_revision_resolved": submitted_ref}
    if pinned_in == "ref_revision":
        ref_fields = {"ref_revision": submitted_ref}
    store.add_request(make_request("r1", "org/policy", model_type="dpo", ref_model="org/ref", **ref_fields))

    Worker(settings_for(tmp_path, data_path), store).process_next()

    assert stored(store, "r1").status == Status.FINISHED, stored(store, "r1").error
    assert read_result(store, "org", "policy").model.ref_revision_resolved == submitted_ref
    expected = _local_scores(policy, data_path, model_type="dpo", ref_model=str(reference))
    assert _stored_scores(store, "org", "policy") == pytest.approx(expected, abs=1e-4)
