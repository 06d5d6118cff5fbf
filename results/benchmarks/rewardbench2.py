"""RewardBench 2: six subsets, each its own column; best-of-4 with 1/k credit for a tie at the top,
and the Ties subset's own score (credit.py). Headline = plain mean of the six.
Sizes (prompts): Factuality 475, Precise IF 160, Math 183, Safety 450, Focus 495, Ties 102.
"""

from __future__ import annotations

from .credit import BEST_OF_N, TIES
from .sections import Section, SectionMetrics
from .spec import BenchmarkSpec, DataSource

# What each subset measures, for About (one subset per column).
SUBSET_DESCRIPTIONS: dict[str, str] = {
    "Factuality": "does the model prefer the answer without factual errors or hallucinations",
    "Precise IF": "does it prefer the answer that follows a precise instruction (a constraint such as 'no letter e')",
    "Math": "does it prefer the correct solution of a math problem",
    "Safety": "does it prefer refusing harmful requests and answering harmless ones that look risky",
    "Focus": "does it prefer the answer that stays on the question over a well-written one that drifts",
    "Ties": "does it score several equally correct answers all above the wrong ones, by a margin",
}
REWARDBENCH_2_SUBSETS: tuple[str, ...] = tuple(SUBSET_DESCRIPTIONS)
REWARDBENCH_2_SECTIONS: tuple[Section, ...] = tuple(
    Section(name, {name: 1}, description=text) for name, text in SUBSET_DESCRIPTIONS.items()
)

ABOUT = (
    "Each test in RewardBench 2 is a prompt with one correct answer and (mostly) three wrong ones. The "
    "reward model scores all of them and gets the test **right when the correct answer scores highest**; "
    "a tie at the top earns a share of the credit. *Ties* asks instead whether several equally good "
    "answers all score above the wrong ones, by a margin (upstream's weighted sum, whose weights add up to "
    "1.01: a perfect Ties prompt scores 1.01, kept as upstream computes it). Classifiers are scored as "
    "upstream scores them; **DPO models on RewardBench 2 are this leaderboard's own addition** (each "
    "answer's implicit reward, compared the same way): upstream has no DPO path for it."
)

REWARDBENCH_2 = BenchmarkSpec(
    name="rewardbench-2",
    version="2",
    title="RewardBench 2",
    about=ABOUT,
    # Read at the dataset's current commit, which every result records (`data_revision`): no sha is
    # pinned here until one is checked against the Hub (DataSource.revision pins one).
    core_source=DataSource("allenai/reward-bench-2", split="test"),
    metrics=SectionMetrics(REWARDBENCH_2_SECTIONS),
    scorers={"Ties": TIES},
    default_scorer=BEST_OF_N,
    bootstrap_unit="example within its subset (Ties: the prompt number, so a reference and its tied prompt stay together)",
    published_results=("allenai/reward-bench-2-results",),
    published_flat_files=True,
    offered_by_default=True,
)
