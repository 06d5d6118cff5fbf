"""The scored rows' texts in the store: written once per data fingerprint with the first result on
that data (both stores, and by the worker after a real evaluation), checked against the fingerprint
when read back."""

from __future__ import annotations

import hashlib

import pytest

from evaluator.request_processing import Worker
from results.schema import ExampleText
from results.store import TEXTS_DIR, LocalStore, result_paths, texts_bytes, texts_path
from tests.conftest import make_rows, write_jsonl
from tests.hub_fixtures import (  # noqa: F401 (hub_fixture provides the `hub` fixture)
    RESULTS_REPO,
    hub_fixture,
    make_request,
    make_store,
    sample_outcome,
    upload_model,
)
from tests.test_worker import read_result, settings_for

TEXTS = [
    ExampleText(
        id=1, subset="alpacaeval-easy", prompt=[("user", "Hi ünïcode")], chosen=["Hello!"], rejected=["Go."]
    ),
    ExampleText(id="b", subset="math-prm", prompt=[("user", "2+2?")], chosen=["4"], rejected=["5", "22"]),
]
FINGERPRINT = hashlib.sha256(texts_bytes(TEXTS)).hexdigest()


def outcome_on_texts(model: str = "org/tiny", fingerprint: str = FINGERPRINT):
    return sample_outcome(model, fingerprint=fingerprint)


def test_a_texts_file_hashes_to_the_fingerprint_the_evaluator_computes():
    from evaluator.benchmarks.loading import Example, fingerprint

    rows = [
        Example(t.id, t.subset, tuple(tuple(m) for m in t.prompt), tuple(t.chosen), tuple(t.rejected))
        for t in TEXTS
    ]
    assert fingerprint(rows) == FINGERPRINT


@pytest.mark.parametrize("kind", ["local", "hub"])
def test_texts_are_written_with_the_first_result_on_their_data_and_only_then(kind, hub, tmp_path):
    store = make_store(kind, hub, tmp_path)
    first, examples = outcome_on_texts("org/first")
    store.write_result(first, examples, texts=TEXTS)
    path = texts_path("rewardbench", FINGERPRINT)
    assert store.read_file(path) == texts_bytes(TEXTS)
    assert store.read_example_texts("rewardbench", FINGERPRINT) == TEXTS

    second, examples = outcome_on_texts("org/second")
    store.write_result(second, examples, texts=TEXTS)
    assert store.read_example_scores(result_paths(second)[0]) == examples
    if kind == "hub":
        # one commit per result; the second one carries no texts (the first one's are there)
        commits = hub.commits(RESULTS_REPO, "dataset")
        latest = hub.files(RESULTS_REPO, "dataset")
        assert path in latest and result_paths(second)[0] in latest
        assert len([c for c in commits if "eval-set/" in c.message]) == 2
        assert path not in commits[-1].message and path in commits[-2].message


def test_texts_that_are_not_the_rows_of_the_fingerprint_are_never_written(tmp_path, caplog):
    store = LocalStore(tmp_path)
    result, examples = outcome_on_texts(fingerprint="0" * 64)
    store.write_result(result, examples, texts=TEXTS)
    assert store.list_files(TEXTS_DIR) == []
    assert "not the rows its fingerprint names" in caplog.text
    assert store.read_example_scores(result_paths(result)[0]) == examples  # the result itself is stored


def test_a_tampered_or_unreadable_texts_file_is_ignored(tmp_path, caplog):
    store = LocalStore(tmp_path)
    store.write_file(texts_path("rewardbench", FINGERPRINT), texts_bytes(TEXTS).replace(b"Hello", b"Evil!"))
    assert store.read_example_texts("rewardbench", FINGERPRINT) is None
    assert "not the ones its name" in caplog.text
    garbage = b"not json\n"
    store.write_file(texts_path("rewardbench", hashlib.sha256(garbage).hexdigest()), garbage)
    assert store.read_example_texts("rewardbench", hashlib.sha256(garbage).hexdigest()) is None
    assert "unreadable texts file" in caplog.text
    assert store.read_example_texts("rewardbench", "f") is None  # a published or hand-made fingerprint
    assert store.read_example_texts("rewardbench", "a" * 64) is None  # none stored


def test_the_worker_stores_the_rows_it_scored_once(hub, tmp_path, tiny_classifier):
    rows = make_rows({"alpacaeval-easy": 2, "llmbar-natural": 2})
    rows[0]["prompt"] = "<script>window.pwned = 1</script> Über"
    data_path = write_jsonl(tmp_path / "bench.jsonl", rows)
    upload_model(hub, "org/tiny", tiny_classifier)
    upload_model(hub, "org/other", tiny_classifier)
    store = make_store("local", hub, tmp_path)
    store.add_request(make_request("r1", "org/tiny", minutes_ago=2))
    store.add_request(make_request("r2", "org/other", minutes_ago=1))

    assert Worker(settings_for(tmp_path, data_path), store).tick() == 2

    result = read_result(store, "org", "tiny")
    assert read_result(store, "org", "other").benchmark.data_fingerprint == result.benchmark.data_fingerprint
    assert store.list_files(TEXTS_DIR) == [texts_path("rewardbench", result.benchmark.data_fingerprint)]
    texts = store.read_example_texts("rewardbench", result.benchmark.data_fingerprint)
    assert [(t.id, t.subset, t.prompt, t.chosen, t.rejected) for t in texts] == [
        (r["id"], r["subset"], [("user", r["prompt"])], [r["chosen"]], [r["rejected"]]) for r in rows
    ]
