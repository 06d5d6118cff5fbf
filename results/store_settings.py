"""Where results and requests live: the store settings shared by the web app and the worker.

One environment drives both processes, so they always read and write the same store.

| variable               | meaning                                                        | default          |
|------------------------|----------------------------------------------------------------|------------------|
| RMLB_STORE             | `local` (a folder) or `hub` (Hub dataset repos); unset: `hub`  | auto             |
|                        | when RMLB_RESULTS_REPO is set, else `local`                    |                  |
| RMLB_STORE_ROOT        | the folder of the local store                                  | leaderboard-data |
| RMLB_RESULTS_REPO      | Hub dataset repo for results (hub store)                       |                  |
| RMLB_REQUESTS_REPO     | Hub dataset repo for requests (default: the results repo)      |                  |
| RMLB_HUB_CACHE         | snapshots and not-yet-uploaded results of the hub store        | ~/.cache/rm-leaderboard/hub-store |
| RMLB_HUB_RETRIES       | tries of a Hub call before giving up for now                   | 5                |
| RMLB_HUB_RETRY_DELAY_S | first wait between tries; doubles each time, at most 30 s      | 1                |
| HF_TOKEN               | Hub token: reads gated models, writes the store                |                  |
| HF_ENDPOINT            | Hub address (a mirror, or the test emulator)                   | huggingface.co   |
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, ClassVar, Literal, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from .store import LocalStore, Store

PREFIX = "RMLB_"


class SettingsError(ValueError):
    """Settings that cannot work; the message names the variable to fix."""


class StoreSettings(BaseModel):
    """The store part of every process's settings; subclasses add their own fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    store: Optional[Literal["local", "hub"]] = None
    store_root: Path = Path("leaderboard-data")
    results_repo: Optional[str] = None
    requests_repo: Optional[str] = None
    hub_cache: Path = Field(default_factory=lambda: Path("~/.cache/rm-leaderboard/hub-store").expanduser())
    hub_retries: int = Field(5, ge=1)
    hub_retry_delay_s: float = Field(1.0, ge=0)
    hub_token: Optional[SecretStr] = None
    hub_endpoint: Optional[str] = None

    @model_validator(mode="after")
    def _hub_needs_a_repo(self) -> "StoreSettings":
        if self.store_kind == "hub" and not self.results_repo:
            raise ValueError(f"{PREFIX}STORE=hub needs {PREFIX}RESULTS_REPO (a Hub dataset repo 'org/name')")
        return self

    @property
    def store_kind(self) -> Literal["local", "hub"]:
        """An explicit RMLB_STORE wins; otherwise naming a results repo means the Hub store."""
        if self.store is not None:
            return self.store
        return "hub" if self.results_repo else "local"

    @property
    def token(self) -> Optional[str]:
        return self.hub_token.get_secret_value() if self.hub_token else None

    # Fields not read from an RMLB_ variable; subclasses extend this with their own.
    NOT_FROM_PREFIXED_ENV: ClassVar[frozenset[str]] = frozenset({"hub_token", "hub_endpoint"})

    @classmethod
    def env_fields(cls, env: Mapping[str, str]) -> dict[str, Any]:
        """The fields `env` sets: RMLB_<FIELD> for each field (empty means unset), plus the HF_ ones."""
        fields: dict[str, Any] = {
            name: env[PREFIX + name.upper()]
            for name in cls.model_fields
            if name not in cls.NOT_FROM_PREFIXED_ENV and env.get(PREFIX + name.upper(), "") != ""
        }
        if env.get("HF_TOKEN"):
            fields["hub_token"] = env["HF_TOKEN"]
        if env.get("HF_ENDPOINT"):
            fields["hub_endpoint"] = env["HF_ENDPOINT"]
        return fields

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None):
        """Build settings from `environ` (default: os.environ); unset variables keep their defaults."""
        env = os.environ if environ is None else environ
        return cls.from_fields(cls.env_fields(env))

    @classmethod
    def from_fields(cls, fields: dict[str, Any]):
        try:
            return cls(**fields)
        except ValidationError as exc:
            raise SettingsError(describe_error(exc)) from None


def describe_error(exc: ValidationError) -> str:
    """The first problem, named by its environment variable."""
    error = exc.errors()[0]
    if not error["loc"]:  # a whole-model check: its message names the variables itself
        return error["msg"].removeprefix("Value error, ")
    return f"{PREFIX}{str(error['loc'][0]).upper()}: {error['msg']}"


def build_store(settings: StoreSettings) -> Store:
    """The store the settings describe (nothing is contacted until it is first used)."""
    if settings.store_kind == "local":
        return LocalStore(settings.store_root)
    from .hub_store import HubStore, RetryPolicy  # imported only when used: it pulls in the Hub client

    return HubStore(
        settings.results_repo,
        settings.requests_repo,
        settings.token,
        cache_dir=settings.hub_cache,
        endpoint=settings.hub_endpoint,
        retry=RetryPolicy(attempts=settings.hub_retries, first_delay_s=settings.hub_retry_delay_s),
    )
