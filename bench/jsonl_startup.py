"""Start-up cost of reading local JSON Lines without `datasets`, in fresh processes.

Data: the 419 LLMBar pairs (`../shared/data/llmbar-rewardbench.jsonl`). Two measurements, each in a
new Python process per run (imports are the cost, so nothing may be warm in the process; the
`datasets` cache is warmed once beforehand, as on any second run):

  loading: `load_benchmark_data` on the file as .jsonl (our reader) against the same bytes as .json
           (still read by `datasets`), imports included; rows must be identical (fingerprint checked).
  cli:     the whole `python -m evaluator run --data FILE.jsonl --no-progress` with a tiny random
           GPT-2 classifier (2 layers, width 64), from each source tree given with --trees (e.g. a
           `git worktree` of the commit before the change, and this one); runs alternate between trees.

    python bench/jsonl_startup.py [--repeats 3] [--trees DIR ...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from evaluator.tiny_models import build_classifier, build_tokenizer  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "llmbar-rewardbench.jsonl"
_LOAD = """
import sys, time
start = time.perf_counter()
from evaluator.benchmarks import REWARDBENCH, DataSource
from evaluator.benchmarks.loading import load_benchmark_data
data = load_benchmark_data(REWARDBENCH, core=DataSource(sys.argv[1]))
print(time.perf_counter() - start, data.fingerprint, "datasets" in sys.modules)
"""


def _env(cache: Path) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_CACHE": str(cache)}


def time_loading(path: Path, cache: Path) -> tuple[float, str, bool]:
    out = subprocess.run([sys.executable, "-c", _LOAD, str(path)], cwd=REPO, env=_env(cache),
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), out[1], out[2] == "True"


def time_cli(tree: Path, model: Path, data: Path, output: Path, cache: Path) -> tuple[float, float]:
    """Wall seconds of the whole process, and the run's own `load_data_s` (start of the run to data read)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "evaluator", "run", "--model", str(model), "--data", str(data),
                    "--no-progress", "--output", str(output)], cwd=tree, env=_env(cache),
                   capture_output=True, check=True)
    wall = time.perf_counter() - start
    result = json.loads((output / "tiny-org" / "tiny-rm.json").read_text())
    return wall, result["timings"]["load_data_s"]


def tiny_model(folder: Path) -> Path:
    texts = []
    for line in DATA.read_text().splitlines()[:200]:
        row = json.loads(line)
        texts += [row["prompt"], row["chosen"], row["rejected"]]
    return build_classifier(folder / "tiny-org" / "tiny-rm", build_tokenizer(texts, vocab_size=2000))


def bench_loading(work: Path, cache: Path, repeats: int) -> None:
    as_json = work / "llmbar.json"
    as_json.write_bytes(DATA.read_bytes())
    time_loading(as_json, cache)  # builds the datasets cache once, untimed
    runs: dict[str, list[float]] = {"jsonl (ours)": [], "json (datasets)": []}
    for _ in range(repeats):
        ours, ours_print, ours_imported = time_loading(DATA, cache)
        theirs, their_print, their_imported = time_loading(as_json, cache)
        assert ours_print == their_print and not ours_imported and their_imported
        runs["jsonl (ours)"].append(ours)
        runs["json (datasets)"].append(theirs)
    _report("loading, imports included", runs)


def bench_cli(work: Path, cache: Path, trees: list[Path], repeats: int) -> None:
    model = tiny_model(work / "models")
    for tree in trees:  # one untimed run each: byte-compiled modules and caches as on a second run
        time_cli(tree, model, DATA, work / "warm", cache)
    walls: dict[str, list[float]] = {str(tree): [] for tree in trees}
    loads: dict[str, list[float]] = {str(tree): [] for tree in trees}
    for _ in range(repeats):
        for tree in trees:
            wall, load = time_cli(tree, model, DATA, work / "out", cache)
            walls[str(tree)].append(wall)
            loads[str(tree)].append(load)
    _report("whole CLI run, wall", walls)
    _report("whole CLI run, its load_data_s", loads)


def _report(title: str, runs: dict[str, list[float]]) -> None:
    print(f"\n{title} ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)")
    for name, seconds in runs.items():
        print(f"  {name}: runs {', '.join(f'{s:.2f}' for s in seconds)} s; median {statistics.median(seconds):.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--trees", type=Path, nargs="*", default=[REPO], help="source trees to time the CLI of")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work, started = Path(tmp), time.perf_counter()
        bench_loading(work, work / "datasets-cache", args.repeats)
        bench_cli(work, work / "datasets-cache", [t.resolve() for t in args.trees], args.repeats)
        print(f"\n(total {time.perf_counter() - started:.0f} s; load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
