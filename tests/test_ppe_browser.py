"""PPE Correctness on the pages, in a real browser: its columns from its spec, and each set's best-of-K
curve beside its oracle curve on the Charts tab, the five sets side by side."""

from __future__ import annotations

from typing import Iterator

import pytest

from demo.sample_data_ppe_correctness import SAMPLE_PPE_CORRECTNESS_PATH
from leaderboard.app_settings import AppSettings
from results.benchmarks import get_spec
from results.store import LocalStore
from tests.browser_fixtures import SCREENSHOTS, grid_headers, serving_store, wait_until
# `browser` and `page` as the RM-Bench and JudgeBench pages have them; `page` opens this module's `served`.
from tests.test_benchmarks_browser import _evaluate, browser, choose_benchmark, page  # noqa: F401

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
LABEL = "ppe-correctness · custom data: sample-ppe-correctness.jsonl"
SPEC = get_spec("ppe-correctness")


@pytest.fixture(scope="module")
def served(tmp_path_factory, tiny_tokenizer) -> Iterator[str]:
    from evaluator.tiny_models import build_classifier

    work = tmp_path_factory.mktemp("ppe-pages")
    store = LocalStore(work / "store")
    for name, seed in (("rm-one", 1), ("rm-two", 2)):
        model = build_classifier(work / "models" / "org" / name, tiny_tokenizer, seed=seed)
        store.write_result(*_evaluate(model, "ppe-correctness", SAMPLE_PPE_CORRECTNESS_PATH, work / "out" / name))
    settings = AppSettings(ui_poll_s=1.0, manual_refresh_min_s=0, benchmarks=("ppe-correctness", "rm-bench"))
    with serving_store(store, settings, work / "exports") as (url, _):
        yield url


def test_ppe_shows_its_set_columns_and_each_sets_curves_beside_the_oracle(page):
    choose_benchmark(page, LABEL)
    wait_until(lambda: set(SPEC.shown_columns) <= set(grid_headers(page, "#lb-table")) or None)
    page.get_by_role("tab", name="Charts").click()
    chart = page.locator("#chart-curves .js-plotly-plot")
    chart.wait_for()
    wait_until(lambda: page.locator("#chart-curves .scatterlayer .trace").count() == 10 or None)  # 5 sets x 2 lines
    text = chart.inner_text()
    assert all(name in text for name in SPEC.subsets) and "oracle" in text and "best-of-K" in text
    assert not page.locator("#chart-matrix").is_visible()
    bars = page.locator("#chart-sections .js-plotly-plot").inner_text()
    assert "MATH ROC AUC" not in bars and all(c in bars for c in SPEC.shown_columns)  # the main columns only
    page.screenshot(path=str(SCREENSHOTS / "ppe-correctness-curves.png"), full_page=True)
