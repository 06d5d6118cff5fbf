"""Benchmark registry: a new benchmark is one module plus one line here."""

from __future__ import annotations

from ..errors import ConfigError
from .base import Benchmark, DataSource, Section
from .rewardbench import REWARDBENCH
from .rewardbench2 import REWARDBENCH_2

BENCHMARKS: dict[str, Benchmark] = {
    REWARDBENCH.name: REWARDBENCH,
    REWARDBENCH_2.name: REWARDBENCH_2,
}


def get_benchmark(name: str) -> Benchmark:
    try:
        return BENCHMARKS[name]
    except KeyError:
        known = ", ".join(sorted(BENCHMARKS))
        raise ConfigError(
            f"unknown benchmark {name!r}: choose one of {known}, or give a dataset path or Hub id"
        ) from None


__all__ = ["BENCHMARKS", "REWARDBENCH", "REWARDBENCH_2", "Benchmark", "DataSource", "Section", "get_benchmark"]
