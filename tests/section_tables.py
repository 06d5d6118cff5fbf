"""Benchmark name -> its section table, for tests that recompute scores by hand from sections."""

from results.benchmarks import SPECS
from results.benchmarks.sections import SectionMetrics

SECTIONS_BY_BENCHMARK = {name: spec.metrics.sections for name, spec in SPECS.items() if isinstance(spec.metrics, SectionMetrics)}
