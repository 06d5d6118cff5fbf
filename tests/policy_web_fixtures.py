"""A small leaderboard with policy results, for the Policies tab's tests: four reward models ranked
on RewardBench (a classifier, a DPO model, a generative judge, a critique model) and three
policies judged by three of them, with hand-picked numbers whose orders and Kendall's taus are
known (see the constants)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from results.policy import (
    LengthControlled,
    PolicyInfo,
    PolicyResult,
    PolicyScore,
    PromptOutcome,
    RewardModelRef,
    policy_result_path,
    policy_scores_path,
)
from results.schema import CritiqueInfo, Interval, JudgeInfo
from results.store import LocalStore
from tests.leaderboard_fixtures import make_result, subset_levels, write_result

EVALUATED = datetime(2025, 7, 1, 10, 0, tzinfo=timezone.utc)
SHA = {name: (f"{i}" * 40)[:40] for i, name in enumerate(("rm-a", "rm-b", "judge-c", "cloud-d"), 1)}

# Reward models, best first on the leaderboard (levels 0.9, 0.8, 0.7, 0.6).
RM_A, RM_B, JUDGE_C, CLOUD_D = "acme/rm-a", "acme/rm-b", "lab/judge-c", "lab/cloud-d"
LEADERBOARD_ORDER = (RM_A, RM_B, JUDGE_C, CLOUD_D)
GOOD, MID, BAD = "team/policy-good", "team/policy-mid", "team/policy-bad"
XSS_POLICY = "<img src=z onerror=alert(3)>"
# Win rates (wins, ties, losses of 20 prompts) and win probabilities; None: a judge gives no reward.
N = 20
COUNTS = {
    (GOOD, RM_A): (16, 0, 4), (MID, RM_A): (10, 2, 8), (BAD, RM_A): (6, 0, 14),
    (GOOD, RM_B): (15, 0, 5), (MID, RM_B): (7, 0, 13), (BAD, RM_B): (8, 0, 12),
    (GOOD, JUDGE_C): (14, 0, 6), (MID, JUDGE_C): (10, 0, 10), (BAD, JUDGE_C): (4, 0, 16),
}
WIN_PROBABILITY = {
    (GOOD, RM_A): 0.70, (MID, RM_A): 0.52, (BAD, RM_A): 0.33,
    (GOOD, RM_B): 0.68, (MID, RM_B): 0.45, (BAD, RM_B): 0.41,
}
# Length-controlled win rates where the fit had enough prompts (the others have none).
LENGTH_CONTROLLED = {(GOOD, RM_A): 0.72, (MID, RM_A): 0.58}
HALF_WIDTH = 0.1
LENGTHS = {GOOD: 900.0, MID: 600.0, BAD: 300.0}
REFERENCE_LENGTH = 500.0
# Win-rate rankings: RM_A and JUDGE_C order the policies alike (tau 1); RM_B swaps MID and BAD, so
# against either of them one pair of three is discordant: tau = (2 - 1) / 3.
TAU_A_B = 1 / 3
# The per-prompt rewards of GOOD under RM_A (4 prompts stored) and their differences.
GOOD_A_REWARDS = [(1.0, 0.5), (2.0, 2.5), (0.5, 0.5), (3.0, 1.0)]
GOOD_A_DIFFERENCES = [0.5, -0.5, 0.0, 2.0]


def win_rate(key) -> float:
    wins, ties, _ = COUNTS[key]
    return (wins + 0.5 * ties) / N


def rm_ref(name: str, model_type: str = "classifier") -> RewardModelRef:
    return RewardModelRef(name=name, model=name, revision=SHA[name.split("/")[1]], model_type=model_type)


RM_TYPES = {RM_A: "classifier", RM_B: "dpo", JUDGE_C: "generative"}


def policy_result(policy: str, rm: str, evaluated: datetime = EVALUATED, wins_ties_losses=None) -> PolicyResult:
    wins, ties, losses = wins_ties_losses or COUNTS[(policy, rm)]
    rate = (wins + 0.5 * ties) / (wins + ties + losses)
    probability = WIN_PROBABILITY.get((policy, rm))
    return PolicyResult(
        policy=PolicyInfo(name=policy, source="completions-file", completions_sha256="c" * 64),
        reward_model=rm_ref(rm, RM_TYPES[rm]),
        reference_set="rmlb-reference-v1",
        reference_set_sha256="d" * 64,
        score=PolicyScore(
            n=wins + ties + losses, wins=wins, ties=ties, losses=losses, win_rate=rate,
            win_rate_ci95=Interval(low=rate - HALF_WIDTH, high=rate + HALF_WIDTH),
            win_probability=probability,
            win_probability_ci95=Interval(low=probability - 0.05, high=probability + 0.05) if probability else None,
            length_controlled=LengthControlled(
                win_rate=LENGTH_CONTROLLED.get((policy, rm)), min_prompts=20,
                note="" if (policy, rm) in LENGTH_CONTROLLED else "too few prompts",
            ),
            mean_length_policy=LENGTHS.get(policy, 450.0), mean_length_reference=REFERENCE_LENGTH,
            bootstrap_samples=1000, bootstrap_seed=0,
        ),
        evaluated_at=evaluated,
        code_version="test",
    )


def write_policy_result(store: LocalStore, result: PolicyResult, path: str = "") -> str:
    path = path or policy_result_path(result.policy.name, result.reward_model)
    store.write_file(path, result.model_dump_json(indent=2).encode())
    return path


def outcome_lines(rewards, judge: bool = False) -> bytes:
    lines = []
    for i, (policy, reference) in enumerate(rewards):
        win = 1.0 if policy > reference else 0.5 if policy == reference else 0.0
        lines.append(PromptOutcome(
            prompt_id=f"p{i}", policy_reward=None if judge else policy, reference_reward=None if judge else reference,
            win=win, policy_length=900, reference_length=500,
        ).model_dump_json())
    return ("\n".join(lines) + "\n").encode()


def ranked_reward_models(store: LocalStore) -> None:
    """Four verified, complete RewardBench results: the reward models a policy may be judged by."""
    write_result(store, make_result(RM_A, subset_levels(0.9), revision=SHA["rm-a"]))
    dpo = make_result(RM_B, subset_levels(0.8), model_type="dpo", revision=SHA["rm-b"])
    dpo.model.ref_model, dpo.model.ref_revision_resolved = "acme/base", "e" * 40
    write_result(store, dpo)
    judge = make_result(JUDGE_C, subset_levels(0.7), model_type="generative", revision=SHA["judge-c"])
    judge.judge = JudgeInfo(
        formats={"pairwise": "mt-bench-pairwise", "ranking": "ranking-4"}, format_sha256={}, orders=1,
        order_seed=0, backend="transformers", decoding={"max_new_tokens": 16}, judgements=10, unparsable_share=0.0,
    )
    write_result(store, judge)
    cloud = make_result(CLOUD_D, subset_levels(0.6), model_type="cloud", revision=SHA["cloud-d"])
    cloud.cloud = CritiqueInfo(
        num_critiques=4, max_new_tokens=64, temperature=0.7, top_p=1.0, seed=0, critique_request="Critique it.",
        critique_request_sha256="f" * 64, layout="rmlb",
    )
    write_result(store, cloud)


def policy_store(root: Path, xss: bool = True) -> LocalStore:
    store = LocalStore(root)
    ranked_reward_models(store)
    for policy, rm in COUNTS:
        write_policy_result(store, policy_result(policy, rm))
    store.write_file(policy_scores_path(GOOD, rm_ref(RM_A)), outcome_lines(GOOD_A_REWARDS))
    store.write_file(policy_scores_path(GOOD, rm_ref(JUDGE_C)), outcome_lines(GOOD_A_REWARDS, judge=True))
    # An older evaluation of GOOD under RM_A at another commit: the newer one is shown.
    older = policy_result(GOOD, RM_A, EVALUATED - timedelta(days=3), (2, 0, 18))
    older.reward_model.revision = "9" * 40
    write_policy_result(store, older)
    if xss:
        write_policy_result(store, policy_result(XSS_POLICY, RM_A, wins_ties_losses=(9, 0, 11)),
                            "policy-set/evil/xss/acme/rm-a/x.json")
    store.write_file("policy-set/broken/cut/acme/rm-a/1.json", b'{"policy": {"name": ')
    return store


def completions_jsonl(rows) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


REFERENCES = [
    {"prompt_id": "r1", "prompt": "Name a colour.", "reference": "Blue.", "category": "easy"},
    {"prompt_id": "r2", "prompt": [{"role": "user", "content": "Add 2 and 3."}], "reference": "5", "category": "math"},
]


def reference_root(root: Path) -> Path:
    """A folder laid out like the repository for the default reference set (data/...)."""
    from results.policy import DEFAULT_REFERENCE_SET, REFERENCE_SETS

    file = root / REFERENCE_SETS[DEFAULT_REFERENCE_SET]
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_bytes(completions_jsonl(REFERENCES))
    return root
