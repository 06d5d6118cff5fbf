"""Many viewers on one served app: the web app as it runs in production, N readers at once.

A LocalStore folder is filled with `--results` synthetic result files of `--models` models spread
over every registered benchmark (our `EvalResult` schema, columns and score computed by each
benchmark's own metrics, model types and sizes varied; by default 2,000 results of 500 models, each
on 4 of the 8 benchmarks: 250 rows per benchmark, 500 on the Overview). Each checkout named by
`--app` is started as in production (`python app.py`, settings from the environment, a subprocess on
127.0.0.1) over that same folder. Then, for each pacing, each N in `--viewers`, and each app in turn
on the same data (so "before" and "after" share the machine's load of the moment), N viewers visit:

  page load       GET of the page (the app's config is in it), then the page's load events
  open Leaderboard  selects the Leaderboard tab (the page opens on the Overview)
  search          types a model name into the Leaderboard search
  filter type     unticks one model type
  switch bench    picks another benchmark
  open Examples   selects the Examples tab and picks a model there
  download CSV    GETs the file the Leaderboard's download button holds
  timer tick      the page's periodic check for newer data

Pacing `in step` is the worst case: every viewer starts at once and does the next action as soon as
the last one answered, so each action of fifty readers lands in the same second. Pacing `paced` is
closer to readers: each arrives within the first 10 s and reads 1 to 4 s before each action.

Events go through Gradio's queue exactly as a browser sends them (`/gradio_api/queue/join` by the
event's index, the answers read from `/gradio_api/queue/data`), and an action lasts until every event
it sets off has answered, chained ones (`.then`, a changed value's or state's `.change`) included:
internal events are not callable by `gradio_client`, which would time only the public API
(bench/api_load.py does that). Reported per round: p50/p95/max seconds per action, errors, the
1-minute load average before it, and the CPU seconds the app's process used. The apps re-read the
store once an hour (`RMLB_REFRESH_INTERVAL_S`), not inside a round.

    python bench/hosted_load.py --app before=/tmp/main-checkout --app after=. [--viewers 1 10 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fakes.eval_results import spec_result  # noqa: E402
from results.benchmarks import SPECS  # noqa: E402
from results.model_types import MODEL_TYPES  # noqa: E402
from results.store import result_paths  # noqa: E402
from fakes.page_protocol import TIMEOUT_S, Page  # noqa: E402

ACTIONS = ("page load", "open Leaderboard", "search", "filter type", "switch bench", "open Examples", "download CSV", "timer tick")


# ---- the store ----------------------------------------------------------------------------------


def fill_store(root: Path, count: int, models: int, seed: int = 0) -> None:
    """`count` results of `models` models, each model on `count / models` of the registered benchmarks
    (round-robin, so every benchmark holds about `count / len(SPECS)` rows), model types varied: a
    board of a few hundred models per benchmark whose Overview lists each model once."""
    rng = random.Random(seed)
    types, names = list(MODEL_TYPES), list(SPECS)
    per_model = max(1, count // models)
    for i in range(count):
        model, nth = i % models, i // models
        name = names[(model + nth * max(1, len(names) // per_model)) % len(names)]
        level = rng.uniform(0.4, 0.9)
        subsets = {s: min(1.0, max(0.0, level + rng.uniform(-0.1, 0.1))) for s in SPECS[name].subsets}
        result = spec_result(
            f"org{model % 41}/model-{model}",
            name,
            subsets,
            model_type=types[model % len(types)],
            num_parameters=(1 + model % 70) * 10**9,
        )
        path = root / result_paths(result)[0]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.model_dump_json(indent=2))


# ---- the app ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServedApp:
    label: str
    process: subprocess.Popen
    url: str

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_app(label: str, checkout: Path, store_root: Path, log_dir: Path) -> ServedApp:
    port = free_port()
    env = {
        **os.environ,
        "RMLB_STORE": "local",
        "RMLB_STORE_ROOT": str(store_root),
        "RMLB_SERVER_NAME": "127.0.0.1",
        "RMLB_SERVER_PORT": str(port),
        "GRADIO_ANALYTICS_ENABLED": "False",
        # No scheduled re-read of the store inside a round: its cost (2,000 files read, the Overview
        # rebuilt) is the store's, and landing at random in one app's round it blurred the comparison.
        "RMLB_REFRESH_INTERVAL_S": "3600",
        "PYTHONPATH": str(checkout),
    }
    log = open(log_dir / f"{label}.log", "wb")
    process = subprocess.Popen([sys.executable, os.environ.get("APP_WRAPPER", "app.py")], cwd=checkout, env=env, stdout=log, stderr=log)
    app = ServedApp(label, process, f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{label}: app.py exited with {process.returncode}; see {log.name}")
        try:
            if httpx.get(app.url + "/config", timeout=5).status_code == 200:
                return app
        except httpx.HTTPError:
            pass
        time.sleep(1)
    app.stop()
    raise SystemExit(f"{label}: app.py did not answer within 300 s")


# ---- a viewer's visit ---------------------------------------------------------------------------


@dataclass
class Tally:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def time(self, action: str, fn, *args) -> None:
        start = time.perf_counter()
        try:
            fn(*args)
        except Exception as exc:  # counted and reported, the visit goes on
            with self.lock:
                self.errors[action].append(f"{type(exc).__name__}: {exc}"[:200])
            return
        with self.lock:
            self.seconds[action].append(time.perf_counter() - start)


def other_choice(page: Page, component: int) -> Any:
    props = next(c for c in page.config["components"] if c["id"] == component)["props"]
    current = page.values.get(component)
    choices = [c[1] if isinstance(c, (list, tuple)) else c for c in props.get("choices", [])]
    return next((c for c in choices if c != current), current)


def download_csv(page: Page) -> None:
    value = page.values.get(page.by_elem_id("lb-download"))
    path = value.get("url") or value["path"] if isinstance(value, dict) else value
    url = path if str(path).startswith("http") else f"{page.url}/gradio_api/file={path}"
    page.http.get(url).raise_for_status()


def open_examples(page: Page) -> None:
    tab = page.tab_id("Examples")
    tabs = [(d, {"index": 3, "value": "Examples", "selected": True}) for d in page.listeners(tab, "select")]
    page.fire_all(tabs, tab)
    model = page.by_elem_id("ex-model")
    page.set_and_fire(model, "input", other_choice(page, model))


@dataclass(frozen=True)
class Pacing:
    """When a viewer arrives and how long it reads before each action (seconds, drawn per viewer).
    IN_STEP is the worst case: every viewer at once, no reading between actions."""

    name: str
    arrive_within_s: float = 0.0
    think_s: tuple[float, float] = (0.0, 0.0)


IN_STEP = Pacing("in step")
PACED = Pacing("paced", arrive_within_s=10.0, think_s=(1.0, 4.0))
PACINGS = {p.name: p for p in (IN_STEP, PACED)}


def visit(url: str, tally: Tally, seed: int, pacing: Pacing = IN_STEP) -> None:
    rng = random.Random(seed)
    time.sleep(rng.uniform(0, pacing.arrive_within_s))

    def then(action: str, fn, *args) -> None:
        time.sleep(rng.uniform(*pacing.think_s))
        tally.time(action, fn, *args)

    with httpx.Client(timeout=TIMEOUT_S) as http:
        page = Page(http, url)
        tally.time("page load", page.load)
        if not page.config:
            return
        then("open Leaderboard", page.select_tab, "Leaderboard")
        search, types, bench = (page.by_elem_id(e) for e in ("lb-search", "lb-types", "lb-benchmark"))
        then("search", page.set_and_fire, search, "change", f"model-{rng.randrange(100)}")
        kept = list(page.values.get(types) or [])[1:]
        then("filter type", page.set_and_fire, types, "input", kept)
        then("switch bench", page.set_and_fire, bench, "input", other_choice(page, bench))
        then("open Examples", open_examples, page)
        then("download CSV", download_csv, page)
        ticks = [(d, None) for d in page.config["dependencies"] if any(t[1] == "tick" for t in d["targets"])]
        then("timer tick", page.fire_all, ticks)


def round_of(url: str, viewers: int, pacing: Pacing = IN_STEP) -> Tally:
    tally = Tally()
    with ThreadPoolExecutor(viewers) as pool:
        for future in [pool.submit(visit, url, tally, i, pacing) for i in range(viewers)]:
            future.result()
    return tally


# ---- report -------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def summary(tally: Tally) -> dict:
    out = {}
    for action in ACTIONS:
        values = tally.seconds.get(action, [])
        out[action] = {
            "n": len(values),
            "p50": round(statistics.median(values), 3) if values else None,
            "p95": round(percentile(values, 0.95), 3) if values else None,
            "max": round(max(values), 3) if values else None,
            "errors": len(tally.errors.get(action, [])),
            "first_error": (tally.errors.get(action) or [None])[0],
        }
    return out


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used so far, every thread's (Linux /proc)."""
    # The fields after the process's name, which may hold spaces.
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def measured_round(app: ServedApp, viewers: int, pacing: Pacing) -> dict:
    load, cpu = os.getloadavg()[0], cpu_seconds(app.process.pid)
    started = time.perf_counter()
    tally = round_of(app.url, viewers, pacing)
    return {
        "app": app.label,
        "pacing": pacing.name,
        "viewers": viewers,
        "load_before": round(load, 2),
        "wall_s": round(time.perf_counter() - started, 1),
        "server_cpu_s": round(cpu_seconds(app.process.pid) - cpu, 1),
        "actions": summary(tally),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--app", action="append", required=True, help="LABEL=CHECKOUT (repeatable)")
    parser.add_argument("--results", type=int, default=2000)
    parser.add_argument("--models", type=int, default=500, help="distinct models the results are spread over")
    parser.add_argument("--viewers", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--pacing", nargs="+", choices=list(PACINGS), default=[IN_STEP.name, PACED.name])
    parser.add_argument("--out", type=Path, help="also write the report here (JSON)")
    args = parser.parse_args()
    report: dict[str, Any] = {"cpus": os.cpu_count(), "results": args.results, "models": args.models, "rounds": []}
    with tempfile.TemporaryDirectory() as tmp:
        store_root, logs = Path(tmp) / "store", Path(tmp)
        fill_store(store_root, args.results, args.models)
        apps = []
        try:
            for spec in args.app:
                label, checkout = spec.split("=", 1)
                apps.append(start_app(label, Path(checkout).resolve(), store_root, logs))
            for app in apps:
                round_of(app.url, 1)  # warm: the first renders of the default views, for every app alike
            for pacing in (PACINGS[name] for name in args.pacing):
                for viewers in args.viewers:
                    for app in apps:
                        row = measured_round(app, viewers, pacing)
                        report["rounds"].append(row)
                        print(json.dumps(row), flush=True)
        finally:
            for app in apps:
                app.stop()
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
