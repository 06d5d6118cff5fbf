"""Errors of the benchmark rules themselves (pure: the evaluator turns them into its DataError)."""

from __future__ import annotations


class BenchmarkDataError(ValueError):
    """Rows that a benchmark's rules cannot score (a Ties id without its number, ...); the message
    names the row and what was expected."""


class UnknownBenchmark(KeyError):
    """A benchmark name that no spec is registered under."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0]) if self.args else "unknown benchmark"
