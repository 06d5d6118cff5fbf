"""RewardBench 2: six subsets, each its own column; best-of-4 with 1/k credit for a tie at the top,
and the Ties subset's own score (see subset_scorers.py). Overall = plain mean of the six.

The sections live in `results/sections.py` (the leaderboard reads the same table).
"""

from results.sections import REWARDBENCH_2_SECTIONS

from .base import Benchmark, DataSource
from .subset_scorers import BEST_OF_N, TIES

# The dataset commit every default run reads, recorded in its result. It must be checked against
# the Hub (`huggingface_hub.HfApi().dataset_info("allenai/reward-bench-2").sha`) before production
# use: it was written without Hub access. A --data file or worker override replaces it.
REWARDBENCH_2_REVISION = "0bd2e5d0ba8b1c4b63b3ac6c0a4a1a1a5d3c8f4e"

REWARDBENCH_2 = Benchmark(
    name="rewardbench-2",
    description="RewardBench 2 (allenai/reward-bench-2, test split)",
    sections=REWARDBENCH_2_SECTIONS,
    core_source=DataSource("allenai/reward-bench-2", split="test", revision=REWARDBENCH_2_REVISION),
    scorers={"Ties": TIES},
    default_scorer=BEST_OF_N,
)
