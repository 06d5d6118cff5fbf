"""Benchmark data: every supported file format, the schema checks and their messages."""

import json

import pandas as pd
import pytest

from evaluator.benchmarks import REWARDBENCH, DataSource
from evaluator.benchmarks.loading import load_benchmark_data
from evaluator.errors import DataError
from tests.conftest import make_rows, write_jsonl

SUBSETS = {"hep-go": 3, "donotanswer": 2}


def _load(path, subsets=None):
    return load_benchmark_data(REWARDBENCH, core=DataSource(str(path)), subsets=subsets)


def test_jsonl_json_and_parquet_give_the_same_examples(tmp_path):
    rows = make_rows(SUBSETS)
    jsonl = write_jsonl(tmp_path / "d.jsonl", rows)
    as_json = tmp_path / "d.json"
    as_json.write_text(json.dumps(rows))
    parquet = tmp_path / "d.parquet"
    pd.DataFrame(rows).to_parquet(parquet)
    loaded = [_load(p) for p in (jsonl, as_json, parquet)]
    assert [e.id for e in loaded[0].examples] == [r["id"] for r in rows]
    assert loaded[0].examples == loaded[1].examples == loaded[2].examples
    assert loaded[0].fingerprint == loaded[1].fingerprint == loaded[2].fingerprint


def test_a_folder_of_files_is_read_in_name_order(tmp_path):
    write_jsonl(tmp_path / "b.jsonl", make_rows({"hep-go": 2}, prefix="b"))
    write_jsonl(tmp_path / "a.jsonl", make_rows({"hep-go": 2}, prefix="a"))
    ids = [e.id for e in _load(tmp_path).examples]
    assert ids == ["a-hep-go-0", "a-hep-go-1", "b-hep-go-0", "b-hep-go-1"]


def test_fingerprint_changes_with_any_text(tmp_path):
    rows = make_rows(SUBSETS)
    before = _load(write_jsonl(tmp_path / "a.jsonl", rows)).fingerprint
    rows[3]["rejected"] += " "
    assert _load(write_jsonl(tmp_path / "b.jsonl", rows)).fingerprint != before


def test_subset_filter_keeps_only_the_named_subsets(tmp_path):
    data = _load(write_jsonl(tmp_path / "d.jsonl", make_rows(SUBSETS)), subsets=["donotanswer"])
    assert {e.subset for e in data.examples} == {"donotanswer"} and len(data.examples) == 2


def test_conversation_prompts_and_best_of_n_responses(tmp_path):
    row = make_rows({"hep-go": 1})[0]
    row["prompt"] = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"},
                     {"role": "user", "content": "add 2 and 2"}]
    row["chosen"], row["rejected"] = ["4"], ["5", "22", "3"]
    example = _load(write_jsonl(tmp_path / "d.jsonl", [row])).examples[0]
    assert example.prompt == (("user", "hi"), ("assistant", "hello"), ("user", "add 2 and 2"))
    assert example.chosen == ("4",) and example.rejected == ("5", "22", "3")


def test_missing_columns_are_named(tmp_path):
    rows = [{k: v for k, v in r.items() if k not in ("rejected", "id")} for r in make_rows(SUBSETS)]
    with pytest.raises(DataError, match=r"missing column\(s\) rejected, id; expected .*prompt, chosen, rejected, subset, id"):
        _load(write_jsonl(tmp_path / "d.jsonl", rows))


def test_unknown_subset_in_data_is_named_with_the_known_ones(tmp_path):
    rows = make_rows({"hep-go": 1}) + make_rows({"hep-golang": 1})
    with pytest.raises(DataError, match=r"unknown to rewardbench: hep-golang; known subsets are alpacaeval-easy"):
        _load(write_jsonl(tmp_path / "d.jsonl", rows))


def test_unknown_subset_requested(tmp_path):
    with pytest.raises(DataError, match=r"unknown subset\(s\) chat-easy for rewardbench"):
        _load(write_jsonl(tmp_path / "d.jsonl", make_rows(SUBSETS)), subsets=["chat-easy"])


