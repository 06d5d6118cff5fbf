"""Step 2 of a submission on the Hub: one look at the model (and its reference), as `HubFacts`.

What a look-up returns is shared with the local-folder look-up (`submit.py`): `Named` (the model
once its source is known) and `HubFacts` (what the Hub, or a folder, says); a look-up that cannot
go on raises `Refused` with the sentence for the submitter. Every Hub client error is explained by
one entry of `HUB_FAILURES` (first match wins); an outage (no connection, a timeout: httpx2, the
client huggingface_hub uses, raises TransportError) is logged as one line by the caller, never a
traceback. Every call waits at most RMLB_HUB_TIMEOUT_S.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import httpx2  # huggingface_hub's HTTP client: its errors are how an unreachable Hub shows
from huggingface_hub import HfApi, hf_hub_url
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
    RevisionNotFoundError,
)

from ..app_settings import AppSettings

DEFAULT_REVISION = "main"


class Refused(Exception):
    """A submission that cannot be queued; the message is shown to the submitter as is.

    `rule` names the check that refused it; `cause` (for the log only) says what failed when the
    refusal is the Hub's fault rather than the submission's."""

    def __init__(self, message: str, *, rule: Optional[str] = None, cause: Optional[str] = None):
        super().__init__(message)
        self.rule = rule
        self.cause = cause


@dataclass(frozen=True)
class Named:
    """A submitted model, once its source is known."""

    source: str  # a key of submit.SOURCES
    locator: str  # what the worker opens: the Hub id, or the folder's absolute path
    org: str
    name: str
    typed: str  # as the submitter typed it

    @property
    def shown(self) -> str:
        return f"{self.org}/{self.name}"


@dataclass(frozen=True)
class HubFacts:
    """What the Hub (or the model's folder) says about the submitted model and its reference."""

    sha: str  # the commit sha, or local-<content hash>
    files: tuple[str, ...]
    num_parameters: Optional[int]
    license: Optional[str]
    needs_remote_code: bool
    read_error: Optional[str] = None
    ref_sha: Optional[str] = None




@dataclass(frozen=True)
class HubFailure:
    """How one kind of Hub client error is explained; `outage` when the Hub, not the model, failed."""

    error: type[BaseException]
    message: Callable[[str, str], str]  # (model, revision) -> the sentence for the submitter
    outage: bool = False


_NOT_ANSWERED = "The Hub did not answer"
# First match wins: the not-found errors are HTTP errors too, and come before the catch-all.
HUB_FAILURES: tuple[HubFailure, ...] = (
    HubFailure(RevisionNotFoundError, lambda model, revision: f"{model} has no revision {revision!r} on the Hub."),
    HubFailure(
        RepositoryNotFoundError,
        lambda model, _: f"{model} was not found on the Hub, or it is private. "
        "Check the id, or make the model public.",
    ),
    HubFailure(
        OfflineModeIsEnabled,
        lambda *_: "This server cannot reach the Hub (offline mode), so it cannot check submissions now.",
    ),
    HubFailure(
        httpx2.TransportError,  # refused connections, unknown hosts, timeouts
        lambda model, _: f"{_NOT_ANSWERED} (it could not be reached, or took too long) while checking "
        f"{model}; nothing was queued. Try again later.",
        outage=True,
    ),
    HubFailure(
        Exception,
        lambda model, _: f"{_NOT_ANSWERED} properly about {model} (an error on its side); nothing was "
        "queued. Try again later.",
        outage=True,
    ),
)
_HUB_ERRORS = (HfHubHTTPError, OfflineModeIsEnabled, httpx2.TransportError, OSError)


def _first_line(exc: BaseException) -> str:
    text = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _hub_failure(exc: BaseException, model: str, revision: str) -> Refused:
    """Turn a Hub client error into a sentence for the submitter (and, for an outage, a cause to log)."""
    failure = next(f for f in HUB_FAILURES if isinstance(exc, f.error))
    return Refused(failure.message(model, revision), cause=_first_line(exc) if failure.outage else None)


def _weights_probe_problem(
    api: HfApi, model: str, sha: str, filename: str, settings: AppSettings
) -> Optional[str]:
    """Can the evaluator download the weights with the host's token? (A gated model may say no.)"""
    try:
        api.get_hf_file_metadata(
            url=hf_hub_url(model, filename, revision=sha, endpoint=api.endpoint),
            token=settings.token,
            timeout=settings.hub_timeout_s,
        )
    except GatedRepoError:
        return (
            f"{model} is gated and this leaderboard has not been given access. "
            "Grant access to the leaderboard's account, or make the model ungated."
        )
    except httpx2.TransportError as exc:
        raise _hub_failure(exc, model, sha) from None
    except _HUB_ERRORS as exc:
        return f"{model}'s files could not be read ({type(exc).__name__}); nothing was queued."
    return None


def _license_of(info) -> Optional[str]:
    card = info.card_data.to_dict() if info.card_data is not None else {}
    if card.get("license"):
        return str(card["license"])
    tags = [tag.removeprefix("license:") for tag in (info.tags or []) if tag.startswith("license:")]
    return tags[0] if tags else None


def _resolve(api: HfApi, model: str, revision: str, settings: AppSettings):
    try:
        return api.model_info(
            model, revision=revision, files_metadata=True, token=settings.token, timeout=settings.hub_timeout_s
        )
    except _HUB_ERRORS as exc:
        raise _hub_failure(exc, model, revision) from None


def hub_facts(api: HfApi, settings: AppSettings, model: Named, revision: str) -> HubFacts:
    info = _resolve(api, model.locator, revision, settings)
    files = tuple(s.rfilename for s in info.siblings or ())
    weights = [f for f in files if f.endswith(".safetensors")]
    read_error = _weights_probe_problem(api, model.locator, info.sha, weights[0], settings) if weights else None
    return HubFacts(
        sha=info.sha,
        files=files,
        num_parameters=info.safetensors.total if info.safetensors else None,
        license=_license_of(info),
        needs_remote_code=bool((info.config or {}).get("auto_map")),
        read_error=read_error,
    )


def hub_pin(api: HfApi, settings: AppSettings, ref: Named) -> str:
    """A reference model's commit at `main` (the form has no reference revision)."""
    return _resolve(api, ref.locator, DEFAULT_REVISION, settings).sha


def hub_api(settings: AppSettings) -> HfApi:
    """The Hub client of the app: the host's endpoint (mirror or emulator) and token."""
    return HfApi(endpoint=settings.hub_endpoint, token=settings.token)
