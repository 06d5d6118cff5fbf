"""Result files -> leaderboard rows: both formats, RewardBench's weights, bad files, order, filters."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest

from fakes.eval_results import ALL_SUBSETS, make_result, subset_levels
from leaderboard.tables import table as t
from results.benchmarks import UnknownBenchmark
from results.store import LocalStore
from tests.leaderboard_fixtures import (
    CORE_SUBSETS,
    CUSTOM_BENCHMARK,
    CUSTOM_DATA_PATH,
    CUSTOM_NAME,
    EXPECTED_ORDER,
    INCOMPLETE_NAME,
    LOCAL_MODEL_PATH,
    XSS_NAME,
    fixture_store,
    published_result,
    result_bytes,
)


def files(*pairs: tuple[str, object]) -> list[tuple[str, bytes]]:
    return [(path, doc if isinstance(doc, bytes) else json.dumps(doc).encode()) for path, doc in pairs]


def only_row(frame: pd.DataFrame) -> pd.Series:
    assert len(frame) == 1
    return frame.iloc[0]


def test_project_result_becomes_one_row_with_its_own_numbers():
    result = make_result(
        "acme/rm",
        subset_levels(0.8, 0.1),
        model_type="classifier",
        num_parameters=7_000_000_000,
        revision="abc123" + "0" * 34,
    )
    row = only_row(t.build_tables(files(("eval-set/acme/rm.json", result.model_dump(mode="json")))).rows)
    assert row[t.MODEL] == "acme/rm"
    assert row[t.MODEL_TYPE] == "Sequence classifier"
    assert row[t.SCORE] == pytest.approx(result.score)
    assert (row[t.SCORE_CI_LOW], row[t.SCORE_CI_HIGH]) == (result.score_ci95.low, result.score_ci95.high)
    for name, section in result.sections.items():
        assert row[name] == section.score
    assert row[t.PARAMETERS] == 7_000_000_000
    assert row[t.REVISION] == result.model.revision_resolved
    assert row[t.EVALUATED] == pd.Timestamp(result.timings.finished_at)


def test_dpo_result_row_names_its_reference_model():
    result = make_result("acme/dpo", subset_levels(0.7, 0.2), model_type="dpo")
    result.model.ref_model = "acme/sft-base"
    row = only_row(t.build_tables(files(("acme/dpo.json", result.model_dump(mode="json")))).rows)
    assert (row[t.MODEL_TYPE_KEY], row[t.REFERENCE]) == ("dpo", "acme/sft-base")


def test_published_file_sections_use_rewardbench_prompt_weights():
    # Chat: easy 100, length 95, hard 95, mt-easy 28, mt-med 40 prompts.
    chat = {
        "alpacaeval-easy": 1.0,
        "alpacaeval-length": 0.0,
        "alpacaeval-hard": 0.0,
        "mt-bench-easy": 1.0,
        "mt-bench-med": 0.5,
    }
    # Reasoning: math-prm counts 984, each of the 6 hep-* subsets 164.
    reasoning = {
        "math-prm": 0.5,
        **{f"hep-{lang}": 1.0 for lang in ("cpp", "go", "java", "js", "python", "rust")},
    }
    doc = published_result("org/flat", {**chat, **reasoning}, model_type="DPO")
    row = only_row(t.build_tables(files(("eval-set/org/flat.json", doc))).rows)
    expected_chat = (100 * 1.0 + 28 * 1.0 + 40 * 0.5) / (100 + 95 + 95 + 28 + 40)
    expected_reasoning = (984 * 0.5 + 6 * 164 * 1.0) / (984 + 6 * 164)
    assert row["Chat"] == pytest.approx(expected_chat)
    assert row["Reasoning"] == pytest.approx(0.75) == pytest.approx(expected_reasoning)
    # Absent sections are skipped, not counted as zero.
    assert pd.isna(row["Chat Hard"]) and pd.isna(row["Safety"]) and pd.isna(row["Prior Sets"])
    assert row[t.SCORE] == pytest.approx((expected_chat + expected_reasoning) / 2)
    assert row[t.MODEL_TYPE_KEY] == "dpo"
    assert pd.isna(row[t.SCORE_CI_LOW]) and pd.isna(row[t.PARAMETERS])


def test_prior_sets_are_a_plain_mean_at_half_weight():
    subsets = {
        **{s: 0.9 for s in CORE_SUBSETS},
        "anthropic_helpful": 0.2,
        "anthropic_hhh": 0.4,
        "shp": 0.6,
        "summarize": 0.8,
    }
    row = only_row(t.build_tables(files(("eval-set/o/m.json", published_result("o/m", subsets)))).rows)
    assert row["Prior Sets"] == pytest.approx(0.5)
    assert row[t.SCORE] == pytest.approx((4 * 0.9 + 0.5 * 0.5) / 4.5)


def test_published_model_types_map_to_our_keys_and_unknown_ones_are_kept():
    rows = t.build_tables(
        files(
            (
                "eval-set/a/x.json",
                published_result("a/x", subset_levels(0.7, 0, CORE_SUBSETS), "Seq. Classifier"),
            ),
            ("eval-set/a/y.json", published_result("a/y", subset_levels(0.6, 0, CORE_SUBSETS), "Generative")),
            ("eval-set/a/z.json", published_result("a/z", subset_levels(0.5, 0, CORE_SUBSETS), "Custom Classifier")),
        )
    ).rows
    assert list(rows[t.MODEL_TYPE_KEY]) == ["classifier", "generative", "Custom Classifier"]
    assert list(rows[t.MODEL_TYPE]) == ["Sequence classifier", "Generative judge (LLM-as-judge)", "Custom Classifier"]


@pytest.mark.parametrize(
    "content, reason",
    [
        (b'{"model": "o/m", "alpacaeval-easy": 0.', "not valid JSON"),
        (b"\xff\xfe not utf-8", "not valid JSON"),
        (b"[1, 2, 3]", "not a JSON object"),
        (b'{"score": 0.5}', "neither an EvalResult"),
        (b'{"schema_version": 1, "model": {"name": "o/m"', "not valid JSON"),
        (b'{"model": "o/m", "chat_template": "x"}', "no RewardBench or RewardBench 2 subset scores"),
        (b'{"model": "o/m", "alpacaeval-easy": 1.5}', "expected a number from 0 to 1"),
        (b'{"model": "  ", "alpacaeval-easy": 0.5}', "empty 'model'"),
    ],
)
def test_bad_files_are_skipped_and_logged(caplog, content, reason):
    good = published_result("good/model", subset_levels(0.7, 0, CORE_SUBSETS))
    with caplog.at_level(logging.WARNING, logger="leaderboard.tables.table"):
        tables = t.build_tables(
            files(("eval-set/bad/file.json", content), ("eval-set/good/model.json", good))
        )
    assert list(tables.rows[t.MODEL]) == ["good/model"]
    assert [s.path for s in tables.skipped] == ["eval-set/bad/file.json"]
    assert reason in tables.skipped[0].reason
    assert "eval-set/bad/file.json" in caplog.text and reason in caplog.text


def test_incomplete_project_result_is_skipped_with_the_missing_field_named():
    doc = make_result("o/m", subset_levels(0.7)).model_dump(mode="json")
    del doc["model"]["revision_resolved"]
    tables = t.build_tables(files(("eval-set/o/m.json", doc)))
    assert tables.rows.empty
    assert "model.revision_resolved" in tables.skipped[0].reason


def test_fixture_store_rows_are_sorted_by_score_and_bad_files_left_out(tmp_path):
    tables = t.build_tables(fixture_store(tmp_path).iter_result_files())
    shown = t.filter_rows(tables.rows, benchmark="rewardbench")
    assert list(shown[t.MODEL]) == list(EXPECTED_ORDER)
    assert shown[t.SCORE].is_monotonic_decreasing
    # Every complete result first, best first; the incomplete one after them although it scores best.
    assert list(tables.rows[t.MODEL])[-1] == INCOMPLETE_NAME
    assert tables.rows.loc[tables.rows[t.COMPLETE], t.SCORE].is_monotonic_decreasing
    assert sorted(s.path for s in tables.skipped) == [
        "eval-set/broken/incomplete.json",
        "eval-set/broken/truncated.json",
    ]
    assert XSS_NAME in set(tables.rows[t.MODEL])


def test_results_without_score_sort_last():
    no_sections = make_result("o/none", {"unknown-subset": 0.9}, ci_halfwidth=None).model_dump(mode="json")
    scored = published_result("o/some", subset_levels(0.2, 0, CORE_SUBSETS))
    rows = t.build_tables(files(("eval-set/o/none.json", no_sections), ("eval-set/o/some.json", scored))).rows
    assert list(rows[t.MODEL]) == ["o/some", "o/none"]


def test_subset_table_has_every_subset_in_section_order_then_unknown_ones():
    a = published_result("o/a", {**subset_levels(0.5, 0, CORE_SUBSETS), "zz-extra": 0.25})
    b = make_result("o/b", subset_levels(0.9)).model_dump(mode="json")
    subsets = t.build_tables(files(("eval-set/o/a.json", a), ("eval-set/o/b.json", b))).subsets
    columns = list(subsets.columns)
    assert columns[:8] == list(t.SUBSET_ID_COLUMNS) and columns[7] == t.SCORE
    assert columns[8:13] == [
        "alpacaeval-easy",
        "alpacaeval-length",
        "alpacaeval-hard",
        "mt-bench-easy",
        "mt-bench-med",
    ]
    assert columns[-1] == "zz-extra" and "summarize" in columns
    assert list(subsets[t.MODEL]) == ["o/b", "o/a"]
    assert subsets.loc[1, "zz-extra"] == 0.25 and pd.isna(subsets.loc[0, "zz-extra"])


def test_filters_by_type_words_and_benchmark_keep_score_order(tmp_path):
    rows = t.filter_rows(t.build_tables(fixture_store(tmp_path).iter_result_files()).rows, benchmark="rewardbench")
    classifiers = t.filter_rows(rows, model_types=["Sequence classifier"])
    assert list(classifiers[t.MODEL]) == [m for m in EXPECTED_ORDER if m in set(classifiers[t.MODEL])]
    assert set(classifiers[t.MODEL_TYPE]) == {"Sequence classifier"}
    assert list(t.filter_rows(rows, query="ACME small")[t.MODEL]) == ["acme/rm-small"]
    assert list(t.filter_rows(rows, query="acme")[t.MODEL]) == ["acme/rm-large", "acme/rm-small"]
    assert t.filter_rows(rows, model_types=[]).empty
    assert t.filter_rows(rows, benchmark="rewardbench-2").empty
    assert len(t.filter_rows(rows)) == len(rows)


def test_store_round_trip_reads_what_the_evaluator_writes(tmp_path):
    store = LocalStore(tmp_path)
    result = make_result("org/written", subset_levels(0.75, 0.05))
    store.write_result(result, [])
    row = only_row(t.build_tables(store.iter_result_files()).rows)
    assert row[t.MODEL] == "org/written" and row[t.SCORE] == pytest.approx(result.score)


# ---- complete and incomplete results, custom data, no local paths --------------------------------


def one_row(result, path: str = "eval-set/o/m.json") -> pd.Series:
    return only_row(t.build_tables([(path, result_bytes(result))]).rows)


def test_a_result_whose_file_names_missing_subsets_is_incomplete():
    result = make_result("o/m", subset_levels(0.8), missing_subsets=["xstest-should-refuse"])
    row = one_row(result)
    assert not row[t.COMPLETE] and row[t.MISSING_SUBSETS] == "xstest-should-refuse"


def test_a_file_without_the_field_is_judged_by_the_core_subsets_it_scored():
    reasoning = t.core_subsets("rewardbench")[-7:]
    assert reasoning[0] == "math-prm"
    row = one_row(make_result("o/m", subset_levels(0.8, 0.0, [s for s in ALL_SUBSETS if s not in reasoning])))
    assert not row[t.COMPLETE]
    assert row[t.MISSING_SUBSETS].split(", ") == reasoning
    # Prior Sets are optional: the four core sections are enough.
    assert one_row(make_result("o/m", subset_levels(0.8, 0.0, CORE_SUBSETS)))[t.COMPLETE]
    # An empty list written by an evaluator that did not fill it yet does not hide a gap either.
    assert not one_row(make_result("o/m", subset_levels(0.8, 0.0, CORE_SUBSETS[1:]), missing_subsets=[]))[
        t.COMPLETE
    ]


def test_core_subsets_are_the_four_core_sections():
    assert t.core_subsets("rewardbench") == CORE_SUBSETS and len(CORE_SUBSETS) == 23
    with pytest.raises(UnknownBenchmark, match="unknown benchmark 'no-such-benchmark': the known ones are"):
        t.core_subsets("no-such-benchmark")


@pytest.mark.parametrize(
    "subsets, complete",
    [
        (CORE_SUBSETS, True),
        (CORE_SUBSETS + ["shp"], True),
        ([s for s in CORE_SUBSETS if s != "math-prm"], False),
        (["anthropic_helpful", "shp"], False),
    ],
)
def test_published_flat_files_are_complete_only_with_every_core_subset(subsets, complete):
    doc = published_result("o/flat", {s: 0.7 for s in subsets})
    row = only_row(t.build_tables(files(("eval-set/o/flat.json", doc))).rows)
    assert bool(row[t.COMPLETE]) == complete
    assert ("math-prm" in row[t.MISSING_SUBSETS]) == ("math-prm" not in subsets)


def test_incomplete_rows_are_left_out_unless_asked_for(tmp_path):
    rows = t.build_tables(fixture_store(tmp_path).iter_result_files()).rows
    assert INCOMPLETE_NAME not in set(t.filter_rows(rows)[t.MODEL])
    with_all = t.filter_rows(rows, benchmark="rewardbench", show_incomplete=True)
    assert list(with_all[t.MODEL]) == [*EXPECTED_ORDER, INCOMPLETE_NAME]  # after every complete one


def test_custom_data_is_listed_under_its_own_benchmark_label_without_its_path(tmp_path):
    rows = t.build_tables(fixture_store(tmp_path).iter_result_files()).rows
    custom = only_row(rows[rows[t.MODEL] == CUSTOM_NAME])
    assert custom[t.BENCHMARK] == CUSTOM_BENCHMARK
    assert CUSTOM_NAME not in set(t.filter_rows(rows, benchmark="rewardbench")[t.MODEL])
    assert list(t.filter_rows(rows, benchmark=CUSTOM_BENCHMARK)[t.MODEL]) == [CUSTOM_NAME]
    for column, values in rows.items():
        texts = " ".join(str(v) for v in values)
        assert "/home/" not in texts and CUSTOM_DATA_PATH not in texts and LOCAL_MODEL_PATH not in texts, column


@pytest.mark.parametrize(
    "source, shown",
    [
        ("allenai/reward-bench", "allenai/reward-bench"),
        ("/home/alice/data/llmbar.jsonl", "llmbar.jsonl"),
        ("data/sample-rewardbench.jsonl", "sample-rewardbench.jsonl"),
        ("./pairs.parquet", "pairs.parquet"),
        ("~/d/x/y", "y"),
        (r"C:\Users\bob\pairs.json", "pairs.json"),
    ],
)
def test_a_data_source_is_shown_as_its_hub_id_or_its_file_name(source, shown):
    assert t.source_name(source) == shown


def test_custom_data_from_the_hub_and_several_sources_are_named_each():
    result = make_result(
        "o/m", subset_levels(0.8), data_source="/srv/a/mine.jsonl + acme/extra-pairs", custom_data=True
    )
    assert one_row(result)[t.BENCHMARK] == "rewardbench · custom data: mine.jsonl + acme/extra-pairs"


@pytest.mark.parametrize(
    "model, shown",
    [("acme/sft-base", "acme/sft-base"), ("/home/alice/models/acme/sft", "acme/sft"), ("./sft", "local/sft")],
)
def test_a_reference_model_given_as_a_local_path_is_shown_by_its_storage_name(model, shown):
    result = make_result("o/dpo", subset_levels(0.8), model_type="dpo")
    result.model.ref_model = model
    assert one_row(result)[t.REFERENCE] == shown
