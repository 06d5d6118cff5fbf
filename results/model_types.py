"""The kinds of reward model the leaderboard knows, shared by the submission form and the evaluator.

The evaluator's adapter registry must have exactly these keys (a test checks it); the web app reads
this table without importing the evaluator (the web process never loads torch).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelType:
    key: str
    label: str
    needs_reference: bool = False


MODEL_TYPES: dict[str, ModelType] = {
    t.key: t
    for t in (
        ModelType("classifier", "Sequence classifier"),
        ModelType("dpo", "DPO (implicit reward vs. reference)", needs_reference=True),
        ModelType("dpo-ref-free", "DPO, reference-free (policy log-prob)"),
    )
}
