"""`python -m evaluator run`: end to end on real LLMBar pairs, and every bad-input message."""

import json
import os
import subprocess
import sys
from collections import defaultdict

import numpy as np
import pytest

from evaluator.cli import main
from evaluator.tiny_models import build_classifier
from results.schema import EvalResult, ExampleScore
from tests.conftest import REPO_ROOT, make_rows, write_jsonl


def test_cli_end_to_end_on_llmbar(tiny_classifier, llmbar_path, tmp_path):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "evaluator", "run", "--model", str(tiny_classifier),
         "--benchmark", str(llmbar_path), "--batch-tokens", "8192", "--output", str(tmp_path / "out")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "scoring (classifier)" in proc.stderr  # the progress bar ran
    result = EvalResult.model_validate_json((tmp_path / "out/tiny-org/tiny-rm.json").read_text())
    lines = (tmp_path / "out/tiny-org/tiny-rm.scores.jsonl").read_text().splitlines()
    examples = [ExampleScore.model_validate_json(line) for line in lines]

    data_ids = [json.loads(line)["id"] for line in llmbar_path.read_text().splitlines()]
    assert [e.id for e in examples] == data_ids  # every row once, ids unchanged, data order
    for e in examples:
        assert e.correct == float(e.scores_chosen[0] > e.scores_rejected[0])
    by_subset = defaultdict(list)
    for e in examples:
        by_subset[e.subset].append(e.correct)
    for subset, values in by_subset.items():
        assert result.subsets[subset].accuracy == pytest.approx(np.mean(values))
        assert result.subsets[subset].n == len(values)
    assert result.score == pytest.approx(result.sections["Chat Hard"].score)
    assert result.score_ci95.low <= result.score <= result.score_ci95.high

    assert result.model.name == "tiny-org/tiny-rm"
    assert result.model.revision_resolved.startswith("local-")
    assert result.model.chat_template == "tokenizer" and result.model.chat_template_sha256
    assert result.benchmark.num_examples == 419 and len(result.benchmark.data_fingerprint) == 64
    assert result.settings.device == "cpu" and result.settings.dtype == "float32"
    assert result.environment.libraries["torch"].startswith("2.13")
    assert result.stats.num_texts == 838
    assert 0.9 <= result.stats.padding_efficiency <= 1.0


def _run(capsys, *args):
    code = main(["run", *args])
    return code, capsys.readouterr().err


