"""RunConfig: the settings of one evaluation, built in one place from each of its three sources.

- the command line: `RunConfig.from_args` (the CLI parser's dests are RunConfig field names);
- a queued request plus the worker's settings: `RunConfig.from_request` (fields named alike in
  `EvalRequest` and `WorkerSettings` carry over by name; only what has no counterpart is mapped);
- the runner hands it to the model adapters whole (`LoadOptions.from_config`).

Nothing here imports torch: the CLI checks its arguments before the heavy libraries load.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from results.model_types import MODEL_TYPES, ModelType

from results.benchmarks.metrics import DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_SEED

from .benchmarks import BENCHMARKS
from .benchmarks.loading import looks_like_a_file
from .critique_options import CloudSettings
from .errors import ConfigError
from .judge_options import JudgeSettings
from .speed.options import PackingMode

if TYPE_CHECKING:
    from results.schema import EvalRequest

    from .settings import WorkerSettings

# The worker's data overrides name extra data as "<benchmark>.<extra>", e.g. rewardbench.prior-sets.
EXTRA_SEPARATOR = "."


class RunConfig(BaseModel):
    """The settings of one evaluation, as given on the command line or in a queue request."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model: str
    model_type: str = "classifier"
    revision: Optional[str] = Field(None, description="the branch, tag or commit asked for")
    revision_resolved: Optional[str] = Field(
        None, description="the commit to evaluate, pinned at submission (a Hub sha or 'local-<hash>')"
    )
    ref_model: Optional[str] = Field(None, description="reference model (DPO model types)")
    ref_revision: Optional[str] = None
    ref_revision_resolved: Optional[str] = Field(None, description="the reference's pinned commit")
    per_token_mean: bool = Field(False, description="dpo-ref-free: mean, not sum, of response log-probs")
    prefix_sharing: bool = Field(
        True, description="causal classifiers and log-prob types: run a prompt shared by responses once"
    )
    pooled_final_layer: bool = Field(
        True, description="sequence classifiers: compute the final layer at the token they read only"
    )
    packing: PackingMode = Field(
        "auto", description="texts scored without a shared prompt: packed rows (auto: on variable-length attention)"
    )
    benchmark: str = "rewardbench"
    data: Optional[str] = Field(None, description="local file or Hub id replacing the core data")
    data_split: Optional[str] = None
    prior_sets: bool = False
    extra_data: dict[str, str] = Field(
        default_factory=dict, description="extra source name -> data replacing its default (e.g. prior-sets)"
    )
    subsets: Optional[list[str]] = None
    device: str = "auto"
    dtype: str = "auto"
    chat_template: str = "tokenizer"
    max_length: Optional[int] = Field(None, gt=0)
    batch_tokens: Optional[int] = Field(
        None, gt=0, description="padded tokens per batch; unset: 16,384 on CPU, sized to free memory on a GPU"
    )
    bootstrap_samples: int = Field(DEFAULT_BOOTSTRAP_SAMPLES, gt=0)
    seed: int = Field(DEFAULT_SEED, description="seeds the bootstrap and a judge's slot orders")
    progress: bool = True
    judge: Optional[JudgeSettings] = Field(None, description="generative judges: format, orders, backend")
    cloud: Optional[CloudSettings] = Field(None, description="critique models: number of critiques, decoding")

    @field_validator("model_type")
    @classmethod
    def _known_model_type(cls, value: str) -> str:
        if value not in MODEL_TYPES:
            raise ValueError(f"unknown model type {value!r}: choose one of {', '.join(MODEL_TYPES)}")
        return value

    @property
    def kind(self) -> ModelType:
        """What this run's model type can do (results/model_types.py)."""
        return MODEL_TYPES[self.model_type]

    @model_validator(mode="after")
    def _judge_defaults(self) -> "RunConfig":
        """A generative judge without settings gets the defaults; an API judge asks for --model by name."""
        if self.kind.judges_together:
            self.judge = self.judge or JudgeSettings()
            if self.judge.backend == "api" and not self.judge.api_model:
                self.judge = self.judge.model_copy(update={"api_model": self.model})
        elif self.judge is not None and self.judge != JudgeSettings():
            raise ValueError(f"judge options apply to {_types_that('judges_together')}, not {self.model_type!r}")
        if self.kind.writes_critiques:
            self.cloud = self.cloud or CloudSettings()
        elif self.cloud is not None and self.cloud != CloudSettings():
            raise ValueError(f"critique options apply to {_types_that('writes_critiques')}, not {self.model_type!r}")
        return self

    @property
    def api_judge(self) -> bool:
        return self.judge is not None and self.judge.backend == "api"

    @model_validator(mode="before")
    @classmethod
    def _dataset_as_benchmark(cls, values: Any) -> Any:
        """A dataset given as the benchmark is scored by RewardBench's rules, as custom data."""
        if isinstance(values, dict):
            benchmark = values.get("benchmark")
            if benchmark and benchmark not in BENCHMARKS and (
                Path(benchmark).exists() or "/" in benchmark or looks_like_a_file(benchmark)
            ):
                values = {**values, "benchmark": "rewardbench", "data": values.get("data") or benchmark}
        return values

    @property
    def extras(self) -> tuple[str, ...]:
        """The benchmark's optional data sources this run scores."""
        return ("prior-sets",) if self.prior_sets else ()

    @property
    def custom_data(self) -> bool:
        """Whether any rows scored are not the benchmark's own data."""
        return bool(self.data) or any(extra in self.extra_data for extra in self.extras)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> "RunConfig":
        """The command line's values; options left unset keep RunConfig's defaults."""
        given = {key: value for key, value in vars(args).items() if key in cls.model_fields and value is not None}
        # Dests named "<field>.<sub-field>" (e.g. judge.format) fill that field's own settings.
        nested: dict[str, dict[str, Any]] = {}
        for key, value in vars(args).items():
            field_name, dot, sub_field = key.partition(".")
            if dot and field_name in cls.model_fields and value is not None:
                nested.setdefault(field_name, {})[sub_field] = value
        return cls(**given, **nested)

    @classmethod
    def from_request(cls, request: "EvalRequest", settings: "WorkerSettings") -> "RunConfig":
        """What to evaluate (the request, at the commits pinned when it was submitted) and how (the
        worker's settings)."""
        from .adapters.chat_format import CHAT_FORMATS  # loads torch: the worker needs it next anyway

        if request.chat_template not in CHAT_FORMATS:
            # A template file is a path on the worker's disk: only the command line may name one.
            raise ConfigError(
                f"chat template {request.chat_template!r} is not allowed in a queued request: "
                f"choose one of {', '.join(CHAT_FORMATS)}"
            )
        # A request's `progress` is how far its run has got, not RunConfig's progress bars.
        fields = {**_shared(settings.model_dump()), **_shared(request.model_dump(exclude={"progress"}))}
        data, extra_data = split_overrides(settings.data_overrides, request.benchmark)
        kind = MODEL_TYPES.get(request.model_type)  # an unknown one is refused by the validator
        if kind is not None and kind.judges_together:
            fields.update(_queued_judge(request, settings))
        if kind is not None and kind.writes_critiques:
            fields["cloud"] = CloudSettings(
                num_critiques=request.num_critiques,
                temperature=request.critique_temperature,
                max_new_tokens=settings.judge_max_new_tokens,
            )
        return cls(**fields, data=data, extra_data=extra_data, progress=False)


