"""Typed records shared by the evaluator and the leaderboard.

A result must be enough to reproduce itself: which model (and which commit of it), which data
(and a fingerprint of exactly the rows scored), how the texts were formatted and batched, on what
hardware and library versions, and by which version of this code.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1


class _Record(BaseModel):
    # Unknown keys are refused so that a typo in a writer is caught, not silently dropped.
    model_config = ConfigDict(extra="forbid", protected_namespaces=())


class Interval(_Record):
    """A two-sided confidence interval (95% percentile bootstrap unless stated otherwise)."""

    low: float
    high: float


class SubsetScore(_Record):
    accuracy: float = Field(description="the subset's score (RewardBench 2's Ties: its composite score)")
    n: int
    ci95: Optional[Interval] = None
    parts: Optional[dict[str, float]] = Field(
        None, description="named components of a composite subset score (RewardBench 2's Ties), unweighted"
    )


class SectionScore(_Record):
    score: float
    subsets: list[str] = Field(description="subsets that contributed, in registry order")
    missing_subsets: list[str] = Field(default_factory=list)
    ci95: Optional[Interval] = None

    @property
    def complete(self) -> bool:
        return not self.missing_subsets


class ModelInfo(_Record):
    id: str = Field(description="Hub repo id or the local path as given")
    name: str = Field(description="org/name used for storage")
    model_type: str
    revision_requested: Optional[str] = None
    revision_resolved: str = Field(description="Hub commit sha, or a content hash for local folders")
    num_parameters: Optional[int] = None
    chat_template: str = Field(description="template name: 'tokenizer', 'raw', ... or a file")
    chat_template_sha256: Optional[str] = None
    ref_model: Optional[str] = Field(None, description="DPO reference model, as given")
    ref_revision_resolved: Optional[str] = Field(None, description="the reference's commit sha or content hash")


class BenchmarkInfo(_Record):
    name: str
    data_source: str
    data_split: Optional[str] = None
    data_revision: Optional[str] = Field(None, description="the Hub dataset commit read (the benchmark's pin)")
    data_fingerprint: str = Field(description="sha256 of the rows scored, in order")
    num_examples: int
    custom_data: bool = Field(
        False,
        description="the rows are not the benchmark's own data (a --data file or a worker override): "
        "scored by the benchmark's rules, never shown as that benchmark",
    )
    missing_subsets: list[str] = Field(
        default_factory=list,
        description="core subsets of the benchmark that this result has no score for (--subsets, "
        "custom data); a result with any is incomplete and is not ranked with complete ones",
    )

    @property
    def complete(self) -> bool:
        return not self.missing_subsets


class RunSettings(_Record):
    device: str
    dtype: str
    max_length: int
    batch_tokens: int
    batching: str = Field(
        "length-sorted token budget",
        description="how unshared texts were batched: padded by length, or packed rows without padding",
    )
    attention: Optional[str] = Field(None, description="the attention kernel the model ran (sdpa, flash_attention_2, ...)")
    pooled_final_layer: bool = Field(
        False, description="classifiers: the final layer was computed only at the token the reward is read from"
    )
    bootstrap_samples: int
    bootstrap_seed: int
    per_token_mean: bool = Field(False, description="log-prob model types: mean, not sum, over response tokens")


class Environment(_Record):
    python: str
    platform: str
    libraries: dict[str, str]
    accelerator: Optional[str] = None
    code_version: str


class Timings(_Record):
    started_at: datetime
    finished_at: datetime
    load_data_s: float
    load_model_s: float
    tokenize_s: float
    score_s: float
    total_s: float


class RunStats(_Record):
    num_texts: int
    num_truncated: int
    truncation_rule: str = Field(
        "prompt cut from the left first; the response cut from the right only when it alone is too long",
        description="how texts longer than max_length were cut",
    )
    num_prompt_truncated: int = Field(0, description="texts whose prompt lost tokens (from the left)")
    num_response_truncated: int = Field(0, description="texts whose response itself lost tokens")
    num_prefix_shared: int = Field(
        0, description="texts scored on a prompt prefix computed once for the row (prefix sharing; 0: all whole)"
    )
    num_packed: int = Field(0, description="texts scored in packed rows, laid end to end without padding")
    real_tokens: int
    padded_tokens: int

    @property
    def padding_efficiency(self) -> float:
        return self.real_tokens / self.padded_tokens if self.padded_tokens else 1.0


class JudgeInfo(_Record):
    """How a generative judge was run, and how its verdicts behaved (see evaluator/judges/)."""

    formats: dict[str, str] = Field(description="row kind (pairwise, ranking, rating) -> format name used")
    format_sha256: dict[str, str] = Field(description="format name -> sha256 of its exact wording")
    orders: int = Field(description="slot orders per pair: 2 = both (A/B and B/A), 1 = one seeded order")
    order_seed: int
    backend: str = Field(description="transformers, vllm or api")
    api_base: Optional[str] = Field(None, description="the OpenAI-compatible endpoint (never a key)")
    api_model: Optional[str] = None
    decoding: dict[str, Union[int, float]] = Field(description="max_new_tokens, temperature, top_p, seed")
    judgements: int = Field(description="prompts the run needed")
    cached: int = Field(0, description="of those, answered from the judgement cache")
    too_long: int = Field(
        0,
        description="of those, not answered: the prompt did not fit the judge's context, by our count or as the judge API "
        "refused it (no verdict, the reason in its output)",
    )
    unparsable_share: float = Field(description="share of judgements with no verdict the format could read")
    position_consistency: Optional[float] = Field(
        None, description="share of pairs judged in both orders that got the same answer in both"
    )
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = Field(0, description="API calls repeated after a 429, a 5xx or a timeout")


class CritiqueInfo(_Record):
    """How a critique-out-loud (CLoud) model was run (see evaluator/critiques/)."""

    num_critiques: int = Field(description="critiques per response, their rewards averaged; 0 = no critique")
    max_new_tokens: int
    temperature: float = Field(description="0 = greedy")
    top_p: float
    seed: int = Field(description="sample k of a response is drawn with seed + k")
    critique_request: str = Field(description="the user turn that asks for the critique")
    critique_request_sha256: str
    layout: str = Field(description="checkpoint layout read: 'published' or 'rmlb'")
    critiques: int = Field(0, description="critiques the run needed")
    cached: int = Field(0, description="of those, read from the critique cache")
    critique_tokens: int = Field(0, description="tokens generated by this run")


class EvalResult(_Record):
    schema_version: int = SCHEMA_VERSION
    model: ModelInfo
    benchmark: BenchmarkInfo
    settings: RunSettings
    environment: Environment
    timings: Timings
    stats: RunStats
    subsets: dict[str, SubsetScore]
    sections: dict[str, SectionScore]
    score: Optional[float] = Field(None, description="overall weighted score; None if no section")
    score_ci95: Optional[Interval] = None
    score_replicates: Optional[list[float]] = Field(
        None,
        description="the first bootstrap replicates of the score, as the run drew them (each resamples the "
        "examples within their subsets): intervals over several results, such as the Overview's Rank score, "
        "draw from them",
    )
    judge: Optional[JudgeInfo] = Field(None, description="generative judges: formats, orders, verdict statistics")
    cloud: Optional[CritiqueInfo] = Field(None, description="critique models: number of critiques, decoding")


class Judgement(_Record):
    """One answer of a generative judge about one data row: what it was shown and what it said."""

    format: str = Field(description="the judge format's name (evaluator/judges/formats.py)")
    shown: list[str] = Field(
        description="the completions in the prompt's slots, in order: 'chosen <i>' or 'rejected <i>' (0-based)"
    )
    output: str = Field(description="the judge's raw text, unchanged")
    verdict: Optional[str] = Field(None, description="what the parser read ('A', 'B', a rating ...); None: unparsable")


class Critique(_Record):
    """One critique a CLoud model wrote of one completion, and the reward it then gave."""

    completion: str = Field(description="'chosen <i>' or 'rejected <i>' (0-based)")
    sample: int = Field(description="which of the K critiques (self-consistency)")
    text: str
    reward: float


class ExampleScore(_Record):
    """One line of `<name>.scores.jsonl`: how the model scored one data row."""

    id: Union[int, str] = Field(description="the data row's own id, unchanged")
    subset: str
    scores_chosen: list[float]
    scores_rejected: list[float]
    correct: float = Field(ge=0.0, le=1.0)
    groups: Optional[dict[str, str]] = Field(
        None, description="the groups the example belongs to beyond its subset, e.g. {'language': 'deu_Latn'}"
    )
    judgements: Optional[list[Judgement]] = Field(
        None, description="generative judges: every raw answer behind the scores (absent for scalar models)"
    )
    pair_wins: Optional[list[list[float]]] = Field(
        None,
        description="judges that compared every (chosen i, rejected j) pair: [i][j] = 1 where chosen i won (RM-Bench)",
    )
    critiques: Optional[list[Critique]] = Field(
        None, description="critique models: every critique and its reward (a score is the mean over a completion's)"
    )
    pairs: Optional[list[tuple[int, int]]] = Field(
        None,
        description="the (chosen i, rejected j) pairs the row is scored on, where its data names them (PPE "
        "Correctness: chosen = the correct responses, rejected = the wrong ones, pairs = the conflict pairs)",
    )

    def to_line(self) -> str:
        """The JSON line written to a scores file; fields a model type does not use are left out."""
        return self.model_dump_json(exclude_none=True)


class ExampleText(_Record):
    """One scored data row's texts, as the evaluator read them: one line of
    `eval-set-texts/<benchmark>/<data fingerprint>.jsonl`, shared by every result on that data."""

    id: Union[int, str] = Field(description="the data row's own id, unchanged")
    subset: str
    prompt: list[tuple[str, str]] = Field(
        default_factory=list, description="the conversation before the responses, (role, content)"
    )
    chosen: list[str] = Field(default_factory=list)
    rejected: list[str] = Field(default_factory=list)
    pairs: Optional[list[tuple[int, int]]] = Field(None, description="the (chosen i, rejected j) pairs the row names")
    texts_sha256: Optional[str] = Field(
        None,
        description="a row whose texts are never published (its benchmark withholds its subset): the sha256 of "
        "its full canonical line, in place of the prompt and responses",
    )

    @property
    def withheld(self) -> bool:
        return self.texts_sha256 is not None

    def canonical_line(self) -> str:
        """The row as the data fingerprint hashes it (sorted keys, no ASCII escaping), so a texts
        file's sha256 is the fingerprint of the rows it holds."""
        row: dict = {"id": self.id, "subset": self.subset}
        if self.withheld:
            row["texts_sha256"] = self.texts_sha256
        else:
            row.update(
                prompt=[list(message) for message in self.prompt], chosen=list(self.chosen), rejected=list(self.rejected)
            )
        if self.pairs is not None:
            row["pairs"] = [list(p) for p in self.pairs]
        return json.dumps(row, sort_keys=True, ensure_ascii=False)


