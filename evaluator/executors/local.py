"""The default executor: the worker evaluates each request itself, one after another."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from results.schema import EvalRequest

    from ..request_processing import Worker


class LocalExecutor:
    def __init__(self, worker: "Worker"):
        self.worker = worker

    def tick(self) -> int:
        return self.worker.tick()

    def once(self) -> Optional["EvalRequest"]:
        return self.worker.process_next()
