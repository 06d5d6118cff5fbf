"""CSV export: formula injection neutralized in text cells (not numbers), every digit kept."""

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


def test_write_csv_makes_a_fresh_file_each_time(tmp_path):
    frame = pd.DataFrame({"Model": ["=x"], "Score": [0.5]})
    first, second = write_csv(frame, tmp_path, "view"), write_csv(frame, tmp_path, "view")
    assert first != second and first.name.startswith("view-") and first.suffix == ".csv"
    assert first.read_text(encoding="utf-8") == "Model,Score\n'=x,0.5\n"
