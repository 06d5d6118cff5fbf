"""A result says whether it is complete and whose data it scored: missing core subsets, custom data,
and the optional prior sets (asked for on the command line or by the worker's RMLB_PRIOR_SETS)."""

from __future__ import annotations

import dataclasses

import pytest

from evaluator import benchmarks
from evaluator.benchmarks import REWARDBENCH, DataSource
from evaluator.errors import DataError
from evaluator.request_processing import Worker
from evaluator.run_config import RunConfig
from evaluator.runner import evaluate
from evaluator.settings import WorkerSettings
from results.schema import Status
from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS
from results.store import LocalStore
from tests.conftest import make_rows, write_jsonl
from tests.hub_fixtures import make_request
from tests.test_worker import read_result, stored

PRIOR = [s for section in REWARDBENCH_SECTIONS if section.name == "Prior Sets" for s in section.subset_weights]
CORE = [s for section in REWARDBENCH_SECTIONS if section.name != "Prior Sets" for s in section.subset_weights]


@pytest.fixture(scope="module")
def core_file(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("data") / "core.jsonl", make_rows(dict.fromkeys(CORE, 1)))


@pytest.fixture(scope="module")
def prior_file(tmp_path_factory):
    return write_jsonl(tmp_path_factory.mktemp("data") / "prior.jsonl", make_rows(dict.fromkeys(PRIOR, 1), "p"))


@pytest.fixture
def own_data(monkeypatch, core_file, prior_file):
    """RewardBench's own sources, read from local copies (the Hub is out of reach in tests)."""
    local = dataclasses.replace(
        REWARDBENCH,
        core_source=DataSource(str(core_file)),
        extra_sources={"prior-sets": DataSource(str(prior_file))},
    )
    monkeypatch.setitem(benchmarks.BENCHMARKS, "rewardbench", local)


def _benchmark_info(model, **fields):
    config = RunConfig(model=str(model), device="cpu", bootstrap_samples=5, progress=False, **fields)
    return evaluate(config).result


def test_core_subsets_leave_out_extras_not_asked_for():
    assert list(REWARDBENCH.missing((), extras=())) == CORE and len(CORE) == 23
    assert list(REWARDBENCH.missing((), extras=("prior-sets",))) == CORE + PRIOR


def test_the_benchmark_s_own_data_in_full_is_complete(own_data, tiny_classifier):
    info = _benchmark_info(tiny_classifier).benchmark
    assert (info.custom_data, info.missing_subsets, info.complete) == (False, [], True)


def test_subsets_left_out_are_recorded_as_missing(own_data, tiny_classifier):
    info = _benchmark_info(tiny_classifier, subsets=["hep-go", "alpacaeval-easy"]).benchmark
    assert info.custom_data is False and not info.complete
    assert info.missing_subsets == [s for s in CORE if s not in ("hep-go", "alpacaeval-easy")]


@pytest.mark.parametrize("how", ["data", "benchmark"])
def test_a_data_file_is_custom_data_and_lacks_what_it_lacks(tmp_path, tiny_classifier, how):
    data = write_jsonl(tmp_path / "mine.jsonl", make_rows({"hep-go": 2, "donotanswer": 2}))
    result = _benchmark_info(tiny_classifier, **{how: str(data)})
    assert (result.benchmark.name, result.benchmark.custom_data) == ("rewardbench", True)
    assert result.benchmark.missing_subsets == [s for s in CORE if s not in ("hep-go", "donotanswer")]


def test_prior_sets_asked_for_count_as_missing_when_absent(own_data, tmp_path, tiny_classifier):
    partial = write_jsonl(tmp_path / "prior.jsonl", make_rows({"shp": 1, "anthropic_hhh": 1}, "p"))
    result = _benchmark_info(tiny_classifier, prior_sets=True, extra_data={"prior-sets": str(partial)})
    assert result.benchmark.custom_data is True  # the prior sets are not the benchmark's own
    assert result.benchmark.missing_subsets == ["anthropic_helpful", "summarize"]
    assert result.sections["Prior Sets"].subsets == ["anthropic_hhh", "shp"]


def test_an_override_for_an_unknown_extra_is_refused(own_data, tiny_classifier, prior_file):
    with pytest.raises(DataError, match="rewardbench has no extra data named 'prior_sets' \\(it has: prior-sets\\)"):
        _benchmark_info(tiny_classifier, prior_sets=True, extra_data={"prior_sets": str(prior_file)})


def _worker_result(tmp_path, model, core_file, prior_file, **env):
    """One request through a worker configured from the environment, as a host would."""
    settings = WorkerSettings.from_env({
        "RMLB_STORE_ROOT": str(tmp_path / "store"),
        "RMLB_DATA_OVERRIDES": f"rewardbench={core_file},rewardbench.prior-sets={prior_file}",
        "RMLB_DEVICE": "cpu",
        "RMLB_BOOTSTRAP_SAMPLES": "5",
        **env,
    })
    store = LocalStore(tmp_path / "store")
    store.add_request(make_request("r1", str(model)))
    Worker(settings, store).process_next()
    assert stored(store, "r1").status == Status.FINISHED, stored(store, "r1").error
    return read_result(store, "tiny-org", "tiny-rm")


def test_a_worker_with_prior_sets_on_scores_them(tmp_path, tiny_classifier, core_file, prior_file):
    result = _worker_result(tmp_path, tiny_classifier, core_file, prior_file, RMLB_PRIOR_SETS="true")
    assert result.sections["Prior Sets"].subsets == PRIOR and set(result.subsets) == set(CORE + PRIOR)
    assert (result.benchmark.custom_data, result.benchmark.missing_subsets) == (True, [])
    assert str(prior_file) in result.benchmark.data_source


def test_a_worker_scores_no_prior_sets_by_default(tmp_path, tiny_classifier, core_file, prior_file):
    result = _worker_result(tmp_path, tiny_classifier, core_file, prior_file)
    assert "Prior Sets" not in result.sections and result.benchmark.missing_subsets == []
    assert set(result.subsets) == set(CORE)
