"""Encoded: one response tokenized for scoring, with where its response starts and what was cut.

The currency between the adapters, which tokenize, and the speed internals (speed/), which batch,
pack and share prompts: a leaf beneath both, so neither imports the other to name it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Encoded:
    ids: list[int]
    # Index of the first response token (log-probability adapters sum from here on).
    response_start: int
    truncated: bool
    # Which part lost tokens (see truncation.py): the prompt from the left, the response from the right.
    prompt_truncated: bool = False
    response_truncated: bool = False
