"""Issue 28, point 4: faults while serving, on the Hub store against the emulator.

The Hub answers 5xx, or stops answering, during a scheduled refresh: the page keeps the last good
data and says when it was read and that the refresh failed; the next refresh recovers. A result file
that is half-written or not JSON is left out with one log line, and not logged again while nothing
changes. (The worker's upload failing three times: tests/test_worker.py.)
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from fakes.eval_results import make_result, subset_levels
from leaderboard.data import ResultsCache
from leaderboard.pages.header import stats_markdown
from leaderboard.tables import table as t
from results.store import result_paths
from tests.hub_fixtures import RESULTS_REPO, hub_fixture, make_hub_store  # noqa: F401 (the `hub` fixture)
from tests.leaderboard_fixtures import result_bytes

REPO_INFO = rf"^/api/datasets/{RESULTS_REPO}(/revision/[^/]+)?$"
T0 = datetime(2026, 5, 1, 12, 0, tzinfo=timezone.utc)


def publish(hub, model: str, level: float = 0.7) -> str:
    """Commit a result of `model` to the results repo, as a worker would; returns its path."""
    result = make_result(model, subset_levels(level))
    path = result_paths(result)[0]
    hub.commit(RESULTS_REPO, {path: result_bytes(result)}, "dataset", message=f"result of {model}")
    return path


def serving_cache(hub, tmp_path, clock: list, **options) -> ResultsCache:
    store = make_hub_store(hub, tmp_path / "cache", attempts=3, **options)
    store.refresh()  # creates the repos, as the app's first refresh does
    return ResultsCache(store, clock=lambda: clock[0])


def test_a_hub_answering_5xx_keeps_the_last_good_data_and_the_next_refresh_recovers(hub, tmp_path):
    clock = [T0]
    cache = serving_cache(hub, tmp_path, clock)
    publish(hub, "org/first")
    good = cache.refresh()
    assert list(good.tables.rows[t.MODEL]) == ["org/first"]

    publish(hub, "org/second")
    outage = hub.fail_next("GET", REPO_INFO, times=1000, status=503)
    clock[0] = T0 + timedelta(minutes=5)
    failed = cache.refresh()
    assert failed.error is not None and "503" in failed.error
    assert list(failed.tables.rows[t.MODEL]) == ["org/first"] and failed.loaded_at == T0
    assert failed.version == good.version + 1  # the open pages learn that the refresh failed
    line = stats_markdown(failed)
    assert f"data read {T0:%Y-%m-%d %H:%M} UTC" in line and "latest refresh failed" in line

    outage.remaining = 0
    clock[0] = T0 + timedelta(minutes=10)
    recovered = cache.refresh()
    assert recovered.error is None and recovered.loaded_at == clock[0]
    assert sorted(recovered.tables.rows[t.MODEL]) == ["org/first", "org/second"]
    assert "failed" not in stats_markdown(recovered)


def test_a_hub_that_stops_answering_fails_the_refresh_in_time_and_the_next_one_recovers(hub, tmp_path):
    clock = [T0]
    cache = serving_cache(hub, tmp_path, clock, timeout_s=0.5)
    publish(hub, "org/first")
    good = cache.refresh()

    publish(hub, "org/second")
    silent = hub.hold("GET", REPO_INFO, timeout_s=30)  # each request waits, unanswered, till released
    failed = cache.refresh()
    assert silent.wait_hit(1) and failed.error is not None and "timed out" in failed.error
    assert list(failed.tables.rows[t.MODEL]) == ["org/first"] and failed.loaded_at == good.loaded_at

    silent.release()
    hub._gates.remove(silent)  # the Hub answers again
    recovered = cache.refresh()
    assert recovered.error is None
    assert sorted(recovered.tables.rows[t.MODEL]) == ["org/first", "org/second"]


@pytest.mark.parametrize("content", [b'{"model": {"name": "org/cut", "model_t', b"not json at all"])
def test_a_half_written_or_non_json_result_is_left_out_with_one_log_line(hub, tmp_path, caplog, content):
    cache = serving_cache(hub, tmp_path, [T0])
    publish(hub, "org/first")
    bad = "eval-set/org/broken.json"
    hub.commit(RESULTS_REPO, {bad: content}, "dataset", message="a file cut short")
    with caplog.at_level(logging.WARNING, logger="leaderboard.tables.table"):
        snapshot = cache.refresh()
        again = cache.refresh()  # the schedule's next run: nothing changed, nothing logged
    assert list(snapshot.tables.rows[t.MODEL]) == ["org/first"]
    assert [s.path for s in snapshot.tables.skipped] == [bad]
    lines = [r.getMessage() for r in caplog.records if bad in r.getMessage()]
    assert len(lines) == 1 and "\n" not in lines[0] and not caplog.records[0].exc_info
    assert again.version == snapshot.version
    assert "1 unreadable result file(s) left out" in stats_markdown(snapshot)
