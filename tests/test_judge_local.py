"""Generative judges on the local transformers backend, end to end through the CLI.

The judges are tiny models with known behaviour (tests/judge_fixtures.py): one always answers
"[[A]]", so every expected credit follows from the slot order each judgement records, recomputed
here independently of evaluator/judges/fairness.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.cli import main
from tests.judge_fixtures import build_constant_judge, build_random_judge

ROOT = Path(__file__).resolve().parents[1]
V1_SAMPLE = ROOT / "data" / "sample-rewardbench.jsonl"
RB2_SAMPLE = ROOT / "data" / "sample-rewardbench-2.jsonl"


@pytest.fixture(scope="module")
def always_a(tmp_path_factory) -> Path:
    return build_constant_judge(tmp_path_factory.mktemp("judges") / "judge-org" / "always-a", "[[A]]")


def run(model: Path, out: Path, *extra: str) -> tuple[dict, list[dict]]:
    code = main(
        ["run", "--model", str(model), "--model-type", "generative", "--judge-max-new-tokens", "3",
         "--no-progress", "--output", str(out), *extra]
    )
    assert code == 0
    stem = out / model.parent.name / model.name
    result = json.loads(stem.with_suffix(".json").read_text())
    lines = [json.loads(line) for line in stem.with_suffix(".scores.jsonl").read_text().splitlines()]
    return result, lines


def expected_credit(judgements: list[dict]) -> float:
    """Always-A: each judgement picks the completion in slot A; right only if it is the chosen one."""
    right = [j["shown"][0].startswith("chosen") for j in judgements]
    if all(right):
        return 1.0
    if not any(right):
        return 0.0
    return 0.5 if len(judgements[0]["shown"]) == 2 else 0.25


def test_v1_both_orders_always_a_is_a_coin_toss(always_a, tmp_path):
    result, lines = run(always_a, tmp_path, "--data", str(V1_SAMPLE))
    assert len(lines) == 135
    for line in lines:
        assert [j["shown"] for j in line["judgements"]] == [["chosen 0", "rejected 0"], ["rejected 0", "chosen 0"]]
        assert all(j["output"].startswith("[[A]]") and j["verdict"] == "A" for j in line["judgements"])
        assert line["correct"] == 0.5
    judge = result["judge"]
    assert judge["position_consistency"] == 0.0 and judge["unparsable_share"] == 0.0
    assert judge["judgements"] == 270 and judge["completion_tokens"] == 270 * 3
    assert result["score"] == pytest.approx(0.5)
    assert result["model"]["model_type"] == "generative"


def test_v1_one_seeded_order_reproduces_upstreams_single_judgement(always_a, tmp_path):
    _, lines = run(always_a, tmp_path / "a", "--data", str(V1_SAMPLE), "--judge-orders", "1", "--seed", "3")
    assert all(len(line["judgements"]) == 1 for line in lines)
    assert [line["correct"] for line in lines] == [expected_credit(line["judgements"]) for line in lines]
    slots = [line["judgements"][0]["shown"] for line in lines]
    assert 30 < sum(s[0] == "chosen 0" for s in slots) < 105  # both orders occur
    _, again = run(always_a, tmp_path / "b", "--data", str(V1_SAMPLE), "--judge-orders", "1", "--seed", "3")
    assert [line["judgements"][0]["shown"] for line in again] == slots


def test_rewardbench_2_ranking_and_ties_ratings(always_a, tmp_path):
    result, lines = run(always_a, tmp_path, "--benchmark", "rewardbench-2", "--data", str(RB2_SAMPLE))
    for line in lines:
        formats = {j["format"] for j in line["judgements"]}
        if line["subset"] == "Ties":
            # Rated one by one; "[[A]]" is no rating, so every completion scores 0 and ties at the top.
            assert formats == {"rating-1-10"}
            assert len(line["judgements"]) == len(line["scores_chosen"]) + len(line["scores_rejected"])
            assert set(line["scores_chosen"] + line["scores_rejected"]) == {0.0}
        else:
            assert formats == {"rb2-ranking"} and len(line["judgements"]) == 1
            assert line["correct"] == expected_credit(line["judgements"])
    assert result["judge"]["formats"] == {"ranking": "rb2-ranking", "rating": "rating-1-10"}


def test_second_run_is_answered_from_the_cache(always_a, tmp_path):
    cache = tmp_path / "cache"
    first, first_lines = run(always_a, tmp_path / "1", "--data", str(V1_SAMPLE), "--cache-dir", str(cache))
    second, second_lines = run(always_a, tmp_path / "2", "--data", str(V1_SAMPLE), "--cache-dir", str(cache))
    assert first["judge"]["cached"] == 0 and first["judge"]["completion_tokens"] > 0
    assert second["judge"]["cached"] == second["judge"]["judgements"] == 270
    assert second["judge"]["completion_tokens"] == 0  # no generation at all
    assert second_lines == first_lines
    # A changed decoding setting is another judge: nothing is reused.
    third, _ = run(always_a, tmp_path / "3", "--data", str(V1_SAMPLE), "--cache-dir", str(cache), "--judge-max-new-tokens", "2")
    assert third["judge"]["cached"] == 0


def test_batched_generation_equals_one_prompt_at_a_time(tmp_path):
    import torch

    from evaluator.generation import Decoding
    from evaluator.generation.transformers_local import TransformersBackend

    folder = build_random_judge(tmp_path / "org" / "noisy", seed=1)
    conversations = [[{"role": "user", "content": "word " * n + "?"}] for n in (1, 30, 7, 60, 2, 15)]
    decoding = Decoding(max_new_tokens=8)
    kwargs = dict(identity="t", max_length=None, progress=False)
    batched = TransformersBackend.load(str(folder), torch.device("cpu"), torch.float32, batch_tokens=4096, **kwargs)
    single = TransformersBackend.load(str(folder), torch.device("cpu"), torch.float32, batch_tokens=1, **kwargs)
    together = batched.generate(conversations, decoding)
    one_by_one = single.generate(conversations, decoding)
    assert [g.text for g in together] == [g.text for g in one_by_one]
    assert all(g.completion_tokens <= 8 for g in together)
    assert any(g.text for g in together)


def test_a_judge_without_chat_template_is_refused(tmp_path, capsys):
    from evaluator.tiny_models import build_causal_lm, build_tokenizer

    folder = build_causal_lm(tmp_path / "org" / "plain", build_tokenizer(chat_template=None))
    code = main(["run", "--model", str(folder), "--model-type", "generative", "--data", str(V1_SAMPLE),
                 "--no-progress", "--output", str(tmp_path / "out")])
    assert code == 1
    assert "has no chat template" in capsys.readouterr().err


def test_judge_options_on_another_model_type_are_refused(tiny_classifier, tmp_path, capsys):
    code = main(["run", "--model", str(tiny_classifier), "--judge-orders", "1", "--data", str(V1_SAMPLE),
                 "--output", str(tmp_path)])
    assert code == 2
    assert "judge options apply to --model-type generative" in capsys.readouterr().err


def test_the_leaderboard_labels_a_judge_and_its_format(always_a, tmp_path):
    from leaderboard.tables import table as t

    run(always_a, tmp_path, "--data", str(V1_SAMPLE), "--subsets", "alpacaeval-easy", "--judge-format", "skywork-critic",
        "--judge-orders", "1")
    data = (tmp_path / "judge-org" / "always-a.json").read_bytes()
    rows = t.build_tables([("eval-set/rewardbench/judge-org/always-a/x.json", data)]).rows
    assert list(rows[t.MODEL_TYPE]) == ["Generative judge (LLM-as-judge)"]
    assert list(rows[t.TYPE_SETUP]) == ["skywork-critic, one seeded order"]


JUDGEBENCH = ROOT.parent / "shared" / "data" / "judgebench" / "gpt-4o-2024-05-13.jsonl"


@pytest.mark.skipif(not JUDGEBENCH.is_file(), reason="../shared/data is not beside this checkout")
def test_a_pair_the_judges_context_cannot_hold_is_no_verdict_with_the_reason(always_a, tmp_path):
    """JudgeBench's long answers in a 256-token judge: not cut (that would hide the question or an
    answer), not a crash: each judgement says why it was not asked and has no verdict."""
    data = tmp_path / "jb.jsonl"
    rows = JUDGEBENCH.read_text().splitlines()[:3]
    data.write_text("\n".join(rows) + "\n")
    result, lines = run(always_a, tmp_path / "out", "--benchmark", "judgebench", "--data", str(data),
                        "--max-length", "256", "--judge-format", "arena-hard")
    outputs = [j["output"] for line in lines for j in line["judgements"]]
    assert len(outputs) == 6 and all(o.startswith("[not asked: the prompt has ") for o in outputs)
    assert "the judge's context of 256 leaves 253 beside its 3-token answer" in outputs[0]
    assert all(j.get("verdict") is None for line in lines for j in line["judgements"])
    assert result["judge"]["too_long"] == 6 and result["judge"]["unparsable_share"] == 1.0
    assert [line["correct"] for line in lines] == [0.0, 0.0, 0.0]  # the two-game rule: no verdict, no point


def test_short_prompts_are_asked_as_before_in_a_small_context(always_a, tmp_path):
    result, lines = run(always_a, tmp_path / "out", "--data", str(V1_SAMPLE), "--subsets", "alpacaeval-easy",
                        "--max-length", "2048")
    assert result["judge"]["too_long"] == 0
    assert all(j["verdict"] == "A" for line in lines for j in line["judgements"])
