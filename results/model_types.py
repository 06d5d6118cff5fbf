"""The one table of reward-model types: the label shown in the web app, the evaluator's adapter,
and what each type can do.

The web app reads labels and capabilities from here without importing the evaluator (the web
process never loads torch); the evaluator's adapter registry is derived from the `adapter` column,
a lazy "module:Class" string imported on first use. A new model type is one adapter module plus
one line here. Code outside this table asks a type's capabilities (`MODEL_TYPES[key].generates_text`),
never compares its name: a new type then works wherever its capabilities say, without a hunt for
the places that list names (tests/test_model_types.py keeps comparisons out).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Judgement(str, Enum):
    """How a model type says which response is better."""

    REWARD = "reward"  # scores each response alone: a number per response, the higher one wins
    VERDICT = "verdict"  # judges a pair or a list of responses together and names the better one


@dataclass(frozen=True)
class ModelType:
    key: str
    label: str
    adapter: str  # "module:Class" of its evaluator adapter; only the evaluator imports it
    judgement: Judgement = Judgement.REWARD
    # Loads a second model of the user's choosing to compare against (DPO's implicit reward).
    needs_reference: bool = False
    # Writes text before it answers (a judge's verdict, a critique): its batches grow as it writes.
    generates_text: bool = False
    # Its reward is read off the language-model head's log-probabilities of the response tokens,
    # so every position's logits over the vocabulary are computed (a classifier reads one head).
    reward_from_log_probs: bool = False

    @property
    def scores_alone(self) -> bool:
        """Gives each response a reward of its own (the policy evaluation caches references' rewards)."""
        return self.judgement is Judgement.REWARD

    @property
    def judges_together(self) -> bool:
        """Names the better response of a pair or a list (takes a judge format and judge options)."""
        return self.judgement is Judgement.VERDICT

    @property
    def writes_critiques(self) -> bool:
        """Writes text about a response and then scores it alone (takes critique options)."""
        return self.generates_text and self.scores_alone


MODEL_TYPES: dict[str, ModelType] = {
    t.key: t
    for t in (
        ModelType("classifier", "Sequence classifier", "evaluator.adapters.classifier:ClassifierAdapter"),
        ModelType(
            "dpo",
            "DPO (implicit reward vs. reference)",
            "evaluator.adapters.dpo:DPOAdapter",
            needs_reference=True,
            reward_from_log_probs=True,
        ),
        ModelType(
            "dpo-ref-free",
            "DPO, reference-free (policy log-prob)",
            "evaluator.adapters.dpo:ReferenceFreeAdapter",
            reward_from_log_probs=True,
        ),
        ModelType(
            "generative",
            "Generative judge (LLM-as-judge)",
            "evaluator.judges.adapter:GenerativeAdapter",
            judgement=Judgement.VERDICT,
            generates_text=True,
        ),
        ModelType(
            "cloud", "CLoud (critique, then reward)", "evaluator.critiques.adapter:CloudAdapter", generates_text=True
        ),
    )
}

