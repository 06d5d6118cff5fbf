"""Judge calls per second through the OpenAI-compatible backend, one request at a time against many.

The server is the tests' scripted stub (fakes/openai_stub.py) on 127.0.0.1 with a fixed artificial
latency per call (50 ms by default, standing in for a model's generation time); it answers each
conversation with its own number, and every run checks that each output is its input's answer, in
order. Each run is one `backend.generate` over all calls with a fresh backend; the stub and the
client share this process (and its GIL), so the figures include the server's own overhead.

    python -m bench.judge_api_concurrency [--calls 200] [--latency-ms 50] [--concurrency 1,16]
                                          [--repeats 2] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluator.generation import Decoding  # noqa: E402
from evaluator.generation.openai_api import OpenAICompatibleBackend  # noqa: E402
from fakes.openai_stub import OpenAIStub  # noqa: E402

log = logging.getLogger("bench.judge_api_concurrency")


def conversations(count: int) -> list[list[dict]]:
    return [[{"role": "user", "content": f"Which answer is better? Question {i}"}] for i in range(count)]


def answer(messages) -> str:
    return f"[[{messages[-1]['content'].split()[-1]}]]"


def timed_run(stub: OpenAIStub, concurrency: int, calls: int) -> dict:
    stub.reset()
    backend = OpenAICompatibleBackend(stub.api_base, "bench-judge", concurrency=concurrency, timeout_s=30)
    try:
        start = time.perf_counter()
        outputs = backend.generate(conversations(calls), Decoding(max_new_tokens=8))
        seconds = time.perf_counter() - start
    finally:
        backend.close()
    if [output.text for output in outputs] != [f"[[{i}]]" for i in range(calls)]:
        raise AssertionError("the outputs are not each input's answer in input order")
    return {"seconds": seconds, "max_in_flight": stub.max_in_flight, "retries": backend.usage.retries}


def measure(args: argparse.Namespace) -> list[dict]:
    rows = []
    with OpenAIStub(reply=answer, latency_s=args.latency_ms / 1000) as stub:
        timed_run(stub, 4, 8)  # warm-up: imports, the first connections, the event loop
        for concurrency in args.concurrency:
            runs = [timed_run(stub, concurrency, args.calls) for _ in range(args.repeats)]
            median_s = statistics.median(run["seconds"] for run in runs)
            rows.append(
                {
                    "concurrency": concurrency,
                    "runs_s": [round(run["seconds"], 3) for run in runs],
                    "calls_per_s": round(args.calls / median_s, 1),
                    "ceiling_calls_per_s": round(concurrency * 1000 / args.latency_ms, 1),
                    "max_in_flight": max(run["max_in_flight"] for run in runs),
                    "retries": sum(run["retries"] for run in runs),
                }
            )
    return rows


def machine() -> str:
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, "
        f"Python {platform.python_version()}, httpx {httpx.__version__}"
    )


def table(rows: list[dict]) -> str:
    lines = [
        "| concurrency | runs (s) | calls/s (median) | ceiling (concurrency / latency) | max in flight |",
        "|------------:|----------|-----------------:|--------------------------------:|--------------:|",
    ]
    for row in rows:
        runs = ", ".join(f"{seconds:.2f}" for seconds in row["runs_s"])
        lines.append(
            f"| {row['concurrency']} | {runs} | {row['calls_per_s']:.1f} | "
            f"{row['ceiling_calls_per_s']:.1f} | {row['max_in_flight']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=lambda text: [int(n) for n in text.split(",")], default=[1, 16])
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    rows = measure(args)
    ratio = rows[-1]["calls_per_s"] / rows[0]["calls_per_s"]
    report = {"machine": machine(), "calls": args.calls, "latency_ms": args.latency_ms, "rows": rows}
    report["ratio_last_to_first"] = round(ratio, 2)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"{report['machine']}; {args.calls} calls, {args.latency_ms:g} ms per call\n")
    print(table(rows))
    first, last = rows[0]["concurrency"], rows[-1]["concurrency"]
    print(f"\nconcurrency {last} / {first}: {ratio:.2f}x the calls per second")


if __name__ == "__main__":
    main()
