"""The demo's loop, closed in a real browser: a local model folder submitted through the Submit form is
claimed by a real worker process beside the app, evaluated, and ranked on the Leaderboard tab without
a restart, as `python -m demo` serves it (local folders allowed, short refresh and poll intervals).

The app is served in this process over a local store; the worker is `python -m evaluator.worker`
with the demo's worker environment (the sample benchmark in place of RewardBench). Every wait is
bounded; the worker's log is shown when it does not finish the request.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from app import start_refresh_schedule
from demo.benchmarks import SAMPLES
from demo.serve import APP_DEFAULTS, worker_environment
from leaderboard.data import ResultsCache
from leaderboard.app_settings import AppSettings
from leaderboard.ui import build_app
from results.schema import Status
from results.store_settings import PREFIX
from results.store import LocalStore
from tests.browser_fixtures import WAIT_MS, chromium, serving, shows, wait_until

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
REPO_ROOT = Path(__file__).resolve().parent.parent
MODEL_CELLS = "#lb-table [role=gridcell][data-col='0']"
SHOWN = "tiny-org/tiny-rm"  # the tiny_classifier fixture's last two names
EVALUATION_S = 300  # loading torch in a fresh process and scoring 135 pairs on 2 shared CPU cores


@pytest.fixture
def store(tmp_path) -> LocalStore:
    return LocalStore(tmp_path / "store")


@pytest.fixture
def worker(tmp_path, store) -> Iterator[tuple[subprocess.Popen, Path]]:
    """A real worker process on the store, as the demo starts it, but polling every half second."""
    log_path = tmp_path / "worker.log"
    overrides = {
        f"{PREFIX}POLL_INTERVAL_S": "0.5",
        f"{PREFIX}BOOTSTRAP_SAMPLES": "50",
        f"{PREFIX}DEVICE": "cpu",
        "HF_HUB_OFFLINE": "1",
    }
    env = worker_environment({**_plain_environment(), **overrides}, store.root, SAMPLES)
    with log_path.open("w") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "evaluator.worker"],
            cwd=REPO_ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process, log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _plain_environment() -> dict[str, str]:
    """This environment without RMLB_ settings that could point the worker at another store."""
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}


@pytest.fixture
def served(tmp_path, store, tiny_classifier) -> Iterator[str]:
    """The app over the store with the demo's app settings (local folders from where the test's
    models are), and its refresh schedule running."""
    demo = {key.removeprefix(PREFIX).lower(): value for key, value in APP_DEFAULTS.items()}
    fields = {"store": "local", "store_root": store.root, "refresh_interval_s": 1, "ui_poll_s": 1}
    settings = AppSettings.from_fields({**demo, **fields, "local_model_roots": str(tiny_classifier.parents[1])})
    assert settings.allow_local_models
    cache = ResultsCache(store)
    scheduler = start_refresh_schedule(cache, settings)
    app = build_app(store, settings, cache=cache, export_dir=tmp_path / "exports")
    try:
        with serving(app, settings) as url:
            yield url
    finally:
        scheduler.shutdown(wait=False)


def _request_statuses(store: LocalStore):
    """The statuses of every request once none is left to run (one request per benchmark offered)."""
    statuses = [r.status for r in store.list_requests()]
    return statuses if statuses and all(s in (Status.FINISHED, Status.FAILED) for s in statuses) else None


def test_a_local_folder_submitted_in_the_form_is_evaluated_and_ranked(
    served, worker, store, tiny_classifier
):
    process, worker_log = worker
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(WAIT_MS)
        page.goto(served)

        page.get_by_role("tab", name="Submit").click()
        page.locator("#sub-submitter textarea, #sub-submitter input").first.fill("alice")
        page.locator("#sub-model textarea, #sub-model input").first.fill(str(tiny_classifier))
        page.locator("#sub-button").click()
        message = page.locator("#sub-message")
        wait_until(lambda: "queued" in message.inner_text().lower() or None)
        assert f"Queued {SHOWN} at content local-" in message.inner_text(), message.inner_text()

        page.get_by_role("tab", name="Queue").click()
        tables = page.locator("#queue-pending, #queue-running, #queue-finished")
        wait_until(lambda: SHOWN in " ".join(tables.all_inner_texts()) or None)

        statuses = wait_until(lambda: _request_statuses(store) or process.poll() is not None, EVALUATION_S)
        # The form ticks every benchmark the demo offers: one request, and one result, per benchmark.
        assert statuses == [Status.FINISHED] * 2, f"worker log:\n{worker_log.read_text()[-3000:]}"

        finished = page.locator("#queue-finished")
        # both results, once the app's refresh schedule and the page's poll have seen them
        shows(finished, SHOWN)
        shows(finished, "Finished (2)")
        page.get_by_role("tab", name="Leaderboard").click()
        wait_until(lambda: SHOWN in page.locator(MODEL_CELLS).all_inner_texts() or None)
        board = page.locator("#lb-table").inner_text()
        shown = [message.inner_text(), finished.inner_text(), board]
        assert not any(str(tiny_classifier.parent) in text for text in shown)  # never the folder's path
