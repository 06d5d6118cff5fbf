"""JudgeSettings: the options of a generative judge, apart from the run's common ones.

Set on the command line by the `--judge-*` and `--api-*` flags (see cli.py; their dests are
`judge.<field>`), or from a queued request plus the worker's allow-list of API judges. Never holds
an API key: only the NAME of the environment variable that holds it.
"""

from __future__ import annotations

from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .decoding import Decoding

Backend = Literal["transformers", "vllm", "api"]


class JudgeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str = Field("mt-bench-pairwise", description="a built-in judge format, or a Jinja template file")
    format_mode: Literal["pairwise", "ranking", "rating"] = Field("pairwise", description="the mode of a template file")
    orders: Literal[1, 2] = Field(2, description="judge each pair in both slot orders (2) or one seeded order (1)")
    backend: Backend = Field("transformers", description="who generates; 'api' when --api-base is given")
    api_base: Optional[str] = Field(None, description="an OpenAI-compatible endpoint, e.g. http://127.0.0.1:8000/v1")
    api_model: Optional[str] = Field(None, description="the model name sent to the API (default: --model)")
    api_key_env: Optional[str] = Field(None, description="the environment variable holding the API key")
    concurrency: int = Field(8, gt=0, description="API requests in flight at once")
    timeout_s: float = Field(60.0, gt=0, description="seconds one API request may take")
    max_retries: int = Field(5, ge=0, description="retries of a 429/5xx/timeout, with backoff")
    max_new_tokens: int = Field(512, gt=0)
    temperature: float = Field(0.0, ge=0.0, description="0 = greedy")
    chunk: int = Field(64, gt=0, description="judgements per cache write: a killed run loses at most one chunk")

    @model_validator(mode="after")
    def _api_base_means_api(self) -> "JudgeSettings":
        if self.api_base and self.backend != "api":
            self.backend = "api"
        if self.backend == "api" and not self.api_base:
            raise ValueError("the api backend needs --api-base (an OpenAI-compatible endpoint)")
        return self

    def decoding(self, seed: int) -> Decoding:
        return Decoding(max_new_tokens=self.max_new_tokens, temperature=self.temperature, seed=seed)
