"""Leaderboard load time: from a results store on disk to the leaderboard tables, against a naive way.

For each size (default 1,000 and 10,000 result files) a LocalStore folder is filled with synthetic
results: 90% in the project's EvalResult schema (every subset and section with its bootstrap
interval, as the evaluator writes them) and 10% in the flat layout of the published RewardBench
results. Then, alternating, in the same run:
  project: `leaderboard.tables.table.build_tables(store.iter_result_files())` (what the app's refresh does):
           json.loads, the format registry, one validation per file, one DataFrame at the end;
  naive:   what a first version typically does: read each file, `EvalResult.model_validate_json`
           (falling back to the flat format), compute the row, `pd.concat` it onto the table.
Both read the same files through the same store and produce the same rows (checked).

    python bench/leaderboard_load.py [--sizes 1000 10000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pydantic
from pydantic import ValidationError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from leaderboard.tables import table as t  # noqa: E402
from results.schema import EvalResult  # noqa: E402
from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS  # noqa: E402
from results.benchmarks.sections import overall_score, section_scores, subset_order  # noqa: E402
from results.store import LocalStore, legacy_result_path  # noqa: E402

SUBSETS = subset_order(REWARDBENCH_SECTIONS)
CORE = subset_order(REWARDBENCH_SECTIONS[:4])
START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def interval(value: float, rng: random.Random) -> dict:
    half = rng.uniform(0.005, 0.05)
    return {"low": max(0.0, value - half), "high": min(1.0, value + half)}


def project_doc(i: int, rng: random.Random) -> dict:
    """An EvalResult as the evaluator writes it (built as a dict: this script times reading only)."""
    accuracy = {s: rng.uniform(0.3, 1.0) for s in SUBSETS}
    sections = section_scores(accuracy, REWARDBENCH_SECTIONS)
    score = overall_score(sections, REWARDBENCH_SECTIONS)
    finished = START + timedelta(hours=i)
    doc = {
        "schema_version": 1,
        "model": {
            "id": f"org{i % 97}/model-{i}",
            "name": f"org{i % 97}/model-{i}",
            "model_type": "classifier",
            "revision_requested": "main",
            "revision_resolved": f"{i:040x}",
            "num_parameters": 10**9 + i,
            "chat_template": "tokenizer",
            "chat_template_sha256": "a" * 64,
        },
        "benchmark": {
            "name": "rewardbench",
            "data_source": "allenai/reward-bench",
            "data_split": "filtered",
            "data_fingerprint": "f" * 64,
            "num_examples": 2985,
        },
        "settings": {
            "device": "cuda",
            "dtype": "bfloat16",
            "max_length": 4096,
            "batch_tokens": 16384,
            "batching": "length-sorted token budget",
            "bootstrap_samples": 1000,
            "bootstrap_seed": 0,
        },
        "environment": {
            "python": "3.11.7",
            "platform": "Linux-x86_64",
            "code_version": "0123abc",
            "libraries": {"torch": "2.13.0", "transformers": "5.23.0", "datasets": "5.2.0"},
            "accelerator": "NVIDIA H100",
        },
        "timings": {
            "started_at": (finished - timedelta(minutes=9)).isoformat(),
            "finished_at": finished.isoformat(),
            "load_data_s": 3.1,
            "load_model_s": 20.5,
            "tokenize_s": 4.2,
            "score_s": 500.0,
            "total_s": 528.0,
        },
        "stats": {
            "num_texts": 5970,
            "num_truncated": 3,
            "real_tokens": 2_000_000,
            "padded_tokens": 2_100_000,
        },
        "subsets": {s: {"accuracy": a, "n": 100, "ci95": interval(a, rng)} for s, a in accuracy.items()},
        "sections": {
            sec.name: {
                "score": sections[sec.name],
                "subsets": list(sec.subset_weights),
                "missing_subsets": [],
                "ci95": interval(sections[sec.name], rng),
            }
            for sec in REWARDBENCH_SECTIONS
        },
        "score": score,
        "score_ci95": interval(score, rng),
    }
    return doc


def published_doc(i: int, rng: random.Random) -> dict:
    return {
        "model": f"legacy{i % 31}/model-{i}",
        "model_type": "Seq. Classifier",
        "chat_template": "tokenizer",
        **{s: rng.uniform(0.3, 1.0) for s in CORE},
    }


def fill_store(root: Path, size: int, seed: int = 0) -> LocalStore:
    rng = random.Random(seed)
    store = LocalStore(root)
    for i in range(size):
        doc = published_doc(i, rng) if i % 10 == 9 else project_doc(i, rng)
        org, name = (doc["model"]["name"] if isinstance(doc["model"], dict) else doc["model"]).split("/")
        # Plain writes: the store's atomic fsync'd writes would make setting up 10,000 files slow.
        path = root / legacy_result_path(org, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2))
    return store


# ---- the naive way --------------------------------------------------------------------------------


def naive_row(path: str, data: bytes) -> dict:
    try:
        result = EvalResult.model_validate_json(data)
        subsets = {k: v.accuracy for k, v in result.subsets.items()}
        sections = {k: v.score for k, v in result.sections.items()}
        return {
            t.MODEL: result.model.name,
            t.MODEL_TYPE: t.model_type_label(result.model.model_type),
            t.SCORE: result.score,
            **sections,
            t.PARAMETERS: result.model.num_parameters,
            t.REVISION: result.model.revision_resolved,
            t.EVALUATED: result.timings.finished_at,
            **subsets,
        }
    except ValidationError:
        doc = json.loads(data)
        subsets = {
            k: float(v) for k, v in doc.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
        }
        sections = section_scores(subsets, REWARDBENCH_SECTIONS)
        model_type = t.PUBLISHED_MODEL_TYPES.get(doc["model_type"], doc["model_type"])
        return {
            t.MODEL: doc["model"],
            t.MODEL_TYPE: t.model_type_label(model_type),
            t.SCORE: overall_score(sections, REWARDBENCH_SECTIONS),
            **sections,
            **subsets,
        }


def naive_tables(store: LocalStore) -> pd.DataFrame:
    frame = pd.DataFrame()
    for path, data in store.iter_result_files():
        frame = pd.concat([frame, pd.DataFrame([naive_row(path, data)])], ignore_index=True)
    return frame.sort_values(t.SCORE, ascending=False).reset_index(drop=True)


def project_tables(store: LocalStore) -> t.Tables:
    return t.build_tables(store.iter_result_files())


# ---- timing -----------------------------------------------------------------------------------------


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def check_same(project: t.Tables, naive: pd.DataFrame) -> None:
    assert list(project.rows[t.MODEL]) == list(naive[t.MODEL]), "the two ways disagree on the order"
    pd.testing.assert_series_equal(project.rows[t.SCORE], naive[t.SCORE].astype("float64"), check_names=False)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        names = [
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, pandas {pd.__version__}, "
        f"pydantic {pydantic.VERSION}, load average {os.getloadavg()[0]:.1f}"
    )


def bench_size(size: int, repeats: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        store = fill_store(Path(tmp), size)
        project_tables(store)  # warm the page cache: both ways then read from memory
        seconds: dict[str, list[float]] = {"project": [], "naive": []}
        for _ in range(repeats):
            elapsed, project = timed(project_tables, store)
            seconds["project"].append(elapsed)
            elapsed, naive = timed(naive_tables, store)
            seconds["naive"].append(elapsed)
            check_same(project, naive)
        read_s = statistics.median(timed(lambda: list(store.iter_result_files()))[0] for _ in range(repeats))
    medians = {name: statistics.median(values) for name, values in seconds.items()}
    return {
        "files": size,
        "rows": len(project.rows),
        "listing_and_reading_s": round(read_s, 3),
        **{f"{name}_s": [round(s, 3) for s in values] for name, values in seconds.items()},
        "speedup": round(medians["naive"] / medians["project"], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    report = {"machine": machine(), "results": [bench_size(size, args.repeats) for size in args.sizes]}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
