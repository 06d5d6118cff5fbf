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

import argparse
import logging
import sys
from pathlib import Path
from typing import Optional, Sequence

from .rb2_items import SUBSET_ITEMS, TIES, Item
from .sample_data import REPO_ROOT, check_generated, to_jsonl

log = logging.getLogger(__name__)

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


def write_sample(path: Path = SAMPLE_RB2_PATH) -> Path:
    rows = sample_rows()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_jsonl(rows), encoding="utf-8")
    log.info("wrote %d RewardBench 2 sample rows to %s", len(rows), path)
    return path


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.sample_data_rb2", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--out", type=Path, default=SAMPLE_RB2_PATH, help="where to write the sample (JSONL)")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not args.check:
        write_sample(args.out)
        return 0
    return check_generated(args.out, to_jsonl(sample_rows()), "demo.sample_data_rb2")


if __name__ == "__main__":
    sys.exit(main())
