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
from leaderboard.pages.common import render_key
from leaderboard.pages.wiring import tab_key
from leaderboard.ui import build_app
from results.store import LocalStore
from tests.browser_fixtures import serving_store
from tests.leaderboard_fixtures import fixture_store, write_result

FILTERS = ("lb-search", "lb-types", "lb-incomplete", "lb-older")


@pytest.fixture()
def renders(monkeypatch) -> Counter:
    """Renders computed (not found shared), by the tab of their view (None: above the tabs)."""
    counted: Counter = Counter()
    shared = wiring.render_shared

    def counting(view, snapshot, values):
        if render_key(view, values) not in snapshot.derived:
            counted[tab_key(view.tab)] += 1
        return shared(view, snapshot, values)

    monkeypatch.setattr(wiring, "render_shared", counting)
    return counted


@pytest.fixture()
def site(tmp_path) -> Iterator[dict]:
    store = fixture_store(tmp_path / "store")
    settings = AppSettings(store="local", store_root=store.root, benchmarks=("rewardbench",))
    with serving_store(store, settings, tmp_path / "exports") as (url, cache):
        yield {"url": url.rstrip("/"), "cache": cache, "store": store}


def filter_events(tmp_path) -> tuple[dict, dict[str, list[dict]], list[dict]]:
    """The app's components by id (their kind), the events each Leaderboard filter sets off, and
    every event of the app."""
    store = fixture_store(tmp_path)
    app = build_app(store, AppSettings(store="local", store_root=store.root), export_dir=tmp_path / "csv")
    config = app.get_config_file()
    kinds = {c["id"]: c["type"] for c in config["components"]}
    ids = {c["props"].get("elem_id"): c["id"] for c in config["components"] if c.get("props")}
    events = {
        elem_id: [d for d in config["dependencies"] if any(t[0] == ids[elem_id] for t in d["targets"])]
        for elem_id in FILTERS
    }
    return kinds, events, config["dependencies"]


def test_each_filter_renders_its_own_tab_in_one_event_and_asks_the_others_in_one(tmp_path):
    kinds, events, _ = filter_events(tmp_path)
    for elem_id in FILTERS:
        renders = [d for d in events[elem_id] if any(kinds[o] != "state" for o in d["outputs"])]
        asks = [d for d in events[elem_id] if d not in renders]
        assert len(renders) == 1 and len(asks) <= 1, (elem_id, [d["api_name"] for d in events[elem_id]])
        assert {kinds[o] for d in asks for o in d["outputs"]} <= {"state"}


def test_a_search_renders_the_tab_in_sight_only_and_a_tab_renders_when_selected(site, renders):
    with httpx.Client(timeout=60) as http:
        page = Page(http, site["url"])
        page.load()
        search = page.by_elem_id("lb-search")
        page.select_tab("Leaderboard")  # the page opens on the Overview, whose search is its own
        renders.clear()
        page.set_and_fire(search, "change", "acme")
        assert set(renders) == {"leaderboard"}  # the ranked table; not Subsets, Charts or About

        subsets_tab = page.tab_id("Subsets")
        renders.clear()
        page.fire_all([(d, None) for d in page.listeners(subsets_tab, "select")], subsets_tab)
        assert set(renders) == {"subsets"}

        # A reader types only into what is in sight; a search set while the Subsets tab is (by another
        # event) renders its own tab at once and asks the tab in sight, and no other.
        renders.clear()
        page.set_and_fire(search, "change", "tulu")
        assert set(renders) == {"subsets", "leaderboard"}, "Charts is out of sight"


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


def two_tab_wiring(cache: ResultsCache) -> wiring.Wiring:
    """A Wiring over a header view and one view on each of two tabs (outside any served app)."""
    import gradio as gr

    from leaderboard.pages.common import View

    with gr.Blocks():
        header = View([], [gr.Markdown()], lambda snap: [str(snap.version)])
        with gr.Tabs():
            with gr.Tab("Overview", id="overview"):
                overview = View([], [gr.Markdown()], lambda snap: [str(snap.version)])
            with gr.Tab("Leaderboard", id="leaderboard"):
                board = View([], [gr.Markdown()], lambda snap: [str(snap.version)])
        return wiring.Wiring(cache, [header, overview, board])


def test_a_data_check_asks_only_the_places_in_sight_that_show_older_data(tmp_path):
    """The page's load, timer and Refresh ask a render of the top and the tab in sight, each only if
    it shows older data than the snapshot; an unchanged store asks nothing (skips of states, free)."""
    import gradio as gr

    store = LocalStore(tmp_path)
    write_result(store, make_result("org/a", subset_levels(0.6)))
    cache = ResultsCache(store)
    v = cache.refresh().version
    wired = two_tab_wiring(cache)
    assert [p.key for p in wired.places] == [None, "overview", "leaderboard"]
    asked = wired.if_newer("overview", None, None, None)  # a page just opened, on the Overview
    assert [a == gr.skip() for a in asked] == [False, False, True] and asked[0] != asked[1]
    assert wired.if_newer("overview", v, v, None) == [gr.skip()] * 3  # nothing new: nothing asked
    # The reader switched to the Leaderboard (rendered from version v); a check sent before the switch
    # rendered the Overview from v + 1. The Leaderboard must still be found older by the next check
    # (with one version for the whole page it was not, and a new model stayed off it).
    write_result(store, make_result("org/b", subset_levels(0.7)))
    newer = cache.refresh().version
    assert newer == v + 1
    asked = wired.if_newer("leaderboard", v, newer, v)
    assert [a == gr.skip() for a in asked] == [False, True, False]


def test_an_ask_writes_request_states_only_and_each_renders_the_views_of_one_place(tmp_path):
    """No event skips outputs in bulk (a skipped output costs Gradio as much as a sent one): the
    Leaderboard's filters ask the tabs that follow them (Subsets, Charts) through request states, and
    each state's change renders views, of one tab."""
    kinds, events, dependencies = filter_events(tmp_path)
    asked_somewhere = False
    for elem_id in FILTERS:
        for ask in [d for d in events[elem_id] if all(kinds[o] == "state" for o in d["outputs"])]:
            for asked in ask["outputs"]:
                [render] = [d for d in dependencies if [asked, "change"] in [list(t) for t in d["targets"]]]
                assert any(kinds[o] != "state" for o in render["outputs"])
                asked_somewhere = True
    assert asked_somewhere
