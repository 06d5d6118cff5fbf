"""Serve the leaderboard over the demo store, with a worker beside it: the real `app.py` and
`python -m evaluator.worker`, as the container's `all` mode runs them.

Both run exactly as in production, configured by the environment, in processes of their own: the
web process stays free of the torch and models the demo loaded, as the design asks. The app takes
local model folders (RMLB_ALLOW_LOCAL_MODELS) and re-reads the store every few seconds; the worker
looks at the queue every few seconds and scores on the demo's sample data (one file per benchmark,
see demo/benchmarks.py). The app offers exactly those benchmarks (RMLB_BENCHMARKS), so a folder
submitted in its form is queued on each of them, and each is one the worker has a sample for.
Ctrl-C or SIGTERM stops
both (the worker finishes the evaluation in progress; a second Ctrl-C stops it at once); when one
of them ends on its own, the other is stopped too.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Sequence

from results.benchmarks import SPECS

from .benchmarks import SAMPLES, overrides_text

log = logging.getLogger(__name__)

APP = Path(__file__).resolve().parent.parent / "app.py"
# Demo values the caller's environment may override: quick enough to watch a submission go through.
APP_DEFAULTS = {
    "RMLB_ALLOW_LOCAL_MODELS": "true",
    "RMLB_REFRESH_INTERVAL_S": "5",
    "RMLB_UI_POLL_S": "3",
    "RMLB_MANUAL_REFRESH_MIN_S": "0",
}
WORKER_DEFAULTS = {"RMLB_POLL_INTERVAL_S": "5", "RMLB_WORKER_ID": "demo-worker"}


def _store(store_root: Path) -> dict[str, str]:
    """RMLB_STORE=local wins over any Hub repo set in the caller's environment."""
    return {"RMLB_STORE": "local", "RMLB_STORE_ROOT": str(store_root)}


def offered(benchmarks: Sequence[str]) -> str:
    """RMLB_BENCHMARKS for the demo's benchmarks, in the registry's order (the first leads the pages,
    as on a host that offers the default ones)."""
    known = [name for name in SPECS if name in benchmarks]
    return ",".join(known + [name for name in benchmarks if name not in known])


def app_environment(
    base: Mapping[str, str],
    store_root: Path,
    host: str,
    port: int,
    benchmarks: Sequence[str] = tuple(SAMPLES),
) -> dict[str, str]:
    """`base` with the app pointed at the demo store, offering the demo's benchmarks, local folders
    allowed (from the demo's models folder beside the store, `<demo>/models`, where the README says to
    put one), short refresh intervals."""
    return {
        **APP_DEFAULTS,
        "RMLB_LOCAL_MODEL_ROOTS": str(store_root.parent / "models"),
        **base,
        **_store(store_root),
        "RMLB_BENCHMARKS": offered(benchmarks),
        "RMLB_SERVER_NAME": host,
        "RMLB_SERVER_PORT": str(port),
    }


def worker_environment(base: Mapping[str, str], store_root: Path, data: Mapping[str, Path]) -> dict[str, str]:
    """`base` with the worker on the demo store, scoring each benchmark's sample in place of its data."""
    return {
        **WORKER_DEFAULTS,
        **base,
        **_store(store_root),
        "RMLB_DATA_OVERRIDES": overrides_text(data),
    }


@dataclass(frozen=True)
class Command:
    name: str
    argv: Sequence[str]
    env: Mapping[str, str]


class SideBySide:
    """Runs processes side by side until one ends or `stop()` is called, then stops the others.

    `run()` returns the exit status of the process that ended first on its own (0 after a stop)."""

    def __init__(self, commands: Sequence[Command]):
        self.commands = list(commands)
        self._ended = threading.Event()
        self._first: Optional[tuple[str, int]] = None
        self._stops = 0
        self._lock = threading.Lock()
        self.processes: dict[str, subprocess.Popen] = {}

    def stop(self) -> None:
        """The first call stops gently (SIGTERM); a second one kills what is still running."""
        with self._lock:
            self._stops += 1
            force = self._stops > 1
        if force:
            self._signal_all(kill=True)
        self._ended.set()

    def run(self) -> int:
        try:  # a process that cannot start stops those already started
            for command in self.commands:
                self.processes[command.name] = subprocess.Popen(list(command.argv), env=dict(command.env))
                threading.Thread(target=self._watch, args=(command.name,), daemon=True).start()
            self._ended.wait()
        finally:
            self._signal_all(kill=False)
            for process in self.processes.values():
                process.wait()  # the worker finishes the evaluation in progress first
        # A Ctrl-C reaches the whole process group: a process it ended first did not fail.
        if self._first is None or self._stops:
            return 0
        name, status = self._first
        if status != 0:
            log.error("the %s stopped with status %d; stopped the others too", name, status)
        return status

    def _watch(self, name: str) -> None:
        status = self.processes[name].wait()
        with self._lock:
            if self._first is None and not self._ended.is_set():
                self._first = (name, status)
        self._ended.set()

    def _signal_all(self, kill: bool) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.kill() if kill else process.terminate()


def install_stop_handlers(runner: SideBySide) -> None:
    def stop(signum, frame) -> None:
        log.info("%s received: stopping the app and the worker", signal.Signals(signum).name)
        runner.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def demo_commands(
    base_env: Mapping[str, str], store_root: Path, data: Mapping[str, Path], host: str, port: int
):
    python = sys.executable
    return [
        Command("app", [python, str(APP)], app_environment(base_env, store_root, host, port, tuple(data))),
        Command(
            "worker",
            [python, "-m", "evaluator.worker"],
            worker_environment(base_env, store_root, data),
        ),
    ]


def serve(
    base_env: Mapping[str, str], store_root: Path, data: Mapping[str, Path], host: str, port: int
) -> int:
    """Run the app and a worker until stopped; returns the exit status for the demo."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    log.info(
        "starting the leaderboard and a worker on the demo store; open http://%s:%d (Ctrl-C stops both)",
        shown,
        port,
    )
    for handler in logging.getLogger().handlers:
        handler.flush()
    runner = SideBySide(demo_commands(base_env, store_root, data, host, port))
    install_stop_handlers(runner)
    return runner.run()