def test_empty_subset_requested(tmp_path):
    with pytest.raises(DataError, match=r"subset\(s\) math-prm have no rows in"):
        _load(write_jsonl(tmp_path / "d.jsonl", make_rows(SUBSETS)), subsets=["hep-go", "math-prm"])


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("d.jsonl", b"", "d.jsonl is empty"),
        ("d.jsonl", b"\n  \n", "d.jsonl is empty"),
        ("d.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a JSON/JSONL text file \\(it looks binary\\)"),
        ("d.json", b"\xff\xfe{\x00", "not a JSON/JSONL text file"),
        ("d.parquet", b'{"not": "parquet"}', "not a Parquet file"),
    ],
)
def test_empty_or_binary_files_are_named_plainly(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as info:
        _load(path)
    assert "RewardBench schema (prompt, chosen, rejected, subset, id)" in str(info.value)


def test_a_parse_error_names_the_parser_s_reason(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"prompt": "p"}\n{oops\n')
    with pytest.raises(DataError, match="could not read benchmark data from .*d.jsonl: ") as info:
        _load(path)
    assert "An error occurred while generating the dataset" not in str(info.value)


def test_duplicate_ids_are_refused(tmp_path):
    rows = make_rows({"hep-go": 2})
    rows[1]["id"] = rows[0]["id"]
    with pytest.raises(DataError, match="appears twice in subset hep-go"):
        _load(write_jsonl(tmp_path / "d.jsonl", rows))


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("prompt", {"text": "x"}, "'prompt' must be a string or a list of"),
        ("chosen", [], "'chosen' must be a string or a non-empty list of strings"),
        ("rejected", None, "'rejected' must be a string or a non-empty list of strings"),
    ],
)
def test_bad_cell_types_name_the_row(tmp_path, column, value, message):
    rows = make_rows({"hep-go": 2})
    for row in rows:
        row[column] = value
    with pytest.raises(DataError, match=message):
        _load(write_jsonl(tmp_path / "d.jsonl", rows))


def test_unsupported_file_kind(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("prompt,chosen\n")
    with pytest.raises(DataError, match=r"must be .json, .jsonl or .parquet"):
        _load(path)


def test_malformed_json_is_a_data_error(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text('{"prompt": "x", "chosen": \n')
    with pytest.raises(DataError, match="could not read benchmark data"):
        _load(path)


def test_unreachable_hub_dataset_says_what_to_do():
    with pytest.raises(DataError, match="could not read benchmark data from nobody/no-such-dataset.*local JSON"):
        load_benchmark_data(REWARDBENCH, core=DataSource("nobody/no-such-dataset", split="filtered"))


def test_real_llmbar_pairs(llmbar_path):
    data = _load(llmbar_path)
    counts = {}
    for e in data.examples:
        counts[e.subset] = counts.get(e.subset, 0) + 1
    assert counts == {"llmbar-natural": 100, "llmbar-adver-neighbor": 134, "llmbar-adver-GPTInst": 92,
                      "llmbar-adver-GPTOut": 47, "llmbar-adver-manual": 46}


def test_a_dataset_whose_splits_are_subsets(monkeypatch):
    """The layout of allenai/pref-test-sets: one split per subset, prompts as conversations.

    Only the Hub read is replaced (it is out of reach here); naming, filtering and checks are real.
    """
    import datasets

    from evaluator.benchmarks import loading

    def split(name, n):
        return datasets.Dataset.from_list([
            {"prompt": [{"role": "user", "content": f"q{i}"}], "chosen": "good", "rejected": "bad"}
            for i in range(n)
        ])

    fake_hub = datasets.DatasetDict({"shp": split("shp", 3), "pku_better": split("pku", 2), "summarize": split("s", 1)})
    monkeypatch.setattr(datasets, "load_dataset", lambda location, **kw: fake_hub)
    data = loading.load_benchmark_data(REWARDBENCH, core=DataSource("allenai/pref-test-sets"))
    assert [(e.subset, e.id) for e in data.examples] == [
        ("shp", "shp-0"), ("shp", "shp-1"), ("shp", "shp-2"), ("summarize", "summarize-0")
    ]
    assert data.examples[0].prompt == (("user", "q0"),)
