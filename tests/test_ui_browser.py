"""The web app in a real browser: chromium (Playwright) against the app served on 127.0.0.1 over a
fixture store, with submissions checked by the Hub emulator. One server for the whole module."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Iterator

import pytest

from leaderboard import table as t
from leaderboard.data import ResultsCache
from leaderboard.settings import AppSettings
from leaderboard.ui import build_app
from results.store import result_path
from tests.browser_fixtures import WAIT_MS, chromium, serving, wait_until
from tests.hub_emulator import HubEmulator
from tests.leaderboard_fixtures import (
    EXPECTED_ORDER,
    XSS_NAME,
    XSS_TYPE,
    fixture_store,
    make_result,
    publish_model,
    subset_levels,
    write_result,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
MODEL_CELLS = "#lb-table [role=gridcell][data-col='0']"
PERCENT = re.compile(r"^\d{1,3}\.\d$")


@pytest.fixture(scope="module")
def hub() -> Iterator[HubEmulator]:
    from huggingface_hub import constants

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(constants, "HF_HUB_OFFLINE", False)  # conftest makes the suite offline
        emulator = HubEmulator().start()
        publish_model(emulator, "acme/new-rm", num_parameters=2048)
        publish_model(emulator, "acme/pickle-only", weights="pytorch_model.bin")
        try:
            yield emulator
        finally:
            emulator.stop()


@pytest.fixture(scope="module")
def served(tmp_path_factory, hub) -> Iterator[tuple[str, ResultsCache]]:
    store = fixture_store(tmp_path_factory.mktemp("store"))
    settings = AppSettings(hub_endpoint=hub.endpoint, ui_poll_s=1.0, manual_refresh_min_s=0)
    cache = ResultsCache(store)
    app = build_app(store, settings, cache=cache, export_dir=tmp_path_factory.mktemp("exports"))
    with serving(app, settings) as url:
        yield url, cache


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser, served):
    """A fresh page on the leaderboard that records every dialog (none may ever open)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(served[0])
    page.wait_for_selector(MODEL_CELLS)
    yield page
    assert page.dialogs == [], f"a dialog opened: {page.dialogs}"
    context.close()


def column(page, index: int, grid: str = "#lb-table") -> list[str]:
    """The texts of one column, read in one step (the grid may re-render between two reads)."""
    return page.eval_on_selector_all(
        f"{grid} [role=gridcell][data-col='{index}']", "cells => cells.map(cell => cell.innerText.trim())"
    )


def headers(page, grid: str = "#lb-table") -> list[str]:
    return page.eval_on_selector_all(f"{grid} th[role=columnheader]", "ths => ths.map(th => th.title)")


def shown_models(page) -> list[str]:
    return column(page, 0)


def wait_for_models(page, expected: list[str]) -> None:
    wait_until(lambda: shown_models(page) == expected or None)


def header_menu(page, header: str, item: str) -> None:
    """Pick `item` ("Sort ascending", "Clear sort", ...) from a column's menu (shown once it is selected)."""
    page.locator(f"#lb-table th[title='{header}']").click()
    page.locator(f"#lb-table th[title='{header}'] button.cell-menu-button").click()
    page.get_by_role("menuitem", name=item).click()


def test_table_shows_every_readable_result_in_score_order(page):
    assert shown_models(page) == list(EXPECTED_ORDER)
    assert headers(page)[:4] == ["Model", "Model Type", "Score", "95% CI"]
    scores = column(page, headers(page).index("Score"))
    assert all(PERCENT.match(s) for s in scores), scores
    assert [float(s) for s in scores] == sorted((float(s) for s in scores), reverse=True)
    assert "2 unreadable result file(s) left out" in page.locator("#lb-stats").inner_text()
    link = page.locator(MODEL_CELLS).first.locator("a")
    assert link.get_attribute("href") == "https://huggingface.co/acme/rm-large"


def test_sorting_by_a_column_is_numeric(page):
    header_menu(page, "Params (B)", "Sort descending")
    # Numeric order is 70, 8, 1.5; as text it would be 8, 70, 1.5.
    wait_for_models(
        page,
        ["acme/rm-large", "tulu/dpo-8b", "acme/rm-small", "openlab/judge-x", XSS_NAME, "oldlab/classic-rm"],
    )
    header_menu(page, "Params (B)", "Clear sort")
    wait_for_models(page, list(EXPECTED_ORDER))
    header_menu(page, "Chat Hard", "Sort ascending")
    chat_hard = headers(page).index("Chat Hard")
    wait_until(lambda: shown_models(page)[0] == "oldlab/classic-rm" or None)
    values = [float(v) for v in column(page, chat_hard)]
    assert values == sorted(values)


def test_filtering_by_model_type(page):
    page.locator("#lb-types label", has_text="Sequence classifier").click()
    wait_for_models(page, ["openlab/judge-x", "tulu/dpo-8b", XSS_NAME])
    assert set(column(page, 1)) == {"Generative", "DPO (implicit reward vs. reference)", XSS_TYPE}
    assert "Showing 3 of 6" in page.locator("#lb-count").inner_text()
    page.locator("#lb-types label", has_text="Generative").click()
    wait_for_models(page, ["tulu/dpo-8b", XSS_NAME])


