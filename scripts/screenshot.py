"""Take the README's screenshot: serve the app over a local store and photograph it with chromium.

    python scripts/screenshot.py --store demo-data/store --out docs/leaderboard.png

Uses Debian's chromium through Playwright (as the browser tests do); the app listens on 127.0.0.1
on a free port only while the picture is taken.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leaderboard.data import ResultsCache  # noqa: E402
from leaderboard.app_settings import AppSettings  # noqa: E402
from leaderboard.ui import build_app, launch  # noqa: E402
from results.store_settings import build_store  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
log = logging.getLogger("screenshot")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def photograph(url: str, out: Path, width: int, height: int) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=60_000)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(url, timeout=60_000)
            # The table fills in after the first data event; wait for its model cells.
            page.wait_for_selector("#lb-table [role=gridcell][data-col='0']", timeout=60_000)
            page.wait_for_timeout(500)  # let fonts and column widths settle
            page.screenshot(path=str(out), full_page=False)
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="a local results store folder")
    parser.add_argument("--out", type=Path, default=Path("docs/leaderboard.png"))
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=920)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    port = free_port()
    settings = AppSettings(store="local", store_root=args.store, server_port=port)
    store = build_store(settings)
    cache = ResultsCache(store)
    cache.refresh()
    app = build_app(store, settings, cache=cache)
    launch(app, settings, prevent_thread_lock=True, quiet=True)
    try:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        photograph(f"http://127.0.0.1:{port}/", args.out, args.width, args.height)
    finally:
        app.close()
    log.info("wrote %s", args.out)


if __name__ == "__main__":
    main()
