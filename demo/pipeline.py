"""Build the demo models, queue them as a submission is queued, and let the worker evaluate the queue.

A demo model goes through the same steps as a user's submission, minus the Hub: the submission
form's checks that apply to a local folder (leaderboard/submit.py), a PENDING `EvalRequest` in the
store, then the worker claims it, evaluates it on the sample benchmark (the worker's data override
for `rewardbench`) and stores the result. A model whose folder, at this exact content, is already
pending, running or finished is not queued again, so a second run evaluates nothing.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from leaderboard.settings import AppSettings
from leaderboard.submit import (
    Context,
    HubFacts,
    SubmissionForm,
    check_chat_template,
    check_dtype,
    check_model_type,
    check_not_duplicate,
    check_remote_code,
    check_safetensors,
    check_submitter,
    first_refusal,
    request_id,
)
from results.names import storage_name
from results.schema import EvalRequest, EvalResult, Status
from results.store import LocalStore, Store, result_path

from .models import BuiltModel, ensure_models
from .sample_data import SAMPLE_PATH

log = logging.getLogger(__name__)

SUBMITTER = "demo"
BENCHMARK = "rewardbench"
# The submission checks that make sense for a local folder (the rest ask the Hub about a Hub id).
FOLDER_CHECKS = (
    check_submitter,
    check_model_type,
    check_chat_template,
    check_dtype,
    check_safetensors,
    check_remote_code,
)


class DemoError(RuntimeError):
    """The demo cannot go on; the message says why and what to do."""


@dataclass(frozen=True)
class DemoLayout:
    root: Path

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def store(self) -> Path:
        return self.root / "store"


@dataclass(frozen=True)
class ModelStatus:
    model: BuiltModel
    request: Optional[EvalRequest]
    result: Optional[EvalResult]


def folder_facts(folder: Path) -> HubFacts:
    """What the Hub would say about a model, read from its folder instead."""
    from evaluator.model_source import content_hash

    config = json.loads((folder / "config.json").read_text())
    return HubFacts(
        sha="local-" + content_hash(folder),  # what the evaluator records as the folder's revision
        files=tuple(sorted(p.name for p in folder.iterdir() if p.is_file())),
        num_parameters=None,
        license=None,
        needs_remote_code=bool(config.get("auto_map")),
    )


def local_request(ctx: Context) -> EvalRequest:
    """The request leaderboard/submit.py builds, for a local folder (named by its last two parts)."""
    org, name = storage_name(ctx.form.model, is_local_path=True)
    return EvalRequest(
        request_id=request_id(ctx.now, ctx.hub.sha.removeprefix("local-"), ctx.settings.benchmark),
        model=ctx.form.model,
        org=org,
        name=name,
        revision_resolved=ctx.hub.sha,
        model_type=ctx.form.model_type,
        ref_model=ctx.form.ref_model or None,
        benchmark=ctx.settings.benchmark,
        dtype=ctx.form.dtype,
        chat_template=ctx.form.chat_template,
        submitter=ctx.form.submitter,
        status=Status.PENDING,
        submitted_at=ctx.now,
    )


def submit_local(
    store: Store, model: BuiltModel, settings: AppSettings, now: datetime
) -> Optional[EvalRequest]:
    """Queue one demo model; None when it is already queued or evaluated at this exact content."""
    form = SubmissionForm(
        model=str(model.path),
        model_type=model.spec.model_type,
        ref_model=str(model.reference_path or ""),
        submitter=SUBMITTER,
    )
    ctx = Context(form, settings, store.list_requests(), now, hub=folder_facts(model.path))
    refusal = first_refusal(FOLDER_CHECKS, ctx)
    if refusal:
        raise DemoError(f"demo model {model.path} cannot be queued: {refusal}")
    duplicate = check_not_duplicate(ctx) or _has_result(store, ctx)
    if duplicate:
        log.info("not queueing %s/%s: %s", *storage_name(form.model, is_local_path=True), duplicate)
        return None
    request = local_request(ctx)
    store.add_request(request)
    log.info("queued %s as request %s", form.model, request.request_id)
    return request


def _has_result(store: Store, ctx: Context) -> Optional[str]:
    org, name = storage_name(ctx.form.model, is_local_path=True)
    data = store.read_file(result_path(org, name))
    if data is None:
        return None
    try:
        stored = EvalResult.model_validate_json(data)
    except ValueError:
        return None  # not one of ours (e.g. the published flat format): evaluate anyway
    same = stored.model.revision_resolved == ctx.hub.sha and stored.benchmark.name == ctx.settings.benchmark
    return f"it already has a result ({result_path(org, name)})" if same else None


def worker_settings(layout: DemoLayout, data: Path):
    """The worker's settings: the demo store, and the sample file in place of RewardBench's data."""
    from evaluator.settings import WorkerSettings

    return WorkerSettings(
        store="local",
        store_root=layout.store,
        worker_id="demo-worker",
        data_overrides={BENCHMARK: str(data)},
    )


def statuses(store: Store, models: list[BuiltModel]) -> list[ModelStatus]:
    """Each model's latest request and its stored result (None where there is none yet)."""
    requests = store.list_requests()
    found = []
    for model in models:
        mine = [r for r in requests if r.model == str(model.path)]
        org, name = storage_name(str(model.path), is_local_path=True)
        data = store.read_file(result_path(org, name))
        found.append(
            ModelStatus(
                model, mine[-1] if mine else None, EvalResult.model_validate_json(data) if data else None
            )
        )
    return found


def build_and_evaluate(root: Path, data: Path = SAMPLE_PATH, seed: int = 0) -> list[ModelStatus]:
    """Build what is missing, queue what is not yet evaluated, evaluate the queue; each model's status."""
    from evaluator.worker import Worker

    if not data.is_file():
        raise DemoError(f"benchmark data {data} not found: run `python -m demo.sample_data` to write it")
    layout = DemoLayout(root.resolve())
    models = ensure_models(layout.models, seed)
    store = LocalStore(layout.store)
    settings = AppSettings(store="local", store_root=layout.store, benchmark=BENCHMARK)
    now = datetime.now(timezone.utc)
    queued = [r for r in (submit_local(store, m, settings, now) for m in models) if r is not None]
    processed = Worker(worker_settings(layout, data.resolve()), store).tick()
    log.info("queued %d request(s); the worker processed %d", len(queued), processed)
    return statuses(store, models)
