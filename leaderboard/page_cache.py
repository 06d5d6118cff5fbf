"""The page itself (`GET /`), built once per address it is served under instead of once per visitor.

Gradio builds the page's HTML on every request: a deep copy of the whole app configuration, a walk
of it to set the root URL, the API description, 240 KB of JSON in a template. That is 30 to 40 ms of
the one core Python gives the app, so fifty visitors arriving together queued 2 s for the page
before their first event. The page is the same for every visitor while the app runs: the
configuration is fixed at launch (the data arrives by the page's load event), the app has no
per-user login (`launch(auth=...)`, the one thing Gradio writes into the page per user: `ui.launch`
leaves the cache out when one is given), and the root URL depends only on the request's address
headers and query, which are the cache's key.

`PageCache` is an ASGI middleware (passed to Gradio's FastAPI app through `launch(app_kwargs=...)`):
the first GET of `/` for a key is built by Gradio (concurrent first visitors wait for it, not build
it again), later ones get the same bytes. A response that sets a cookie or is not a 200 is not kept.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KEPT_PAGES = 32  # distinct addresses (host, proxy headers, query) kept; a few in practice
ADDRESS_HEADERS = (b"host", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-port", b"x-forwarded-prefix")


@dataclass(frozen=True)
class Page:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def page_key(scope: Scope) -> tuple:
    """What the page's bytes depend on: the query (page, deep link) and where the visitor reached us."""
    headers = dict(scope.get("headers") or [])
    return (
        scope.get("query_string", b""),
        scope.get("scheme"),
        scope.get("root_path", ""),
        tuple(headers.get(name, b"") for name in ADDRESS_HEADERS),
    )


class PageCache:
    def __init__(self, app: ASGIApp, capacity: int = KEPT_PAGES):
        self.app = app
        self.capacity = capacity
        self.pages: OrderedDict[tuple, Page] = OrderedDict()
        self.building: dict[tuple, asyncio.Lock] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or scope["path"] != "/":
            await self.app(scope, receive, send)
            return
        key = page_key(scope)
        lock = self.building.setdefault(key, asyncio.Lock())
        async with lock:  # the first visitor of an address builds the page; the others wait for it
            page = self.pages.get(key)
            if page is None:
                page = await self._build(scope, receive)
                if page.status == 200 and not any(name.lower() == b"set-cookie" for name, _ in page.headers):
                    self._keep(key, page)
        if key not in self.pages:  # not kept: its lock goes too (odd queries must not pile up locks)
            self.building.pop(key, None)
        await send({"type": "http.response.start", "status": page.status, "headers": page.headers})
        await send({"type": "http.response.body", "body": page.body})

    async def _build(self, scope: Scope, receive: Receive) -> Page:
        start: Message = {}
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, collect)
        return Page(start.get("status", 500), list(start.get("headers", [])), b"".join(chunks))

    def _keep(self, key: tuple, page: Page) -> None:
        self.pages[key] = page
        self.pages.move_to_end(key)
        while len(self.pages) > self.capacity:
            evicted, _ = self.pages.popitem(last=False)
            self.building.pop(evicted, None)
