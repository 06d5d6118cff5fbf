"""The demo's published-layout sample: generated, importable offline, shown as imported, and the page
still opens on the results the demo's worker verified."""

from __future__ import annotations

import json

import pytest

from demo.published_sample import SAMPLE_ROOT, SOURCES, V1_MODELS, V2_MODELS, import_sample, is_current
from leaderboard.tables import provenance as prov
from leaderboard.tables import table as t
from leaderboard.data import Snapshot
from leaderboard.pages.common import default_benchmark
from leaderboard.app_settings import AppSettings
from results.imported import read_manifest
from results.store import LocalStore, result_paths
from tests.import_fixtures import published_score
from tests.leaderboard_fixtures import make_result, rb2_levels, result_bytes


def test_the_sample_files_are_what_the_generator_writes():
    assert is_current()


def test_the_sample_imports_once_and_shows_as_imported(tmp_path):
    store = LocalStore(tmp_path / "store")
    first = import_sample(store)
    assert [len(r.imported) for r in first] == [len(V1_MODELS), len(V2_MODELS)]
    assert all(not r.skipped for r in first)
    assert not any(r.changed for r in import_sample(store))  # a second demo run imports nothing
    rows = t.build_tables(*prov.store_files(store)).rows
    assert len(rows) == len(V1_MODELS) + len(V2_MODELS) and set(rows[t.PROVENANCE]) == {prov.IMPORTED}
    for folder, (repo, benchmark) in SOURCES.items():
        commit = read_manifest(store, repo).commit
        assert commit.startswith("folder-")
        ours = rows[rows[t.BENCHMARK] == benchmark]
        assert set(ours[t.SOURCE]) == {f"imported ({repo}@{commit[:12]})"}
        for path in (SAMPLE_ROOT / folder / "eval-set").rglob("*.json"):
            model = json.loads(path.read_bytes())["model"]
            shown = ours.loc[ours[t.MODEL] == model, t.SCORE].iloc[0]
            assert shown == pytest.approx(published_score(path.read_bytes(), benchmark))


def test_the_page_opens_on_verified_results_before_imported_ones(tmp_path):
    store = LocalStore(tmp_path / "store")
    demo_result = make_result(
        "demo/tiny-rm-bt",
        rb2_levels(0.5, 0.4, 0.3, 0.6, 0.5, 0.2),
        benchmark="rewardbench-2",
        custom_data=True,
        data_source="data/sample-rewardbench-2.jsonl",
    )
    store.write_file(result_paths(demo_result)[0], result_bytes(demo_result))
    import_sample(store)
    snapshot = Snapshot(tables=t.build_tables(*prov.store_files(store)))
    assert (
        default_benchmark(snapshot, AppSettings())
        == "rewardbench-2 · custom data: sample-rewardbench-2.jsonl"
    )
