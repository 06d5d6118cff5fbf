"""The sample benchmark and the demo's training pairs, generated from the hand-written templates.

    python -m demo.sample_data                 rewrite data/sample-rewardbench.jsonl
    python -m demo.sample_data --check         fail if the committed file differs from the generator

Every template item (an entity: a country, a function name, a pair of numbers) goes to exactly one
side: `per_subset` items of each subset, spread over its templates, make the sample (one wording
each); every wording of all other items makes the training set. So the training set never holds
an entity of the sample, and the sample never changes when training needs change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional, Sequence

from .pairs import SUBSET_TEMPLATES, Pair, PairTemplate

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PATH = REPO_ROOT / "data" / "sample-rewardbench.jsonl"
PER_SUBSET = 5
SEED = 0


@dataclass(frozen=True)
class Split:
    sample: list[dict]
    train: list[dict]


def _rank(seed: int, *parts: object) -> str:
    """A stable pseudo-random order key (Python's hash() changes between runs)."""
    return hashlib.sha256("|".join(map(str, (seed, *parts))).encode()).hexdigest()


def _row(pair: Pair, subset: str, row_id: str) -> dict:
    return {
        "prompt": pair.prompt,
        "chosen": pair.chosen,
        "rejected": pair.rejected,
        "subset": subset,
        "id": row_id,
    }


def _ranked_items(template: PairTemplate, seed: int, subset: str, index: int) -> list:
    return sorted(template.items, key=lambda item: _rank(seed, subset, index, template.item_key(item)))


def _split_subset(subset: str, templates: Sequence[PairTemplate], per_subset: int, seed: int):
    """(sample pairs, training pairs) of one subset: templates take turns giving the sample an item."""
    queues = [_ranked_items(t, seed, subset, i) for i, t in enumerate(templates)]
    if sum(map(len, queues)) <= per_subset:
        raise ValueError(f"{subset}: its templates have too few items to spare {per_subset} for the sample")
    sample: list[Pair] = []
    turn = 0
    while len(sample) < per_subset:
        index = turn % len(templates)
        if queues[index]:
            item = queues[index].pop(0)
            fills = templates[index].fill(item)
            sample.append(
                fills[int(_rank(seed, subset, "variant", templates[index].item_key(item)), 16) % len(fills)]
            )
        turn += 1
    train = [
        pair for template, queue in zip(templates, queues) for item in queue for pair in template.fill(item)
    ]
    return sample, train


def split(per_subset: int = PER_SUBSET, seed: int = SEED) -> Split:
    """The sample (`per_subset` pairs a subset) and the disjoint training pairs."""
    sample, train = [], []
    for subset, templates in SUBSET_TEMPLATES.items():
        sample_pairs, train_pairs = _split_subset(subset, templates, per_subset, seed)
        sample += [_row(p, subset, f"{subset}-{i}") for i, p in enumerate(sample_pairs)]
        train += [_row(p, subset, f"train-{subset}-{i}") for i, p in enumerate(train_pairs)]
    return Split(sample=sample, train=train)


def to_jsonl(rows: Sequence[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def write_sample(path: Path = SAMPLE_PATH, per_subset: int = PER_SUBSET, seed: int = SEED) -> Path:
    rows = split(per_subset, seed).sample
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(to_jsonl(rows), encoding="utf-8")
    log.info("wrote %d sample pairs over %d subsets to %s", len(rows), len(SUBSET_TEMPLATES), path)
    return path


def check_generated(path: Path, expected: str, command: str) -> int:
    """0 when `path` holds what its generator makes; else say how to rewrite it and return 1."""
    if not path.exists() or path.read_text(encoding="utf-8") != expected:
        log.error("%s is not what the generator makes; run `python -m %s` to rewrite it", path, command)
        return 1
    log.info("%s is up to date", path)
    return 0


def sample_file_main(
    argv: Optional[Sequence[str]], module: str, doc: str, default: Path, rows: Callable[[], list[dict]], what: str
) -> int:
    """The command of a sample generator that takes no options of its own: `python -m <module>`
    writes the sample to --out, `--check` says whether the committed file is what it makes."""
    parser = argparse.ArgumentParser(prog=f"python -m {module}", description=doc.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=default, help="where to write the sample (JSONL)")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    text = to_jsonl(rows())
    if args.check:
        return check_generated(args.out, text, module)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    log.info("wrote %d %s to %s", text.count("\n"), what, args.out)
    return 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.sample_data", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=SAMPLE_PATH, help="where to write the sample (JSONL)")
    parser.add_argument("--per-subset", type=int, default=PER_SUBSET, help="pairs per subset")
    parser.add_argument("--seed", type=int, default=SEED, help="which items go to the sample")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not args.check:
        write_sample(args.out, args.per_subset, args.seed)
        return 0
    return check_generated(args.out, to_jsonl(split(args.per_subset, args.seed).sample), "demo.sample_data")


if __name__ == "__main__":
    sys.exit(main())
