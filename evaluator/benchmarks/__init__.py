"""Benchmarks on the evaluator's side: what they are comes from the specs in `results/benchmarks/`
(one module per benchmark, shared with the leaderboard); this package only reads their data
(loading.py, jsonl_rows.py). A new benchmark needs no line here."""

from __future__ import annotations

from results.benchmarks import SPECS, BenchmarkSpec, DataSource, UnknownBenchmark, get_spec
from results.benchmarks.m_rewardbench import M_REWARDBENCH
from results.benchmarks.rewardbench import REWARDBENCH
from results.benchmarks.rewardbench2 import REWARDBENCH_2

from ..errors import ConfigError

BENCHMARKS = SPECS
Benchmark = BenchmarkSpec  # the evaluator's name for a spec in type hints


def get_benchmark(name: str) -> BenchmarkSpec:
    try:
        return get_spec(name)
    except UnknownBenchmark as exc:
        raise ConfigError(f"{exc}, or give a dataset path or Hub id") from None


__all__ = [
    "BENCHMARKS",
    "M_REWARDBENCH",
    "REWARDBENCH",
    "REWARDBENCH_2",
    "Benchmark",
    "BenchmarkSpec",
    "DataSource",
    "get_benchmark",
]
