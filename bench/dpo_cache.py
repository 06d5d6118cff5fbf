"""Shared reference cache: a first and a second DPO evaluation naming the same reference, in one run.

Models: random-init GPT-2-shaped causal LMs (4 layers, hidden size 256, 2048 positions) with a
byte-level BPE tokenizer trained on the data; two policies (two submissions) and one reference,
all float32 on the CPU. Data: the 419 LLMBar pairs of RewardBench's Chat Hard section
(`../shared/data/llmbar-rewardbench.jsonl`), i.e. 838 texts.

Each evaluation is a whole `evaluator.runner.evaluate` call (data, models, scoring, result), timed
end to end, through one results store:
  first:    policy A with the reference: the store is empty, so the reference runs and is cached;
  second:   policy B with the same reference: its log-probs come from the cache;
  ref-free: policy B alone (dpo-ref-free), the floor the second run can approach.
A small warm-up evaluation runs first so one-time costs (imports, thread pools) hit neither.
Goal: second / first <= 0.6.

    python bench/dpo_cache.py [--layers 4] [--hidden 256] [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluator.runner import EvalOutcome, RunConfig, evaluate  # noqa: E402
from evaluator.tiny_models import build_causal_lm, build_tokenizer  # noqa: E402
from results.store import LocalStore  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "llmbar-rewardbench.jsonl"
GOAL = 0.6
log = logging.getLogger("bench.dpo_cache")


def build_models(root: Path, rows: list[dict], layers: int, hidden: int) -> dict[str, Path]:
    texts = [row[key] for row in rows for key in ("prompt", "chosen", "rejected")]
    tokenizer = build_tokenizer(texts, vocab_size=8000)
    shape = dict(n_layer=layers, n_embd=hidden, n_head=max(1, hidden // 64), n_positions=2048)
    return {
        name: build_causal_lm(root / "bench" / name, tokenizer, seed=seed, **shape)
        for name, seed in (("policy-a", 1), ("policy-b", 2), ("reference", 3))
    }


def timed(config: RunConfig, store: LocalStore) -> tuple[float, EvalOutcome]:
    start = time.perf_counter()
    outcome = evaluate(config, store)
    return time.perf_counter() - start, outcome


def machine() -> str:
    return (
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU cores, "
        f"{torch.get_num_threads()} torch threads, torch {torch.__version__}, CPU, float32"
    )


def run(args: argparse.Namespace) -> dict:
    rows = [json.loads(line) for line in DATA.read_text().splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        models = build_models(root, rows, args.layers, args.hidden)
        common = dict(data=str(DATA), device="cpu", dtype="float32", progress=False,
                      batch_tokens=args.batch_tokens)
        warmup = root / "warmup.jsonl"
        warmup.write_text("".join(json.dumps(row) + "\n" for row in rows[:8]))
        evaluate(RunConfig(model=str(models["policy-a"]), model_type="dpo-ref-free",
                           **{**common, "data": str(warmup)}), None)

        store = LocalStore(root / "store")
        dpo = dict(model_type="dpo", ref_model=str(models["reference"]), **common)
        first_s, first = timed(RunConfig(model=str(models["policy-a"]), **dpo), store)
        second_s, second = timed(RunConfig(model=str(models["policy-b"]), **dpo), store)
        ref_free = RunConfig(model=str(models["policy-b"]), model_type="dpo-ref-free", **common)
        ref_free_s, _ = timed(ref_free, store)
        cache_files = store.list_files("cache")
        cache_bytes = sum(len(store.read_file(path) or b"") for path in cache_files)

    return {
        "machine": machine(),
        "model": f"GPT-2 shaped, {args.layers} layers x {args.hidden}, vocab 8000",
        "pairs": first.result.benchmark.num_examples,
        "texts": first.result.stats.num_texts,
        "tokens": first.result.stats.real_tokens,
        "first_s": round(first_s, 2),
        "second_s": round(second_s, 2),
        "ref_free_s": round(ref_free_s, 2),
        "ratio": round(second_s / first_s, 3),
        "goal": GOAL,
        "cache_files": len(cache_files),
        "cache_bytes": cache_bytes,
        "second_load_model_s": round(second.result.timings.load_model_s, 2),
        "second_score_s": round(second.result.timings.score_s, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--layers", type=int, default=4)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--batch-tokens", type=int, default=16384)
    parser.add_argument("--json", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("evaluator").setLevel(logging.WARNING)  # the report, not every run's chatter

    report = run(args)
    text = json.dumps(report, indent=2)
    log.info("report:\n%s", text)
    if args.json:
        args.json.write_text(text + "\n")
    verdict = "meets" if report["ratio"] <= GOAL else "misses"
    log.info("second / first = %.3f: %s the goal of <= %.1f", report["ratio"], verdict, GOAL)


if __name__ == "__main__":
    main()
