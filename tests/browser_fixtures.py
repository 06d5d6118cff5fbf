"""Serving the web app on 127.0.0.1 and driving Debian's chromium with Playwright, for browser tests.

Playwright cannot download its own browsers here, so tests use the system chromium
(`apt-get install chromium`); a module whose browser or server cannot start is skipped with the
reason, never hangs: every wait is bounded.
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
WAIT_MS = 15_000
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
def chromium() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=60_000
        )
        try:
            yield browser
        finally:
            browser.close()


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
