"""The in-memory data: refreshed without a restart, kept when a refresh fails; the queue view."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from leaderboard.tables import table as t
from leaderboard.data import ResultsCache
from leaderboard.submission.queue_view import (
    MISSING,
    QUEUE_SECTIONS,
    error_details,
    error_summary,
    failed_choices,
    progress_text,
    queue_tables,
    runs,
)
from results.schema import EvalRequest, RequestProgress, Status
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
        request("bad", Status.FAILED, 3, error="CUDA out of memory", attempts=3, finished_at=T0, heartbeat_at=T0),
    ]
    tables = queue_tables(requests)
    assert list(tables[Status.PENDING]["Model"]) == [
        "org/p-old",
        "org/p-new",
    ]  # the order the worker takes them
    assert list(tables[Status.PENDING]["Reference"]) == [MISSING, "org/sft-base"]
    running = tables[Status.RUNNING].iloc[0]
    assert running["Started"] == "2025-05-01 09:32 UTC" and running["Revision"] == "main (abcdef1234)"
    assert tables[Status.FINISHED].iloc[0]["Finished"] == "2025-05-01 10:30 UTC"
    failed = tables[Status.FAILED].iloc[0]
    assert failed["Error"] == "CUDA out of memory" and failed["Runs"] == 4  # 3 lost runs, then this one
    assert [s.status for s in QUEUE_SECTIONS] == [
        Status.PENDING,
        Status.RUNNING,
        Status.FINISHED,
        Status.FAILED,
    ]


def test_a_running_request_shows_texts_done_of_total_and_the_time_left():
    counted = RequestProgress(phase="scoring (classifier)", done=1234, total=5000, eta_s=900.0, updated_at=T0)
    running = request("run", Status.RUNNING, 1, progress=counted)
    assert progress_text(running, now=T0 + timedelta(minutes=3)) == (
        "scoring (classifier): 1,234 / 5,000 texts, about 12 min left"  # counts down from the worker's word
    )
    assert progress_text(running, now=T0 + timedelta(hours=1)).endswith("less than a minute left")
    hours = running.model_copy(update={"progress": counted.model_copy(update={"eta_s": 5 * 3600.0})})
    assert progress_text(hours, now=T0).endswith("about 5.0 h left")
    first = counted.model_copy(update={"done": 0, "eta_s": None, "phase": "judge calls", "unit": "call"})
    assert progress_text(running.model_copy(update={"progress": first}), now=T0) == "judge calls: 0 / 5,000 calls"
    assert progress_text(request("old", Status.RUNNING, 1), now=T0) == MISSING  # an older worker writes none
    assert list(queue_tables([running])[Status.RUNNING]["Progress"])[0].startswith("scoring (classifier): 1,234")


# ---- how many times a request ran, checked against the real queue ---------------------------------


def queued(store: LocalStore, rid: str) -> EvalRequest:
    store.add_request(request(rid, Status.PENDING, 0))
    return store.list_requests()[-1]


def stored(store: LocalStore, rid: str) -> EvalRequest:
    return next(r for r in store.list_requests() if r.request_id == rid)


def test_a_request_that_failed_on_its_first_run_ran_once(tmp_path):
    from evaluator.queue import QueuePolicy, claim_next

    store = LocalStore(tmp_path)
    queued(store, "r")
    claim = claim_next(store, "w1", QueuePolicy())
    assert runs(stored(store, "r")) == 1  # running: this is its first run
    claim.fail("boom")
    failed = stored(store, "r")
    assert failed.attempts == 0 and runs(failed) == 1


def test_runs_count_lost_runs_and_the_last_one(tmp_path):
    from evaluator.queue import QueuePolicy, claim_next

    store, policy = LocalStore(tmp_path), QueuePolicy(stale_after_s=60, max_attempts=3)
    queued(store, "r")
    start = T0 + timedelta(days=1)
    claim_next(store, "w1", policy, now=start)  # this worker dies
    claim_next(store, "w2", policy, now=start + timedelta(minutes=5))  # requeued, then taken again
    assert runs(stored(store, "r")) == 2
    claim = claim_next(store, "w3", policy, now=start + timedelta(minutes=10))  # w2 died too
    claim.finish()
    assert runs(stored(store, "r")) == 3


def test_a_request_given_up_after_lost_runs_ran_that_many_times(tmp_path):
    from evaluator.queue import QueuePolicy, claim_next, recover_stale

    store, policy = LocalStore(tmp_path), QueuePolicy(stale_after_s=60, max_attempts=2)
    queued(store, "r")
    start = T0 + timedelta(days=1)
    claim_next(store, "w1", policy, now=start)
    claim_next(store, "w2", policy, now=start + timedelta(minutes=5))
    recover_stale(store, store.list_requests(), policy, start + timedelta(minutes=10))
    given_up = stored(store, "r")
    assert given_up.status == Status.FAILED and runs(given_up) == 2
    assert runs(request("p", Status.PENDING, 0, attempts=1)) == 1  # one lost run, waiting for the next


# ---- the whole error, on demand -------------------------------------------------------------------

LONG_ERROR = (
    "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\n"
    + "\n".join(f'  File "/home/worker/.venv/lib/torch/module{i}.py", line {i}' for i in range(40))
    + "\nthe last line"
)


def test_the_table_shows_the_first_line_and_the_details_the_whole_error_without_paths():
    requests = [
        request("old", Status.FAILED, 1, error="short", finished_at=T0, heartbeat_at=T0),
        request("long", Status.FAILED, 2, error=LONG_ERROR, finished_at=T0, heartbeat_at=T0),
        request("ok", Status.FINISHED, 3),
    ]
    assert error_summary(LONG_ERROR) == "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB …"
    assert error_summary("x" * 500).endswith("…") and len(error_summary("x" * 500)) < 160
    assert error_summary(None) == MISSING and error_summary("short") == "short"
    assert [rid for _, rid in failed_choices(requests)] == ["long", "old"]  # the Failed table's order
    details = error_details(requests, "long")
    assert details.startswith("Ran 1 time;") and details.endswith("the last line")
    assert "module39.py" in details and "/home/worker" not in details
    assert error_details(requests, "ok") == "" and error_details(requests, None) == ""


def test_a_reference_given_as_a_local_path_is_shown_by_its_storage_name():
    local = request("dpo", Status.PENDING, 0, model_type="dpo", ref_model="/srv/models/acme/sft-base")
    assert list(queue_tables([local])[Status.PENDING]["Reference"]) == ["acme/sft-base"]


def test_a_failed_refresh_is_reported_without_local_paths(tmp_path):
    from leaderboard.data import Snapshot
    from leaderboard.tables.table import build_tables
    from leaderboard.pages.header import stats_markdown

    snapshot = Snapshot(build_tables([]), error="OSError: [Errno 5] /srv/secret/store/eval-set/a.json")
    line = stats_markdown(snapshot)
    assert "/srv/secret" not in line and "a.json" in line


def test_every_tab_filters_rows_alike_and_hides_incomplete_ones_by_default(tmp_path):
    from leaderboard.pages.common import filtered, type_labels
    from tests.leaderboard_fixtures import INCOMPLETE_NAME, fixture_store

    cache = ResultsCache(fixture_store(tmp_path))
    snap = cache.refresh()
    labels = type_labels(snap)
    rows = snap.tables.rows  # what the table and the charts are drawn from
    default = filtered(rows, snap, "", labels, labels, "rewardbench")
    assert INCOMPLETE_NAME not in set(default[t.MODEL])
    shown = filtered(rows, snap, "", labels, labels, "rewardbench", show_incomplete=True)
    assert list(shown[t.MODEL])[-1] == INCOMPLETE_NAME
    searched = filtered(rows, snap, "acme", ["Sequence classifier"], labels, "rewardbench")
    assert list(searched[t.MODEL]) == ["acme/rm-large", "acme/rm-small"]
    subsets = filtered(snap.tables.subsets, snap, "acme", ["Sequence classifier"], labels, "rewardbench")
    assert list(subsets[t.MODEL]) == list(searched[t.MODEL])


def test_a_refresh_logs_a_line_only_when_the_data_changed(tmp_path, caplog):
    import logging

    cache = ResultsCache(LocalStore(tmp_path))
    with caplog.at_level(logging.INFO, logger="leaderboard.data"):
        cache.refresh()
        cache.refresh()
        assert len([r for r in caplog.records if r.levelno == logging.INFO]) == 1
        write_result(cache.store, make_result("org/new", subset_levels(0.8)))
        cache.refresh()
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert len(lines) == 2 and lines[1].startswith("leaderboard data: 1 results")


def test_a_policy_request_says_which_policy_its_model_judges():
    from tests.hub_fixtures import make_request

    judging = make_request("p-1", "acme/rm", kind="policy", policy="demo-policies/terse")
    plain = make_request("r-1", "acme/rm", benchmark="rewardbench-2")
    pending = queue_tables([judging, plain])[Status.PENDING]
    assert sorted(pending["Benchmark"]) == ["judging policy demo-policies/terse", "rewardbench-2"]


def test_an_open_page_picks_up_the_next_good_refresh_after_a_failed_one_by_itself(tmp_path):
    """Issue 29: a page opened while the refresh failed (0 results) shows the next good refresh at its
    periodic check (`Wiring.if_newer`, what the page's timer calls), without the Refresh button."""
    import gradio as gr

    from leaderboard.pages.common import View
    from leaderboard.pages.header import stats_markdown
    from leaderboard.pages.wiring import Group, Wiring

    store = FlakyStore(tmp_path)
    write_result(store, make_result("org/kept", subset_levels(0.6)))
    store.fail = True
    cache = ResultsCache(store)
    cache.ensure_loaded()  # the app's start, during the failure
    header = View([], [gr.Markdown(render=False)], lambda snap: [stats_markdown(snap)])
    wiring = Wiring(cache, [header])
    [asked] = wiring.if_newer(None, None)  # the page's load asks for the top
    [shown] = Group([header]).render(cache.snapshot, [])
    assert asked != gr.skip() and shown.startswith("**0** results") and "refresh failed" in shown
    seen = cache.snapshot.version
    assert wiring.if_newer(None, seen) == [gr.skip()]  # nothing new: the page is left alone
    store.fail = False
    cache.refresh()  # the schedule's next run
    [asked] = wiring.if_newer(None, seen)
    [shown] = Group([header]).render(cache.snapshot, [])
    assert asked != gr.skip() and shown.startswith("**1** results") and "failed" not in shown


def test_invisible_characters_in_a_hand_written_request_are_spelled_out_in_the_queue():
    hidden = request("r-rtl", Status.PENDING, 0, submitter="mallory\u202eecila")
    [cell] = queue_tables([hidden])[Status.PENDING]["Submitter"]
    assert cell == "mallory\\u202eecila"
