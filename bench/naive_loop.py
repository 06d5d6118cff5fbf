"""The naive whole-process baseline of bench/cli_vs_upstream.py: a classifier scored the simple way.

Loads the model with transformers (through the classifier adapter, so every text is formatted and
tokenized exactly as `evaluator run` does), then scores the texts in fixed batches of 8 in dataset
order (the loop most evaluation scripts write; bench/evaluator_throughput.py's naive plan), and
writes one line per example: `id`, `scores` (chosen first, then rejected) and `lengths` (tokens).

    python bench/naive_loop.py --model DIR --benchmark rewardbench|rewardbench-2 --data FILE --output FILE.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluator.adapters import LoadOptions, get_adapter
from evaluator.benchmarks import DataSource, get_benchmark
from evaluator.benchmarks.loading import load_benchmark_data
from evaluator.speed.batching import fixed_batches, run_batches


def score_in_fixed_batches(adapter, encoded, batch_size: int) -> list[float]:
    lengths = [len(e.ids) for e in encoded]
    with torch.inference_mode():
        scores = run_batches(
            fixed_batches(len(encoded), batch_size, lengths),
            lambda indices: adapter.score_batch([encoded[i] for i in indices]),
            len(encoded),
            progress=False,
        )
    return scores.tolist()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", required=True)
    parser.add_argument("--benchmark", default="rewardbench")
    parser.add_argument("--data", required=True)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--output", type=Path, required=True)
    args = parser.parse_args()
    examples = load_benchmark_data(get_benchmark(args.benchmark), core=DataSource(args.data)).examples
    options = LoadOptions(
        model_path=args.model,
        device=torch.device("cpu"),
        dtype=torch.float32,
        progress=False,
        prefix_sharing=False,
    )
    adapter = get_adapter("classifier").load(options)
    encoded = adapter.encode([(ex, response) for ex in examples for response in ex.chosen + ex.rejected])
    scores = iter(score_in_fixed_batches(adapter, encoded, args.batch_size))
    lengths = iter(len(e.ids) for e in encoded)
    with args.output.open("w") as out:
        for ex in examples:
            count = len(ex.chosen) + len(ex.rejected)
            row = {
                "id": ex.id,
                "scores": [next(scores) for _ in range(count)],
                "lengths": [next(lengths) for _ in range(count)],
            }
            out.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
