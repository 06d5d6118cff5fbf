"""Build the demo models, queue them as a submission is queued, and let the worker evaluate the queue.

A demo model goes through the same steps as a user's submission, minus the Hub: the submission
code of the app (leaderboard/submission/submit.py, with local folders allowed, as the served demo allows
them) checks the folder and queues a PENDING `EvalRequest` pinned to its content hash; then the
worker claims it, evaluates it on the sample data (the worker's data overrides) and stores the
result. Every model is queued once per demo benchmark (RewardBench and RewardBench 2, see
demo/benchmarks.py), so the leaderboard shows both. A model whose folder, at this exact content,
is already pending, running or finished on a benchmark is not queued again for it, so a second run
evaluates nothing and says "already done" (not the submission code's "refused"). The demo also
imports a small published-layout sample (demo/published_sample.py), so the leaderboard shows
imported rows beside verified ones; a second run imports nothing. Last,
the two demo policies (data/demo-policies/) are submitted through the Policies tab's own code and
judged by every demo model ranked on the leading benchmark, so the Policies tab is filled too; only
by the demo's own models, never by one a user submitted to the served demo since the first start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping, Optional

from leaderboard.app_settings import AppSettings
from leaderboard.submission.submit import BLOCKING_STATUSES, SubmissionForm, Submissions, check_not_duplicate
from results.folder_hash import local_revision
from results.names import storage_name
from results.schema import EvalRequest, EvalResult
from results.store import LocalStore, Store

from .benchmarks import GENERATORS, SAMPLES, data_overrides
from .models import BuiltModel, ensure_models
from .published_sample import import_sample

log = logging.getLogger(__name__)

SUBMITTER = "demo"
# The demo queues its own models under one submitter; rebuilding them (--seed) must not hit the
# weekly limit meant for people.
OWN_SUBMISSIONS_PER_WEEK = 1000
REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_POLICIES = {
    "demo-policies/terse": REPO_ROOT / "data" / "demo-policies" / "terse.jsonl",
    "demo-policies/thorough": REPO_ROOT / "data" / "demo-policies" / "thorough.jsonl",
}


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
    """Where one demo model stands on one benchmark."""

    model: BuiltModel
    benchmark: str
    request: Optional[EvalRequest]
    result: Optional[EvalResult]


def demo_submissions(store: Store, layout: DemoLayout, benchmarks: tuple[str, ...]) -> Submissions:
    """The app's submission checks, as the served demo runs them (local folders allowed), for
    submissions to every one of `benchmarks` (one request each, as the form queues them)."""
    settings = AppSettings(
        store="local",
        store_root=layout.store,
        benchmarks=benchmarks,
        allow_local_models=True,
        local_model_roots=(str(layout.models),),
        max_submissions_per_week=OWN_SUBMISSIONS_PER_WEEK,
        max_submissions_per_hour=OWN_SUBMISSIONS_PER_WEEK,
    )
    return Submissions(store, settings)


def already_done(wanted: Iterable[str], found: Mapping[str, EvalRequest], where: str = "on") -> Optional[str]:
    """"finished on a; pending on b" when every one of `wanted` has its request in `found` (keyed
    the same), else None: then the submission goes through the app's code as the first start's did."""
    wanted = list(wanted)
    if not wanted or any(key not in found for key in wanted):
        return None
    return "; ".join(f"{found[key].status.value.lower()} {where} {key}" for key in wanted)


def _standing(requests: Iterable[EvalRequest], model: BuiltModel, key, **match) -> dict[str, EvalRequest]:
    """The live requests (pending, running, finished) of `model` at its content now, by `key`."""
    org, name = storage_name(str(model.path), is_local_path=True)
    revision = local_revision(model.path)
    found: dict[str, EvalRequest] = {}
    for request in requests:
        if (
            (request.org, request.name, request.revision_resolved) == (org, name, revision)
            and request.status in BLOCKING_STATUSES
            and all(getattr(request, field) == value for field, value in match.items())
        ):
            found.setdefault(key(request), request)
    return found


def submit_local(submissions: Submissions, model: BuiltModel) -> tuple[EvalRequest, ...]:
    """Queue one demo model on the benchmarks where it is not yet queued or evaluated at this exact
    content; none when it is on all of them (a second start: logged as already done)."""
    found = _standing(submissions.store.list_requests(), model, lambda r: r.benchmark, kind="reward-model")
    done = already_done(submissions.settings.benchmarks, found)
    if done:
        log.info("demo model %s: already done (%s)", model.path.name, done)
        return ()
    form = SubmissionForm(
        model=str(model.path),
        model_type=model.spec.model_type,
        ref_model=str(model.reference_path or ""),
        submitter=SUBMITTER,
    )
    outcome = submissions.submit(form)
    if outcome.accepted:
        return outcome.requests
    if outcome.rule == check_not_duplicate.__name__:
        return ()  # the submission code logged why
    raise DemoError(f"demo model {model.path} cannot be queued: {outcome.message}")


def worker_settings(layout: DemoLayout, data: Mapping[str, Path]):
    """The worker's settings: the demo store, and the sample files in place of the benchmarks' data."""
    from evaluator.settings import WorkerSettings

    return WorkerSettings(
        store="local",
        store_root=layout.store,
        worker_id="demo-worker",
        data_overrides=data_overrides(data),
    )


def statuses(store: Store, models: list[BuiltModel], benchmarks: tuple[str, ...]) -> list[ModelStatus]:
    """Each model's latest request and stored result on each benchmark (None where there is none yet)."""
    requests = store.list_requests()
    results = [EvalResult.model_validate_json(data) for _, data in store.iter_result_files()]
    found = []
    for model in models:
        org, name = storage_name(str(model.path), is_local_path=True)
        for benchmark in benchmarks:
            mine = [r for r in requests if r.model == str(model.path) and r.benchmark == benchmark]
            key = (f"{org}/{name}", benchmark)
            result = _latest(r for r in results if (r.model.name, r.benchmark.name) == key)
            found.append(ModelStatus(model, benchmark, mine[-1] if mine else None, result))
    return found


