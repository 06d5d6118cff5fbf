"""RewardBench 2: six subsets, each its own column; best-of-4 with 1/k credit for a tie at the top,
and the Ties subset's own score (see subset_scorers.py). Overall = plain mean of the six.

The sections live in `results/sections.py` (the leaderboard reads the same table).
"""

from results.sections import REWARDBENCH_2_SECTIONS

from .base import Benchmark, DataSource
from .subset_scorers import BEST_OF_N, TIES

REWARDBENCH_2 = Benchmark(
    name="rewardbench-2",
    description="RewardBench 2 (allenai/reward-bench-2, test split)",
    sections=REWARDBENCH_2_SECTIONS,
    # Read at the dataset's current commit, which every result records (`data_revision`): no sha is
    # pinned here until one is checked against the Hub (DataSource.revision pins one).
    core_source=DataSource("allenai/reward-bench-2", split="test"),
    scorers={"Ties": TIES},
    default_scorer=BEST_OF_N,
)
