"""Executor registry: where a worker runs the evaluations of the requests it claims.

Every executor works the same queue the same way (claims are compare-and-swaps on the request
files, which stay the source of truth); they differ in where the evaluation runs. Entries are
"module:Class" strings imported on first use, so the default needs none of Ray.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Optional, Protocol

if TYPE_CHECKING:
    from results.schema import EvalRequest

    from ..request_processing import Worker

EXECUTORS: dict[str, str] = {
    "local": "evaluator.executors.local:LocalExecutor",  # in the worker's process, one at a time
    "ray": "evaluator.executors.ray_executor:RayExecutor",  # as Ray tasks, one per free GPU
}


class Executor(Protocol):
    def tick(self) -> int:
        """Process requests until the queue is empty or a stop is asked for; how many ended."""

    def once(self) -> Optional["EvalRequest"]:
        """Process the oldest pending request (if any); it as it ended, or None."""


def build_executor(name: str, worker: "Worker") -> Executor:
    try:
        target = EXECUTORS[name]
    except KeyError:
        raise ValueError(f"unknown executor {name!r}: choose one of {', '.join(sorted(EXECUTORS))}") from None
    module_name, class_name = target.split(":")
    return getattr(import_module(module_name), class_name)(worker)


__all__ = ["EXECUTORS", "Executor", "build_executor"]
