"""Does a model just prefer the longer answer? Length measures of one result's examples (pure).

A response's length is its number of **characters** (Python `len`, so a non-ASCII letter counts
one): no tokenizer is needed, and it is the same for every model. A row's length difference is
relative, so that short and long answers compare alike:

    d = (mean chosen length - mean rejected length) / max(mean chosen length, mean rejected length)

in [-1, 1]: -0.5 means the chosen answers are half as long as the rejected ones. Rows are bucketed
by d (`LENGTH_BUCKETS`) and each bucket's accuracy is its mean credit.

"Prefers the longer answer" is counted over response pairs: every (chosen, rejected) pair of a row
whose lengths differ counts 1 when the longer one got the higher reward, 0.5 on a tie of rewards, 0
otherwise; the share is over all such pairs of the result.

The length-only baselines score each response by its length alone (always longer) or by minus its
length (always shorter), each row credited by its benchmark spec's rule for its subset
(`BenchmarkSpec.credit`: RewardBench's strict pair rule, RewardBench 2's best-of-n with 1/k for a
k-way tie at the top). A subset whose score is a composite (RewardBench 2's Ties) shows the mean
credit here, not the composite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np
import pandas as pd

from results.result_files import spec_of_label

LENGTH_UNIT = "characters"
# Bucket edges of the relative length difference d; a bucket holds edges[i] <= d < edges[i + 1]
# (the last one includes 1).
BUCKET_EDGES: tuple[float, ...] = (-1.0, -0.5, -0.2, -0.05, 0.05, 0.2, 0.5, 1.0)
LENGTH_BUCKETS: tuple[str, ...] = (
    "chosen much shorter (d < -0.5)",
    "chosen shorter (-0.5 ≤ d < -0.2)",
    "chosen a bit shorter (-0.2 ≤ d < -0.05)",
    "about the same (-0.05 ≤ d < 0.05)",
    "chosen a bit longer (0.05 ≤ d < 0.2)",
    "chosen longer (0.2 ≤ d < 0.5)",
    "chosen much longer (d ≥ 0.5)",
)
ALWAYS_LONGER = "always longer"
ALWAYS_SHORTER = "always shorter"


def response_length(text: str) -> int:
    return len(text)


def relative_difference(chosen_lengths: Sequence[int], rejected_lengths: Sequence[int]) -> float:
    chosen, rejected = (
        sum(chosen_lengths) / len(chosen_lengths),
        sum(rejected_lengths) / len(rejected_lengths),
    )
    longest = max(chosen, rejected)
    return 0.0 if longest == 0 else (chosen - rejected) / longest


def bucket_indices(differences: Sequence[float]) -> np.ndarray:
    """Which of `LENGTH_BUCKETS` each relative difference falls in."""
    return np.searchsorted(BUCKET_EDGES[1:-1], np.asarray(differences, dtype=float), side="right")


def accuracy_by_length(differences: Sequence[float], credits: Sequence[float]) -> pd.DataFrame:
    """One row per bucket (all of them, in order): how many rows fall in it and their accuracy
    (mean credit; NaN for an empty bucket)."""
    buckets = bucket_indices(differences)
    values = np.asarray(credits, dtype=float)
    rows = []
    for index, label in enumerate(LENGTH_BUCKETS):
        inside = values[buckets == index]
        rows.append(
            {
                "bucket": label,
                "n": int(inside.size),
                "accuracy": float(inside.mean()) if inside.size else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=["bucket", "n", "accuracy"])


@dataclass(frozen=True)
class Preference:
    longer: float  # pairs won by the longer response (ties of reward count half)
    pairs: int  # pairs whose two responses differ in length

    @property
    def share(self) -> Optional[float]:
        return self.longer / self.pairs if self.pairs else None


def row_preference(
    scores_chosen: Sequence[float],
    scores_rejected: Sequence[float],
    chosen_lengths: Sequence[int],
    rejected_lengths: Sequence[int],
) -> Preference:
    """How often the longer response of each (chosen, rejected) pair of one row got the higher reward."""
    longer, pairs = 0.0, 0
    for score_c, length_c in zip(scores_chosen, chosen_lengths):
        for score_r, length_r in zip(scores_rejected, rejected_lengths):
            if length_c == length_r:
                continue
            pairs += 1
            long_score, short_score = (score_c, score_r) if length_c > length_r else (score_r, score_c)
            longer += 1.0 if long_score > short_score else 0.5 if long_score == short_score else 0.0
    return Preference(longer, pairs)


def total_preference(rows: Sequence[Preference]) -> Preference:
    return Preference(sum(r.longer for r in rows), sum(r.pairs for r in rows))


# ---- length-only baselines --------------------------------------------------------------------------


@dataclass(frozen=True)
class LengthRow:
    """What the baselines need of one example."""

    subset: str
    chosen_lengths: tuple[int, ...]
    rejected_lengths: tuple[int, ...]


def length_baselines(rows: Sequence[LengthRow], benchmark: str) -> pd.DataFrame:
    """Per subset (in first-seen order): n and the mean credit of the always-longer and
    always-shorter baselines."""
    spec = spec_of_label(benchmark)
    records = [
        {
            "subset": row.subset,
            ALWAYS_LONGER: spec.credit(row.subset, row.chosen_lengths, row.rejected_lengths),
            ALWAYS_SHORTER: spec.credit(row.subset, [-x for x in row.chosen_lengths], [-x for x in row.rejected_lengths]),
        }
        for row in rows
    ]
    frame = pd.DataFrame.from_records(records, columns=["subset", ALWAYS_LONGER, ALWAYS_SHORTER])
    grouped = frame.groupby("subset", sort=False)
    out = grouped[[ALWAYS_LONGER, ALWAYS_SHORTER]].mean()
    out.insert(0, "n", grouped.size())
    return out.reset_index()
