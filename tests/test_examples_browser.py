"""The Examples tab in a real browser: a model's wrong examples, one opened whole, two models
compared, and texts that carry HTML and script stay inert."""

from __future__ import annotations

from typing import Iterator

import pytest

from leaderboard.app_settings import AppSettings
from results.store import LocalStore
from tests.browser_fixtures import (
    SCREENSHOTS,
    chromium,
    grid_column,
    grid_headers,
    serving_store,
    shows,
    wait_until,
    watched_page,
)
from tests.examples_fixtures import scored, store_result
from tests.test_examples import REWARDS_A, REWARDS_B, TEXTS

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
CELLS = "#ex-table [role=gridcell]"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[str]:
    store = LocalStore(tmp_path_factory.mktemp("store"))
    store_result(store, "org/a", TEXTS, scored(TEXTS, REWARDS_A))
    store_result(store, "org/b", TEXTS, scored(TEXTS, REWARDS_B))
    settings = AppSettings(ui_poll_s=1.0, manual_refresh_min_s=0, benchmarks=("rewardbench",))
    with serving_store(store, settings, tmp_path_factory.mktemp("exports")) as (url, _):
        yield url


@pytest.fixture
def page(served):
    with chromium() as browser:
        with watched_page(browser, served, CELLS, tab="Examples", viewport={"width": 1280, "height": 1000}) as page:
            yield page


def column(page, index: int, grid: str = "#ex-table") -> list[str]:
    return grid_column(page, grid, index)


def headers(page, grid: str = "#ex-table") -> list[str]:
    return grid_headers(page, grid)


def test_wrong_examples_open_one_and_compare_two_models(page):
    assert headers(page)[:3] == ["Subset", "ID", "Prompt"]
    wait_until(lambda: len(column(page, 0)) == 4 or None)
    page.locator("#ex-outcome label", has_text="wrong").click()
    wait_until(lambda: column(page, 1) == ["2", "2"] or None)
    correct = headers(page).index("Correct")
    assert column(page, correct) == ["✗", "✗"] and column(page, 0) == ["alpacaeval-easy", "math-prm"]
    shows(page.locator("#ex-note"), "2 of 4 examples")
    # the prompt preview is plain text: the tag is shown, not made
    assert column(page, 2)[0].startswith("Explain <img src=x onerror=")

    page.locator(f"{CELLS}[data-col='2']").first.click()
    detail = page.locator("#ex-detail")
    shows(detail, "alpacaeval-easy · id 2: wrong")
    text = detail.inner_text()
    assert '<img src=x onerror="window.__xss=1">' in text and "<script>window.__xss=2</script>" in text
    assert detail.locator("pre code").first.inner_text().startswith("if a < b:")  # the code block, as code
    assert "print('<b>not bold</b>')" in detail.locator("pre code").first.inner_text()
    assert detail.locator("b, i, img, script").count() == 0
    assert detail.locator("strong").count() >= 1  # Markdown still renders: **bold**
    assert page.evaluate("window.__xss") is None
    assert (
        page.evaluate('document.querySelectorAll(\'img[src="x"], [onerror], a[href^="javascript"]\').length')
        == 0
    )

    page.locator("#ex-model-b input").click()
    page.get_by_role("option", name="org/b", exact=True).click()
    note = page.locator("#ex-compare-note")
    shows(note, "agree on 50.0%")
    shows(note, "only A right 1, only B right 1")
    shows(note, "no significant difference")
    wait_until(
        lambda: sorted(column(page, 0, "#ex-disagreements")) == ["alpacaeval-easy", "math-prm"] or None
    )
    page.locator("#ex-disagreements [role=gridcell][data-col='2']").first.click()
    shows(detail, "org/b: ")
    page.screenshot(path=str(SCREENSHOTS / "examples-tab.png"), full_page=True)
    assert page.evaluate("window.__xss") is None


def test_length_bias_shows_its_chart_and_baselines(page):
    page.get_by_text("Length bias", exact=True).click()
    page.locator("#ex-length-chart .js-plotly-plot").wait_for()
    wait_until(lambda: "always longer (baseline)" in column(page, 0, "#ex-baselines") or None)
    shows(page.locator("#ex-length-summary"), "the longer answer in")
    page.locator("#ex-length-chart").screenshot(path=str(SCREENSHOTS / "examples-length-bias.png"))
