"""API judges end to end: `python -m evaluator run --model-type generative --api-base ...` against
the scripted OpenAI-compatible stub (fakes/openai_stub.py), whose verdicts are exact."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evaluator.cli import main
from fakes.openai_stub import OpenAIStub

ROOT = Path(__file__).resolve().parents[1]
V1_SAMPLE = ROOT / "data" / "sample-rewardbench.jsonl"
RB2_SAMPLE = ROOT / "data" / "sample-rewardbench-2.jsonl"
SECRET = "sk-test-0123456789-never-written"
_ANSWER = re.compile(r"\[The Start of Assistant ([A-D])'s Answer\]\n(.*?)\n\[The End of Assistant \1's Answer\]", re.S)


def chosen_texts(path: Path) -> set[str]:
    texts = set()
    for line in path.read_text().splitlines():
        chosen = json.loads(line)["chosen"]
        texts.update(chosen if isinstance(chosen, list) else [chosen])
    return texts


def always_right(path: Path):
    """A judge that knows the answer: it names the slot holding a chosen completion."""
    chosen = chosen_texts(path)

    def reply(messages):
        for letter, text in _ANSWER.findall(messages[-1]["content"]):
            if text in chosen:
                return f"I compared them.\n[[{letter}]]"
        return "no chosen answer shown"

    return reply


@pytest.fixture(scope="module")
def stub():
    with OpenAIStub(reply="[[A]]", api_key=SECRET) as server:
        yield server


@pytest.fixture(autouse=True)
def fresh(stub, monkeypatch):
    stub.reset()
    stub.reply = "[[A]]"
    monkeypatch.setenv("JUDGE_KEY", SECRET)


def run(stub, out: Path, *extra: str, data: Path = V1_SAMPLE) -> int:
    return main(
        ["run", "--model-type", "generative", "--model", "stub-judge", "--api-base", stub.api_base,
         "--api-key-env", "JUDGE_KEY", "--api-timeout", "2", "--api-retries", "2", "--data", str(data),
         "--no-progress", "--output", str(out), *extra]
    )


def read(out: Path) -> tuple[dict, list[dict]]:
    result = json.loads((out / "api" / "stub-judge.json").read_text())
    lines = [json.loads(x) for x in (out / "api" / "stub-judge.scores.jsonl").read_text().splitlines()]
    return result, lines


def test_a_judge_that_knows_the_answer_scores_1_in_both_orders(stub, tmp_path):
    stub.reply = always_right(V1_SAMPLE)
    assert run(stub, tmp_path) == 0
    result, lines = read(tmp_path)
    assert all(line["correct"] == 1.0 for line in lines) and result["score"] == 1.0
    assert result["judge"]["position_consistency"] == 1.0
    assert result["judge"]["backend"] == "api" and result["judge"]["api_base"] == stub.api_base
    assert result["judge"]["api_model"] == "stub-judge"
    assert result["model"]["name"] == "api/stub-judge" and result["model"]["revision_resolved"].startswith("api-")
    assert len(stub.requests) == 270 and {r.body["model"] for r in stub.requests} == {"stub-judge"}
    first = lines[0]["judgements"][0]
    assert first["output"] == "I compared them.\n[[A]]" and first["verdict"] == "A"
    # Token counts are the server's: the stub counts words.
    assert result["judge"]["completion_tokens"] == 270 * 4


def test_always_a_and_unparsable_are_coin_tosses(stub, tmp_path):
    assert run(stub, tmp_path / "a") == 0
    result, lines = read(tmp_path / "a")
    assert {line["correct"] for line in lines} == {0.5} and result["judge"]["position_consistency"] == 0.0
    stub.reply = OpenAIStub.UNPARSABLE
    assert run(stub, tmp_path / "u") == 0
    result, lines = read(tmp_path / "u")
    assert {line["correct"] for line in lines} == {0.5}
    assert result["judge"]["unparsable_share"] == 1.0 and result["judge"]["position_consistency"] == 0.0


def test_rewardbench_2_through_the_api(stub, tmp_path):
    stub.reply = always_right(RB2_SAMPLE)
    assert run(stub, tmp_path, "--benchmark", "rewardbench-2", data=RB2_SAMPLE) == 0
    result, lines = read(tmp_path)
    ranked = [line for line in lines if line["subset"] != "Ties"]
    assert ranked and all(line["correct"] == 1.0 for line in ranked)
    assert all(j["format"] == "rating-1-10" for line in lines if line["subset"] == "Ties" for j in line["judgements"])


def test_429_then_success_is_retried_and_counted(stub, tmp_path):
    stub.fail_next(3, status=429, retry_after=0.01)
    assert run(stub, tmp_path, "--subsets", "alpacaeval-easy") == 0
    result, lines = read(tmp_path)
    assert result["judge"]["retries"] == 3 and {line["correct"] for line in lines} == {0.5}


def test_a_hang_fails_the_run_and_a_rerun_asks_only_what_is_missing(stub, tmp_path, capsys):
    cache = tmp_path / "cache"
    stub.reply = always_right(V1_SAMPLE)
    # 64 judgements a chunk (the default): the first two chunks come back, then the API hangs.
    stub.answer_next(2 * 64)
    stub.hang_next(3, seconds=5)
    code = run(stub, tmp_path / "1", "--cache-dir", str(cache), "--api-concurrency", "1", "--api-timeout", "0.5")
    assert code == 1
    err = capsys.readouterr().err
    assert "did not answer within" in err and SECRET not in err
    asked_first = len(stub.requests)
    stub.reset()
    assert run(stub, tmp_path / "2", "--cache-dir", str(cache)) == 0
    result, lines = read(tmp_path / "2")
    assert result["judge"]["cached"] == 128
    # Only what the killed run had not got back is asked (a retried request is the same prompt).
    asked = {json.dumps(r.messages) for r in stub.requests}
    assert len(asked) == 270 - 128
    assert len(stub.requests) == len(asked) + result["judge"]["retries"]  # nothing left over from run 1
    assert all(line["correct"] == 1.0 for line in lines)
    assert asked_first >= 128


def test_the_key_is_sent_but_never_written(stub, tmp_path):
    assert run(stub, tmp_path / "out", "--cache-dir", str(tmp_path / "cache")) == 0
    assert {r.headers["authorization"] for r in stub.requests} == {f"Bearer {SECRET}"}
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) >= 3
    for path in written:
        assert SECRET.encode() not in path.read_bytes(), path


def test_a_wrong_key_fails_with_the_servers_reason_and_no_key(stub, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("JUDGE_KEY", "sk-wrong-key-42")
    assert run(stub, tmp_path, "--subsets", "alpacaeval-easy") == 1
    err = capsys.readouterr().err
    assert "401" in err and "sk-wrong-key-42" not in err


def test_an_unset_key_variable_is_a_clear_error(stub, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("JUDGE_KEY")
    assert run(stub, tmp_path) == 1
    assert "JUDGE_KEY" in capsys.readouterr().err


JB_SAMPLE = ROOT / "data" / "sample-judgebench.jsonl"


def test_a_prompt_the_api_refuses_as_too_long_is_no_verdict_with_the_reason_and_the_run_goes_on(stub, tmp_path):
    """JudgeBench's answers run long: an API judge whose server says a prompt exceeds its context
    (HTTP 400, context_length_exceeded) gives that judgement no verdict, its output saying why; the
    other pairs are judged; the result counts the refusals; a refusal is never cached."""
    from fakes.openai_stub import prompt_words

    stub.reply = "My verdict: [[A>B]]"
    args = ("--benchmark", "judgebench", "--judge-format", "arena-hard", "--judge-max-new-tokens", "16")
    assert run(stub, tmp_path / "whole", *args, data=JB_SAMPLE) == 0
    sizes = sorted({prompt_words(r.messages) + 16 for r in stub.requests})
    stub.reset()
    stub.reply = "My verdict: [[A>B]]"
    stub.context_words = sizes[len(sizes) // 2]  # about half of the prompts no longer fit
    try:
        cache = tmp_path / "cache"
        assert run(stub, tmp_path / "cut", *args, "--cache-dir", str(cache), data=JB_SAMPLE) == 0
        result, lines = read(tmp_path / "cut")
        refused = {json.dumps(r.messages) for r in stub.requests if prompt_words(r.messages) + 16 > stub.context_words}
        assert refused and result["judge"]["too_long"] == len(refused)
        judgements = [j for line in lines for j in line["judgements"]]
        cut = [j for j in judgements if j["output"].startswith("[not asked: the judge API refused the prompt")]
        assert len(cut) >= len(refused) and all(j.get("verdict") is None for j in cut)
        assert "maximum context length is" in cut[0]["output"]
        assert any(j.get("verdict") is not None for j in judgements)  # the pairs that fit were judged
        for line in lines:  # a pair refused in both orders has no verdict at all: wrong by the two-game rule
            if all(j.get("verdict") is None for j in line["judgements"]):
                assert line["correct"] == 0.0
        stub.reset()
        assert run(stub, tmp_path / "again", *args, "--cache-dir", str(cache), data=JB_SAMPLE) == 0
        assert {json.dumps(r.messages) for r in stub.requests} == refused  # only the refused are asked again
    finally:
        stub.context_words = None
