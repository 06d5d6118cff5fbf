"""Policy evaluation: a policy's completions scored against reference completions by a reward model.

The records and store paths shared by the evaluator (which scores: evaluator/policy/) and the web
app (which shows: the Policies tab). Why win rates and not mean rewards: a reward model's scale is
its own, so a mean reward cannot be compared across reward models; the share of prompts where the
policy's completion gets the higher reward (ties 0.5), and the mean Bradley-Terry probability
sigmoid(r_policy - r_reference), can.

Store layout (local folder and Hub dataset alike):
    policy-uploads/<policy org>/<policy name>/<sha256 of the file, 12 hex>.jsonl   submitted files
    policy-set/<policy org>/<policy name>/<rm org>/<rm name>/<rm revision>.json    PolicyResult
    policy-set-scores/<same>.jsonl                                                 PromptOutcome lines
    cache/policy-references/<rm org>/<rm name>/<rm revision>/<reference set sha, 12 hex>.jsonl
                                                                  a reward model's reference rewards
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Optional, Union

from pydantic import Field

from .schema import SCHEMA_VERSION, Interval, _Record
from .store import safe_path, split_model_name

POLICY_UPLOADS_DIR = "policy-uploads"
POLICY_RESULTS_DIR = "policy-set"
POLICY_SCORES_DIR = "policy-set-scores"
REFERENCE_CACHE_DIR = "cache/policy-references"

Prompt = Union[str, list[dict[str, str]]]  # a user message, or a conversation of {"role", "content"}

# Reference sets by name -> their file, relative to the repository root (JSONL of ReferencePrompt).
REFERENCE_SETS: dict[str, str] = {"rmlb-reference-v1": "data/policy-reference-v1.jsonl"}
DEFAULT_REFERENCE_SET = "rmlb-reference-v1"


class PolicyCompletion(_Record):
    """One line of a completions file, after reading (see policy_files.py)."""

    prompt_id: str
    prompt: Prompt
    completion: str
    reference: Optional[str] = Field(None, description="a reference completion given inline")
    generator: Optional[str] = Field(None, description="who wrote the completion (AlpacaEval's field)")


class ReferencePrompt(_Record):
    """One prompt of a reference set, with its reference completion."""

    prompt_id: str
    prompt: Prompt
    reference: str
    category: Optional[str] = None


class RewardModelRef(_Record):
    """The reward model a policy was judged by: a leaderboard entry, at the commit it was ranked at."""

    name: str = Field(description="org/name, as on the leaderboard")
    model: str = Field(description="Hub id (or local folder) the evaluator loads")
    revision: str = Field(description="resolved commit sha or local-<hash>; api-<hash> for API judges")
    model_type: str
    ref_model: Optional[str] = None
    ref_revision: Optional[str] = None


class LengthControlled(_Record):
    """The win rate read at zero length difference from a logistic regression of the win on the
    (standardised) length difference of policy and reference completions."""

    win_rate: Optional[float] = Field(None, description="None when there are too few prompts to fit")
    min_prompts: int = Field(description="prompts the fit needs before it is reported")
    note: str = ""


class PolicyScore(_Record):
    n: int = Field(description="prompts scored")
    wins: int
    ties: int
    losses: int
    win_rate: float = Field(description="share of prompts the policy wins, ties counting 0.5")
    win_rate_ci95: Interval
    win_probability: Optional[float] = Field(
        None, description="mean sigmoid(r_policy - r_reference); None for judges that give no reward"
    )
    win_probability_ci95: Optional[Interval] = None
    length_controlled: LengthControlled
    mean_length_policy: float = Field(description="characters")
    mean_length_reference: float = Field(description="characters")
    bootstrap_samples: int
    bootstrap_seed: int


class PolicyInfo(_Record):
    name: str = Field(description="org/name of the policy")
    source: Literal["completions-file", "generated"]
    completions_sha256: str = Field(description="sha256 of the completions as scored (canonical JSON lines)")
    generator_model: Optional[str] = Field(None, description="the Hub model that generated the completions")
    generator_revision: Optional[str] = None
    max_new_tokens: Optional[int] = None


class PolicyResult(_Record):
    schema_version: int = SCHEMA_VERSION
    policy: PolicyInfo
    reward_model: RewardModelRef
    reference_set: str = Field(description="the reference set's name, or 'inline' when the file gave references")
    reference_set_sha256: str
    score: PolicyScore
    reference_rewards_cached: bool = Field(False, description="the reference rewards were read from the cache")
    evaluated_at: datetime
    code_version: str


class PromptOutcome(_Record):
    """One line of a policy result's scores file."""

    prompt_id: str
    policy_reward: Optional[float] = Field(None, description="None for a generative judge (a verdict, no reward)")
    reference_reward: Optional[float] = None
    win: float = Field(ge=0.0, le=1.0, description="1 policy better, 0 reference better, 0.5 tie")
    policy_length: int
    reference_length: int


def policy_result_path(policy: str, reward_model: RewardModelRef) -> str:
    org, name = split_model_name(policy)
    rm_org, rm_name = split_model_name(reward_model.name)
    return safe_path(POLICY_RESULTS_DIR, org, name, rm_org, rm_name, f"{reward_model.revision}.json")


def policy_scores_path(policy: str, reward_model: RewardModelRef) -> str:
    result = policy_result_path(policy, reward_model)
    return safe_path(POLICY_SCORES_DIR, *result.split("/")[1:-1], result.split("/")[-1][: -len(".json")] + ".jsonl")


def upload_path(policy: str, sha256: str) -> str:
    org, name = split_model_name(policy)
    return safe_path(POLICY_UPLOADS_DIR, org, name, f"{sha256[:12]}.jsonl")


def reference_cache_path(reward_model: RewardModelRef, reference_set_sha256: str) -> str:
    org, name = split_model_name(reward_model.name)
    return safe_path(*REFERENCE_CACHE_DIR.split("/"), org, name, reward_model.revision, f"{reference_set_sha256[:12]}.jsonl")
