"""Results kept per benchmark and per model revision, the older flat layout still read, in both
stores (LocalStore and HubStore on the emulator): issue 11, point 4."""

from __future__ import annotations

import json

import pytest

from results.schema import EvalResult, ExampleScore
from results.store import (
    legacy_result_path,
    legacy_scores_path,
    result_paths,
    scores_bytes,
    scores_path_of,
)
from tests.hub_fixtures import hub_fixture, make_store, sample_outcome  # noqa: F401 (the `hub` fixture)

STORE_KINDS = ["local", "hub"]


def _results_by_path(store) -> dict[str, bytes]:
    store.refresh()
    return dict(store.iter_result_files())


def _four_outcomes():
    """One model on two benchmarks, each at two commits."""
    return [
        sample_outcome("org/tiny", benchmark=benchmark, revision=revision)
        for benchmark in ("rewardbench", "rewardbench-2")
        for revision in ("1" * 40, "2" * 40)
    ]


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_two_benchmarks_and_two_revisions_of_one_model_are_all_kept(kind, hub, tmp_path):
    writer = make_store(kind, hub, tmp_path)
    outcomes = _four_outcomes()
    for result, examples in outcomes:
        writer.write_result(result, examples)

    reader = make_store(kind, hub, tmp_path)  # another process, as the web app is
    stored = _results_by_path(reader)
    assert sorted(stored) == sorted(result_paths(result)[0] for result, _ in outcomes)
    assert len(stored) == 4
    for result, examples in outcomes:
        result_file, _ = result_paths(result)
        assert EvalResult.model_validate_json(stored[result_file]) == result
        assert reader.read_example_scores(result_file) == examples
    # every outcome's scores differ, so a read of the wrong file would have been caught above
    assert len({json.dumps([e.model_dump() for e in ex]) for _, ex in outcomes}) == 4


def test_the_layout_is_benchmark_then_model_then_revision():
    result, _ = sample_outcome("org/tiny", benchmark="rewardbench-2", revision="c0ffee")
    assert result_paths(result) == (
        "eval-set/rewardbench-2/org/tiny/c0ffee.json",
        "eval-set-scores/rewardbench-2/org/tiny/c0ffee.jsonl",
    )


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_a_result_on_custom_data_is_kept_beside_the_one_on_the_benchmark_data(kind, hub, tmp_path):
    store = make_store(kind, hub, tmp_path)
    own = sample_outcome(revision="abc")
    custom = sample_outcome(revision="abc", custom_data=True, fingerprint="0123456789abcdef" * 4)
    for result, examples in (own, custom):
        store.write_result(result, examples)
    custom_file, _ = result_paths(custom[0])
    assert custom_file == "eval-set/rewardbench/org/tiny/abc.custom-0123456789ab.json"
    stored = _results_by_path(make_store(kind, hub, tmp_path))
    assert sorted(stored) == sorted([result_paths(own[0])[0], custom_file])


def _write_old_layout(store) -> dict[str, object]:
    """What stores held before results were keyed by benchmark and revision: one of our EvalResult
    files with its scores, and a flat published RewardBench result (no scores)."""
    ours, ours_examples = sample_outcome("old/rm", revision="0" * 40)
    published = {"model": "pub/rm", "model_type": "Seq. Classifier", "chat_template": "tokenizer",
                 "alpacaeval-easy": 0.9}
    store.write_file(legacy_scores_path("old", "rm"), scores_bytes(ours_examples))
    store.write_file(legacy_result_path("old", "rm"), ours.model_dump_json(indent=2).encode())
    store.write_file(legacy_result_path("pub", "rm"), json.dumps(published).encode())
    return {"ours": ours, "examples": ours_examples, "published": published}


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_the_old_flat_layout_is_still_read_beside_the_new_one(kind, hub, tmp_path):
    writer = make_store(kind, hub, tmp_path)
    old = _write_old_layout(writer)
    new, new_examples = sample_outcome("old/rm", benchmark="rewardbench-2", revision="1" * 40)
    writer.write_result(new, new_examples)

    reader = make_store(kind, hub, tmp_path)
    stored = _results_by_path(reader)
    old_file, published_file, new_file = (
        legacy_result_path("old", "rm"), legacy_result_path("pub", "rm"), result_paths(new)[0]
    )
    assert sorted(stored) == sorted([old_file, published_file, new_file])
    assert EvalResult.model_validate_json(stored[old_file]) == old["ours"]
    assert json.loads(stored[published_file]) == old["published"]
    assert reader.read_example_scores(old_file) == old["examples"]
    assert reader.read_example_scores(new_file) == new_examples
    assert reader.read_example_scores(published_file) == [], "published results have no scores here"


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_scores_with_an_id_repeated_in_two_subsets_are_all_kept(kind, hub, tmp_path):
    """RewardBench v1 ids repeat across subsets: scores are keyed by (subset, id), never by id."""
    result, _ = sample_outcome()
    examples = [
        ExampleScore(id=7, subset=subset, scores_chosen=[score], scores_rejected=[0.0], correct=1.0)
        for subset, score in (("llmbar-natural", 1.0), ("hep-python", 2.0))
    ]
    make_store(kind, hub, tmp_path).write_result(result, examples)
    reader = make_store(kind, hub, tmp_path)
    reader.refresh()
    assert reader.read_example_scores(result_paths(result)[0]) == examples


@pytest.mark.parametrize(
    "path, expected",
    [
        ("eval-set/org/m.json", "eval-set-scores/org/m.jsonl"),
        ("eval-set/rewardbench-2/org/m/abc.json", "eval-set-scores/rewardbench-2/org/m/abc.jsonl"),
    ],
)
def test_scores_are_found_beside_a_result_of_either_layout(path, expected):
    assert scores_path_of(path) == expected


@pytest.mark.parametrize("path", ["requests/org/m/r.json", "eval-set/org/m.jsonl", "eval-set/m.json"])
def test_a_path_that_is_no_result_file_has_no_scores_path(path):
    with pytest.raises(ValueError, match="not a result file"):
        scores_path_of(path)
