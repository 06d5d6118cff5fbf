"""The Policies tab in a real browser: chromium (Playwright) against the app served on 127.0.0.1 over
a store with hand-built policy results (tests/policy_web_fixtures.py). One server for the module."""

from __future__ import annotations

import csv
from typing import Iterator

import pytest

from leaderboard.policies import policies as p
from leaderboard.data import ResultsCache
from leaderboard.app_settings import AppSettings
from tests.browser_fixtures import SCREENSHOTS, open_tab, serving_store, shows, wait_until
from tests.browser_fixtures import browser_fixture  # noqa: F401 (provides the `browser` fixture)
from tests.browser_fixtures import grid_column, grid_headers, watched_page
from tests.policy_web_fixtures import (
    BAD,
    GOOD,
    JUDGE_C,
    MID,
    RM_A,
    RM_B,
    XSS_POLICY,
    completions_jsonl,
    policy_store,
)

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
TABLE = "#pol-table"
CELLS = f"{TABLE} [role=gridcell]"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, ResultsCache]]:
    store = policy_store(tmp_path_factory.mktemp("store"))
    settings = AppSettings(ui_poll_s=1.0, manual_refresh_min_s=0, benchmarks=("rewardbench",))
    with serving_store(store, settings, tmp_path_factory.mktemp("exports")) as served:
        yield served


@pytest.fixture
def page(browser, served):
    """A fresh page on the Policies tab that records every dialog (none may ever open)."""
    with watched_page(browser, served[0], CELLS, tab="Policies", accept_downloads=True) as page:
        yield page


def column(page, index: int, grid: str = TABLE) -> list[str]:
    return grid_column(page, grid, index)


def headers(page, grid: str = TABLE) -> list[str]:
    return grid_headers(page, grid, read="th.innerText.trim()")


def shown(page) -> dict[str, list[str]]:
    return {h: column(page, i) for i, h in enumerate(headers(page))}


def test_the_table_shows_win_rates_with_intervals_then_win_probabilities(page):
    wait_until(lambda: headers(page) == [p.POLICY, RM_A, RM_B, JUDGE_C] or None)
    table = shown(page)
    assert table[p.POLICY] == [GOOD, MID, XSS_POLICY, BAD]  # best mean win rate first
    assert table[RM_A][:2] == ["80.0% [70.0, 90.0]", "55.0% [45.0, 65.0]"]
    assert table[RM_B][2] == "–"  # the HTML-named policy was judged by RM_A only
    shows(page.locator("#pol-count"), "4 policies judged by 3 reward models")
    shows(page.locator("#pol-count"), "1 unreadable policy result file(s) skipped")
    page.locator("#pol-metric label", has_text="Win probability").click()
    wait_until(lambda: column(page, 1)[:1] == ["70.0% [65.0, 75.0]"] or None)
    assert column(page, 0) == [GOOD, MID, BAD, XSS_POLICY]
    assert set(column(page, 3)) == {"–"}  # the generative judge gives verdicts, no rewards
    page.screenshot(path=str(SCREENSHOTS / "lb-policies.png"), full_page=True)
    page.locator("#pol-metric label", has_text="Length-controlled").click()
    wait_until(lambda: column(page, 1)[:2] == ["72.0%", "58.0%"] or None)


def test_the_csv_download_holds_the_shown_rows_at_full_precision(page, tmp_path):
    table = shown(page)
    with page.expect_download() as download:
        page.locator("#pol-download").click()
    saved = tmp_path / "policies.csv"
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        rows = {(r[p.POLICY], r[p.REWARD_MODEL]): r for r in csv.DictReader(handle)}
    assert len(rows) == 10
    for i, policy in enumerate(table[p.POLICY]):
        for rm in (RM_A, RM_B, JUDGE_C):
            row = rows.get((policy, rm))
            expected = (
                p.interval_cell(float(row[p.WIN_RATE]), float(row[p.WIN_RATE_LOW]), float(row[p.WIN_RATE_HIGH]))
                if row else "–"
            )
            assert table[rm][i] == expected, (policy, rm)
    assert rows[(MID, RM_B)][p.WIN_RATE] == "0.35" and rows[(MID, RM_A)][p.TIES] == "2"


