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


def test_write_csv_keeps_a_stable_name_and_writes_a_view_once(tmp_path):
    frame = pd.DataFrame({"Model": ["=x"], "Score": [0.5]})
    first = write_csv(frame, tmp_path, "view")
    written = first.stat().st_ino
    second = write_csv(frame, tmp_path, "view")
    assert first.name == "view.csv"  # what the browser saves: no random suffix
    assert first == second and second.stat().st_ino == written  # the same file, not written again
    assert first.read_text(encoding="utf-8") == "Model,Score\n'=x,0.5\n"
    other = write_csv(frame.assign(Score=[0.25]), tmp_path, "view")
    assert other.name == "view.csv" and other != first  # another view: its own folder, the same name
    assert sorted(tmp_path.glob("*/*.csv")) == sorted([first, other])


def test_the_download_folder_keeps_under_its_byte_budget_oldest_first(tmp_path, monkeypatch):
    import os
    import time

    from leaderboard.tables import export

    monkeypatch.setattr(export, "EXPORT_MAX_BYTES", 3_000)
    paths = []
    for i in range(6):  # each file about 1 KB
        paths.append(write_csv(pd.DataFrame({"Model": [f"{i}" * 1000]}), tmp_path, "view"))
        os.utime(paths[-1], (time.time() - 100 + i, time.time() - 100 + i))
    kept = sorted(tmp_path.glob("*/*.csv"))
    assert sum(p.stat().st_size for p in kept) <= 3_000 and paths[-1] in kept and paths[0] not in kept
    assert not paths[0].parent.exists()  # its folder goes with it
    stale = paths[-1]
    os.utime(stale, (time.time() - 2 * export.EXPORT_MAX_AGE_S,) * 2)
    write_csv(pd.DataFrame({"Model": ["new"]}), tmp_path, "view")
    assert not stale.exists()  # unused for an hour


def test_exports_round_as_the_page_shows_not_as_floats_multiply():
    from leaderboard.tables.display import as_shown

    frame = pd.DataFrame({"Score": [0.6385 * 100, 63.85, None], "Params": [7, 8, 9], "Model": ["a", "b", "c"]})
    assert 0.6385 * 100 == 63.849999999999994  # the noise a tester saw in the CSV
    out = parsed(to_csv(as_shown(frame)))
    assert [row[0] for row in out[1:]] == [f"{0.6385 * 100:.1f}", f"{63.85:.1f}", ""]  # as the page's .1f shows them
    assert [row[1:] for row in out[1:]] == [["7", "a"], ["8", "b"], ["9", "c"]]
