"""Local .jsonl data is read by our own reader, without `datasets`, and gives exactly its rows.

The reference is `datasets.load_dataset("json", ...)` called here directly, and the same bytes
saved as .json (which still goes through `datasets`), loaded by the project's own loader.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

from evaluator.benchmarks import REWARDBENCH, REWARDBENCH_2, DataSource
from evaluator.benchmarks.jsonl_rows import read_jsonl_rows
from evaluator.benchmarks.loading import load_benchmark_data
from evaluator.errors import DataError
from evaluator.runner import DATASETS_PROGRESS_BARS_OFF, silence_library_progress_bars
from tests.conftest import REPO_ROOT, make_rows, write_jsonl
from tests.test_rewardbench2 import rb2_rows


def _datasets_rows(*files):
    import datasets

    return datasets.load_dataset("json", data_files=[str(f) for f in files], split="train").to_list()


def _both_ways(path, benchmark=REWARDBENCH):
    """The project's loader on `path` (.jsonl: our reader) and on the same bytes as .json (datasets)."""
    as_json = path.with_name(path.stem + "-copy.json")
    as_json.write_bytes(path.read_bytes())
    return [load_benchmark_data(benchmark, core=DataSource(str(p))) for p in (path, as_json)]


def test_real_llmbar_rows_examples_and_fingerprint_match_datasets(llmbar_path, tmp_path):
    assert read_jsonl_rows([str(llmbar_path)]) == _datasets_rows(llmbar_path)
    copy = tmp_path / llmbar_path.name  # the .json twin is written beside it, not in ../shared
    copy.write_bytes(llmbar_path.read_bytes())
    ours, reference = _both_ways(copy)
    assert len(ours.examples) == 419
    assert ours.examples == reference.examples and ours.fingerprint == reference.fingerprint


def test_rewardbench_2_rows_with_lists_and_counts_match_datasets(tmp_path):
    path = write_jsonl(tmp_path / "rb2.jsonl", rb2_rows())
    assert read_jsonl_rows([str(path)]) == _datasets_rows(path)
    ours, reference = _both_ways(path, REWARDBENCH_2)
    assert ours.examples == reference.examples and ours.fingerprint == reference.fingerprint
    assert ours.examples[-2].chosen == ("2", "3", "5", "7")


def test_keys_missing_from_some_rows_are_none_as_in_datasets(tmp_path):
    rows = rb2_rows()
    for row in rows[1::3]:
        del row["num_correct"]
    del rows[0]["models"]
    rows[2]["extra"] = "only here"
    path = write_jsonl(tmp_path / "rb2.jsonl", rows)
    ours = read_jsonl_rows([str(path)])
    assert ours == _datasets_rows(path)
    assert ours[1]["num_correct"] is None and ours[0]["models"] is None and ours[0]["extra"] is None
    first, second = _both_ways(path, REWARDBENCH_2)
    assert first.examples == second.examples and first.fingerprint == second.fingerprint


def test_a_column_missing_from_the_first_row_fails_as_with_datasets(tmp_path):
    """`datasets` gives the first row the column as None, so the message is about the value; it
    names the JSON Lines line, or the row `datasets` read, both counted from 1."""
    rows = make_rows({"hep-go": 2})
    del rows[0]["id"]
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    messages = []
    for suffix in (".jsonl", ".json"):
        target = path.with_suffix(suffix)
        target.write_bytes(path.read_bytes())
        with pytest.raises(DataError) as info:
            load_benchmark_data(REWARDBENCH, core=DataSource(str(target)))
        messages.append(str(info.value).replace(str(target), "FILE"))
    assert "FILE, line 1 (id None): 'id' must be an integer or a string" in messages[0]
    assert "FILE, row 1 of 2 (id None): 'id' must be an integer or a string" in messages[1]


def test_blank_lines_crlf_and_a_byte_order_mark_are_read_as_datasets_reads_them(tmp_path):
    lines = [json.dumps(row) for row in make_rows({"hep-go": 3})]
    path = tmp_path / "d.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + f"{lines[0]}\r\n\r\n   \n{lines[1]}\n\t\n{lines[2]}".encode())
    ours = read_jsonl_rows([str(path)])
    assert [row["id"] for row in ours] == ["row-hep-go-0", "row-hep-go-1", "row-hep-go-2"]
    assert ours == _datasets_rows(path)


def test_a_folder_is_read_in_sorted_path_order_as_datasets_reads_it(tmp_path):
    (tmp_path / "b").mkdir()
    write_jsonl(tmp_path / "b" / "a.jsonl", make_rows({"hep-go": 1}, prefix="b-a"))
    write_jsonl(tmp_path / "a.jsonl", make_rows({"hep-go": 1}, prefix="a"))
    write_jsonl(tmp_path / "c.jsonl", make_rows({"hep-go": 1}, prefix="c"))
    files = sorted(tmp_path.rglob("*.jsonl"))
    assert [e.id for e in load_benchmark_data(REWARDBENCH, core=DataSource(str(tmp_path))).examples] == [
        "a-hep-go-0", "b-a-hep-go-0", "c-hep-go-0"
    ]
    assert read_jsonl_rows([str(f) for f in files]) == _datasets_rows(*files)


