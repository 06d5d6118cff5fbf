"""RewardBench 2 throughput: the project's batched best-of-4 scoring against one text at a time.

Data: RewardBench-2-shaped rows (one chosen and three rejected completions per prompt) built from
the LLMBar pairs in `../shared/data/llmbar-rewardbench.jsonl`: each prompt keeps its own chosen and
rejected responses and borrows the rejected responses of the next two rows, so texts have real
lengths. Default: 100 prompts x 4 = 400 texts, all in RB2's Focus subset.
Model (`--model`): a random-init GPT-2-shaped sequence classifier, `small` (6 layers, hidden size
512, as bench/evaluator_throughput.py) or `tiny` (2 layers, hidden size 64, as the tests), with a
byte-level BPE tokenizer trained on the data, float32 on the CPU.

  project: `adapter.score(examples)`: format and tokenize every completion, sort by length, pack
           under a token budget, regroup the scores per prompt (what `evaluator run` does);
  naive:   per completion, encode it alone and run the model on it alone (batch of one, no padding).
Both use the same adapter, so the per-completion scores must agree (checked). Runs alternate
(naive, project, ...) so drift in machine speed hits both alike.

    python bench/rb2_throughput.py [--model small|tiny] [--prompts 100] [--repeats 2] [--batch-tokens 16384]
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
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from evaluator.adapters import LoadOptions, get_adapter  # noqa: E402
from evaluator.benchmarks import REWARDBENCH, DataSource  # noqa: E402
from evaluator.benchmarks.loading import Example, load_benchmark_data  # noqa: E402
from evaluator.speed.batching import plan_batches  # noqa: E402
from evaluator.tiny_models import build_classifier, build_tokenizer  # noqa: E402

log = logging.getLogger("bench.rb2_throughput")
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "llmbar-rewardbench.jsonl"
BORROWED = 2  # rejected responses borrowed from the next rows: 1 chosen + 1 own + 2 = best-of-4
MODELS = {
    "small": {"n_layer": 6, "n_embd": 512, "n_head": 8, "n_positions": 2048},
    "tiny": {"n_layer": 2, "n_embd": 64, "n_head": 4, "n_positions": 2048},
}


def best_of_4_examples(prompts: int, data: Path = DATA) -> list[Example]:
    pairs = load_benchmark_data(REWARDBENCH, core=DataSource(str(data))).examples
    if prompts + BORROWED > len(pairs):
        raise SystemExit(f"--prompts must be at most {len(pairs) - BORROWED} (the LLMBar file has {len(pairs)} pairs)")
    return [
        Example(
            id=str(i),
            subset="Focus",
            prompt=pairs[i].prompt,
            chosen=pairs[i].chosen,
            rejected=pairs[i].rejected + tuple(pairs[i + k].rejected[0] for k in range(1, BORROWED + 1)),
        )
        for i in range(prompts)
    ]


def project_scores(adapter, examples: list[Example]) -> list[float]:
    scored, _ = adapter.score(examples)
    return [s for result in scored for s in result.scores_chosen + result.scores_rejected]


def naive_scores(adapter, examples: list[Example]) -> list[float]:
    scores = []
    with torch.inference_mode():
        for example in examples:
            for response in example.chosen + example.rejected:
                encoded = adapter.encode([(example, response)])
                scores.extend(adapter.score_batch(encoded))
    return scores


def timed(method, adapter, examples) -> tuple[float, list[float]]:
    start = time.perf_counter()
    scores = method(adapter, examples)
    return time.perf_counter() - start, scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS), default="small")
    parser.add_argument("--prompts", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--batch-tokens", type=int, default=16384)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")

    examples = best_of_4_examples(args.prompts)
    texts = [t for ex in examples for t in (ex.prompt[0][1], *ex.chosen, *ex.rejected)]
    methods = {"naive": naive_scores, "project": project_scores}
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_classifier(Path(tmp) / "bench" / args.model, build_tokenizer(texts, vocab_size=8000),
                                  **MODELS[args.model])
        options = LoadOptions(model_path=str(folder), device=torch.device("cpu"), dtype=torch.float32,
                              batch_tokens=args.batch_tokens, progress=False)
        adapter = get_adapter("classifier").load(options)
        project_scores(adapter, examples[:8])  # warm-up
        seconds: dict[str, list[float]] = {name: [] for name in methods}
        scores: dict[str, list[float]] = {}
        for _ in range(args.repeats):
            for name, method in methods.items():
                elapsed, scores[name] = timed(method, adapter, examples)
                seconds[name].append(elapsed)
                log.info("%s: %.2f s", name, elapsed)
        lengths = [len(e.ids) for e in adapter.encode([(ex, r) for ex in examples for r in ex.chosen + ex.rejected])]

    report = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads",
        "model": f"{args.model}: {MODELS[args.model]}",
        "batch_tokens": args.batch_tokens,
        "prompts": len(examples),
        "texts": len(lengths),
        "tokens": sum(lengths),
        "max_tokens": max(lengths),
        "project_batches": len(plan_batches(lengths, args.batch_tokens).batches),
        "project_padding_efficiency": round(plan_batches(lengths, args.batch_tokens).padding_efficiency, 3),
        "max_abs_score_difference": float(np.max(np.abs(np.subtract(scores["project"], scores["naive"])))),
    }
    for name in methods:
        median = statistics.median(seconds[name])
        report[name] = {"seconds": [round(s, 2) for s in seconds[name]], "prompts_per_s": round(len(examples) / median, 2)}
    report["speedup"] = round(report["project"]["prompts_per_s"] / report["naive"]["prompts_per_s"], 2)
    sys.stdout.write(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
