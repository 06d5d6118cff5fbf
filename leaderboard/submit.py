"""A submission form -> a checked EvalRequest in the queue, or the reason it was refused.

Checks run in three steps, cheapest first, and the first refusal wins:
1. `FORM_CHECKS`: the fields alone, and the submitter's weekly limit (no network);
2. one look at the Hub (`fetch_hub_facts`): the model exists at that revision (resolved to a commit
   sha), its weights can be read with the host's token, and the reference model exists (DPO);
3. `HUB_CHECKS`: what the Hub said (safetensors weights, no remote code, a license) and that the
   same model, commit and benchmark is not already pending, running or finished.
Each check is a small function returning a refusal (a sentence for the submitter) or None; a new
rule is one function plus one line in its tuple.

The Hub is reached through the `HfApi` given (built from the app settings), so tests and mirrors
point it elsewhere with `HF_ENDPOINT`.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional, Sequence

from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from results.model_types import MODEL_TYPES
from results.names import InvalidModelName, storage_name
from results.schema import EvalRequest, Status
from results.store import Store

from .settings import AppSettings

log = logging.getLogger(__name__)

DTYPES: tuple[str, ...] = ("auto", "bfloat16", "float16", "float32")
RATE_WINDOW = timedelta(days=7)
BLOCKING_STATUSES = (Status.PENDING, Status.RUNNING, Status.FINISHED)
_REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")
_TEMPLATE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_SUBMITTER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")


class Refused(Exception):
    """A submission that cannot be queued; the message is shown to the submitter as is."""


@dataclass(frozen=True)
class SubmissionForm:
    model: str
    revision: str = "main"
    model_type: str = "classifier"
    ref_model: str = ""
    chat_template: str = "tokenizer"
    dtype: str = "auto"
    submitter: str = ""

    def cleaned(self) -> "SubmissionForm":
        return SubmissionForm(
            model=self.model.strip(),
            revision=self.revision.strip() or "main",
            model_type=self.model_type.strip(),
            ref_model=self.ref_model.strip(),
            chat_template=self.chat_template.strip() or "tokenizer",
            dtype=self.dtype.strip() or "auto",
            submitter=self.submitter.strip(),
        )


@dataclass(frozen=True)
class HubFacts:
    """What the Hub says about the submitted model (and its reference model)."""

    sha: str
    files: tuple[str, ...]
    num_parameters: Optional[int]
    license: Optional[str]
    needs_remote_code: bool
    read_error: Optional[str] = None
    ref_sha: Optional[str] = None


@dataclass(frozen=True)
class Context:
    form: SubmissionForm
    settings: AppSettings
    requests: Sequence[EvalRequest]
    now: datetime
    hub: Optional[HubFacts] = None


@dataclass(frozen=True)
class Outcome:
    request: Optional[EvalRequest]
    message: str

    @property
    def accepted(self) -> bool:
        return self.request is not None


Check = Callable[[Context], Optional[str]]


# ---- step 1: the form alone ---------------------------------------------------------------------


def check_submitter(ctx: Context) -> Optional[str]:
    if not ctx.form.submitter:
        return "Say who is submitting: sign in with Hugging Face, or fill in your name (your Hub username)."
    if not _SUBMITTER.match(ctx.form.submitter):
        return "The submitter name may use letters, digits, '.', '_' and '-' only (like a Hub username)."
    return None


def _model_id_problem(model: str, what: str) -> Optional[str]:
    try:
        storage_name(model)
    except InvalidModelName:
        return (
            f"The {what} must be a Hub model id like 'org/name' (letters, digits, '.', '_', '-'); "
            f"got {model!r}."
        )
    return None


def check_model_id(ctx: Context) -> Optional[str]:
    return _model_id_problem(ctx.form.model, "model")


def check_revision(ctx: Context) -> Optional[str]:
    if not _REVISION.match(ctx.form.revision):
        return f"The revision {ctx.form.revision!r} is not a branch, tag or commit name."
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
    return _model_id_problem(ctx.form.ref_model, "reference model") if ctx.form.ref_model else None


def check_chat_template(ctx: Context) -> Optional[str]:
    if not _TEMPLATE.match(ctx.form.chat_template):
        return "The chat template must be a template name such as 'tokenizer' (the model's own template)."
    return None


def check_dtype(ctx: Context) -> Optional[str]:
    if ctx.form.dtype not in DTYPES:
        return f"Unknown dtype {ctx.form.dtype!r}: choose one of {', '.join(DTYPES)}."
    return None


def check_weekly_limit(ctx: Context) -> Optional[str]:
    limit = ctx.settings.max_submissions_per_week
    since = ctx.now - RATE_WINDOW
    recent = sorted(
        r.submitted_at for r in ctx.requests if r.submitter == ctx.form.submitter and r.submitted_at > since
    )
    if len(recent) < limit:
        return None
    if limit == 0:
        return "This leaderboard is not taking submissions at the moment."
    next_slot = recent[len(recent) - limit] + RATE_WINDOW
    return (
        f"{ctx.form.submitter} has made {len(recent)} submissions in the last 7 days (the limit is {limit}); "
        f"the next one is possible after {next_slot:%Y-%m-%d %H:%M} UTC."
    )


FORM_CHECKS: tuple[Check, ...] = (
    check_submitter,
    check_model_id,
    check_revision,
    check_model_type,
    check_reference_model,
    check_chat_template,
    check_dtype,
    check_weekly_limit,
)


# ---- step 2: one look at the Hub ------------------------------------------------------------------


def _hub_failure(exc: Exception, model: str, revision: str) -> Refused:
    """Turn a Hub client error into a sentence for the submitter."""
    if isinstance(exc, RevisionNotFoundError):
        return Refused(f"{model} has no revision {revision!r} on the Hub.")
    if isinstance(exc, RepositoryNotFoundError):
        return Refused(
            f"{model} was not found on the Hub, or it is private. Check the id, or make the model public."
        )
    if isinstance(exc, OfflineModeIsEnabled):
        return Refused("This server cannot reach the Hub (offline mode), so it cannot check submissions now.")
    log.warning("Hub lookup of %s@%s failed: %s", model, revision, exc)
    return Refused(
        f"The Hub did not answer about {model} ({type(exc).__name__}); nothing was queued, try again later."
    )


_HUB_ERRORS = (HfHubHTTPError, OfflineModeIsEnabled, OSError)


def _weights_probe_problem(
    api: HfApi, model: str, sha: str, filename: str, token: Optional[str]
) -> Optional[str]:
    """Can the evaluator download the weights with the host's token? (A gated model may say no.)"""
    try:
        api.get_hf_file_metadata(
            url=hf_hub_url(model, filename, revision=sha, endpoint=api.endpoint), token=token
        )
    except GatedRepoError:
        return (
            f"{model} is gated and this leaderboard has not been given access. "
            "Grant access to the leaderboard's account, or make the model ungated."
        )
    except _HUB_ERRORS as exc:
        return f"{model}'s files could not be read ({type(exc).__name__}); nothing was queued."
    return None


