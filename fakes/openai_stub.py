"""A scripted OpenAI-compatible chat server for tests and benches: exact replies, injected faults.

It serves `POST /v1/chat/completions` on 127.0.0.1 (a free port) from a background thread, answers
what the test scripts, and records every request (headers included) and the most requests it had
in flight at once.

    def reply(messages):  # the judge "reads" the prompt and picks the answer marked right
        return "[[A]]" if "right" in messages[-1]["content"] else "[[B]]"

    with OpenAIStub(reply=reply) as stub:
        backend = OpenAICompatibleBackend(stub.api_base, "stub-judge")
        ...
        assert stub.requests[0].messages == [...]

Replies: a fixed text (`reply="[[A]]"`), `OpenAIStub.UNPARSABLE` (a text no verdict parser reads),
or a function of the request's messages. Faults, consumed one per request in arrival order:
`fail_next(n, status=429, retry_after=0.05)`, `fail_next(n, status=500)`, `fail_next(1, status=400,
message=...)`, `hang_next(n, seconds)` (answers only after the client has given up). Usage: prompt
tokens = words in all message contents, completion tokens = words in the reply, which is cut to
`max_tokens` words as a real server would (finish_reason "length"). `api_key="..."` makes the stub
answer 401 to any other Bearer token, quoting the token it got, as some hosted APIs do.
`context_words=N` gives the model a context of N words: a request whose prompt words plus
`max_tokens` exceed it is refused with 400 and code `context_length_exceeded`, worded as OpenAI and
vLLM word it.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Union

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)

Messages = list[dict[str, Any]]
Reply = Union[str, Callable[[Messages], str]]
Latency = Union[float, Callable[[Messages], float]]
START_TIMEOUT_S = 10.0
POLL_S = 0.01


@dataclass(frozen=True)
class RecordedRequest:
    headers: dict[str, str]  # lower-case names
    body: Any  # the parsed JSON body (None when it was not JSON)
    received_at: float  # time.monotonic()

    @property
    def messages(self) -> Messages:
        return self.body.get("messages", []) if isinstance(self.body, dict) else []


@dataclass(frozen=True)
class Fault:
    """One scripted misbehaviour: an HTTP error (status) or a hang (hang_s seconds, then a reply)."""

    status: Optional[int] = None
    message: str = ""
    retry_after: Optional[float] = None
    hang_s: float = 0.0


def word_count(text: str) -> int:
    return len(text.split())


def prompt_words(messages: Messages) -> int:
    return sum(word_count(str(message.get("content", ""))) for message in messages)


@dataclass
class _State:
    requests: list[RecordedRequest] = field(default_factory=list)
    faults: deque = field(default_factory=deque)
    errors: list[BaseException] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    served: int = 0


class OpenAIStub:
    """The scripted server; a context manager (`with OpenAIStub(...) as stub`) or start()/stop()."""

    UNPARSABLE = "Both responses have their merits, and I would rather not choose between them."

    def __init__(
        self,
        reply: Reply = "[[A]]",
        latency_s: Latency = 0.0,
        api_key: Optional[str] = None,
        report_usage: bool = True,
        context_words: Optional[int] = None,
    ):
        self.reply = reply
        self.context_words = context_words
        self.latency_s = latency_s
        self.api_key = api_key
        self.report_usage = report_usage
        self.api_base = ""
        self._state = _State()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: Optional[uvicorn.Server] = None
        self._thread: Optional[threading.Thread] = None

    # ---- test-side API ----------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._state.requests)

    @property
    def max_in_flight(self) -> int:
        with self._lock:
            return self._state.max_in_flight

    @property
    def errors(self) -> list[BaseException]:
        """Exceptions raised by a reply or latency function (each answered as a 500)."""
        with self._lock:
            return list(self._state.errors)

    def fail_next(
        self, count: int, status: int = 500, message: str = "", retry_after: Optional[float] = None
    ) -> None:
        """The next `count` requests get `status` (with `message`, and Retry-After when given)."""
        fault = Fault(status=status, message=message or f"scripted error {status}", retry_after=retry_after)
        self._add_faults(fault, count)

    def hang_next(self, count: int, seconds: float = 30.0) -> None:
        """The next `count` requests are answered only after `seconds` (or when the stub stops)."""
        self._add_faults(Fault(hang_s=seconds), count)

    def answer_next(self, count: int) -> None:
        """The next `count` requests are answered normally: queue this before a fault to delay it."""
        self._add_faults(Fault(), count)

    def reset(self) -> None:
        """Forget recorded requests, the in-flight high-water mark and unused faults."""
        with self._lock:
            self._state = _State()

    def _add_faults(self, fault: Fault, count: int) -> None:
        with self._lock:
            self._state.faults.extend([fault] * count)

    # ---- server lifecycle -------------------------------------------------------------------

    def start(self) -> "OpenAIStub":
        self._stopping.clear()
        # IPPROTO_TCP spelled out: asyncio turns on TCP_NODELAY only for sockets that name it, and
        # without it every keep-alive request waits ~40 ms (Nagle's algorithm meets delayed ACKs).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        config = uvicorn.Config(
            self._app(), log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=1
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name="openai-stub", daemon=True
        )
        self._thread.start()
        self._wait_started()
        self.api_base = f"http://127.0.0.1:{sock.getsockname()[1]}/v1"
        log.debug("OpenAI stub serving on %s", self.api_base)
        return self

    def stop(self) -> None:
        self._stopping.set()  # hung requests return at once, so shutdown is quick
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> "OpenAIStub":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _wait_started(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the OpenAI stub server did not start")
            time.sleep(POLL_S)

    # ---- the server side --------------------------------------------------------------------

    def _app(self) -> FastAPI:
        app = FastAPI()
        app.add_api_route("/v1/chat/completions", self._chat_completions, methods=["POST"])
        return app

    async def _chat_completions(self, request: Request) -> JSONResponse:
        try:
            body = await request.json()
        except ValueError:
            body = None
        state, fault = self._arrive(RecordedRequest(dict(request.headers), body, time.monotonic()))
        try:
            return await self._answer(request, body, fault)
        finally:
            with self._lock:
                state.in_flight -= 1  # the state it arrived in, even if reset() came in between

    def _arrive(self, recorded: RecordedRequest) -> tuple[_State, Optional[Fault]]:
        with self._lock:
            state = self._state
            state.requests.append(recorded)
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            return state, (state.faults.popleft() if state.faults else None)

    async def _answer(self, request: Request, body: Any, fault: Optional[Fault]) -> JSONResponse:
        if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
            return _error(400, "the body must be JSON with a 'messages' list")
        if fault is not None and fault.status is not None:  # a scripted fault comes before the key check
            headers = {"Retry-After": f"{fault.retry_after:g}"} if fault.retry_after is not None else None
            return _error(fault.status, fault.message, headers)
        if fault is not None:
            await self._hang(fault.hang_s)
        sent_key = request.headers.get("authorization", "").removeprefix("Bearer ")
        if self.api_key is not None and sent_key != self.api_key:
            return _error(401, f"Incorrect API key provided: {sent_key or '(none)'}")
        too_long = self._over_context(body)
        if too_long is not None:
            return _error(400, too_long, code="context_length_exceeded")
        try:
            await asyncio.sleep(self._latency(body["messages"]))
            text = self.reply if isinstance(self.reply, str) else self.reply(body["messages"])
        except Exception as exc:  # a bug in the test's script: surface it, answer like a broken server
            with self._lock:
                self._state.errors.append(exc)
            return _error(500, f"the stub's reply function raised {exc!r}")
        return JSONResponse(self._completion(body, text))

    def _over_context(self, body: dict) -> Optional[str]:
        if self.context_words is None:
            return None
        asked = prompt_words(body["messages"]) + int(body.get("max_tokens") or 0)
        if asked <= self.context_words:
            return None
        return (
            f"This model's maximum context length is {self.context_words} tokens. However, you requested "
            f"{asked} tokens. Please reduce the length of the messages or completion."
        )

    def _latency(self, messages: Messages) -> float:
        return self.latency_s if isinstance(self.latency_s, (int, float)) else self.latency_s(messages)

    async def _hang(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self._stopping.is_set():
            await asyncio.sleep(POLL_S)

    def _completion(self, body: dict, text: str) -> dict:
        words = text.split()
        limit = body.get("max_tokens")
        cut = isinstance(limit, int) and len(words) > limit
        if cut:
            text, words = " ".join(words[:limit]), words[:limit]
        with self._lock:
            self._state.served += 1
            number = self._state.served
        answer = {
            "id": f"chatcmpl-stub-{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", ""),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "length" if cut else "stop",
                }
            ],
        }
        if self.report_usage:
            prompt = prompt_words(body["messages"])
            answer["usage"] = {
                "prompt_tokens": prompt,
                "completion_tokens": len(words),
                "total_tokens": prompt + len(words),
            }
        return answer


def _error(
    status: int, message: str, headers: Optional[dict[str, str]] = None, code: Optional[str] = None
) -> JSONResponse:
    kind = (
        "rate_limit_error" if status == 429 else "server_error" if status >= 500 else "invalid_request_error"
    )
    body = {"error": {"message": message, "type": kind, "code": code or status}}
    return JSONResponse(body, status_code=status, headers=headers)
