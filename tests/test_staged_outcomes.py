"""When a staged outcome may stand in for an evaluation (evaluator/staged_outcomes.py): only while
the store holds exactly the bytes staged, for the request as it was evaluated. The worker's whole
round (failed uploads, requeue, the next claim) is in tests/test_worker.py and
tests/test_policy_worker.py."""

from __future__ import annotations

import logging

from evaluator.staged_outcomes import staged_outcome, usable_staged
from results.schema import Status
from results.store import LocalStore, result_files
from tests.hub_fixtures import make_request, sample_outcome


def staged_request(store: LocalStore):
    """A PENDING request whose outcome (a hand-made result) is in `store`, staged on the request."""
    request = make_request("r1", "org/tiny")
    files = result_files(*sample_outcome("org/tiny"))
    store.write_files(files)
    return request.model_copy(update={"staged": staged_outcome(request, files, "abc", "score 0.5000")}), files


def test_an_outcome_the_store_holds_byte_for_byte_stands_in_for_the_evaluation(tmp_path):
    store = LocalStore(tmp_path / "store")
    request, _ = staged_request(store)
    assert usable_staged(store, request) == request.staged
    # the queue moving the request on (claimed, an attempt counted) is not a change of what it asks
    claimed = request.model_copy(update={"status": Status.RUNNING, "worker_id": "w2", "attempts": 1})
    assert usable_staged(store, claimed) == request.staged
    assert usable_staged(store, make_request("r2", "org/tiny")) is None  # nothing staged: evaluate


def test_a_staged_outcome_missing_from_the_store_means_evaluating_again(tmp_path, caplog):
    request, _ = staged_request(LocalStore(tmp_path / "first"))
    elsewhere = LocalStore(tmp_path / "second")  # another worker: the staged files are not on its disk
    with caplog.at_level(logging.WARNING, logger="evaluator.worker"):
        assert usable_staged(elsewhere, request) is None
    assert "evaluating request r1 again" in caplog.text and "is not in the store" in caplog.text


def test_a_damaged_or_replaced_staged_file_means_evaluating_again(tmp_path, caplog):
    store = LocalStore(tmp_path / "store")
    request, files = staged_request(store)
    scores_file = next(path for path in files if path.endswith(".jsonl"))
    store.write_file(scores_file, files[scores_file][:-10])
    with caplog.at_level(logging.WARNING, logger="evaluator.worker"):
        assert usable_staged(store, request) is None
    assert f"{scores_file} does not hold the bytes staged" in caplog.text


def test_an_outcome_staged_before_the_request_was_changed_is_not_stored_for_it(tmp_path, caplog):
    store = LocalStore(tmp_path / "store")
    request, _ = staged_request(store)
    changed = request.model_copy(update={"revision": "v2"})  # e.g. a maintainer points it at another commit
    with caplog.at_level(logging.WARNING, logger="evaluator.worker"):
        assert usable_staged(store, changed) is None
    assert "before it was changed" in caplog.text