def _latest(results) -> Optional[EvalResult]:
    """The newest result (a rebuilt model keeps its results at older revisions too)."""
    return max(results, key=lambda r: r.timings.finished_at, default=None)


def check_data(data: Mapping[str, Path]) -> None:
    for benchmark, path in data.items():
        if not Path(path).exists():  # a file, or a folder (RMB's sample)
            command = GENERATORS.get(benchmark, "demo.sample_data")
            raise DemoError(f"{benchmark} data {path} not found: run `python -m {command}` to write it")


def build_and_evaluate(root: Path, data: Mapping[str, Path] = SAMPLES, seed: int = 0) -> list[ModelStatus]:
    """Build what is missing, queue what is not yet evaluated on each benchmark of `data`, evaluate
    the queue; each model's status on each benchmark."""
    from evaluator.request_processing import Worker

    check_data(data)
    layout = DemoLayout(root.resolve())
    models = ensure_models(layout.models, seed)
    store = LocalStore(layout.store)
    submissions = demo_submissions(store, layout, tuple(data))
    queued = [request for model in models for request in submit_local(submissions, model)]
    worker = Worker(worker_settings(layout, data), store)
    processed = worker.tick()
    log.info("queued %d request(s); the worker processed %d", len(queued), processed)
    import_sample(store)  # published-layout sample files, imported beside the verified results
    policies = submit_policies(store, submissions.settings, models)
    log.info("queued %d policy request(s); the worker processed %d", len(policies), worker.tick())
    return statuses(store, models, tuple(data))


def submit_policies(store: Store, settings: AppSettings, models: list[BuiltModel]) -> list[EvalRequest]:
    """Submit each demo policy as the Policies tab does, judged by every demo model ranked on the
    leading benchmark (`models` only: a model a user submitted to the served demo is ranked too);
    a policy already queued under all of them is skipped (a second run) and logged as already done."""
    from leaderboard.data import ResultsCache
    from leaderboard.pages.common import default_benchmark
    from leaderboard.policies.policy_submit import PolicyForm, PolicySubmissions, eligible_judges

    cache = ResultsCache(store)
    snapshot = cache.refresh()
    own = {"/".join(storage_name(str(m.path), is_local_path=True)): m for m in models}
    judges = [j for j in eligible_judges(snapshot.tables.rows, default_benchmark(snapshot, settings)) if j.name in own]
    submissions = PolicySubmissions(store, settings)
    queued: list[EvalRequest] = []
    requests = store.list_requests()
    for policy, path in DEMO_POLICIES.items():
        found: dict[str, EvalRequest] = {}
        for judge in judges:
            found.update(_standing(requests, own[judge.name], lambda r: f"{r.org}/{r.name}", kind="policy", policy=policy))
        done = already_done((j.name for j in judges), found, where="under")
        if done:
            log.info("demo policy %s: already done (%s)", policy, done)
            continue
        form = PolicyForm(
            policy=policy, submitter=SUBMITTER, completions=path.read_bytes(),
            reward_models=tuple(j.name for j in judges),
        )
        outcome = submissions.submit(form, judges)
        if not outcome.accepted and outcome.rule != "duplicate":
            raise DemoError(f"demo policy {policy} cannot be queued: {outcome.message}")
        queued += outcome.requests
    return queued
