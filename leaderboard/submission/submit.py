"""A submission form -> a checked EvalRequest in the queue, or the reason it was refused.

Checks run in three steps, cheapest first, and the first refusal wins:
1. `FORM_CHECKS`: the fields alone (their length and characters first, before anything looks at the
   disk), and the limits (no network): the submitter's weekly limit (the signed-in Hub user on a
   Space, else the typed name), the client address's (where a typed name is allowed: made-up names
   cost nothing) and the host's hourly cap on everyone;
2. one look at where the model lives (`SOURCES`): on the Hub, the model exists at that revision
   (resolved to a commit sha), its weights can be read with the host's token, and the reference
   model exists (DPO); in a local folder (only where the host allows them, RMLB_ALLOW_LOCAL_MODELS),
   the folder is under a root the host names (RMLB_LOCAL_MODEL_ROOTS), has a config.json and no link
   leading out of the roots, and is pinned by a hash of its contents;
3. the source's checks (`HUB_CHECKS`, `FOLDER_CHECKS`): safetensors weights, no remote code, a
   license (Hub), that the same model, revision and benchmark is not already pending, running
   or finished, and (folder) that no other submitter's model already holds its name.
The queue is looked up in a `QueueIndex` (in memory), so a submission's cost does not grow with it.
A submission asks for one or more of the benchmarks the host offers (`AppSettings.benchmarks`; all
of them when the form names none) and queues one request per benchmark. The duplicate check is per
benchmark: those already pending, running or finished are left out and named in the answer, and the
submission is refused only when every benchmark it asks for is. The weekly limit counts submissions,
not requests: the requests of one submission share its time and model, and count once.
Each check is a small function returning a refusal (a sentence for the submitter) or None; a new
rule is one function plus one line in its tuple.

The Hub look-up (step 2 on the Hub, and how its errors are explained) is `hub_lookup.py`; it goes
through the `HfApi` given (built from the app settings), so tests and mirrors point it elsewhere
with `HF_ENDPOINT`. Pages name a model by its storage name `org/name`, never by a folder's path.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Optional, Sequence

from huggingface_hub import HfApi

from results.folder_hash import LOCAL_PREFIX
from results.judge_formats import FORMATS as JUDGE_FORMATS
from results.model_types import MODEL_TYPES
from results.names import InvalidModelName, storage_name
from results.schema import EvalRequest, Status
from results.store import Store

from ..form_text import NAME_CHARS, PATH_CHARS, fields_problem, for_log
from .hub_lookup import DEFAULT_REVISION, HubFacts, Named, Refused, hub_api, hub_facts, hub_pin
from .local_models import FolderProblem, LocalRoots, names_a_folder, read_folder, short_revision
from .queue_index import QueueIndex
from ..app_settings import AppSettings

log = logging.getLogger(__name__)

DTYPES: tuple[str, ...] = ("auto", "bfloat16", "float16", "float32")
RATE_WINDOW = timedelta(days=7)
HOURLY_WINDOW = timedelta(hours=1)
# The form's judge-format and critique fields show for the type of each kind (pages/submission.py).
JUDGE_TYPE = next(key for key, t in MODEL_TYPES.items() if t.judges_together)
CRITIQUE_TYPE = next(key for key, t in MODEL_TYPES.items() if t.writes_critiques)
MAX_CRITIQUES = 8  # per response: each one is a generation of up to RMLB_JUDGE_MAX_NEW_TOKENS
BLOCKING_STATUSES = (Status.PENDING, Status.RUNNING, Status.FINISHED)
_REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")
_TEMPLATE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SUBMITTER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


@dataclass(frozen=True)
class SubmissionForm:
    model: str
    revision: str = DEFAULT_REVISION
    model_type: str = "classifier"
    ref_model: str = ""
    chat_template: str = "tokenizer"
    dtype: str = "auto"
    submitter: str = ""
    benchmarks: Optional[tuple[str, ...]] = None  # None: every benchmark the host offers
    judge_format: str = ""  # generative judges: a built-in format ("" = the default)
    num_critiques: int = 1  # critique models: critiques per response (0: none)
    critique_temperature: float = 0.0  # critique models: 0 = greedy
    client: str = ""  # the address the form came from (set by the app, never typed; kept in memory only)

    def cleaned(self) -> "SubmissionForm":
        return SubmissionForm(
            model=self.model.strip(),
            revision=self.revision.strip() or DEFAULT_REVISION,
            model_type=self.model_type.strip(),
            ref_model=self.ref_model.strip(),
            chat_template=self.chat_template.strip() or "tokenizer",
            dtype=self.dtype.strip() or "auto",
            submitter=self.submitter.strip(),
            benchmarks=None if self.benchmarks is None else tuple(b.strip() for b in self.benchmarks),
            # Only a judge has a format; the form's hidden dropdown still sends one for other types.
            judge_format=self.judge_format.strip() if _can(self.model_type.strip(), "judges_together") else "",
            num_critiques=self.num_critiques,
            critique_temperature=self.critique_temperature,
            client=self.client,
        )

    def text_fields(self) -> dict[str, tuple[str, int]]:
        """{label: (value, length limit)} of every field a visitor types or an API caller sends."""
        fields = {
            "model": (self.model, PATH_CHARS),
            "reference model": (self.ref_model, PATH_CHARS),
            "revision": (self.revision, NAME_CHARS),
            "model type": (self.model_type, NAME_CHARS),
            "chat template": (self.chat_template, NAME_CHARS),
            "dtype": (self.dtype, NAME_CHARS),
            "submitter name": (self.submitter, NAME_CHARS),
            "judge format": (self.judge_format, NAME_CHARS),
        }
        for i, benchmark in enumerate(self.benchmarks or ()):
            fields[f"benchmark #{i + 1}"] = (benchmark, NAME_CHARS)
        return fields


@dataclass(frozen=True)
class Context:
    form: SubmissionForm
    settings: AppSettings
    queue: QueueIndex
    now: datetime
    hub: Optional[HubFacts] = None
    model: Optional[Named] = None
    ref: Optional[Named] = None


@dataclass(frozen=True)
class Outcome:
    requests: tuple[EvalRequest, ...]  # one per benchmark queued; none when refused
    message: str
    rule: Optional[str] = None  # the check that refused it (e.g. "check_not_duplicate")

    @property
    def accepted(self) -> bool:
        return bool(self.requests)

    @property
    def request(self) -> Optional[EvalRequest]:
        """The first request queued (the only one of a one-benchmark submission)."""
        return self.requests[0] if self.requests else None


Check = Callable[[Context], Optional[str]]


# ---- step 1: the form alone ---------------------------------------------------------------------


def check_text_fields(ctx: Context) -> Optional[str]:
    """First of all: no field is too long or holds a NUL, a control or an invisible character."""
    return fields_problem(ctx.form.text_fields())


def local_roots(settings: AppSettings) -> Optional[LocalRoots]:
    """Where local folders may be submitted from; None where the host takes none."""
    return LocalRoots.of(settings.local_model_roots) if settings.allow_local_models else None


def check_submitter(ctx: Context) -> Optional[str]:
    if not ctx.form.submitter:
        return "Say who is submitting: sign in with Hugging Face, or fill in your name (your Hub username)."
    if not _SUBMITTER.match(ctx.form.submitter):
        return "The submitter name may use letters, digits, '.', '_' and '-' only (like a Hub username)."
    return None


def _is_folder(model: str, settings: AppSettings) -> bool:
    return names_a_folder(model, local_roots(settings))


def _model_id_problem(model: str, what: str, settings: AppSettings) -> Optional[str]:
    if _is_folder(model, settings):
        if settings.allow_local_models:
            return None  # the folder itself is checked in step 2
        return f"Local folders are not accepted here: the {what} must be a Hub model id like 'org/name'."
    try:
        storage_name(model)
    except InvalidModelName:
        folder = " or a model folder on this server" if settings.allow_local_models else ""
        return (
            f"The {what} must be a Hub model id like 'org/name'{folder} (letters, digits, '.', '_', '-'); "
            f"got {model!r}."
        )
    return None


def check_model_id(ctx: Context) -> Optional[str]:
    return _model_id_problem(ctx.form.model, "model", ctx.settings)


def check_revision(ctx: Context) -> Optional[str]:
    if not _REVISION.match(ctx.form.revision):
        return f"The revision {ctx.form.revision!r} is not a branch, tag or commit name."
    if ctx.form.revision != DEFAULT_REVISION and _is_folder(ctx.form.model, ctx.settings):
        return f"A local folder has no revisions: leave Revision at {DEFAULT_REVISION!r}."
    return None


def check_model_type(ctx: Context) -> Optional[str]:
    if ctx.form.model_type not in MODEL_TYPES:
        return f"Unknown model type {ctx.form.model_type!r}: choose one of {', '.join(MODEL_TYPES)}."
    return None


def check_reference_model(ctx: Context) -> Optional[str]:
    model_type = MODEL_TYPES[ctx.form.model_type]
    if model_type.needs_reference and not ctx.form.ref_model:
        return f"A {model_type.label} model needs a reference model (the model it was trained from)."
    if not model_type.needs_reference and ctx.form.ref_model:
        return f"A {model_type.label} model takes no reference model; leave that field empty."
    if not ctx.form.ref_model:
        return None
    return _model_id_problem(ctx.form.ref_model, "reference model", ctx.settings)


def check_judge_format(ctx: Context) -> Optional[str]:
    if ctx.form.judge_format and ctx.form.judge_format not in JUDGE_FORMATS:
        return f"Unknown judge format {ctx.form.judge_format!r}: choose one of {', '.join(JUDGE_FORMATS)}."
    return None


def check_critiques(ctx: Context) -> Optional[str]:
    if not _can(ctx.form.model_type, "writes_critiques"):
        return None
    k, temperature = ctx.form.num_critiques, ctx.form.critique_temperature
    if not 0 <= k <= MAX_CRITIQUES:
        return f"Critiques per response must be between 0 and {MAX_CRITIQUES}, not {k}."
    if not 0 <= temperature <= 2:
        return f"The critique temperature must be between 0 and 2, not {temperature:g}."
    if k > 1 and temperature == 0:
        return f"{k} greedy critiques would all be the same: give a temperature above 0 to sample them."
    return None


def check_chat_template(ctx: Context) -> Optional[str]:
    if not _TEMPLATE.match(ctx.form.chat_template):
        return "The chat template must be a template name such as 'tokenizer' (the model's own template)."
    return None


def check_dtype(ctx: Context) -> Optional[str]:
    if ctx.form.dtype not in DTYPES:
        return f"Unknown dtype {ctx.form.dtype!r}: choose one of {', '.join(DTYPES)}."
    return None


def chosen_benchmarks(ctx: Context) -> tuple[str, ...]:
    return ctx.settings.benchmarks if ctx.form.benchmarks is None else ctx.form.benchmarks


def check_benchmarks(ctx: Context) -> Optional[str]:
    chosen, offered = chosen_benchmarks(ctx), ctx.settings.benchmarks
    if not chosen:
        return f"Tick at least one benchmark to evaluate on ({', '.join(offered)})."
    unknown = [b for b in chosen if b not in offered]
    if unknown:
        return f"{', '.join(unknown)} is not offered here: choose from {', '.join(offered)}."
    return None


def check_weekly_limit(ctx: Context) -> Optional[str]:
    limit = ctx.settings.max_submissions_per_week
    if limit == 0:
        return "This leaderboard is not taking submissions at the moment."
    recent = ctx.queue.by_submitter(ctx.form.submitter, ctx.now - RATE_WINDOW)
    next_slot = _next_slot(recent, limit, RATE_WINDOW)
    if next_slot is None:
        return None
    return (
        f"{ctx.form.submitter} has made {len(recent)} submissions in the last 7 days (the limit is {limit}); "
        f"the next one is possible after {next_slot:%Y-%m-%d %H:%M} UTC."
    )


def _next_slot(recent: Sequence[datetime], limit: int, window: timedelta) -> Optional[datetime]:
    """When one more submission fits `limit` per `window` again (`recent`: the times in the window, oldest
    first); None while there is room now."""
    if len(recent) < limit:
        return None
    return recent[len(recent) - limit] + window


def check_address_limit(ctx: Context) -> Optional[str]:
    """Where a name is typed (not on a Space), the weekly limit also holds per client address."""
    limit = ctx.settings.max_submissions_per_week
    if ctx.settings.on_space or not ctx.form.client or limit == 0:  # 0: the weekly check says it
        return None
    recent = ctx.queue.by_address(ctx.form.client, ctx.now - RATE_WINDOW)
    next_slot = _next_slot(recent, limit, RATE_WINDOW)
    if next_slot is None:
        return None
    return (
        f"{len(recent)} submissions came from your address in the last 7 days, under any name (the limit "
        f"is {limit}); the next one is possible after {next_slot:%Y-%m-%d %H:%M} UTC."
    )


def check_hourly_cap(ctx: Context) -> Optional[str]:
    """The host's cap on everyone together: a flood of names and addresses still stops here."""
    cap = ctx.settings.max_submissions_per_hour
    recent = ctx.queue.by_everyone(ctx.now - HOURLY_WINDOW)
    next_slot = _next_slot(recent, cap, HOURLY_WINDOW)
    if next_slot is None:
        return None
    return (
        f"This leaderboard has taken {len(recent)} submissions in the last hour, its limit; try again "
        f"after {next_slot:%H:%M} UTC."
    )


