"""Kendall's tau-b, the one implementation the pages use (the Overview's benchmarks, the Policies
tab's reward models): pure numpy, every pair compared at once (300 items are 45,000 pairs)."""

from __future__ import annotations

from typing import Optional, Sequence

import numpy as np


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> Optional[float]:
    """Kendall's tau-b of two rankings of the same items (ties allowed in either):
    (concordant - discordant) / sqrt((pairs - ties in x) * (pairs - ties in y)).
    None when it is undefined: fewer than two items, or every item tied in one ranking."""
    if len(x) != len(y):
        raise ValueError("both rankings must score the same items")
    xs, ys = np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")
    upper = np.triu_indices(len(xs), k=1)
    sx = np.sign(xs[:, None] - xs[None, :])[upper]
    sy = np.sign(ys[:, None] - ys[None, :])[upper]
    denominator = np.sqrt(float(np.count_nonzero(sx)) * float(np.count_nonzero(sy)))
    return float(np.sum(sx * sy) / denominator) if denominator else None