class Status(str, Enum):
    PENDING = "PENDING"
    RUNNING = "RUNNING"
    FINISHED = "FINISHED"
    FAILED = "FAILED"


class RequestProgress(_Record):
    """How far a RUNNING request's evaluation has got, written by its worker with each heartbeat."""

    phase: str = Field(description="what is being counted: 'scoring (classifier)', 'reference log-probs', 'judge calls', ...")
    done: int = Field(ge=0)
    total: int = Field(ge=0)
    unit: str = Field("text", description="what is counted: text, prompt, call")
    eta_s: Optional[float] = Field(None, ge=0, description="seconds left in this phase at its rate so far, as of updated_at")
    updated_at: datetime


class StagedOutcome(_Record):
    """What a request's evaluation produced when the store took no upload: the request went back to
    the queue with this, and its next claim stores the staged files instead of evaluating again."""

    files: dict[str, str] = Field(description="store path -> sha256 of the bytes staged there")
    revision_resolved: Optional[str] = Field(None, description="the commit evaluated, recorded on the request at finish")
    summary: str = Field(description="the outcome in a few words, for the worker's log")
    request_sha256: str = Field(
        description="what the request asked for when it was evaluated (its fields less its queue state): "
        "an outcome staged for a request that has been changed since is never stored for it"
    )


