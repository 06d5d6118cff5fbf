"""evaluate(config) -> EvalOutcome: one model through one benchmark, start to finish."""

from __future__ import annotations

import logging
import os
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from results.benchmarks import metrics
from results.schema import (
    BenchmarkInfo,
    EvalResult,
    ExampleScore,
    ExampleText,
    ModelInfo,
    RunSettings,
    RunStats,
    Timings,
)
from results.store import Store, scores_bytes

from .adapters import LoadOptions, RewardAdapter, ScoredExample, ScoringStats, get_adapter, truncation
from .benchmarks import Benchmark, DataSource, get_benchmark
from .benchmarks.loading import BenchmarkData, load_benchmark_data
from .device import dtype_name, resolve_device, resolve_dtype
from .errors import data_errors
from .environment import environment
from .model_loading import adapter_options, find_model
from .model_source import ResolvedModel
from .run_config import RunConfig
from .speed.packing import PACKED_BATCHING, PADDED_BATCHING, attention_of

__all__ = ["EvalOutcome", "RunConfig", "evaluate"]

log = logging.getLogger(__name__)

# Read by `datasets` (5.x: datasets/config.py) when it is imported; it outranks the function call.
DATASETS_PROGRESS_BARS_OFF = "HF_DATASETS_DISABLE_PROGRESS_BARS"


@dataclass(frozen=True)
class EvalOutcome:
    result: EvalResult
    examples: list[ExampleScore]
    # The rows scored, as read: the store keeps them once per data fingerprint (see results/store.py).
    texts: list[ExampleText] = field(default_factory=list)

    def write(self, output_dir: str | Path) -> tuple[Path, Path]:
        """Write `<org>/<name>.json` and `<org>/<name>.scores.jsonl` under `output_dir`."""
        folder = Path(output_dir) / self.result.model.name.split("/")[0]
        folder.mkdir(parents=True, exist_ok=True)
        stem = self.result.model.name.split("/")[1]
        result_path = folder / f"{stem}.json"
        scores_path = folder / f"{stem}.scores.jsonl"
        _write_atomic(result_path, self.result.model_dump_json(indent=2))
        _write_atomic(scores_path, scores_bytes(self.examples).decode())
        return result_path, scores_path


def evaluate(config: RunConfig, store: Optional[Store] = None) -> EvalOutcome:
    """Evaluate one model. `store`, when given, holds reusable intermediate data (cache/...)."""
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    if not config.progress:
        silence_library_progress_bars()
    benchmark = get_benchmark(config.benchmark)
    adapter_cls = get_adapter(config.model_type)
    device = resolve_device(config.device)
    dtype = resolve_dtype(config.dtype, device)

    data = _load_data(benchmark, config)
    t_data = time.perf_counter()
    log.info("loaded %d examples from %s", len(data.examples), " + ".join(data.sources))

    model = find_model(config)
    options = adapter_options(
        config, model, device, dtype, store,
        margin_subsets=_margin_subsets(benchmark, data),
        verdict_rule=benchmark.verdict_rule,
        judge_every_pair=benchmark.judge_every_pair,
        judge_lists_by_pairs=benchmark.judge_lists_by_pairs,
    )
    adapter = adapter_cls.load(options)
    t_model = time.perf_counter()

    scored, stats, score_timing = _score(adapter, data)
    examples = _example_scores(data, scored, benchmark)
    with data_errors():
        scores = metrics.score(
            _by_subset(examples), benchmark, config.bootstrap_samples, config.seed, partial=config.custom_data
        )
    _warn_about_truncation(stats, adapter.max_length)
    timings = Timings(
        started_at=started,
        finished_at=datetime.now(timezone.utc),
        load_data_s=t_data - clock,
        load_model_s=t_model - t_data,
        tokenize_s=score_timing[0],
        score_s=score_timing[1],
        total_s=time.perf_counter() - clock,
    )
    result = EvalResult(
        model=_model_info(config, model, adapter),
        benchmark=_benchmark_info(benchmark, data, config),
        settings=_run_settings(config, options, adapter),
        environment=environment(device),
        timings=timings,
        stats=_run_stats(stats),
        subsets=scores.subsets,
        sections=scores.sections,
        score=scores.overall,
        score_ci95=scores.overall_ci95,
        score_replicates=metrics.kept_replicates(scores.overall_replicates),
        # Only judges and critique models describe how they ran (judges/, critiques/).
        judge=getattr(adapter, "judge_info", None),
        cloud=getattr(adapter, "cloud_info", None),
    )
    return EvalOutcome(result=result, examples=examples, texts=example_texts(data, benchmark.texts_withheld))


def example_texts(data: BenchmarkData, withheld: frozenset[str] = frozenset()) -> list[ExampleText]:
    """The rows' texts in the order scored (a hash in place of the texts of a `withheld` subset's
    rows): their canonical lines hash to `data.fingerprint`."""
    return [ExampleText.model_validate(example.published(withheld)) for example in data.examples]


def _example_scores(data: BenchmarkData, scored: list[ScoredExample], benchmark: Benchmark) -> list[ExampleScore]:
    """Adapters that judge a row directly set its credit; for the others the subset's scorer does."""
    return [
        ExampleScore(
            id=ex.id,
            subset=ex.subset,
            scores_chosen=s.scores_chosen,
            scores_rejected=s.scores_rejected,
            correct=s.correct
            if s.correct is not None
            else benchmark.credit(ex.subset, s.scores_chosen, s.scores_rejected, ex.pairs),
            groups={**benchmark.groups_of(ex.subset), **dict(ex.groups)} or None,
            judgements=s.judgements,
            critiques=s.critiques,
            pair_wins=s.pair_wins,
            pairs=None if ex.pairs is None else [list(p) for p in ex.pairs],
        )
        for ex, s in zip(data.examples, scored)
    ]


