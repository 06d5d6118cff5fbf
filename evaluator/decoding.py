"""Decoding: how a model generates, asked for by judges, critique models and policy generation
alike, and part of every generation cache key.

A leaf of its own, below the generation backends, so the judge and critique options
(judge_options.py, critique_options.py) that the run's settings carry can name it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Decoding:
    """How to generate. Greedy (temperature 0) unless a sampling temperature is asked for."""

    max_new_tokens: int = 512
    temperature: float = 0.0
    top_p: float = 1.0
    seed: int = 0

    @property
    def greedy(self) -> bool:
        return self.temperature == 0.0

    def key(self) -> str:
        """A stable text naming these settings, part of every cache key."""
        return json.dumps(asdict(self), sort_keys=True)
