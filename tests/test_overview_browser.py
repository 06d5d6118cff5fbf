"""The Overview tab in a real browser, over a store with every registered benchmark: one row a model,
Average empty for a model missing one, Coverage, sorting by Rank score, the CSV equal to the rows
shown, a cell click landing on that result on the Leaderboard tab, and the agreement heatmap's tau-b
equal to scipy's on the same rankings."""

from __future__ import annotations

import json
import random
from typing import Iterator

import pytest

from fakes.eval_results import make_spec_result
from leaderboard.app_settings import AppSettings
from results.benchmarks import SPECS
from results.store import LocalStore, legacy_result_path, result_paths
from tests.browser_fixtures import (
    SCREENSHOTS,
    browser_fixture,  # noqa: F401  (the fixture `browser`: one chromium for the module)
    downloaded_csv,
    grid_column,
    grid_headers,
    open_tab,
    serving_store,
    shows,
    wait_for_column,
    wait_until,
    watched_page,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
# Every registered benchmark whose headline a synthetic result can carry: PPE human preference's comes
# from per-battle statistics (model pairs, votes) that `make_spec_result`'s subset levels do not make.
BENCHMARKS = [b for b in SPECS if make_spec_result("lab/probe", b, 0.7).score is not None]
MODELS = ["lab/alpha-rm", "lab/bravo-rm", "lab/charlie-rm", "lab/delta-rm", "lab/echo-rm", "lab/gap-model"]
GAP_MODEL, GAP_BENCHMARK = "lab/gap-model", BENCHMARKS[-1]
IMPORTED_MODEL = "published/foxtrot-rm"  # a published flat file: an imported cell
GRID = "#ov-table"


def levels() -> dict[tuple[str, str], float]:
    """Each model's level on each benchmark, on a coarse grid so that some rankings tie."""
    rng = random.Random(4)
    return {
        (m, b): rng.choice([0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85])
        for m in MODELS
        for b in BENCHMARKS
        if (m, b) != (GAP_MODEL, GAP_BENCHMARK)
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, dict]]:
    work = tmp_path_factory.mktemp("overview")
    store = LocalStore(work / "store")
    headlines = {}
    for (model, benchmark), level in levels().items():
        result = make_spec_result(model, benchmark, level, 0.05, num_parameters=10**9)
        store.write_file(result_paths(result)[0], result.model_dump_json().encode())
        headlines[(model, benchmark)] = result.score
    flat = {"model": IMPORTED_MODEL, "model_type": "Seq. Classifier", **{s: 0.66 for s in SPECS[BENCHMARKS[1]].subsets}}
    store.write_file(legacy_result_path(*IMPORTED_MODEL.split("/")), json.dumps(flat).encode())
    # No periodic check: its first tick can leave before the page's first render is back, render every
    # view again with the values of that moment, and land over a newer search (ui.Renderer.if_newer
    # compares the version the browser sent). This module tests the tab, not the refresh.
    settings = AppSettings(ui_poll_s=3600.0, manual_refresh_min_s=0, benchmarks=tuple(BENCHMARKS))
    with serving_store(store, settings, work / "exports") as (url, _):
        yield url, headlines


@pytest.fixture
def page(browser, served):
    with watched_page(browser, served[0], f"{GRID} [role=gridcell]") as opened:
        yield opened


def table(page) -> dict[str, list[str]]:
    headers = grid_headers(page, GRID)
    return {h: grid_column(page, GRID, i) for i, h in enumerate(headers)}


def row_of(shown: dict[str, list[str]], model: str) -> dict[str, str]:
    index = shown["Model"].index(model)
    return {h: values[index] for h, values in shown.items()}


def test_the_overview_is_the_first_tab_with_every_benchmark(page, served):
    assert page.get_by_role("tab").first.inner_text().strip() == "Overview"
    shown = table(page)
    assert len(BENCHMARKS) >= 4 and all(b in shown for b in BENCHMARKS)
    assert sorted(shown["Model"]) == sorted([*MODELS, IMPORTED_MODEL])
    gap = row_of(shown, GAP_MODEL)
    assert gap["Average"] == "–" and gap["Coverage"] == f"{len(BENCHMARKS) - 1} / {len(BENCHMARKS)}"
    assert gap[GAP_BENCHMARK] == "–"
    full = row_of(shown, "lab/alpha-rm")
    headlines = [served[1][("lab/alpha-rm", b)] * 100 for b in BENCHMARKS]
    assert full["Average"] == f"{sum(headlines) / len(headlines):.1f}"
    assert full["Coverage"] == f"{len(BENCHMARKS)} / {len(BENCHMARKS)}"
    assert row_of(shown, IMPORTED_MODEL)[BENCHMARKS[1]].endswith("†")  # an imported cell is marked
    page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)


def header_menu(page, header: str, item: str) -> None:
    page.locator(f"{GRID} th[title='{header}']").click()
    page.locator(f"{GRID} th[title='{header}'] button.cell-menu-button").click()
    page.get_by_role("menuitem", name=item).click()


