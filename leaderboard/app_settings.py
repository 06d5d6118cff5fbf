"""Web app settings, read once from the environment and passed in (nothing here runs at import).

The store variables (RMLB_STORE, RMLB_STORE_ROOT, RMLB_RESULTS_REPO, RMLB_REQUESTS_REPO,
RMLB_HUB_*, HF_TOKEN, HF_ENDPOINT) are shared with the worker: see `results/store_settings.py`.

| variable                      | meaning                                                 | default          |
|-------------------------------|---------------------------------------------------------|------------------|
| RMLB_REFRESH_INTERVAL_S       | seconds between scheduled re-reads of the store         | 300              |
| RMLB_UI_POLL_S                | seconds between a browser's checks for newer data       | 30               |
| RMLB_MANUAL_REFRESH_MIN_S     | the Refresh button re-reads only data older than this   | 10               |
| RMLB_MAX_SUBMISSIONS_PER_WEEK | submissions one submitter may make in 7 days (the      | 5                |
|                               | signed-in Hub user on a Space; elsewhere the typed name |                  |
|                               | and, apart, the client address, kept in memory only)    |                  |
| RMLB_ALLOW_REMOTE_CODE        | accept models that need `trust_remote_code`             | false            |
| RMLB_ALLOW_LOCAL_MODELS       | the Submit form also takes a model folder on this host  | false            |
|                               | (absolute, or relative to the app's working directory)  |                  |
| RMLB_LOCAL_MODEL_ROOTS        | the folders under which local model folders are taken,  | (none; needed   |
|                               | comma-separated (never Gradio's upload folder; no link  | when local      |
|                               | may lead out of them)                                   | folders are on) |
| RMLB_MAX_SUBMISSIONS_PER_HOUR | submissions the whole leaderboard takes in an hour,     | 20               |
|                               | whoever sends them                                      |                  |
| RMLB_HUB_TIMEOUT_S            | seconds a submission check waits for the Hub to answer  | 10               |
| RMLB_BENCHMARKS               | benchmarks a submission may ask for, comma-separated;   | the specs marked |
|                               | the form ticks them all; the first leads the pages      | offered_by_      |
|                               | (names: results/benchmarks/)                            | default          |
| RMLB_BENCHMARK                | the one-benchmark form (used when RMLB_BENCHMARKS is    |                  |
|                               | unset)                                                  |                  |
| RMLB_SERVER_NAME / _PORT      | where the app listens                                   | 127.0.0.1 / 7860 |
| RMLB_IMPORT_REPOS             | published results datasets the app imports on a         | (none: off)      |
|                               | schedule, comma-separated (e.g. allenai/reward-bench-   |                  |
|                               | results,allenai/reward-bench-2-results)                 |                  |
| RMLB_IMPORT_INTERVAL_S        | seconds between scheduled imports (the first runs at    | 86400            |
|                               | start-up)                                               |                  |
| RMLB_POLICY_REWARD_MODELS     | a policy submission that ticks no reward model is       | 3                |
|                               | judged by this many top leaderboard entries             |                  |
| RMLB_MAX_POLICY_FILE_BYTES    | the largest completions file the policy form takes      | 20971520 (20 MiB)|
| SYSTEM=spaces and SPACE_ID    | set by Hugging Face Spaces: submitters sign in with Hub |                  |
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from results.benchmarks import DEFAULT_OFFERED, SPECS
from results.store_settings import SettingsError, StoreSettings

__all__ = ["AppSettings", "SettingsError", "HUB_URL"]

HUB_URL = "https://huggingface.co"
_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


def comma_list(value: Any) -> Any:
    """A comma-separated setting (or a list) as a tuple of its stripped, non-empty items, each once,
    in order; anything else as it is, for pydantic to judge."""
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, (list, tuple)):
        return tuple(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
    return value


class AppSettings(StoreSettings):
    refresh_interval_s: float = Field(300.0, gt=0)
    ui_poll_s: float = Field(30.0, gt=0)
    manual_refresh_min_s: float = Field(10.0, ge=0)
    max_submissions_per_week: int = Field(5, ge=0)
    allow_remote_code: bool = False
    # Off on a public host: a folder on the host is the host's to vouch for (the demo turns it on).
    allow_local_models: bool = False
    local_model_roots: tuple[str, ...] = ()
    max_submissions_per_hour: int = Field(20, ge=1)
    hub_timeout_s: float = Field(10.0, gt=0)
    benchmarks: tuple[str, ...] = DEFAULT_OFFERED
    server_name: str = "127.0.0.1"
    server_port: int = Field(7860, ge=0, le=65535)
    on_space: bool = False
    model_link_base: str = HUB_URL
    # Off unless the host names repos: an import writes to the store (see leaderboard/imports/import_schedule.py).
    import_repos: tuple[str, ...] = ()
    import_interval_s: float = Field(86400.0, gt=0)
    policy_reward_models: int = Field(3, ge=1)
    max_policy_file_bytes: int = Field(20 * 1024 * 1024, gt=0)

    NOT_FROM_PREFIXED_ENV: ClassVar[frozenset[str]] = StoreSettings.NOT_FROM_PREFIXED_ENV | {"on_space"}

    @model_validator(mode="before")
    @classmethod
    def _one_benchmark(cls, data: Any) -> Any:
        """`benchmark=` (RMLB_BENCHMARK) is the one-item form of `benchmarks`, kept for older setups."""
        if isinstance(data, dict) and "benchmark" in data:
            data = dict(data)
            single = data.pop("benchmark")
            data.setdefault("benchmarks", single)
        return data

    @field_validator("benchmarks", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        value = comma_list(value)
        if value == ():
            raise ValueError(f"name at least one benchmark, e.g. {','.join(DEFAULT_OFFERED)}")
        return value

    @field_validator("benchmarks")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        """A host that offers a benchmark no spec describes is told so at start, not on a page."""
        unknown = [name for name in value if name not in SPECS]
        if unknown:
            raise ValueError(f"unknown benchmark(s) {', '.join(unknown)}: the known ones are {', '.join(SPECS)}")
        return value

    @field_validator("import_repos", mode="before")
    @classmethod
    def _split_repos(cls, value: Any) -> Any:
        value = comma_list(value)
        bad = [v for v in value if not _REPO_ID.match(v)] if isinstance(value, tuple) else []
        if bad:
            raise ValueError(f"{', '.join(bad)}: a Hub dataset repo looks like 'org/name'")
        return value

    @field_validator("local_model_roots", mode="before")
    @classmethod
    def _split_roots(cls, value: Any) -> Any:
        return comma_list(value)

    @model_validator(mode="after")
    def _local_folders_need_roots(self) -> "AppSettings":
        # Without roots a local path could be any folder of the host (/proc/self, /root, uploads).
        if self.allow_local_models and not self.local_model_roots:
            raise ValueError(
                "RMLB_ALLOW_LOCAL_MODELS needs RMLB_LOCAL_MODEL_ROOTS: the folders under which model "
                "folders may be submitted (comma-separated)"
            )
        return self

    @property
    def benchmark(self) -> str:
        """The leading benchmark: the pages open on it when it has results."""
        return self.benchmarks[0]

    @classmethod
    def env_fields(cls, env):
        fields = super().env_fields(env)
        if "benchmarks" not in fields and env.get("RMLB_BENCHMARK"):
            fields["benchmarks"] = env["RMLB_BENCHMARK"]
        # Gradio's own test for "running on a Space" (its sign-in button depends on it).
        fields["on_space"] = env.get("SYSTEM") == "spaces" and bool(env.get("SPACE_ID"))
        if fields["on_space"] and "server_name" not in fields:
            # A Space reaches the app from outside the container; it says where through Gradio's variable.
            fields["server_name"] = env.get("GRADIO_SERVER_NAME") or "0.0.0.0"
        return fields