def _margin_subsets(benchmark: Benchmark, data: BenchmarkData) -> frozenset[str]:
    """Subsets whose score needs every completion's own score (a judge rates those one by one)."""
    return frozenset(s for s in {ex.subset for ex in data.examples} if benchmark.scorer_for(s).needs_scalar_scores)


def _model_info(config: RunConfig, model: ResolvedModel, adapter: RewardAdapter) -> ModelInfo:
    # Only model types that compare against a reference model carry one (see adapters/dpo.py).
    reference = getattr(adapter, "reference", None)
    return ModelInfo(
        id=config.model,
        name=f"{model.org}/{model.name}",
        model_type=config.model_type,
        revision_requested=model.revision_requested,
        revision_resolved=model.revision_resolved,
        num_parameters=adapter.num_parameters(),
        chat_template=adapter.chat_format.name,
        chat_template_sha256=adapter.chat_format.template_sha256,
        ref_model=reference.model_id if reference else None,
        ref_revision_resolved=reference.revision_resolved if reference else None,
    )


def _run_settings(config: RunConfig, options: LoadOptions, adapter: RewardAdapter) -> RunSettings:
    return RunSettings(
        device=str(options.device),
        dtype=dtype_name(options.dtype),
        max_length=adapter.max_length,
        batch_tokens=options.batch_tokens,
        batching=PACKED_BATCHING if getattr(adapter, "packed", False) else PADDED_BATCHING,
        attention=attention_of(adapter.model) if hasattr(adapter, "model") else None,
        pooled_final_layer=bool(getattr(adapter, "pooled_final_layer_on", False)),
        bootstrap_samples=config.bootstrap_samples,
        bootstrap_seed=config.seed,
        per_token_mean=config.per_token_mean,
    )


def _run_stats(stats: ScoringStats) -> RunStats:
    counts = {key: value for key, value in asdict(stats).items() if key in RunStats.model_fields}
    return RunStats(**counts, truncation_rule=truncation.RULE)


def silence_library_progress_bars() -> None:
    """No progress bars from the libraries either: downloads, dataset building, weight loading.

    Each library keeps its own switch, for the whole process; a run without bars wants them all off.
    `datasets` (most of a second to import, and not needed to read local JSON Lines) reads its
    switch from the environment when it is first imported, so it is imported here only if it
    already is; a user's own setting of the variable wins, as it would over the call. Child
    processes inherit the variable: they are part of the same run without bars.
    """
    import huggingface_hub.utils
    import transformers.utils.logging

    os.environ.setdefault(DATASETS_PROGRESS_BARS_OFF, "1")
    if "datasets" in sys.modules:
        sys.modules["datasets"].disable_progress_bars()
    huggingface_hub.utils.disable_progress_bars()
    transformers.utils.logging.disable_progress_bar()


def _score(adapter, data: BenchmarkData):
    start = time.perf_counter()
    scored, stats = adapter.score(data.examples)
    total = time.perf_counter() - start
    return scored, stats, (stats.encode_s, total - stats.encode_s)


def _by_subset(examples: list[ExampleScore]) -> dict[str, list[ExampleScore]]:
    grouped: dict[str, list[ExampleScore]] = defaultdict(list)
    for example in examples:
        grouped[example.subset].append(example)
    return dict(grouped)


def _load_data(benchmark: Benchmark, config: RunConfig) -> BenchmarkData:
    return load_benchmark_data(
        benchmark,
        core=_core_source(benchmark, config),
        extras=config.extras,
        subsets=config.subsets,
        extra_data={extra: DataSource(location) for extra, location in config.extra_data.items()},
    )


def _core_source(benchmark: Benchmark, config: RunConfig) -> DataSource:
    """The core data read: a --data file or override replaces the benchmark's, pinned commit and all."""
    return DataSource(config.data, config.data_split) if config.data else benchmark.core_source


def _benchmark_info(benchmark: Benchmark, data: BenchmarkData, config: RunConfig) -> BenchmarkInfo:
    scored = {example.subset for example in data.examples}
    core = _core_source(benchmark, config)
    return BenchmarkInfo(
        name=benchmark.name,
        data_source=" + ".join(data.sources),
        data_split=core.split,
        data_revision=_revisions(data),
        data_fingerprint=data.fingerprint,
        num_examples=len(data.examples),
        custom_data=config.custom_data,
        missing_subsets=list(benchmark.missing(scored, extras=config.extras, partial=config.custom_data)),
    )


def _revisions(data: BenchmarkData) -> Optional[str]:
    """The commit of the core data; where it is several Hub datasets (PPE Correctness), each one's,
    joined by " + " in the order `data_source` names them."""
    core = data.revisions[: data.core_parts]
    if len(core) > 1 and any(core):
        return " + ".join(r or "local" for r in core)
    return core[0] if core else None


def _warn_about_truncation(stats: ScoringStats, max_length: int) -> None:
    """One line per run, however many texts were cut."""
    if stats.num_truncated:
        log.warning(
            "%d of %d texts were longer than %d tokens: %d lost prompt tokens from the left, %d had "
            "their response cut because it alone is too long; raise --max-length to score them whole",
            stats.num_truncated, stats.num_texts, max_length, stats.num_prompt_truncated,
            stats.num_response_truncated,
        )


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
