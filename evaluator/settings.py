"""Worker settings, read once from the environment and passed in (nothing here runs at import).

The store variables (RMLB_STORE, RMLB_STORE_ROOT, RMLB_RESULTS_REPO, RMLB_REQUESTS_REPO,
RMLB_HUB_*, HF_TOKEN, HF_ENDPOINT) are shared with the web app: see `results/store_settings.py`.

RMLB_WORKER_ID             name recorded on claimed requests (<host>-<pid>)
RMLB_POLL_INTERVAL_S       seconds between looks at the queue (60)
RMLB_HEARTBEAT_INTERVAL_S  seconds between heartbeats of a running evaluation (60)
RMLB_STALE_AFTER_S         a RUNNING request without a heartbeat this long is requeued (900)
RMLB_MAX_ATTEMPTS          requeues before a request is marked FAILED (3)
RMLB_DATA_OVERRIDES        `benchmark=path-or-repo[,benchmark=...]`: data to use instead of a
                           benchmark's default, e.g. a local JSONL copy when the Hub is out of reach;
                           `benchmark.extra=path-or-repo` replaces an extra source, e.g.
                           `rewardbench.prior-sets=/data/prior-sets.jsonl` (results scored on any
                           override are marked as custom data)
RMLB_PRIOR_SETS            also score RewardBench's four prior sets (allenai/pref-test-sets) (false)
RMLB_DEVICE                `auto`, `cpu`, `cuda`, `cuda:N` (auto)
RMLB_BATCH_TOKENS          padded tokens per batch (16384)
RMLB_MAX_LENGTH            truncate texts to this many tokens (default: the model's limit)
RMLB_BOOTSTRAP_SAMPLES     bootstrap samples for confidence intervals (1000)
RMLB_API_JUDGES            the API judges this host evaluates, as JSON: {"name": {"api_base":
                           "https://.../v1", "model": "...", "api_key_env": "VAR"}}; a queued request
                           names one (`api_judge`), never an endpoint or a key; the key stays in VAR,
                           in the worker's environment ({})
RMLB_JUDGE_CONCURRENCY     API judge requests in flight at once (8)
RMLB_JUDGE_MAX_NEW_TOKENS  tokens a judge may write per judgement, and a critique model per critique (512)
RMLB_EXECUTOR              where evaluations run: `local` (this process) or `ray` (tasks on the Ray
                           cluster at RAY_ADDRESS; see evaluator/executors/) (local)
RMLB_GPU_MEMORY_GB         memory of one GPU of the Ray cluster, to size each request's GPU count
                           (default: asked of a GPU of the cluster)
RMLB_LIVENESS_FILE         a file the worker touches at each look at the queue and each heartbeat;
                           `python -m evaluator.liveness` fails when it is older than 3 intervals
                           (the image's health check) (unset: none; the image: /tmp/rmlb-worker-alive)
RMLB_CODE_VERSION          the code's commit, recorded in results where no git checkout tells it (the
                           image: the CODE_VERSION build argument); a git checkout's own commit wins;
                           read where results are written (evaluator/environment.py), the CLI's too
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from results.store_settings import PREFIX, SettingsError, StoreSettings, build_store

__all__ = ["ApiJudge", "SettingsError", "WorkerSettings", "build_store", "parse_overrides"]


class ApiJudge(BaseModel):
    """One host-approved API judge: where it answers and which variable holds its key."""

    model_config = ConfigDict(extra="forbid")

    api_base: str
    model: str
    api_key_env: Optional[str] = None


class WorkerSettings(StoreSettings):
    worker_id: str = Field(default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}")
    poll_interval_s: float = Field(60.0, gt=0)
    heartbeat_interval_s: float = Field(60.0, gt=0)
    stale_after_s: float = Field(900.0, gt=0)
    max_attempts: int = Field(3, ge=1)
    data_overrides: dict[str, str] = Field(default_factory=dict)
    device: str = "auto"
    batch_tokens: Optional[int] = Field(None, gt=0)  # unset: evaluator/speed/token_budget.py chooses
    max_length: Optional[int] = Field(None, gt=0)
    bootstrap_samples: int = Field(1000, gt=0)
    prior_sets: bool = False
    api_judges: dict[str, ApiJudge] = Field(default_factory=dict)
    judge_concurrency: int = Field(8, gt=0)
    judge_max_new_tokens: int = Field(512, gt=0)
    executor: Literal["local", "ray"] = "local"  # the keys of evaluator/executors EXECUTORS
    gpu_memory_gb: Optional[float] = Field(None, gt=0)
    liveness_file: Optional[Path] = None  # evaluator/liveness.py

    @model_validator(mode="after")
    def _consistent(self) -> "WorkerSettings":
        if self.stale_after_s <= 2 * self.heartbeat_interval_s:
            raise ValueError(
                f"{PREFIX}STALE_AFTER_S ({self.stale_after_s:g}) must be more than twice "
                f"{PREFIX}HEARTBEAT_INTERVAL_S ({self.heartbeat_interval_s:g}), "
                "or live evaluations get requeued"
            )
        return self

    @classmethod
    def env_fields(cls, env):
        fields = super().env_fields(env)
        if "data_overrides" in fields:
            fields["data_overrides"] = parse_overrides(fields["data_overrides"])
        if "api_judges" in fields:
            fields["api_judges"] = _parse_json(fields["api_judges"], "API_JUDGES")
        return fields


def _parse_json(text: str, variable: str):
    try:
        return json.loads(text)
    except ValueError as exc:
        raise SettingsError(f"{PREFIX}{variable}: not valid JSON ({exc})") from None


def parse_overrides(text: str) -> dict[str, str]:
    """`rewardbench=/data/rb.jsonl,other=org/dataset` -> {benchmark: data}."""
    overrides = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        benchmark, sep, data = item.partition("=")
        if not sep or not benchmark.strip() or not data.strip():
            raise SettingsError(f"{PREFIX}DATA_OVERRIDES: expected 'benchmark=path-or-repo', got {item!r}")
        overrides[benchmark.strip()] = data.strip()
    return overrides
