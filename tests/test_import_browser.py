"""The Source filter in a real browser: chromium against the app over a store holding a result our
worker verified and the results imported from a published repo on the Hub emulator."""

from __future__ import annotations

from typing import Iterator

import pytest

from fakes.hub_emulator import HubEmulator
from leaderboard.data import ResultsCache
from leaderboard.imports.import_sources import HubSource
from leaderboard.imports.importer import import_results
from leaderboard.app_settings import AppSettings
from leaderboard.ui import build_app
from results.store import LocalStore, result_paths
from fakes.hub_emulator import HubEmulator
from tests.browser_fixtures import SCREENSHOTS, WAIT_MS, chromium, open_tab, serving, shows, wait_until
from tests.import_fixtures import (
    FIRST_V1_SHA,
    TWIN_MODEL,
    TWIN_PATH,
    V1_FILES,
    V1_REPO,
    publish_v1,
    published_score,
)
from tests.leaderboard_fixtures import make_result, result_bytes, subset_levels

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
MODEL_CELLS = "#lb-table [role=gridcell][data-col='0']"
VERIFIED = make_result(TWIN_MODEL, subset_levels(0.9))
IMPORTED_LABEL = f"imported ({V1_REPO}@{FIRST_V1_SHA[:12]})"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    from huggingface_hub import constants

    store = LocalStore(tmp_path_factory.mktemp("store"))
    store.write_file(result_paths(VERIFIED)[0], result_bytes(VERIFIED))
    with pytest.MonkeyPatch.context() as patch, HubEmulator() as hub:
        patch.setattr(constants, "HF_HUB_OFFLINE", False)  # conftest makes the suite offline
        publish_v1(hub)
        import_results(store, HubSource(V1_REPO, endpoint=hub.endpoint), "rewardbench")
    settings = AppSettings(benchmarks=("rewardbench",), ui_poll_s=1.0)
    app = build_app(store, settings, cache=ResultsCache(store), export_dir=tmp_path_factory.mktemp("exports"))
    with serving(app, settings) as url:
        yield url


def column(page, header: str) -> list[str]:
    titles = page.eval_on_selector_all("#lb-table th[role=columnheader]", "ths => ths.map(th => th.title)")
    return page.eval_on_selector_all(
        f"#lb-table [role=gridcell][data-col='{titles.index(header)}']",
        "cells => cells.map(cell => cell.innerText.trim())",
    )


def rows(page) -> list[tuple[str, str]]:
    """(model, source) of every shown row, read in one step each."""
    return list(zip(column(page, "Model"), column(page, "Source")))


def test_the_source_filter_shows_verified_imported_or_both(served):
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(WAIT_MS)
        page.goto(served)
        open_tab(page, "Leaderboard")  # the Overview opens first
        page.wait_for_selector(MODEL_CELLS)
        both = [
            (TWIN_MODEL, "verified here"),
            ("alpha-lab/rm-7b", IMPORTED_LABEL),
            ("beta-lab/judge-2", IMPORTED_LABEL),
        ]
        wait_until(lambda: rows(page) == both or None)
        delta = (VERIFIED.score - published_score(V1_FILES[TWIN_PATH], "rewardbench")) * 100
        assert column(page, "Δ published") == [f"{delta:+.1f}", "–", "–"]
        # The count and the stats line may land just after the table (each waited for, not read at once).
        shows(page.locator("#lb-count"), "1 imported result of models verified here hidden")
        shows(page.locator("#lb-stats"), "4 results (1 verified here, 3 imported)")
        page.screenshot(path=str(SCREENSHOTS / "lb-source-both.png"), full_page=True)

        page.locator("#lb-provenance").get_by_label("Imported only").check()
        imported = [
            ("alpha-lab/rm-7b", IMPORTED_LABEL),
            (TWIN_MODEL, IMPORTED_LABEL),
            ("beta-lab/judge-2", IMPORTED_LABEL),
        ]
        wait_until(lambda: rows(page) == imported or None)
        wait_until(lambda: "hidden" not in page.locator("#lb-count").inner_text() or None)

        page.locator("#lb-provenance").get_by_label("Verified here only").check()
        wait_until(lambda: rows(page) == [(TWIN_MODEL, "verified here")] or None)
        page.screenshot(path=str(SCREENSHOTS / "lb-source-verified.png"), full_page=True)
        page.close()
