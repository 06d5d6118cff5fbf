"""Rows -> shown table and CSV columns: escaping, links, tooltips, one-decimal percentages,
parameters in M/B, 12-character revisions, the incomplete mark, column choice, hidden paths."""

from __future__ import annotations

from html.parser import HTMLParser

import pandas as pd
import pytest

from leaderboard.tables import display as d
from leaderboard.tables import table as t
from tests.leaderboard_fixtures import (
    EXPECTED_ORDER,
    INCOMPLETE_NAME,
    XSS_NAME,
    fixture_store,
)


@pytest.fixture(scope="module")
def all_rows(tmp_path_factory) -> pd.DataFrame:
    return t.build_tables(fixture_store(tmp_path_factory.mktemp("store")).iter_result_files()).rows


@pytest.fixture(scope="module")
def rows(all_rows) -> pd.DataFrame:
    """The default view: RewardBench's own data, complete results only."""
    return t.filter_rows(all_rows, benchmark="rewardbench")


class Cell(HTMLParser):
    """What a browser makes of a cell's HTML: its tags, attributes and text."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data


def test_hub_ids_link_to_their_page_with_the_full_name_on_hover():
    cell = Cell(d.model_cell("acme/rm_v1.0"))
    assert cell.tags[0][0] == "a" and cell.tags[0][1]["href"] == "https://huggingface.co/acme/rm_v1.0"
    assert cell.tags[0][1]["title"] == "acme/rm_v1.0" == cell.text
    mirror = Cell(d.model_cell("acme/rm", "https://mirror.example/"))
    assert mirror.tags[0][1]["href"] == "https://mirror.example/acme/rm"


@pytest.mark.parametrize(
    "name",
    [XSS_NAME, 'a/b" onmouseover="alert(1)', "[x](http://evil)", "<script>alert(1)</script>", "$$x$$ **bold**"],
)
def test_names_that_are_not_hub_ids_become_inert_text(name):
    cell = Cell(d.model_cell(name))
    assert [tag for tag, _ in cell.tags] == ["span"]  # no tag of the name's own survives
    assert set(cell.tags[0][1]) == {"title"}  # and no attribute
    assert cell.text == name == cell.tags[0][1]["title"]


def test_an_incomplete_result_is_marked_with_its_missing_subsets_on_hover():
    cell = Cell(d.model_cell("acme/rm", missing_subsets="refusals-dangerous, math-prm"))
    assert cell.text.endswith(d.INCOMPLETE_MARK)
    mark_title = cell.tags[-1][1]["title"]
    assert "refusals-dangerous, math-prm" in mark_title and "Not ranked" in mark_title
    assert d.INCOMPLETE_MARK not in d.model_cell("acme/rm")


@pytest.mark.parametrize(
    "count, shown",
    [
        (22_100_000, "22.1M"),
        (7_241_000_000, "7.24B"),
        (405_000_000_000, "405B"),
        (70_000_000_000, "70B"),
        (1_500_000_000, "1.5B"),
        (999_999, "1M"),  # rounds up into the next unit, never "1e+03K"
        (2048, "2.05K"),
        (512, "512"),
        (None, d.MISSING),
        (pd.NA, d.MISSING),
    ],
)
def test_parameters_are_shown_in_k_m_b_with_three_significant_digits(count, shown):
    assert d.format_parameters(count) == shown


def test_a_revision_shows_12_characters_and_the_full_sha_on_hover():
    sha = "0123456789abcdef0123456789abcdef01234567"
    cell = Cell(d.revision_cell(sha))
    assert cell.text == sha[:12] and cell.tags[0][1]["title"] == sha
    assert d.revision_cell(None) == d.MISSING


def test_shown_table_has_required_and_chosen_columns_in_order(rows):
    shown = d.leaderboard_view(rows, d.chosen_columns(["Chat", "Model Type"], "rewardbench"))
    assert shown.headers == ["Model", "Model Type", "Score", "Chat"]
    assert shown.datatypes == ["html", "html", "number", "number"]
    every = d.leaderboard_columns("rewardbench")
    assert d.chosen_columns(None, "rewardbench") == [c for c in every if c.required or c.shown_by_default]


def test_text_cells_carry_their_whole_value_as_a_tooltip(rows):
    frame = d.leaderboard_view(rows, d.chosen_columns(["Model Type"], "rewardbench")).styler.data
    dpo = Cell(frame["Model Type"][list(rows[t.MODEL]).index("tulu/dpo-8b")])
    assert dpo.text == dpo.tags[0][1]["title"] == "DPO (implicit reward vs. reference)"


def test_percentages_show_one_decimal_but_stay_numbers_for_sorting(rows):
    shown = d.leaderboard_view(rows, d.chosen_columns(None, "rewardbench"))
    frame = shown.styler.data
    assert frame["Score"].iloc[0] == pytest.approx(rows[t.SCORE].iloc[0] * 100)  # numeric, full precision
    html = shown.styler.to_html()
    assert f"{rows[t.SCORE].iloc[0] * 100:.1f}" in html
    assert f"{rows[t.SCORE].iloc[0] * 100:.2f}" not in html
    missing_ci = frame.loc[frame["Model"].str.contains("judge"), "95% CI"].iloc[0]
    assert missing_ci == d.MISSING


def test_interval_params_revision_and_date_formats(rows):
    columns = d.chosen_columns(d.optional_headers("rewardbench"), "rewardbench")
    shown = d.leaderboard_view(rows, columns)
    top = shown.styler.data.iloc[0]
    low, high = rows[t.SCORE_CI_LOW].iloc[0] * 100, rows[t.SCORE_CI_HIGH].iloc[0] * 100
    assert top["95% CI"] == f"{low:.1f}–{high:.1f}"
    assert top["Params"] == 70e9  # a number, so the header sorts numerically ...
    assert "70B" in shown.styler.to_html()  # ... written as 70B
    assert Cell(top["Revision"]).text == "0123456789ab"
    assert top["Evaluated"] == "2025-03-14"


def test_export_keeps_the_shown_precision_plain_names_and_splits_the_interval(rows):
    exported = d.leaderboard_export(rows, d.chosen_columns(d.optional_headers("rewardbench"), "rewardbench"))
    assert list(exported["Model"]) == list(EXPECTED_ORDER)
    assert exported["Score"].iloc[0] == float(f"{rows[t.SCORE].iloc[0] * 100:.1f}")  # as the page shows it
    assert {"95% CI low", "95% CI high"} <= set(exported.columns) and "95% CI" not in exported.columns
    assert exported["Revision"].iloc[0] == "0123456789abcdef0123456789abcdef01234567"
    assert exported["Parameters"].iloc[0] == 70_000_000_000 and "Params" not in exported.columns


def test_shown_incomplete_rows_carry_the_mark_and_export_their_missing_subsets(all_rows):
    rows = t.filter_rows(all_rows, benchmark="rewardbench", show_incomplete=True)
    columns = d.chosen_columns([t.MISSING_SUBSETS], "rewardbench")
    frame = d.leaderboard_view(rows, columns).styler.data
    marked = [Cell(m).text.split()[0] for m in frame["Model"] if d.INCOMPLETE_MARK in m]
    assert marked == [INCOMPLETE_NAME]
    exported = d.leaderboard_export(rows, columns).set_index("Model")[t.MISSING_SUBSETS]
    assert "refusals-dangerous" in exported[INCOMPLETE_NAME] and exported["acme/rm-large"] == ""


def test_subsets_view_can_show_one_section(tmp_path):
    tables = t.build_tables(fixture_store(tmp_path).iter_result_files())
    chat = ["alpacaeval-easy", "alpacaeval-length", "alpacaeval-hard", "mt-bench-easy", "mt-bench-med"]
    shown = d.subsets_view(tables.subsets, d.subset_headers(tables.subsets, chat))
    assert shown.headers == ["Model", "Model Type", "Score", *chat]
    everything = d.subset_headers(tables.subsets)
    assert set(chat) < set(everything) and "summarize" in everything
    assert t.COMPLETE not in everything and t.MISSING_SUBSETS not in everything


def test_subsets_export_is_in_percent_and_keeps_the_complete_flag(tmp_path):
    subsets = t.build_tables(fixture_store(tmp_path).iter_result_files()).subsets
    exported = d.subsets_export(subsets)
    assert exported[t.COMPLETE].dtype == bool and exported[t.COMPLETE].sum() == subsets[t.COMPLETE].sum()
    assert exported["alpacaeval-easy"].max() == pytest.approx(subsets["alpacaeval-easy"].max() * 100)


def test_an_empty_view_renders(rows):
    shown = d.leaderboard_view(rows.iloc[0:0], d.chosen_columns(d.optional_headers("rewardbench"), "rewardbench"))
    assert shown.styler.data.empty and shown.headers[0] == "Model"
    assert d.leaderboard_export(rows.iloc[0:0], d.chosen_columns(None, "rewardbench")).empty


@pytest.mark.parametrize(
    "text, shown",
    [
        ('File "/home/alice/work/rm/train.py", line 3', 'File "…/train.py", line 3'),
        ("OSError: /data/store/requests/a.json: gone", "OSError: …/a.json: gone"),
        ("cannot open ~/models/rm/config.json", "cannot open …/config.json"),
        (r"C:\Users\bob\model.bin is bad", r"…\model.bin is bad"),
        ("see https://huggingface.co/acme/rm and acme/rm", "see https://huggingface.co/acme/rm and acme/rm"),
    ],
)
def test_error_texts_lose_the_folders_of_local_paths(text, shown):
    assert d.hide_paths(text) == shown


def test_markdown_escaping_still_holds_for_messages():
    assert d.escape_markdown("[x](y) *b*") == r"\[x\]\(y\) \*b\*"


def test_the_count_line_names_custom_data_whole_and_says_it_is_not_the_benchmark():
    from leaderboard.tables.display import count_note

    custom = count_note(4, 4, 0, benchmark="rewardbench-2 · custom data: my_<b>set</b>.jsonl")
    assert custom.startswith("**rewardbench\\-2 on custom data** (my\\_&lt;b&gt;set&lt;/b&gt;\\.jsonl)")
    assert "not rewardbench\\-2 scores" in custom and custom.endswith("Showing 4 of 4 results, best score first.")
    assert count_note(4, 4, 0, benchmark="rewardbench-2") == "Showing 4 of 4 results, best score first."