# The limits, shared with the policy form (one policy submission counts once).
LIMIT_CHECKS: tuple[Check, ...] = (check_weekly_limit, check_address_limit, check_hourly_cap)


FORM_CHECKS: tuple[Check, ...] = (
    check_text_fields,
    check_submitter,
    check_model_id,
    check_revision,
    check_model_type,
    check_reference_model,
    check_judge_format,
    check_critiques,
    check_chat_template,
    check_dtype,
    check_benchmarks,
    *LIMIT_CHECKS,
)


# ---- step 2, for a local folder -----------------------------------------------------------------------


def _read(named: Named, settings: AppSettings):
    try:
        return read_folder(Path(named.locator), named.typed, named.shown, local_roots(settings))
    except FolderProblem as problem:
        raise Refused(str(problem)) from None


def folder_facts(api: HfApi, settings: AppSettings, model: Named, revision: str) -> HubFacts:
    facts = _read(model, settings)
    return HubFacts(
        sha=facts.revision,
        files=facts.files,
        num_parameters=facts.num_parameters,
        license=None,
        needs_remote_code=facts.needs_remote_code,
    )


def folder_pin(api: HfApi, settings: AppSettings, ref: Named) -> str:
    return _read(ref, settings).revision


def _folder_named(typed: str, what: str, settings: AppSettings) -> Named:
    try:
        folder = local_roots(settings).locate(typed)
    except FolderProblem as problem:
        raise Refused(str(problem)) from None
    try:
        org, name = storage_name(str(folder), is_local_path=True)
    except InvalidModelName as exc:
        raise Refused(f"The {what} folder is named on the leaderboard by its last two names; {exc}.") from None
    return Named("folder", str(folder), org, name, typed)