def test_the_charts_and_the_agreement_render(page):
    heatmap = page.locator("#pol-heatmap .js-plotly-plot")
    heatmap.wait_for()
    shows(heatmap, "Win rate against the references")
    wait_until(lambda: page.locator("#pol-length g.trace.scatter").count() == 3 or None)  # one per reward model
    wait_until(lambda: page.locator("#pol-differences g.trace.violins, #pol-differences g.violinlayer g.trace").count() >= 1 or None)
    assert GOOD in page.locator("#pol-differences").inner_text()
    shows(page.locator("#pol-differences-note"), "Left out, no rewards to compare")
    assert JUDGE_C in page.locator("#pol-differences-note").inner_text()
    agreement = shown_agreement(page)
    assert agreement[RM_B][0] == "0.33 (3)" and agreement[JUDGE_C][0] == "1.00 (3)"
    assert agreement[RM_A][0] == "1.00 (4)"


def shown_agreement(page) -> dict[str, list[str]]:
    grid = "#pol-agreement"
    wait_until(lambda: column(page, 1, grid) or None)
    return {h: column(page, i, grid) for i, h in enumerate(headers(page, grid))}


def test_an_html_policy_name_is_shown_as_text_and_runs_nothing(page):
    cell = page.locator(f"{TABLE} [role=gridcell][data-col='0']").nth(column(page, 0).index(XSS_POLICY))
    assert cell.inner_text().strip() == XSS_POLICY and cell.locator("img").count() == 0
    page.locator("#pol-heatmap .js-plotly-plot").wait_for()
    page.locator("#pol-pick input").click()  # its name holds no store path: no per-prompt file, no crash
    page.get_by_role("option", name=XSS_POLICY).click()
    shows(page.locator("#pol-differences-note"), "No per-prompt file for: acme/rm-a")
    shows(page.locator("#pol-differences"), "No per-prompt rewards for this policy")
    assert page.evaluate('document.querySelectorAll(\'img[src="z"], [onerror]\').length') == 0


def fill_policy_form(page, name: str, upload) -> None:
    page.get_by_text("Submit a policy", exact=True).click()
    page.locator("#pol-submitter textarea, #pol-submitter input").first.fill("carol")
    page.locator("#pol-name textarea, #pol-name input").first.fill(name)
    page.locator("#pol-file input[type=file]").set_input_files(str(upload))
    shows(page.locator("#pol-file"), upload.name)


def test_a_bad_completions_file_is_refused_with_its_reason(page, tmp_path, served):
    upload = tmp_path / "duplicates.jsonl"
    row = {"prompt_id": "q1", "prompt": "Say hi.", "completion": "Hi.", "reference": "Hello."}
    upload.write_bytes(completions_jsonl([row, row]))
    fill_policy_form(page, "team/twice", upload)
    page.locator("#pol-button").click()
    message = page.locator("#pol-message")
    shows(message, "Not queued")
    shows(message, "line 2: prompt id 'q1' was already given at line 1")
    assert served[1].store.list_requests() == []


def test_a_good_file_is_queued_under_the_ticked_reward_model(page, tmp_path, served):
    upload = tmp_path / "good.jsonl"
    upload.write_bytes(completions_jsonl([{"prompt_id": "q1", "prompt": "Say hi.", "completion": "Hi.",
                                           "reference": "Hello."}]))
    fill_policy_form(page, "team/hello", upload)
    page.locator("#pol-reference-set input").click()
    page.get_by_role("option", name="inline: the file gives each prompt's reference").click()
    page.locator("#pol-reward-models label", has_text=RM_B).click()
    page.locator("#pol-button").click()
    message = page.locator("#pol-message")
    shows(message, "Queued")
    shows(message, "judged by acme/rm-b: 1 request(s)")
    [request] = served[1].store.list_requests()
    assert (request.kind, request.policy, request.name, request.reference_set) == ("policy", "team/hello", "rm-b", None)
    open_tab(page, "Queue")
    pending = page.locator("#queue-pending")
    shows(pending, "Pending (1)")
    assert RM_B in pending.inner_text() and "carol" in pending.inner_text()
