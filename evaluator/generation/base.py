"""What every generation backend provides: chat conversations in, one text (and token counts) out.

A backend knows nothing of formats or benchmarks; the judge adapter renders prompts, calls
`generate` one chunk at a time (so a killed run loses at most one chunk: see ../cache.py), and
parses the texts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Sequence

from ..decoding import Decoding
from ..errors import EvaluationError

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": ...}


@dataclass(frozen=True)
class Generation:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # The server refused the prompt as longer than the model's context: `text` holds its reason, and
    # the prompt has no answer (a verdict-less judgement for that pair, never a failed run).
    refused_too_long: bool = False


@dataclass
class Usage:
    """Totals over a run, recorded in the result."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    retries: int = 0

    def add(self, generation: Generation) -> None:
        self.calls += 1
        self.prompt_tokens += generation.prompt_tokens
        self.completion_tokens += generation.completion_tokens


class GenerationFailed(EvaluationError):
    """A generation could not be obtained (after the backend's retries); the message says why.

    Never carries an API key: backends build the message from the status and the endpoint only.
    """


class GenerationBackend(ABC):
    # Names the model that generates, for cache keys and the result: a local model's resolved
    # commit, or "<api model name>@<api base URL>".
    identity: str
    usage: Usage

    @abstractmethod
    def generate(self, conversations: Sequence[list[Message]], decoding: Decoding) -> list[Generation]:
        """One generation per conversation, in order. Raises GenerationFailed."""

    def close(self) -> None:
        """Release connections or memory; the default has nothing to release."""
