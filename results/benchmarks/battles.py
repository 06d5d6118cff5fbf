"""Chatbot Arena battles as benchmark rows (PPE's human preference set; pure).

A battle is a prompt, the answers of two models (`response_1` by `model_a`, `response_2` by
`model_b`) and a person's vote `winner`: `model_a`, `model_b`, or a tie. A row becomes a pair with
the winner's answer as *chosen*; a tied battle keeps `response_1` as chosen (its credit is never
counted). Its subset is its language (languages outside the named ones pool into one subset), and
its per-example line carries what the metrics need beyond the two scores (`groups`): both model
names, the vote, and the category tags that were set.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence

from results.schema import ExampleScore

from .errors import BenchmarkDataError
from .spec import RowMapping

MODEL_A, MODEL_B = "model_a", "model_b"
TIES: tuple[str, ...] = ("tie", "tie (bothbad)")  # Chatbot Arena's two tie votes
WINNER = "winner"
TAGS = "tags"  # the category tags set on the battle, comma-separated, in the spec's order
LANGUAGE = "language"
TAG_SEPARATOR = ","


@dataclass(frozen=True)
class BattleRows(RowMapping):
    """PPE's columns (`question_id` is the id); a bad vote, a missing answer or model name, a battle
    of a model with itself, or a category tag that is not a boolean is refused with the reason."""

    id_column: str = "question_id"
    required: tuple[str, ...] = ("question_id", "prompt", "response_1", "response_2", MODEL_A, MODEL_B, WINNER, LANGUAGE)
    languages: tuple[str, ...] = ()
    other_languages: str = "Other"
    tags: tuple[str, ...] = ()  # boolean columns, each a category

    def normalise(self, row: dict[str, Any], config: Optional[str] = None) -> dict[str, Any]:
        winner = row.get(WINNER)
        if winner not in (MODEL_A, MODEL_B, *TIES):
            raise ValueError(f"winner {winner!r} is none of {', '.join(repr(w) for w in (MODEL_A, MODEL_B, *TIES))}")
        for column in ("response_1", "response_2", MODEL_A, MODEL_B, LANGUAGE):
            if not isinstance(row.get(column), str) or not row[column].strip():
                raise ValueError(f"{column!r} is missing or empty")
        if row[MODEL_A] == row[MODEL_B]:
            raise ValueError(f"model_a and model_b are both {row[MODEL_A]!r}: a battle is between two models")
        first, second = ("response_2", "response_1") if winner == MODEL_B else ("response_1", "response_2")
        return {
            "id": row["question_id"],
            "prompt": row["prompt"],
            "chosen": row[first],
            "rejected": row[second],
            "subset": row[LANGUAGE] if row[LANGUAGE] in self.languages else self.other_languages,
            "groups": {
                MODEL_A: row[MODEL_A],
                MODEL_B: row[MODEL_B],
                WINNER: winner,
                LANGUAGE: row[LANGUAGE],
                TAGS: TAG_SEPARATOR.join(self.tags_of(row)),
            },
        }

    def tags_of(self, row: Mapping[str, Any]) -> list[str]:
        """The category tags set on a row; a tag column that is present must be a boolean (absent: unset)."""
        for tag in self.tags:
            if tag in row and row[tag] is not None and not isinstance(row[tag], bool):
                raise ValueError(f"category tag {tag!r} is {row[tag]!r}, not true or false")
        return [tag for tag in self.tags if row.get(tag) is True]

    def row_groups(self, row: dict[str, Any]) -> dict[str, str]:
        return dict(row["groups"])


@dataclass(frozen=True)
class Battle:
    """One scored battle, read back from its per-example line."""

    model_a: str
    model_b: str
    human: float  # 1: people preferred model_a's answer, 0: model_b's, 0.5: a tie
    reward: float  # the same from the reward model: which answer scored higher (0.5 when equal)
    decided: bool  # people picked a winner (accuracy counts only these)
    correct: float  # the example's credit: the reward model agreed with the winner
    tags: tuple[str, ...]

    @classmethod
    def of(cls, example: ExampleScore) -> "Battle":
        groups = example.groups or {}
        missing = [key for key in (MODEL_A, MODEL_B, WINNER) if not groups.get(key)]
        if missing:
            raise BenchmarkDataError(
                f"battle {example.id!r} has no {', '.join(missing)} in its groups; a PPE per-example line "
                "names both models and the vote"
            )
        winner = groups[WINNER]
        chosen, rejected = example.scores_chosen[0], example.scores_rejected[0]
        # The winner's answer is the chosen one; a tie keeps model_a's answer as chosen.
        score_a, score_b = (rejected, chosen) if winner == MODEL_B else (chosen, rejected)
        return cls(
            model_a=groups[MODEL_A],
            model_b=groups[MODEL_B],
            human={MODEL_A: 1.0, MODEL_B: 0.0}.get(winner, 0.5),
            reward=1.0 if score_a > score_b else 0.0 if score_a < score_b else 0.5,
            decided=winner in (MODEL_A, MODEL_B),
            correct=example.correct,
            tags=tuple(t for t in groups.get(TAGS, "").split(TAG_SEPARATOR) if t),
        )


def battles_of(examples: Sequence[ExampleScore]) -> list[Battle]:
    return [Battle.of(example) for example in examples]
