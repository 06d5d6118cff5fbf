"""Queue requests -> one small table per status, for the Queue tab (pure).

Pending requests are listed oldest first (the order the worker takes them); the others newest
first. Each status shows the columns that matter for it, one line each in `QUEUE_SECTIONS`.

A failed request's table cell holds the first line of its error; `error_details` gives the whole
error for the page to show on demand. Errors and model ids may name files on a worker's disk, so
paths are cut to their last part (`display.hide_paths`, `table.model_name`) before they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Iterable, Optional

import pandas as pd

from results.schema import EvalRequest, Status

from ..form_text import escape_invisible
from ..tables.display import REVISION_CHARS, hide_paths, pixel_widths
from ..tables.table import model_name, model_type_label, source_name

MISSING = "–"
ERROR_SUMMARY_CHARS = 140


def _time(moment: Optional[datetime]) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else MISSING


def _revision(request: EvalRequest) -> str:
    resolved = request.revision_resolved
    return (
        f"{request.revision} ({resolved[:REVISION_CHARS]})"
        if resolved and resolved != request.revision
        else request.revision
    )


def runs(request: EvalRequest) -> int:
    """How many times the request ran. `attempts` counts only the runs that were lost (no heartbeat:
    requeued, or given up, by `evaluator/queue.py`); a run its worker ended itself (finished or
    failed, which records the last heartbeat at the finish) or is still running is one more."""
    if request.status == Status.PENDING:
        return request.attempts
    ended_by_its_worker = request.finished_at is not None and request.heartbeat_at == request.finished_at
    return request.attempts + int(request.status == Status.RUNNING or ended_by_its_worker)


def progress_text(request: EvalRequest, now: Optional[datetime] = None) -> str:
    """A running request's latest count from its worker, e.g. "scoring (classifier): 1,234 / 5,000
    texts, about 12 min left"; the time left counts down from when the worker wrote it."""
    progress = request.progress
    if progress is None:
        return MISSING
    text = f"{progress.phase}: {progress.done:,} / {progress.total:,} {progress.unit}s"
    if progress.eta_s is None:
        return text
    since = ((now or datetime.now(timezone.utc)) - _utc(progress.updated_at)).total_seconds()
    return f"{text}, {_time_left(progress.eta_s - max(0.0, since))}"


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _time_left(seconds: float) -> str:
    minutes = round(seconds / 60)
    if minutes < 1:
        return "less than a minute left"
    if minutes < 120:
        return f"about {minutes} min left"
    return f"about {minutes / 60:.1f} h left"


def error_summary(error: Optional[str]) -> str:
    """The first line of an error, cut to fit a table cell; the whole error is shown on demand."""
    text = hide_paths(error or "").strip()
    if not text:
        return MISSING
    cut = text.splitlines()[0][:ERROR_SUMMARY_CHARS].rstrip()
    return cut if cut == text else f"{cut} …"


def _task(request: EvalRequest) -> str:
    """What the request runs: a benchmark, or (for a policy request) the policy the model judges."""
    if request.kind == "policy":
        return f"judging policy {request.policy or MISSING}"
    return source_name(request.benchmark)


@dataclass(frozen=True)
class Field:
    value: Callable[[EvalRequest], object]
    width: int  # tens of pixels: the least width; a column widens to its longest word (`widths_for`)


FIELDS: dict[str, Field] = {
    "Model": Field(lambda r: f"{r.org}/{r.name}", 15),
    "Revision": Field(_revision, 16),
    "Model Type": Field(lambda r: model_type_label(r.model_type), 11),
    "Reference": Field(lambda r: model_name(r.ref_model) if r.ref_model else MISSING, 10),
    "Benchmark": Field(lambda r: escape_invisible(_task(r)), 12),
    # A request file may be written by hand: an invisible character in its free text is spelled out.
    "Submitter": Field(lambda r: escape_invisible(r.submitter), 10),
    "Submitted": Field(lambda r: _time(r.submitted_at), 11),
    "Started": Field(lambda r: _time(r.started_at), 11),
    "Last heartbeat": Field(lambda r: _time(r.heartbeat_at), 11),
    "Progress": Field(progress_text, 24),
    "Finished": Field(lambda r: _time(r.finished_at), 11),
    "Runs": Field(runs, 6),
    "Error": Field(lambda r: error_summary(r.error), 21),
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
        """CSS widths of the columns, in pixels, before any rows are known."""
        return pixel_widths([FIELDS[c].width for c in self.columns], px_per_share=10)

    def widths_for(self, table: pd.DataFrame) -> list[str]:
        """CSS widths that fit each column's longest word (cells wrap only at spaces, so a name such
        as "demo-policies/thorough" is never cut inside), up to a cap beyond which a word is cut."""
        shares = [
            max(FIELDS[c].width, min(MAX_WIDTH, round(longest_word([c, *table[c].astype(str)]) * SHARES_PER_CHAR) + 2))
            for c in self.columns
        ]
        return pixel_widths(shares, px_per_share=10)


# Tens of pixels per character at the grids' font size (0.95em of 16px: about 8 px for a wide
# average; digits and lower case are narrower), and the widest column a long word may ask for.
SHARES_PER_CHAR = 0.85
MAX_WIDTH = 45


def longest_word(texts: Iterable[str]) -> int:
    return max((len(word) for text in texts for word in text.split()), default=0)


QUEUE_SECTIONS: tuple[QueueSection, ...] = (
    QueueSection(Status.PENDING, "Pending", _COMMON, oldest_first=True),
    QueueSection(Status.RUNNING, "Running", (*_COMMON, "Started", "Last heartbeat", "Progress")),
    QueueSection(Status.FINISHED, "Finished", (*_COMMON, "Started", "Finished")),
    QueueSection(Status.FAILED, "Failed", (*_COMMON, "Finished", "Runs", "Error")),
)


def _in_section(requests: Iterable[EvalRequest], section: QueueSection) -> list[EvalRequest]:
    return sorted(
        (r for r in requests if r.status == section.status),
        key=lambda r: (r.submitted_at, r.request_id),
        reverse=not section.oldest_first,
    )


def queue_table(requests: Iterable[EvalRequest], section: QueueSection) -> pd.DataFrame:
    chosen = _in_section(requests, section)
    return pd.DataFrame(
        [[FIELDS[c].value(r) for c in section.columns] for r in chosen], columns=list(section.columns)
    )


def queue_tables(requests: Iterable[EvalRequest]) -> dict[Status, pd.DataFrame]:
    requests = list(requests)
    return {section.status: queue_table(requests, section) for section in QUEUE_SECTIONS}


# ---- the whole error of one failed request, on demand -------------------------------------------------


def _failed(requests: Iterable[EvalRequest]) -> list[EvalRequest]:
    return _in_section(requests, next(s for s in QUEUE_SECTIONS if s.status == Status.FAILED))


def failed_choices(requests: Iterable[EvalRequest]) -> list[tuple[str, str]]:
    """(label, request id) of each failed request, in the order of the Failed table."""
    return [(f"{r.org}/{r.name} · {r.revision} · {_time(r.submitted_at)}", r.request_id) for r in _failed(requests)]


def error_details(requests: Iterable[EvalRequest], request_id: Optional[str]) -> str:
    """The whole error of one failed request (paths cut), with how many times it ran."""
    found = next((r for r in _failed(requests) if r.request_id == request_id), None)
    if found is None:
        return ""
    count = runs(found)
    ran = f"Ran {count} time{'s' if count != 1 else ''}; failed {_time(found.finished_at)}."
    return f"{ran}\n\n{hide_paths(found.error or 'no error was recorded')}"
