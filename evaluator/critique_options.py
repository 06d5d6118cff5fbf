"""CloudSettings: how many critiques a critique model writes per response, and how.

Set on the command line (`--num-critiques`, `--critique-max-tokens`, `--critique-temperature`;
their dests are `cloud.<field>`), or from a queued request.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .decoding import Decoding


class CloudSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    num_critiques: int = Field(
        1, ge=0, le=32, description="critiques per response, rewards averaged (0: no critique, the classic-RM ablation)"
    )
    max_new_tokens: int = Field(512, gt=0, description="tokens a critique may have")
    temperature: float = Field(0.0, ge=0.0, description="0 = greedy; sampling several critiques needs > 0")
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    chunk: int = Field(64, gt=0, description="critiques per cache write: a killed run loses at most one chunk")

    @model_validator(mode="after")
    def _samples_need_sampling(self) -> "CloudSettings":
        if self.num_critiques > 1 and self.temperature == 0.0:
            raise ValueError(
                f"{self.num_critiques} greedy critiques would all be the same: give --critique-temperature > 0 "
                "to sample them (self-consistency), or ask for one"
            )
        return self

    def decoding(self, seed: int, sample: int) -> Decoding:
        """Sample k of a response is drawn with seed + k: each sample differs, every run repeats them."""
        return Decoding(self.max_new_tokens, self.temperature, self.top_p, seed + sample)
