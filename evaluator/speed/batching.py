"""Length-sorted batches under a token budget.

Texts are sorted by length (longest first, so an out-of-memory error shows up on the first batch
rather than at the end) and cut into contiguous batches whose padded size (longest x count) fits
the budget. Where to cut is chosen by dynamic programming to minimise padded tokens plus a fixed
cost per batch (`batch_overhead_tokens`, the price of one more forward call), which beats greedy
filling: greedy packs a long tail of much shorter texts behind each batch's longest one.
Results are put back in the caller's order.

Batching must not change a score: sequences are padded on the right with an attention mask, so
every real token keeps its position and sees only real tokens.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import torch

from ..progress import ProgressBar

log = logging.getLogger(__name__)

DEFAULT_BATCH_OVERHEAD_TOKENS = 512


@dataclass(frozen=True)
class BatchPlan:
    batches: list[list[int]]  # indices into the caller's sequence list
    real_tokens: int
    padded_tokens: int

    @property
    def padding_efficiency(self) -> float:
        return self.real_tokens / self.padded_tokens if self.padded_tokens else 1.0


def plan_batches(
    lengths: Sequence[int], batch_tokens: int, batch_overhead_tokens: int = DEFAULT_BATCH_OVERHEAD_TOKENS
) -> BatchPlan:
    """Group indices into batches whose padded size (longest x count) fits `batch_tokens`.

    A sequence longer than the budget gets a batch of its own.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    sorted_lengths = np.asarray([lengths[i] for i in order], dtype=np.int64)
    starts = _optimal_cuts(sorted_lengths, batch_tokens, batch_overhead_tokens)
    bounds = list(zip(starts, starts[1:] + [len(order)]))
    batches = [order[a:b] for a, b in bounds]
    padded = int(sum(sorted_lengths[a] * (b - a) for a, b in bounds))
    return BatchPlan(batches=batches, real_tokens=int(sorted_lengths.sum()), padded_tokens=padded)


def _optimal_cuts(sorted_lengths: np.ndarray, budget: int, overhead: int) -> list[int]:
    """Start index of each batch, minimising padded tokens + overhead x batches.

    cost[j] = min over feasible i < j of cost[i] + length[i] * (j - i) + overhead, where batch
    [i, j) is feasible when it fits the budget or holds a single text. Lengths are sorted
    descending, so length[i] is the batch's longest and only the last `budget // shortest` starts
    can be feasible: O(n x largest batch), vectorised over i.
    """
    n = len(sorted_lengths)
    cost = np.zeros(n + 1)
    start_of = np.zeros(n + 1, dtype=np.int64)
    for j in range(1, n + 1):
        widest = max(1, budget // max(1, int(sorted_lengths[j - 1])))
        candidates = np.arange(max(0, j - widest), j)
        sizes = j - candidates
        totals = cost[candidates] + sorted_lengths[candidates] * sizes + overhead
        totals[(sorted_lengths[candidates] * sizes > budget) & (sizes > 1)] = np.inf
        best = int(np.argmin(totals))
        cost[j], start_of[j] = totals[best], candidates[best]
    cuts, j = [], n
    while j > 0:
        j = int(start_of[j])
        cuts.append(j)
    return cuts[::-1]


def fixed_batches(count: int, batch_size: int, lengths: Sequence[int]) -> BatchPlan:
    """The naive plan: batches of `batch_size` in the given order (kept for comparisons)."""
    batches = [list(range(i, min(i + batch_size, count))) for i in range(0, count, batch_size)]
    padded = sum(max(lengths[i] for i in b) * len(b) for b in batches)
    return BatchPlan(batches=batches, real_tokens=int(sum(lengths)), padded_tokens=padded)


def pad_right(sequences: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Token id lists -> (input_ids, attention_mask), padded on the right."""
    width = max(len(s) for s in sequences)
    input_ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for row, seq in enumerate(sequences):
        input_ids[row, : len(seq)] = torch.as_tensor(seq, dtype=torch.long)
        attention_mask[row, : len(seq)] = 1
    return input_ids, attention_mask


def probe_tolerance(dtype: torch.dtype) -> dict[str, float]:
    """What a probe allows between two ways of computing the same scores (a shared prompt or packed
    rows against padded batches): rounding, never a different model."""
    if dtype in (torch.float16, torch.bfloat16):
        return {"atol": 0.1, "rtol": 1e-2}
    return {"atol": 1e-3, "rtol": 1e-4}


# Texts a probe scores both ways: the shortest, several together so that batching is crossed.
PROBE_TEXTS = 3


def probe_agrees(what: str, fast: Callable, plain: Callable, texts: Sequence, tolerance: dict[str, float],
                 read: Callable = float) -> bool:
    """`same_scores` on the PROBE_TEXTS shortest non-empty texts; False with fewer than two."""
    sample = sorted((t for t in texts if t.ids), key=lambda t: len(t.ids))[:PROBE_TEXTS]
    return len(sample) > 1 and same_scores(what, fast, plain, sample, read=read, **tolerance)


def same_scores(
    what: str, fast: Callable, plain: Callable, sample: list, atol: float, rtol: float, read: Callable = float
) -> bool:
    """Score `sample` both ways; True when every score agrees within `probe_tolerance`. Before a run
    takes a faster path (`what`: packed rows, the final layer at the read token), this is how it
    knows the model allows it; a failure is logged as `what` being off and the plain path runs."""
    try:
        with torch.inference_mode():
            fast_scores, plain_scores = fast(sample), plain(sample)
    except Exception as exc:  # a model that cannot take the faster path's inputs
        log.info("%s off: the model cannot run it (%s: %s)", what, type(exc).__name__, exc)
        return False
    gaps = [abs(read(a) - read(b)) - rtol * abs(read(b)) for a, b in zip(fast_scores, plain_scores)]
    if max(gaps, default=0.0) > atol:
        log.info("%s off: its scores differ from the plain path's (by %.3g)", what, max(gaps) + atol)
        return False
    return True


BatchFn = Callable[[list[int]], Sequence[float]]


def run_batches(
    plan: BatchPlan, score_batch: BatchFn, count: int, desc: str = "scoring", progress: bool = True
) -> np.ndarray:
    """Call `score_batch(indices)` on each batch; return one float per index, in index order."""
    out = np.full(count, np.nan, dtype=np.float64)
    bar = ProgressBar(total=count, desc=desc, unit="text", disable=not progress)
    for indices in plan.batches:
        out[indices] = np.asarray(score_batch(indices), dtype=np.float64)
        bar.update(len(indices))
    bar.close()
    return out

