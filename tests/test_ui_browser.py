"""The web app in a real browser: chromium (Playwright) against the app served on 127.0.0.1 over a
fixture store, with submissions checked by the Hub emulator. One server for the whole module."""

from __future__ import annotations

import csv
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from fakes.hub_emulator import HubEmulator
from leaderboard.tables import table as t
from leaderboard.data import ResultsCache
from leaderboard.app_settings import AppSettings
from results.schema import EvalRequest, RequestProgress, Status
from results.store import legacy_result_path
from tests.browser_fixtures import (
    SCREENSHOTS,
    WAIT_MS,
    browser_fixture,  # noqa: F401 (provides the `browser` fixture)
    grid_column,
    grid_headers,
    open_tab,
    serving_store,
    shows,
    wait_for_column,
    wait_until,
    watched_page,
)
from tests.leaderboard_fixtures import (
    CUSTOM_BENCHMARK,
    CUSTOM_DATA_PATH,
    CUSTOM_NAME,
    EXPECTED_ORDER,
    INCOMPLETE_NAME,
    RB2,
    RB2_COLUMNS,
    RB2_LARGE,
    RB2_ORDER,
    XSS_NAME,
    XSS_TYPE,
    add_rewardbench_2,
    fixture_store,
    make_result,
    publish_model,
    subset_levels,
    write_result,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
MODEL_CELLS = "#lb-table [role=gridcell][data-col='0']"
PERCENT = re.compile(r"^\d{1,3}\.\d$")
SUBMITTED = datetime(2025, 5, 1, 9, 30, tzinfo=timezone.utc)
LONG_ERROR = (
    "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB\nTraceback (most recent call last):\n"
    + "\n".join(f'  File "/home/worker/.venv/lib/torch/module{i}.py", line {i}, in forward' for i in range(40))
    + "\nthe very last line of the error"
)


def failed_request(rid: str, minutes: int, error: str, attempts: int = 0, ended_by_worker: bool = True):
    finished = SUBMITTED + timedelta(hours=1, minutes=minutes)
    return EvalRequest(
        request_id=rid,
        model=f"failing/{rid}",
        org="failing",
        name=rid,
        status=Status.FAILED,
        submitter="a-submitter-with-a-long-name",
        submitted_at=SUBMITTED + timedelta(minutes=minutes),
        started_at=SUBMITTED,
        heartbeat_at=finished if ended_by_worker else SUBMITTED,
        finished_at=finished,
        attempts=attempts,
        error=error,
    )


def judging_request(rid: str, status: Status, **fields):
    """A policy request: its Benchmark cell is "judging policy demo-policies/thorough", whose long
    last word was once cut inside ("thoro ugh") by a column narrower than it."""
    return EvalRequest(
        request_id=rid, model="demo/tiny-rm-bt", org="demo", name="tiny-rm-bt", kind="policy", status=status,
        policy="demo-policies/thorough", submitter="demo", submitted_at=SUBMITTED, started_at=SUBMITTED, **fields
    )


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
    store = add_rewardbench_2(fixture_store(tmp_path_factory.mktemp("store")))
    store.add_request(failed_request("first-run-failure", 1, LONG_ERROR))
    store.add_request(failed_request("given-up", 2, "gave up after 3 attempts", attempts=3, ended_by_worker=False))
    store.add_request(judging_request("judged", Status.FINISHED, finished_at=SUBMITTED + timedelta(hours=1)))
    counted = RequestProgress(phase="scoring (classifier)", done=1234, total=5000, eta_s=720.0, updated_at=SUBMITTED)
    store.add_request(judging_request("judging", Status.RUNNING, heartbeat_at=SUBMITTED, progress=counted))
    # This host lists v1 first, so the page opens on it (most tests below are about v1's table); the
    # default order, RewardBench 2 first, is tested in test_leaderboard_benchmarks.py.
    settings = AppSettings(
        hub_endpoint=hub.endpoint, ui_poll_s=1.0, manual_refresh_min_s=0, benchmarks=("rewardbench", RB2)
    )
    with serving_store(store, settings, tmp_path_factory.mktemp("exports")) as served:
        yield served


@pytest.fixture
def page(browser, served):
    """A fresh page on the leaderboard that records every dialog (none may ever open)."""
    with watched_page(browser, served[0], MODEL_CELLS, tab="Leaderboard", accept_downloads=True) as page:
        yield page


def column(page, index: int, grid: str = "#lb-table") -> list[str]:
    return grid_column(page, grid, index)


def headers(page, grid: str = "#lb-table") -> list[str]:
    return grid_headers(page, grid)


def shown_models(page) -> list[str]:
    return column(page, 0)


def wait_for_models(page, expected: list[str]) -> None:
    wait_for_column(page, "#lb-table", 0, expected)


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
    shows(page.locator("#lb-stats"), "2 unreadable result file(s) left out")
    link = page.locator(MODEL_CELLS).first.locator("a")
    assert link.get_attribute("href") == "https://huggingface.co/acme/rm-large"


def test_sorting_by_a_column_is_numeric(page):
    header_menu(page, "Params", "Sort descending")
    # Numeric order is 70, 8, 1.5; as text it would be 8, 70, 1.5.
    wait_for_models(
        page,
        ["acme/rm-large", "tulu/dpo-8b", "acme/rm-small", "openlab/judge-x", XSS_NAME, "oldlab/classic-rm"],
    )
    header_menu(page, "Params", "Clear sort")
    wait_for_models(page, list(EXPECTED_ORDER))
    header_menu(page, "Chat Hard", "Sort ascending")
    chat_hard = headers(page).index("Chat Hard")
    wait_until(lambda: shown_models(page)[0] == "oldlab/classic-rm" or None)
    values = [float(v) for v in column(page, chat_hard)]
    assert values == sorted(values)


def test_filtering_by_model_type(page):
    page.locator("#lb-types label", has_text="Sequence classifier").click()
    wait_for_models(page, ["openlab/judge-x", "tulu/dpo-8b", XSS_NAME])
    assert set(column(page, 1)) == {"Generative judge (LLM-as-judge)", "DPO (implicit reward vs. reference)", XSS_TYPE}
    shows(page.locator("#lb-count"), "Showing 3 of 7")  # 7 with the incomplete one
    page.locator("#lb-types label", has_text="Generative").click()
    wait_for_models(page, ["tulu/dpo-8b", XSS_NAME])


def test_search_matches_every_word(page):
    page.locator("#lb-search textarea, #lb-search input").first.fill("acme")
    wait_for_models(page, ["acme/rm-large", "acme/rm-small"])
    page.locator("#lb-search textarea, #lb-search input").first.fill("acme small")
    wait_for_models(page, ["acme/rm-small"])


def test_csv_download_equals_the_rows_shown(page, tmp_path):
    page.locator("#lb-search textarea, #lb-search input").first.fill("r")  # leaves out judge-x and dpo-8b
    shows(page.locator("#lb-count"), "Showing 4 of 7")
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
    for header in ("Score", *t.section_names("rewardbench")):
        exported = [f"{float(r[header]):.1f}" if r[header] else "–" for r in rows]
        assert exported == shown[header], header
    assert [r["Score"] for r in rows] == shown["Score"]  # as shown: one decimal, no float noise
    assert [r["Model Type"] for r in rows] == shown["Model Type"]


def test_a_chart_renders(page):
    page.get_by_role("tab", name="Charts").click()
    bars = page.locator("#chart-sections .js-plotly-plot")
    bars.wait_for()
    wait_until(lambda: page.locator("#chart-sections g.trace.bars").count() >= 3 or None)
    shows(bars, "Section scores of the top")
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
    shows(message, "Queued")
    assert hub.head("acme/new-rm")[:7] in message.inner_text()
    shows(message, "on rewardbench and rewardbench-2")  # both boxes are ticked by default
    page.screenshot(path=str(SCREENSHOTS / "lb-submit.png"), full_page=True)
    page.get_by_role("tab", name="Queue").click()
    pending = page.locator("#queue-pending")
    shows(pending, "acme/new-rm")
    shows(pending, "alice")
    shows(pending, "Pending (2)")  # one per benchmark
    benchmarks = column(page, headers(page, "#queue-pending").index("Benchmark"), "#queue-pending")
    assert sorted(benchmarks) == ["rewardbench", RB2]


def test_a_bad_submission_shows_its_reason(page):
    page.get_by_role("tab", name="Submit").click()
    page.locator("#sub-submitter textarea, #sub-submitter input").first.fill("bob")
    page.locator("#sub-model textarea, #sub-model input").first.fill("acme/pickle-only")
    page.locator("#sub-button").click()
    message = page.locator("#sub-message")
    shows(message, "Not queued")
    shows(message, "has no safetensors weights")
    page.get_by_role("tab", name="Queue").click()
    assert "acme/pickle-only" not in page.locator("#queue-pending").inner_text()


def test_new_results_show_after_a_refresh_without_a_restart(page, served):
    _, cache = served
    org, name = "fresh", "rm-top"
    write_result(cache.store, make_result(f"{org}/{name}", subset_levels(0.97)))
    try:
        page.locator("#lb-refresh").click()  # the button
        wait_for_models(page, [f"{org}/{name}", *EXPECTED_ORDER])
        (Path(cache.store.root) / legacy_result_path(org, name)).unlink()
        cache.refresh()  # what the schedule does: the open page picks it up on its next check
        wait_for_models(page, list(EXPECTED_ORDER))
    finally:
        (Path(cache.store.root) / legacy_result_path(org, name)).unlink(missing_ok=True)
        cache.refresh()


# ---- issue 17: incomplete results, custom data, what the pages show --------------------------------


def test_incomplete_results_are_hidden_until_the_switch_shows_them_marked(page):
    assert INCOMPLETE_NAME not in shown_models(page)
    shows(page.locator("#lb-count"), "1 incomplete result hidden")
    page.locator("#lb-incomplete input").check()
    wait_for_models(page, [*EXPECTED_ORDER, f"{INCOMPLETE_NAME} ⚠"])  # after every complete one
    mark = page.locator(MODEL_CELLS).last.locator("span[title]").last
    assert mark.inner_text() == "⚠" and "refusals-dangerous" in mark.get_attribute("title")
    shows(page.locator("#lb-count"), "Showing 7 of 7")
    page.screenshot(path=str(SCREENSHOTS / "lb-incomplete-shown.png"), full_page=True)
    page.locator("#lb-incomplete input").uncheck()
    wait_for_models(page, list(EXPECTED_ORDER))


def test_custom_data_has_its_own_benchmark_choice_and_no_path_is_shown(page):
    page.locator("#lb-benchmark input").click()
    page.get_by_role("option", name=CUSTOM_BENCHMARK).click()
    wait_for_models(page, [CUSTOM_NAME])
    text = page.locator("body").inner_text()
    assert CUSTOM_DATA_PATH not in text and "/home/" not in text
    assert "/home/" not in page.content()  # nor in any attribute


def test_a_revision_shows_12_characters_and_the_full_sha_on_hover(page):
    assert "Revision" in headers(page)  # shown by default: a model may have results at several commits
    cell = page.locator(f"#lb-table [role=gridcell][data-col='{headers(page).index('Revision')}'] span[title]").first
    cell.hover()
    assert cell.inner_text() == "0123456789ab"
    assert cell.get_attribute("title") == "0123456789abcdef0123456789abcdef01234567"


def test_long_cells_carry_their_whole_text_on_hover(page):
    types = page.locator("#lb-table [role=gridcell][data-col='1'] span[title]")
    titles = [types.nth(i).get_attribute("title") for i in range(types.count())]
    assert "DPO (implicit reward vs. reference)" in titles
    assert page.locator(MODEL_CELLS).first.locator("a").get_attribute("title") == EXPECTED_ORDER[0]


def test_the_sorting_note_is_beside_the_table(page):
    shows(page.locator("#lb-help"), "click its header, then the ⋮ button")


def test_charts_follow_the_search_and_type_filters(page):
    page.locator("#lb-search textarea, #lb-search input").first.fill("acme")
    wait_for_models(page, ["acme/rm-large", "acme/rm-small"])
    open_tab(page, "Charts")
    bar_names = "() => document.querySelector('#chart-sections .js-plotly-plot').data.map(d => d.name)"
    page.locator("#chart-sections .js-plotly-plot").wait_for()
    wait_until(lambda: page.evaluate(bar_names) == ["acme/rm-large", "acme/rm-small"] or None)
    open_tab(page, "Leaderboard")
    page.locator("#lb-search textarea, #lb-search input").first.fill("")
    page.locator("#lb-types label", has_text="Sequence classifier").click()
    open_tab(page, "Charts")
    wait_until(lambda: "acme/rm-large" not in page.evaluate(bar_names) or None)
    assert "tulu/dpo-8b" in page.evaluate(bar_names)


def test_failed_requests_show_how_often_they_ran_and_the_whole_error_on_demand(page):
    open_tab(page, "Queue")
    failed = "#queue-failed"
    shows(page.locator(failed), "first-run-failure")
    names, runs = column(page, 0, failed), column(page, headers(page, failed).index("Runs"), failed)
    assert dict(zip(names, runs)) == {"failing/given-up": "3", "failing/first-run-failure": "1"}
    summary = column(page, headers(page, failed).index("Error"), failed)[names.index("failing/first-run-failure")]
    assert summary.endswith("…") and "the very last line" not in summary
    page.locator("#queue-failed-pick input").click()
    page.get_by_role("option", name=re.compile("first-run-failure")).click()
    error = page.locator("#queue-error textarea")
    wait_until(lambda: "the very last line of the error" in error.input_value() or None)
    assert "Ran 1 time" in error.input_value() and "module39.py" in error.input_value()
    assert "/home/worker" not in error.input_value()
    page.screenshot(path=str(SCREENSHOTS / "lb-queue.png"), full_page=True)


WORDS_ON_ONE_LINE = """(root) => {
  // Every word (split at spaces and hyphens) of every cell must lie on one line.
  const broken = [];
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const re = /[^\\s-]+/g;
    for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const tops = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (tops.size > 1) broken.push(m[0]);
    }
  }
  return broken;
}"""


def test_queue_tables_wrap_at_spaces_not_inside_words(page):
    open_tab(page, "Queue")
    failed = page.locator("#queue-failed")
    shows(failed, "first-run-failure")
    running = page.locator("#queue-running")
    shows(running, "1,234 / 5,000 texts")
    for grid in ("#queue-failed", "#queue-pending", "#queue-running", "#queue-finished"):
        assert page.eval_on_selector(grid, WORDS_ON_ONE_LINE) == [], grid
    shows(page.locator("#queue-finished"), "demo-policies/thorough")


def test_the_table_is_usable_at_phone_width(browser, served):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(served[0])
        open_tab(page, "Leaderboard")  # the Overview opens first
        page.wait_for_selector(MODEL_CELLS)
        # No sideways scrolling of the page: only the table scrolls, inside its own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        viewport = page.locator("#lb-table .virtual-table-viewport")
        assert viewport.evaluate("el => el.scrollWidth > el.clientWidth")
        first = page.locator(MODEL_CELLS).first
        before = first.bounding_box()
        assert before["width"] >= 150 and first.inner_text().strip() == EXPECTED_ORDER[0]  # readable
        assert float(first.evaluate("el => getComputedStyle(el).fontSize").rstrip("px")) >= 12
        viewport.evaluate("el => { el.scrollLeft = 400; }")
        wait_until(lambda: viewport.evaluate("el => el.scrollLeft") > 0 or None)
        after = first.bounding_box()
        assert abs(after["x"] - before["x"]) < 1  # the Model column stays pinned
        page.screenshot(path=str(SCREENSHOTS / "lb-phone.png"), full_page=True)
    finally:
        context.close()


# ---- issue 11: RewardBench 2 beside v1 ----------------------------------------------------------------

V2_HEADERS = [
    "Model", "Model Type", "Score", "95% CI", *RB2_COLUMNS[1:], "Params", "Revision", "Evaluated",
    "Sig. vs above", "Source", "Δ published",
]


def choose_benchmark(page, name: str) -> None:
    page.locator("#lb-benchmark input").click()
    page.get_by_role("option", name=name, exact=True).click()


def test_switching_to_rewardbench_2_shows_its_own_columns_and_results(page):
    assert "Chat Hard" in headers(page)
    choose_benchmark(page, RB2)
    wait_for_models(page, list(RB2_ORDER))
    wait_until(lambda: headers(page) == V2_HEADERS or None)
    scores = [float(s) for s in column(page, headers(page).index("Score"))]
    assert scores == [75.0, 65.0, 60.0]  # plain means of the six subsets
    assert column(page, headers(page).index("Safety"))[1] == f"{RB2_LARGE['Safety'] * 100:.1f}"
    page.screenshot(path=str(SCREENSHOTS / "lb-rewardbench-2.png"), full_page=True)
    page.get_by_text("Columns", exact=True).click()  # the chooser offers this benchmark's columns
    page.locator("#lb-columns label", has_text="Ties").click()
    wait_until(lambda: "Ties" not in headers(page) or None)
    choose_benchmark(page, "rewardbench")
    wait_for_models(page, list(EXPECTED_ORDER))
    wait_until(lambda: "Chat Hard" in headers(page) or None)
    assert "Factuality" not in headers(page)
    # The column chooser is an output of the same event as the table and may still be updating.
    chooser = page.locator("#lb-columns")
    wait_until(lambda: ("Chat Hard" in chooser.inner_text() and "Factuality" not in chooser.inner_text()) or None)
    choose_benchmark(page, RB2)  # the unticked column stays hidden
    wait_until(lambda: headers(page) == [h for h in V2_HEADERS if h != "Ties"] or None)
    assert page.locator("[data-testid='toast-body']").count() == 0, page.locator("body").inner_text()[:500]


def test_sorting_a_rewardbench_2_column_through_its_header_menu(page):
    choose_benchmark(page, RB2)
    wait_for_models(page, list(RB2_ORDER))
    header_menu(page, "Precise IF", "Sort ascending")  # 35, 40, 60
    wait_for_models(page, ["tulu/dpo-8b", "acme/rm-large", "openlab/judge-x"])
    values = [float(v) for v in column(page, headers(page).index("Precise IF"))]
    assert values == sorted(values)
    header_menu(page, "Precise IF", "Clear sort")
    wait_for_models(page, list(RB2_ORDER))


def test_the_rewardbench_2_csv_has_its_columns_and_values(page, tmp_path):
    choose_benchmark(page, RB2)
    wait_until(lambda: headers(page) == V2_HEADERS or None)
    with page.expect_download() as download:
        page.locator("#lb-download").click()
    saved = tmp_path / "v2.csv"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "rewardbench-2-leaderboard.csv"  # the same name every time
    with saved.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "Model", "Model Type", "Score", "95% CI low", "95% CI high", *RB2_COLUMNS[1:],
        "Parameters", "Revision", "Evaluated", "Sig. vs above", "Sig. vs above (why)", "Source", "Δ published",
    ]
    records = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert [r["Model"] for r in records] == list(RB2_ORDER)
    large = records[1]
    assert float(large["Score"]) == pytest.approx(65.0)
    assert {k: float(large[k]) for k in RB2_COLUMNS[1:]} == pytest.approx({k: v * 100 for k, v in RB2_LARGE.items()})


