"""Examples tab latency on a real-sized result: 3,000 examples with RewardBench-shaped texts.

A LocalStore in a temp folder gets 20 results (`--models`) on the same 3,000 rows (per-example
scores as the worker writes them, and the rows' texts once, as `write_result(..., texts=...)`
stores them).
Prompts run 100 to 1,500 characters and responses 50 to 4,000 (some with code blocks), like
RewardBench's. Then the tab's own callbacks (`leaderboard.pages.examples.ExamplesPage`) are timed
as a reader uses them: open the model (cold: read and parse both files), open it again (cached),
filter to wrong, search the texts, sort by margin, open one example, compare with a second model,
and the length-bias view; and the Leaderboard's marks over 20 results on the same data. The table
callbacks' times include building Gradio's update (`gr.Dataframe(value=...)` turns the shown rows,
at most 1,000, into the JSON sent to the browser).

Against a naive way: the same callbacks with caches that keep nothing (size 0), i.e. re-reading and
re-parsing the scores and texts files on every interaction, as a first version typically does.

    python bench/examples_tab.py [--examples 3000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fakes.eval_results import make_result, subset_levels  # noqa: E402
from leaderboard.examples import examples as ex  # noqa: E402
from leaderboard.tables import table as t  # noqa: E402
from leaderboard.data import ResultsCache  # noqa: E402
from leaderboard.examples.example_files import ExampleFiles  # noqa: E402
from leaderboard.examples.example_marks import ExampleMarks  # noqa: E402
from leaderboard.pages.examples import ExamplesPage  # noqa: E402
from leaderboard.app_settings import AppSettings  # noqa: E402
from results.schema import ExampleScore, ExampleText  # noqa: E402
from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS  # noqa: E402
from results.benchmarks.sections import subset_order  # noqa: E402
from results.store import LocalStore, result_paths, texts_bytes  # noqa: E402

WORDS = (
    "the model answer question response because should would about which their there could other "
    "function return value list python error system people example however therefore result data "
    "first second write explain between number string before after please code user assistant"
).split()


SUBSETS = subset_order(REWARDBENCH_SECTIONS[:4])


def prose(rng: random.Random, chars: int) -> str:
    words, size = [], 0
    while size < chars:
        word = rng.choice(WORDS)
        words.append(word + ("." if rng.random() < 0.08 else ""))
        size += len(word) + 1
    return " ".join(words)


def response(rng: random.Random) -> str:
    text = prose(rng, rng.randint(50, 3000))
    if rng.random() < 0.25:
        text += (
            "\n\n```python\n"
            + "\n".join(f"x{i} = compute({i}) < {i + 1}" for i in range(rng.randint(3, 30)))
            + "\n```"
        )
    return text


def build_texts(n: int, rng: random.Random) -> list[ExampleText]:
    return [
        ExampleText(
            id=i,
            subset=SUBSETS[i % len(SUBSETS)],
            prompt=[("user", prose(rng, rng.randint(100, 1500)))],
            chosen=[response(rng)],
            rejected=[response(rng)],
        )
        for i in range(n)
    ]


def build_scores(texts: list[ExampleText], rng: random.Random, skill: float) -> list[ExampleScore]:
    scores = []
    for text in texts:
        chosen, rejected = rng.gauss(skill, 1.0), rng.gauss(0.0, 1.0)
        scores.append(
            ExampleScore(
                id=text.id,
                subset=text.subset,
                scores_chosen=[chosen],
                scores_rejected=[rejected],
                correct=1.0 if chosen > rejected else 0.0,
            )
        )
    return scores


def fill_store(root: Path, n: int, models: int) -> tuple[LocalStore, list[str]]:
    rng = random.Random(0)
    store = LocalStore(root)
    texts = build_texts(n, rng)
    fingerprint = hashlib.sha256(texts_bytes(texts)).hexdigest()
    paths = []
    for m in range(models):
        result = make_result(f"org/model-{m:02d}", subset_levels(0.9 - m * 0.01))
        result = result.model_copy(
            update={
                "benchmark": result.benchmark.model_copy(
                    update={"data_fingerprint": fingerprint, "num_examples": n}
                )
            }
        )
        store.write_result(result, build_scores(texts, rng, 1.5 - m * 0.02), texts=texts)
        paths.append(result_paths(result)[0])
    return store, paths


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def interactions(page: ExamplesPage, snap, a: str, b: str) -> dict[str, object]:
    """What a reader does, in order; each a callback the tab runs."""
    every = ("rewardbench", a, ex.ALL, ex.ALL, "", ex.ORDERS[0])
    return {
        "open model (first time)": lambda: page.table(snap, *every),
        "open model again": lambda: page.table(snap, *every),
        "filter: wrong only": lambda: page.table(snap, "rewardbench", a, ex.ALL, ex.WRONG, "", ex.ORDERS[0]),
        "search 'python error'": lambda: page.table(
            snap, "rewardbench", a, ex.ALL, ex.ALL, "python error", ex.ORDERS[0]
        ),
        "sort by margin, highest": lambda: page.table(
            snap, "rewardbench", a, ex.ALL, ex.ALL, "", ex.ORDERS[1]
        ),
        "open one example": lambda: page.detail(snap, "rewardbench", a, b, (SUBSETS[5], "5")),
        "compare with B (first time)": lambda: page.compare(snap, "rewardbench", a, b, ex.ALL),
        "compare again": lambda: page.compare(snap, "rewardbench", a, b, ex.ALL),
        "length bias view": lambda: page.lengths(snap, "rewardbench", a, b),
    }


def run_once(store: LocalStore, paths: list[str], cached: bool) -> dict[str, float]:
    cache = ResultsCache(store)
    if not cached:
        cache.examples = ExampleFiles(store, results=0, texts=0)
    start = time.perf_counter()
    snap = cache.refresh()
    refreshed = time.perf_counter()
    cache.examples._warming.join()  # the refresh's background summaries: not timed against the tab
    times = {"(background) summaries of every result after a refresh": time.perf_counter() - refreshed}
    times["(refresh of the store and tables itself)"] = refreshed - start
    page = ExamplesPage(cache, AppSettings(benchmarks="rewardbench"))
    times.update({name: timed(call) for name, call in interactions(page, snap, paths[0], paths[1]).items()})
    rows = t.filter_rows(snap.tables.rows, benchmark="rewardbench")
    marks = ExampleMarks(cache.examples)
    times[f"Leaderboard marks, {len(rows)} results (first time)"] = timed(lambda: marks.annotate(rows))
    times["Leaderboard marks again"] = timed(lambda: marks.annotate(rows))
    cold = ExampleMarks(ExampleFiles(store))  # no warm-up: what the marks cost without it
    times["Leaderboard marks without the warm-up"] = timed(lambda: cold.annotate(rows))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store, paths = fill_store(Path(folder), args.examples, args.models)
        sizes = {name: os.path.getsize(Path(folder) / name) for name in store.list_files("eval-set-texts")}
        print(
            f"{args.examples} examples; texts file {sum(sizes.values()) / 1e6:.1f} MB; "
            f"scores file {os.path.getsize(Path(folder) / store.list_files('eval-set-scores')[0]) / 1e3:.0f} kB"
        )
        runs: dict[str, dict[str, list[float]]] = {"naive": {}, "project": {}}
        for _ in range(args.repeats):  # alternate, so that machine noise hits both alike
            for kind in ("naive", "project"):
                for name, seconds in run_once(store, paths, cached=kind == "project").items():
                    runs[kind].setdefault(name, []).append(seconds)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print("| interaction | naive median (s) | project median (s) | project max (s) |")
    print("|---|---:|---:|---:|")
    for name in runs["project"]:
        naive, project = runs["naive"][name], runs["project"][name]
        print(
            f"| {name} | {statistics.median(naive):.3f} | {statistics.median(project):.3f} | {max(project):.3f} |"
        )


if __name__ == "__main__":
    main()
