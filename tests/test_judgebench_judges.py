"""JudgeBench with generative judges, end to end against the scripted OpenAI-compatible stub: the
arena-hard verdict grammar, the one follow-up question, and the authors' two-game rule per pair."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from evaluator.cli import main
from results.judge_formats import ARENA_HARD, has_arena_label, parse_arena_hard
from fakes.openai_stub import OpenAIStub

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "judgebench" / "gpt-4o-2024-05-13.jsonl"
needs_data = pytest.mark.skipif(not DATA.is_file(), reason="../shared/data is not beside this checkout")
_ANSWER = re.compile(r"\[The Start of Assistant ([AB])'s Answer\]\n(.*?)\n\[The End of Assistant \1's Answer\]", re.S)


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("A is clearly right. [[A>>B]]", "A"),
        ("[[A>B]]", "A"),
        ("Both fine. [[A=B]]", "="),
        ("[[B>A]]", "B"),
        ("I first thought [[B>>A]] but on reflection [[B>A]]", "B"),  # one distinct verdict
        ("[[A>B]] ... no, [[B>A]]", None),  # several different labels: no verdict
        ("A is better.", None),
        ("[[A]]", None),  # another format's token is no arena-hard label
    ],
)
def test_the_arena_hard_verdict_grammar(text, verdict):
    assert parse_arena_hard(text) == verdict


def test_a_follow_up_is_asked_only_when_no_label_came():
    assert ARENA_HARD.needs_follow_up("A is better.") and ARENA_HARD.needs_follow_up("[[A]]")
    assert not ARENA_HARD.needs_follow_up("[[A>B]] ... [[B>A]]")  # labels, conflicting: no verdict, no re-ask
    assert has_arena_label("x [[A=B]] y")


def rows(n: int = 8) -> list[dict]:
    raw = [json.loads(line) for line in DATA.read_text().splitlines()]
    return raw[:n]


def run(stub, tmp_path: Path, data: Path) -> tuple[dict, list[dict]]:
    out = tmp_path / "out"
    code = main(["run", "--model-type", "generative", "--model", "stub-judge", "--api-base", stub.api_base,
                 "--benchmark", "judgebench", "--data", str(data), "--judge-format", "arena-hard",
                 "--no-progress", "--bootstrap-samples", "50", "--output", str(out)])
    assert code == 0
    result = json.loads((out / "api" / "stub-judge.json").read_text())
    lines = [json.loads(x) for x in (out / "api" / "stub-judge.scores.jsonl").read_text().splitlines()]
    return result, lines


def _write(tmp_path: Path, picked: list[dict]) -> Path:
    path = tmp_path / "judgebench.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in picked))
    return path


@needs_data
def test_a_judge_that_always_prefers_slot_a_scores_exactly_what_the_two_game_rule_gives(tmp_path):
    # every pair: game 1 picks the answer in slot A, game 2 (slots swapped) the other one: +1 - 1 = 0
    with OpenAIStub(reply="Thinking... [[A>B]]") as stub:
        result, lines = run(stub, tmp_path, _write(tmp_path, rows()))
    assert all(len(line["judgements"]) == 2 for line in lines)
    assert all(line["correct"] == 0.0 for line in lines)
    assert result["score"] == 0.0
    assert result["judge"]["formats"] == {"pairwise": "arena-hard"}


@needs_data
def test_per_pair_outcomes_follow_the_rule_case_by_case(tmp_path):
    """A scripted judge: for each pair it plays a chosen pattern (right/wrong/tie in each game)."""
    picked = rows(5)
    right = {}
    for row in picked:
        better = row["response_A"] if row["label"] == "A>B" else row["response_B"]
        right[row["question"]] = better
    patterns = ["RR", "RT", "RW", "TT", "WR"]  # expected credit: 1, 1, 0, 0, 0
    plan = {row["question"]: pattern for row, pattern in zip(picked, patterns)}
    seen: dict[str, int] = {}

    def reply(messages):
        content = messages[-1]["content"]
        question = next(q for q in plan if q in content)
        game = seen.get(question, 0)
        seen[question] = game + 1
        move = plan[question][game]
        if move == "T":
            return "[[A=B]]"
        slots = dict(_ANSWER.findall(content))
        good = "A" if slots["A"] == right[question] else "B"
        bad = "B" if good == "A" else "A"
        return f"[[{good}>{bad}]]" if move == "R" else f"[[{bad}>>{good}]]"

    with OpenAIStub(reply=reply) as stub:
        result, lines = run(stub, tmp_path, _write(tmp_path, picked))
    by_id = {line["id"]: line["correct"] for line in lines}
    assert [by_id[row["pair_id"]] for row in picked] == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert result["score"] == pytest.approx(2 / 5)


@needs_data
def test_an_answer_without_a_label_is_asked_again_once_in_the_same_conversation(tmp_path):
    def reply(messages):
        if messages[-1]["content"] == ARENA_HARD.follow_up:
            assert messages[-2]["role"] == "assistant" and messages[-2]["content"] == "Hmm, hard to say."
            return "[[A>B]]"
        return "Hmm, hard to say."

    with OpenAIStub(reply=reply) as stub:
        result, lines = run(stub, tmp_path, _write(tmp_path, rows(3)))
        asked = len(stub.requests)
    assert asked == 3 * 2 * 2  # every game asked, and asked once more
    outputs = [j["output"] for line in lines for j in line["judgements"]]
    assert all(o.startswith("Hmm, hard to say.") and o.endswith("[[A>B]]") for o in outputs)
    assert all(j["verdict"] == "A" for line in lines for j in line["judgements"])
    assert result["score"] == 0.0  # slot A both times: +1 - 1


RM_CHAT = DATA.parents[1] / "rm-bench" / "chat_filtered.json"


@needs_data
def test_rm_bench_judges_compare_all_nine_pairs_in_both_orders_and_fill_the_matrix(tmp_path):
    """A judge that prefers the longer answer (a tie when equal) must give exactly the matrix a reward
    of 'length in characters' gives: chosen i beats rejected j in both orders iff it is longer."""
    folder = tmp_path / "rm-bench"
    folder.mkdir()
    picked = json.loads(RM_CHAT.read_text())[:3]
    (folder / "chat_filtered.json").write_text(json.dumps(picked))

    def reply(messages):
        slots = dict(_ANSWER.findall(messages[-1]["content"]))
        a, b = len(slots["A"]), len(slots["B"])
        return "[[A>B]]" if a > b else "[[B>A]]" if b > a else "[[A=B]]"

    out = tmp_path / "out"
    with OpenAIStub(reply=reply) as stub:
        code = main(["run", "--model-type", "generative", "--model", "stub-judge", "--api-base", stub.api_base,
                     "--benchmark", "rm-bench", "--data", str(folder), "--judge-format", "arena-hard",
                     "--no-progress", "--bootstrap-samples", "50", "--output", str(out)])
        calls = len(stub.requests)
    assert code == 0
    assert calls == 3 * 9 * 2  # 18 judge calls an example, as About says
    result = json.loads((out / "api" / "stub-judge.json").read_text())
    lines = [json.loads(x) for x in (out / "api" / "stub-judge.scores.jsonl").read_text().splitlines()]
    cells = {f"M{i}{j}": sum(len(r["chosen"][i]) > len(r["rejected"][j]) for r in picked) / 3 for i in range(3) for j in range(3)}
    assert result["subsets"]["chat"]["parts"] == pytest.approx(cells)
    assert all(len(line["judgements"]) == 18 and len(line["pair_wins"]) == 3 for line in lines)
    for row, line in zip(picked, lines):
        assert line["pair_wins"] == [[float(len(row["chosen"][i]) > len(row["rejected"][j])) for j in range(3)] for i in range(3)]
        assert line["correct"] == pytest.approx(sum(map(sum, line["pair_wins"])) / 9)
    assert result["judge"]["position_consistency"] == 1.0  # a length judge is consistent in both orders
