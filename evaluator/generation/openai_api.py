"""A judge served by any OpenAI-compatible chat endpoint (a hosted API, vLLM, `transformers serve`).

Requests go out from a small thread pool, at most `concurrency` at a time, through one pooled
httpx client. Each request is retried with exponential backoff (plus a little jitter) when the
server is busy or failing (429, 5xx), unreachable, or silent past `timeout_s`; a Retry-After header
in seconds is honoured, capped at `max_backoff_s`. Other 4xx answers fail at once: retrying a bad
request or a wrong key cannot help; except a prompt the server refuses as longer than the model's
context (OpenAI's `context_length_exceeded`, vLLM's and TGI's wording): that prompt gets a
generation marked `refused_too_long`, with the server's reason, and the run goes on.

The API key is read once from the environment variable the user names, kept in a `SecretStr`,
sent only in the Authorization header, and cut out of any server text quoted in an error (some
APIs echo the key they were sent), so it never reaches a message, a log line or a result.
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Optional, Sequence

import httpx
from pydantic import SecretStr

from ..decoding import Decoding
from ..errors import ConfigError
from ..progress import ProgressBar
from .base import Generation, GenerationFailed, GenerationBackend, Message, Usage

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 429}) | frozenset(range(500, 600))
ERROR_TEXT_LIMIT = 300  # characters of a server's error message quoted back to the user
JITTER = 0.25  # each backoff is stretched by up to this share, so parallel retries spread out
# How servers say a prompt does not fit: OpenAI's error code, and the words of OpenAI, vLLM
# ("maximum context length is ... tokens"), TGI ("must be <= ..." on 422) and others ("too long").
CONTEXT_ERROR_CODES = frozenset({"context_length_exceeded", "string_above_max_length"})
CONTEXT_ERROR_STATUSES = frozenset({400, 413, 422})
CONTEXT_ERROR_WORDS = re.compile(
    r"context (length|window)|maximum context|too long|too many tokens|max_model_len|must be <= \d+", re.IGNORECASE
)


@dataclass(frozen=True)
class _Failure:
    """Why one try did not produce a generation; `retryable` says whether another try may help;
    `too_long`: the prompt does not fit the model's context (an answer for that prompt, not a failure)."""

    reason: str
    retryable: bool
    retry_after_s: Optional[float] = None
    too_long: bool = False


def read_api_key(variable: Optional[str]) -> Optional[SecretStr]:
    """The key held by environment variable `variable` (None when no variable is named)."""
    if not variable:
        return None
    value = os.environ.get(variable, "").strip()
    if not value:
        raise ConfigError(
            f"the environment variable {variable} (named by --api-key-env) is unset or empty; "
            f"export the judge API's key in {variable}, or leave --api-key-env out for a server "
            "that needs no key"
        )
    return SecretStr(value)


def retry_after_seconds(response: httpx.Response) -> Optional[float]:
    """The Retry-After header as seconds; None when absent or given as an HTTP date."""
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    return max(seconds, 0.0)


def _error_code(response: httpx.Response) -> str:
    """OpenAI's {"error": {"code"}} as text ("" when there is none)."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        return ""
    return str(error.get("code") or "") if isinstance(error, dict) else ""


def _says_too_long(response: httpx.Response, message: str) -> bool:
    if response.status_code not in CONTEXT_ERROR_STATUSES:
        return False
    return _error_code(response) in CONTEXT_ERROR_CODES or bool(CONTEXT_ERROR_WORDS.search(message))


def _error_text(response: httpx.Response) -> str:
    """The server's own error message: OpenAI's {"error": {"message"}}, FastAPI's "detail", or text."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if error or body.get("detail") or body.get("message"):
            return str(error or body.get("detail") or body.get("message"))
    return response.text.strip()


def _generation(body: Any) -> Generation:
    """choices[0].message.content and the usage counts (0 where the server reports none)."""
    try:
        content = body["choices"][0]["message"].get("content")
    except (KeyError, IndexError, TypeError, AttributeError):
        raise ValueError("no choices[0].message in the answer") from None
    usage = body.get("usage") if isinstance(body, dict) else None
    usage = usage if isinstance(usage, dict) else {}
    return Generation(
        text=content if isinstance(content, str) else "",  # null content (a refusal): no verdict
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
    )


