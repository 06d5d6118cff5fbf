"""Issue 28, point 1: cheap events. A filter re-renders the views of the tab in sight only, in one
event; selecting a tab renders it; a render is computed once per data refresh for every session; a
refresh that reads what the previous one read keeps the version, so the page's timer finds nothing.

The app is served in this process and driven as a reader's browser drives it (fakes/page_protocol.py);
renders are counted where they are computed (`Snapshot.derive`).
"""

from __future__ import annotations

from collections import Counter
from typing import Iterator

import httpx
import pytest

from fakes.eval_results import make_result, subset_levels
from fakes.page_protocol import Page
from leaderboard.app_settings import AppSettings
from leaderboard.data import Derived, ResultsCache
from leaderboard.pages import wiring
from leaderboard.pages.common import frozen
from leaderboard.pages.wiring import tab_key
from leaderboard.ui import build_app
from results.store import LocalStore
from tests.browser_fixtures import serving_store
from tests.leaderboard_fixtures import fixture_store, write_result

FILTERS = ("lb-search", "lb-types", "lb-incomplete", "lb-older")


@pytest.fixture()
def renders(monkeypatch) -> Counter:
    """Renders computed, by the tab of their view (None: above the tabs)."""
    counted: Counter = Counter()
    shared = wiring.render_shared

    def counting(view, snapshot, values):
        def compute_counted():
            counted[tab_key(view.tab)] += 1
            return view.render(snapshot, *values)

        return snapshot.derive(("view", id(view), frozen(list(values))), compute_counted)

    monkeypatch.setattr(wiring, "render_shared", counting)
    assert shared is not counting
    return counted


@pytest.fixture()
def site(tmp_path) -> Iterator[dict]:
    store = fixture_store(tmp_path / "store")
    settings = AppSettings(store="local", store_root=store.root, benchmarks=("rewardbench",))
    with serving_store(store, settings, tmp_path / "exports") as (url, cache):
        yield {"url": url.rstrip("/"), "cache": cache, "store": store}


def test_each_filter_is_one_event_however_many_tabs_follow_it(tmp_path):
    store = fixture_store(tmp_path)
    app = build_app(store, AppSettings(store="local", store_root=store.root), export_dir=tmp_path / "csv")
    config = app.get_config_file()
    ids = {c["props"].get("elem_id"): c["id"] for c in config["components"] if c.get("props")}
    for elem_id in FILTERS:
        listening = [d for d in config["dependencies"] if any(t[0] == ids[elem_id] for t in d["targets"])]
        assert len(listening) == 1, (elem_id, [d["api_name"] for d in listening])


def test_a_search_renders_the_tab_in_sight_only_and_a_tab_renders_when_selected(site, renders):
    with httpx.Client(timeout=60) as http:
        page = Page(http, site["url"])
        page.load()
        search = page.by_elem_id("lb-search")
        renders.clear()
        page.set_and_fire(search, "change", "zeta")
        assert not renders, "the page opens on the Overview, whose search is its own"
        page.select_tab("Leaderboard")
        renders.clear()
        page.set_and_fire(search, "change", "acme")
        assert set(renders) == {"leaderboard"}  # the ranked table; not Subsets, Charts or About

        subsets_tab = page.tab_id("Subsets")
        renders.clear()
        page.fire_all([(d, None) for d in page.listeners(subsets_tab, "select")], subsets_tab)
        assert set(renders) == {"subsets"}

        renders.clear()
        page.set_and_fire(search, "change", "tulu")
        assert set(renders) == {"subsets"}, "the Leaderboard tab is out of sight now"


def test_the_same_view_is_rendered_once_for_every_session(site, renders):
    with httpx.Client(timeout=60) as http:
        first, second = Page(http, site["url"]), Page(http, site["url"])
        first.load()
        second.load()
        first.select_tab("Leaderboard")  # the page opens on the Overview
        second.select_tab("Leaderboard")
        renders.clear()
        first.set_and_fire(first.by_elem_id("lb-search"), "change", "acme")
        once = sum(renders.values())
        second.set_and_fire(second.by_elem_id("lb-search"), "change", "acme")
        assert once >= 1 and sum(renders.values()) == once
        table = first.by_elem_id("lb-table")
        assert first.values[table] == second.values[table]