def test_search_matches_every_word(page):
    page.locator("#lb-search textarea, #lb-search input").first.fill("acme")
    wait_for_models(page, ["acme/rm-large", "acme/rm-small"])
    page.locator("#lb-search textarea, #lb-search input").first.fill("acme small")
    wait_for_models(page, ["acme/rm-small"])


def test_csv_download_equals_the_rows_shown(page, tmp_path):
    page.locator("#lb-search textarea, #lb-search input").first.fill("r")  # leaves out judge-x and dpo-8b
    wait_until(lambda: "Showing 4 of 6" in page.locator("#lb-count").inner_text() or None)
    shown = {h: column(page, i) for i, h in enumerate(headers(page))}
    with page.expect_download() as download:
        page.locator("#lb-download").click()
    saved = tmp_path / "view.csv"
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert (
        [r["Model"] for r in rows]
        == shown["Model"]
        == ["acme/rm-large", "acme/rm-small", XSS_NAME, "oldlab/classic-rm"]
    )
    for header in ("Score", *t.SECTION_NAMES):
        exported = [f"{float(r[header]):.1f}" if r[header] else "–" for r in rows]
        assert exported == shown[header], header
    assert len(rows[0]["Score"]) > 6  # full precision, not the one decimal shown
    assert [r["Model Type"] for r in rows] == shown["Model Type"]


def test_a_chart_renders(page):
    page.get_by_role("tab", name="Charts").click()
    bars = page.locator("#chart-sections .js-plotly-plot")
    bars.wait_for()
    wait_until(lambda: page.locator("#chart-sections g.trace.bars").count() >= 3 or None)
    assert "Section scores of the top" in bars.inner_text()
    page.locator("#chart-radar .js-plotly-plot").wait_for()
    assert page.locator("#chart-radar g.trace").count() == 3  # the top three models, picked by default


def test_an_html_model_name_is_shown_as_text_and_runs_nothing(page):
    page.get_by_role("tab", name="Charts").click()
    page.locator("#chart-sections .js-plotly-plot").wait_for()
    page.get_by_role("tab", name="Leaderboard").click()
    page.wait_for_selector(MODEL_CELLS)
    row = shown_models(page).index(XSS_NAME)
    cell = page.locator(MODEL_CELLS).nth(row)
    assert cell.inner_text().strip() == XSS_NAME
    assert cell.locator("img").count() == 0
    assert page.locator("#lb-types label", has_text=XSS_TYPE).count() == 1  # the model type, as text
    assert page.evaluate('document.querySelectorAll(\'img[src="x"], img[src="y"], [onerror]\').length') == 0
    # the page fixture also checks that no alert dialog opened


def test_a_submission_appears_in_the_queue(page, hub):
    page.get_by_role("tab", name="Submit").click()
    page.locator("#sub-submitter textarea, #sub-submitter input").first.fill("alice")
    page.locator("#sub-model textarea, #sub-model input").first.fill("acme/new-rm")
    page.locator("#sub-button").click()
    message = page.locator("#sub-message")
    wait_until(lambda: "Queued" in message.inner_text() or None)
    assert hub.head("acme/new-rm")[:7] in message.inner_text()
    page.get_by_role("tab", name="Queue").click()
    pending = page.locator("#queue-pending")
    wait_until(lambda: "acme/new-rm" in pending.inner_text() or None)
    assert "alice" in pending.inner_text() and "Pending (1)" in pending.inner_text()


def test_a_bad_submission_shows_its_reason(page):
    page.get_by_role("tab", name="Submit").click()
    page.locator("#sub-submitter textarea, #sub-submitter input").first.fill("bob")
    page.locator("#sub-model textarea, #sub-model input").first.fill("acme/pickle-only")
    page.locator("#sub-button").click()
    message = page.locator("#sub-message")
    wait_until(lambda: "Not queued" in message.inner_text() or None)
    assert "has no safetensors weights" in message.inner_text()
    page.get_by_role("tab", name="Queue").click()
    assert "acme/pickle-only" not in page.locator("#queue-pending").inner_text()


def test_new_results_show_after_a_refresh_without_a_restart(page, served):
    _, cache = served
    org, name = "fresh", "rm-top"
    write_result(cache.store, make_result(f"{org}/{name}", subset_levels(0.97)))
    try:
        page.locator("#lb-refresh").click()  # the button
        wait_for_models(page, [f"{org}/{name}", *EXPECTED_ORDER])
        (Path(cache.store.root) / result_path(org, name)).unlink()
        cache.refresh()  # what the schedule does: the open page picks it up on its next check
        wait_for_models(page, list(EXPECTED_ORDER))
    finally:
        (Path(cache.store.root) / result_path(org, name)).unlink(missing_ok=True)
        cache.refresh()
