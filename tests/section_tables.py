"""Benchmark name -> its section table, for tests that recompute scores by hand from sections."""

from fakes.eval_results import SECTIONS_BY_BENCHMARK

__all__ = ["SECTIONS_BY_BENCHMARK"]
