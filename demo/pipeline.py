"""Build the demo models, queue them as a submission is queued, and let the worker evaluate the queue.

A demo model goes through the same steps as a user's submission, minus the Hub: the submission
code of the app (leaderboard/submit.py, with local folders allowed, as the served demo allows
them) checks the folder and queues a PENDING `EvalRequest` pinned to its content hash; then the
worker claims it, evaluates it on the sample benchmark (the worker's data override for
`rewardbench`) and stores the result. A model whose folder, at this exact content, is already
pending, running or finished is not queued again, so a second run evaluates nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from leaderboard.settings import AppSettings
from leaderboard.submit import SubmissionForm, Submissions, check_not_duplicate
from results.names import storage_name
from results.schema import EvalRequest, EvalResult
from results.store import LocalStore, Store

from .models import BuiltModel, ensure_models
from .sample_data import SAMPLE_PATH
from .serve import BENCHMARK

log = logging.getLogger(__name__)

SUBMITTER = "demo"
# The demo queues its own models under one submitter; rebuilding them (--seed) must not hit the
# weekly limit meant for people.
OWN_SUBMISSIONS_PER_WEEK = 1000


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


def demo_submissions(store: Store, layout: DemoLayout) -> Submissions:
    """The app's submission checks, as the served demo runs them (local folders allowed)."""
    settings = AppSettings(
        store="local",
        store_root=layout.store,
        benchmark=BENCHMARK,
        allow_local_models=True,
        max_submissions_per_week=OWN_SUBMISSIONS_PER_WEEK,
    )
    return Submissions(store, settings)


def submit_local(submissions: Submissions, model: BuiltModel) -> Optional[EvalRequest]:
    """Queue one demo model; None when it is already queued or evaluated at this exact content."""
    form = SubmissionForm(
        model=str(model.path),
        model_type=model.spec.model_type,
        ref_model=str(model.reference_path or ""),
        submitter=SUBMITTER,
    )
    outcome = submissions.submit(form)
    if outcome.accepted:
        return outcome.request
    if outcome.rule == check_not_duplicate.__name__:
        return None  # the submission code logged why
    raise DemoError(f"demo model {model.path} cannot be queued: {outcome.message}")


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
        found.append(ModelStatus(model, mine[-1] if mine else None, _latest_result(store, f"{org}/{name}")))
    return found


def _latest_result(store: Store, model_name: str) -> Optional[EvalResult]:
    """The model's newest stored result (a rebuilt model has results at older revisions too)."""
    results = [EvalResult.model_validate_json(data) for _, data in store.iter_result_files()]
    mine = [r for r in results if r.model.name == model_name]
    return max(mine, key=lambda r: r.timings.finished_at, default=None)


def build_and_evaluate(root: Path, data: Path = SAMPLE_PATH, seed: int = 0) -> list[ModelStatus]:
    """Build what is missing, queue what is not yet evaluated, evaluate the queue; each model's status."""
    from evaluator.worker import Worker

    if not data.is_file():
        raise DemoError(f"benchmark data {data} not found: run `python -m demo.sample_data` to write it")
    layout = DemoLayout(root.resolve())
    models = ensure_models(layout.models, seed)
    store = LocalStore(layout.store)
    submissions = demo_submissions(store, layout)
    queued = [r for r in (submit_local(submissions, m) for m in models) if r is not None]
    processed = Worker(worker_settings(layout, data.resolve()), store).tick()
    log.info("queued %d request(s); the worker processed %d", len(queued), processed)
    return statuses(store, models)
