"""The demo's published-results sample: a few flat result files in the layout of the field's results
datasets, with model names and numbers made up for this project, and their import into the demo store.

    python -m demo.published_sample           write data/published-sample/ (do not edit it by hand)
    python -m demo.published_sample --check   whether the files are what this module writes

`data/published-sample/reward-bench-results/` is laid out like a RewardBench v1 results dataset and
`.../reward-bench-2-results/` like a RewardBench 2 one (`eval-set/<org>/<model>.json`: one key per
subset, plus `model`, `model_type`, `chat_template`). The demo imports both
(`import_sample`), so its leaderboard shows imported rows beside the ones its worker verified, with
the Source mark and filter, offline. The numbers mean nothing about any real model.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Optional, Sequence

from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS
from results.benchmarks.rewardbench2 import REWARDBENCH_2_SUBSETS
from results.store import Store

from .sample_data import REPO_ROOT

log = logging.getLogger(__name__)

SAMPLE_ROOT = REPO_ROOT / "data" / "published-sample"
# Folder -> (the name the import records as the source, the benchmark of its files).
SOURCES: dict[str, tuple[str, str]] = {
    "reward-bench-results": ("demo-sample/reward-bench-results", "rewardbench"),
    "reward-bench-2-results": ("demo-sample/reward-bench-2-results", "rewardbench-2"),
}
# v1: (model, published model type, a level per section: Chat, Chat Hard, Safety, Reasoning[, Prior Sets]).
V1_MODELS: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("samplelab/pairwise-rm-3b", "Seq. Classifier", (0.94, 0.61, 0.83, 0.77, 0.68)),
    ("samplelab/pairwise-rm-1b", "Seq. Classifier", (0.88, 0.52, 0.71, 0.64)),
    ("quill-ai/quill-dpo-2b", "DPO", (0.91, 0.58, 0.66, 0.81)),
    ("openjudge/verdict-9b", "Generative", (0.96, 0.73, 0.88, 0.84)),
)
# v2: (model, model type, Factuality, Precise IF, Math, Safety, Focus, Ties).
V2_MODELS: tuple[tuple[str, str, tuple[float, ...]], ...] = (
    ("samplelab/pairwise-rm-3b", "Seq. Classifier", (0.612, 0.334, 0.571, 0.803, 0.742, 0.455)),
    ("openjudge/verdict-9b", "Generative", (0.705, 0.381, 0.664, 0.871, 0.692, 0.518)),
    ("quill-ai/quill-dpo-2b", "DPO", (0.498, 0.287, 0.533, 0.615, 0.577, 0.362)),
)


def _wobble(index: int) -> float:
    """A small fixed offset per subset, so a section's subsets differ as real ones do."""
    return ((index * 37) % 11 - 5) / 100


def v1_doc(model: str, model_type: str, levels: Sequence[float]) -> dict:
    doc: dict = {"model": model, "model_type": model_type, "chat_template": "tokenizer"}
    for section, level in zip(REWARDBENCH_SECTIONS, levels):
        for i, subset in enumerate(section.subset_weights):
            doc[subset] = round(min(1.0, max(0.0, level + _wobble(i))), 4)
    return doc


def v2_doc(model: str, model_type: str, scores: Sequence[float]) -> dict:
    return {
        "model": model,
        "model_type": model_type,
        "chat_template": "tokenizer",
        **dict(zip(REWARDBENCH_2_SUBSETS, scores)),
    }


def sample_files() -> dict[str, bytes]:
    """Path under data/published-sample/ -> file bytes."""
    files = {}
    for folder, models, make in (
        ("reward-bench-results", V1_MODELS, v1_doc),
        ("reward-bench-2-results", V2_MODELS, v2_doc),
    ):
        for model, model_type, values in models:
            files[f"{folder}/eval-set/{model}.json"] = (
                json.dumps(make(model, model_type, values), indent=2) + "\n"
            ).encode()
    return files


def write_sample(root: Path = SAMPLE_ROOT) -> None:
    for path, data in sample_files().items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)


def is_current(root: Path = SAMPLE_ROOT) -> bool:
    found = {p.relative_to(root).as_posix() for p in root.rglob("*.json")} if root.is_dir() else set()
    expected = sample_files()
    return found == set(expected) and all((root / p).read_bytes() == d for p, d in expected.items())


def import_sample(store: Store, root: Path = SAMPLE_ROOT) -> list:
    """Import both sample folders into `store` (a second run imports nothing); the import reports."""
    from leaderboard.imports.import_sources import FolderSource
    from leaderboard.imports.importer import import_results

    return [
        import_results(store, FolderSource(root / folder, repo), benchmark)
        for folder, (repo, benchmark) in SOURCES.items()
    ]


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo.published_sample", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="only check that the files are current")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.check:
        current = is_current()
        if not current:
            log.error("data/published-sample/ is stale: run python -m demo.published_sample")
        return 0 if current else 1
    write_sample()
    return 0


if __name__ == "__main__":
    sys.exit(main())
