"""What the runner and the policy evaluation share before an adapter loads: where the model is
(files, or an API judge's name) and the options it loads with, the batch budget resolved."""

from __future__ import annotations

from typing import Optional

import torch

from results.store import Store

from .adapters.base import LoadOptions
from .model_source import ResolvedModel, api_model, resolve_model
from .run_config import RunConfig
from .speed.token_budget import choose_batch_tokens


def find_model(config: RunConfig) -> ResolvedModel:
    """A judge behind an API has no files to fetch; every other model does."""
    if config.api_judge:
        return api_model(config.model, config.judge.api_base)
    return resolve_model(config.model, config.revision, config.revision_resolved)


def adapter_options(
    config: RunConfig,
    model: ResolvedModel,
    device: torch.device,
    dtype: torch.dtype,
    store: Optional[Store],
    **resolved_more,
) -> LoadOptions:
    batch_tokens = choose_batch_tokens(config, model.local_path, device, dtype)
    return LoadOptions.from_config(
        config.model_copy(update={"batch_tokens": batch_tokens}),
        model.local_path,
        device,
        dtype,
        store,
        model_identity=f"{model.org}/{model.name}@{model.revision_resolved}",
        **resolved_more,
    )
