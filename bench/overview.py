"""The Overview tab's cost with 2,000 results over 7 benchmarks: its build after a refresh and a filter.

A LocalStore is filled with synthetic results (`fakes.eval_results.make_spec_result`: every subset,
columns and headline by the spec's own metrics, a 95% interval) of the registered benchmarks; while
fewer than 7 are registered, the first ones are repeated as results on custom data (a benchmark label
of their own). Each model has a random 5 to 7
of them (the Overview shows each custom-data label as a column of its own). Then, in the same run:

  build:  every view of the tab rendered from a new snapshot version (the table with its Styler
          through Gradio's own postprocess and its CSV, the agreement heatmap and disagreements, the
          charts): what the first reader after a refresh waits for, Rank score bootstrap included;
  filter: a search typed after that: the table and the charts views (the two a search re-renders),
          from the cached Overview;
  naive filter: the same search with no cache: the Overview (and its bootstrap) rebuilt for it.

    python bench/overview.py [--results 2000] [--benchmarks 7] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import gradio as gr  # noqa: E402

from fakes.eval_results import make_spec_result  # noqa: E402
from leaderboard.app_settings import AppSettings  # noqa: E402
from leaderboard.data import ResultsCache, Snapshot  # noqa: E402
from leaderboard.pages.overview import OverviewPage  # noqa: E402
from leaderboard.tables import overview as ov  # noqa: E402
from leaderboard.tables import provenance as prov  # noqa: E402
from results.benchmarks import SPECS  # noqa: E402
from results.store import LocalStore, result_paths  # noqa: E402

TYPES = ("classifier", "dpo", "generative")


def plan(results: int, benchmarks: int) -> list[tuple[str, str, bool]]:
    """(label, benchmark, custom data) for each of the `benchmarks` columns: the registered benchmarks
    whose headline a synthetic result can carry (PPE human preference's needs per-battle statistics)."""
    names = [name for name in SPECS if make_spec_result("org/probe", name, 0.7).score is not None]
    columns = []
    for i in range(benchmarks):
        name = names[i % len(names)]
        repeat = i // len(names)
        label = name if not repeat else f"{name} · custom data: repeat-{repeat}.jsonl"
        columns.append((label, name, bool(repeat)))
    return columns


def fill_store(store: LocalStore, columns, results: int, seed: int = 0) -> int:
    rng = random.Random(seed)
    written, model = 0, 0
    while written < results:
        have = rng.sample(range(len(columns)), k=min(len(columns), rng.randint(5, 7)))[: results - written]
        level = rng.uniform(0.45, 0.9)
        for index in have:
            label, name, custom = columns[index]
            result = make_spec_result(
                f"org{model % 40}/model-{model}",
                name,
                min(0.99, level + rng.uniform(-0.08, 0.08)),
                0.04,
                model_type=TYPES[model % len(TYPES)],
                num_parameters=rng.randint(10**8, 7 * 10**10),
                ci_halfwidth=rng.uniform(0.01, 0.04),
                custom_data=custom,
                data_source=label.split(": ")[-1] if custom else "hub",
            )
            path = result_paths(result)[0]
            store.write_file(path, result.model_dump_json().encode())
            written += 1
        model += 1
    return model


def timed(run, repeats: int) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time of this process (the CPUs are shared: the
    wall time includes waiting for them, the CPU time does not)."""
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), min(times), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=2000)
    parser.add_argument("--benchmarks", type=int, default=7)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="overview-bench-"))
    store = LocalStore(root / "store")
    columns = plan(args.results, args.benchmarks)
    models = fill_store(store, columns, args.results)
    cache = ResultsCache(store)
    start = time.perf_counter()
    snap = cache.refresh()
    refresh_s = time.perf_counter() - start
    labels = [label for label, _, _ in columns]
    offered = tuple(dict.fromkeys(name for _, name, _ in columns))  # the host offers what the store has
    page = OverviewPage(cache, AppSettings(benchmarks=offered), root / "exports")
    assert sorted(page.offered(snap)) == sorted(labels), page.offered(snap)  # the 7 columns, repeats included
    labels = page.offered(snap)
    grid = gr.Dataframe(interactive=False)
    known = sorted(set(snap.tables.rows["Model Type"]))
    filters = ("", known, known, prov.BOTH, False, None)

    def table(search: str, version: int):
        shown = page.table(Snapshot(snap.tables, snap.requests, snap.loaded_at, version), search, *filters[1:])
        grid.postprocess(shown[0].value)  # what Gradio does with the Styler before sending it

    def charts(search: str, version: int):
        page.charts(Snapshot(snap.tables, snap.requests, snap.loaded_at, version), search, *filters[1:], 8, None)

    versions = iter(range(1000, 10**6))

    def build():  # a new version: nothing cached
        version = next(versions)
        page.chooser(snap, None, None)
        table("", version)
        page.agreement(Snapshot(snap.tables, snap.requests, snap.loaded_at, version), prov.BOTH, False, None, None, None)
        charts("", version)

    def overview_only():
        ov.overview_frame(snap.tables.rows, labels)

    def warmed_build():  # as the app runs: the refresh built the default Overview, a reader renders
        version = next(versions)
        page.frame(Snapshot(snap.tables, snap.requests, snap.loaded_at, version), prov.BOTH, False, None)
        start = time.perf_counter()
        page.chooser(snap, None, None)
        table("", version)
        page.agreement(Snapshot(snap.tables, snap.requests, snap.loaded_at, version), prov.BOTH, False, None, None, None)
        charts("", version)
        waits.append(time.perf_counter() - start)

    def search(version: int = 999):
        table("model-1", version)
        charts("model-1", version)

    def search_table(version: int = 999):
        table("model-1", version)

    def naive_search():  # no cache: the Overview rebuilt for every filter
        page.built = ov.OverviewCache()
        search(next(versions))

    search()  # warm the cache for version 999
    build_s = timed(build, args.repeats)
    frame_s = timed(overview_only, args.repeats)
    waits: list[float] = []
    warmed_s = timed(warmed_build, args.repeats)
    search_s = timed(search, args.repeats)
    table_s = timed(search_table, args.repeats)
    naive_s = timed(naive_search, args.repeats)
    shown = len(ov.overview_frame(snap.tables.rows, labels))
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()}")
    print(f"store: {len(snap.tables.rows)} results, {models} models ({shown} rows), {len(labels)} benchmarks: {labels}")
    print(f"refresh (store read, tables): {refresh_s:.2f} s")
    print(f"overview build after a refresh (all views): median {build_s[0]:.3f} s, best {build_s[1]:.3f} s, cpu {build_s[2]:.3f} s")
    print(f"  of which overview_frame (cells, ranks, {ov.BOOTSTRAP_REPLICATES} replicates): median {frame_s[0]:.3f} s, cpu {frame_s[2]:.3f} s")
    print(
        f"with the refresh's warm-up: the refresh's part median {warmed_s[0] - statistics.median(waits):.3f} s, "
        f"the reader's wait median {statistics.median(waits):.3f} s, best {min(waits):.3f} s"
    )
    print(f"filter (search: table and charts views, cached): median {search_s[0]:.3f} s, best {search_s[1]:.3f} s, cpu {search_s[2]:.3f} s")
    print(f"  the table view alone: median {table_s[0]:.3f} s, best {table_s[1]:.3f} s, cpu {table_s[2]:.3f} s")
    print(f"naive filter (rebuilt): median {naive_s[0]:.3f} s, cpu {naive_s[2]:.3f} s; ratio cached/naive {search_s[0] / naive_s[0]:.2f}")
    print(f"load after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
