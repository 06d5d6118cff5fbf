"""Packed rows against length-sorted padded batches, in-process, prefix sharing off.

The same adapter, model and texts scored with `packing="off"` (padded batches under the token
budget) and `packing="on"` (texts end to end in rows, no padding). On this CPU the attention
kernel is SDPA, a dense one: a packed row computes row x row attention under a block-diagonal
mask (rows capped at evaluator/speed/packing.py's DENSE_ROW_TOKENS), so packing removes the padding's
work and adds masked attention work. That trade is what this measures, and why `--packing auto`
packs only on a variable-length kernel (flash-attention on a GPU), which has no masked work.

Models: bench/prefix_sharing.py's random-init GPT-2-shaped classifier and causal LM (6 x 512,
float32). Data: the 419 LLMBar pairs (838 texts). Rounds alternate off, on, off, on; the per-text
scores of the two are compared (the largest difference is printed).

    python bench/packing.py [--repeats 2] [--model-types classifier,dpo-ref-free]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.paired import machine_line, paired  # noqa: E402
from bench.prefix_sharing import build_models  # noqa: E402
from bench.rb2_throughput import DATA  # noqa: E402
from evaluator.adapters import LoadOptions, get_adapter  # noqa: E402
from evaluator.benchmarks import REWARDBENCH, DataSource  # noqa: E402
from evaluator.benchmarks.loading import load_benchmark_data  # noqa: E402
from evaluator.speed.packing import DENSE_ROW_TOKENS  # noqa: E402

BATCH_TOKENS = 16384


def score_once(model_type: str, folder: Path, examples, packing: str):
    options = LoadOptions(model_path=str(folder), device=torch.device("cpu"), dtype=torch.float32,
                          progress=False, prefix_sharing=False, packing=packing, batch_tokens=BATCH_TOKENS)
    adapter = get_adapter(model_type).load(options)
    start = time.perf_counter()
    scored, stats = adapter.score(examples)
    seconds = time.perf_counter() - start
    values = np.array([s for ex in scored for s in ex.scores_chosen + ex.scores_rejected])
    return seconds, values, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--model-types", default="classifier,dpo-ref-free")
    args = parser.parse_args()
    models = build_models(Path(tempfile.mkdtemp(prefix="packing-bench-")))
    examples = load_benchmark_data(REWARDBENCH, core=DataSource(str(DATA))).examples
    print(f"{machine_line()}; budget {BATCH_TOKENS}, dense rows <= {DENSE_ROW_TOKENS} tokens")
    print("| model type | padded (s) | packed (s) | packed / padded | real tokens | padded tokens (padded run) | largest difference |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for model_type in args.model_types.split(","):
        r = paired(lambda packed: score_once(model_type, models[model_type], examples, "on" if packed else "off"), args.repeats)
        print(f"| {model_type} | {r.off_s:.2f} | {r.on_s:.2f} | {r.ratio:.2f} | {r.extra[True].real_tokens} | "
              f"{r.extra[False].padded_tokens} | {r.largest_difference:.1e} |", flush=True)


if __name__ == "__main__":
    main()
