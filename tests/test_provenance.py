"""Provenance of leaderboard rows (pure): verified here or imported, the Source filter, and a verified
result beside its published twin (the published score and the difference)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from leaderboard.tables import display as d
from leaderboard.tables import provenance as prov
from leaderboard.tables import table as t
from tests.leaderboard_fixtures import (
    CORE_SUBSETS,
    FINISHED,
    make_result,
    published_result,
    rb2_levels,
    result_bytes,
    subset_levels,
)

REPO = "pub-org/rb-results"
COMMIT = "0f" * 20
IMPORTED_A = "imported/results/rewardbench/pub-org/rb-results/eval-set/acme/rm-a/aaaaaaaaaaaa.json"
IMPORTED_B = "imported/results/rewardbench/pub-org/rb-results/eval-set/acme/rm-b/bbbbbbbbbbbb.json"
IMPORTED_C = "imported/results/rewardbench/pub-org/rb-results/eval-set/acme/rm-c/cccccccccccc.json"
IMPORTED_A2 = "imported/results/rewardbench-2/pub-org/rb2-results/eval-set/acme/rm-a/dddddddddddd.json"
VERIFIED_A = make_result("acme/rm-a", subset_levels(0.9))
CUSTOM_C = make_result("acme/rm-c", subset_levels(0.8), custom_data=True, data_source="/data/mine.jsonl")


def flat(model: str, level: float) -> bytes:
    return json.dumps(published_result(model, subset_levels(level, 0.0, CORE_SUBSETS))).encode()


def origin(path: str, repo: str = REPO) -> prov.Origin:
    return prov.Origin(repo, COMMIT, path.split(f"{repo.split('/')[1]}/", 1)[1].rsplit("/", 1)[0] + ".json")


FILES = [
    ("eval-set/rewardbench/acme/rm-a/rev.json", result_bytes(VERIFIED_A)),
    (IMPORTED_A, flat("acme/rm-a", 0.70)),
    (IMPORTED_B, flat("acme/rm-b", 0.60)),
    ("eval-set/rewardbench/acme/rm-c/rev.custom-f.json", result_bytes(CUSTOM_C)),
    (IMPORTED_C, flat("acme/rm-c", 0.75)),
    (
        IMPORTED_A2,
        json.dumps(published_result("acme/rm-a", rb2_levels(0.7, 0.4, 0.6, 0.9, 0.8, 0.5))).encode(),
    ),
    ("eval-set/oldlab/classic.json", flat("oldlab/classic", 0.5)),  # a published file put in by hand
]
ORIGINS = {
    IMPORTED_A: origin(IMPORTED_A),
    IMPORTED_B: origin(IMPORTED_B),
    IMPORTED_C: origin(IMPORTED_C),
    IMPORTED_A2: origin(IMPORTED_A2, "pub-org/rb2-results"),
}


@pytest.fixture(scope="module")
def tables() -> t.Tables:
    return t.build_tables(FILES, ORIGINS)


def keyed(rows) -> set[tuple[str, str, str]]:
    return {(m, b, p) for m, b, p in zip(rows[t.MODEL], rows[t.BENCHMARK], rows[t.PROVENANCE])}


def test_each_row_says_where_it_comes_from(tables):
    sources = {(r[t.PATH]): r[t.SOURCE] for _, r in tables.rows.iterrows()}
    assert sources[FILES[0][0]] == "verified here"
    assert sources[IMPORTED_B] == f"imported ({REPO}@{COMMIT[:12]})"
    assert sources[IMPORTED_A2] == f"imported (pub-org/rb2-results@{COMMIT[:12]})"
    assert sources["eval-set/oldlab/classic.json"] == "published"
    kinds = dict(zip(tables.rows[t.PATH], tables.rows[t.PROVENANCE]))
    assert kinds["eval-set/oldlab/classic.json"] == prov.IMPORTED and kinds[FILES[3][0]] == prov.VERIFIED


def test_both_shows_the_verified_row_of_a_model_that_has_both_and_every_other_row(tables):
    rows = t.filter_rows(tables.rows)
    assert keyed(rows) == {
        ("acme/rm-a", "rewardbench", "verified"),
        ("acme/rm-b", "rewardbench", "imported"),
        ("acme/rm-c", t.benchmark_label(CUSTOM_C.benchmark), "verified"),
        ("acme/rm-c", "rewardbench", "imported"),  # custom data is no twin of the published result
        ("acme/rm-a", "rewardbench-2", "imported"),  # another benchmark: no twin either
        ("oldlab/classic", "rewardbench", "imported"),
    }


def test_verified_only_and_imported_only(tables):
    verified = t.filter_rows(tables.rows, provenance=prov.ONLY_VERIFIED)
    assert set(verified[t.PROVENANCE]) == {"verified"} and sorted(verified[t.MODEL]) == [
        "acme/rm-a",
        "acme/rm-c",
    ]
    imported = t.filter_rows(tables.rows, provenance=prov.ONLY_IMPORTED)
    assert len(imported) == 5 and set(imported[t.PROVENANCE]) == {"imported"}
    assert ("acme/rm-a", "rewardbench", "imported") in keyed(imported)  # the twin, on request
    assert len(t.filter_rows(tables.rows, provenance=None)) == len(tables.rows) == 7
    with pytest.raises(ValueError, match="unknown provenance choice"):
        t.filter_rows(tables.rows, provenance="everything")


def test_the_verified_row_carries_the_published_score_and_the_difference(tables):
    rows = tables.rows.set_index([t.MODEL, t.BENCHMARK, t.PROVENANCE])
    published = rows.loc[("acme/rm-a", "rewardbench", "imported"), t.SCORE]
    verified = rows.loc[("acme/rm-a", "rewardbench", "verified")]
    assert verified[t.PUBLISHED_SCORE] == published
    assert verified[t.PUBLISHED_DELTA] == pytest.approx(VERIFIED_A.score - published)
    assert VERIFIED_A.score - published == pytest.approx(
        0.9 - 0.7
    )  # every subset 0.9 against every subset 0.7
    assert rows.loc[("acme/rm-a", "rewardbench", "imported"), t.VERIFIED_TOO]
    others = tables.rows[tables.rows[t.MODEL] != "acme/rm-a"]
    assert others[t.PUBLISHED_DELTA].isna().all() and not others[t.VERIFIED_TOO].any()


def test_a_verified_result_and_a_published_one_are_each_the_newest_of_their_kind():
    # An incomplete verified result must not turn the published one into an "older revision", nor
    # the other way round: they are compared with results of their own kind only.
    partial = make_result(
        "acme/rm-a", subset_levels(0.9, 0, CORE_SUBSETS[:5]), finished=FINISHED + timedelta(days=1)
    )
    rows = t.build_tables(
        [("eval-set/x/partial.json", result_bytes(partial)), (IMPORTED_A, flat("acme/rm-a", 0.7))], ORIGINS
    ).rows
    assert rows[t.LATEST].all()


def test_the_subsets_table_leaves_out_imported_twins(tables):
    subsets = tables.subsets
    assert len(subsets) == 6
    a = subsets[(subsets[t.MODEL] == "acme/rm-a") & (subsets[t.BENCHMARK] == "rewardbench")]
    assert len(a) == 1 and a[t.SCORE].iloc[0] == VERIFIED_A.score


def test_the_page_shows_the_difference_signed_and_says_what_the_choice_hides(tables):
    rows = t.filter_rows(tables.rows, benchmark="rewardbench")
    shown = d.leaderboard_view(rows, d.chosen_columns([t.SOURCE, t.PUBLISHED_SCORE, t.PUBLISHED_DELTA], "rewardbench"))
    html = shown.styler.to_html()
    delta = rows.loc[rows[t.MODEL] == "acme/rm-a", t.PUBLISHED_DELTA].iloc[0] * 100
    assert f">{delta:+.1f}<" in html and delta > 0
    assert prov.hidden_twins(t.filter_rows(tables.rows, provenance=None), prov.BOTH) == 1
    assert prov.hidden_twins(tables.rows, prov.ONLY_IMPORTED) == 0
    assert "1 imported result of models verified here hidden" in d.twins_note(1)
    assert d.twins_note(0) == ""
    exported = d.leaderboard_export(rows, d.chosen_columns([t.SOURCE, t.PUBLISHED_DELTA], "rewardbench"))
    assert exported[t.PUBLISHED_DELTA].iloc[0] == pytest.approx(delta)
