"""Logits at the positions a log-prob reward reads, and nowhere else.

A causal LM's reward sums the log-probs of its response tokens, each predicted by the position
before it; the logits of every prompt position are computed and thrown away. The vocabulary
projection costs about a sixth of a small model's work per position and its float logits are most
of a batch's memory (positions x vocabulary), so where the model's forward takes
`logits_to_keep` (every transformers causal LM does; the projection is then applied to the kept
positions only, softcapping and scaling included) it is given a boolean mask of the predicting
positions, and the logits come back flattened in row-major order. A model without the argument,
or one that ignores it (it returns every position), is read as before.
"""

from __future__ import annotations

import inspect
from typing import Sequence

import torch

from ..encoded import Encoded

KEEP_ARGUMENT = "logits_to_keep"


def keeps_logits(model) -> bool:
    """Whether the model's forward can project chosen positions only."""
    return KEEP_ARGUMENT in inspect.signature(model.forward).parameters


def predicting(text: Encoded) -> range:
    """The positions whose logits predict the text's response tokens (token t from t - 1; a
    response starting at token 0 loses its first token: nothing predicts it)."""
    start, end = max(text.response_start, 1), len(text.ids)
    return range(start - 1, end - 1) if start < end else range(0)


def keep_mask(spans: Sequence[tuple[int, int, range]], shape: tuple[int, int]) -> torch.Tensor:
    """(rows, width) boolean: True at each span's positions; a span is (row, offset, positions)."""
    mask = torch.zeros(shape, dtype=torch.bool)
    for row, offset, positions in spans:
        mask[row, offset + positions.start : offset + positions.stop] = True
    return mask


def keep_kwargs(model, spans: Sequence[tuple[int, int, range]], shape: tuple[int, int]) -> dict:
    """The model's keyword for the spans' positions. The mask stays on the CPU: a CUDA tensor takes
    a CPU boolean index, wherever a model spread over several GPUs leaves its last hidden states."""
    return {KEEP_ARGUMENT: keep_mask(spans, shape)} if keeps_logits(model) else {}


def span_logits(logits: torch.Tensor, spans: Sequence[tuple[int, int, range]]) -> list[torch.Tensor]:
    """Each span's logits: cut from the flattened kept ones in order (spans are given in row-major
    order), or from the full (rows, width, vocabulary) logits of a model that kept them all."""
    if logits.dim() == 3:
        return [logits[row, offset + p.start : offset + p.stop] for row, offset, p in spans]
    out, cursor = [], 0
    for _, _, positions in spans:
        out.append(logits[cursor : cursor + len(positions)])
        cursor += len(positions)
    if cursor != logits.shape[0]:
        raise ValueError(f"the model kept {logits.shape[0]} positions' logits, {cursor} were asked for")
    return out


def logprob_sum(logits: torch.Tensor, targets: torch.Tensor) -> tuple[float, int]:
    """(sum of log-probs, count) of `targets`, each predicted by its row of `logits`."""
    if not len(targets):
        return 0.0, 0
    # Only these rows are upcast: a float32 copy of every position's logits would cost
    # sequence x vocabulary x 4 bytes per text for nothing.
    logprobs = torch.log_softmax(logits.float(), dim=-1)
    picked = logprobs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return float(picked.sum(dtype=torch.float64)), len(targets)


def first_and_rest_spans(rest_lengths: Sequence[int]) -> list[tuple[int, int, range]]:
    """Shared prompts (prefix_sharing.py): a response row's own positions that predict its tokens
    after the first (the prompt's last position predicts the first)."""
    return [(row, 0, range(max(0, n))) for row, n in enumerate(rest_lengths)]


def last_position_spans(lengths: Sequence[int]) -> list[tuple[int, int, range]]:
    """Each prompt row's last position, whose logits predict its responses' first token."""
    return [(row, 0, range(n - 1, n)) for row, n in enumerate(lengths)]
