"""The final layer at the read token only, against the whole final layer, in-process.

The same classifier adapter, model and texts scored with `pooled_final_layer` on (the default)
and off, with prefix sharing on (the default) and off. Model: bench/prefix_sharing.py's
random-init GPT-2-shaped classifier (6 layers x 512, float32): the final layer is a sixth of the
layers, and the part skipped (queries, attention, output projection and MLP of every position but
the read one) about three quarters of it, so about an eighth of the work at most. Data: the 419
LLMBar pairs (838 texts). Rounds alternate off, on, off, on; per-text rewards are compared.

    python bench/pooled_layer.py [--repeats 2]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.paired import llmbar_sharing_table  # noqa: E402
from evaluator.adapters import LoadOptions, get_adapter  # noqa: E402


def score_once(folder: Path, examples, pooled: bool, sharing: bool):
    options = LoadOptions(model_path=str(folder), device=torch.device("cpu"), dtype=torch.float32,
                          progress=False, prefix_sharing=sharing, pooled_final_layer=pooled)
    adapter = get_adapter("classifier").load(options)
    start = time.perf_counter()
    scored, _ = adapter.score(examples)
    seconds = time.perf_counter() - start
    assert adapter.pooled_final_layer_on == pooled
    return seconds, np.array([s for ex in scored for s in ex.scores_chosen + ex.scores_rejected]), None


def main() -> None:
    llmbar_sharing_table("classifier", ("whole final layer", "final layer at the read token"), score_once, __doc__)


if __name__ == "__main__":
    main()
