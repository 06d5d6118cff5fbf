"""RewardBench v1: 23 core subsets in four sections, plus the optional prior preference sets.

The sections and their weights live in `results/sections.py` (the leaderboard reads the same table).
"""

from results.sections import REWARDBENCH_SECTIONS

from .base import Benchmark, DataSource

REWARDBENCH = Benchmark(
    name="rewardbench",
    description="RewardBench v1 (allenai/reward-bench, filtered split)",
    sections=REWARDBENCH_SECTIONS,
    core_source=DataSource("allenai/reward-bench", split="filtered"),
    extra_sources={"prior-sets": DataSource("allenai/pref-test-sets")},
    extra_sections={"prior-sets": "Prior Sets"},
)