def name_model(typed: str, what: str, settings: AppSettings) -> Named:
    """Where the model lives and how it is named (the form checks have passed)."""
    if _is_folder(typed, settings):
        return _folder_named(typed, what, settings)
    return Named("hub", typed, *storage_name(typed), typed)


# ---- step 3: what the Hub or the folder said ---------------------------------------------------------


def check_safetensors(ctx: Context) -> Optional[str]:
    if not any(f.endswith(".safetensors") for f in ctx.hub.files):
        return (
            f"{ctx.model.shown} has no safetensors weights at this revision. Convert the weights to "
            "safetensors (pickle files can run code when loaded), then submit again."
        )
    return None


def check_readable(ctx: Context) -> Optional[str]:
    return ctx.hub.read_error


def check_remote_code(ctx: Context) -> Optional[str]:
    if ctx.hub.needs_remote_code and not ctx.settings.allow_remote_code:
        return (
            f"{ctx.model.shown} needs custom code (trust_remote_code), which this leaderboard does not "
            "run. Submit a model that loads with the standard transformers classes."
        )
    return None


def check_license(ctx: Context) -> Optional[str]:
    if not ctx.hub.license:
        return (
            f"{ctx.model.shown} states no license. Add one to its model card (the `license:` field), "
            "then submit again."
        )
    return None


