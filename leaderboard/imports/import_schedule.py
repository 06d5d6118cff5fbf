"""The host's scheduled import: the app follows the published results datasets it names.

`RMLB_IMPORT_REPOS` (none by default: off) lists Hub dataset repos; every `RMLB_IMPORT_INTERVAL_S`
(and once at start-up) each is imported into the store as `python -m leaderboard.import_results`
would, then the board re-reads the store if anything came in. A repo that cannot be read is logged
and tried again at the next run; the others go on.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from results.store import Store

from ..data import ResultsCache
from .import_sources import HubSource
from .importer import ImportReport, default_benchmark, import_results
from ..app_settings import AppSettings

log = logging.getLogger(__name__)
JOB_ID = "import-published-results"


def import_configured(store: Store, settings: AppSettings) -> list[ImportReport]:
    """Import every configured repo; the reports of those that could be read."""
    reports = []
    for repo in settings.import_repos:
        source = HubSource(repo, endpoint=settings.hub_endpoint, token=settings.token)
        try:
            reports.append(import_results(store, source, default_benchmark(repo)))
        except Exception:  # one source's outage must not stop the others, nor the schedule
            log.exception("scheduled import of %s failed; trying again at the next run", repo)
    return reports


def run_imports(store: Store, cache: ResultsCache, settings: AppSettings) -> list[ImportReport]:
    reports = import_configured(store, settings)
    if any(r.changed for r in reports):
        cache.refresh()
    return reports


def schedule_imports(scheduler, store: Store, cache: ResultsCache, settings: AppSettings) -> bool:
    """Add the import job to an APScheduler scheduler when the host names repos; whether it did."""
    if not settings.import_repos:
        return False
    scheduler.add_job(
        run_imports,
        "interval",
        args=(store, cache, settings),
        seconds=settings.import_interval_s,
        id=JOB_ID,
        max_instances=1,
        coalesce=True,
        next_run_time=datetime.now(timezone.utc),  # the first import at start-up, not a day later
    )
    log.info("importing %s every %.0f s", ", ".join(settings.import_repos), settings.import_interval_s)
    return True
