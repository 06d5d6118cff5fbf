"""The About tab: how scores are computed, in plain words, written from the chosen benchmark's spec
itself (`BenchmarkSpec.about_markdown`: its test format, its columns and headline, its completeness
rule), so the page can never disagree with the numbers.
"""

from __future__ import annotations

from typing import Optional

from results.benchmarks import SPECS
from results.model_types import MODEL_TYPES

from .tables.display import escape_markdown
from .tables.overview import about_markdown as overview_about
from .tables.table import spec_of_label


def scoring_markdown(benchmark: str) -> str:
    """How one benchmark's results are scored, from its spec."""
    spec = spec_of_label(benchmark)
    title = f"## How a model is scored on {escape_markdown(benchmark)}"  # a label names a data file: untrusted
    return f"""{title}

{spec.about_markdown()}

**Subset accuracy** is the share of tests a model gets right in one subset (shown in the *Subsets* tab).
A result that lacks some part (a run on chosen subsets, say) is *incomplete*: it is hidden
unless you tick *Show incomplete results*, then listed after the complete ones with ⚠ beside its
name."""


def about_markdown(benchmark: Optional[str] = None) -> str:
    types = "\n".join(f"- **{t.label}** (`{t.key}`)" for t in MODEL_TYPES.values())
    return f"""
{scoring_markdown(benchmark or next(iter(SPECS)))}

**95% CI** is the range the score would likely fall in if the tests were drawn again: a bootstrap
that resamples the tests within each subset. Results copied from published flat result files
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
benchmark's own is listed under a benchmark label of its own ("<benchmark> · custom data: file name"),
never as the benchmark.

All numbers are percentages. To sort, click a column header and then its ⋮ menu; the CSV downloads
keep every digit.

{overview_about()}

## Model types
{types}

## Submitting
A model must be public (or gated with access granted to this leaderboard), have safetensors
weights, load without custom code, and state a license. Each model, commit and benchmark is
evaluated once; each submitter has a weekly limit (one submission counts once, whatever the number
of benchmarks it asks for). The *Queue* tab shows every request and, for a failed one, why it failed.
"""
