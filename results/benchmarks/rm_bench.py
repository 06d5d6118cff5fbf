"""RM-Bench: does the reward model prefer substance over style? Four domains, each example a chosen
and a rejected answer in three styles; scored by the style matrix (styles.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .spec import BenchmarkSpec, DataSource, RowMapping
from .styles import STYLE_MATRIX, STYLES, StyleMetrics

# Domain (the subset) -> its column. Safety pools the refusal and response examples, by example.
DOMAINS: dict[str, str] = {"chat": "Chat", "math": "Math", "code": "Code", "safety": "Safety"}
DOMAIN_OF: dict[str, str] = {"chat": "chat", "math": "math", "code": "code", "safety-refuse": "safety", "safety-response": "safety"}
FILE_SUFFIX = "_filtered"  # the authors' per-domain files: chat_filtered.json, ...


@dataclass(frozen=True)
class StyleRows(RowMapping):
    """RM-Bench rows: `chosen` and `rejected` hold one answer per style, in style order; the domain is
    the row's `domain`, else the name of the file or config it came from (`chat_filtered.json`)."""

    required: tuple[str, ...] = ("id", "prompt", "chosen", "rejected")
    names_from_files: bool = True

    def normalise(self, row: dict[str, Any], config: Optional[str] = None) -> dict[str, Any]:
        raw = row.get("domain") or (config.removesuffix(FILE_SUFFIX) if config else None)
        if not raw:
            raise KeyError("domain")
        if raw not in DOMAIN_OF:
            raise ValueError(f"domain {raw!r} is not one of {', '.join(DOMAIN_OF)}")
        for column in ("chosen", "rejected"):
            answers = row.get(column)
            if not isinstance(answers, list) or len(answers) != len(STYLES) or not all(isinstance(a, str) and a for a in answers):
                raise ValueError(f"{column!r} must hold {len(STYLES)} non-empty answers ({', '.join(STYLES)})")
        return {**row, "subset": DOMAIN_OF[raw], "domain": raw}


ABOUT = (
    "Each RM-Bench example is a prompt with a correct (*chosen*) and a subtly wrong (*rejected*) answer, each "
    "written in three styles: concise, detailed, and detailed with markdown. The reward model scores all six. "
    "It should prefer the correct answer whatever the styles, in particular when the correct one is plainer "
    "(*Hard*). Generative judges compare each of the 9 (chosen style, rejected style) pairs in both orders: "
    "18 judge calls per example."
)

RM_BENCH = BenchmarkSpec(
    name="rm-bench",
    version="1",
    title="RM-Bench",
    about=ABOUT,
    core_source=DataSource("THU-KEG/RM-Bench", split="train"),
    metrics=StyleMetrics(DOMAINS),
    rows=StyleRows(),
    default_scorer=STYLE_MATRIX,
    judge_every_pair=True,
    bootstrap_unit="example, within its domain",
)
