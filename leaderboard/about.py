"""The About tab: how scores are computed, in plain words, written from the chosen benchmark's section
table itself (so the page can never disagree with the numbers).

What the section table cannot say (what one test item is, how it is judged right) is one entry per
benchmark in `TEST_FORMATS`; a benchmark without one gets a general sentence.
"""

from __future__ import annotations

from typing import Optional

from results.model_types import MODEL_TYPES
from results.sections import Section

from .display import escape_markdown
from .table import OPTIONAL_SECTIONS, base_benchmark, benchmark_sections

GENERIC_FORMAT = (
    "Each test is a prompt with answers that people judged better (*chosen*) or worse (*rejected*). "
    "The reward model scores every answer, and gets the test right when it scores the chosen answer "
    "strictly above the rejected one."
)
TEST_FORMATS: dict[str, str] = {
    "rewardbench": (
        "Each test in RewardBench is a prompt with two answers: one that people judged better (*chosen*) "
        "and one judged worse (*rejected*). The reward model scores both answers. It gets the pair **right "
        "when it gives the chosen answer a strictly higher score**; a tie counts as wrong. `math-prm` has 447 "
        "prompts but counts as 984, so that math weighs as much as the six coding subsets together."
    ),
    "rewardbench-2": (
        "Each test in RewardBench 2 is a prompt with one correct answer and (mostly) three wrong ones. The "
        "reward model scores all of them and gets the test **right when the correct answer scores highest**; "
        "a tie at the top earns a share of the credit. *Ties* asks instead whether several equally good "
        "answers all score above the wrong ones, by a margin (upstream's weighted sum, whose weights add up to "
        "1.01: a perfect Ties prompt scores 1.01, kept as upstream computes it). Classifiers are scored as "
        "upstream scores them; **DPO models on RewardBench 2 are this leaderboard's own addition** (each "
        "answer's implicit reward, compared the same way): upstream has no DPO path for it."
    ),
}


def _weights_line(section: Section) -> str:
    weights = set(section.subset_weights.values())
    names = ", ".join(f"`{s}`" for s in section.subset_weights)
    if len(section.subset_weights) == 1:
        return f"- **{section.name}**: the accuracy on {names}."
    if len(weights) == 1:
        return f"- **{section.name}**: the plain average of {names}."
    parts = ", ".join(f"`{s}` ({w:g})" for s, w in section.subset_weights.items())
    return f"- **{section.name}**: an average of {parts}, each subset weighted by its number of prompts."


def _score_line(sections: tuple[Section, ...]) -> str:
    full = [s.name for s in sections if s.overall_weight == 1.0]
    other = [f"{s.name} (weight {s.overall_weight:g})" for s in sections if s.overall_weight != 1.0]
    if not other:
        return f"**Score** is the plain average of the {len(sections)} sections {', '.join(full)}."
    return f"**Score** is the average of the sections {', '.join(full)} (weight 1 each) and {', '.join(other)}."


def scoring_markdown(benchmark: str) -> str:
    """How one benchmark's results are scored, from its section table."""
    key = base_benchmark(benchmark)
    sections = benchmark_sections(key)
    intro = TEST_FORMATS.get(key, GENERIC_FORMAT)
    title = f"## How a model is scored on {escape_markdown(benchmark)}"  # a label names a data file: untrusted
    if not sections:
        return f"{title}\n\n{intro}\n\nThis benchmark has no sections: only its score is shown."
    core = [s.name for s in sections if s.name not in OPTIONAL_SECTIONS.get(key, frozenset())]
    return f"""{title}

{intro}

**Subset accuracy** is the share of tests a model gets right in one subset (shown in the *Subsets* tab).

**Sections** (the columns of the Leaderboard tab):
{chr(10).join(_weights_line(s) for s in sections)}

{_score_line(sections)} A section a result does not have is left out of the average rather than counted as zero.

**Complete results only.** A result ranks only when it has a score for every subset of
{", ".join(core)}; one that lacks some (a run on chosen subsets, say) is *incomplete*: it is hidden
unless you tick *Show incomplete results*, then listed after the complete ones with ⚠ beside its
name."""


def about_markdown(benchmark: Optional[str] = None) -> str:
    types = "\n".join(f"- **{t.label}** (`{t.key}`)" for t in MODEL_TYPES.values())
    return f"""
{scoring_markdown(benchmark or "rewardbench")}

**95% CI** is the range the score would likely fall in if the tests were drawn again: a bootstrap
that resamples the tests within each subset. Results copied from the published RewardBench files
have no interval, parameter count or revision, so those cells are empty.

**Verified here or imported.** The *Source* column says where each row comes from: *verified here*
rows were computed by this leaderboard's worker (every per-example score, the interval and the full
run record are kept); *imported* rows are the published numbers as they are, with the repository and
commit they were imported from. The *Source* choice above the table shows either or both. When a
model has both on one benchmark, its verified row is listed, with the published score (*Published*,
in the column chooser) and the difference to it (*Δ published*, in points).

**Newest result first.** A model evaluated more than once on a benchmark (at another commit, or
again) is listed once, by its newest complete result; tick *Show older revisions* to list the others,
marked *(older)*. The Revision column says which commit each row is. A run on data other than the
benchmark's own is listed under a benchmark label of its own ("rewardbench · custom data: file name"),
never as the benchmark.

All numbers are percentages. To sort, click a column header and then its ⋮ menu; the CSV downloads
keep every digit.

## Model types
{types}

## Submitting
A model must be public (or gated with access granted to this leaderboard), have safetensors
weights, load without custom code, and state a license. Each model, commit and benchmark is
evaluated once; each submitter has a weekly limit (one submission counts once, whatever the number
of benchmarks it asks for). The *Queue* tab shows every request and, for a failed one, why it failed.
"""
