"""The one table of reward-model types: the label shown in the web app and the evaluator's adapter.

The web app reads labels and `needs_reference` from here without importing the evaluator (the web
process never loads torch); the evaluator's adapter registry is derived from the `adapter` column,
a lazy "module:Class" string imported on first use. A new model type is one adapter module plus
one line here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelType:
    key: str
    label: str
    adapter: str  # "module:Class" of its evaluator adapter; only the evaluator imports it
    needs_reference: bool = False


MODEL_TYPES: dict[str, ModelType] = {
    t.key: t
    for t in (
        ModelType("classifier", "Sequence classifier", "evaluator.adapters.classifier:ClassifierAdapter"),
        ModelType(
            "dpo",
            "DPO (implicit reward vs. reference)",
            "evaluator.adapters.dpo:DPOAdapter",
            needs_reference=True,
        ),
        ModelType(
            "dpo-ref-free", "DPO, reference-free (policy log-prob)", "evaluator.adapters.dpo:ReferenceFreeAdapter"
        ),
        ModelType("generative", "Generative judge (LLM-as-judge)", "evaluator.judges.adapter:GenerativeAdapter"),
        ModelType("cloud", "CLoud (critique, then reward)", "evaluator.critiques.adapter:CloudAdapter"),
    )
}
