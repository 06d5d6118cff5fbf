"""Prompt-prefix sharing: the whole `python -m evaluator run` with it on (the default) and off.

Data: the 419 LLMBar pairs (`../shared/data/llmbar-rewardbench.jsonl`, 838 texts) scored as a
RewardBench dataset, and RewardBench-2-shaped rows built from them as bench/rb2_throughput.py
builds them (one chosen + three rejected per prompt; `--prompts` of them) scored as
`--benchmark rewardbench-2 --data`. Models: random-init GPT-2-shaped (6 layers, hidden size 512,
as bench/evaluator_throughput.py), a sequence classifier and a causal LM (`dpo-ref-free`), with a
byte-level BPE tokenizer trained on the data, float32 on the CPU.

Each run is a fresh CLI process (model loading, data loading, tokenizing, scoring, writing the
result), timed from outside. Runs alternate (off, on, off, on, ...) so drift in machine speed hits
both alike; the per-text scores of the two modes are compared (the largest difference is printed).

    python bench/prefix_sharing.py [--repeats 2] [--prompts 100] [--model-types classifier,dpo-ref-free]
        [--rm-bench-rows N] [--only rm-bench]

With `--rm-bench-rows N` it also scores the real RM-Bench chat and code files
(`../shared/data/rm-bench/{chat,code}_filtered.json`, the first N rows of each: six responses per
prompt, in the authors' layout) as `--benchmark rm-bench --data <folder>`.
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

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.rb2_throughput import DATA, best_of_4_examples  # noqa: E402
from evaluator.tiny_models import build_causal_lm, build_classifier, build_tokenizer  # noqa: E402

SHAPE = {"n_layer": 6, "n_embd": 512, "n_head": 8, "n_positions": 2048}
RM_BENCH = ROOT.parent / "shared" / "data" / "rm-bench"
RM_FILES = ("chat_filtered.json", "code_filtered.json")


def build_models(folder: Path) -> dict[str, Path]:
    rows = [json.loads(line) for line in DATA.read_text().splitlines()]
    tokenizer = build_tokenizer([t for r in rows for t in (r["prompt"], r["chosen"], r["rejected"])], vocab_size=8000)
    return {
        "classifier": build_classifier(folder / "bench" / "rm", tokenizer, **SHAPE),
        "dpo-ref-free": build_causal_lm(folder / "bench" / "lm", tokenizer, **SHAPE),
    }


def write_rb2(path: Path, prompts: int) -> Path:
    lines = []
    for ex in best_of_4_examples(prompts):
        chosen, rejected = list(ex.chosen), list(ex.rejected)
        lines.append(json.dumps({
            "id": ex.id, "prompt": ex.prompt[0][1], "chosen": chosen, "rejected": rejected, "subset": "Focus",
            "num_correct": len(chosen), "num_incorrect": len(rejected), "total_completions": len(chosen) + len(rejected),
        }))
    path.write_text("\n".join(lines) + "\n")
    return path


def write_rm_bench(folder: Path, rows: int) -> Path:
    """The first `rows` examples of the real chat and code files, file names kept (they name the domain)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in RM_FILES:
        (folder / name).write_text(json.dumps(json.loads((RM_BENCH / name).read_text())[:rows]))
    return folder


def cli_run(model: Path, model_type: str, data_args: list[str], out: Path, sharing: bool) -> float:
    command = [sys.executable, "-m", "evaluator", "run", "--model", str(model), "--model-type", model_type,
               *data_args, "--device", "cpu", "--dtype", "float32", "--no-progress",
               "--bootstrap-samples", "100", "--output", str(out)]
    if not sharing:
        command.append("--no-prefix-sharing")
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    return time.perf_counter() - start


def scores(out: Path) -> list[float]:
    (path,) = out.rglob("*.scores.jsonl")
    values = []
    for line in path.read_text().splitlines():
        row = json.loads(line)
        values += list(row.get("scores_chosen", [])) + list(row.get("scores_rejected", []))
    return values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--prompts", type=int, default=100)
    parser.add_argument("--model-types", default="classifier,dpo-ref-free")
    parser.add_argument("--rm-bench-rows", type=int, default=0, help="also score N rows of RM-Bench chat and code")
    parser.add_argument("--only", choices=["rm-bench"], help="score only that data set")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="prefix-bench-"))
    models = build_models(work)
    datasets = {
        "LLMBar pairs (838 texts)": ["--benchmark", str(DATA)],
        f"RB2-shaped best-of-4 ({4 * args.prompts} texts)": ["--benchmark", "rewardbench-2", "--data",
                                                             str(write_rb2(work / "rb2.jsonl", args.prompts))],
    }
    if args.rm_bench_rows:
        rm_name = f"RM-Bench chat+code ({2 * args.rm_bench_rows} prompts, {12 * args.rm_bench_rows} texts)"
        rm_args = ["--benchmark", "rm-bench", "--data", str(write_rm_bench(work / "rm-bench", args.rm_bench_rows))]
        datasets = {rm_name: rm_args} if args.only == "rm-bench" else {**datasets, rm_name: rm_args}
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, "
          f"python {platform.python_version()}")
    for data_name, data_args in datasets.items():
        for model_type in args.model_types.split(","):
            times: dict[bool, list[float]] = {False: [], True: []}
            outs = {}
            for repeat in range(args.repeats):
                for sharing in (False, True):
                    outs[sharing] = work / f"out-{model_type}-{sharing}-{repeat}-{len(data_name)}"
                    times[sharing].append(cli_run(models[model_type], model_type, data_args, outs[sharing], sharing))
            off, on = statistics.median(times[False]), statistics.median(times[True])
            gap = max(abs(a - b) for a, b in zip(scores(outs[True]), scores(outs[False])))
            print(f"| {data_name} | {model_type} | {off:.2f} | {on:.2f} | {on / off:.2f} | {gap:.1e} |", flush=True)


if __name__ == "__main__":
    main()
