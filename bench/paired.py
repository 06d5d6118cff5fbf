"""One setting off and on, in alternating rounds, for the in-process A/B benches.

Rounds alternate (off, on, off, on, ...) so drift in machine speed hits both alike; the figures
are each side's median seconds and the largest difference between the two sides' scores.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import torch

# One run: the setting (False = the baseline) -> (seconds, per-text scores, anything else to report).
Run = Callable[[bool], tuple[float, np.ndarray, Any]]


@dataclass(frozen=True)
class Paired:
    off_s: float
    on_s: float
    largest_difference: float
    extra: dict[bool, Any]  # each side's last run's third value

    @property
    def ratio(self) -> float:
        return self.on_s / self.off_s


def paired(run: Run, repeats: int) -> Paired:
    times: dict[bool, list[float]] = {False: [], True: []}
    scores, extra = {}, {}
    for _ in range(repeats):
        for setting in (False, True):
            seconds, scores[setting], extra[setting] = run(setting)
            times[setting].append(seconds)
    gap = float(np.abs(scores[True] - scores[False]).max())
    return Paired(statistics.median(times[False]), statistics.median(times[True]), gap, extra)


def machine_line() -> str:
    return (f"machine: {platform.machine()}, {os.cpu_count()} CPU cores, {torch.get_num_threads()} threads, "
            f"torch {torch.__version__}, python {platform.python_version()}")


ScoreOnce = Callable[[Path, list, bool, bool], tuple[float, np.ndarray, Any]]  # (model, examples, setting, sharing)


def llmbar_sharing_table(kind: str, headings: tuple[str, str], score_once: ScoreOnce, doc: str) -> None:
    """A bench's whole command (`--repeats`, its help from `doc`): the setting off and on with
    prefix sharing on and off, bench/prefix_sharing.py's `kind` model ("classifier" or
    "dpo-ref-free") on the 838 LLMBar texts, printed as a Markdown table."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2)
    repeats = parser.parse_args().repeats
    from bench.prefix_sharing import build_models
    from bench.rb2_throughput import DATA
    from evaluator.benchmarks import REWARDBENCH, DataSource
    from evaluator.benchmarks.loading import load_benchmark_data

    folder = build_models(Path(tempfile.mkdtemp(prefix="paired-bench-")))[kind]
    examples = load_benchmark_data(REWARDBENCH, core=DataSource(str(DATA))).examples
    print(machine_line())
    print(f"| prefix sharing | {headings[0]} (s) | {headings[1]} (s) | ratio | largest difference |")
    print("|---|---:|---:|---:|---:|")
    for sharing in (True, False):
        r = paired(lambda setting: score_once(folder, examples, setting, sharing), repeats)
        print(f"| {'on' if sharing else 'off'} | {r.off_s:.2f} | {r.on_s:.2f} | {r.ratio:.2f} | {r.largest_difference:.1e} |",
              flush=True)
