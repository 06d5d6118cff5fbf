"""Issue 24, "What a newcomer trips on", in a real browser: the Subsets section filter on
RewardBench v1, Examples rows and answers shown as they are, sorting, the phone layout, and no
traceback in the server log while the reader drives the widgets. One server for the module."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

import pytest

from leaderboard.app_settings import AppSettings
from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS
from results.store import LocalStore
from tests.browser_fixtures import (
    SCREENSHOTS,
    browser_fixture,  # noqa: F401 (provides the `browser` fixture)
    dwell,
    grid_column,
    grid_headers,
    open_tab,
    serving_store,
    wait_until,
    watched_page,
)
from tests.examples_fixtures import fingerprint_of, scored, text
from tests.leaderboard_fixtures import (
    CUSTOM_BENCHMARK,
    RB2,
    RB2_LARGE,
    add_rewardbench_2,
    fixture_store,
    make_result,
    rb2_result,
    subset_levels,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
MODEL_CELLS = "#lb-table [role=gridcell][data-col='0']"
RUNNING_SUM = "def running_sum(n):\n    total = 0\n    for i in range(1, n + 1):\n        total += i\n    return total\n"
CODE_TEXTS = [
    text("hep-python", 1, "Write running_sum(n), the sum 1..n.", [RUNNING_SUM], [RUNNING_SUM.replace("n + 1", "n")]),
    text("alpacaeval-easy", 1, "Say hi.", ["Hi!\nHow are you?"], ["no"]),
]
TIES_TEXTS = [
    text("Ties", "tied:2", "Name a country in Europe.", ["France", "Switzerland"], ["Brazil", "Japan", "Peru"]),
    text("Factuality", "f1", "Capital of France?", ["Paris"], ["Lyon", "Nice", "Lille"]),
]
TIES_REWARDS = [([-5.537, -19.467], [-25.0, -22.0, -30.0]), ([2.0], [1.0, 0.5, 0.0])]


def with_examples(store: LocalStore, result, texts, rewards) -> None:
    benchmark = result.benchmark.model_copy(update={"data_fingerprint": fingerprint_of(texts)})
    store.write_result(result.model_copy(update={"benchmark": benchmark}), scored(texts, rewards), texts=texts)


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, object]]:
    store = add_rewardbench_2(fixture_store(tmp_path_factory.mktemp("store")))
    with_examples(store, make_result("coder/rm-code", subset_levels(0.75)), CODE_TEXTS, [([2.0], [1.0])] * 2)
    with_examples(store, rb2_result("ties/rm-ties", RB2_LARGE), TIES_TEXTS, TIES_REWARDS)
    # The default order: RewardBench 2 first, as a newcomer finds the demo.
    settings = AppSettings(ui_poll_s=1.0, manual_refresh_min_s=0, benchmarks=(RB2, "rewardbench"))
    with serving_store(store, settings, tmp_path_factory.mktemp("exports")) as served:
        yield served


@pytest.fixture
def page(browser, served):
    with watched_page(browser, served[0], MODEL_CELLS, tab="Leaderboard", accept_downloads=True) as page:
        yield page


def choose(page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.locator(f"[role=option][aria-label='{option}']:visible").first.click()


def assert_no_traceback(capfd) -> None:
    err = capfd.readouterr().err
    assert "Traceback" not in err, err[err.find("Traceback") :][:3000]


# ---- point 1: the Subsets tab ---------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["rewardbench", CUSTOM_BENCHMARK])
def test_a_v1_section_shows_its_subsets_and_the_tab_names_the_benchmark(page, label):
    choose(page, "#lb-benchmark", label)
    open_tab(page, "Subsets")
    heading = page.locator("#subsets-benchmark")
    wait_until(lambda: label in heading.inner_text() or None)
    assert "RewardBench" in heading.inner_text()  # the spec's title
    for section in REWARDBENCH_SECTIONS[:3]:  # Chat, Chat Hard, Safety
        page.locator("#subsets-section label").get_by_text(section.name, exact=True).click()
        wanted = list(section.subset_weights)

        def shown() -> list[str]:
            return grid_headers(page, "#subsets-table")[3:]

        wait_until(lambda: (shown() and set(shown()) <= set(wanted)) or None)
        dwell(page, 2500)  # a few timer ticks: the pick must stay
        assert set(shown()) <= set(wanted) and page.locator("#subsets-section input:checked").get_attribute(
            "value"
        ) == section.name
    page.screenshot(path=str(SCREENSHOTS / "subsets-v1-section.png"), full_page=True)


# ---- points 2 and 3: Examples --------------------------------------------------------------------------


def open_examples(page, benchmark: str, model: str) -> None:
    open_tab(page, "Examples")
    choose(page, "#ex-benchmark", benchmark)
    choose(page, "#ex-model", model)


def test_a_ties_row_pairs_each_text_with_its_own_reward(page):
    open_examples(page, RB2, "ties/rm-ties")
    wait_until(lambda: "tied:2" in grid_column(page, "#ex-table", 1) or None)
    row = grid_column(page, "#ex-table", 1).index("tied:2")
    headers = grid_headers(page, "#ex-table")
    chosen = grid_column(page, "#ex-table", headers.index("Chosen"))[row]
    reward = grid_column(page, "#ex-table", headers.index("Reward chosen"))[row]
    assert (chosen, float(reward)) == ("Switzerland", -19.467)


def test_a_code_answer_keeps_its_lines_and_indentation(page):
    open_examples(page, "rewardbench", "coder/rm-code")
    wait_until(lambda: "hep-python" in grid_column(page, "#ex-table", 0) or None)
    dwell(page, 1500)  # the model switch ends by closing the open example
    page.locator("#ex-table [role=gridcell][data-col='2']", has_text="running_sum").click()
    code = page.locator("#ex-detail pre code")
    wait_until(lambda: code.count() or None)
    indented = "def running_sum(n):\n    total = 0\n    for i in range(1, n + 1):\n        total += i"
    assert indented in code.first.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "examples-code.png"), full_page=True)


# ---- point 7: no traceback in normal use -----------------------------------------------------------------


def test_searching_filtering_and_switching_leave_no_traceback(page, capfd):
    search = page.locator("#lb-search textarea, #lb-search input").first
    for _ in range(2):
        search.fill("no model is called this")  # the chart's model choices become empty
        wait_until(lambda: not grid_column(page, "#lb-table", 0) or None)
        dwell(page, 1500)  # timer ticks carry the old picks meanwhile
        search.fill("")
        choose(page, "#lb-benchmark", "rewardbench")
        dwell(page, 500)
        choose(page, "#lb-benchmark", RB2)
    open_examples(page, RB2, "ties/rm-ties")
    page.locator("#ex-search textarea, #ex-search input").first.fill("nothing matches this")
    choose(page, "#ex-benchmark", "rewardbench")
    page.locator("#ex-outcome label", has_text="wrong").click()
    dwell(page, 1500)
    assert_no_traceback(capfd)


# ---- point 5: a phone -----------------------------------------------------------------------------------


def test_at_phone_width_score_labels_and_every_tab_are_in_reach(browser, served):
    with watched_page(
        browser, served[0], MODEL_CELLS, tab="Leaderboard", viewport={"width": 390, "height": 844},
        is_mobile=True, has_touch=True,
    ) as page:
        tabs = page.get_by_role("tab")
        assert tabs.count() == 9 and page.locator("button[aria-label='More tabs']").count() == 0
        assert all(tabs.nth(i).is_visible() for i in range(9))  # each one tap away
        for switch in ("#lb-incomplete", "#lb-older"):
            assert page.locator(switch).bounding_box()["width"] >= 200, switch  # readable, not a sliver
        headers = grid_headers(page, "#lb-table")
        score = page.locator("#lb-table th[role=columnheader]").nth(headers.index("Score"))
        box = score.bounding_box()
        assert box["x"] + box["width"] <= 390 and score.is_visible()  # beside the model name, on screen
        page.screenshot(path=str(SCREENSHOTS / "leaderboard-phone.png"))


# ---- point 4: a header sort ----------------------------------------------------------------------------


def downloaded_models(page, saved: Path) -> tuple[list[str], list[dict]]:
    with page.expect_download() as download:
        page.locator("#lb-download").click()
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["Model"] for r in rows], rows


def sort_by(page, header: str, item: str) -> None:
    page.locator(f"#lb-table th[title='{header}']").click()
    page.locator(f"#lb-table th[title='{header}'] button.cell-menu-button").click()
    page.get_by_role("menuitem", name=item).click()


def column_visibility(page, col: int) -> set[str]:
    return set(page.evaluate(
        "(col) => [...document.querySelectorAll(`#lb-table [role=gridcell][data-col=\"${col}\"] > *`)]"
        ".map(e => getComputedStyle(e).visibility)", col))


def test_a_header_sort_reorders_the_csv_and_the_caption_and_hides_the_significance_mark(page, tmp_path):
    count = page.locator("#lb-count")
    wait_until(lambda: "best score first" in count.inner_text() or None)
    ranking = grid_column(page, "#lb-table", 0)
    models, rows = downloaded_models(page, tmp_path / "ranking.csv")
    assert models == ranking and "Sig. vs above" in rows[0]
    sig = grid_headers(page, "#lb-table").index("Sig. vs above")

    sort_by(page, "Math", "Sort ascending")
    wait_until(lambda: "sorted by Math (ascending)" in count.inner_text() or None)
    shown = grid_column(page, "#lb-table", 0)
    assert shown != ranking  # the fixture's Math order differs from the ranking by score
    models, rows = downloaded_models(page, tmp_path / "sorted.csv")
    assert models == shown
    assert "Sig. vs above" not in rows[0]  # it only means something in ranking order
    math = [float(r["Math"]) for r in rows]
    assert math == sorted(math)
    assert column_visibility(page, sig) == {"hidden"}

    sort_by(page, "Math", "Clear sort")
    wait_until(lambda: "best score first" in count.inner_text() or None)
    assert downloaded_models(page, tmp_path / "again.csv")[0] == ranking
    assert column_visibility(page, sig) == {"visible"}
