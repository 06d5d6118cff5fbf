"""PPE Correctness (Preference Proxy Evaluations): among 32 sampled answers to a hard question, does
the reward model prefer the correct ones? Five sets, one Hub dataset each; scored by best_of_k.py.

The data's schema, as read from public code that loads these datasets (the datasets themselves cannot
be read from here): per row `prompt`, `response_1`..`response_32`, `scores` (one correctness value per
response, read as right/wrong), `sampled_conflict_pairs` (0-based index pairs into the responses,
`response_{i + 1}`), `question_id` and `model_name` (the model that sampled the responses; one
question appears once per sampling model, so the id is both). Not confirmed: whether `scores` are
booleans or 0/1 numbers (both are taken; anything else is refused), whether a pair can be listed twice
(a repeat, in either order, counts once), whether every prompt has both kinds of answer (a prompt with
none of one kind is taken: it has no conflict pairs but counts in the curves), and whether
`question_id` is always present (an `id` column is taken instead).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .best_of_k import BEST_OF_K, BestOfKMetrics
from .spec import BenchmarkSpec, DataSource, RowMapping

# Set (the subset and its column) -> what it holds (About).
SETS: dict[str, str] = {
    "MMLU-Pro": "multiple-choice knowledge questions across subjects",
    "MATH": "competition mathematics problems",
    "GPQA": "graduate-level science multiple-choice questions (its texts are never published here)",
    "IFEval": "instructions with verifiable constraints",
    "MBPP-Plus": "Python programming problems checked by tests",
}
HUB_DATASETS: tuple[tuple[str, str], ...] = tuple((s, f"lmarena-ai/PPE-{s}-Best-of-K") for s in SETS)
RESPONSE_PREFIX = "response_"


def set_of(name: str) -> str:
    """The set a Hub dataset's name, a local file's stem or a row's `subset` names: the set itself,
    any case, or the dataset's name (`PPE-MMLU-Pro-Best-of-K`)."""
    plain = name.lower().removeprefix("ppe-").removesuffix("-best-of-k")
    for known in SETS:
        if plain == known.lower():
            return known
    raise ValueError(f"set {name!r} is none of {', '.join(SETS)}")


def _correctness(value: Any, k: int) -> bool:
    if isinstance(value, bool) or (isinstance(value, (int, float)) and value in (0, 1)):
        return bool(value)
    raise ValueError(f"scores[{k}] is {value!r}: a correctness value must be true/false or 0/1")


def _responses(row: dict[str, Any]) -> list[str]:
    """`response_1`, `response_2`, ... in order, as many as the row has (32 in PPE)."""
    responses = []
    while f"{RESPONSE_PREFIX}{len(responses) + 1}" in row:
        text = row[f"{RESPONSE_PREFIX}{len(responses) + 1}"]
        if not isinstance(text, str):
            raise ValueError(f"'{RESPONSE_PREFIX}{len(responses) + 1}' is {type(text).__name__}, not a string")
        responses.append(text)
    if len(responses) < 2:
        raise ValueError(f"a best-of-K row needs responses '{RESPONSE_PREFIX}1', '{RESPONSE_PREFIX}2', ...")
    return responses


def _conflict_pairs(value: Any, correct: list[bool]) -> list[tuple[int, int]]:
    """Each pair as (correct index, wrong index) into the responses, a repeat counted once."""
    if not isinstance(value, list):
        raise ValueError("'sampled_conflict_pairs' must be a list of [i, j] index pairs")
    pairs: list[tuple[int, int]] = []
    for pair in value:
        if not (isinstance(pair, (list, tuple)) and len(pair) == 2 and all(isinstance(i, int) and not isinstance(i, bool) for i in pair)):
            raise ValueError(f"conflict pair {pair!r} is not two response indices")
        i, j = pair
        if not (0 <= i < len(correct) and 0 <= j < len(correct)):
            raise ValueError(f"conflict pair {pair!r} is out of range: the row has responses 0..{len(correct) - 1} (0-based)")
        if correct[i] == correct[j]:
            kind = "correct" if correct[i] else "wrong"
            raise ValueError(f"conflict pair {pair!r} is not a conflict: both responses are {kind}")
        oriented = (i, j) if correct[i] else (j, i)
        if oriented not in pairs:
            pairs.append(oriented)
    return pairs


@dataclass(frozen=True)
class BestOfKRows(RowMapping):
    """PPE rows: the correct responses become `chosen`, the wrong ones `rejected` (each in response
    order), the conflict pairs `pairs` as (chosen index, rejected index). The set is the row's
    `subset`, else the Hub dataset or local file it came from."""

    required: tuple[str, ...] = ("prompt", "scores", "sampled_conflict_pairs")
    names_from_files: bool = True
    sides_may_be_empty: bool = True
    names_pairs: bool = True

    def normalise(self, row: dict[str, Any], config: Optional[str] = None) -> dict[str, Any]:
        origin = row.get("subset") or config
        if not origin:
            raise KeyError("subset")
        responses = _responses(row)
        scores = row["scores"]
        if not isinstance(scores, list) or len(scores) != len(responses):
            count = len(scores) if isinstance(scores, list) else "not a list"
            raise ValueError(f"'scores' has {count} values for {len(responses)} responses")
        correct = [_correctness(v, k) for k, v in enumerate(scores)]
        position = {k: sum(1 for c in correct[:k] if c == correct[k]) for k in range(len(correct))}
        pairs = [(position[i], position[j]) for i, j in _conflict_pairs(row["sampled_conflict_pairs"], correct)]
        if self.row_id(row) is None:
            raise KeyError("question_id")
        return {
            "id": self.row_id(row),
            "subset": set_of(str(origin)),
            "prompt": row["prompt"],
            "chosen": [r for r, c in zip(responses, correct) if c],
            "rejected": [r for r, c in zip(responses, correct) if not c],
            "pairs": pairs,
        }

    def row_id(self, row: dict[str, Any]) -> Any:
        return _row_id(row)


def _row_id(row: dict[str, Any]) -> Any:
    """`question_id:model_name` (a question is sampled by several models), else `question_id`, else `id`."""
    if "question_id" not in row:
        return row.get("id")
    return f"{row['question_id']}:{row['model_name']}" if row.get("model_name") else row["question_id"]


ABOUT = (
    "Each PPE Correctness test is a hard question from a benchmark with a verifiable answer (MMLU-Pro, MATH, "
    "GPQA, IFEval, MBPP-Plus) and 32 answers sampled from one model, each known to be correct or wrong. The reward "
    "model scores all 32 (the prompt is shared, so it is run once per question). A pair of one correct and one "
    "wrong answer, as the data samples them (its *conflict pairs*), is **right when the correct answer scores "
    "strictly higher** (a tie is wrong). The best-of-K curve asks how often the reward model's favourite among "
    "K random answers is correct. GPQA asks that its questions never appear in plain text online: its texts "
    "are not stored with results, and its examples are shown by id and score only."
)

PPE_CORRECTNESS = BenchmarkSpec(
    name="ppe-correctness",
    version="1",
    title="PPE Correctness",
    about=ABOUT,
    core_source=DataSource("lmarena-ai/PPE-*-Best-of-K", split="train", datasets=HUB_DATASETS),
    metrics=BestOfKMetrics(SETS),
    rows=BestOfKRows(),
    default_scorer=BEST_OF_K,
    default_columns=BestOfKMetrics(SETS).main_columns,
    bootstrap_unit="prompt, within its set",
    texts_withheld=frozenset({"GPQA"}),
)
