"""`python -m evaluator policy` end to end with tiny local reward models, and the evaluation
underneath it: stored rewards, the reference-reward cache, judges of every kind, refusals."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

import pytest

from evaluator.cli import main
from evaluator.policy.evaluate import evaluate_policy, file_policy
from evaluator.policy.reference_sets import resolve_references
from evaluator.run_config import RunConfig
from evaluator.tiny_models import build_classifier
from results.policy import PolicyResult, PromptOutcome, reference_cache_path
from results.policy_files import read_completions
from results.store import LocalStore
from tests.judge_fixtures import build_constant_judge
from tests.policy_fixtures import inline_rows, policy_rows, reference_prompts, write_lines

FAST = ["--device", "cpu", "--no-progress", "--bootstrap-samples", "200"]


def run_policy(completions: Path, output: Path, *reward_models: Path, extra=()) -> int:
    models = [arg for model in reward_models for arg in ("--reward-model", str(model))]
    return main(["policy", "--completions", str(completions), *models, "--output", str(output), *FAST, *extra])


def read_result(output: Path, reward_model: str) -> tuple[PolicyResult, list[PromptOutcome]]:
    stem = output / reward_model
    result = PolicyResult.model_validate_json(stem.with_suffix(".json").read_text())
    lines = Path(f"{stem}.scores.jsonl").read_text().splitlines()
    return result, [PromptOutcome.model_validate_json(line) for line in lines]


@pytest.fixture(scope="module")
def second_classifier(tmp_path_factory, tiny_tokenizer) -> Path:
    return build_classifier(tmp_path_factory.mktemp("models") / "other-org" / "other-rm", tiny_tokenizer, seed=1)


def test_scores_equal_a_direct_computation_from_the_stored_rewards(tmp_path, tiny_classifier, second_classifier):
    completions = write_lines(tmp_path / "team" / "terse.jsonl", policy_rows())
    assert run_policy(completions, tmp_path / "out", tiny_classifier, second_classifier) == 0

    for reward_model in ("tiny-org/tiny-rm", "other-org/other-rm"):
        result, outcomes = read_result(tmp_path / "out", reward_model)
        assert result.policy.name == "team/terse" and result.reward_model.name == reward_model
        assert result.reference_set == "rmlb-reference-v1" and len(outcomes) == result.score.n == 20
        wins = [
            1.0 if o.policy_reward > o.reference_reward else 0.5 if o.policy_reward == o.reference_reward else 0.0
            for o in outcomes
        ]
        assert [o.win for o in outcomes] == wins
        assert result.score.win_rate == pytest.approx(sum(wins) / 20)
        expected = sum(1 / (1 + math.exp(o.reference_reward - o.policy_reward)) for o in outcomes) / 20
        assert result.score.win_probability == pytest.approx(expected)
        references = {p.prompt_id: p.reference for p in reference_prompts()}
        assert all(o.reference_length == len(references[o.prompt_id]) for o in outcomes)
        assert result.score.length_controlled.win_rate is None  # 20 prompts: below the fit's minimum
    # Two reward models, two different judgements of the same completions.
    first, second = (read_result(tmp_path / "out", rm)[1] for rm in ("tiny-org/tiny-rm", "other-org/other-rm"))
    assert [o.policy_reward for o in first] != [o.policy_reward for o in second]


def test_a_policy_that_repeats_the_references_ties_everywhere(tmp_path, tiny_classifier):
    """Same prompt, same text: the same reward, so every prompt is a tie (0.5) and sigmoid(0) = 0.5."""
    completions = write_lines(tmp_path / "p" / "copy.jsonl", policy_rows(lambda p: p.reference))
    assert run_policy(completions, tmp_path / "out", tiny_classifier) == 0
    result, outcomes = read_result(tmp_path / "out", "tiny-org/tiny-rm")
    assert (result.score.ties, result.score.win_rate, result.score.win_probability) == (20, 0.5, 0.5)
    assert all(o.policy_reward == o.reference_reward for o in outcomes)


def test_inline_references_and_messages_prompts(tmp_path, tiny_classifier):
    completions = write_lines(tmp_path / "p" / "inline.jsonl", inline_rows())
    assert run_policy(completions, tmp_path / "out", tiny_classifier, extra=["--policy-name", "me/inline-policy"]) == 0
    result, outcomes = read_result(tmp_path / "out", "tiny-org/tiny-rm")
    assert result.reference_set == "inline" and result.policy.name == "me/inline-policy"
    assert [o.prompt_id for o in outcomes] == ["a", "b", "c"]
    assert [o.reference_length for o in outcomes] == [2, 31, 31]


def test_an_alpacaeval_list_meets_the_reference_set_by_instruction(tmp_path, tiny_classifier):
    items = [{"instruction": p.prompt, "output": "An answer.", "generator": "me"} for p in reference_prompts()[:5]]
    completions = tmp_path / "p" / "alpaca.json"
    completions.parent.mkdir()
    completions.write_text(json.dumps(items))
    assert run_policy(completions, tmp_path / "out", tiny_classifier) == 0
    _, outcomes = read_result(tmp_path / "out", "tiny-org/tiny-rm")
    assert [o.prompt_id for o in outcomes] == [p.prompt_id for p in reference_prompts()[:5]]


BAD_FILES = {
    "duplicate": (b'{"prompt_id": "ref-001", "prompt": "x", "completion": "y"}\n' * 2, "already given at line 1"),
    "empty": (b'{"prompt_id": "ref-001", "prompt": "x", "completion": "  "}\n', "is empty"),
    "latin-1": ('{"prompt_id": "ref-001", "prompt": "caf\xe9", "completion": "y"}\n'.encode("latin-1"), "not UTF-8"),
    "not-json": (b'{"prompt_id": "ref-001", "prompt": \n', "line 1 is not JSON"),
    "no-reference": (b'{"prompt_id": "nowhere", "prompt": "x", "completion": "y"}\n', "have no reference"),
    "other-prompt": (
        b'{"prompt_id": "ref-001", "prompt": "Another question", "completion": "y"}\n',
        "differs from the reference set",
    ),
    "missing-field": (b'{"prompt_id": "ref-001", "prompt": "x"}\n', "line 1: completion"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_completion_files_are_refused_with_the_reason(tmp_path, capsys, case):
    data, reason = BAD_FILES[case]
    completions = tmp_path / "p" / f"{case}.jsonl"
    completions.parent.mkdir()
    completions.write_bytes(data)
    # No model is needed: the file is refused before any loads.
    assert run_policy(completions, tmp_path / "out", tmp_path / "no-such-model") == 1
    error = capsys.readouterr().err.strip()
    assert reason in error and error.startswith("error: ") and len(error.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def config_for(model: Path, **fields) -> RunConfig:
    return RunConfig(model=str(model), device="cpu", progress=False, bootstrap_samples=100, **fields)


def references_of(rows):
    completions = read_completions("".join(json.dumps(r) + "\n" for r in rows).encode())
    return completions, resolve_references(completions, "rmlb-reference-v1")


def test_the_second_policy_reads_the_reference_rewards_from_the_cache(tmp_path, tiny_classifier):
    store = LocalStore(tmp_path / "store")
    terse, terse_refs = references_of(policy_rows(lambda p: "Yes.", count=10))
    first = evaluate_policy(file_policy("team/terse", terse), terse_refs, config_for(tiny_classifier), store)
    assert not first.result.reference_rewards_cached
    assert first.texts_scored == 10 + 20  # its completions, and the whole reference set

    long, long_refs = references_of(policy_rows(lambda p: p.reference + " Also, more words.", count=20))
    second = evaluate_policy(file_policy("team/long", long), long_refs, config_for(tiny_classifier), store)
    assert second.result.reference_rewards_cached and second.texts_scored == 20  # its completions only
    cached = {o.prompt_id: o.reference_reward for o in second.outcomes}
    assert all(cached[o.prompt_id] == o.reference_reward for o in first.outcomes)
    assert terse_refs.sha256 == long_refs.sha256 == second.result.reference_set_sha256

    # Other settings make other rewards: not read from this cache.
    third = evaluate_policy(
        file_policy("team/long", long), long_refs, config_for(tiny_classifier, max_length=16), store
    )
    assert not third.result.reference_rewards_cached


def test_a_corrupt_reference_cache_is_logged_and_scored_again(tmp_path, tiny_classifier, caplog):
    store = LocalStore(tmp_path / "store")
    completions, references = references_of(policy_rows(count=5))
    first = evaluate_policy(file_policy("team/a", completions), references, config_for(tiny_classifier), store)
    path = reference_cache_path(first.result.reward_model, references.sha256)
    store.write_file(path, b'{"prompt_id": "ref-001", "rew')
    again = evaluate_policy(file_policy("team/a", completions), references, config_for(tiny_classifier), store)
    assert not again.result.reference_rewards_cached and "unreadable" in caplog.text
    assert [o.reference_reward for o in again.outcomes] == [o.reference_reward for o in first.outcomes]
    assert len(store.read_file(path).decode().splitlines()) == 20  # rewritten whole


def test_a_generative_judge_gives_the_win_as_its_verdict(tmp_path):
    """A judge that always answers slot A prefers each side once over the two slot orders: every
    prompt is a split (0.5), and a verdict gives no win probability."""
    judge = build_constant_judge(tmp_path / "judges" / "always-a", "[[A]]")
    completions = write_lines(tmp_path / "p" / "inline.jsonl", inline_rows())
    extra = ["--model-type", "generative", "--judge-max-new-tokens", "4"]
    assert run_policy(completions, tmp_path / "out", judge, extra=extra) == 0
    result, outcomes = read_result(tmp_path / "out", "judges/always-a")
    assert [o.win for o in outcomes] == [0.5, 0.5, 0.5] and result.score.ties == 3
    assert result.score.win_probability is None and all(o.policy_reward is None for o in outcomes)
    assert result.reward_model.model_type == "generative"


def test_a_reward_model_that_cannot_load_ends_with_its_reason(tmp_path, capsys):
    completions = write_lines(tmp_path / "p" / "inline.jsonl", inline_rows())
    assert run_policy(completions, tmp_path / "out", tmp_path / "missing" / "model") == 1
    assert "model not found" in capsys.readouterr().err


def test_run_options_reach_the_run_config():
    from evaluator.policy.cli import _run_options

    args = argparse.Namespace(
        model_type="dpo", ref_model="r", device="cpu", completions="f", output="o", **{"judge.format": None}
    )
    assert _run_options(args) == {"model_type": "dpo", "ref_model": "r", "device": "cpu", "judge.format": None}


@pytest.fixture(scope="module")
def scalar_judges(tmp_path_factory, tiny_tokenizer) -> dict[str, list[str]]:
    """Reward models of the other scalar types, with the options each needs."""
    from evaluator.tiny_models import build_causal_lm
    from tests.cloud_fixtures import new_cloud, save_ours

    folder = tmp_path_factory.mktemp("scalar-judges")
    policy_lm = build_causal_lm(folder / "lm-org" / "policy-lm", tiny_tokenizer, seed=2)
    reference_lm = build_causal_lm(folder / "lm-org" / "reference-lm", tiny_tokenizer, seed=3)
    cloud = save_ours(folder / "cloud-org" / "tiny-cloud", *new_cloud())
    return {
        "dpo": [str(policy_lm), "--ref-model", str(reference_lm)],
        "dpo-ref-free": [str(policy_lm)],
        "cloud": [str(cloud), "--critique-max-tokens", "4"],
    }


@pytest.mark.parametrize("model_type", ["dpo", "dpo-ref-free", "cloud"])
def test_every_scalar_model_type_judges_and_caches(tmp_path, scalar_judges, model_type):
    """The reference's own text after the same prompt is a tie with the reference's reward, by
    identity (scored in another batch, summed log-probs differ by about 1e-6), and every other win
    follows its two stored rewards by the rule (a tie only when they are equal)."""
    rows = inline_rows()
    rows[0]["completion"], rows[1]["completion"] = rows[0]["reference"], rows[1]["reference"]
    completions = write_lines(tmp_path / "p" / "mixed.jsonl", rows)
    model, *options = scalar_judges[model_type]
    extra = ["--model-type", model_type, "--cache-dir", str(tmp_path / "store"), *options]
    assert run_policy(completions, tmp_path / "out", Path(model), extra=extra) == 0
    org_name = "/".join(Path(model).parts[-2:])
    result, outcomes = read_result(tmp_path / "out", org_name)
    assert all(o.policy_reward == o.reference_reward and o.win == 0.5 for o in outcomes[:2])
    assert outcomes[2].policy_reward != pytest.approx(outcomes[2].reference_reward, abs=1e-3)
    for o in outcomes:
        assert o.win == (
            1.0 if o.policy_reward > o.reference_reward else 0.0 if o.policy_reward < o.reference_reward else 0.5
        )
    assert result.score.win_rate == pytest.approx(sum(o.win for o in outcomes) / 3)
    assert result.reward_model.model_type == model_type and not result.reference_rewards_cached
    if model_type == "dpo":
        assert result.reward_model.ref_model == options[1]

    assert run_policy(completions, tmp_path / "again", Path(model), extra=extra) == 0
    again, again_outcomes = read_result(tmp_path / "again", org_name)
    assert again.reference_rewards_cached
    assert [o.reference_reward for o in again_outcomes] == [o.reference_reward for o in outcomes]