class EvalRequest(_Record):
    """One submission in the queue: what to evaluate, and where it stands.

    Statuses change only through `evaluator/queue.py`, which compares-and-swaps the whole record
    in the store, so two workers can never both move the same request.
    """

    schema_version: int = SCHEMA_VERSION
    request_id: str = Field(description="unique; also the request file's name")
    model: str = Field(description="Hub repo id 'org/name' (or a local folder for local runs)")
    org: str
    name: str
    revision: str = "main"
    revision_resolved: Optional[str] = None
    model_type: str = "classifier"
    ref_model: Optional[str] = Field(None, description="reference model for DPO model types")
    ref_revision: Optional[str] = None
    ref_revision_resolved: Optional[str] = Field(
        None, description="the reference's commit sha at submission: the one the worker evaluates against"
    )
    per_token_mean: bool = Field(False, description="dpo-ref-free: mean, not sum, of response log-probs")
    judge_format: Optional[str] = Field(None, description="generative: a built-in judge format (results/judge_formats.py)")
    judge_orders: int = Field(2, ge=1, le=2, description="generative: slot orders per pair (2 = A/B and B/A)")
    api_judge: Optional[str] = Field(
        None, description="generative: an API judge on the worker's allow-list (RMLB_API_JUDGES), by name; "
        "only the host queues these (python -m evaluator queue-api-judge)"
    )
    num_critiques: int = Field(1, ge=0, le=32, description="cloud: critiques per response (0: none)")
    critique_temperature: float = Field(0.0, ge=0.0, le=2.0, description="cloud: 0 = greedy; > 0 samples")
    benchmark: str = "rewardbench"
    kind: Literal["reward-model", "policy"] = Field(
        "reward-model",
        description="reward-model: evaluate the model on `benchmark`; policy: use the model (a leaderboard "
        "entry, at revision_resolved) to judge the policy's completions against references (results/policy.py)",
    )
    policy: Optional[str] = Field(None, description="policy: the policy's org/name")
    policy_file: Optional[str] = Field(None, description="policy: the store path of its uploaded completions")
    policy_model: Optional[str] = Field(None, description="policy: a Hub model the worker makes generate completions")
    policy_revision_resolved: Optional[str] = None
    policy_max_new_tokens: Optional[int] = Field(None, gt=0)
    reference_set: Optional[str] = Field(None, description="policy: the reference set (results/policy.py REFERENCE_SETS)")
    dtype: str = "auto"
    chat_template: str = "tokenizer"
    submitter: str = "anonymous"
    num_parameters: Optional[int] = None
    license: Optional[str] = None
    status: Status = Status.PENDING
    submitted_at: datetime
    started_at: Optional[datetime] = None
    heartbeat_at: Optional[datetime] = None
    finished_at: Optional[datetime] = None
    attempts: int = 0
    worker_id: Optional[str] = None
    error: Optional[str] = None
    progress: Optional[RequestProgress] = Field(
        None, description="RUNNING: the latest count of texts (or judge calls) done; absent in older files"
    )
    staged: Optional[StagedOutcome] = Field(
        None, description="PENDING after an evaluation whose outcome waits, staged, for the store (see StagedOutcome)"
    )

