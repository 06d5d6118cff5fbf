"""RM-Bench, JudgeBench and PPE human preference on the pages, in a real browser: their own columns
from their specs, the style matrix as a heatmap on the Charts tab, and each one's CSV equal to the
rows shown."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Iterator

import pytest

from demo.sample_data_ppe import SAMPLE_PPE_PATH
from evaluator.cli import main
from leaderboard.app_settings import AppSettings
from results.schema import EvalResult, ExampleScore
from results.store import LocalStore
from tests.browser_fixtures import SCREENSHOTS, chromium, grid_column, grid_headers, serving_store, wait_until, watched_page

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
RM_FILES = ("chat_filtered.json", "code_filtered.json", "safety-refuse_filtered.json", "safety-response_filtered.json")
RM_LABEL = "rm-bench · custom data: rm-bench"
JB_LABEL = "judgebench · custom data: judgebench.jsonl"
PPE_LABEL = f"ppe-preference · custom data: {SAMPLE_PPE_PATH.name}"


def _evaluate(model: Path, benchmark: str, data: Path, out: Path) -> tuple[EvalResult, list[ExampleScore]]:
    assert main(["run", "--model", str(model), "--benchmark", benchmark, "--data", str(data), "--no-progress",
                 "--max-length", "128", "--bootstrap-samples", "50", "--output", str(out)]) == 0
    org, name = model.parts[-2:]
    result = EvalResult.model_validate_json((out / org / f"{name}.json").read_text())
    lines = (out / org / f"{name}.scores.jsonl").read_text().splitlines()
    return result, [ExampleScore.model_validate_json(line) for line in lines]


@pytest.fixture(scope="module")
def served(tmp_path_factory, tiny_tokenizer) -> Iterator[str]:
    if not (DATA / "rm-bench").is_dir():
        pytest.skip("../shared/data is not beside this checkout")
    from evaluator.tiny_models import build_classifier

    work = tmp_path_factory.mktemp("bench-pages")
    models = [build_classifier(work / "models" / "org" / name, tiny_tokenizer, seed=seed)
              for name, seed in (("rm-one", 1), ("rm-two", 2))]
    rm = work / "rm-bench"
    rm.mkdir()
    for name in RM_FILES:
        (rm / name).write_text(json.dumps(json.loads((DATA / "rm-bench" / name).read_text())[:3]))
    jb = work / "judgebench.jsonl"
    pairs = [json.loads(line) for line in (DATA / "judgebench" / "gpt-4o-2024-05-13.jsonl").read_text().splitlines()]
    picked = [p for c in ("mmlu-pro", "livebench-reasoning", "livebench-math", "livecodebench")
              for p in [p for p in pairs if p["source"].startswith(c)][:3]]  # every category
    jb.write_text("".join(json.dumps(p) + "\n" for p in picked))
    store = LocalStore(work / "store")
    for model in models:
        for benchmark, data in (("rm-bench", rm), ("judgebench", jb), ("ppe-preference", SAMPLE_PPE_PATH)):
            store.write_result(*_evaluate(model, benchmark, data, work / "out" / benchmark / model.name))
    settings = AppSettings(
        ui_poll_s=1.0, manual_refresh_min_s=0, benchmarks=("rm-bench", "judgebench", "ppe-preference")
    )
    with serving_store(store, settings, work / "exports") as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as running:
        yield running


@pytest.fixture
def page(browser, served):
    with watched_page(browser, served, "#lb-table [role=gridcell]", tab="Leaderboard") as opened:
        yield opened


def choose_benchmark(page, name: str) -> None:
    page.locator("#lb-benchmark input").click()
    page.get_by_role("option", name=name, exact=True).click()


def test_rm_bench_shows_its_columns_and_its_style_matrix_as_a_heatmap(page):
    choose_benchmark(page, RM_LABEL)
    wait_until(lambda: {"Chat", "Code", "Safety", "Easy", "Normal", "Hard"} <= set(grid_headers(page, "#lb-table")) or None)
    assert "Chat Hard" not in grid_headers(page, "#lb-table")
    page.get_by_role("tab", name="Charts").click()
    heatmap = page.locator("#chart-matrix .js-plotly-plot")
    heatmap.wait_for()
    wait_until(lambda: page.locator("#chart-matrix .hm").count() >= 1 or None)  # plotly's heatmap layer
    text = heatmap.inner_text()
    assert "chosen concise" in text and "rejected detailed with markdown" in text
    page.screenshot(path=str(SCREENSHOTS / "rm-bench-heatmap.png"), full_page=True)


def test_rm_bench_csv_equals_the_rows_shown(page, tmp_path):
    choose_benchmark(page, RM_LABEL)
    columns = ["Score", "Chat", "Code", "Safety", "Easy", "Normal", "Hard"]
    wait_until(lambda: all(h in grid_headers(page, "#lb-table") for h in columns) or None)
    assert_csv_is_the_table(page, tmp_path / "rm.csv", columns)


def test_judgebench_shows_its_columns_and_its_csv_equals_the_rows_shown(page, tmp_path):
    choose_benchmark(page, JB_LABEL)
    expected = ["Knowledge", "Reasoning", "Math", "Coding", "Category mean", "All pairs"]
    wait_until(lambda: all(h in grid_headers(page, "#lb-table") for h in expected) or None)
    shown = assert_csv_is_the_table(page, tmp_path / "jb.csv", ["Score", *expected])
    assert shown["Score"] == shown["All pairs"]  # the headline is the accuracy over every pair


def test_ppe_shows_accuracies_in_points_correlations_as_they_are_and_ties_as_a_count(page, tmp_path):
    choose_benchmark(page, PPE_LABEL)
    scores = ["Accuracy", "Hard prompts", "Easy prompts", "Instruction following", "Math prompts", "Coding"]
    others = ["Spearman (BT)", "Kendall (BT)", "Ties left out"]
    wait_until(lambda: all(h in grid_headers(page, "#lb-table") for h in [*scores, *others]) or None)
    shown = assert_csv_is_the_table(page, tmp_path / "ppe.csv", ["Score", *scores])
    assert shown["Score"] == shown["Accuracy"]
    assert set(shown["Ties left out"]) == {"4"}  # the sample's four tied battles, a count
    rows = list(csv.DictReader((tmp_path / "ppe.csv").open(newline="", encoding="utf-8")))
    for header in ("Spearman (BT)", "Kendall (BT)"):
        assert all(-1.0 <= float(r[header]) <= 1.0 for r in rows), header  # a coefficient, not x 100
        assert [f"{float(r[header]):+.3f}" for r in rows] == shown[header], header


def assert_csv_is_the_table(page, saved: Path, columns: list[str]) -> dict[str, list[str]]:
    """The downloaded CSV holds the rows the table shows, in its order, each number as shown."""
    headers = grid_headers(page, "#lb-table")
    shown = {h: grid_column(page, "#lb-table", i) for i, h in enumerate(headers)}
    with page.expect_download() as download:
        page.locator("#lb-download").click()
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["Model"] for r in rows] == shown["Model"]
    for header in columns:
        assert [f"{float(r[header]):.1f}" for r in rows] == shown[header], header
    return shown


def test_the_matrix_chart_is_hidden_on_a_benchmark_without_one(page):
    choose_benchmark(page, JB_LABEL)
    wait_until(lambda: "All pairs" in grid_headers(page, "#lb-table") or None)  # the switch has landed
    page.get_by_role("tab", name="Charts").click()
    page.locator("#chart-sections .js-plotly-plot").wait_for()
    wait_until(lambda: not page.locator("#chart-matrix").is_visible() or None)
    assert not page.locator("#chart-curves").is_visible()  # curves too: only a spec that has them shows them


def test_examples_show_the_results_matrix_and_each_examples_own_cells(page):
    page.get_by_role("tab", name="Examples").click()
    page.locator("#ex-benchmark input").click()
    page.get_by_role("option", name=RM_LABEL, exact=True).click()
    wait_until(lambda: page.locator("#ex-matrix .hm").count() >= 1 or None)  # the result's heatmap
    assert "chosen concise" in page.locator("#ex-matrix .js-plotly-plot").inner_text()
    cells = page.locator("#ex-table [role=gridcell][data-col='2']")
    wait_until(lambda: cells.count() >= 1 or None)
    cells.first.click()
    detail = page.locator("#ex-detail")
    wait_until(lambda: "Which chosen answer scored above which rejected one" in detail.inner_text() or None)
    table = detail.locator("table")
    assert table.count() == 1 and table.locator("tbody tr").count() == 3
    assert set(table.locator("tbody td").all_inner_texts()) - {"won", "lost"} == {
        "chosen concise", "chosen detailed", "chosen detailed with markdown"}
    page.locator("#ex-benchmark input").click()
    page.get_by_role("option", name=JB_LABEL, exact=True).click()
    wait_until(lambda: not page.locator("#ex-matrix").is_visible() or None)
