"""Which prompts a judge sees for a row, in which slot order, and how its verdicts become credit.

Order fairness: judges prefer a position (often the first answer), so by default a pair is judged
twice, A/B and B/A. Credit per pair: right in every order = 1, wrong in every order = 0, anything
else (a split, or an unparsable verdict) = 0.5. With one order (`orders=1`, upstream's single
judgement) the slot order is drawn from a generator seeded by (seed, subset, id): the same row gets
the same order in every run, whatever else is in the run.

Rows with four completions (RewardBench 2's best-of-4) get one ranking prompt, the completions in
a seeded permutation: picking the chosen one = 1, a rejected one = 0, unparsable = 1/4 (chance).
Rows of another size, where the benchmark judges lists by pairs (RMB's best-of-N lists), get every
(chosen, rejected) pair in both orders, the row right only when the chosen answer wins every pair.
Rows the benchmark scores by scalar margins (RewardBench 2's Ties) and rows of any other size get
one rating prompt per completion; their scores are the ratings (unparsable: 0, below every valid
rating), and the benchmark's own scorer gives the credit.

Each completion's score in the per-example line: in pairwise and ranking rows, the share of the
row's judgements that picked it (an unparsable judgement counts 1/slots for every completion), so
`scores_chosen[0] - max(scores_rejected)` reads as the judge's margin.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional, Sequence

from results.benchmarks.verdicts import COIN_TOSS, VerdictRule
from results.schema import Judgement

from ..adapters.base import ScoredExample
from ..benchmarks.loading import Example
from ..generation.base import Message
from .formats import DEFAULTS, SLOT_LETTERS, JudgeFormat

UNPARSABLE_RATING = 0.0


@dataclass(frozen=True)
class FormatSet:
    """The format for each kind of row."""

    pairwise: JudgeFormat = DEFAULTS["pairwise"]
    ranking: JudgeFormat = DEFAULTS["ranking"]
    rating: JudgeFormat = DEFAULTS["rating"]

    @classmethod
    def with_format(cls, chosen: JudgeFormat) -> "FormatSet":
        """The defaults, with `chosen` taking the rows of its mode."""
        return cls(**{chosen.mode.name: chosen})

    def for_row(self, completions: int, by_margin: bool) -> JudgeFormat:
        if by_margin:
            return self.rating
        return {self.pairwise.slots: self.pairwise, self.ranking.slots: self.ranking}.get(completions, self.rating)


@dataclass(frozen=True)
class JudgeTask:
    """One prompt to the judge about one row."""

    row: int  # index of the row in the run
    format: JudgeFormat
    shown: tuple[str, ...]  # completion labels in slot order: "chosen 0", "rejected 2", ...
    messages: list[Message]


def labelled_completions(example: Example) -> dict[str, str]:
    return {
        **{f"chosen {i}": text for i, text in enumerate(example.chosen)},
        **{f"rejected {i}": text for i, text in enumerate(example.rejected)},
    }


def question_text(prompt: Sequence[tuple[str, str]]) -> str:
    """The conversation before the answers: a single user turn as it is, longer ones by role."""
    if len(prompt) == 1:
        return prompt[0][1]
    return "\n\n".join(f"{role.title()}: {content}" for role, content in prompt)


def row_rng(seed: int, example: Example) -> random.Random:
    # A string seed is hashed with SHA-512 by `random`: stable across processes and Python runs.
    return random.Random(f"{seed}:{example.subset}:{example.id}")


def list_between(formats: FormatSet, completions: int) -> bool:
    """Whether a row holds more answers than a pairwise prompt shows and is not a ranking prompt's size."""
    return completions > formats.pairwise.slots and completions != formats.ranking.slots


def plan_row(
    row: int,
    example: Example,
    formats: FormatSet,
    orders: int,
    seed: int,
    by_margin: bool,
    every_pair: bool = False,
    lists_by_pairs: bool = False,
) -> list[JudgeTask]:
    completions = labelled_completions(example)
    if every_pair or (lists_by_pairs and not by_margin and list_between(formats, len(completions))):
        return plan_pairs(row, example, formats.pairwise, orders, seed)
    fmt = formats.for_row(len(completions), by_margin)
    question = question_text(example.prompt)
    if fmt.slots == 1:
        slot_orders = [(label,) for label in completions]
    elif fmt.slots == 2 and orders == 2:
        first, second = completions
        slot_orders = [(first, second), (second, first)]
    else:
        labels = list(completions)
        row_rng(seed, example).shuffle(labels)
        slot_orders = [tuple(labels)]
    return [
        JudgeTask(row, fmt, shown, fmt.messages(question, [completions[label] for label in shown]))
        for shown in slot_orders
    ]


def plan_pairs(row: int, example: Example, fmt: JudgeFormat, orders: int, seed: int) -> list[JudgeTask]:
    """Every (chosen i, rejected j) pair as its own pairwise prompt, in both slot orders (or one seeded
    order): RM-Bench's 3 x 3 pairs are 18 prompts a row."""
    completions = labelled_completions(example)
    question = question_text(example.prompt)
    rng = row_rng(seed, example)
    tasks = []
    for i in range(len(example.chosen)):
        for j in range(len(example.rejected)):
            pair = (f"chosen {i}", f"rejected {j}")
            for shown in (pair, pair[::-1]) if orders == 2 else (rng.choice((pair, pair[::-1])),):
                tasks.append(JudgeTask(row, fmt, shown, fmt.messages(question, [completions[label] for label in shown])))
    return tasks


