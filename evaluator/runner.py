"""evaluate(config) -> EvalOutcome: one model through one benchmark, start to finish."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from results.store import Store
from results.schema import (
    BenchmarkInfo,
    EvalResult,
    ExampleScore,
    ModelInfo,
    RunSettings,
    RunStats,
    Timings,
)

from . import scoring
from .adapters import LoadOptions, get_adapter
from .benchmarks import DataSource, get_benchmark
from .benchmarks.loading import BenchmarkData, load_benchmark_data
from .device import dtype_name, resolve_device, resolve_dtype
from .model_source import resolve_model
from .provenance import environment

log = logging.getLogger(__name__)


class RunConfig(BaseModel):
    """The settings of one evaluation, as given on the command line or in a queue request."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model: str
    model_type: str = "classifier"
    revision: Optional[str] = None
    ref_model: Optional[str] = Field(None, description="reference model (DPO model types)")
    ref_revision: Optional[str] = None
    per_token_mean: bool = Field(False, description="dpo-ref-free: mean, not sum, of response log-probs")
    benchmark: str = "rewardbench"
    data: Optional[str] = Field(None, description="local file or Hub id replacing the core data")
    data_split: Optional[str] = None
    prior_sets: bool = False
    subsets: Optional[list[str]] = None
    device: str = "auto"
    dtype: str = "auto"
    chat_template: str = "tokenizer"
    max_length: Optional[int] = Field(None, gt=0)
    batch_tokens: int = Field(16384, gt=0)
    bootstrap_samples: int = Field(scoring.DEFAULT_BOOTSTRAP_SAMPLES, gt=0)
    seed: int = scoring.DEFAULT_SEED
    progress: bool = True


@dataclass(frozen=True)
class EvalOutcome:
    result: EvalResult
    examples: list[ExampleScore]

    def write(self, output_dir: str | Path) -> tuple[Path, Path]:
        """Write `<org>/<name>.json` and `<org>/<name>.scores.jsonl` under `output_dir`."""
        folder = Path(output_dir) / self.result.model.name.split("/")[0]
        folder.mkdir(parents=True, exist_ok=True)
        stem = self.result.model.name.split("/")[1]
        result_path = folder / f"{stem}.json"
        scores_path = folder / f"{stem}.scores.jsonl"
        _write_atomic(result_path, self.result.model_dump_json(indent=2))
        _write_atomic(scores_path, "".join(e.model_dump_json() + "\n" for e in self.examples))
        return result_path, scores_path


def evaluate(config: RunConfig, store: Optional[Store] = None) -> EvalOutcome:
    """Evaluate one model. `store`, when given, holds reusable intermediate data (cache/...)."""
    started, clock = datetime.now(timezone.utc), time.perf_counter()
    benchmark = get_benchmark(config.benchmark)
    adapter_cls = get_adapter(config.model_type)
    device = resolve_device(config.device)
    dtype = resolve_dtype(config.dtype, device)

    data = load_benchmark_data(
        benchmark,
        core=DataSource(config.data, config.data_split) if config.data else None,
        extras=["prior-sets"] if config.prior_sets else [],
        subsets=config.subsets,
    )
    t_data = time.perf_counter()
    log.info("loaded %d examples from %s", len(data.examples), " + ".join(data.sources))

    model = resolve_model(config.model, config.revision)
    options = LoadOptions(
        model_path=model.local_path,
        device=device,
        dtype=dtype,
        chat_template=config.chat_template,
        max_length=config.max_length,
        batch_tokens=config.batch_tokens,
        progress=config.progress,
        ref_model=config.ref_model,
        ref_revision=config.ref_revision,
        store=store,
        per_token_mean=config.per_token_mean,
    )
    adapter = adapter_cls.load(options)
    t_model = time.perf_counter()

    scored, stats, score_timing = _score(adapter, data)
    examples = [
        ExampleScore(
            id=ex.id,
            subset=ex.subset,
            scores_chosen=s.scores_chosen,
            scores_rejected=s.scores_rejected,
            correct=s.correct if s.correct is not None else scoring.pair_correct(s.scores_chosen, s.scores_rejected),
        )
        for ex, s in zip(data.examples, scored)
    ]
    scores = scoring.score(_correct_by_subset(examples), benchmark, config.bootstrap_samples, config.seed)
    finished = datetime.now(timezone.utc)
    if stats.num_truncated:
        log.warning("%d of %d texts were longer than %d tokens and were truncated",
                    stats.num_truncated, stats.num_texts, adapter.max_length)

    # Only model types that compare against a reference model carry one (see adapters/dpo.py).
    reference = getattr(adapter, "reference", None)
    result = EvalResult(
        model=ModelInfo(
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
        ),
        benchmark=_benchmark_info(benchmark.name, data, config),
        settings=RunSettings(
            device=str(device),
            dtype=dtype_name(dtype),
            max_length=adapter.max_length,
            batch_tokens=config.batch_tokens,
            bootstrap_samples=config.bootstrap_samples,
            bootstrap_seed=config.seed,
            per_token_mean=config.per_token_mean,
        ),
        environment=environment(device),
        timings=Timings(
            started_at=started,
            finished_at=finished,
            load_data_s=t_data - clock,
            load_model_s=t_model - t_data,
            tokenize_s=score_timing[0],
            score_s=score_timing[1],
            total_s=time.perf_counter() - clock,
        ),
        stats=RunStats(
            num_texts=stats.num_texts,
            num_truncated=stats.num_truncated,
            real_tokens=stats.real_tokens,
            padded_tokens=stats.padded_tokens,
        ),
        subsets=scores.subsets,
        sections=scores.sections,
        score=scores.overall,
        score_ci95=scores.overall_ci95,
    )
    return EvalOutcome(result=result, examples=examples)


def _score(adapter, data: BenchmarkData):
    start = time.perf_counter()
    scored, stats = adapter.score(data.examples)
    total = time.perf_counter() - start
    return scored, stats, (stats.encode_s, total - stats.encode_s)


def _correct_by_subset(examples: list[ExampleScore]) -> dict[str, np.ndarray]:
    grouped: dict[str, list[float]] = defaultdict(list)
    for example in examples:
        grouped[example.subset].append(example.correct)
    return {subset: np.asarray(values) for subset, values in grouped.items()}


def _benchmark_info(name: str, data: BenchmarkData, config: RunConfig) -> BenchmarkInfo:
    return BenchmarkInfo(
        name=name,
        data_source=" + ".join(data.sources),
        data_split=config.data_split,
        data_fingerprint=data.fingerprint,
        num_examples=len(data.examples),
    )


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
