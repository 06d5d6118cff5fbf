"""How far the evaluation running in this process has got, for whoever watches it.

A long GPU run takes hours; the worker writes the latest count with its heartbeat, so the Queue
page can say "1,234 / 5,000 texts, about 12 min left". The loops that score texts (or generate
judgements and critiques) count through `ProgressBar`, a tqdm bar that also reports each step;
the one who watches says so with `reporting_to` for the duration of an evaluation. One evaluation
runs at a time in a process, so the listener is process-wide: steps counted on other threads (API
judge calls) reach it too. A bar with its display off (the worker's runs) still reports.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

from tqdm.auto import tqdm

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    """One phase's count: a run has one or more (e.g. reference log-probs, then scoring)."""

    phase: str  # the bar's description: "scoring (classifier)", "reference log-probs", "generating"
    done: int
    total: int
    unit: str  # "text", "prompt"
    elapsed_s: float  # since the phase began

    @property
    def eta_s(self) -> Optional[float]:
        """Seconds left at this phase's rate so far; None before the first step gives a rate."""
        if self.done <= 0:
            return None
        return max(0.0, self.elapsed_s / self.done * (self.total - self.done))


Listener = Callable[[Progress], None]
_listeners: list[Listener] = []
_lock = threading.Lock()


@contextmanager
def reporting_to(listener: Optional[Listener]) -> Iterator[None]:
    """Every bar's steps go to `listener` inside this block (nothing happens for None)."""
    if listener is None:
        yield
        return
    with _lock:
        _listeners.append(listener)
    try:
        yield
    finally:
        with _lock:
            _listeners.remove(listener)


def _report(progress: Progress) -> None:
    with _lock:
        listeners = list(_listeners)
    for listener in listeners:
        try:
            listener(progress)
        except Exception:  # a watcher's trouble must never end the evaluation it watches
            log.exception("a progress listener failed")


class ProgressBar:
    """A tqdm bar (shown unless `disable`) that reports every step to the listeners; takes the
    arguments a scoring loop gives tqdm (total, desc, unit, disable)."""

    def __init__(self, total: int, desc: str, unit: str = "text", disable: bool = False):
        self._bar = tqdm(total=total, desc=desc, unit=unit, disable=disable)
        self._total, self._desc, self._unit = total, desc, unit
        self._done = 0
        self._started = time.monotonic()
        self._count_lock = threading.Lock()  # API judge calls count from their pool's threads
        self._send()

    def update(self, n: int = 1) -> None:
        with self._count_lock:
            self._bar.update(n)
            self._done += n
            self._send()

    def close(self) -> None:
        self._bar.close()

    def _send(self) -> None:
        _report(Progress(self._desc, self._done, self._total, self._unit, time.monotonic() - self._started))