def duplicates(ctx: Context) -> dict[str, EvalRequest]:
    """Chosen benchmark -> the request that already has this model at this commit on it."""
    found: dict[str, EvalRequest] = {}
    for request in ctx.queue.of_model(ctx.model.org, ctx.model.name):
        if (
            request.revision_resolved == ctx.hub.sha
            and request.benchmark in chosen_benchmarks(ctx)
            and request.status in BLOCKING_STATUSES
        ):
            found.setdefault(request.benchmark, request)
    return found


def _already(requests: Sequence[EvalRequest]) -> str:
    return "; ".join(
        f"{r.status.value.lower()} on {r.benchmark} (request {r.request_id})" for r in requests
    )


def check_not_duplicate(ctx: Context) -> Optional[str]:
    """Refuses only when every chosen benchmark already has this model at this commit."""
    found = duplicates(ctx)
    if len(found) < len(chosen_benchmarks(ctx)):
        return None
    return (
        f"{ctx.model.shown} at {short_revision(ctx.hub.sha)} is already "
        f"{_already(list(found.values()))}; see the Queue tab."
    )


def check_name_not_taken(ctx: Context) -> Optional[str]:
    """A folder is named by its last two names, which anyone can choose: it may not take the name of
    a model another submitter queued (`acme/rm` on the host would pass for the Hub's acme/rm)."""
    others = {
        r.submitter for r in ctx.queue.of_model(ctx.model.org, ctx.model.name) if r.submitter != ctx.form.submitter
    }
    if not others:
        return None
    return (
        f"{ctx.model.shown} is already the name of a model another submitter queued; a folder is named by "
        "its last two names, so rename the folder (or its parent) and submit again."
    )


