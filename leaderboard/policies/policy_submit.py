"""A policy submission -> one checked EvalRequest (kind "policy") per reward model that judges it,
or the reason it was refused.

A policy is either a completions file (uploaded: checked by results/policy_files.py, the same checks
as the command line's, then stored canonically under policy-uploads/) or a Hub model that the
worker makes generate completions for the reference prompts (checked on the Hub like a reward-model
submission: it exists at that revision, safetensors weights readable with the host's token, no
remote code, a license). It is judged by the reward models the submitter ticks, or by the top
RMLB_POLICY_REWARD_MODELS verified, complete entries of the leading benchmark.

A request's model fields describe the reward model, copied from the EvalResult it was ranked by
(its commit, type, reference model, a judge's format, a critique model's K and temperature), so the
policy is judged by exactly what the leaderboard ranked. Refused, first refusal wins: no submitter
or an over-used weekly limit (shared with reward-model submissions; one policy submission counts
once), a bad policy name, neither or both sources, a bad file (the reason from policy_files), a
reference set that is unknown or lacks the file's prompts, an unknown reward model, and a policy
already pending, running or finished under every chosen reward model at its commit.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional, Sequence

import pandas as pd
from huggingface_hub import HfApi

from results.names import InvalidModelName, storage_name
from results.policy import DEFAULT_REFERENCE_SET, REFERENCE_SETS, PolicyCompletion, upload_path
from results.policy_files import (
    CompletionsFileError,
    canonical_sha256,
    match_references,
    read_completions,
    read_reference_set,
)
from results.result_files import UnreadableResult, read_result
from results.schema import EvalRequest, EvalResult, Status
from results.store import Store

from ..app_settings import AppSettings
from ..form_text import NAME_CHARS, fields_problem, for_log
from ..submission.hub_lookup import DEFAULT_REVISION, Named, Refused, hub_api, hub_facts
from ..submission.local_models import short_revision
from ..submission.queue_index import QueueIndex
from ..tables import provenance as prov
from ..tables import table as t
from ..submission.submit import (
    BLOCKING_STATUSES,
    DTYPES,
    LIMIT_CHECKS,
    Context,
    Outcome,
    SubmissionForm,
    check_license,
    check_readable,
    check_remote_code,
    check_safetensors,
    check_submitter,
)

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]  # REFERENCE_SETS paths are relative to it
INLINE = "inline"  # the reference-set choice "the file gives each prompt's reference"
DEFAULT_MAX_NEW_TOKENS = 1024
MAX_NEW_TOKENS = 4096
_REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")


@dataclass(frozen=True)
class PolicyForm:
    policy: str
    submitter: str
    completions: Optional[bytes] = None  # an uploaded completions file
    generator: str = ""  # or a Hub model id that generates them
    revision: str = DEFAULT_REVISION
    max_new_tokens: int = DEFAULT_MAX_NEW_TOKENS
    reward_models: tuple[str, ...] = ()  # none ticked: the top RMLB_POLICY_REWARD_MODELS
    reference_set: str = DEFAULT_REFERENCE_SET  # or INLINE
    client: str = ""  # the address the form came from (set by the app; kept in memory only)

    def cleaned(self) -> "PolicyForm":
        return replace(
            self,
            policy=self.policy.strip(),
            submitter=self.submitter.strip(),
            completions=self.completions or None,
            generator=self.generator.strip(),
            revision=self.revision.strip() or DEFAULT_REVISION,
            reward_models=tuple(dict.fromkeys(m.strip() for m in self.reward_models if m.strip())),
            reference_set=self.reference_set.strip() or DEFAULT_REFERENCE_SET,
        )


@dataclass(frozen=True)
class Judge:
    """A reward model a policy may be judged by: a verified, complete leaderboard entry."""

    name: str
    path: str  # its EvalResult in the store


def eligible_judges(rows: pd.DataFrame, benchmark: Optional[str]) -> list[Judge]:
    """Verified, complete, newest results of `benchmark`, best first. API judges are left out: only
    the host queues those (their endpoint is on the worker's allow-list, not in the result)."""
    keep = (
        (rows[t.BENCHMARK] == benchmark)
        & (rows[t.PROVENANCE] == prov.VERIFIED)
        & rows[t.COMPLETE]
        & rows[t.LATEST]
        & ~rows[t.REVISION].fillna("").str.startswith("api-")
    )
    chosen = rows[keep]
    return [Judge(m, path) for m, path in dict(zip(chosen[t.MODEL], chosen[t.PATH])).items()]


@dataclass(frozen=True)
class Policy:
    """What the checks found the policy to be: its stored file, or its generator at a commit."""

    sha: str  # the completions' canonical sha256, or the generator's commit
    file: Optional[str] = None
    file_bytes: Optional[bytes] = None
    generator: Optional[str] = None
    max_new_tokens: Optional[int] = None

    def same_as(self, request: EvalRequest) -> bool:
        if self.file:
            return request.policy_file == self.file
        return (request.policy_model, request.policy_revision_resolved) == (self.generator, self.sha)


# ---- step 1: the form alone ----------------------------------------------------------------------


def _context(form: PolicyForm, settings: AppSettings, queue: QueueIndex, now: datetime) -> Context:
    """The reward-model form's context, to share its submitter and limit checks (the index counts
    one policy submission once: its requests share its time and policy)."""
    return Context(SubmissionForm(model=form.policy, submitter=form.submitter, client=form.client), settings, queue, now)


def text_fields_problem(form: PolicyForm) -> Optional[str]:
    """First of all: no field is too long or holds a NUL, a control or an invisible character."""
    fields = {
        "policy name": (form.policy, NAME_CHARS),
        "submitter name": (form.submitter, NAME_CHARS),
        "generating model": (form.generator, NAME_CHARS),
        "revision": (form.revision, NAME_CHARS),
        "reference set": (form.reference_set, NAME_CHARS),
        **{f"reward model #{i + 1}": (m, NAME_CHARS) for i, m in enumerate(form.reward_models)},
    }
    return fields_problem(fields)


def policy_name_problem(form: PolicyForm) -> Optional[str]:
    try:
        storage_name(form.policy)
    except InvalidModelName:
        return f"Name the policy like 'org/name' (letters, digits, '.', '_', '-'); got {form.policy!r}."
    return None


def source_problem(form: PolicyForm) -> Optional[str]:
    if bool(form.completions) == bool(form.generator):
        return "Give either a completions file or a Hub model to generate them, not both."
    if form.generator:
        if not _REVISION.match(form.revision):
            return f"The revision {form.revision!r} is not a branch, tag or commit name."
        if not 1 <= form.max_new_tokens <= MAX_NEW_TOKENS:
            return f"Max new tokens must be between 1 and {MAX_NEW_TOKENS}, not {form.max_new_tokens}."
        if form.reference_set == INLINE:
            return "A generating model needs a reference set: its prompts are what it answers."
        try:
            storage_name(form.generator)
        except InvalidModelName:
            return f"The generating model must be a Hub model id like 'org/name'; got {form.generator!r}."
    return None


def reference_set_problem(form: PolicyForm) -> Optional[str]:
    if form.reference_set != INLINE and form.reference_set not in REFERENCE_SETS:
        return f"Unknown reference set {form.reference_set!r}: choose one of {', '.join([*REFERENCE_SETS, INLINE])}."
    return None


def chosen_judges(form: PolicyForm, judges: Sequence[Judge], top: int) -> list[Judge]:
    if not form.reward_models:
        return list(judges[:top])
    by_name = {j.name: j for j in judges}
    return [by_name[m] for m in form.reward_models if m in by_name]


def judges_problem(form: PolicyForm, judges: Sequence[Judge]) -> Optional[str]:
    if not judges:
        return "No reward model on this leaderboard can judge policies yet (none has a verified, complete result)."
    unknown = [m for m in form.reward_models if m not in {j.name for j in judges}]
    if unknown:
        return f"{', '.join(unknown)} cannot judge policies here: tick reward models from the list."
    return None


POLICY_CHECKS = (policy_name_problem, source_problem, reference_set_problem)


def first_refusal(form: PolicyForm, judges: Sequence[Judge], ctx: Context) -> Optional[Refused]:
    """Step 1, cheapest first: who submits, the form's fields, the reward models, the weekly limit."""
    checks = [
        (text_fields_problem.__name__, lambda: text_fields_problem(form)),
        (check_submitter.__name__, lambda: check_submitter(ctx)),
        *((c.__name__, lambda c=c: c(form)) for c in POLICY_CHECKS),
        (judges_problem.__name__, lambda: judges_problem(form, judges)),
        *((c.__name__, lambda c=c: c(ctx)) for c in LIMIT_CHECKS),
    ]
    for rule, check in checks:
        reason = check()
        if reason:
            return Refused(reason, rule=rule)
    return None


# ---- step 2: the policy itself --------------------------------------------------------------------


def canonical_bytes(completions: Sequence[PolicyCompletion]) -> bytes:
    """The completions as scored: the lines `canonical_sha256` hashes."""
    return b"".join(c.model_dump_json(exclude_none=True).encode() + b"\n" for c in completions)


def load_reference_set(name: str, root: Path):
    file = root / REFERENCE_SETS[name]
    try:
        return read_reference_set(file.read_bytes())
    except OSError:
        log.error("reference set %s is missing at %s", name, file)
        raise Refused(f"The reference set {name!r} is not available on this server; tell the host.") from None


def file_policy(form: PolicyForm, settings: AppSettings, root: Path) -> Policy:
    try:
        completions = read_completions(form.completions, settings.max_policy_file_bytes)
        references = None if form.reference_set == INLINE else load_reference_set(form.reference_set, root)
        match_references(completions, references)
    except CompletionsFileError as problem:
        raise Refused(f"The completions file was refused: {problem}.", rule="completions_file") from None
    sha = canonical_sha256(completions)
    return Policy(sha, file=upload_path(form.policy, sha), file_bytes=canonical_bytes(completions))


GENERATOR_CHECKS = (check_safetensors, check_readable, check_remote_code, check_license)


def hub_policy(form: PolicyForm, api: HfApi, ctx: Context) -> Policy:
    named = Named("hub", form.generator, *storage_name(form.generator), form.generator)
    facts = hub_facts(api, ctx.settings, named, form.revision)
    checked = replace(ctx, model=named, hub=facts)
    for check in GENERATOR_CHECKS:
        reason = check(checked)
        if reason:
            raise Refused(reason, rule=check.__name__)
    return Policy(facts.sha, generator=form.generator, max_new_tokens=form.max_new_tokens)


# ---- step 3: one request per reward model ------------------------------------------------------------


def reward_model_fields(result: EvalResult) -> dict:
    """The reward model as the leaderboard ranked it: the request fields that say how to run it."""
    model = result.model
    org, name = storage_name(model.name)
    fields = {
        "model": model.id,
        "org": org,
        "name": name,
        "revision": model.revision_requested or DEFAULT_REVISION,
        "revision_resolved": model.revision_resolved,
        "model_type": model.model_type,
        "ref_model": model.ref_model,
        "ref_revision": DEFAULT_REVISION if model.ref_model else None,
        "ref_revision_resolved": model.ref_revision_resolved,
        "per_token_mean": result.settings.per_token_mean,
        "chat_template": model.chat_template,
        "dtype": result.settings.dtype if result.settings.dtype in DTYPES else "auto",
        "num_parameters": model.num_parameters,
    }
    if result.judge is not None:
        fields["judge_format"] = result.judge.formats.get("pairwise")
        fields["judge_orders"] = result.judge.orders
    if result.cloud is not None:
        fields["num_critiques"] = result.cloud.num_critiques
        fields["critique_temperature"] = result.cloud.temperature
    return fields


def request_id(now: datetime, policy: Policy, rm_revision: str) -> str:
    return f"{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}-policy-{policy.sha[:8]}-{rm_revision.removeprefix('local-')[:8]}"


def policy_request(form: PolicyForm, policy: Policy, rm: dict, now: datetime) -> EvalRequest:
    reference_set = None if form.reference_set == INLINE else form.reference_set
    return EvalRequest(
        request_id=request_id(now, policy, rm["revision_resolved"]),
        **rm,
        # The queue's Benchmark column names what a policy is judged on: its reference prompts.
        benchmark=reference_set or INLINE,
        kind="policy",
        policy=form.policy,
        policy_file=policy.file,
        policy_model=policy.generator,
        policy_revision_resolved=policy.sha if policy.generator else None,
        policy_max_new_tokens=policy.max_new_tokens,
        reference_set=reference_set,
        submitter=form.submitter,
        status=Status.PENDING,
        submitted_at=now,
    )


def is_duplicate(request: EvalRequest, form: PolicyForm, policy: Policy, rm: dict) -> bool:
    return (
        request.kind == "policy"
        and request.policy == form.policy
        and policy.same_as(request)
        and (request.org, request.name, request.revision_resolved) == (rm["org"], rm["name"], rm["revision_resolved"])
        and request.status in BLOCKING_STATUSES
    )


class PolicySubmissions:
    """Checks policy submissions and queues the good ones in `store` (checking and queueing under
    one lock, as `submit.Submissions` does, so two quick clicks cannot both pass)."""

    def __init__(
        self,
        store: Store,
        settings: AppSettings,
        api: Optional[HfApi] = None,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        reference_root: Path = REPO_ROOT,
        queue: Optional[QueueIndex] = None,
    ):
        self.store = store
        self.settings = settings
        self.api = api or hub_api(settings)
        self._clock = clock
        self.reference_root = reference_root
        self._lock = threading.Lock()
        self.queue = queue or QueueIndex(store.list_requests)  # shared with the model form in the app

    def submit(self, form: PolicyForm, judges: Sequence[Judge]) -> Outcome:
        form = form.cleaned()
        with self._lock:
            try:
                outcome = self._submit(form, judges)
            except Refused as reason:
                log.info("policy submission %s refused: %s", for_log(form.policy), for_log(str(reason), 400))
                return Outcome((), str(reason), reason.rule)
        for request in outcome.requests:
            log.info("queued policy %s under %s/%s as %s", form.policy, request.org, request.name, request.request_id)
        return outcome

    def _submit(self, form: PolicyForm, judges: Sequence[Judge]) -> Outcome:
        ctx = _context(form, self.settings, self.queue, self._clock())
        refusal = first_refusal(form, judges, ctx)
        if refusal:
            raise refusal
        policy = file_policy(form, self.settings, self.reference_root) if form.completions else hub_policy(form, self.api, ctx)
        fresh, already = [], []
        for judge in chosen_judges(form, judges, self.settings.policy_reward_models):
            rm = reward_model_fields(self._ranked_result(judge))
            found = [r for r in self.queue.of_model(rm["org"], rm["name"]) if is_duplicate(r, form, policy, rm)]
            (already if found else fresh).append(found[0] if found else policy_request(form, policy, rm, ctx.now))
        if not fresh:
            raise Refused(f"{form.policy} is already {_already(already)}; see the Queue tab.", rule="duplicate")
        return self._queue(form, policy, fresh, already)

    def _ranked_result(self, judge: Judge) -> EvalResult:
        data = self.store.read_file(judge.path)
        if data is None:
            raise Refused(f"The result of {judge.name} could not be read just now; try again later.")
        try:
            result = read_result(judge.path, data).result
        except UnreadableResult as exc:
            log.warning("the result of %s at %s is unreadable: %s", judge.name, judge.path, exc)
            result = None
        if result is None:
            raise Refused(f"The result of {judge.name} cannot be read; tick another reward model.")
        return result

    def _queue(self, form: PolicyForm, policy: Policy, fresh: list[EvalRequest], already: list[EvalRequest]) -> Outcome:
        queued: list[EvalRequest] = []
        try:
            if policy.file:  # the file first: a worker that claims a request must find it
                self.store.write_file(policy.file, policy.file_bytes)
            for request in fresh:
                self.store.add_request(request)
                queued.append(request)
                self.queue.add(request, form.client)
        except FileExistsError:
            return Outcome(tuple(queued), "This submission was queued a moment ago; see the Queue tab.")
        except Exception:
            log.exception("queueing policy %s failed", form.policy)
            nothing = "the rest was not queued" if queued else "nothing was queued"
            return Outcome(tuple(queued), f"The queue could not be written just now; {nothing}. Try again later.")
        return Outcome(tuple(queued), _queued_message(form, policy, queued, already))


def _already(requests: Sequence[EvalRequest]) -> str:
    return "; ".join(f"{r.status.value.lower()} under {r.org}/{r.name} (request {r.request_id})" for r in requests)


def _queued_message(form: PolicyForm, policy: Policy, queued: Sequence[EvalRequest], already: Sequence[EvalRequest]) -> str:
    what = f"completions {policy.sha[:12]}" if policy.file else f"{policy.generator} at {short_revision(policy.sha)}"
    under = ", ".join(f"{r.org}/{r.name}" for r in queued)
    message = (
        f"Queued {form.policy} ({what}) to be judged by {under}: {len(queued)} request(s), "
        f"{', '.join(r.request_id for r in queued)}. Follow them in the Queue tab; they count as one submission."
    )
    if already:
        message += f" Not queued again where it is already {_already(already)}."
    return message
