"""Evaluator throughput: length-sorted token-budget batching against a naive loop, in one run.

Model: a random-init GPT-2-shaped sequence classifier (6 layers, hidden size 512) with a byte-level
BPE tokenizer trained on the data, float32 on the CPU. Data: the 419 LLMBar pairs of RewardBench's
Chat Hard section (`../shared/data/llmbar-rewardbench.jsonl`), i.e. 838 texts.

Both methods score the same tokenized texts with the same model and the same forward function;
only the batch plan differs:
  naive:   fixed batches of 8 texts in dataset order (how most evaluation scripts loop),
  project: texts sorted by length, packed under a token budget (evaluator.speed.batching.plan_batches).
Runs alternate (naive, project, naive, project, ...) so drift in machine speed hits both alike.

    python bench/evaluator_throughput.py [--repeats 2] [--batch-tokens 16384]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluator.adapters import LoadOptions, get_adapter  # noqa: E402
from evaluator.benchmarks import REWARDBENCH, DataSource  # noqa: E402
from evaluator.benchmarks.loading import load_benchmark_data  # noqa: E402
from evaluator.speed.batching import fixed_batches, plan_batches, run_batches  # noqa: E402
from evaluator.tiny_models import build_classifier, build_tokenizer  # noqa: E402

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "llmbar-rewardbench.jsonl"


def build_model(folder: Path, texts: list[str]) -> Path:
    tokenizer = build_tokenizer(texts, vocab_size=8000)
    return build_classifier(folder, tokenizer, n_layer=6, n_embd=512, n_head=8, n_positions=2048)


def time_plan(adapter, encoded, plan) -> float:
    start = time.perf_counter()
    with torch.inference_mode():
        run_batches(plan, lambda idx: adapter.score_batch([encoded[i] for i in idx]), len(encoded), progress=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--batch-tokens", type=int, default=16384)
    parser.add_argument("--naive-batch-size", type=int, default=8)
    args = parser.parse_args()

    examples = load_benchmark_data(REWARDBENCH, core=DataSource(str(DATA))).examples
    texts = [t for ex in examples for t in (ex.prompt[0][1], *ex.chosen, *ex.rejected)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_model(Path(tmp) / "bench" / "gpt2-6x512", texts)
        options = LoadOptions(model_path=str(folder), device=torch.device("cpu"), dtype=torch.float32,
                              batch_tokens=args.batch_tokens, progress=False)
        adapter = get_adapter("classifier").load(options)
        encoded = adapter.encode([(ex, r) for ex in examples for r in ex.chosen + ex.rejected])
        lengths = [len(e.ids) for e in encoded]
        plans = {
            "naive": fixed_batches(len(encoded), args.naive_batch_size, lengths),
            "project": plan_batches(lengths, args.batch_tokens),
        }
        time_plan(adapter, encoded, plan_batches(lengths[:64], args.batch_tokens))  # warm-up
        seconds: dict[str, list[float]] = {name: [] for name in plans}
        for _ in range(args.repeats):
            for name, plan in plans.items():
                seconds[name].append(time_plan(adapter, encoded, plan))

    pairs = len(examples)
    report = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads",
        "pairs": pairs,
        "texts": len(encoded),
        "tokens": sum(lengths),
        "max_tokens": max(lengths),
    }
    for name, plan in plans.items():
        median = statistics.median(seconds[name])
        report[name] = {
            "seconds": [round(s, 2) for s in seconds[name]],
            "pairs_per_s": round(pairs / median, 2),
            "padding_efficiency": round(plan.padding_efficiency, 3),
            "batches": len(plan.batches),
        }
    report["speedup"] = round(report["project"]["pairs_per_s"] / report["naive"]["pairs_per_s"], 2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