def test_the_timer_finds_nothing_after_a_refresh_that_read_the_same_data(site, renders):
    cache: ResultsCache = site["cache"]
    with httpx.Client(timeout=60) as http:
        page = Page(http, site["url"])
        page.load()
        page.select_tab("Leaderboard")  # the page opens on the Overview
        seen = dict(page.values)
        version = cache.snapshot.version
        assert cache.refresh().version == version  # the schedule's run: nothing changed
        renders.clear()
        ticks = [(d, None) for d in page.config["dependencies"] if any(t[1] == "tick" for t in d["targets"])]
        page.fire_all(ticks)
        assert not renders and page.values == seen

        write_result(site["store"], make_result("org/new-rm", subset_levels(0.95)))
        assert cache.refresh().version == version + 1
        page.fire_all(ticks)
        assert "org/new-rm" in str(page.values[page.by_elem_id("lb-table")])


def test_a_refresh_keeps_its_version_until_the_data_changes(tmp_path):
    store = LocalStore(tmp_path)
    write_result(store, make_result("org/a", subset_levels(0.6)))
    cache = ResultsCache(store)
    first = cache.refresh()
    again = cache.refresh()
    assert again.version == first.version and again.tables is first.tables
    write_result(store, make_result("org/a", subset_levels(0.7)))  # same path, other bytes
    assert cache.refresh().version == first.version + 1


def test_a_derived_value_is_computed_once_even_when_asked_at_once():
    import threading

    derived, calls, gate = Derived(), [], threading.Event()

    def slow():
        calls.append(1)
        gate.wait(5)
        return 42

    answers = []
    threads = [threading.Thread(target=lambda: answers.append(derived.get("k", slow))) for _ in range(8)]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(10)
    assert answers == [42] * 8 and len(calls) == 1


def test_a_derived_value_is_computed_again_once_it_is_old(monkeypatch):
    """A snapshot may live for hours: a render (and the CSV it writes) is redone past its age."""
    from leaderboard import data

    now = [1000.0]
    monkeypatch.setattr(data.time, "monotonic", lambda: now[0])
    derived, calls = Derived(max_age_s=600), []

    def compute():
        calls.append(now[0])
        return len(calls)

    assert derived.get("k", compute) == 1
    now[0] += 599
    assert derived.get("k", compute) == 1
    now[0] += 2
    assert derived.get("k", compute) == 2 and calls == [1000.0, 1601.0]


def test_a_timer_check_racing_a_tab_switch_leaves_the_new_tab_to_the_next_check():
    """A check sent before the reader switched tabs renders the old tab from newer data and its record
    lands last; the tab switched to (rendered from older data) must still be found older next time.
    With one version for the whole page it never was: a submitted model stayed off the Leaderboard."""
    from leaderboard.pages.wiring import is_current, seen_after

    loaded = seen_after({}, 1, None, "overview")  # the page's load, on the Overview
    assert is_current(loaded, 1, "overview") and not is_current(loaded, 1, "leaderboard")
    switched = seen_after(loaded, 1, "leaderboard")  # the reader opens the Leaderboard (data version 1)
    assert is_current(switched, 1, "leaderboard")
    # version 2 arrives; a check sent before the switch (Overview in sight, the load's record) lands last:
    raced = seen_after(loaded, 2, None, "overview")
    assert not is_current(raced, 2, "leaderboard"), "the next check renders the Leaderboard from version 2"
    assert is_current(seen_after(raced, 2, None, "leaderboard"), 2, "leaderboard")
    assert not is_current(0, 2, None)  # a page whose record is not ours yet renders
