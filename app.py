"""Entry point of the web app: settings -> store -> data cache + refresh schedule -> pages.

    python app.py            (settings come from the environment; see leaderboard/app_settings.py)

The evaluation worker is a separate process (`python -m evaluator.worker`); this process never
imports the evaluator, torch or transformers.
"""

from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from leaderboard.data import ResultsCache
from leaderboard.imports.import_schedule import schedule_imports
from leaderboard.app_settings import AppSettings
from leaderboard.ui import build_app, launch
from results.store_settings import SettingsError, build_store

log = logging.getLogger("app")


def start_refresh_schedule(cache: ResultsCache, settings: AppSettings) -> BackgroundScheduler:
    """Re-read the store every `refresh_interval_s` in the background; pages pick the new data up."""
    scheduler = BackgroundScheduler(daemon=True)
    scheduler.add_job(
        cache.refresh,
        "interval",
        seconds=settings.refresh_interval_s,
        id="refresh-results",
        max_instances=1,
        coalesce=True,
    )
    scheduler.start()
    return scheduler


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "httpx2", "apscheduler"):  # a line per HTTP request or scheduled run otherwise
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        settings = AppSettings.from_env()
    except SettingsError as exc:
        raise SystemExit(f"app: {exc}") from None
    store = build_store(settings)
    cache = ResultsCache(store)
    cache.refresh()
    scheduler = start_refresh_schedule(cache, settings)
    schedule_imports(scheduler, store, cache, settings)  # off unless RMLB_IMPORT_REPOS names repos
    try:
        launch(build_app(store, settings, cache=cache), settings)
    finally:
        scheduler.shutdown(wait=False)


if __name__ == "__main__":
    main()