def picked_label(task: JudgeTask, verdict: Optional[str]) -> Optional[str]:
    """The completion a pairwise/ranking verdict names, None when unparsable."""
    if verdict is None or verdict not in SLOT_LETTERS[: task.format.slots]:
        return None
    return task.shown[SLOT_LETTERS.index(verdict)]


def scored_row(
    example: Example,
    tasks: Sequence[JudgeTask],
    judgements: Sequence[Judgement],
    rule: VerdictRule = COIN_TOSS,
    every_pair: bool = False,
) -> ScoredExample:
    """A row's scores (and credit by the benchmark's `rule`, for pairwise and ranking rows) from its judgements."""
    if every_pair:
        return scored_pairs(example, tasks, judgements)
    if tasks[0].format.slots == 2 and len(labelled_completions(example)) > 2:  # a list planned pair by pair
        return scored_pairs(example, tasks, judgements, every_pair_won=True)
    if tasks[0].format.slots == 1:
        ratings = {task.shown[0]: _rating(j.verdict) for task, j in zip(tasks, judgements)}
        return _scores(example, ratings, correct=None)
    slots = tasks[0].format.slots
    votes = {label: 0.0 for label in labelled_completions(example)}
    picks = [picked_label(task, j.verdict) for task, j in zip(tasks, judgements)]
    for pick in picks:
        if pick is None:
            for label in votes:
                votes[label] += 1.0 / slots
        else:
            votes[pick] += 1.0
    shares = {label: count / len(picks) for label, count in votes.items()}
    return _scores(example, shares, correct=rule.credit(picks, slots))


def scored_pairs(
    example: Example, tasks: Sequence[JudgeTask], judgements: Sequence[Judgement], every_pair_won: bool = False
) -> ScoredExample:
    """Rows judged pair by pair: chosen i beats rejected j when more of that pair's verdicts pick it
    than pick rejected j (the scalar rule on vote counts: a split or a tie is a loss, as a tie of
    rewards is); the credit is the share of pairs won, or (`every_pair_won`: a best-of-N list) 1 when
    every pair is won and 0 otherwise. A completion's score is the share of its judgements that
    picked it."""
    votes: dict[tuple[str, str], dict[str, int]] = {}
    picked = {label: 0 for label in labelled_completions(example)}
    seen = {label: 0 for label in picked}
    for task, judgement in zip(tasks, judgements):
        pair = tuple(sorted(task.shown))  # ("chosen i", "rejected j")
        pick = picked_label(task, judgement.verdict)
        counts = votes.setdefault(pair, {label: 0 for label in pair})
        if pick is not None:
            counts[pick] += 1
            picked[pick] += 1
        for label in task.shown:
            seen[label] += 1
    wins = [
        [float(votes[(f"chosen {i}", f"rejected {j}")][f"chosen {i}"] > votes[(f"chosen {i}", f"rejected {j}")][f"rejected {j}"])
         for j in range(len(example.rejected))]
        for i in range(len(example.chosen))
    ]
    shares = {label: picked[label] / seen[label] if seen[label] else 0.0 for label in picked}
    won = sum(map(sum, wins)) / (len(example.chosen) * len(example.rejected))
    scored = _scores(example, shares, correct=float(won == 1.0) if every_pair_won else won)
    return ScoredExample(scored.scores_chosen, scored.scores_rejected, scored.correct, pair_wins=wins)


def _rating(verdict: Optional[str]) -> float:
    return float(verdict) if verdict is not None else UNPARSABLE_RATING


def _scores(example: Example, by_label: dict[str, float], correct: Optional[float]) -> ScoredExample:
    return ScoredExample(
        scores_chosen=[by_label[f"chosen {i}"] for i in range(len(example.chosen))],
        scores_rejected=[by_label[f"rejected {i}"] for i in range(len(example.rejected))],
        correct=correct,
    )


@dataclass(frozen=True)
class FairnessStats:
    judgements: int
    unparsable: int
    # Pairs judged in both orders, and how many of them got the same answer in both.
    both_orders: int
    consistent: int

    @property
    def unparsable_share(self) -> float:
        return self.unparsable / self.judgements if self.judgements else 0.0

    @property
    def position_consistency(self) -> Optional[float]:
        return self.consistent / self.both_orders if self.both_orders else None


def fairness_stats(rows: Sequence[tuple[Sequence[JudgeTask], Sequence[Judgement]]]) -> FairnessStats:
    judgements = unparsable = both = consistent = 0
    for tasks, answers in rows:
        judgements += len(answers)
        unparsable += sum(a.verdict is None for a in answers)
        if not tasks or tasks[0].format.slots != 2:
            continue
        by_pair: dict[tuple[str, ...], list] = {}
        for task, answer in zip(tasks, answers):
            by_pair.setdefault(tuple(sorted(task.shown)), []).append(picked_label(task, answer.verdict))
        for picks in by_pair.values():
            if len(picks) == 2:  # a pair judged in both orders
                both += 1
                consistent += picks[0] is not None and picks[0] == picks[1]
    return FairnessStats(judgements, unparsable, both, consistent)