def test_older_revisions_are_listed_on_request_and_marked(page):
    choose_benchmark(page, RB2)
    wait_for_models(page, list(RB2_ORDER))
    shows(page.locator("#lb-count"), "1 older result hidden")
    page.locator("#lb-older input").check()
    wait_for_models(page, [*RB2_ORDER, "acme/rm-large (older)"])
    revisions = column(page, headers(page).index("Revision"))
    assert revisions[1] == "fedcba987654" and revisions[-1] == "111111111111"  # the row says which commit
    page.screenshot(path=str(SCREENSHOTS / "lb-older-revisions.png"), full_page=True)


def test_charts_subsets_and_about_follow_the_benchmark(page):
    choose_benchmark(page, RB2)
    wait_for_models(page, list(RB2_ORDER))
    open_tab(page, "Charts")
    page.locator("#chart-sections .js-plotly-plot").wait_for()
    bar_axis = "() => document.querySelector('#chart-sections .js-plotly-plot').data[0].x"
    wait_until(lambda: page.evaluate(bar_axis) == list(RB2_COLUMNS[1:]) or None)
    assert page.locator("#chart-x input").input_value() == "Factuality"
    page.screenshot(path=str(SCREENSHOTS / "lb-rb2-charts.png"), full_page=True)
    open_tab(page, "Subsets")
    wait_until(lambda: headers(page, "#subsets-table") == ["Model", "Model Type", "Score", *RB2_COLUMNS[1:]] or None)
    open_tab(page, "About")
    shows(page.locator("#about-text"), "How a model is scored on rewardbench-2")
    assert page.locator("[data-testid='toast-body']").count() == 0  # no value refused on the way
