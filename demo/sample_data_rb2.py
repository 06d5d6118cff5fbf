"""The RewardBench 2 sample: hand-written rows (demo/rb2_items.py) in RewardBench 2's schema.

    python -m demo.sample_data_rb2            rewrite data/sample-rewardbench-2.jsonl
    python -m demo.sample_data_rb2 --check    fail if the committed file differs from the generator

Columns, as in `allenai/reward-bench-2`: `id` (a string: a running number, or `ref:N` / `tied:N`
in Ties), `prompt`, `chosen` (the correct completions), `rejected` (the incorrect ones),
`num_correct`, `num_incorrect`, `total_completions`, `models` (who wrote each completion, chosen
first), `subset`, `additional_metadata` (`category`). Five subsets have one correct and three
incorrect completions per prompt (best-of-4); Ties rows have several correct answers where the
prompt allows them.
"""

from __future__ import annotations

import sys
from typing import Optional, Sequence

from .rb2_items import SUBSET_ITEMS, TIES, Item
from .sample_data import REPO_ROOT, sample_file_main


SAMPLE_RB2_PATH = REPO_ROOT / "data" / "sample-rewardbench-2.jsonl"
AUTHOR = "hand-written for rm-leaderboard"


def _row(item: Item, subset: str, row_id: str) -> dict:
    completions = len(item.correct) + len(item.incorrect)
    return {
        "id": row_id,
        "prompt": item.prompt,
        "chosen": list(item.correct),
        "rejected": list(item.incorrect),
        "num_correct": len(item.correct),
        "num_incorrect": len(item.incorrect),
        "total_completions": completions,
        "models": [AUTHOR] * completions,
        "subset": subset,
        "additional_metadata": {"category": item.category},
    }


def sample_rows() -> list[dict]:
    """Every subset in leaderboard order; Ties pairs each `ref:N` with its `tied:N`."""
    rows = []
    for subset, items in SUBSET_ITEMS.items():
        rows += [_row(item, subset, str(len(rows) + i)) for i, item in enumerate(items)]
    for number, pair in enumerate(TIES):
        rows += [_row(pair.ref, "Ties", f"ref:{number}"), _row(pair.tied, "Ties", f"tied:{number}")]
    return rows


def main(argv: Optional[Sequence[str]] = None) -> int:
    return sample_file_main(argv, "demo.sample_data_rb2", __doc__, SAMPLE_RB2_PATH, sample_rows, "RewardBench 2 sample rows")


if __name__ == "__main__":
    sys.exit(main())
