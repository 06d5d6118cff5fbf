"""The in-memory data: refreshed without a restart, kept when a refresh fails; the queue view."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from leaderboard import table as t
from leaderboard.data import ResultsCache
from leaderboard.queue_view import MISSING, QUEUE_SECTIONS, queue_tables
from results.schema import EvalRequest, Status
from results.store import LocalStore
from tests.leaderboard_fixtures import make_result, subset_levels, write_result

T0 = datetime(2025, 5, 1, 9, 30, tzinfo=timezone.utc)


def request(rid: str, status: Status, minutes: int, **extra) -> EvalRequest:
    return EvalRequest(
        request_id=rid,
        model=f"org/{rid}",
        org="org",
        name=rid,
        status=status,
        submitted_at=T0 + timedelta(minutes=minutes),
        **extra,
    )


def test_refresh_picks_up_new_results_and_requests_without_a_restart(tmp_path):
    store = LocalStore(tmp_path)
    write_result(store, make_result("org/first", subset_levels(0.6)))
    cache = ResultsCache(store)
    first = cache.ensure_loaded()
    assert list(first.tables.rows[t.MODEL]) == ["org/first"] and first.version == 1
    write_result(store, make_result("org/second", subset_levels(0.9)))
    store.add_request(request("r1", Status.PENDING, 0))
    second = cache.refresh()
    assert list(second.tables.rows[t.MODEL]) == ["org/second", "org/first"]
    assert [r.request_id for r in second.requests] == ["r1"] and second.version == 2
    assert cache.ensure_loaded() is second  # loaded once; the schedule does the rest


class FlakyStore(LocalStore):
    fail = False

    def refresh(self) -> None:
        if self.fail:
            raise ConnectionError("hub unreachable")


def test_a_failed_refresh_keeps_the_last_good_data_and_says_why(tmp_path):
    store = FlakyStore(tmp_path)
    write_result(store, make_result("org/kept", subset_levels(0.6)))
    cache = ResultsCache(store)
    cache.refresh()
    store.fail = True
    failed = cache.refresh()
    assert list(failed.tables.rows[t.MODEL]) == ["org/kept"]
    assert "hub unreachable" in failed.error and failed.version == 2
    store.fail = False
    assert cache.refresh().error is None


def test_the_refresh_button_rereads_only_data_older_than_its_minimum_age(tmp_path):
    clock = [T0]
    store = LocalStore(tmp_path)
    cache = ResultsCache(store, clock=lambda: clock[0])
    first = cache.refresh()
    write_result(store, make_result("org/late", subset_levels(0.6)))
    clock[0] = T0 + timedelta(seconds=5)
    assert cache.refresh_unless_fresh(10) is first  # fresh enough: not re-read
    clock[0] = T0 + timedelta(seconds=11)
    assert list(cache.refresh_unless_fresh(10).tables.rows[t.MODEL]) == ["org/late"]


def test_a_noted_request_shows_at_once(tmp_path):
    cache = ResultsCache(LocalStore(tmp_path))
    cache.refresh()
    noted = cache.note_request(request("new", Status.PENDING, 0))
    assert [r.request_id for r in noted.requests] == ["new"] and noted.version == 2


def test_queue_tables_split_by_status_with_times_and_errors():
    requests = [
        request("p-old", Status.PENDING, 0),
        request("p-new", Status.PENDING, 5, model_type="dpo", ref_model="org/sft-base"),
        request(
            "run", Status.RUNNING, 1, started_at=T0 + timedelta(minutes=2), revision_resolved="abcdef1234"
        ),
        request("done", Status.FINISHED, 2, finished_at=T0 + timedelta(hours=1)),
        request("bad", Status.FAILED, 3, error="CUDA out of memory", attempts=3, finished_at=T0),
    ]
    tables = queue_tables(requests)
    assert list(tables[Status.PENDING]["Model"]) == [
        "org/p-old",
        "org/p-new",
    ]  # the order the worker takes them
    assert list(tables[Status.PENDING]["Reference"]) == [MISSING, "org/sft-base"]
    running = tables[Status.RUNNING].iloc[0]
    assert running["Started"] == "2025-05-01 09:32 UTC" and running["Revision"] == "main (abcdef1)"
    assert tables[Status.FINISHED].iloc[0]["Finished"] == "2025-05-01 10:30 UTC"
    failed = tables[Status.FAILED].iloc[0]
    assert failed["Error"] == "CUDA out of memory" and failed["Attempts"] == 3
    assert [s.status for s in QUEUE_SECTIONS] == [
        Status.PENDING,
        Status.RUNNING,
        Status.FINISHED,
        Status.FAILED,
    ]
