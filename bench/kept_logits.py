"""Logits only at the positions that predict a response token, against every position's.

`dpo-ref-free` on the 838 LLMBar texts, in-process `adapter.score`, with prefix sharing on (the
default) and off. The baseline is the same code with `keeps_logits` answering no, so the model
projects every position onto the vocabulary as it did before (evaluator/speed/kept_logits.py).
Model: bench/prefix_sharing.py's random-init GPT-2-shaped causal LM (6 x 512, vocabulary 8,000,
float32); its vocabulary projection is about a sixth of its work per position, a Llama-3-8B's
(128k vocabulary) about a fifteenth. Rounds alternate; per-text rewards are compared.

    python bench/kept_logits.py [--repeats 2]
"""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from unittest import mock

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.paired import llmbar_sharing_table  # noqa: E402
from evaluator.adapters import LoadOptions, get_adapter  # noqa: E402
from evaluator.speed import kept_logits  # noqa: E402


@contextlib.contextmanager
def every_position():
    """The baseline: `keeps_logits` answers no, so no forward is given `logits_to_keep`."""
    with mock.patch.object(kept_logits, "keeps_logits", return_value=False):
        yield


def score_once(folder: Path, examples, keep: bool, sharing: bool):
    options = LoadOptions(model_path=str(folder), device=torch.device("cpu"), dtype=torch.float32,
                          progress=False, prefix_sharing=sharing)
    adapter = get_adapter("dpo-ref-free").load(options)
    with every_position() if not keep else contextlib.nullcontext():
        start = time.perf_counter()
        scored, _ = adapter.score(examples)
        seconds = time.perf_counter() - start
    return seconds, np.array([s for ex in scored for s in ex.scores_chosen + ex.scores_rejected]), None


def main() -> None:
    llmbar_sharing_table("dpo-ref-free", ("every position", "predicting positions only"), score_once, __doc__)


if __name__ == "__main__":
    main()
