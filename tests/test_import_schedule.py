"""The host's scheduled import: the settings, the job (off by default), and one run of it against the
Hub emulator that the board then shows."""

from __future__ import annotations

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from leaderboard.tables import table as t
from leaderboard.data import ResultsCache
from leaderboard.imports.import_schedule import JOB_ID, run_imports, schedule_imports
from leaderboard.app_settings import AppSettings, SettingsError
from results.store import LocalStore
from tests.hub_fixtures import hub_fixture  # noqa: F401
from tests.import_fixtures import GOOD_V1_PATHS, V1_REPO, V2_REPO, change_one_v1_file, publish_v1, publish_v2


def test_import_settings_are_read_from_the_environment():
    settings = AppSettings.from_env(
        {"RMLB_IMPORT_REPOS": f" {V1_REPO}, {V2_REPO},{V1_REPO}", "RMLB_IMPORT_INTERVAL_S": "3600"}
    )
    assert settings.import_repos == (V1_REPO, V2_REPO) and settings.import_interval_s == 3600
    defaults = AppSettings.from_env({})
    assert defaults.import_repos == () and defaults.import_interval_s == 86400
    with pytest.raises(SettingsError, match="RMLB_IMPORT_REPOS.*'org/name'"):
        AppSettings.from_env({"RMLB_IMPORT_REPOS": "not-a-repo"})
    with pytest.raises(SettingsError, match="RMLB_IMPORT_INTERVAL_S"):
        AppSettings.from_env({"RMLB_IMPORT_INTERVAL_S": "0"})


def test_the_job_is_added_only_when_the_host_names_repos(tmp_path):
    store = LocalStore(tmp_path / "store")
    cache = ResultsCache(store)
    scheduler = BackgroundScheduler()  # never started: only its job list is looked at
    assert not schedule_imports(scheduler, store, cache, AppSettings())
    assert scheduler.get_jobs() == []
    settings = AppSettings(import_repos=(V1_REPO,), import_interval_s=120)
    assert schedule_imports(scheduler, store, cache, settings)
    (job,) = scheduler.get_jobs()
    assert job.id == JOB_ID and job.trigger.interval.total_seconds() == 120 and job.func is run_imports


def test_a_scheduled_run_imports_every_repo_and_the_board_shows_them(hub, tmp_path):
    publish_v1(hub), publish_v2(hub)
    store = LocalStore(tmp_path / "store")
    cache = ResultsCache(store)
    cache.refresh()
    settings = AppSettings(import_repos=(V1_REPO, "pub-org/missing", V2_REPO), hub_endpoint=hub.endpoint)
    reports = run_imports(store, cache, settings)  # the missing repo is logged, the others go on
    assert [r.repo for r in reports] == [V1_REPO, V2_REPO]
    assert sorted(reports[0].imported) == GOOD_V1_PATHS
    rows = cache.snapshot.tables.rows
    assert set(rows[t.BENCHMARK]) == {"rewardbench", "rewardbench-2"} and len(rows) == 5
    version = cache.snapshot.version
    change_one_v1_file(hub)
    again = run_imports(store, cache, settings)
    assert [len(r.imported) for r in again] == [1, 0] and cache.snapshot.version == version + 1
    assert (
        run_imports(store, cache, settings) and cache.snapshot.version == version + 1
    )  # nothing new: no re-read
