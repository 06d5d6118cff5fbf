"""CSV export: formula injection neutralized in text cells (not numbers), numbers as the page shows them."""

from __future__ import annotations

import csv
import io
import math

import pandas as pd
import pytest

from leaderboard.tables.export import to_csv, write_csv


def parsed(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1"])
def test_text_cells_that_a_spreadsheet_would_run_get_an_apostrophe(cell):
    out = parsed(to_csv(pd.DataFrame({"Model": [cell, "org/plain"]})))
    assert out[1] == ["'" + cell]
    assert out[2] == ["org/plain"]


def test_headers_are_neutralized_too():
    assert parsed(to_csv(pd.DataFrame({"=cmd": ["x"]})))[0] == ["'=cmd"]


def test_numbers_keep_every_digit_and_negative_numbers_are_not_touched():
    values = [1 / 3, 0.8235294117647058 * 100, -0.125, 1e-12]
    out = parsed(to_csv(pd.DataFrame({"Score": values})))
    assert [float(row[0]) for row in out[1:]] == values  # exact round trip
    assert out[3] == ["-0.125"]


def test_missing_values_are_empty_cells():
    out = parsed(to_csv(pd.DataFrame({"Model": ["a", None], "Score": [0.5, math.nan]})))
    assert out[2] == ["", ""]


def test_write_csv_keeps_a_stable_name_in_a_fresh_folder_each_time(tmp_path):
    frame = pd.DataFrame({"Model": ["=x"], "Score": [0.5]})
    first, second = write_csv(frame, tmp_path, "view"), write_csv(frame, tmp_path, "view")
    assert first.name == second.name == "view.csv"  # what the browser saves: no random suffix
    assert first != second and first.parent.parent == second.parent.parent == tmp_path  # two sessions never clash
    assert first.read_text(encoding="utf-8") == "Model,Score\n'=x,0.5\n"


def test_old_downloads_are_pruned_with_their_folders(tmp_path):
    import os

    old = write_csv(pd.DataFrame({"a": [1]}), tmp_path, "view")
    os.utime(old, (1, 1))
    write_csv(pd.DataFrame({"a": [1]}), tmp_path, "view")
    assert not old.exists() and not old.parent.exists()


def test_exports_round_as_the_page_shows_not_as_floats_multiply():
    from leaderboard.tables.display import as_shown

    frame = pd.DataFrame({"Score": [0.6385 * 100, 63.85, None], "Params": [7, 8, 9], "Model": ["a", "b", "c"]})
    assert 0.6385 * 100 == 63.849999999999994  # the noise a tester saw in the CSV
    out = parsed(to_csv(as_shown(frame)))
    assert [row[0] for row in out[1:]] == [f"{0.6385 * 100:.1f}", f"{63.85:.1f}", ""]  # as the page's .1f shows them
    assert [row[1:] for row in out[1:]] == [["7", "a"], ["8", "b"], ["9", "c"]]
