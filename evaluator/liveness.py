"""Whether a worker is alive, for a container's health check: `python -m evaluator.liveness`.

A worker whose scheduler hangs keeps its process up, so "the process runs" says nothing. The
worker touches a file (RMLB_LIVENESS_FILE) each time it looks at the queue and with each heartbeat
of a running evaluation; the check fails when that file is older than a few of those intervals
(MISSED_BEATS of the longer one), or missing. An evaluation that outlasts the poll interval still
beats, so a long GPU run stays healthy.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import Optional, Sequence

from .settings import SettingsError, WorkerSettings

log = logging.getLogger(__name__)

MISSED_BEATS = 3


def touch(path: Optional[Path]) -> None:
    """Record a sign of life; never fails the worker (a full disk is for the check to notice)."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError as exc:
        log.warning("could not touch the liveness file %s: %s", path, exc)


def max_age_s(settings: WorkerSettings) -> float:
    return MISSED_BEATS * max(settings.poll_interval_s, settings.heartbeat_interval_s)


def problem(settings: WorkerSettings, now: Optional[float] = None) -> Optional[str]:
    """Why the worker looks dead, or None when it looked at the queue or beat recently enough."""
    path = settings.liveness_file
    if path is None:
        return "RMLB_LIVENESS_FILE is not set: the worker records no sign of life to check"
    try:
        age = (now if now is not None else time.time()) - path.stat().st_mtime
    except FileNotFoundError:
        return f"no sign of life yet: {path} does not exist"
    if age > max_age_s(settings):
        return f"the worker's last poll or heartbeat was {age:.0f}s ago (more than {max_age_s(settings):.0f}s)"
    return None


def main(argv: Optional[Sequence[str]] = None) -> int:
    try:
        found = problem(WorkerSettings.from_env())
    except SettingsError as exc:
        found = f"bad worker settings: {exc}"
    if found:
        print(f"unhealthy: {found}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
