"""CPU settings that matter for scoring speed: thread count, attention kernel, token budget.

Model: the random-init GPT-2-shaped sequence classifier of bench/evaluator_throughput.py (6 layers,
hidden size 512, float32), on the 419 LLMBar pairs (`../shared/data/llmbar-rewardbench.jsonl`,
838 texts), scored by the project's classifier adapter (`adapter.score`: length-sorted batches under
a token budget). One setting changes at a time from the baseline (all cores, SDPA attention, a
16,384-token budget); every setting's rewards must equal the baseline's within 1e-4 (checked).

  threads:   torch.set_num_threads(1) against all cores
  attention: attn_implementation "eager" (plain matmul + softmax) against "sdpa" (PyTorch's fused
             scaled_dot_product_attention, transformers' default)
  budget:    --batch-tokens 4,096 / 16,384 / 65,536

    python bench/cpu_settings.py [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.evaluator_throughput import DATA, build_model  # noqa: E402
from evaluator.adapters import LoadOptions, get_adapter  # noqa: E402
from evaluator.benchmarks import REWARDBENCH, DataSource  # noqa: E402
from evaluator.benchmarks.loading import load_benchmark_data  # noqa: E402

CORES = os.cpu_count() or 1
SETTINGS = {
    "baseline (all cores, sdpa, 16384)": dict(threads=CORES, attention="sdpa", budget=16384),
    "1 thread": dict(threads=1, attention="sdpa", budget=16384),
    "eager attention": dict(threads=CORES, attention="eager", budget=16384),
    "budget 4096": dict(threads=CORES, attention="sdpa", budget=4096),
    "budget 65536": dict(threads=CORES, attention="sdpa", budget=65536),
}


def scorer(folder: Path, attention: str, budget: int):
    from transformers import AutoModelForSequenceClassification

    options = LoadOptions(model_path=str(folder), device=torch.device("cpu"), dtype=torch.float32,
                          batch_tokens=budget, progress=False)
    adapter = get_adapter("classifier").load(options)
    model = AutoModelForSequenceClassification.from_pretrained(folder, dtype=torch.float32, attn_implementation=attention)
    model.config.pad_token_id = adapter.pad_id
    adapter.model = model.eval()
    return adapter


def timed(adapter, examples, threads: int) -> tuple[float, np.ndarray]:
    torch.set_num_threads(threads)
    start = time.perf_counter()
    scored, _ = adapter.score(examples)
    seconds = time.perf_counter() - start
    return seconds, np.array([s.scores_chosen + s.scores_rejected for s in scored]).ravel()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    examples = load_benchmark_data(REWARDBENCH, core=DataSource(str(DATA))).examples
    texts = [t for ex in examples for t in (ex.prompt[-1][1], *ex.chosen, *ex.rejected)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_model(Path(tmp) / "bench" / "rm", texts)
        adapters = {name: scorer(folder, s["attention"], s["budget"]) for name, s in SETTINGS.items()}
        times: dict[str, list[float]] = {name: [] for name in SETTINGS}
        rewards = {}
        for _ in range(args.repeats):
            for name, setting in SETTINGS.items():
                seconds, rewards[name] = timed(adapters[name], examples, setting["threads"])
                times[name].append(seconds)
    base_name = next(iter(SETTINGS))
    for name, values in rewards.items():
        gap = float(np.abs(values - rewards[base_name]).max())
        if gap > 1e-4:
            raise SystemExit(f"{name}: rewards differ from the baseline by {gap:.2e}")
    base = statistics.median(times[base_name])
    print(f"machine: {platform.machine()}, {CORES} CPU cores, torch {torch.__version__}; "
          f"{2 * len(examples)} texts, median of {args.repeats}")
    print("| setting | seconds | relative to baseline |")
    print("|---|---:|---:|")
    for name, values in times.items():
        seconds = statistics.median(values)
        print(f"| {name} | {seconds:.2f} | {seconds / base:.2f}x |")


if __name__ == "__main__":
    main()
