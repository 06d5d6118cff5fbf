"""Is model A really better than model B here? A paired bootstrap over the examples both scored (pure).

Both models scored the same rows, so the rows are resampled together: each replicate draws n rows
with replacement and takes the mean of the per-row differences of credit (A's minus B's). The 95%
percentile interval of those replicate means is the interval of the difference of the two scores
(their mean credits over these rows); when it excludes 0 the difference is called significant.

A replicate mean depends only on how many copies of each distinct difference were drawn, so the
draws are one multinomial over the distinct differences (exact, and O(resamples x distinct values)
instead of O(resamples x n)): per-row differences take few values (-1, 0, 1, and 1/k fractions).
Seeded, so a page shows the same mark on every visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

RESAMPLES = 1000
SEED = 0
LEVEL = 0.95


@dataclass(frozen=True)
class PairedTest:
    n: int
    difference: float  # mean credit of A minus mean credit of B, over the same n rows
    low: float
    high: float
    resamples: int

    @property
    def significant(self) -> bool:
        """The 95% interval of the difference excludes 0."""
        return self.low > 0 or self.high < 0


def bootstrap_means(differences: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """`resamples` means of n rows drawn with replacement from `differences` (n of them)."""
    values, counts = np.unique(differences, return_counts=True)
    n = int(counts.sum())
    draws = np.random.default_rng(seed).multinomial(n, counts / n, size=resamples)
    return draws @ values / n


def paired_bootstrap(
    credits_a: Sequence[float], credits_b: Sequence[float], resamples: int = RESAMPLES, seed: int = SEED
) -> PairedTest:
    """The paired bootstrap of mean(credits_a) - mean(credits_b); row i of both is the same example."""
    a, b = np.asarray(credits_a, dtype=float), np.asarray(credits_b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired credits must be two lists of one length, got {a.shape} and {b.shape}")
    if a.size == 0:
        raise ValueError("no examples to compare")
    differences = a - b
    means = bootstrap_means(differences, resamples, seed)
    tail = (1.0 - LEVEL) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return PairedTest(int(a.size), float(differences.mean()), float(low), float(high), resamples)
