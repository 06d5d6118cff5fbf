"""`python -m evaluator queue-api-judge NAME`: the host puts one of its API judges in the queue.

API judges cost the host money and use the host's key, so nobody else can ask for one: the web
form has no field for them, and a queued request only NAMES an entry of the worker's allow-list
(RMLB_API_JUDGES); the endpoint and the key variable come from the worker's own settings when the
request runs (run_config.py). This command needs the store's write access, which only the host has.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional, Sequence

from results.judge_formats import FORMATS
from results.schema import EvalRequest, Status
from results.store import Store

from .errors import ConfigError
from .model_source import api_model
from .settings import WorkerSettings


def api_judge_requests(
    settings: WorkerSettings,
    name: str,
    benchmarks: Sequence[str],
    judge_format: Optional[str] = None,
    orders: int = 2,
    now: Optional[datetime] = None,
) -> list[EvalRequest]:
    entry = settings.api_judges.get(name)
    if entry is None:
        known = ", ".join(sorted(settings.api_judges)) or "none configured"
        raise ConfigError(f"{name!r} is not an API judge of this host (RMLB_API_JUDGES: {known})")
    if judge_format is not None and judge_format not in FORMATS:
        raise ConfigError(f"unknown judge format {judge_format!r}: choose one of {', '.join(FORMATS)}")
    model = api_model(entry.model, entry.api_base)
    now = now or datetime.now(timezone.utc)
    return [
        EvalRequest(
            request_id=f"{now:%Y%m%dT%H%M%SZ}-{model.revision_resolved}-{benchmark}",
            model=entry.model,
            org=model.org,
            name=model.name,
            revision="api",
            revision_resolved=model.revision_resolved,
            model_type="generative",
            judge_format=judge_format,
            judge_orders=orders,
            api_judge=name,
            benchmark=benchmark,
            submitter="host",
            status=Status.PENDING,
            submitted_at=now,
        )
        for benchmark in benchmarks
    ]


def queue_api_judge(store: Store, requests: Sequence[EvalRequest]) -> None:
    for request in requests:
        store.add_request(request)
