"""Errors whose message is meant for the person who ran the evaluation.

The CLI prints them as one line and exits non-zero; the worker stores them on a FAILED request.
Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator


class EvaluationError(Exception):
    """Base class: the message says what is wrong and what to do about it."""


class ConfigError(EvaluationError):
    """Settings that cannot work together (unknown model type, bad subset list, ...)."""


class DataError(EvaluationError):
    """Benchmark data that is missing, unreadable, or not in the expected schema."""


class ModelLoadError(EvaluationError):
    """A model that cannot be found, downloaded or loaded."""


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (library errors can run to pages), or its type."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


@contextmanager
def explained(error: type[EvaluationError], message: str) -> Iterator[None]:
    """Turn any library exception raised inside into `error("<message>: <its first line>")`.

    Loading code calls into transformers, datasets and huggingface_hub, which raise many unrelated
    types for the same user-facing problem (missing, unreadable, unreachable); our own errors pass.
    """
    try:
        yield
    except EvaluationError:
        raise
    except Exception as exc:
        raise error(f"{message}: {first_line(exc)}") from exc


@contextmanager
def data_errors() -> Iterator[None]:
    """A benchmark rule's complaint about rows (results/benchmarks raises its own, pure, type) as a
    DataError, so the CLI prints it as one line and the worker stores it on the request."""
    from results.benchmarks import BenchmarkDataError

    try:
        yield
    except BenchmarkDataError as exc:
        raise DataError(str(exc)) from exc