def test_the_rows_come_best_rank_score_first_and_sort_by_it(page):
    ranked = table(page)["Rank score"]
    assert [float(v) for v in ranked] == sorted((float(v) for v in ranked), reverse=True)
    header_menu(page, "Rank score", "Sort ascending")
    wait_for_column(page, GRID, 1, sorted(ranked, key=float))
    header_menu(page, "Rank score", "Clear sort")
    wait_for_column(page, GRID, 1, ranked)


def test_after_a_header_sort_the_csv_comes_in_the_order_shown(page, tmp_path):
    """Sorted by a benchmark's column (a cell holds its score and marks: sorted as the page sorts
    text), the caption names the sort and the CSV's models come in the order the table shows."""
    benchmark = BENCHMARKS[1]
    ranking = table(page)["Model"]
    header_menu(page, benchmark, "Sort ascending")
    shows(page.locator("#ov-count"), f"sorted by {benchmark} (ascending)")
    shown = table(page)["Model"]
    assert shown != ranking
    assert [r["Model"] for r in downloaded_csv(page, "#ov-download", tmp_path / "sorted.csv")] == shown
    header_menu(page, benchmark, "Clear sort")
    shows(page.locator("#ov-count"), "best Rank score first")
    assert [r["Model"] for r in downloaded_csv(page, "#ov-download", tmp_path / "again.csv")] == ranking


def test_the_csv_is_the_rows_shown(page, tmp_path):
    page.locator("#ov-search input, #ov-search textarea").first.fill("rm")  # leaves out the gap model
    wait_until(lambda: GAP_MODEL not in grid_column(page, GRID, 0) or None)
    shows(page.locator("#ov-count"), f"Showing {len(MODELS)} of {len(MODELS) + 1} models")  # the same render
    shown = table(page)
    rows = downloaded_csv(page, "#ov-download", tmp_path / "overview.csv")
    assert [r["Model"] for r in rows] == shown["Model"]
    assert [f"{float(r['Rank score']):.1f}" for r in rows] == shown["Rank score"]
    assert [f"{float(r['Average']):.1f}" if r["Average"] else "–" for r in rows] == shown["Average"]
    assert [r["Coverage"] for r in rows] == shown["Coverage"]
    for benchmark in BENCHMARKS:
        values = [f"{float(r[benchmark]):.1f}" if r[benchmark] else "–" for r in rows]
        assert values == [cell.split(" ")[0] for cell in shown[benchmark]], benchmark


def test_a_cell_click_opens_that_result_on_the_leaderboard_and_in_the_examples(page, served):
    model, benchmark = "lab/delta-rm", BENCHMARKS[2]
    shown = table(page)
    column, row = list(shown).index(benchmark), shown["Model"].index(model)
    page.locator(f"{GRID} [role=gridcell][data-col='{column}']").nth(row).click()
    wait_for_column(page, "#lb-table", 0, [model])
    assert page.locator("#lb-benchmark input").input_value() == benchmark
    headers = grid_headers(page, "#lb-table")
    assert all(c in headers for c in SPECS[benchmark].shown_columns)  # its own columns
    score = grid_column(page, "#lb-table", headers.index("Score"))
    assert score == [f"{served[1][(model, benchmark)] * 100:.1f}"]
    open_tab(page, "Examples")  # and its Examples: the same result picked there
    wait_until(lambda: page.locator("#ex-model input").input_value() == model or None)
    assert page.locator("#ex-benchmark input").input_value() == benchmark


def test_the_agreement_heatmap_is_scipys_kendall_tau_b(page, served):
    scipy_stats = pytest.importorskip("scipy.stats")
    plot = page.locator("#ov-agreement .js-plotly-plot")
    plot.wait_for()
    wait_until(lambda: page.evaluate("document.querySelector('#ov-agreement .js-plotly-plot').data") or None)
    drawn = page.evaluate("(() => { const d = document.querySelector('#ov-agreement .js-plotly-plot').data[0];"
                          " return {x: d.x, z: d.z, n: d.customdata}; })()")
    assert drawn["x"] == BENCHMARKS
    headlines = served[1]
    having = {b: {m for m in MODELS if (m, b) in headlines} for b in BENCHMARKS}
    having[BENCHMARKS[1]].add(IMPORTED_MODEL)  # the published file has that benchmark only
    for i, a in enumerate(BENCHMARKS):
        for j, b in enumerate(BENCHMARKS):
            both = sorted(having[a] & having[b])
            assert drawn["n"][i][j] == len(both), (a, b)
            if a == b:
                continue
            x = [headlines[(m, a)] for m in both]
            y = [headlines[(m, b)] for m in both]
            assert drawn["z"][i][j] == pytest.approx(scipy_stats.kendalltau(x, y, variant="b").statistic), (a, b)


def test_a_search_narrows_the_overview_and_the_count_says_so(page):
    page.locator("#ov-search input, #ov-search textarea").first.fill("alpha")
    wait_for_column(page, GRID, 0, ["lab/alpha-rm"])
    shows(page.locator("#ov-count"), "Showing 1 of 7 models")


def test_the_submit_form_ticks_every_benchmark_and_says_what_a_run_scores(page):
    open_tab(page, "Submit")
    for benchmark in BENCHMARKS:
        box = page.get_by_label(f"{benchmark}: 5,970 texts", exact=True)  # what the fixtures' runs scored
        box.wait_for()
        assert box.is_checked(), benchmark