def _license_of(info) -> Optional[str]:
    card = info.card_data.to_dict() if info.card_data is not None else {}
    if card.get("license"):
        return str(card["license"])
    tags = [tag.removeprefix("license:") for tag in (info.tags or []) if tag.startswith("license:")]
    return tags[0] if tags else None


def _resolve(api: HfApi, model: str, revision: str, token: Optional[str]):
    try:
        return api.model_info(model, revision=revision, files_metadata=True, token=token)
    except _HUB_ERRORS as exc:
        raise _hub_failure(exc, model, revision) from None


def fetch_hub_facts(api: HfApi, form: SubmissionForm, token: Optional[str]) -> HubFacts:
    info = _resolve(api, form.model, form.revision, token)
    files = tuple(s.rfilename for s in info.siblings or ())
    weights = [f for f in files if f.endswith(".safetensors")]
    read_error = _weights_probe_problem(api, form.model, info.sha, weights[0], token) if weights else None
    ref_sha = _resolve(api, form.ref_model, "main", token).sha if form.ref_model else None
    return HubFacts(
        sha=info.sha,
        files=files,
        num_parameters=info.safetensors.total if info.safetensors else None,
        license=_license_of(info),
        needs_remote_code=bool((info.config or {}).get("auto_map")),
        read_error=read_error,
        ref_sha=ref_sha,
    )


# ---- step 3: what the Hub said ----------------------------------------------------------------------


def check_safetensors(ctx: Context) -> Optional[str]:
    if not any(f.endswith(".safetensors") for f in ctx.hub.files):
        return (
            f"{ctx.form.model} has no safetensors weights at this revision. Convert the weights to "
            "safetensors (pickle files can run code when loaded), then submit again."
        )
    return None


