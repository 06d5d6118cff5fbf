"""The About tab: how scores are computed, in plain words, written from the section table itself
(so the page can never disagree with the numbers)."""

from __future__ import annotations

from results.model_types import MODEL_TYPES
from results.sections import REWARDBENCH_SECTIONS, Section

from .table import OPTIONAL_SECTIONS


def _weights_line(section: Section) -> str:
    weights = set(section.subset_weights.values())
    names = ", ".join(f"`{s}`" for s in section.subset_weights)
    if len(weights) == 1:
        return f"- **{section.name}**: the plain average of {names}."
    parts = ", ".join(f"`{s}` ({w:g})" for s, w in section.subset_weights.items())
    return f"- **{section.name}**: an average of {parts}, each subset weighted by its number of prompts."


def about_markdown() -> str:
    full = [s.name for s in REWARDBENCH_SECTIONS if s.overall_weight == 1.0]
    core = [s.name for s in REWARDBENCH_SECTIONS if s.name not in OPTIONAL_SECTIONS]
    half = [s.name for s in REWARDBENCH_SECTIONS if s.overall_weight != 1.0]
    types = "\n".join(f"- **{t.label}** (`{t.key}`)" for t in MODEL_TYPES.values())
    return f"""
## How a model is scored

Each test in RewardBench is a prompt with two answers: one that people judged better (*chosen*) and
one judged worse (*rejected*). The reward model scores both answers. It gets the pair **right when
it gives the chosen answer a strictly higher score**; a tie counts as wrong.

**Subset accuracy** is the share of pairs a model gets right in one subset (shown in the *Subsets* tab).

**Sections** group the subsets:
{chr(10).join(_weights_line(s) for s in REWARDBENCH_SECTIONS)}

`math-prm` has 447 prompts but counts as 984, so that math weighs as much as the six coding subsets together.

**Score** is the average of the sections {", ".join(full)} (weight 1 each) and {", ".join(half)}
(weight ½). A section a result does not have is left out of the average rather than counted as zero.

**95% CI** is the range the score would likely fall in if the test pairs were drawn again: a
bootstrap that resamples the test pairs within each subset. Results copied from the
published RewardBench files have no interval, parameter count or revision, so those cells are empty.

**Complete results only.** A result ranks only when it has a score for every subset of
{", ".join(core)}; one that lacks some (a run on chosen subsets, say) is *incomplete*: it is hidden
unless you tick *Show incomplete results*, then listed after the complete ones with ⚠ beside its
name. A run on data other than the benchmark's own is listed under a benchmark label of its own
("rewardbench · custom data: file name"), never as the benchmark.

All numbers are percentages. To sort, click a column header and then its ⋮ menu; the CSV downloads
keep every digit.

## Model types
{types}

## Submitting
A model must be public (or gated with access granted to this leaderboard), have safetensors
weights, load without custom code, and state a license. Each model, commit and benchmark is
evaluated once; each submitter has a weekly limit. The *Queue* tab shows every request and, for a
failed one, why it failed.
"""
