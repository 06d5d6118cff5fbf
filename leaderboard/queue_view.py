"""Queue requests -> one small table per status, for the Queue tab (pure).

Pending requests are listed oldest first (the order the worker takes them); the others newest
first. Each status shows the columns that matter for it, one line each in `QUEUE_SECTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Optional

import pandas as pd

from results.schema import EvalRequest, Status

from .display import percent_widths
from .table import model_type_label

MISSING = "–"


def _time(moment: Optional[datetime]) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else MISSING


def _revision(request: EvalRequest) -> str:
    resolved = request.revision_resolved
    return (
        f"{request.revision} ({resolved[:7]})"
        if resolved and resolved != request.revision
        else request.revision
    )


@dataclass(frozen=True)
class Field:
    value: Callable[[EvalRequest], object]
    width: int  # relative share of the table's width


FIELDS: dict[str, Field] = {
    "Model": Field(lambda r: f"{r.org}/{r.name}", 15),
    "Revision": Field(_revision, 10),
    "Model Type": Field(lambda r: model_type_label(r.model_type), 13),
    "Reference": Field(lambda r: r.ref_model or MISSING, 12),
    "Benchmark": Field(lambda r: r.benchmark, 10),
    "Submitter": Field(lambda r: r.submitter, 9),
    "Submitted": Field(lambda r: _time(r.submitted_at), 12),
    "Started": Field(lambda r: _time(r.started_at), 12),
    "Last heartbeat": Field(lambda r: _time(r.heartbeat_at), 12),
    "Finished": Field(lambda r: _time(r.finished_at), 12),
    "Attempts": Field(lambda r: r.attempts, 8),
    "Error": Field(lambda r: r.error or MISSING, 26),
}
_COMMON = ("Model", "Revision", "Model Type", "Reference", "Benchmark", "Submitter", "Submitted")


@dataclass(frozen=True)
class QueueSection:
    status: Status
    title: str
    columns: tuple[str, ...]
    oldest_first: bool = False

    @property
    def widths(self) -> list[str]:
        """CSS widths of the columns, in percent of the table."""
        return percent_widths([FIELDS[c].width for c in self.columns])


QUEUE_SECTIONS: tuple[QueueSection, ...] = (
    QueueSection(Status.PENDING, "Pending", _COMMON, oldest_first=True),
    QueueSection(Status.RUNNING, "Running", (*_COMMON, "Started", "Last heartbeat")),
    QueueSection(Status.FINISHED, "Finished", (*_COMMON, "Started", "Finished")),
    QueueSection(Status.FAILED, "Failed", (*_COMMON, "Finished", "Attempts", "Error")),
)


def queue_table(requests: Iterable[EvalRequest], section: QueueSection) -> pd.DataFrame:
    chosen = sorted(
        (r for r in requests if r.status == section.status),
        key=lambda r: (r.submitted_at, r.request_id),
        reverse=not section.oldest_first,
    )
    return pd.DataFrame(
        [[FIELDS[c].value(r) for c in section.columns] for r in chosen], columns=list(section.columns)
    )


def queue_tables(requests: Iterable[EvalRequest]) -> dict[Status, pd.DataFrame]:
    requests = list(requests)
    return {section.status: queue_table(requests, section) for section in QUEUE_SECTIONS}
