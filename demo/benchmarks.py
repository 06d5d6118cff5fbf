"""The benchmarks the demo evaluates on, each with the sample file that stands in for its data.

The worker reads them as its data overrides (`rewardbench=...,rewardbench-2=...`), so every demo
result is marked custom data and shown under its own label, never as the real benchmark. The demo
queues every model on each of them, and its app offers each of them (demo/serve.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from .sample_data import SAMPLE_PATH
from .sample_data_judgebench import SAMPLE_JB_PATH
from .sample_data_mrb import SAMPLE_MRB_PATH
from .sample_data_ppe import SAMPLE_PPE_PATH
from .sample_data_ppe_correctness import SAMPLE_PPE_CORRECTNESS_PATH
from .sample_data_rb2 import SAMPLE_RB2_PATH
from .sample_data_rmb_scenarios import SAMPLE_RMB_SCENARIOS_PATH
from .sample_data_rmbench import SAMPLE_RMB_PATH

SAMPLES: dict[str, Path] = {
    "rewardbench": SAMPLE_PATH,
    "rewardbench-2": SAMPLE_RB2_PATH,
    "m-rewardbench": SAMPLE_MRB_PATH,
    "rm-bench": SAMPLE_RMB_PATH,
    "judgebench": SAMPLE_JB_PATH,
    "rmb": SAMPLE_RMB_SCENARIOS_PATH,  # a folder in the authors' layout
    "ppe-preference": SAMPLE_PPE_PATH,
    "ppe-correctness": SAMPLE_PPE_CORRECTNESS_PATH,
}
GENERATORS = {
    "rewardbench": "demo.sample_data",
    "rewardbench-2": "demo.sample_data_rb2",
    "m-rewardbench": "demo.sample_data_mrb",
    "rm-bench": "demo.sample_data_rmbench",
    "judgebench": "demo.sample_data_judgebench",
    "rmb": "demo.sample_data_rmb_scenarios",
    "ppe-preference": "demo.sample_data_ppe",
    "ppe-correctness": "demo.sample_data_ppe_correctness",
}


def data_overrides(samples: Mapping[str, Path]) -> dict[str, str]:
    """Benchmark -> absolute path of its sample, as `WorkerSettings.data_overrides` takes them."""
    return {benchmark: str(Path(path).resolve()) for benchmark, path in samples.items()}


def overrides_text(samples: Mapping[str, Path]) -> str:
    """The same as the worker's RMLB_DATA_OVERRIDES variable spells it."""
    return ",".join(f"{benchmark}={path}" for benchmark, path in data_overrides(samples).items())
