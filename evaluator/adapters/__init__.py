"""Model-type registry: a new kind of reward model is one module plus one line here.

Entries are "module:Class" strings, imported on first use, so listing the types (for the CLI's
help or the submission form) costs nothing.
"""

from __future__ import annotations

from importlib import import_module

from ..errors import ConfigError
from .base import LoadOptions, RewardAdapter, ScoredExample, ScoringStats

ADAPTERS: dict[str, str] = {
    "classifier": "evaluator.adapters.classifier:ClassifierAdapter",
    "dpo": "evaluator.adapters.dpo:DPOAdapter",
    "dpo-ref-free": "evaluator.adapters.dpo:ReferenceFreeAdapter",
}


def get_adapter(model_type: str) -> type[RewardAdapter]:
    try:
        target = ADAPTERS[model_type]
    except KeyError:
        raise ConfigError(
            f"unknown model type {model_type!r}: choose one of {', '.join(sorted(ADAPTERS))}"
        ) from None
    module_name, class_name = target.split(":")
    return getattr(import_module(module_name), class_name)


__all__ = ["ADAPTERS", "LoadOptions", "RewardAdapter", "ScoredExample", "ScoringStats", "get_adapter"]
