"""Model-type registry, derived from the one table in `results/model_types.py`.

Entries are "module:Class" strings, imported on first use, so listing the types (for the CLI's
help or the submission form) costs nothing.
"""

from __future__ import annotations

from importlib import import_module

from results.model_types import MODEL_TYPES

from ..errors import ConfigError
from .base import LoadOptions, RewardAdapter, ScoredExample, ScoringStats

ADAPTERS: dict[str, str] = {key: t.adapter for key, t in MODEL_TYPES.items()}


def get_adapter(model_type: str) -> type[RewardAdapter]:
    try:
        target = ADAPTERS[model_type]
    except KeyError:
        raise ConfigError(
            f"unknown model type {model_type!r}: choose one of {', '.join(sorted(ADAPTERS))}"
        ) from None
    module_name, class_name = target.split(":")
    adapter = getattr(import_module(module_name), class_name)
    # A table line pointing at the wrong class would score with another model type's rules.
    if not (isinstance(adapter, type) and issubclass(adapter, RewardAdapter)) or adapter.model_type != model_type:
        raise TypeError(f"model type {model_type!r} maps to {target}, which is not its RewardAdapter")
    return adapter


__all__ = ["ADAPTERS", "LoadOptions", "RewardAdapter", "ScoredExample", "ScoringStats", "get_adapter"]
