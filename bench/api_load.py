"""The public API under load, through Gradio's own client: N scripted users, each a `gradio_client.Client`.

The store and the app are bench/hosted_load.py's (`fill_store`: 2,000 synthetic results over every
registered benchmark in a LocalStore; `start_app`: `python app.py` as in production, a subprocess on
127.0.0.1). One RewardBench result also gets 3,000 per-example scores and their texts (as the worker
stores them; rows as bench/examples_tab.py makes them), so `/examples` has examples to return.
Then, for each N in `--users`, N users start together, each with a `Client` of its own (its own
session), and each does in turn:

  client          `Client(url)`: the client fetches the app's config and API description
  /leaderboard    the default benchmark
  raw HTTP        the same call again without the client: Gradio's REST protocol with httpx (POST
                  /gradio_api/call/leaderboard, then read the event's stream), so the client's own
                  share of a call shows against the same call at the same moment
  search          `/leaderboard` with a search (each user its own)
  type filter     `/leaderboard` with one model type
  other bench     `/leaderboard` for RewardBench 2
  /examples       100 examples of the RewardBench result that has them
  /csv            the default benchmark's CSV

An untimed user goes first: every call's rows are computed once per data refresh and shared by every
caller, and the rounds time that regime (bench/hosted_load.py times pages, first views included).
An empty answer counts as an error. Reported per round: p50 / p95 / max seconds per call, errors,
the 1-minute load average before the round, the round's wall time, and the CPU seconds the round
cost this process (the N clients) and the app's process (from /proc). Before the rounds, one call at
a time: wall and CPU seconds (this process's and the app's) of `/leaderboard` through the client and
by raw HTTP, and of making a `Client`: where a call's time goes when nothing else runs.

    python bench/api_load.py [--users 1 10 50] [--results 2000] [--out report.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.examples_tab import build_scores, build_texts  # noqa: E402
from bench.hosted_load import Tally, cpu_seconds, fill_store, percentile, start_app  # noqa: E402
from results.model_types import MODEL_TYPES  # noqa: E402
from results.schema import EvalResult  # noqa: E402
from results.store import LocalStore, texts_bytes  # noqa: E402

CALLS = ("client", "/leaderboard", "raw HTTP", "search", "type filter", "other bench", "/examples", "/csv")
# fill_store's model m is `org{m % 41}/model-{m}`; its first result is on the (m mod 8)-th
# registered benchmark: model 1's is RewardBench's.
EXAMPLES_MODEL, EXAMPLES_BENCHMARK = "org1/model-1", "rewardbench"
OTHER_BENCHMARK = "rewardbench-2"
TYPE_LABEL = MODEL_TYPES["dpo"].label
TIMEOUT_S = 300.0  # one call's longest wait: past it the call counts as an error


def add_examples(root: Path, count: int) -> None:
    """Give the RewardBench result of EXAMPLES_MODEL `count` per-example scores and their texts."""
    store = LocalStore(root)
    path = next(
        p for p, _ in store.iter_result_files() if f"/{EXAMPLES_BENCHMARK}/{EXAMPLES_MODEL}/" in p
    )
    result = EvalResult.model_validate_json(store.read_file(path))
    rng = random.Random(1)
    texts = build_texts(count, rng)
    benchmark = result.benchmark.model_copy(
        update={"data_fingerprint": hashlib.sha256(texts_bytes(texts)).hexdigest(), "num_examples": count}
    )
    result = result.model_copy(update={"benchmark": benchmark})
    store.write_result(result, build_scores(texts, rng, 1.0), texts=texts)


# ---- one user's script --------------------------------------------------------------------------


def leaderboard_args(benchmark: str = "", search: str = "", types: Any = None) -> tuple:
    return (benchmark, search, types, False, False)  # show_incomplete, show_older: the tab's defaults


def raw_call(http: httpx.Client, url: str, endpoint: str, args: tuple) -> Any:
    """One call by Gradio's REST protocol: POST queues it, the event's stream brings the answer."""
    posted = http.post(f"{url}/gradio_api/call/{endpoint}", json={"data": list(args)})
    posted.raise_for_status()
    event = posted.json()["event_id"]
    with http.stream("GET", f"{url}/gradio_api/call/{endpoint}/{event}") as stream:
        kind = None
        for line in stream.iter_lines():
            if line.startswith("event: "):
                kind = line[len("event: "):]
            elif line.startswith("data: ") and kind in ("complete", "error"):
                if kind == "error":
                    raise RuntimeError(f"/{endpoint} answered an error: {line[6:200]}")
                return json.loads(line[len("data: "):])
    raise RuntimeError(f"/{endpoint}: the stream ended without an answer")


def raw_leaderboard(http: httpx.Client, url: str) -> list[dict]:
    return answered(raw_call(http, url, "leaderboard", leaderboard_args())[0])  # the answer: [rows]


def answered(answer: Any) -> Any:
    """An empty answer would time a call that did nothing: it counts as an error."""
    if not answer:
        raise ValueError(f"empty answer {answer!r}")
    return answer


def user(url: str, number: int, tally: Tally) -> None:
    from gradio_client import Client

    made: list = []
    tally.time("client", lambda: made.append(Client(url, verbose=False, download_files=False)))
    if not made:
        return
    client = made[0]

    def call(name: str, endpoint: str, *args) -> None:
        tally.time(name, lambda: answered(client.submit(*args, api_name=endpoint).result(timeout=TIMEOUT_S)))

    try:
        call("/leaderboard", "/leaderboard", *leaderboard_args())
        with httpx.Client(timeout=TIMEOUT_S) as http:  # the same call again, now without the client
            tally.time("raw HTTP", raw_leaderboard, http, url)
        call("search", "/leaderboard", *leaderboard_args(search=f"model-{1 + number % 9}"))
        call("type filter", "/leaderboard", *leaderboard_args(types=[TYPE_LABEL]))
        call("other bench", "/leaderboard", *leaderboard_args(OTHER_BENCHMARK))
        call("/examples", "/examples", EXAMPLES_MODEL, EXAMPLES_BENCHMARK, "all", "all", "", 100)
        call("/csv", "/csv", *leaderboard_args())
    finally:
        client.close()


def round_of(url: str, users: int) -> Tally:
    """N users at once, each in a thread of its own; returns when the last one is done."""
    tally = Tally()
    with ThreadPoolExecutor(users) as pool:
        list(pool.map(user, [url] * users, range(users), [tally] * users))  # list(): raises a user's error
    return tally


# ---- the report ---------------------------------------------------------------------------------


def described(tally: Tally) -> dict[str, dict]:
    """p50 / p95 / max seconds and errors of each call."""
    out = {}
    for name in CALLS:
        seconds, errors = tally.seconds.get(name, []), tally.errors.get(name, [])
        shown = None
        if seconds:
            shown = [round(x, 3) for x in (statistics.median(seconds), percentile(seconds, 0.95), max(seconds))]
        out[name] = {"n": len(seconds), "p50_p95_max": shown, "errors": len(errors), "first_error": errors[:1]}
    return out


def timed_round(app, users: int) -> dict:
    me, server = os.getpid(), app.process.pid
    load, mine, theirs = os.getloadavg()[0], cpu_seconds(me), cpu_seconds(server)
    started = time.perf_counter()
    tally = round_of(app.url, users)
    return {
        "users": users,
        "load_before": round(load, 2),
        "wall_s": round(time.perf_counter() - started, 1),
        "cpu_s_clients": round(cpu_seconds(me) - mine, 1),
        "cpu_s_app": round(cpu_seconds(server) - theirs, 1),
        "calls": described(tally),
    }


def cost_of(app, repeats: int, call: Callable[[], Any]) -> dict[str, float]:
    """Wall seconds, and CPU seconds of this process and of the app, per `call`, one at a time."""
    mine, theirs, started = cpu_seconds(os.getpid()), cpu_seconds(app.process.pid), time.perf_counter()
    for _ in range(repeats):
        call()
    return {
        "wall_s": round((time.perf_counter() - started) / repeats, 3),
        "cpu_s_caller": round((cpu_seconds(os.getpid()) - mine) / repeats, 3),
        "cpu_s_app": round((cpu_seconds(app.process.pid) - theirs) / repeats, 3),
    }


def costs_alone(app, repeats: int = 20) -> dict[str, dict]:
    """Where one call's time goes, with nothing else running: the same /leaderboard through the
    client and by raw HTTP, and a `Client` made and closed."""
    from gradio_client import Client

    client = Client(app.url, verbose=False, download_files=False)
    with httpx.Client(timeout=TIMEOUT_S) as http:
        out = {
            "raw HTTP /leaderboard": cost_of(app, repeats, lambda: raw_leaderboard(http, app.url)),
            "client /leaderboard": cost_of(
                app, repeats, lambda: client.submit(*leaderboard_args(), api_name="/leaderboard").result(TIMEOUT_S)
            ),
            "Client()": cost_of(
                app, repeats // 2, lambda: Client(app.url, verbose=False, download_files=False).close()
            ),
        }
    client.close()
    return out


def markdown(rounds: list[dict]) -> str:
    """The table bench/RESULTS.md shows: one row per round."""
    head = "| users | load avg | wall | CPU clients / app | " + " | ".join(CALLS) + " | errors |"
    lines = [head, "|" + "---:|" * 4 + "---|" * len(CALLS) + "---:|"]
    for row in rounds:
        shown = [c["p50_p95_max"] for c in row["calls"].values()]
        cells = [" / ".join(f"{x:.2f}" for x in figures) if figures else "-" for figures in shown]
        errors = sum(c["errors"] for c in row["calls"].values())
        lines.append(
            f"| {row['users']} | {row['load_before']} | {row['wall_s']} s | {row['cpu_s_clients']} / "
            f"{row['cpu_s_app']} s | " + " | ".join(cells) + f" | {errors} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--results", type=int, default=2000)
    parser.add_argument("--models", type=int, default=500, help="distinct models the results are spread over")
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--out", type=Path, help="also write the report here (JSON)")
    args = parser.parse_args()
    checkout = Path(__file__).resolve().parent.parent
    report: dict[str, Any] = {"cpus": os.cpu_count(), "results": args.results, "rounds": []}
    with tempfile.TemporaryDirectory() as tmp:
        store_root = Path(tmp) / "store"
        fill_store(store_root, args.results, args.models)
        add_examples(store_root, args.examples)
        app = start_app("api", checkout, store_root, Path(tmp))
        try:
            user(app.url, 0, Tally())  # the untimed first user (see above)
            report["alone"] = costs_alone(app)
            print(json.dumps(report["alone"]), flush=True)
            for users in args.users:
                row = timed_round(app, users)
                report["rounds"].append(row)
                print(json.dumps(row), flush=True)
        finally:
            app.stop()
    print(markdown(report["rounds"]))
    for name, cost in report.get("alone", {}).items():
        print(f"{name}: {cost['wall_s']:.3f} s wall, CPU {cost['cpu_s_caller']:.3f} s caller / {cost['cpu_s_app']:.3f} s app")
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
