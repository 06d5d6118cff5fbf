"""A submission's time against the number of request files in the queue, against the naive way.

For each queue size a LocalStore is filled with that many request files (pending, finished and
failed, from many submitters). Then, alternating, in the same run, `--submissions` submissions of
fresh local model folders (a config.json and a small safetensors file each, so no Hub is needed)
are timed one by one, each from another submitter:
  index:  `Submissions` as the app runs it: the queue looked up in its in-memory `QueueIndex`,
          which the app's scheduled refresh replaces (done once here, before the timing);
  naive:  the way before issue 29: every request file read again, under the submission lock, for
          each submission (`Submissions.queue` rebuilt from `store.list_requests()` each time).
Both queue the same requests (checked).

    python bench/submission_queue.py [--sizes 15 225 1000 4000] [--submissions 15]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leaderboard.submission.queue_index import QueueIndex  # noqa: E402
from leaderboard.app_settings import AppSettings  # noqa: E402
from leaderboard.submission.submit import SubmissionForm, Submissions  # noqa: E402
from results.schema import EvalRequest, Status  # noqa: E402
from results.store import LocalStore  # noqa: E402

STATUSES = (Status.PENDING, Status.FINISHED, Status.FINISHED, Status.FAILED)


class Rereading(Submissions):
    """The naive way: the whole queue read from the store for every submission."""

    def submit(self, form: SubmissionForm):
        self.queue = QueueIndex(self.store.list_requests)
        return super().submit(form)


def fill_queue(store: LocalStore, size: int) -> None:
    start = datetime.now(timezone.utc) - timedelta(days=3)
    for i in range(size):
        store.add_request(
            EvalRequest(
                request_id=f"r{i:06d}", model=f"org{i % 50}/model-{i}", org=f"org{i % 50}", name=f"model-{i}",
                revision_resolved=f"{i:040x}", submitter=f"user{i % 300}", status=STATUSES[i % len(STATUSES)],
                submitted_at=start + timedelta(seconds=i),
            )
        )


def model_folder(root: Path, name: str) -> Path:
    folder = root / "lab" / name
    folder.mkdir(parents=True)
    (folder / "config.json").write_text(json.dumps({"model_type": "gpt2"}))
    (folder / "model.safetensors").write_bytes(name.encode() * 64)
    return folder


def time_submissions(service: Submissions, models: Path, tag: str, count: int) -> list[float]:
    times = []
    for i in range(count):
        form = SubmissionForm(str(model_folder(models, f"{tag}-{i}")), submitter=f"{tag}-submitter-{i}")
        start = time.perf_counter()
        outcome = service.submit(form)
        times.append(time.perf_counter() - start)
        if not outcome.accepted:
            raise SystemExit(f"bench submission refused: {outcome.message}")
    return times


def run_size(size: int, count: int, work: Path) -> dict[str, float]:
    results: dict[str, list[float]] = {"index": [], "naive": []}
    stores = {}
    for method in results:
        store = LocalStore(work / f"{size}-{method}" / "store")
        fill_queue(store, size)
        stores[method] = store
    settings = AppSettings(
        allow_local_models=True, local_model_roots=(str(work),), max_submissions_per_week=10**6,
        max_submissions_per_hour=10**6, benchmarks=("rewardbench",), hub_endpoint="http://127.0.0.1:9",
    )
    services = {"index": Submissions(stores["index"], settings), "naive": Rereading(stores["naive"], settings)}
    services["index"].queue.replace(stores["index"].list_requests())  # the app's refresh, before any submission
    for round_ in range(count):  # alternate one by one: a busy machine slows both alike
        for method, service in services.items():
            results[method] += time_submissions(service, work / f"{size}-{method}" / "models", f"s{round_}", 1)
    queued = {m: len(s.list_requests()) for m, s in stores.items()}
    assert queued["index"] == queued["naive"] == size + count, queued
    return {m: statistics.median(v) for m, v in results.items()}


def main() -> None:
    logging.basicConfig(level=logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[15, 225, 1000, 4000])
    parser.add_argument("--submissions", type=int, default=15)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores seen; median of {args.submissions} submissions")
    print("| request files | index (ms) | naive (ms) | naive / index |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory(prefix="bench-submissions-") as tmp:
        for size in args.sizes:
            medians = run_size(size, args.submissions, Path(tmp))
            index, naive = medians["index"] * 1000, medians["naive"] * 1000
            print(f"| {size:,} | {index:.1f} | {naive:.1f} | {naive / index:.1f} |", flush=True)


if __name__ == "__main__":
    main()
