"""Issue 11: RewardBench 2 beside v1. Each benchmark's results are shown under it with its own
section columns; flat files are told apart by their keys; a model's newest result per benchmark is
shown, its older ones on request."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from leaderboard.tables import display as d
from leaderboard.tables import figures as f
from leaderboard.tables import table as t
from leaderboard.about import about_markdown
from leaderboard.data import Snapshot
from leaderboard.tables.export import to_csv
from leaderboard.pages.common import benchmark_choices, default_benchmark
from leaderboard.app_settings import AppSettings
from results.benchmarks import SPECS, UnknownBenchmark
from results.benchmarks.rewardbench2 import REWARDBENCH_2_SUBSETS, SUBSET_DESCRIPTIONS
from tests.leaderboard_fixtures import (
    CORE_SUBSETS,
    EXPECTED_ORDER,
    FINISHED,
    RB2,
    RB2_COLUMNS,
    RB2_JUDGE,
    RB2_LARGE,
    RB2_NEW_REVISION,
    RB2_OLD_REVISION,
    RB2_ORDER,
    add_rewardbench_2,
    fixture_store,
    make_result,
    published_result,
    rb2_levels,
    rb2_result,
    result_bytes,
    subset_levels,
)

V1_SECTIONS = ["Chat", "Chat Hard", "Safety", "Reasoning", "Prior Sets"]


@pytest.fixture
def tables(tmp_path) -> t.Tables:
    return t.build_tables(add_rewardbench_2(fixture_store(tmp_path)).iter_result_files())


def files(*pairs) -> list[tuple[str, bytes]]:
    return [(p, doc if isinstance(doc, bytes) else json.dumps(doc).encode()) for p, doc in pairs]


def test_a_v1_and_a_v2_result_of_one_model_are_each_under_their_benchmark(tables):
    v1 = t.filter_rows(tables.rows, benchmark="rewardbench")
    v2 = t.filter_rows(tables.rows, benchmark=RB2)
    assert list(v1[t.MODEL]) == list(EXPECTED_ORDER) and list(v2[t.MODEL]) == list(RB2_ORDER)
    large_v2 = v2[v2[t.MODEL] == "acme/rm-large"].iloc[0]
    large_v1 = v1[v1[t.MODEL] == "acme/rm-large"].iloc[0]
    assert large_v2[t.SCORE] == pytest.approx(0.65) and large_v1[t.SCORE] == pytest.approx(0.9, abs=0.01)
    assert large_v2["Safety"] == pytest.approx(RB2_LARGE["Safety"])  # v2's Safety subset, not v1's section
    assert large_v2["Ties"] == pytest.approx(0.5) and pd_missing(large_v2["Chat"])
    assert pd_missing(large_v1["Ties"])


def pd_missing(value) -> bool:
    return value != value  # NaN


def test_each_benchmark_has_its_own_columns_in_the_view_and_the_csv(tables):
    v2 = t.filter_rows(tables.rows, benchmark=RB2)
    shown = d.leaderboard_view(v2, d.chosen_columns(None, RB2))
    assert shown.headers[2:10] == [*RB2_COLUMNS[:1], "95% CI", *REWARDBENCH_2_SUBSETS]
    assert not set(V1_SECTIONS) - {"Safety"} & set(shown.headers)
    v1 = d.leaderboard_view(t.filter_rows(tables.rows, benchmark="rewardbench"), d.chosen_columns(None, "rewardbench"))
    assert v1.headers[4:9] == V1_SECTIONS
    header = to_csv(d.leaderboard_export(v2, d.chosen_columns(None, RB2))).splitlines()[0].split(",")
    assert header[:11] == ["Model", "Model Type", "Score", "95% CI low", "95% CI high", *REWARDBENCH_2_SUBSETS]


def test_a_flat_v2_file_is_read_as_rewardbench_2_and_scored_as_the_plain_mean():
    flat = published_result("openlab/judge-x", RB2_JUDGE, "Generative")
    [row] = t.build_tables(files(("eval-set/openlab/judge-x.json", flat))).rows.to_dict("records")
    assert row[t.BENCHMARK] == RB2 and row[t.SOURCE] == "published"
    assert row[t.SCORE] == pytest.approx(sum(RB2_JUDGE.values()) / 6)
    assert row[t.COMPLETE] and row["Precise IF"] == pytest.approx(0.6)


def test_flat_files_are_told_apart_by_their_subset_names():
    assert t.flat_benchmark(REWARDBENCH_2_SUBSETS) == RB2
    assert t.flat_benchmark(CORE_SUBSETS) == "rewardbench"
    # a v1 file that also carries a "Safety" total is still v1: it holds many more v1 subset names
    assert t.flat_benchmark([*CORE_SUBSETS, "Safety"]) == "rewardbench"
    assert t.flat_benchmark(["model_type", "something-else"]) is None


def test_rewardbench_2_has_six_core_subsets_and_a_missing_one_makes_a_result_incomplete():
    assert t.core_subsets(RB2) == list(REWARDBENCH_2_SUBSETS)
    flat = published_result("o/no-ties", {k: v for k, v in RB2_JUDGE.items() if k != "Ties"})
    [row] = t.build_tables(files(("eval-set/o/no-ties.json", flat))).rows.to_dict("records")
    assert not row[t.COMPLETE] and row[t.MISSING_SUBSETS] == "Ties"


def test_the_newest_revision_is_shown_by_default_and_older_ones_on_request(tables):
    default = t.filter_rows(tables.rows, benchmark=RB2)
    large = default[default[t.MODEL] == "acme/rm-large"]
    assert list(large[t.REVISION]) == [RB2_NEW_REVISION]
    every = t.filter_rows(tables.rows, benchmark=RB2, show_older=True)
    large = every[every[t.MODEL] == "acme/rm-large"]
    assert list(large[t.REVISION]) == [RB2_NEW_REVISION, RB2_OLD_REVISION]  # by score, newer is better here
    assert list(large[t.LATEST]) == [True, False]
    older = d.leaderboard_view(every, d.chosen_columns(None, RB2)).styler.data
    cell = older["Model"][list(every[t.REVISION]).index(RB2_OLD_REVISION)]
    assert "(older)" in cell and d.OLDER_NOTE in cell
    # other benchmarks keep their one result per model
    assert t.filter_rows(tables.rows, benchmark="rewardbench", show_older=True)[t.MODEL].is_unique


def test_newest_is_by_evaluation_time_and_a_complete_result_wins_over_a_newer_partial_one():
    old = rb2_result("o/m", rb2_levels(0.5, 0.5, 0.5, 0.5, 0.5, 0.5), revision="a" * 40)
    new = rb2_result("o/m", rb2_levels(0.4, 0.4, 0.4, 0.4, 0.4, 0.4), revision="b" * 40,
                     finished=FINISHED + timedelta(days=1))
    partial = rb2_result("o/m", {"Math": 0.9}, revision="c" * 40, finished=FINISHED + timedelta(days=2))
    pairs = [(f"eval-set/{r.model.revision_resolved}.json", result_bytes(r)) for r in (old, new, partial)]
    rows = t.build_tables(pairs).rows
    assert list(t.filter_rows(rows, show_incomplete=True)[t.REVISION]) == ["b" * 40]


def test_the_subsets_table_has_both_benchmarks_subsets_and_revisions(tables):
    v2 = t.filter_rows(tables.subsets, benchmark=RB2, show_older=True)
    assert d.subset_headers(v2) == list(REWARDBENCH_2_SUBSETS)
    exported = d.subsets_export(v2, d.subset_headers(v2))
    assert list(exported.columns)[-7:] == ["Score", *REWARDBENCH_2_SUBSETS]
    assert set(exported[t.REVISION]) >= {RB2_NEW_REVISION, RB2_OLD_REVISION}


def test_charts_take_the_benchmarks_sections_as_axes(tables):
    v2 = t.filter_rows(tables.rows, benchmark=RB2)
    options = f.ChartOptions(sections=t.section_names(RB2), x="Precise IF")
    bars = f.draw("sections", v2, options)
    assert list(bars.data[0].x) == list(REWARDBENCH_2_SUBSETS)
    radar = f.draw("radar", v2, f.ChartOptions(models=["acme/rm-large"], sections=options.sections))
    assert list(radar.data[0].theta)[:6] == list(REWARDBENCH_2_SUBSETS)
    scatter = f.draw("scatter", v2, options)
    assert scatter.layout.xaxis.title.text == "Precise IF (%)"
    assert f.scatter_axes(options.sections) == ["Score", *REWARDBENCH_2_SUBSETS, "Parameters"]
    # a v1 axis is not offered for RewardBench 2
    refused = f.draw("scatter", v2, f.ChartOptions(sections=options.sections, x="Chat Hard")).layout.annotations[0].text
    assert refused.startswith("Unknown axis &#x27;Chat Hard&#x27;")


def test_rewardbench_2_leads_the_benchmark_choice_when_it_has_results(tables, tmp_path):
    settings = AppSettings()
    snapshot = Snapshot(tables=tables)
    assert benchmark_choices(snapshot, settings)[:2] == [RB2, "rewardbench"]
    assert default_benchmark(snapshot, settings) == RB2
    only_v1 = Snapshot(tables=t.build_tables(fixture_store(tmp_path / "v1").iter_result_files()))
    assert default_benchmark(only_v1, settings) == "rewardbench"
    assert default_benchmark(snapshot, AppSettings(benchmarks="rewardbench,rewardbench-2")) == "rewardbench"


def test_the_column_choice_of_one_benchmark_leaves_the_others_alone():
    wanted = d.default_headers()
    assert {"Chat", "Factuality", "Revision"} <= set(wanted) and "Reference" not in wanted
    # on RewardBench 2 the reader unticks Ties and ticks Reference
    offered = d.optional_headers(RB2)
    ticked = [h for h in offered if h in wanted and h != "Ties"] + ["Reference"]
    wanted = d.merge_choice(wanted, offered, ticked)
    assert "Ties" not in wanted and "Reference" in wanted and "Chat Hard" in wanted
    headers = [c.header for c in d.chosen_columns(wanted, "rewardbench")]
    assert "Chat Hard" in headers and "Reference" in headers


def test_about_follows_the_benchmark(tables):
    v2 = about_markdown(RB2)
    assert "on rewardbench\\-2" in v2 and "plain average of the 6 sections" in v2  # escaped, shown as typed
    assert all(f"**{name}**: {SUBSET_DESCRIPTIONS[name]}." in v2 for name in REWARDBENCH_2_SUBSETS)
    assert "1.01" in v2 and "upstream has no DPO path" in v2  # the issue asks both be said
    v1 = about_markdown("rewardbench")
    assert "upstream has no DPO path" not in v1
    assert "`math-prm` (984)" in v1 and "Prior Sets (weight 0.5)" in v1
    assert "every subset of Chat, Chat Hard, Safety, Reasoning." in v1
    custom = about_markdown("rewardbench · custom data: x.jsonl")
    assert "Chat Hard" in custom


def test_custom_data_labels_sort_with_their_benchmark():
    def custom(name: str, benchmark: str, source: str):
        levels = RB2_LARGE if benchmark == RB2 else subset_levels(0.8)
        result = make_result(name, levels, benchmark=benchmark, custom_data=bool(source), data_source=source or "hub")
        return (f"eval-set/{name}.json", result_bytes(result))

    pairs = [custom("o/a", "rewardbench", "s.jsonl"), custom("o/b", RB2, "s2.jsonl"), custom("o/c", "zeta", ""),
             custom("o/d", "rewardbench", "")]
    snapshot = Snapshot(tables=t.build_tables(pairs))
    assert benchmark_choices(snapshot, AppSettings()) == [
        "rewardbench-2 · custom data: s2.jsonl", "rewardbench", "rewardbench · custom data: s.jsonl"
    ]
    # a result of a benchmark no spec describes is skipped with the reason, never shown under a default
    assert [(s.path, s.reason) for s in snapshot.tables.skipped] == [
        ("eval-set/o/c.json", f"unknown benchmark 'zeta': the known ones are {', '.join(SPECS)}")
    ]


def test_the_count_note_names_each_switch_that_hides_rows():
    note = d.count_note(3, 6, hidden_incomplete=1, hidden_older=2)
    assert "1 incomplete result hidden: tick *Show incomplete results*" in note
    assert "2 older results hidden: tick *Show older revisions*" in note
    assert "hidden" not in d.count_note(3, 3, 0, 0)


def test_a_download_is_named_after_its_benchmark_in_safe_characters(tmp_path):
    from leaderboard.tables.export import safe_stem, write_csv

    assert safe_stem("subsets-rewardbench · custom data: my file.jsonl") == "subsets-rewardbench_custom_data_my_file.jsonl"
    path = write_csv(t.build_tables([]).rows, tmp_path, "rewardbench-2-leaderboard")
    assert path.name == "rewardbench-2-leaderboard.csv" and path.parent.parent == tmp_path


def test_each_switch_counts_what_ticking_it_alone_would_add_back():
    old_partial = rb2_result("o/m", {"Math": 0.9}, revision="c" * 40)
    new_full = rb2_result("o/m", RB2_LARGE, revision="d" * 40, finished=FINISHED + timedelta(days=1))
    other_partial = rb2_result("o/n", {"Math": 0.4}, revision="e" * 40)
    rows = t.build_tables([(f"eval-set/{i}.json", result_bytes(r)) for i, r in
                           enumerate((old_partial, new_full, other_partial))]).rows
    neither = t.apply_switches(rows, False, False)
    assert list(neither.rows[t.MODEL]) == ["o/m"] and (neither.hidden_incomplete, neither.hidden_older) == (1, 0)
    both = t.apply_switches(rows, True, True)
    assert len(both.rows) == 3 and (both.hidden_incomplete, both.hidden_older) == (0, 0)
    incomplete = t.apply_switches(rows, True, False)
    assert sorted(incomplete.rows[t.MODEL]) == ["o/m", "o/n"] and incomplete.hidden_older == 1


def test_about_escapes_a_benchmark_label_taken_from_a_result_file():
    text = about_markdown("rewardbench · custom data: <img src=x onerror=alert(1)>[link](javascript:x).jsonl")
    assert "<img" not in text and "[link](" not in text and "custom data" in text


def test_about_refuses_a_benchmark_no_spec_describes():
    with pytest.raises(UnknownBenchmark, match="unknown benchmark 'evil': the known ones are rewardbench-2, rewardbench"):
        about_markdown("evil · custom data: x.jsonl")