def _error_line(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


@pytest.fixture()
def small_data(tmp_path):
    return write_jsonl(tmp_path / "small.jsonl", make_rows({"hep-go": 3, "donotanswer": 3}))


def test_missing_model_folder(capsys, tmp_path, small_data):
    code, err = _run(capsys, "--model", str(tmp_path / "nope" / "x"), "--benchmark", str(small_data),
                     "--output", str(tmp_path / "o"))
    assert code == 1
    assert "model not found" in _error_line(err)


def test_hub_model_that_cannot_be_downloaded(capsys, tmp_path, small_data):
    code, err = _run(capsys, "--model", "nobody/no-such-model", "--benchmark", str(small_data),
                     "--output", str(tmp_path / "o"))
    assert code == 1
    assert "model not found or not downloadable: nobody/no-such-model" in _error_line(err)


def test_corrupt_weights(capsys, tmp_path, small_data, tiny_tokenizer):
    folder = build_classifier(tmp_path / "org" / "broken", tiny_tokenizer)
    (folder / "model.safetensors").write_bytes(b"not a safetensors file")
    code, err = _run(capsys, "--model", str(folder), "--benchmark", str(small_data), "--output", str(tmp_path / "o"))
    assert code == 1
    assert "could not load a sequence-classification model" in _error_line(err)


def test_bad_data(capsys, tmp_path, tiny_classifier):
    bad = write_jsonl(tmp_path / "bad.jsonl", [{"prompt": "p", "chosen": "c", "subset": "hep-go", "id": 1}])
    code, err = _run(capsys, "--model", str(tiny_classifier), "--benchmark", str(bad), "--output", str(tmp_path / "o"))
    assert code == 1
    assert "missing column(s) rejected" in _error_line(err)


def test_unknown_benchmark_name(capsys, tmp_path, tiny_classifier):
    code, err = _run(capsys, "--model", str(tiny_classifier), "--benchmark", "rewardbnech", "--output", str(tmp_path))
    assert code == 1
    assert "unknown benchmark 'rewardbnech'" in _error_line(err)


def test_unknown_chat_template(capsys, tmp_path, tiny_classifier, small_data):
    code, err = _run(capsys, "--model", str(tiny_classifier), "--benchmark", str(small_data),
                     "--chat-template", "chatml2", "--output", str(tmp_path / "o"))
    assert code == 1
    assert "unknown chat template 'chatml2'" in _error_line(err)


@pytest.mark.parametrize(
    "args, fragment",
    [
        (["--max-length", "0"], "expected a positive integer, got 0"),
        (["--batch-tokens", "many"], "expected a positive integer, got 'many'"),
        (["--model-type", "oracle"], "invalid choice: 'oracle'"),
        (["--dtype", "int4"], "invalid choice: 'int4'"),
    ],
)
def test_bad_arguments_exit_2_with_the_reason(capsys, tmp_path, small_data, args, fragment):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--model", "x/y", "--benchmark", str(small_data), "--output", str(tmp_path), *args])
    assert exit_info.value.code == 2
    assert fragment in capsys.readouterr().err


def test_cuda_asked_for_without_a_gpu(capsys, tmp_path, tiny_classifier, small_data):
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    code, err = _run(capsys, "--model", str(tiny_classifier), "--benchmark", str(small_data),
                     "--device", "cuda", "--output", str(tmp_path))
    assert code == 1
    assert "no CUDA GPU is available" in _error_line(err)


def test_tokenizer_without_template_needs_chat_template_flag(capsys, tmp_path, small_data):
    from evaluator.tiny_models import build_tokenizer

    folder = build_classifier(tmp_path / "org" / "plain", build_tokenizer(chat_template=None))
    code, err = _run(capsys, "--model", str(folder), "--benchmark", str(small_data), "--output", str(tmp_path / "o"))
    assert code == 1
    assert "has no chat template; pass --chat-template" in _error_line(err)
    assert "raw" in _error_line(err)

    code, err = _run(capsys, "--model", str(folder), "--benchmark", str(small_data), "--chat-template", "raw",
                     "--no-progress", "--output", str(tmp_path / "o"))
    assert code == 0, err
    result = EvalResult.model_validate_json((tmp_path / "o/org/plain.json").read_text())
    assert result.model.chat_template == "raw"
    assert set(result.subsets) == {"hep-go", "donotanswer"}


def _cli(tmp_path, *args, cache: str = "datasets-cache") -> subprocess.CompletedProcess:
    """The CLI in a fresh process: every library's own bars and logs reach its stderr."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_CACHE": str(tmp_path / cache)}
    env.pop("HF_HUB_DISABLE_PROGRESS_BARS", None)
    env.pop("HF_DATASETS_DISABLE_PROGRESS_BARS", None)  # set here by any in-process run without bars
    return subprocess.run([sys.executable, "-m", "evaluator", "run", *args, "--output", str(tmp_path / "o")],
                          cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "content, message",
    [(b"", "is empty"), (b"\x00\x01\x02\xff\xfe garbage \x00" * 20, "is not a JSON/JSONL text file")],
)
def test_empty_or_binary_data_is_one_line(tmp_path, tiny_classifier, content, message):
    data = tmp_path / "data.jsonl"
    data.write_bytes(content)
    proc = _cli(tmp_path, "--model", str(tiny_classifier), "--benchmark", str(data), "--no-progress")
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [f"error: {data} {message}" + proc.stderr.split(message, 1)[1].rstrip()]
    assert "RewardBench schema" in proc.stderr and "StopIteration" not in proc.stderr


def test_a_parse_error_is_printed_once(tmp_path, tiny_classifier):
    data = tmp_path / "data.jsonl"
    data.write_text('{"prompt": "p"}\n{oops\n')
    proc = _cli(tmp_path, "--model", str(tiny_classifier), "--benchmark", str(data), "--no-progress")
    assert proc.returncode == 1
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith(f"error: could not read benchmark data from {data}: ")


def test_no_progress_silences_every_bar(tmp_path, tiny_classifier, small_data):
    # .json, not .jsonl: `datasets` builds it (local .jsonl is read without `datasets`), so its bar shows
    small_data = small_data.rename(small_data.with_suffix(".json"))
    quiet = _cli(tmp_path, "--model", str(tiny_classifier), "--benchmark", str(small_data), "--no-progress",
                 "--bootstrap-samples", "5")
    assert quiet.returncode == 0, quiet.stderr
    assert all(line.startswith(("INFO ", "WARNING ")) for line in quiet.stderr.splitlines()), quiet.stderr
    # the same run with bars shows the libraries' own (dataset building, weight loading) and ours
    loud = _cli(tmp_path, "--model", str(tiny_classifier), "--benchmark", str(small_data), "--bootstrap-samples", "5",
                cache="another-cache")  # a fresh cache: the dataset is built again
    assert loud.returncode == 0, loud.stderr
    for bar in ("Generating train split", "Loading weights", "scoring (classifier)"):
        assert bar in loud.stderr and bar not in quiet.stderr


def test_every_run_option_is_a_run_config_field():
    """One flow: the parser's dests are RunConfig's field names (bar where the output goes)."""
    from evaluator.cli import build_parser
    from evaluator.run_config import RunConfig

    from evaluator.judge_options import JudgeSettings

    run = build_parser()._subparsers._group_actions[0].choices["run"]
    dests = {a.dest for a in run._actions if a.dest != "help"}
    from evaluator.critique_options import CloudSettings

    judge = {d for d in dests if d.startswith("judge.")}
    cloud = {d for d in dests if d.startswith("cloud.")}
    assert dests - judge - cloud - set(RunConfig.model_fields) == {"output", "cache_dir"}
    # The groups' dests name their settings' fields: RunConfig.from_args nests them.
    assert {d.removeprefix("judge.") for d in judge} <= set(JudgeSettings.model_fields)
    assert {d.removeprefix("cloud.") for d in cloud} <= set(CloudSettings.model_fields)


def test_the_command_line_becomes_a_run_config(tmp_path, small_data):
    from evaluator.cli import build_parser
    from evaluator.run_config import RunConfig

    args = build_parser().parse_args(["run", "--model", "org/m", "--revision", "v1", "--split", "test",
                                      "--data", "org/ds", "--no-progress", "--max-length", "64",
                                      "--subsets", "hep-go,donotanswer", "--output", str(tmp_path)])
    config = RunConfig.from_args(args)
    assert (config.model, config.revision, config.data, config.data_split) == ("org/m", "v1", "org/ds", "test")
    assert (config.progress, config.max_length, config.subsets) == (False, 64, ["hep-go", "donotanswer"])
    assert config.batch_tokens == RunConfig.model_fields["batch_tokens"].default  # unset keeps the default
    path_as_benchmark = RunConfig.from_args(build_parser().parse_args(
        ["run", "--model", "m", "--benchmark", str(small_data), "--output", str(tmp_path)]))
    assert (path_as_benchmark.benchmark, path_as_benchmark.data) == ("rewardbench", str(small_data))
    assert path_as_benchmark.custom_data


@pytest.mark.parametrize("given", ["missing.jsonl", "folder/sub/missing.json", "./missing"])
def test_a_missing_data_file_is_named_as_a_missing_file(capsys, tmp_path, tiny_classifier, small_data, given):
    """Not asked of the Hub, whose "Repo id must be in the form ..." reads as a different problem."""
    for flag in ("--data", "--benchmark"):
        code, err = _run(capsys, "--model", str(tiny_classifier), flag, given, "--output", str(tmp_path / "o"))
        assert code == 1
        line = _error_line(err)
        assert line.startswith(f"error: no such file: {given}") and "Repo id" not in line


def test_a_bad_row_is_named_by_its_line_counted_from_one(capsys, tmp_path, tiny_classifier):
    rows = make_rows({"hep-go": 3})
    rows[1]["chosen"] = 7
    data = tmp_path / "bad.jsonl"
    data.write_text(f"{json.dumps(rows[0])}\n\n{json.dumps(rows[1])}\n{json.dumps(rows[2])}\n")  # a blank line 2
    code, err = _run(capsys, "--model", str(tiny_classifier), "--benchmark", str(data), "--output", str(tmp_path / "o"))
    assert code == 1
    assert f"{data}, line 3 (id 'row-hep-go-1'): 'chosen' must be" in _error_line(err)


def test_an_incomplete_run_says_so_on_stderr_and_names_the_missing_subsets(tmp_path, tiny_classifier, small_data):
    proc = _cli(tmp_path, "--model", str(tiny_classifier), "--benchmark", str(small_data), "--no-progress",
                "--bootstrap-samples", "5")
    assert proc.returncode == 0, proc.stderr
    [warning] = [line for line in proc.stderr.splitlines() if line.startswith("WARNING evaluator: incomplete result")]
    result = EvalResult.model_validate_json(next((tmp_path / "o").rglob("*.json")).read_text())
    assert result.benchmark.missing_subsets and "hep-go" not in result.benchmark.missing_subsets
    assert ", ".join(result.benchmark.missing_subsets) in warning and "covers 2 subset(s)" in warning


def test_a_complete_run_has_no_incomplete_warning(tmp_path, tiny_classifier):
    from evaluator.benchmarks import REWARDBENCH

    data = write_jsonl(tmp_path / "all.jsonl", make_rows({subset: 1 for subset in REWARDBENCH.missing((), extras=())}))
    proc = _cli(tmp_path, "--model", str(tiny_classifier), "--benchmark", str(data), "--no-progress",
                "--bootstrap-samples", "5")
    assert proc.returncode == 0, proc.stderr
    assert "score " in proc.stderr and "incomplete" not in proc.stderr