class OpenAICompatibleBackend(GenerationBackend):
    """Chat completions from `{api_base}/chat/completions`, e.g. api_base="http://127.0.0.1:8000/v1"."""

    def __init__(
        self,
        api_base: str,
        model: str,
        api_key_env: Optional[str] = None,
        concurrency: int = 8,
        timeout_s: float = 60.0,
        max_retries: int = 5,
        backoff_s: float = 1.0,
        max_backoff_s: float = 30.0,
        seed: int = 0,
    ):
        _check_settings(api_base, model, concurrency, timeout_s, max_retries, backoff_s, max_backoff_s)
        self.api_base = api_base.rstrip("/")
        self.model = model
        self.identity = f"{model}@{self.api_base}"
        self.usage = Usage()
        self.concurrency = concurrency
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self._key = read_api_key(api_key_env)
        self._jitter = random.Random(seed)  # seeded: a rerun waits the same (small) extra times
        self._lock = threading.Lock()
        self._giving_up = threading.Event()  # set when a call has failed: its other requests stop
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout_s),
            limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        )
        self._pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="judge-api")

    def __repr__(self) -> str:
        return f"OpenAICompatibleBackend({self.identity!r}, concurrency={self.concurrency})"

    def generate(self, conversations: Sequence[list[Message]], decoding: Decoding) -> list[Generation]:
        self._giving_up.clear()
        # Counted for the worker's progress only: no bar on screen, as before.
        bar = ProgressBar(total=len(conversations), desc="judge calls", unit="call", disable=True)
        futures = [self._pool.submit(self._complete_or_give_up, messages, decoding) for messages in conversations]
        for future in futures:
            future.add_done_callback(lambda _: bar.update(1))
        done, pending = wait(futures, return_when=FIRST_EXCEPTION)
        failed = [future for future in futures if future in done and future.exception() is not None]
        if failed:
            # Requests not yet sent are dropped, those in flight stop retrying, and the call returns
            # only once they are over: no request of a failed call reaches the server afterwards.
            for future in pending:
                future.cancel()
            wait(pending)
            raise failed[0].exception()
        return [future.result() for future in futures]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    # ---- one request -----------------------------------------------------------------------

    def _complete_or_give_up(self, messages: list[Message], decoding: Decoding) -> Generation:
        try:
            return self._complete(messages, decoding)
        except GenerationFailed:
            self._giving_up.set()  # at once, before this worker thread takes the next request
            raise

    def _complete(self, messages: list[Message], decoding: Decoding) -> Generation:
        payload = {
            "model": self.model,
            "messages": list(messages),
            "max_tokens": decoding.max_new_tokens,
            "temperature": decoding.temperature,
            "top_p": decoding.top_p,
            "seed": decoding.seed,
        }
        tries = self.max_retries + 1
        for attempt in range(tries):
            if self._giving_up.is_set():
                raise GenerationFailed(f"the judge API at {self.api_base}: abandoned, another request of the call failed")
            outcome = self._try_once(payload)
            if isinstance(outcome, Generation):
                with self._lock:
                    self.usage.add(outcome)
                return outcome
            if outcome.too_long:
                return Generation(outcome.reason, refused_too_long=True)
            if not outcome.retryable:
                raise GenerationFailed(f"the judge API at {self.api_base} {outcome.reason}")
            if attempt + 1 < tries:
                self._wait_before_retry(attempt, outcome)
        raise GenerationFailed(
            f"the judge API at {self.api_base} {outcome.reason}, on all {tries} tries "
            f"(1 + {self.max_retries} retries); check that the server is up and not overloaded, "
            "or lower the concurrency"
        )

    def _try_once(self, payload: dict) -> Generation | _Failure:
        url = f"{self.api_base}/chat/completions"
        try:
            response = self._client.post(url, json=payload, headers=self._headers())
        except httpx.TimeoutException:
            return _Failure(f"did not answer within {self.timeout_s:g} s", retryable=True)
        except httpx.TransportError as exc:
            return _Failure(f"could not be reached ({type(exc).__name__})", retryable=True)
        if not response.is_success:
            return self._http_failure(response)
        try:
            return _generation(response.json())
        except ValueError as exc:  # not JSON, or JSON of another shape: a wrong URL, most likely
            return _Failure(
                f"answered 200 with something other than a chat completion ({exc}); check that "
                f"--api-base ends where /chat/completions is served (usually .../v1)",
                retryable=False,
            )

    def _http_failure(self, response: httpx.Response) -> _Failure:
        status = response.status_code
        message = self._redacted(_error_text(response))
        if len(message) > ERROR_TEXT_LIMIT:
            message = message[:ERROR_TEXT_LIMIT] + "..."
        reason = f"answered {status}" + (f": {message}" if message else "")
        if _says_too_long(response, message):
            return _Failure(reason, retryable=False, too_long=True)
        retryable = status in RETRYABLE_STATUSES
        return _Failure(reason, retryable, retry_after_seconds(response) if retryable else None)

    def _wait_before_retry(self, attempt: int, failure: _Failure) -> None:
        if failure.retry_after_s is not None:
            delay = min(failure.retry_after_s, self.max_backoff_s)
        else:
            with self._lock:
                stretch = 1.0 + JITTER * self._jitter.random()
            delay = min(self.backoff_s * 2**attempt * stretch, self.max_backoff_s)
        with self._lock:
            self.usage.retries += 1
        log.warning(
            "the judge API at %s %s; retry %d of %d in %.2f s",
            self.api_base,
            failure.reason,
            attempt + 1,
            self.max_retries,
            delay,
        )
        time.sleep(delay)

    def _headers(self) -> dict[str, str]:
        if self._key is None:
            return {}
        return {"Authorization": f"Bearer {self._key.get_secret_value()}"}

    def _redacted(self, text: str) -> str:
        if self._key is None:
            return text
        return text.replace(self._key.get_secret_value(), "***")


def _check_settings(
    api_base: str,
    model: str,
    concurrency: int,
    timeout_s: float,
    max_retries: int,
    backoff_s: float,
    max_backoff_s: float,
) -> None:
    if not api_base.startswith(("http://", "https://")):
        raise ConfigError(
            f"--api-base must be an http:// or https:// URL (like http://127.0.0.1:8000/v1), got {api_base!r}"
        )
    if not model or not model.strip():
        raise ConfigError("the judge API needs a model name (the one the server serves)")
    if concurrency < 1 or max_retries < 0:
        raise ConfigError(
            f"concurrency must be >= 1 and max retries >= 0, got {concurrency} and {max_retries}"
        )
    if timeout_s <= 0 or backoff_s < 0 or max_backoff_s < 0:
        raise ConfigError("the judge API timeout must be > 0 s and the backoff times >= 0 s")
