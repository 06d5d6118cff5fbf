"""evaluator/progress.py: scoring loops report their steps to whoever watches the evaluation."""

from __future__ import annotations

import threading

import pytest

from evaluator.progress import Progress, ProgressBar, reporting_to


def test_steps_reach_the_listener_only_inside_the_block_even_with_the_bar_hidden():
    seen: list[Progress] = []
    with reporting_to(seen.append):
        bar = ProgressBar(total=10, desc="scoring (classifier)", disable=True)
        bar.update(4)
        bar.update(6)
        bar.close()
    ProgressBar(total=3, desc="after", disable=True).update(3)
    assert [(p.phase, p.done, p.total, p.unit) for p in seen] == [
        ("scoring (classifier)", 0, 10, "text"), ("scoring (classifier)", 4, 10, "text"),
        ("scoring (classifier)", 10, 10, "text"),
    ]


def test_time_left_follows_the_rate_so_far():
    assert Progress("scoring", 0, 100, "text", 5.0).eta_s is None  # no rate yet
    assert Progress("scoring", 25, 100, "text", 10.0).eta_s == pytest.approx(30.0)
    assert Progress("scoring", 100, 100, "text", 40.0).eta_s == 0.0


def test_steps_from_many_threads_are_all_counted_and_a_failing_listener_ends_nothing():
    seen: list[int] = []

    def broken(progress: Progress) -> None:
        raise RuntimeError("a watcher's bug")

    with reporting_to(broken), reporting_to(lambda p: seen.append(p.done)):
        bar = ProgressBar(total=800, desc="judge calls", unit="call", disable=True)
        threads = [threading.Thread(target=lambda: [bar.update(1) for _ in range(100)]) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert max(seen) == 800
