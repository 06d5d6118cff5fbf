"""JudgeBench: can the model tell a right answer from a wrong one on hard knowledge, reasoning, math
and coding questions? Pairs of answers by one model, one right; scored as accuracy (categories.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .categories import CategoryMetrics
from .spec import BenchmarkSpec, DataSource, RowMapping
from .verdicts import TWO_GAMES

CATEGORIES: dict[str, str] = {
    "Knowledge": "MMLU-Pro questions across subjects (`mmlu-pro-*`)",
    "Reasoning": "LiveBench reasoning puzzles (`livebench-reasoning`)",
    "Math": "LiveBench math problems (`livebench-math`)",
    "Coding": "LiveCodeBench programming problems (`livecodebench`)",
}
# Source prefix -> category, longest first so `livebench-math` is not read as a shorter prefix.
SOURCE_PREFIXES: tuple[tuple[str, str], ...] = (
    ("livebench-reasoning", "Reasoning"),
    ("livebench-math", "Math"),
    ("livecodebench", "Coding"),
    ("mmlu-pro", "Knowledge"),
)
LABELS = {"A>B": ("response_A", "response_B"), "B>A": ("response_B", "response_A")}


def category_of(source: str) -> str:
    for prefix, category in SOURCE_PREFIXES:
        if source == prefix or source.startswith(prefix + "-"):
            return category
    raise ValueError(f"source {source!r} is none of {', '.join(p for p, _ in SOURCE_PREFIXES)}")


@dataclass(frozen=True)
class PairRows(RowMapping):
    """JudgeBench rows: `question`, `response_A`, `response_B` and the `label` saying which is right."""

    required: tuple[str, ...] = ("pair_id", "source", "question", "response_A", "response_B", "label")
    id_column: str = "pair_id"

    def normalise(self, row: dict[str, Any], config: Optional[str] = None) -> dict[str, Any]:
        label = row.get("label")
        if label not in LABELS:
            raise ValueError(f"label {label!r} is neither 'A>B' nor 'B>A'")
        better, worse = LABELS[label]
        for column in (better, worse):
            if not isinstance(row.get(column), str) or not row[column].strip():
                raise ValueError(f"{column!r} is missing or empty")
        return {
            "id": row["pair_id"],
            "prompt": row["question"],
            "chosen": row[better],
            "rejected": row[worse],
            "subset": category_of(str(row["source"])),
        }


ABOUT = (
    "Each JudgeBench test is a hard question with two answers written by one model, one of them right. The "
    "reward model scores both and gets the pair **right when the right answer scores strictly higher** (a tie "
    "is wrong). A generative judge sees each pair twice, in both orders; the pair is right only when its "
    "verdicts add up in favour of the right answer (right + right, or right + tie), as the authors count it."
)

JUDGEBENCH = BenchmarkSpec(
    name="judgebench",
    version="1 (gpt split)",
    title="JudgeBench",
    about=ABOUT,
    core_source=DataSource("ScalerLab/JudgeBench", split="gpt"),
    metrics=CategoryMetrics(CATEGORIES),
    rows=PairRows(),
    verdict_rule=TWO_GAMES,
    bootstrap_unit="pair, within its category",
)
