"""Result files made up for tests and benchmarks: EvalResults in our schema at chosen accuracies.

`make_result` follows its benchmark's section rules (its spec in results/benchmarks/), so a table built from
these files ranks and sums as one built from real runs would; every other field is a fixed,
plausible value. tests/leaderboard_fixtures.py builds its known leaderboard from these, and
bench/examples_tab.py its 3,000-example result.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Optional

import numpy as np

from results.schema import (
    BenchmarkInfo,
    Environment,
    EvalResult,
    Interval,
    ModelInfo,
    RunSettings,
    RunStats,
    SectionScore,
    SubsetScore,
    Timings,
)
from results.benchmarks import SPECS
from results.benchmarks.metrics import KEPT_REPLICATES
from results.benchmarks.rewardbench import REWARDBENCH_SECTIONS
from results.benchmarks.sections import SectionMetrics, overall_score, section_scores, subset_order

# Benchmark name -> its section table, for results built by hand from sections.
SECTIONS_BY_BENCHMARK = {name: spec.metrics.sections for name, spec in SPECS.items() if isinstance(spec.metrics, SectionMetrics)}

ALL_SUBSETS = subset_order(REWARDBENCH_SECTIONS)
FINISHED = datetime(2025, 3, 14, 12, 0, tzinfo=timezone.utc)


def subset_levels(level: float, spread: float = 0.0, subsets: Optional[list[str]] = None) -> dict[str, float]:
    """Accuracies around `level`: subset i gets level + spread * (i % 3 - 1), clipped to [0, 1]."""
    names = subsets or ALL_SUBSETS
    return {s: min(1.0, max(0.0, level + spread * (i % 3 - 1))) for i, s in enumerate(names)}


def make_result(
    model: str,
    subsets: dict[str, float],
    *,
    model_type: str = "classifier",
    num_parameters: Optional[int] = None,
    revision: str = "0123456789abcdef0123456789abcdef01234567",
    finished: datetime = FINISHED,
    ci_halfwidth: Optional[float] = 0.02,
    benchmark: str = "rewardbench",
    model_id: Optional[str] = None,
    data_source: str = "allenai/reward-bench",
    custom_data: bool = False,
    missing_subsets: Optional[list[str]] = None,
) -> EvalResult:
    """An EvalResult whose sections and score follow its benchmark's rules (RewardBench's for an
    unregistered one). `missing_subsets` None leaves the field out of the file, as files written
    before it existed do."""
    table = SECTIONS_BY_BENCHMARK.get(benchmark, REWARDBENCH_SECTIONS)
    sections = section_scores(subsets, table)
    score = overall_score(sections, table)
    ci = Interval(low=score - ci_halfwidth, high=score + ci_halfwidth) if ci_halfwidth is not None else None
    return EvalResult(
        model=ModelInfo(
            id=model_id or model,
            name=model,
            model_type=model_type,
            revision_requested="main",
            revision_resolved=revision,
            num_parameters=num_parameters,
            chat_template="tokenizer",
        ),
        benchmark=BenchmarkInfo(
            name=benchmark,
            data_source=data_source,
            data_split="filtered",
            data_fingerprint="f" * 64,
            num_examples=2985,
            custom_data=custom_data,
            **({} if missing_subsets is None else {"missing_subsets": missing_subsets}),
        ),
        settings=RunSettings(
            device="cpu",
            dtype="float32",
            max_length=2048,
            batch_tokens=16384,
            bootstrap_samples=1000,
            bootstrap_seed=0,
        ),
        environment=Environment(python="3.11", platform="linux", libraries={}, code_version="test"),
        timings=Timings(
            started_at=finished - timedelta(minutes=5),
            finished_at=finished,
            load_data_s=1.0,
            load_model_s=1.0,
            tokenize_s=1.0,
            score_s=1.0,
            total_s=4.0,
        ),
        stats=RunStats(num_texts=5970, num_truncated=0, real_tokens=100, padded_tokens=120),
        subsets={s: SubsetScore(accuracy=a, n=100) for s, a in subsets.items()},
        sections={
            section.name: SectionScore(
                score=sections[section.name], subsets=[s for s in section.subset_weights if s in subsets]
            )
            for section in table
            if section.name in sections
        },
        score=score,
        score_ci95=ci,
    )


Z_95 = 1.959963984540054  # a 95% interval is +-Z_95 standard errors


def spec_result(
    model: str, benchmark: str, subsets: dict[str, float], ci_halfwidth: Optional[float] = 0.02, **fields
) -> EvalResult:
    """An EvalResult of any registered benchmark: `make_result`'s fixed fields, with the named
    columns and the score computed by that benchmark's own metrics (each subset counted 100 times,
    as `make_result` writes n=100), so matrix, language and category benchmarks come out right too;
    the score's interval is +-`ci_halfwidth` (None: no interval), and it keeps bootstrap replicates
    as a run does (`KEPT_REPLICATES` normal draws of that spread, seeded by model and benchmark)."""
    spec = SPECS[benchmark]
    columns = spec.columns_of(subsets, counts={s: 100 for s in subsets})
    fields.setdefault("data_source", spec.core_source.location)
    # No interval from `make_result`: its sections (RewardBench's rules) may give no score here.
    base = make_result(model, subsets, benchmark=benchmark, ci_halfwidth=None, **fields)
    score = spec.headline_of(columns)
    spread = ci_halfwidth is not None and score is not None
    ci = Interval(low=score - ci_halfwidth, high=score + ci_halfwidth) if spread else None
    sections = {name: SectionScore(score=value, subsets=list(spec.column_subsets(name))) for name, value in columns.items()}
    replicates = _replicates(f"{model}|{benchmark}", score, ci_halfwidth / Z_95) if spread else None
    return base.model_copy(update={"sections": sections, "score": score, "score_ci95": ci, "score_replicates": replicates})


def _replicates(key: str, centre: float, standard_error: float) -> list[float]:
    rng = np.random.default_rng(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "little"))
    return [round(float(v), 7) for v in rng.normal(centre, standard_error, KEPT_REPLICATES)]


def make_spec_result(model: str, benchmark: str, level: float, spread: float = 0.0, **fields) -> EvalResult:
    """A complete result of any registered benchmark at about `level`: every subset of its spec
    (`subset_levels`), so an Overview built from such files has every benchmark a real store would."""
    return spec_result(model, benchmark, subset_levels(level, spread, list(SPECS[benchmark].subsets)), **fields)
