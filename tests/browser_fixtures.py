"""Serving the web app on 127.0.0.1 and driving Debian's chromium with Playwright, for browser tests.

Playwright cannot download its own browsers here, so tests use the system chromium
(`apt-get install chromium`); a module whose browser or server cannot start is skipped with the
reason, never hangs: every wait is bounded.

Waits are on what the page shows, never fixed sleeps: Playwright's own waits (`expect`, locators,
`wait_for_column`, which runs in the page on each animation frame) or `wait_until` for a condition
read from Python, all with the same generous WAIT_MS. A page on a busy machine (the suite beside a
CPU-heavy process) once took over 15 s to re-render a table: the waits are for the page being
right, and a slow page only costs time.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
WAIT_MS = 90_000
# Where browser tests leave their screenshots, to be looked at by a person (never compared).
SCREENSHOTS = Path(os.environ.get("RMLB_TEST_SCREENSHOTS") or tempfile.gettempdir())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(app, settings) -> Iterator[str]:
    """Serve a Blocks app in this process on a free local port; yields its URL, closes it after."""
    from leaderboard.ui import launch

    port = free_port()
    launch(app, settings, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        app.close()


@contextmanager
def serving_store(store, settings, export_dir) -> Iterator[tuple[str, object]]:
    """The whole web app over `store`, served as `serving` does; yields its URL and its results
    cache (tests refresh it after writing to the store)."""
    from leaderboard.data import ResultsCache
    from leaderboard.ui import build_app

    cache = ResultsCache(store)
    with serving(build_app(store, settings, cache=cache, export_dir=export_dir), settings) as url:
        yield url, cache


@contextmanager
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS
        )
        sync_api.expect.set_options(timeout=WAIT_MS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module", name="browser")
def browser_fixture():
    """One chromium for a test module, as the fixture `browser` (import it into the module)."""
    with chromium() as running:
        yield running


def wait_until(condition, timeout_s: float = WAIT_MS / 1000, interval_s: float = 0.1):
    """Poll `condition` until it returns something truthy; fail after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout_s}s (last value {value!r})")
        time.sleep(interval_s)


@contextmanager
def watched_page(browser, url: str, wait_for: str, tab: str | None = None, **context_options) -> Iterator[object]:
    """A fresh page at `url` (on `tab`, if named) once `wait_for` shows, recording every dialog:
    none may ever open, so leaving the block with one recorded fails the test."""
    context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, **context_options})
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(url)
        if tab:
            open_tab(page, tab)
        page.wait_for_selector(wait_for)
        yield page
        assert page.dialogs == [], f"a dialog opened: {page.dialogs}"
    finally:
        context.close()


def open_tab(page, name: str) -> None:
    """Click a tab; on a narrow page Gradio moves the last tabs into a "More tabs" menu."""
    page.wait_for_selector("[role=tab]")
    tab = page.get_by_role("tab", name=name)
    if tab.count():
        tab.click()
    else:
        page.locator("button[aria-label='More tabs']").click()
        page.locator(".overflow-dropdown button", has_text=name).click()


def shows(locator, text: str) -> None:
    """Until `locator` contains `text` (Playwright's expect: it retries on every change)."""
    from playwright.sync_api import expect

    expect(locator).to_contain_text(text, timeout=WAIT_MS)


_COLUMN_JS = "cells => cells.map(cell => cell.innerText.trim())"


def grid_column(page, grid: str, index: int) -> list[str]:
    """The texts of one column of a Gradio grid, read in one step (it may re-render between two)."""
    return page.eval_on_selector_all(f"{grid} [role=gridcell][data-col='{index}']", _COLUMN_JS)


def wait_for_column(page, grid: str, index: int, expected: list[str]) -> None:
    """Until one column of a grid reads `expected`: checked in the page on every animation frame,
    so no re-render is missed and no Python round trip waits on a busy machine."""
    selector = f"{grid} [role=gridcell][data-col='{index}']"
    page.wait_for_function(
        f"""([selector, expected]) => {{
            const texts = ({_COLUMN_JS})(Array.from(document.querySelectorAll(selector)));
            return JSON.stringify(texts) === JSON.stringify(expected);
        }}""",
        arg=[selector, expected],
        timeout=WAIT_MS,
    )


def grid_headers(page, grid: str, read: str = "th.title") -> list[str]:
    """One attribute of every column header (`th.title`: the full names the cells abbreviate)."""
    return page.eval_on_selector_all(f"{grid} th[role=columnheader]", f"ths => ths.map(th => {read})")


def dwell(page, ms: int) -> None:
    """Let time pass on purpose, to show that something STAYS as it is (a pick that must not snap
    back while the page's timer ticks; no traceback while events run): never to wait for something
    to happen, which `wait_until` and Playwright's expect do (tests/test_browser_waits.py)."""
    page.wait_for_timeout(ms)


def downloaded_csv(page, button: str, saved: Path) -> list[dict[str, str]]:
    """Click a download button, save the file at `saved` and read it as CSV rows."""
    import csv

    with page.expect_download() as download:
        page.locator(button).click()
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))
