"""The evaluation worker: claims queued requests, evaluates them, stores results.

    python -m evaluator.worker           look at the queue every RMLB_POLL_INTERVAL_S, until SIGTERM
    python -m evaluator.worker --once    process one request (if any) and exit
    python -m evaluator.worker --executor ray    run each request as a task on a Ray cluster

Settings come from the environment (see `evaluator/settings.py`). Several workers may share one
queue: claims are compare-and-swaps, so each request is evaluated by one worker. While a request
is evaluated a background thread refreshes its heartbeat; a worker that dies stops the heartbeat
and another worker requeues the request. A model that fails to load or crashes ends FAILED with
its error, and the worker goes on with the next request. SIGTERM (or Ctrl-C) lets the evaluation
in progress finish and be stored, then stops.

This module is the entry point only (arguments, schedule, signals); how one claimed request is
seen through, which the executors drive as well, is request_processing.py.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from typing import Callable, Optional, Sequence

from results.store import StoreUnavailable

from .executors import EXECUTORS, build_executor
from .liveness import touch
from .queue import utcnow
from .request_processing import Worker
from .settings import SettingsError, WorkerSettings, build_store

log = logging.getLogger("evaluator.worker")
JOB_ID = "evaluate-queue"


def run_scheduled(worker: Worker, poll_interval_s: float, tick: Optional[Callable[[], int]] = None) -> None:
    """Run `tick` (the executor's; default `worker.tick`) every `poll_interval_s` (never two at once)
    until a stop is asked for."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone="UTC", logger=_scheduler_logger())
    run_tick = tick or worker.tick

    def look_at_the_queue() -> int:
        touch(worker.settings.liveness_file)  # a hung scheduler stops this: the health check sees it
        return run_tick()

    scheduler.add_job(
        look_at_the_queue,
        "interval",
        id=JOB_ID,
        seconds=poll_interval_s,
        max_instances=1,
        coalesce=True,
        next_run_time=utcnow(),
    )
    scheduler.start()
    try:
        while not worker.stop_requested.wait(1.0):
            pass
    finally:
        log.info("stopping: waiting for the evaluation in progress (if any) to finish")
        scheduler.shutdown(wait=True)


class _DropSkippedRuns(logging.Filter):
    """An evaluation routinely outlasts the poll interval; the skipped ticks are expected."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "maximum number of running instances reached" not in record.getMessage()


def _scheduler_logger() -> logging.Logger:
    logger = logging.getLogger("evaluator.worker.scheduler")
    logger.setLevel(logging.WARNING)  # its start-up and per-job INFO lines say nothing a reader needs
    if not any(isinstance(f, _DropSkippedRuns) for f in logger.filters):
        logger.addFilter(_DropSkippedRuns())
    return logger


def install_stop_handlers(worker: Worker) -> None:
    def stop(signum, frame) -> None:
        log.info(
            "%s received: finishing the evaluation in progress, then stopping", signal.Signals(signum).name
        )
        worker.stop_requested.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # One line per HTTP call or per scheduled look at the queue otherwise.
    for noisy in ("httpx2", "httpx", "huggingface_hub", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m evaluator.worker", description=__doc__.split("\n\n")[0])
    parser.add_argument("--once", action="store_true", help="process one queued request (if any), then exit")
    parser.add_argument(
        "--executor",
        choices=sorted(EXECUTORS),
        help="where evaluations run: local (in this process, one at a time) or ray (as tasks on the "
        "Ray cluster at RAY_ADDRESS, one per free GPU); default RMLB_EXECUTOR, else local",
    )
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()
    try:
        settings = WorkerSettings.from_env()
    except SettingsError as exc:
        log.error("bad worker settings: %s", exc)
        return 2
    if args.executor:
        settings = settings.model_copy(update={"executor": args.executor})
    worker = Worker(settings, build_store(settings))
    try:
        executor = build_executor(settings.executor, worker)
    except ImportError as exc:  # the ray executor without Ray installed
        log.error("the %s executor cannot start: %s (see requirements-ray.txt)", settings.executor, exc)
        return 2
    install_stop_handlers(worker)
    log.info(
        "worker %s started: %s store, %s executor, polling every %gs",
        settings.worker_id,
        settings.store_kind,
        settings.executor,
        settings.poll_interval_s,
    )
    if args.once:
        try:
            ended = executor.once()
        except StoreUnavailable as exc:
            log.error("the store is unavailable: %s", exc)
            return 1
        log.info("queue empty" if ended is None else f"request {ended.request_id} ended {ended.status.value}")
        return 0
    run_scheduled(worker, settings.poll_interval_s, executor.tick)
    log.info("worker %s stopped", settings.worker_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
