"""The page (`GET /`) built once per address (leaderboard/page_cache.py), checked on a small ASGI app
that counts its builds, and on the served leaderboard (the page a second visitor gets is the first's)."""

from __future__ import annotations

import asyncio

import httpx

from leaderboard.app_settings import AppSettings
from leaderboard.page_cache import PageCache
from tests.browser_fixtures import serving_store
from tests.leaderboard_fixtures import fixture_store


class CountingApp:
    """An ASGI app answering every request with its path, the Host header and a build number."""

    def __init__(self, status: int = 200, cookie: bool = False, delay_s: float = 0.0):
        self.builds, self.status, self.cookie, self.delay_s = 0, status, cookie, delay_s

    async def __call__(self, scope, receive, send) -> None:
        self.builds += 1
        number = self.builds
        await asyncio.sleep(self.delay_s)
        host = dict(scope["headers"]).get(b"host", b"").decode()
        headers = [(b"content-type", b"text/plain")] + ([(b"set-cookie", b"a=b")] if self.cookie else [])
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": f"{scope['path']} {host} {number}".encode()})


def get(app, *requests: tuple[str, str]) -> list[httpx.Response]:
    """The answers to GETs of (host, path), sent at once."""

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as client:
            return await asyncio.gather(*(client.get(f"http://{host}{path}") for host, path in requests))

    return asyncio.run(run())


def test_the_page_is_built_once_per_address_and_other_paths_pass_through():
    inner = CountingApp()
    cached = PageCache(inner)
    first, again = get(cached, ("a.test", "/")), get(cached, ("a.test", "/"))
    assert first[0].text == again[0].text == "/ a.test 1" and inner.builds == 1
    [elsewhere] = get(cached, ("b.test", "/"))  # another address: its root URL differs
    [query] = get(cached, ("a.test", "/?view=api"))
    assert elsewhere.text == "/ b.test 2" and query.text == "/ a.test 3"
    [config] = get(cached, ("a.test", "/config"))
    [config_again] = get(cached, ("a.test", "/config"))
    assert config.text == "/config a.test 4" and config_again.text == "/config a.test 5"


def test_visitors_arriving_together_wait_for_one_build():
    inner = CountingApp(delay_s=0.2)
    answers = get(PageCache(inner), *[("a.test", "/")] * 8)
    assert {a.text for a in answers} == {"/ a.test 1"} and inner.builds == 1


def test_an_error_or_a_cookie_is_never_kept():
    for inner in (CountingApp(status=500), CountingApp(cookie=True)):
        cached = PageCache(inner)
        get(cached, ("a.test", "/"))
        [second] = get(cached, ("a.test", "/"))
        assert second.text == "/ a.test 2" and not cached.pages and not cached.building


def test_the_cache_keeps_a_bounded_number_of_addresses():
    inner = CountingApp()
    cached = PageCache(inner, capacity=2)
    for n in range(5):
        get(cached, ("a.test", f"/?n={n}"))
    assert len(cached.pages) == 2 and len(cached.building) == 2


def test_the_served_page_is_the_same_for_a_second_visitor(tmp_path):
    store = fixture_store(tmp_path / "store")
    settings = AppSettings(store="local", store_root=store.root, benchmarks=("rewardbench",))
    with serving_store(store, settings, tmp_path / "exports") as (url, _cache):
        first = httpx.get(url, timeout=60)
        second = httpx.get(url, timeout=60)
    assert first.status_code == 200 and "window.gradio_config" in first.text
    assert second.content == first.content
