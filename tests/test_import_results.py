"""Importing published results: through the real Hub client, against the emulator serving dataset
repos in the published layout (v1 and v2 files, one malformed file, a second commit that changes one
file), into a local folder store and into a Hub store."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest

from leaderboard.tables import provenance as prov
from leaderboard.tables import table as t
from leaderboard.import_results import main as import_main
from leaderboard.imports.import_sources import FolderSource, HubSource
from leaderboard.imports.importer import import_results
from results.imported import (
    IMPORTED_DIR,
    git_blob_id,
    imported_file_path,
    iter_imported_files,
    manifest_path,
    read_manifest,
)
from results.store import LocalStore, result_paths
from tests.hub_fixtures import RESULTS_REPO, hub_fixture, make_hub_store  # noqa: F401
from tests.import_fixtures import (
    CHANGED_PATH,
    FIRST_V1_SHA,
    GOOD_V1_PATHS,
    MALFORMED_PATH,
    SECOND_V1_SHA,
    TWIN_MODEL,
    TWIN_PATH,
    V1_CHANGED,
    V1_FILES,
    V1_REPO,
    V2_FILES,
    V2_REPO,
    change_one_v1_file,
    downloads,
    publish_v1,
    publish_v2,
    published_score,
)
from tests.leaderboard_fixtures import make_result, result_bytes, subset_levels

NOW = datetime(2026, 5, 4, 3, 2, 1, tzinfo=timezone.utc)


def clock() -> datetime:
    return NOW


def source(hub, repo: str = V1_REPO, revision=None) -> HubSource:
    return HubSource(repo, revision, endpoint=hub.endpoint)


def every_file(store: LocalStore) -> dict[str, bytes]:
    return {p: store.read_file(p) for p in store.list_files("")}


def rows_of(store) -> "t.pd.DataFrame":
    return t.build_tables(*prov.store_files(store)).rows


def test_files_are_stored_unchanged_with_where_they_came_from_and_a_bad_file_is_skipped(
    hub, tmp_path, caplog
):
    publish_v1(hub)
    store = LocalStore(tmp_path / "store")
    with caplog.at_level(logging.WARNING, logger="leaderboard.imports.importer"):
        report = import_results(store, source(hub), "rewardbench", clock=clock)
    assert sorted(report.imported) == GOOD_V1_PATHS
    assert [s.path_in_repo for s in report.skipped] == [MALFORMED_PATH]
    assert "not valid JSON" in report.skipped[0].reason
    assert f"skipped {MALFORMED_PATH} from {V1_REPO}: not valid JSON" in caplog.text
    manifest = read_manifest(store, V1_REPO)
    assert manifest.commit == FIRST_V1_SHA == hub.head(V1_REPO, "dataset")
    assert manifest.skipped[MALFORMED_PATH].reason == report.skipped[0].reason
    for path in GOOD_V1_PATHS:
        entry = manifest.files[path]
        assert (entry.commit, entry.path_in_repo, entry.imported_at) == (FIRST_V1_SHA, path, NOW)
        assert entry.blob_id == git_blob_id(V1_FILES[path])  # the id the Hub's tree lists
        assert store.read_file(entry.store_path) == V1_FILES[path]  # byte for byte
        assert entry.store_path.startswith(
            f"{IMPORTED_DIR}/results/rewardbench/pub-org/rb-results/{path[:-5]}/"
        )
    assert store.list_files("eval-set") == []  # nothing where the worker writes


def test_a_reimport_fetches_only_the_changed_file_and_keeps_the_earlier_version(hub, tmp_path):
    publish_v1(hub)
    store = LocalStore(tmp_path / "store")
    import_results(store, source(hub), "rewardbench", clock=clock)
    first = read_manifest(store, V1_REPO).files[CHANGED_PATH]
    before = every_file(store)
    change_one_v1_file(hub)
    seen = len(hub.requests)
    report = import_results(store, source(hub), "rewardbench")
    assert downloads(hub, seen) == [CHANGED_PATH]  # the other files were not fetched again
    assert (report.imported, report.unchanged, report.skipped_before, report.skipped) == (
        [CHANGED_PATH],
        2,
        1,
        [],
    )
    after = every_file(store)
    results_before = {p: d for p, d in before.items() if p != manifest_path(V1_REPO)}
    assert {p: after[p] for p in results_before} == results_before  # every earlier file as it was
    manifest = read_manifest(store, V1_REPO)
    current = manifest.files[CHANGED_PATH]
    assert current.commit == SECOND_V1_SHA and store.read_file(current.store_path) == V1_CHANGED
    assert manifest.history == [first] and store.read_file(first.store_path) == V1_FILES[CHANGED_PATH]
    row = rows_of(store).set_index(t.MODEL).loc["beta-lab/judge-2"]
    assert row[t.SCORE] == pytest.approx(published_score(V1_CHANGED, "rewardbench"))
    assert row[t.SOURCE] == f"imported ({V1_REPO}@{SECOND_V1_SHA[:12]})"


def test_a_reimport_of_an_unchanged_repo_downloads_and_writes_nothing(hub, tmp_path):
    publish_v1(hub)
    store = LocalStore(tmp_path / "store")
    import_results(store, source(hub), "rewardbench", clock=clock)
    before, seen = every_file(store), len(hub.requests)
    report = import_results(store, source(hub), "rewardbench")
    assert not report.changed and (report.unchanged, report.skipped_before) == (3, 1)
    assert downloads(hub, seen) == [] and every_file(store) == before


def test_v1_and_v2_files_of_one_model_live_apart_and_both_show(hub, tmp_path):
    publish_v1(hub), publish_v2(hub)
    store = LocalStore(tmp_path / "store")
    import_results(store, source(hub, V1_REPO))  # no benchmark given: each file's subsets say
    import_results(store, source(hub, V2_REPO))
    paths = {r.benchmark: r.store_path for r in read_manifest(store, V2_REPO).files.values()}
    assert set(paths) == {"rewardbench-2"}
    rows = rows_of(store)
    twin = rows[rows[t.MODEL] == "alpha-lab/rm-7b"].set_index(t.BENCHMARK)
    assert set(twin.index) == {"rewardbench", "rewardbench-2"}
    v2 = V2_FILES["eval-set/alpha-lab/rm-7b.json"]
    assert twin.loc["rewardbench-2", t.SCORE] == pytest.approx(published_score(v2, "rewardbench-2"))
    assert twin.loc["rewardbench", t.SCORE] == pytest.approx(
        published_score(V1_FILES["eval-set/alpha-lab/rm-7b.json"], "rewardbench")
    )


def test_a_file_of_another_benchmark_than_asked_is_skipped_with_the_reason(hub, tmp_path):
    publish_v2(hub)
    store = LocalStore(tmp_path / "store")
    report = import_results(store, source(hub, V2_REPO), "rewardbench")
    assert report.imported == [] and len(report.skipped) == 2
    assert {s.reason for s in report.skipped} == {"holds rewardbench-2 subsets, not rewardbench ones"}


def test_an_import_never_writes_over_what_is_in_the_store(hub, tmp_path):
    publish_v1(hub)
    store = LocalStore(tmp_path / "store")
    verified = make_result(TWIN_MODEL, subset_levels(0.9))
    store.write_file(result_paths(verified)[0], result_bytes(verified))
    store.write_file("eval-set/gamma-lab/rm-ranked.json", b'{"model": "gamma-lab/rm-ranked", "chat": 1}')
    # Another file sits where the import would put alpha-lab/rm-7b.
    squatter = imported_file_path(
        "rewardbench",
        V1_REPO,
        "eval-set/alpha-lab/rm-7b.json",
        git_blob_id(V1_FILES["eval-set/alpha-lab/rm-7b.json"]),
    )
    store.write_file(squatter, b"not the published file")
    before = every_file(store)
    report = import_results(store, source(hub), "rewardbench")
    after = every_file(store)
    assert {p: after[p] for p in before} == before
    assert all(p.startswith(f"{IMPORTED_DIR}/") for p in set(after) - set(before))
    refused = {s.path_in_repo: s.reason for s in report.skipped}
    assert "already holds other bytes" in refused["eval-set/alpha-lab/rm-7b.json"]
    assert sorted(report.imported) == [CHANGED_PATH, TWIN_PATH]


def test_the_verified_row_shows_the_published_score_and_hides_its_imported_twin(hub, tmp_path):
    publish_v1(hub)
    store = LocalStore(tmp_path / "store")
    verified = make_result(TWIN_MODEL, subset_levels(0.9))
    store.write_file(result_paths(verified)[0], result_bytes(verified))
    import_results(store, source(hub), "rewardbench")
    rows = rows_of(store)
    shown = t.filter_rows(rows, benchmark="rewardbench")
    twin = shown[shown[t.MODEL] == TWIN_MODEL]
    assert len(twin) == 1 and twin[t.SOURCE].iloc[0] == prov.VERIFIED_LABEL
    published = published_score(V1_FILES[TWIN_PATH], "rewardbench")
    assert twin[t.PUBLISHED_SCORE].iloc[0] == pytest.approx(published)
    assert twin[t.PUBLISHED_DELTA].iloc[0] == pytest.approx(verified.score - published)
    imported = t.filter_rows(rows, benchmark="rewardbench", provenance=prov.ONLY_IMPORTED)
    assert sorted(imported[t.MODEL]) == ["alpha-lab/rm-7b", "beta-lab/judge-2", TWIN_MODEL]
    assert set(imported[t.SOURCE]) == {f"imported ({V1_REPO}@{FIRST_V1_SHA[:12]})"}


def test_a_pinned_revision_imports_that_commit(hub, tmp_path):
    publish_v1(hub)
    change_one_v1_file(hub)
    store = LocalStore(tmp_path / "store")
    import_results(store, source(hub, revision=FIRST_V1_SHA), "rewardbench")
    entry = read_manifest(store, V1_REPO).files[CHANGED_PATH]
    assert entry.commit == FIRST_V1_SHA and store.read_file(entry.store_path) == V1_FILES[CHANGED_PATH]


def test_an_import_into_a_hub_store_is_one_commit_and_reads_back(hub, tmp_path):
    publish_v1(hub)
    store = make_hub_store(hub, tmp_path / "cache-a")
    store.refresh()  # creates the store's repos
    commits = len(hub.commits(RESULTS_REPO, "dataset"))
    import_results(store, source(hub), "rewardbench")
    assert len(hub.commits(RESULTS_REPO, "dataset")) == commits + 1
    fresh = make_hub_store(hub, tmp_path / "cache-b")
    fresh.refresh()
    read = {entry.path_in_repo: data for _, data, entry, _ in iter_imported_files(fresh)}
    assert read == {p: V1_FILES[p] for p in GOOD_V1_PATHS}
    report = import_results(fresh, source(hub), "rewardbench")
    assert not report.changed and len(hub.commits(RESULTS_REPO, "dataset")) == commits + 1


def test_a_local_folder_in_the_published_layout_imports_as_the_hub_repo_does(hub, tmp_path):
    publish_v1(hub)
    folder = tmp_path / "mirror"
    for path, data in V1_FILES.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    from_hub, from_folder = LocalStore(tmp_path / "a"), LocalStore(tmp_path / "b")
    import_results(from_hub, source(hub), "rewardbench")
    report = import_results(from_folder, FolderSource(folder, V1_REPO), "rewardbench")
    assert sorted(report.imported) == GOOD_V1_PATHS and report.commit.startswith("folder-")
    hub_ids = {p: e.store_path for p, e in read_manifest(from_hub, V1_REPO).files.items()}
    assert {p: e.store_path for p, e in read_manifest(from_folder, V1_REPO).files.items()} == hub_ids


def test_the_command_imports_into_the_store_the_environment_names(hub, tmp_path, monkeypatch, caplog):
    publish_v1(hub)
    monkeypatch.setenv("RMLB_STORE", "local")
    monkeypatch.setenv("RMLB_STORE_ROOT", str(tmp_path / "store"))
    with caplog.at_level(logging.INFO):
        assert import_main(["--repo", V1_REPO, "--benchmark", "rewardbench"]) == 0
    assert "3 imported, 0 unchanged, 1 skipped" in caplog.text
    assert sorted(read_manifest(LocalStore(tmp_path / "store"), V1_REPO).files) == GOOD_V1_PATHS
    assert import_main(["--repo", "pub-org/no-such-results"]) == 1
    assert "import of pub-org/no-such-results failed" in caplog.text
    assert import_main(["--repo", V1_REPO, "--from-folder", str(tmp_path / "nowhere")]) == 1
    with pytest.raises(SystemExit):
        import_main(["--repo", V1_REPO, "--benchmark", "no-such-benchmark"])


def test_the_manifest_is_json_a_person_can_read(hub, tmp_path):
    publish_v1(hub)
    store = LocalStore(tmp_path / "store")
    import_results(store, source(hub), "rewardbench", clock=clock)
    doc = json.loads(store.read_file("imported/manifests/pub-org/rb-results.json"))
    assert doc["repo"] == V1_REPO and doc["commit"] == FIRST_V1_SHA
    assert doc["files"][TWIN_PATH]["imported_at"].startswith("2026-05-04T03:02:01")


def test_a_file_the_source_drops_leaves_the_board_and_its_copy_stays(hub, tmp_path):
    publish_v1(hub)
    store = LocalStore(tmp_path / "store")
    import_results(store, source(hub), "rewardbench")
    dropped = read_manifest(store, V1_REPO).files[CHANGED_PATH]
    hub.commit(V1_REPO, {}, "dataset", deletions=[CHANGED_PATH, MALFORMED_PATH], message="drop two")
    report = import_results(store, source(hub), "rewardbench")
    assert report.removed == [CHANGED_PATH] and report.imported == []
    manifest = read_manifest(store, V1_REPO)
    assert CHANGED_PATH not in manifest.files and manifest.history == [dropped] and manifest.skipped == {}
    assert store.read_file(dropped.store_path) == V1_FILES[CHANGED_PATH]  # nothing is deleted
    assert "beta-lab/judge-2" not in set(rows_of(store)[t.MODEL])


def test_a_changed_file_that_no_longer_reads_keeps_its_last_good_version(hub, tmp_path):
    publish_v1(hub)
    store = LocalStore(tmp_path / "store")
    import_results(store, source(hub), "rewardbench")
    good = read_manifest(store, V1_REPO).files[CHANGED_PATH]
    hub.commit(V1_REPO, {CHANGED_PATH: b'{"model": "beta-lab/judge-2", "chat": 7}'}, "dataset")
    report = import_results(store, source(hub), "rewardbench")
    assert [s.path_in_repo for s in report.skipped] == [CHANGED_PATH]
    assert "accuracy 7" in report.skipped[0].reason
    manifest = read_manifest(store, V1_REPO)
    assert manifest.files[CHANGED_PATH] == good and CHANGED_PATH in manifest.skipped
    assert "beta-lab/judge-2" in set(rows_of(store)[t.MODEL])


def test_the_command_reads_a_local_folder(tmp_path, monkeypatch):
    from demo.published_sample import SAMPLE_ROOT

    monkeypatch.setenv("RMLB_STORE", "local")
    monkeypatch.setenv("RMLB_STORE_ROOT", str(tmp_path / "store"))
    folder = str(SAMPLE_ROOT / "reward-bench-results")
    assert import_main(["--repo", "mirror/rb-results", "--from-folder", folder]) == 0
    manifest = read_manifest(LocalStore(tmp_path / "store"), "mirror/rb-results")
    assert manifest.source == "folder" and len(manifest.files) == 4
    assert import_main(["--repo", "mirror/rb-results", "--from-folder", folder, "--revision", "x"]) == 1


def test_the_command_imports_every_published_dataset_a_benchmarks_spec_names(hub, tmp_path, monkeypatch, caplog):
    from results.benchmarks import SPECS

    named = {name: spec.published_results for name, spec in SPECS.items() if spec.published_results}
    files = {"rewardbench": V1_FILES, "rewardbench-2": V2_FILES}
    for name, repos in named.items():
        for repo in repos:
            hub.create_repo(repo, "dataset", exist_ok=True)
            hub.commit(repo, files.get(name, V1_FILES), "dataset", message="results")
    monkeypatch.setenv("RMLB_STORE", "local")
    monkeypatch.setenv("RMLB_STORE_ROOT", str(tmp_path / "store"))
    store = LocalStore(tmp_path / "store")
    first = next(iter(named))
    assert import_main(["--benchmark", first]) == 0
    assert {m.repo for m in map(lambda r: read_manifest(store, r), named[first])} == set(named[first])
    assert import_main(["--all"]) == 0
    every = [repo for repos in named.values() for repo in repos]
    assert all(read_manifest(store, repo).files for repo in every)
    imported = rows_of(store)
    assert set(imported.loc[imported[t.PROVENANCE] == prov.IMPORTED, t.BENCHMARK]) >= {"rewardbench", "rewardbench-2"}
    with pytest.raises(SystemExit):  # a spec naming no published results has nothing to import
        import_main(["--benchmark", next(n for n, s in SPECS.items() if not s.published_results)])
    with pytest.raises(SystemExit):
        import_main(["--all", "--from-folder", str(tmp_path)])
