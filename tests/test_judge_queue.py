"""Generative judges through the queue: local judges like any model, API judges only from the
host's allow-list (queued by the host's own command, never with a user's key)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.cli import main
from evaluator.request_processing import Worker
from fakes.openai_stub import OpenAIStub
from results.schema import Status
from results.store import result_paths
from tests.conftest import make_rows, write_jsonl
from tests.hub_fixtures import make_request
from tests.judge_fixtures import build_constant_judge
from tests.test_worker import settings_for as worker_settings
from tests.test_worker import stored

SECRET = "sk-host-key-must-stay-in-the-environment"
ROWS = make_rows({"alpacaeval-easy": 3, "llmbar-natural": 3})


@pytest.fixture
def data_path(tmp_path) -> Path:
    return write_jsonl(tmp_path / "bench.jsonl", ROWS)


@pytest.fixture(scope="module")
def always_b(tmp_path_factory) -> Path:
    return build_constant_judge(tmp_path_factory.mktemp("judges") / "judge-org" / "always-b", "[[B]]")


def settings_for(tmp_path, data_path, **overrides):
    return worker_settings(tmp_path, data_path, judge_max_new_tokens=3, **overrides)


def process(settings, request):
    worker = Worker(settings, settings_store(settings))
    worker.store.add_request(request)
    worker.process_next()
    return stored(worker.store, request.request_id), worker.store


def settings_store(settings):
    from evaluator.settings import build_store

    return build_store(settings)


def test_a_local_judge_is_queued_like_any_model(tmp_path, data_path, always_b):
    settings = settings_for(tmp_path, data_path)
    request = make_request("r-local-judge", str(always_b), model_type="generative", judge_format="skywork-critic")
    done, store = process(settings, request)
    assert done.status is Status.FINISHED, done.error
    result_file = next(p for p in store.list_files("eval-set") if p.endswith(".json"))
    result = json.loads(store.read_file(result_file))
    assert result["judge"]["formats"] == {"pairwise": "skywork-critic"} and result["judge"]["orders"] == 2
    lines = [json.loads(x) for x in store.read_file(result_file.replace("eval-set/", "eval-set-scores/", 1) + "l").splitlines()]
    assert {line["correct"] for line in lines} == {0.5} and all(len(line["judgements"]) == 2 for line in lines)
    assert store.list_files("cache/judgements"), "the judgements are cached in the store"


def test_a_queued_judge_format_must_be_a_built_in(tmp_path, data_path, always_b):
    settings = settings_for(tmp_path, data_path)
    request = make_request("r-file", str(always_b), model_type="generative", judge_format="/etc/hostname")
    done, _ = process(settings, request)
    assert done.status is Status.FAILED and "not a built-in" in done.error


def test_an_api_judge_off_the_allow_list_is_refused(tmp_path, data_path):
    settings = settings_for(tmp_path, data_path)
    request = make_request("r-api", "openai/gpt-x", model_type="generative", api_judge="gpt-x")
    done, _ = process(settings, request)
    assert done.status is Status.FAILED and "not on this worker's allow-list" in done.error


def test_the_host_queues_an_api_judge_and_the_worker_runs_it_with_the_hosts_key(
    tmp_path, data_path, monkeypatch, capsys
):
    with OpenAIStub(reply="Rating: [[8]]\n[[A]]", api_key=SECRET) as stub:
        judges = {"house-judge": {"api_base": stub.api_base, "model": "house-model", "api_key_env": "HOUSE_KEY"}}
        settings = settings_for(tmp_path, data_path, api_judges=judges)
        monkeypatch.setenv("RMLB_STORE", "local")
        monkeypatch.setenv("RMLB_STORE_ROOT", str(tmp_path / "store"))
        monkeypatch.setenv("RMLB_API_JUDGES", json.dumps(judges))
        monkeypatch.setenv("HOUSE_KEY", SECRET)
        assert main(["queue-api-judge", "house-judge", "--benchmark", "rewardbench", "--judge-orders", "1"]) == 0
        assert main(["queue-api-judge", "someone-elses"]) == 1
        assert "not an API judge of this host" in capsys.readouterr().err
        worker = Worker(settings, settings_store(settings))
        (request,) = worker.store.list_requests()
        assert request.api_judge == "house-judge" and request.judge_orders == 1
        worker.process_next()
        done = stored(worker.store, request.request_id)
        assert done.status is Status.FINISHED, done.error
        assert len(stub.requests) == len(ROWS)
        assert {r.headers["authorization"] for r in stub.requests} == {f"Bearer {SECRET}"}
    files = [p for p in (tmp_path / "store").rglob("*") if p.is_file()]
    assert any("eval-set" in str(p) for p in files)
    for path in files:
        assert SECRET.encode() not in path.read_bytes(), path
    result = json.loads(next(p for p in files if p.suffix == ".json" and "eval-set/" in str(p)).read_text())
    assert result["model"]["name"] == "api/house-model" and result["judge"]["api_base"] == stub.api_base