HUB_CHECKS: tuple[Check, ...] = (
    check_safetensors,
    check_readable,
    check_remote_code,
    check_license,
    check_not_duplicate,
)
# A folder on the host has no model card to state a license, and nothing to probe for access.
# The same content again is a duplicate (said as such) before it is a name taken.
FOLDER_CHECKS: tuple[Check, ...] = (check_safetensors, check_remote_code, check_not_duplicate, check_name_not_taken)


@dataclass(frozen=True)
class Source:
    """Where a model lives: how its facts are read, how a reference is pinned, what is checked."""

    facts: Callable[[HfApi, AppSettings, Named, str], HubFacts]
    pin: Callable[[HfApi, AppSettings, Named], str]
    checks: tuple[Check, ...]


SOURCES: dict[str, Source] = {
    "hub": Source(hub_facts, hub_pin, HUB_CHECKS),
    "folder": Source(folder_facts, folder_pin, FOLDER_CHECKS),
}


def look_up(api: HfApi, ctx: Context) -> Context:
    """Step 2: name the model and its reference, and read what their sources say."""
    model = name_model(ctx.form.model, "model", ctx.settings)
    ref = name_model(ctx.form.ref_model, "reference model", ctx.settings) if ctx.form.ref_model else None
    facts = SOURCES[model.source].facts(api, ctx.settings, model, ctx.form.revision)
    ref_sha = SOURCES[ref.source].pin(api, ctx.settings, ref) if ref else None
    return replace(ctx, model=model, ref=ref, hub=replace(facts, ref_sha=ref_sha))


def first_refusal(checks: Sequence[Check], ctx: Context) -> Optional[Refused]:
    for check in checks:
        reason = check(ctx)
        if reason:
            return Refused(reason, rule=check.__name__)
    return None


# ---- the request --------------------------------------------------------------------------------------


def request_id(now: datetime, sha: str, benchmark: str) -> str:
    return f"{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}-{sha.removeprefix(LOCAL_PREFIX)[:8]}-{benchmark}"


def build_requests(ctx: Context) -> list[EvalRequest]:
    """One request per chosen benchmark that does not have this model at this commit yet."""
    done = duplicates(ctx)
    return [build_request(ctx, b) for b in chosen_benchmarks(ctx) if b not in done]


def build_request(ctx: Context, benchmark: str) -> EvalRequest:
    model, ref = ctx.model, ctx.ref
    return EvalRequest(
        request_id=request_id(ctx.now, ctx.hub.sha, benchmark),
        model=model.locator,
        org=model.org,
        name=model.name,
        revision=ctx.form.revision,
        revision_resolved=ctx.hub.sha,
        model_type=ctx.form.model_type,
        judge_format=ctx.form.judge_format or None,
        **_critique_fields(ctx.form),
        ref_model=ref.locator if ref else None,
        ref_revision=DEFAULT_REVISION if ref else None,
        ref_revision_resolved=ctx.hub.ref_sha,
        benchmark=benchmark,
        dtype=ctx.form.dtype,
        chat_template=ctx.form.chat_template,
        submitter=ctx.form.submitter,
        num_parameters=ctx.hub.num_parameters,
        license=ctx.hub.license,
        status=Status.PENDING,
        submitted_at=ctx.now,
    )


