"""Rows -> shown table and CSV columns: escaping, links, one-decimal percentages, column choice."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from leaderboard import display as d
from leaderboard import table as t
from tests.leaderboard_fixtures import EXPECTED_ORDER, XSS_NAME, fixture_store


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> pd.DataFrame:
    return t.build_tables(fixture_store(tmp_path_factory.mktemp("store")).iter_result_files()).rows


def test_hub_ids_link_to_their_page_with_escaped_text():
    assert d.model_link("acme/rm_v1.0") == r"[acme/rm\_v1\.0](https://huggingface.co/acme/rm_v1.0)"
    assert d.model_link("acme/rm", "https://mirror.example/") == "[acme/rm](https://mirror.example/acme/rm)"


@pytest.mark.parametrize(
    "name",
    [
        XSS_NAME,
        "a/b](javascript:alert(1))",
        "[x](http://evil)",
        "<script>alert(1)</script>",
        "$$x$$ **bold**",
    ],
)
def test_names_that_are_not_hub_ids_become_inert_text(name):
    markdown = d.model_link(name)
    assert "<" not in markdown and ">" not in markdown  # no raw HTML survives
    assert not re.search(r"(?<!\\)[\[\]()*$`]", markdown)  # every Markdown control character is escaped
    assert "](" not in markdown  # so no link is formed


def test_shown_table_has_required_and_chosen_columns_in_order(rows):
    shown = d.leaderboard_view(rows, d.chosen_columns(["Chat", "Model Type"]))
    assert shown.headers == ["Model", "Model Type", "Score", "Chat"]
    assert shown.datatypes == ["markdown", "str", "number", "number"]
    assert d.chosen_columns(None) == [c for c in d.LEADERBOARD_COLUMNS if c.required or c.shown_by_default]


def test_percentages_show_one_decimal_but_stay_numbers_for_sorting(rows):
    shown = d.leaderboard_view(rows, d.chosen_columns(None))
    frame = shown.styler.data
    assert frame["Score"].iloc[0] == pytest.approx(rows[t.SCORE].iloc[0] * 100)  # numeric, full precision
    html = shown.styler.to_html()
    assert f"{rows[t.SCORE].iloc[0] * 100:.1f}" in html
    assert f"{rows[t.SCORE].iloc[0] * 100:.2f}" not in html
    missing_ci = frame.loc[frame["Model"].str.contains("judge"), "95% CI"].iloc[0]
    assert missing_ci == d.MISSING


def test_interval_params_revision_and_date_formats(rows):
    columns = d.chosen_columns(list(d.OPTIONAL_HEADERS))
    frame = d.leaderboard_view(rows, columns).styler.data
    top = frame.iloc[0]
    low, high = rows[t.SCORE_CI_LOW].iloc[0] * 100, rows[t.SCORE_CI_HIGH].iloc[0] * 100
    assert top["95% CI"] == f"{low:.1f}–{high:.1f}"
    assert top["Params (B)"] == 70.0
    assert top["Revision"] == "0123456"
    assert top["Evaluated"] == "2025-03-14"


def test_export_keeps_full_precision_plain_names_and_splits_the_interval(rows):
    exported = d.leaderboard_export(rows, d.chosen_columns(list(d.OPTIONAL_HEADERS)))
    assert list(exported["Model"]) == list(EXPECTED_ORDER)
    assert exported["Score"].iloc[0] == rows[t.SCORE].iloc[0] * 100
    assert {"95% CI low", "95% CI high"} <= set(exported.columns) and "95% CI" not in exported.columns
    assert exported["Revision"].iloc[0] == "0123456789abcdef0123456789abcdef01234567"
    assert exported["Parameters"].iloc[0] == 70_000_000_000 and "Params (B)" not in exported.columns


def test_subsets_view_can_show_one_section(rows, tmp_path):
    tables = t.build_tables(fixture_store(tmp_path).iter_result_files())
    chat = ["alpacaeval-easy", "alpacaeval-length", "alpacaeval-hard", "mt-bench-easy", "mt-bench-med"]
    shown = d.subsets_view(tables.subsets, d.subset_headers(tables.subsets, chat))
    assert shown.headers == ["Model", "Model Type", "Score", *chat]
    everything = d.subset_headers(tables.subsets)
    assert set(chat) < set(everything) and "summarize" in everything


def test_an_empty_view_renders(rows):
    shown = d.leaderboard_view(rows.iloc[0:0], d.chosen_columns(list(d.OPTIONAL_HEADERS)))
    assert shown.styler.data.empty and shown.headers[0] == "Model"
    assert d.leaderboard_export(rows.iloc[0:0], d.chosen_columns(None)).empty
