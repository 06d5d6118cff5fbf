"""How much a run of each benchmark scores, for the Submit form: the texts a reward model scores and
the judge calls a generative judge makes, as the newest run of that benchmark here counted them (pure).

A benchmark's size is its data's, which only the worker reads; the leaderboard knows it from the
runs it has: each result records its texts (`RunStats.num_texts`) and a judge's result its calls
(`JudgeInfo.judgements`). Runs on custom data are not the benchmark's size and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

import pandas as pd

from ..tables import table as t


@dataclass(frozen=True)
class RunSize:
    texts: Optional[int] = None
    judge_calls: Optional[int] = None

    def describe(self) -> str:
        parts = []
        if self.texts:
            parts.append(f"{self.texts:,} texts")
        if self.judge_calls:
            parts.append(f"{self.judge_calls:,} judge calls")
        return " or ".join(parts) if parts else "its size is known after its first run here"


def _newest(rows: pd.DataFrame, column: str) -> Optional[int]:
    known = rows[rows[column].notna()].sort_values(t.EVALUATED, na_position="first", kind="mergesort")
    return int(known[column].iloc[-1]) if len(known) else None


def run_sizes(rows: pd.DataFrame, benchmarks: Sequence[str]) -> dict[str, RunSize]:
    """Benchmark -> its size, from the newest verified result of each kind on the benchmark's own data."""
    sizes = {}
    for benchmark in benchmarks:
        own = rows[rows[t.BENCHMARK] == benchmark]  # a custom-data label never equals the name
        sizes[benchmark] = RunSize(_newest(own, t.NUM_TEXTS), _newest(own, t.JUDGE_CALLS))
    return sizes


def benchmark_choices(rows: pd.DataFrame, benchmarks: Sequence[str]) -> list[tuple[str, str]]:
    """The form's (label, value) choices: each benchmark with what a run of it scores."""
    return [(f"{name}: {size.describe()}", name) for name, size in run_sizes(rows, benchmarks).items()]
