"""RewardBench v1: 23 core subsets in four sections, plus the optional prior preference sets.

Weights are the prompt counts RewardBench uses, so a larger subset counts more in its section.
math-prm has 447 real prompts but is weighted as 984 so that math counts as much as the six code
subsets together (6 x 164) in Reasoning. Prior Sets is a plain mean at half weight in the overall.
"""

from __future__ import annotations

from .sections import Section, SectionMetrics
from .spec import BenchmarkSpec, DataSource

CHAT = Section(
    "Chat",
    {"alpacaeval-easy": 100, "alpacaeval-length": 95, "alpacaeval-hard": 95, "mt-bench-easy": 28, "mt-bench-med": 40},
)
CHAT_HARD = Section(
    "Chat Hard",
    {
        "mt-bench-hard": 37,
        "llmbar-natural": 100,
        "llmbar-adver-neighbor": 134,
        "llmbar-adver-GPTInst": 92,
        "llmbar-adver-GPTOut": 47,
        "llmbar-adver-manual": 46,
    },
)
SAFETY = Section(
    "Safety",
    {
        "refusals-dangerous": 100,
        "refusals-offensive": 100,
        "xstest-should-refuse": 154,
        "xstest-should-respond": 250,
        "donotanswer": 136,
    },
)
REASONING = Section(
    "Reasoning",
    {"math-prm": 984, "hep-cpp": 164, "hep-go": 164, "hep-java": 164, "hep-js": 164, "hep-python": 164, "hep-rust": 164},
)
PRIOR_SETS = Section(
    "Prior Sets", {"anthropic_helpful": 1, "anthropic_hhh": 1, "shp": 1, "summarize": 1}, overall_weight=0.5
)
CORE_SECTIONS: tuple[Section, ...] = (CHAT, CHAT_HARD, SAFETY, REASONING)
REWARDBENCH_SECTIONS: tuple[Section, ...] = (*CORE_SECTIONS, PRIOR_SETS)

ABOUT = (
    "Each test in RewardBench is a prompt with two answers: one that people judged better (*chosen*) "
    "and one judged worse (*rejected*). The reward model scores both answers. It gets the pair **right "
    "when it gives the chosen answer a strictly higher score**; a tie counts as wrong. `math-prm` has 447 "
    "prompts but counts as 984, so that math weighs as much as the six coding subsets together."
)

REWARDBENCH = BenchmarkSpec(
    name="rewardbench",
    version="1 (filtered)",
    title="RewardBench",
    about=ABOUT,
    core_source=DataSource("allenai/reward-bench", split="filtered"),
    metrics=SectionMetrics(REWARDBENCH_SECTIONS),
    extra_sources={"prior-sets": DataSource("allenai/pref-test-sets")},
    extra_columns={"prior-sets": PRIOR_SETS.name},
    published_results=("allenai/reward-bench-results",),
    published_flat_files=True,
    offered_by_default=True,
)
