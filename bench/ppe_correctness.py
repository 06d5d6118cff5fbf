"""PPE Correctness' cost: 32 answers a prompt, scored with prefix sharing (the default) and with each
text alone (`--no-prefix-sharing`), through the whole `python -m evaluator run`.

PPE has 2,555 prompts x 32 answers = 81,760 texts that share their prompts. The data cannot be read
from here, so the sample is PPE-shaped from real text: each prompt is several LLMBar prompts joined
(`--prompt-words`, about a PPE multiple-choice question with its options and instructions), and its
32 answers are LLMBar responses (chosen and rejected, 10 to a few hundred words, as sampled answers
vary), each marked correct or wrong by a seeded coin with 8 conflict pairs a prompt, in PPE's schema
(`response_1`..`response_32`, `scores`, `sampled_conflict_pairs`), spread over the five sets.

Model: the random-init GPT-2-shaped classifier of bench/prefix_sharing.py (6 layers, hidden size
512), float32 on the CPU. Each run is a fresh CLI process; modes alternate (off, on, off, on, ...).
Texts per second are the result's own count over its tokenize + score time (`timings`), and over
the whole process' wall time; the two modes' per-text rewards are compared.

    python bench/ppe_correctness.py [--prompts 20] [--repeats 2] [--prompt-words 250]
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
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.prefix_sharing import DATA, build_models, cli_run, scores  # noqa: E402
from results.benchmarks import get_spec  # noqa: E402

ANSWERS = 32
PAIRS = 8


def ppe_rows(prompts: int, prompt_words: int, seed: int = 0) -> list[dict]:
    rng = random.Random(seed)
    llmbar = [json.loads(line) for line in DATA.read_text().splitlines()]
    answers = [r[side] for r in llmbar for side in ("chosen", "rejected")]
    sets = get_spec("ppe-correctness").subsets
    rows = []
    for n in range(prompts):
        words: list[str] = []
        while len(words) < prompt_words:
            words += rng.choice(llmbar)["prompt"].split()
        correct = [rng.random() < 0.5 for _ in range(ANSWERS)]
        correct[0], correct[1] = True, False
        right = [k for k, ok in enumerate(correct) if ok]
        wrong = [k for k, ok in enumerate(correct) if not ok]
        rows.append({
            "question_id": f"bench-{n}",
            "subset": sets[n % len(sets)],
            "prompt": " ".join(words[:prompt_words]),
            **{f"response_{k + 1}": rng.choice(answers) for k in range(ANSWERS)},
            "scores": correct,
            "sampled_conflict_pairs": [[rng.choice(right), rng.choice(wrong)] for _ in range(PAIRS)],
        })
    return rows


def rates(out: Path) -> tuple[int, float, float]:
    """Texts, scoring seconds (tokenize + score) and the shared count, from the run's result file."""
    (path,) = out.rglob("*.json")
    result = json.loads(path.read_text())
    return result["stats"]["num_texts"], result["timings"]["tokenize_s"] + result["timings"]["score_s"], result["stats"]["num_prefix_shared"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prompts", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--prompt-words", type=int, default=250)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ppe-bench-"))
    model = build_models(work)["classifier"]
    data = work / "ppe.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in ppe_rows(args.prompts, args.prompt_words)))
    data_args = ["--benchmark", "ppe-correctness", "--data", str(data)]
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, torch {torch.__version__}, "
          f"python {platform.python_version()}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    walls: dict[bool, list[float]] = {False: [], True: []}
    scoring: dict[bool, list[float]] = {False: [], True: []}
    outs: dict[bool, Path] = {}
    for repeat in range(args.repeats):
        for sharing in (False, True):
            outs[sharing] = work / f"out-{sharing}-{repeat}"
            walls[sharing].append(cli_run(model, "classifier", data_args, outs[sharing], sharing))
            texts, seconds, shared = rates(outs[sharing])
            scoring[sharing].append(seconds)
            print(f"  run {repeat + 1}, sharing {'on' if sharing else 'off'}: {texts} texts ({shared} shared), "
                  f"scoring {seconds:.1f} s, whole run {walls[sharing][-1]:.1f} s", flush=True)
    gap = max(abs(a - b) for a, b in zip(scores(outs[True]), scores(outs[False])))
    print("| mode | texts | scoring (s) | texts/s scoring | whole run (s) | texts/s whole run |")
    print("|---|---:|---:|---:|---:|---:|")
    for sharing in (False, True):
        score_s, wall_s = statistics.median(scoring[sharing]), statistics.median(walls[sharing])
        print(f"| {'prefix sharing' if sharing else 'each text alone'} | {texts} | {score_s:.1f} | {texts / score_s:.1f} "
              f"| {wall_s:.1f} | {texts / wall_s:.1f} |")
    ratio = statistics.median(scoring[True]) / statistics.median(scoring[False])
    print(f"sharing / alone, scoring time: {ratio:.2f}; largest reward difference {gap:.1e}")


if __name__ == "__main__":
    main()