def _critique_fields(form: SubmissionForm) -> dict:
    """Only a critique model's request carries its critique settings (the others keep the defaults)."""
    if not _can(form.model_type, "writes_critiques"):
        return {}
    return {"num_critiques": form.num_critiques, "critique_temperature": form.critique_temperature}


def _can(model_type: str, capability: str) -> bool:
    """Whether `model_type` has `capability` (results/model_types.py); an unknown type has none."""
    kind = MODEL_TYPES.get(model_type)
    return kind is not None and getattr(kind, capability)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _log_refusal(form: SubmissionForm, reason: Refused) -> None:
    """One line per refusal; a Hub outage is a warning with its cause, never a traceback."""
    if reason.cause:
        log.warning("submission of %s refused, the Hub did not answer: %s", for_log(form.model), reason.cause)
    else:
        log.info("submission of %s refused: %s", for_log(form.model), for_log(str(reason), 400))


def _queued_message(requests: Sequence[EvalRequest], skipped: Sequence[EvalRequest]) -> str:
    first = requests[0]
    on = " and ".join(r.benchmark for r in requests)
    ids = ", ".join(r.request_id for r in requests)
    plural = "s" if len(requests) > 1 else ""
    message = (
        f"Queued {first.org}/{first.name} at {short_revision(first.revision_resolved)} on {on} as "
        f"request{plural} {ids}. Follow {'them' if plural else 'it'} in the Queue tab."
    )
    if plural:
        message += " This counts as one submission toward the weekly limit."
    if skipped:
        message += f" Not queued again where it is already {_already(skipped)}."
    return message


class Submissions:
    """Checks submissions and queues the good ones in `store`.

    Within this process, checking and queueing are one step (a lock), so two quick clicks cannot
    both pass the duplicate and weekly-limit checks. The store's own view of the queue is used as
    it is (the app refreshes it on a schedule; a store sees its own writes at once).
    """

    def __init__(
        self,
        store: Store,
        settings: AppSettings,
        api: Optional[HfApi] = None,
        clock: Callable[[], datetime] = _utcnow,
        queue: Optional[QueueIndex] = None,
    ):
        self.store = store
        self.settings = settings
        self.api = api or hub_api(settings)
        self._clock = clock
        self._lock = threading.Lock()
        # Shared with the policy form and replaced by the app's refresh (`ui.build_app`).
        self.queue = queue or QueueIndex(store.list_requests)

    def submit(self, form: SubmissionForm) -> Outcome:
        form = form.cleaned()
        with self._lock:
            try:
                requests, skipped = self._checked_requests(form)
            except Refused as reason:
                _log_refusal(form, reason)
                return Outcome((), str(reason), reason.rule)
            queued, failure = self._queue(requests, form.client)
        if not queued:
            return Outcome((), failure)
        for request in queued:
            log.info(
                "queued %s (%s@%s) for %s",
                request.request_id,
                request.model,
                request.revision_resolved,
                request.submitter,
            )
        message = _queued_message(queued, skipped) + (f" {failure}" if failure else "")
        return Outcome(tuple(queued), message)

    def _queue(self, requests: Sequence[EvalRequest], client: str = "") -> tuple[list[EvalRequest], str]:
        """Add `requests` in order; stops at the first that cannot be added, and says why."""
        queued: list[EvalRequest] = []
        for request in requests:
            try:
                self.store.add_request(request)
            except FileExistsError:
                return queued, "This submission was queued a moment ago; see the Queue tab."
            except Exception:  # the store could not be written: say so, keep the page alive
                log.exception("queueing %r failed", request.request_id)
                nothing = "the rest was not queued" if queued else "nothing was queued"
                return queued, f"The queue could not be written just now; {nothing}. Try again later."
            queued.append(request)
            self.queue.add(request, client)
        return queued, ""

    def _checked_requests(self, form: SubmissionForm) -> tuple[list[EvalRequest], list[EvalRequest]]:
        """The requests to queue, and the existing requests of the chosen benchmarks left out."""
        ctx = Context(form, self.settings, self.queue, self._clock())
        refusal = first_refusal(FORM_CHECKS, ctx)
        if refusal:
            raise refusal
        ctx = look_up(self.api, ctx)
        refusal = first_refusal(SOURCES[ctx.model.source].checks, ctx)
        if refusal:
            raise refusal
        return build_requests(ctx), list(duplicates(ctx).values())
