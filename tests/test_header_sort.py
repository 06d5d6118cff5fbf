"""The page's header sort reproduced on the server (leaderboard/tables/header_sort.py): TanStack
Table's automatic rule as Gradio 6.31's table applies it, case by case, and a sort state from the page
that is not ours is no sort."""

import json

import pandas as pd
import pytest

from leaderboard.tables.header_sort import HeaderSort


def order(frame: pd.DataFrame, *keys: tuple[str, str]) -> list[int]:
    return HeaderSort.parse(json.dumps([list(k) for k in keys]), list(frame.columns)).order(frame)


def test_numbers_sort_as_numbers_ties_keep_the_ranking_order_and_descending_flips():
    frame = pd.DataFrame({"Math": [70.0, 85.5, 70.0, 9.0]})
    assert order(frame, ("Math", "asc")) == [3, 0, 2, 1]
    assert order(frame, ("Math", "desc")) == [1, 0, 2, 3]  # the two 70s stay in ranking order


def test_a_missing_number_compares_as_javascripts_null():
    """null > 5 is false and null < 5 is true (null is 0), so a missing score sorts below positive ones
    and above negative ones."""
    frame = pd.DataFrame({"Delta": [5.0, float("nan"), -3.0]})
    assert order(frame, ("Delta", "asc")) == [2, 1, 0]


def test_the_rule_is_chosen_from_the_rows_after_the_tenth():
    """TanStack looks at rows.slice(10): with ten rows or fewer text sorts by plain comparison (capitals
    first); with more, text holding digits sorts alphanumerically, case folded, digit runs as numbers."""
    names = ["b2", "B10", "a9", "a10"]
    short = pd.DataFrame({"Model": names})
    assert [names[i] for i in order(short, ("Model", "asc"))] == ["B10", "a10", "a9", "b2"]
    long_names = names + [f"z{i}" for i in range(8)]
    long = pd.DataFrame({"Model": long_names})
    assert [long_names[i] for i in order(long, ("Model", "asc"))][:4] == ["a9", "a10", "b2", "B10"]


def test_text_without_digits_sorts_case_folded_after_the_tenth_row():
    names = ["beta", "Alpha", "gamma"] + ["delta"] * 9
    frame = pd.DataFrame({"Type": names})
    assert [names[i] for i in order(frame, ("Type", "asc"))][:3] == ["Alpha", "beta", "delta"]


def test_keys_apply_in_priority_order():
    frame = pd.DataFrame({"Type": ["x", "y", "x", "y"], "Score": [1.0, 2.0, 3.0, 4.0]})
    assert order(frame, ("Type", "asc"), ("Score", "desc")) == [2, 0, 3, 1]


@pytest.mark.parametrize(
    "state",
    ["", "not json", '{"Math": "asc"}', '[["Math", "sideways"]]', '[["Nope", "asc"]]', '[["Math"]]', "[" * 5000],
)
def test_a_state_that_is_not_ours_is_no_sort(state):
    sort = HeaderSort.parse(state, ["Math"])
    assert not sort and sort.order(pd.DataFrame({"Math": [2.0, 1.0]})) == [0, 1]


def test_describe_names_each_key_and_its_direction():
    sort = HeaderSort.parse('[["Math", "asc"], ["Score", "desc"]]', ["Math", "Score"])
    assert sort.describe() == "Math (ascending), then Score (descending)"