def check_readable(ctx: Context) -> Optional[str]:
    return ctx.hub.read_error


def check_remote_code(ctx: Context) -> Optional[str]:
    if ctx.hub.needs_remote_code and not ctx.settings.allow_remote_code:
        return (
            f"{ctx.form.model} needs custom code from its repo (trust_remote_code), which this leaderboard "
            "does not run. Submit a model that loads with the standard transformers classes."
        )
    return None


def check_license(ctx: Context) -> Optional[str]:
    if not ctx.hub.license:
        return (
            f"{ctx.form.model} states no license. Add one to its model card (the `license:` field), "
            "then submit again."
        )
    return None


def check_not_duplicate(ctx: Context) -> Optional[str]:
    for request in ctx.requests:
        if (
            request.model == ctx.form.model
            and request.revision_resolved == ctx.hub.sha
            and request.benchmark == ctx.settings.benchmark
            and request.status in BLOCKING_STATUSES
        ):
            return (
                f"{ctx.form.model} at commit {ctx.hub.sha[:7]} is already {request.status.value.lower()} on "
                f"{request.benchmark} (request {request.request_id}); see the Queue tab."
            )
    return None


HUB_CHECKS: tuple[Check, ...] = (
    check_safetensors,
    check_readable,
    check_remote_code,
    check_license,
    check_not_duplicate,
)


def first_refusal(checks: Sequence[Check], ctx: Context) -> Optional[str]:
    for check in checks:
        reason = check(ctx)
        if reason:
            return reason
    return None


# ---- the request --------------------------------------------------------------------------------------


def request_id(now: datetime, sha: str, benchmark: str) -> str:
    return f"{now.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}-{sha[:8]}-{benchmark}"


def build_request(ctx: Context) -> EvalRequest:
    org, name = storage_name(ctx.form.model)
    return EvalRequest(
        request_id=request_id(ctx.now, ctx.hub.sha, ctx.settings.benchmark),
        model=ctx.form.model,
        org=org,
        name=name,
        revision=ctx.form.revision,
        revision_resolved=ctx.hub.sha,
        model_type=ctx.form.model_type,
        ref_model=ctx.form.ref_model or None,
        ref_revision=ctx.hub.ref_sha,
        benchmark=ctx.settings.benchmark,
        dtype=ctx.form.dtype,
        chat_template=ctx.form.chat_template,
        submitter=ctx.form.submitter,
        num_parameters=ctx.hub.num_parameters,
        license=ctx.hub.license,
        status=Status.PENDING,
        submitted_at=ctx.now,
    )


def hub_api(settings: AppSettings) -> HfApi:
    """The Hub client of the app: the host's endpoint (mirror or emulator) and token."""
    return HfApi(endpoint=settings.hub_endpoint, token=settings.token)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


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
    ):
        self.store = store
        self.settings = settings
        self.api = api or hub_api(settings)
        self._clock = clock
        self._lock = threading.Lock()

    def submit(self, form: SubmissionForm) -> Outcome:
        with self._lock:
            try:
                request = self._checked_request(form.cleaned())
                self.store.add_request(request)
            except Refused as reason:
                log.info("submission of %r refused: %s", form.model, reason)
                return Outcome(None, str(reason))
            except FileExistsError:
                return Outcome(None, "This submission was queued a moment ago; see the Queue tab.")
            except Exception:  # the store could not be written: say so, keep the page alive
                log.exception("queueing %r failed", form.model)
                return Outcome(
                    None, "The queue could not be written just now; nothing was queued. Try again later."
                )
        log.info(
            "queued %s (%s@%s) for %s",
            request.request_id,
            request.model,
            request.revision_resolved,
            request.submitter,
        )
        return Outcome(
            request,
            f"Queued {request.model} at commit {request.revision_resolved[:7]} as request "
            f"{request.request_id}. Follow it in the Queue tab.",
        )

    def _checked_request(self, form: SubmissionForm) -> EvalRequest:
        ctx = Context(form, self.settings, self.store.list_requests(), self._clock())
        reason = first_refusal(FORM_CHECKS, ctx)
        if reason:
            raise Refused(reason)
        ctx = replace(ctx, hub=fetch_hub_facts(self.api, form, self.settings.token))
        reason = first_refusal(HUB_CHECKS, ctx)
        if reason:
            raise Refused(reason)
        return build_request(ctx)