def test_a_jsonl_file_holding_one_array_still_reads_through_datasets(tmp_path):
    rows = make_rows({"hep-go": 2})
    lines = write_jsonl(tmp_path / "lines.jsonl", rows)
    array = tmp_path / "array.jsonl"
    array.write_text(json.dumps(rows, indent=1))
    loaded = [load_benchmark_data(REWARDBENCH, core=DataSource(str(p))) for p in (lines, array)]
    assert loaded[0].examples == loaded[1].examples and loaded[0].fingerprint == loaded[1].fingerprint


@pytest.mark.parametrize(
    "bad_line, problem",
    [
        ('{"prompt": "p", oops}', r"line 3 is not valid JSON: Expecting property name .* at column 17"),
        ('{"prompt": "p"} {"prompt": "q"}', "line 3 is not valid JSON: Extra data at column 17"),
        ('{"prompt": "p",', "line 3 is not valid JSON: Expecting property name"),
        ('["p", "c", "r"]', "line 3 is an array, not a JSON object"),
        ("42", "line 3 is a number, not a JSON object"),
        ('"text"', "line 3 is a string, not a JSON object"),
        ("null", "line 3 is null, not a JSON object"),
        ('{"prompt": "\\ud83d alone"}', r"line 3 holds a lone UTF-16 surrogate escape"),
    ],
)
def test_a_bad_line_is_named_with_its_file_and_number(tmp_path, bad_line, problem):
    good = [json.dumps(row) for row in make_rows({"hep-go": 2})]
    path = tmp_path / "d.jsonl"
    path.write_text(f"{good[0]}\n\n{bad_line}\n{good[1]}\n")
    with pytest.raises(DataError, match=f"could not read benchmark data from {re.escape(str(path))}: {problem}"):
        load_benchmark_data(REWARDBENCH, core=DataSource(str(path)))


def test_a_paired_surrogate_escape_is_text(tmp_path):
    row = make_rows({"hep-go": 1})[0] | {"chosen": "smile \ud83d\ude00"}
    path = write_jsonl(tmp_path / "d.jsonl", [row])  # json.dumps escapes it as a surrogate pair
    assert "\\ud83d\\ude00" in path.read_text()
    assert read_jsonl_rows([str(path)]) == _datasets_rows(path)


def test_bytes_that_are_not_utf8_past_the_first_block_name_their_line(tmp_path):
    rows = make_rows({"hep-go": 60})  # well past the 8 KiB that the file check looks at
    path = write_jsonl(tmp_path / "d.jsonl", rows)
    path.write_bytes(path.read_bytes() + b'{"prompt": "caf\xe9"}\n')
    assert path.stat().st_size > 8192
    with pytest.raises(DataError, match=r"d.jsonl: line 61 is not UTF-8 text \(byte 0xe9 at byte 16 of the line\)"):
        load_benchmark_data(REWARDBENCH, core=DataSource(str(path)))


def test_silencing_bars_switches_off_an_imported_datasets_and_one_imported_later(monkeypatch):
    import datasets

    monkeypatch.delenv(DATASETS_PROGRESS_BARS_OFF, raising=False)  # restored after the test
    datasets.enable_progress_bars()
    try:
        silence_library_progress_bars()
        assert datasets.are_progress_bars_disabled()
        assert os.environ[DATASETS_PROGRESS_BARS_OFF] == "1"
    finally:
        datasets.enable_progress_bars()


_PROBE = textwrap.dedent(
    """
    import runpy, sys
    sys.argv = ["evaluator", "run", "--model", sys.argv[1], "--data", sys.argv[2], "--no-progress",
                "--output", sys.argv[3]]
    try:
        runpy.run_module("evaluator", run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        assert not exit.code, exit.code
    import os
    imported = "datasets" in sys.modules
    print("datasets imported:", imported, "variable:", os.environ.get("HF_DATASETS_DISABLE_PROGRESS_BARS"))
    if imported:
        print("datasets bars off:", sys.modules["datasets"].are_progress_bars_disabled())
    """
)


@pytest.mark.parametrize("suffix, imported", [(".jsonl", False), (".json", True)])
def test_a_cli_run_on_local_jsonl_never_imports_datasets(tiny_classifier, tmp_path, suffix, imported):
    """The same rows as .json go through `datasets`: the probe sees that import, and its bars off."""
    data = write_jsonl(tmp_path / f"d{suffix}", make_rows({"hep-go": 2, "donotanswer": 2}))
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    env.pop(DATASETS_PROGRESS_BARS_OFF, None)
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tiny_classifier), str(data), str(tmp_path / "out")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"datasets imported: {imported} variable: 1" in proc.stdout
    assert ("datasets bars off: True" in proc.stdout) == imported
    assert (tmp_path / "out" / "tiny-org" / "tiny-rm.scores.jsonl").read_text().count("\n") == 4