def _types_that(capability: str) -> str:
    """The command line's words for the model types that have `capability`, as an error names them."""
    return " or ".join(f"--model-type {key}" for key, t in MODEL_TYPES.items() if getattr(t, capability))


def _queued_judge(request: "EvalRequest", settings: "WorkerSettings") -> dict[str, Any]:
    """A queued judge: a built-in format (a file is a path on the worker's disk), and, for an API
    judge, the endpoint and key variable of the host's allow-list entry it names, nothing else."""
    from results.judge_formats import DEFAULTS, FORMATS

    judge_format = request.judge_format or DEFAULTS["pairwise"].name
    if judge_format not in FORMATS:
        raise ConfigError(f"judge format {judge_format!r} is not a built-in: choose one of {', '.join(FORMATS)}")
    judge: dict[str, Any] = dict(
        format=judge_format,
        orders=request.judge_orders,
        concurrency=settings.judge_concurrency,
        max_new_tokens=settings.judge_max_new_tokens,
    )
    if request.api_judge is None:
        return {"judge": JudgeSettings(**judge)}
    entry = settings.api_judges.get(request.api_judge)
    if entry is None:
        raise ConfigError(
            f"API judge {request.api_judge!r} is not on this worker's allow-list (RMLB_API_JUDGES): "
            "only judges the host configured are evaluated"
        )
    judge.update(api_base=entry.api_base, api_model=entry.model, api_key_env=entry.api_key_env)
    return {"model": entry.model, "judge": JudgeSettings(**judge)}


def _shared(values: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if key in RunConfig.model_fields}


def split_overrides(overrides: Mapping[str, str], benchmark: str) -> tuple[Optional[str], dict[str, str]]:
    """`{"rewardbench": a, "rewardbench.prior-sets": b}` -> (a, {"prior-sets": b}) for `benchmark`."""
    extra_data = {}
    for key, location in overrides.items():
        name, _, extra = key.partition(EXTRA_SEPARATOR)
        if name == benchmark and extra:
            extra_data[extra] = location
    return overrides.get(benchmark), extra_data
